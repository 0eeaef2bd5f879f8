"""Dagster asset checks on the marts, run after dbt and before anything is published.

All are Great Expectations checks (quality/mart_suites.py), blocking, severity ERROR: when
one fails the snapshot and the exports are not made and the previous ones stay as they were.

- `gx_mart_expectations` on every aggregate mart: counts >= 0, shares in [0, 1],
  ci_low <= rate <= ci_high.
- `gx_cost_reconciliation` on marts/unallocated_spend: allocated + unallocated = invoiced.
- `gx_volume_band` on marts/kpi_area_month: settled months' volumes within the band of the
  previously published snapshot's.
- `gx_register_month_coverage` on intermediate/int_register_month_coverage: no register month
  missing inside the covered period.
"""

from functools import partial

import dagster as dg
import duckdb

from publish.snapshot import CURRENT
from quality.checks import Batch, GxCheck, gx_asset_check, run_gx_check
from quality.mart_suites import (
    Band,
    Coverage,
    band_frame,
    band_suite,
    coverage_frame,
    coverage_suite,
    mart_measures,
    mart_suite,
    published_profile,
    reconciliation_frame,
    reconciliation_suite,
    volume_profile,
)

AS_OF_KEY = dg.AssetKey(["intermediate", "int_as_of"])


def _read_only(context: dg.AssetCheckExecutionContext) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(context.resources.settings.warehouse), read_only=True)


def mart_expectations_check(mart: str, grain: list[str]) -> dg.AssetChecksDefinition:
    check = GxCheck(
        name="gx_mart_expectations",
        asset_key=dg.AssetKey(["marts", mart]),
        identifying=[*grain, "measure"],
        description=(
            f"Great Expectations suite marts__{mart}: counts are not negative, shares within "
            "[0, 1] (activation_rate [0, 100]), every rate within its 95 % interval."
        ),
    )

    def batches(context: dg.AssetCheckExecutionContext) -> list[Batch]:
        with _read_only(context) as con:
            return [Batch(partial(mart_suite, mart), mart_measures(con, mart, grain))]

    return gx_asset_check(check, batches)


_RECONCILIATION = GxCheck(
    name="gx_cost_reconciliation",
    asset_key=dg.AssetKey(["marts", "unallocated_spend"]),
    identifying=["contract_id", "period_month", "invoiced_eur", "allocated_eur", "unallocated_eur"],
    description=(
        "Allocated (to the episodes of fct_service_episodes) plus unallocated equals invoiced, "
        "to the cent, for every contract and billed month."
    ),
)


def _reconciliation_batches(context: dg.AssetCheckExecutionContext) -> list[Batch]:
    with _read_only(context) as con:
        return [Batch(reconciliation_suite, reconciliation_frame(con))]


cost_reconciliation_check = gx_asset_check(
    _RECONCILIATION,
    _reconciliation_batches,
    additional_deps=[
        dg.AssetKey(["staging", "stg_purchases__invoice_lines"]),
        dg.AssetKey(["intermediate", "int_invoice_allocations"]),
        dg.AssetKey(["marts", "fct_service_episodes"]),
    ],
)


def _band(context: dg.AssetCheckExecutionContext) -> Band:
    settings = context.resources.settings
    return Band(settings.band_tolerance, settings.band_min_value, settings.band_settled_months)


@dg.asset_check(
    asset=dg.AssetKey(["marts", "kpi_area_month"]),
    name="gx_volume_band",
    blocking=True,
    additional_deps=[AS_OF_KEY],
    required_resource_keys={"settings"},
    description=(
        "Monthly volumes over all areas (starts, exits, active customers, spend, unemployed, "
        "in activating services) of the months before the last VAIKUTTAVUUS_BAND_SETTLED_MONTHS "
        "stay within VAIKUTTAVUUS_BAND_TOLERANCE of the previously published snapshot's, where "
        "that value is at least VAIKUTTAVUUS_BAND_MIN_VALUE."
    ),
)
def volume_band_check(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
    band = _band(context)
    check = GxCheck(
        name="gx_volume_band",
        asset_key=dg.AssetKey(["marts", "kpi_area_month"]),
        identifying=["month_start", "measure", "previous", "current"],
        description=(
            f"Settled monthly volumes within {band.tolerance:.0%} of the published snapshot's."
        ),
    )
    previous = published_profile(context.resources.settings.published / CURRENT)
    if previous is None:
        return run_gx_check(context, check, [], "No published snapshot to compare.")
    with _read_only(context) as con:
        current = volume_profile(con)
    batch = Batch(partial(band_suite, band), band_frame(current, previous, band))
    return run_gx_check(context, check, [batch], "No settled month to compare.")


@dg.asset_check(
    asset=dg.AssetKey(["intermediate", "int_register_month_coverage"]),
    name="gx_register_month_coverage",
    blocking=True,
    required_resource_keys={"settings"},
    description=(
        "Every month from the first month of register data to the last complete month has "
        "people with a known status, and at least VAIKUTTAVUUS_COVERAGE_MIN_RATIO of its "
        "neighbour months' mean where that is at least VAIKUTTAVUUS_COVERAGE_MIN_PERSONS: a "
        "month missing from an extract stops the run."
    ),
)
def register_month_coverage_check(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
    settings = context.resources.settings
    coverage = Coverage(settings.coverage_min_ratio, settings.coverage_min_persons)
    check = GxCheck(
        name="gx_register_month_coverage",
        asset_key=dg.AssetKey(["intermediate", "int_register_month_coverage"]),
        identifying=["month_start", "persons_with_known_status", "neighbour_mean"],
        description="Register months with known statuses.",
    )
    with _read_only(context) as con:
        frame = coverage_frame(con, coverage)
    batch = Batch(partial(coverage_suite, coverage), frame)
    return run_gx_check(context, check, [batch], "No register data.")


def mart_checks(grains: dict[str, list[str]]) -> list[dg.AssetChecksDefinition]:
    """Every check on the marts, given each aggregate mart's grain (its key columns)."""
    return [
        *(mart_expectations_check(mart, grain) for mart, grain in sorted(grains.items())),
        cost_reconciliation_check,
        volume_band_check,
        register_month_coverage_check,
    ]
