"""Great Expectations suites over the marts, on pandas frames read (read-only) from the build
warehouse after dbt, before anything is published.

- Every aggregate mart, as a long frame (one row per mart row and measure: the grain, the
  measure's name and value, its bounds and interval), so four expectations cover a mart
  whatever its width and a failing row names its column. The measures come from the naming
  conventions of the marts: BIGINT columns are counts (>= 0); `*_rate`, `*_share`, `share_*`
  are shares in [0, 1] (`activation_rate` is a percentage, [0, 100]); `<p>_ci_low`,
  `<p>_ci_high` enclose `<p>_rate` (or `<p>`, `<p>_value`).
- Cost reconciliation: allocated + unallocated = invoiced, per contract and billed month,
  recomputed from the invoice lines and the allocations.
- Volume band: monthly volumes (starts, exits, spend, register counts ...) against the
  previously published snapshot, for months old enough to be settled.
- Register-month coverage: no month inside the register's period without known statuses.

Doubles are rounded to 12 decimals first: the Wilson bounds of a 0 % rate come out as -3.6e-17.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import polars as pl

from quality.samples import PERSON_COLUMNS

if TYPE_CHECKING:
    import great_expectations as gx

PERCENT_RATES = frozenset({"activation_rate"})  # x 100 by the KPI definition
# Volumes summed over the areas (target group ALL) per month, compared between runs.
BAND_MEASURES = (
    "starts",
    "exits",
    "active_customers",
    "spend_eur",
    "unemployed_jobseekers",
    "in_activating_services",
)
_DECIMALS = 12


@dataclass(frozen=True)
class Band:
    tolerance: float
    min_value: float
    settled_months: int


@dataclass(frozen=True)
class Coverage:
    min_ratio: float
    min_persons: int


def _between(column_a: str, column_b: str, description: str):
    """column_a >= column_b wherever both are there."""
    import great_expectations as gx

    return gx.expectations.ExpectColumnPairValuesAToBeGreaterThanB(
        column_A=column_a,
        column_B=column_b,
        or_equal=True,
        ignore_row_if="either_value_is_missing",
        description=description,
    )


# ---- every aggregate mart ------------------------------------------------------------------


def _is_share(column: str) -> bool:
    return column.endswith(("_rate", "_share")) or column.startswith("share_")


def _rate_of(prefix: str, columns: list[str]) -> str | None:
    return next((c for c in (f"{prefix}_rate", prefix, f"{prefix}_value") if c in columns), None)


def mart_measures(con: duckdb.DuckDBPyConnection, mart: str, grain: list[str]) -> pl.DataFrame:
    """The mart as a long frame: grain, measure, value, lower, upper, ci_low, ci_high."""
    types = dict(
        con.execute(
            """select column_name, data_type from information_schema.columns
            where table_schema = 'marts' and table_name = ? order by ordinal_position""",
            [mart],
        ).fetchall()
    )
    columns = [c for c in types if c not in PERSON_COLUMNS]
    table = con.sql(f"select {', '.join(columns)} from marts.{mart}").pl()
    intervals = {}  # rate column -> (its ci_low, its ci_high)
    for column in columns:
        prefix = column.removesuffix("_ci_low")
        rate = _rate_of(prefix, columns) if prefix != column else None
        if rate and f"{prefix}_ci_high" in columns:
            intervals[rate] = (column, f"{prefix}_ci_high")
    counts = [c for c in columns if types[c] == "BIGINT" and c not in grain]
    shares = [c for c in columns if types[c] == "DOUBLE" and _is_share(c) and "_ci_" not in c]
    pieces = []
    for column in dict.fromkeys([*counts, *shares, *intervals]):
        low, high = intervals.get(column, (None, None))
        bounded = column in counts or column in shares
        upper = 100.0 if column in PERCENT_RATES else 1.0 if column in shares else None
        pieces.append(
            table.select(
                *grain,
                pl.lit(column).alias("measure"),
                pl.col(column).cast(pl.Float64).alias("value"),
                pl.lit(0.0 if bounded else None, pl.Float64).alias("lower"),
                pl.lit(upper, pl.Float64).alias("upper"),
                (pl.col(low) if low else pl.lit(None)).cast(pl.Float64).alias("ci_low"),
                (pl.col(high) if high else pl.lit(None)).cast(pl.Float64).alias("ci_high"),
            )
        )
    if not pieces:
        return pl.DataFrame()
    measures = ("value", "lower", "upper", "ci_low", "ci_high")
    return pl.concat(pieces).with_columns(pl.col(measures).round(_DECIMALS))


def mart_suite(mart: str) -> gx.ExpectationSuite:
    import great_expectations as gx

    return gx.ExpectationSuite(
        name=f"marts__{mart}",
        expectations=[
            _between("value", "lower", "counts are not negative, shares not below 0"),
            _between("upper", "value", "shares are at most 1 (percentages at most 100)"),
            _between("value", "ci_low", "a rate is not below its interval's lower bound"),
            _between("ci_high", "value", "a rate is not above its interval's upper bound"),
        ],
    )


# ---- cost reconciliation -------------------------------------------------------------------

_RECONCILIATION = """
with invoiced as (
    select contract_id, cast(date_trunc('month', period_start) as date) as period_month,
        sum(amount_eur) as invoiced_eur
    from staging.stg_purchases__invoice_lines
    where invoice_date <= (select as_of_date from intermediate.int_as_of)
    group by all
),
allocated as (
    select a.contract_id, a.period_month, sum(a.allocated_eur) as allocated_eur
    from intermediate.int_invoice_allocations as a
    inner join marts.fct_service_episodes as f on f.service_period_id = a.service_period_id
    group by all
)
select
    contract_id,
    period_month,
    coalesce(i.invoiced_eur, 0) as invoiced_eur,
    coalesce(a.allocated_eur, 0) as allocated_eur,
    coalesce(u.unallocated_eur, 0) as unallocated_eur,
    cast(coalesce(a.allocated_eur, 0) + coalesce(u.unallocated_eur, 0)
        - coalesce(i.invoiced_eur, 0) as double) as difference_eur
from invoiced as i
full outer join allocated as a using (contract_id, period_month)
full outer join marts.unallocated_spend as u using (contract_id, period_month)
order by contract_id, period_month
"""


def reconciliation_frame(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return con.sql(_RECONCILIATION).pl()


def reconciliation_suite() -> gx.ExpectationSuite:
    import great_expectations as gx

    return gx.ExpectationSuite(
        name="marts__cost_reconciliation",
        expectations=[
            gx.expectations.ExpectColumnValuesToBeBetween(
                column="difference_eur",
                min_value=-0.005,
                max_value=0.005,
                description="allocated + unallocated = invoiced, to the cent",
            )
        ],
    )


# ---- volume band against the previously published snapshot --------------------------------

_PROFILE = f"""
select month_start, {", ".join(f"cast(sum({m}) as double) as {m}" for m in BAND_MEASURES)}
from marts.kpi_area_month
where target_group = 'ALL'
group by month_start
"""


def volume_profile(con: duckdb.DuckDBPyConnection) -> tuple[date, pl.DataFrame]:
    """The as-of date and the monthly volumes, long: month_start, measure, value."""
    [(as_of,)] = con.execute("select as_of_date from intermediate.int_as_of").fetchall()
    profile = con.sql(_PROFILE).pl()
    return as_of, profile.unpivot(index="month_start", variable_name="measure")


def published_profile(snapshot: Path) -> tuple[date, pl.DataFrame] | None:
    if not snapshot.exists():
        return None
    with duckdb.connect(str(snapshot), read_only=True) as con:
        return volume_profile(con)


def band_frame(
    current: tuple[date, pl.DataFrame], previous: tuple[date, pl.DataFrame], band: Band
) -> pl.DataFrame:
    """Settled months of the previous profile beside this run's, with the relative change
    where the previous value is large enough to judge. A month gone is a month at 0."""
    older_as_of = min(current[0], previous[0])
    cutoff = _months_before(older_as_of.replace(day=1), band.settled_months)
    return (
        previous[1]
        .rename({"value": "previous"})
        .filter(pl.col("month_start") < cutoff)
        .join(current[1].rename({"value": "current"}), on=["month_start", "measure"], how="left")
        .with_columns(pl.col("current").fill_null(0.0))
        .with_columns(
            pl.when(pl.col("previous").abs() >= band.min_value)
            .then(pl.col("current") / pl.col("previous") - 1)
            .round(_DECIMALS)
            .alias("relative_change")
        )
        .sort("month_start", "measure")
    )


def _months_before(month_start: date, months: int) -> date:
    index = month_start.year * 12 + month_start.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def band_suite(band: Band) -> gx.ExpectationSuite:
    import great_expectations as gx

    return gx.ExpectationSuite(
        name="marts__volume_band",
        expectations=[
            gx.expectations.ExpectColumnValuesToBeBetween(
                column="relative_change",
                min_value=-band.tolerance,
                max_value=band.tolerance,
                description=(
                    f"a settled month's volume moves at most {band.tolerance:.0%} against the "
                    "published snapshot"
                ),
            )
        ],
    )


# ---- register-month coverage ---------------------------------------------------------------


def coverage_frame(con: duckdb.DuckDBPyConnection, coverage: Coverage) -> pl.DataFrame:
    """Each month's persons with a known status beside the mean of its neighbour months (one
    at the ends), and their ratio where that mean is large enough to judge."""
    months = con.sql(
        "select * from intermediate.int_register_month_coverage order by month_start"
    ).pl()
    persons = pl.col("persons_with_known_status").cast(pl.Float64)
    neighbours = pl.mean_horizontal(persons.shift(1), persons.shift(-1))
    return months.with_columns(neighbours.alias("neighbour_mean")).with_columns(
        pl.when(pl.col("neighbour_mean") >= coverage.min_persons)
        .then(persons / pl.col("neighbour_mean"))
        .round(_DECIMALS)
        .alias("ratio_to_neighbours")
    )


def coverage_suite(coverage: Coverage) -> gx.ExpectationSuite:
    import great_expectations as gx

    expect = gx.expectations
    return gx.ExpectationSuite(
        name="intermediate__register_month_coverage",
        expectations=[
            expect.ExpectColumnValuesToBeBetween(
                column="persons_with_known_status",
                min_value=1,
                description="every month of the register's period has people with a status",
            ),
            expect.ExpectColumnValuesToBeBetween(
                column="ratio_to_neighbours",
                min_value=coverage.min_ratio,
                description=(
                    f"a month keeps at least {coverage.min_ratio:.0%} of its neighbour months' "
                    "people with a status"
                ),
            ),
        ],
    )
