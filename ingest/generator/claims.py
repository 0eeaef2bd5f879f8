"""Outcome bonus claims, designed to land in each verification status of the reconciliation.

`design_claims` builds the OUTCOME_BONUS lines of a chunk with the status each is meant to get;
`classify` applies kpis-and-marts.md's outcome_payment_reconciliation rules to them, and the
landing refuses to write data where the two disagree.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from . import params
from .days import Window
from .invoices import PER_CUSTOMER, invoice_date, invoice_id
from .periods import status_on

STATUSES = (
    "VERIFIED",
    "NOT_IN_CONTRACT",
    "NO_EPISODE",
    "DUPLICATE_CLAIM",
    "PREMATURE",
    "NOT_IN_REGISTER",
    "AMOUNT_MISMATCH",
)
_MISMATCH_STEPS = np.array([-100.0, -50.0, 50.0, 100.0, 150.0])
_UNPRICED_BONUS = 500.0  # what a provider claims for an outcome its contract does not price
_OUTCOME_WINDOW_DAYS = 90  # a bonus belongs to an episode ended at most this long before
_REGISTER_TOLERANCE_DAYS = 14
_SUSTAINED_DAYS = 182
_LATE_JOB_DAYS = (91, 300)


def days(n) -> pl.Expr:
    return pl.duration(days=n)


def first_start(episodes, resolved, status: str, low: pl.Expr, high: pl.Expr, name: str):
    """Per episode, the first start of a `status` period within [low, high]."""
    periods = resolved.filter(pl.col("status") == status).select("person", p_start="start_date")
    found = (
        episodes.select("service_period_id", "person", low=low, high=high)
        .join(periods, on="person")
        .filter(pl.col("p_start").is_between("low", "high"))
        .group_by("service_period_id")
        .agg(pl.col("p_start").min().alias(name))
    )
    return episodes.join(found, on="service_period_id", how="left", maintain_order="left")


def outcome_dates(episodes: pl.DataFrame, resolved: pl.DataFrame, window: Window):
    """Real outcomes near each contract episode, as the register shows them."""
    as_of = pl.lit(window.as_of).cast(pl.Date)
    start, end = pl.col("start_date"), pl.col("end_date")
    horizon = pl.min_horizontal(end.fill_null(as_of) + days(_OUTCOME_WINDOW_DAYS), as_of)
    late_low, late_high = (end + days(d) for d in _LATE_JOB_DAYS)
    e = episodes
    e = first_start(e, resolved, "EMPLOYED_OPEN", start, horizon, "job")
    e = first_start(e, resolved, "IN_EDUCATION", start, horizon, "study")
    e = first_start(e, resolved, "EMPLOYED_SUBSIDISED", start, horizon, "subsidised")
    e = first_start(e, resolved, "EMPLOYED_OPEN", late_low, late_high, "late_job")
    e = first_start(e, resolved, "EMPLOYED_OPEN", start, as_of, "any_job")
    sustained = status_on(
        resolved,
        e.filter(pl.col("job").is_not_null()).select(
            "service_period_id", "person", check=pl.col("job") + days(_SUSTAINED_DAYS)
        ),
        "check",
    ).select("service_period_id", sustained=pl.col("status") == "EMPLOYED_OPEN")
    return e.join(sustained, on="service_period_id", how="left", maintain_order="left")


def claim(frame, outcome_type: str, outcome_date: pl.Expr, month: pl.Expr, kind: str):
    return frame.select(
        "person_id",
        "contract_id",
        "invoice_day",
        _person=pl.col("person"),
        outcome_type=pl.lit(outcome_type),
        outcome_date=outcome_date,
        month=month.dt.month_start(),
        _kind=pl.lit(kind),
    )


def pick(frame: pl.DataFrame, share: float, rng) -> pl.DataFrame:
    return frame.filter(pl.Series(rng.random(frame.height) < share, dtype=pl.Boolean))


def natural_claims(e: pl.DataFrame, window: Window, rng) -> pl.DataFrame:
    """Providers claim most real outcomes that their contract prices."""
    as_of = pl.lit(window.as_of).cast(pl.Date)
    e = e.with_columns(report_lag=pl.Series(rng.integers(0, 4, e.height), dtype=pl.Int64))
    reported = pl.min_horizontal(
        pl.col("job") + pl.duration(days=pl.col("report_lag")),
        pl.col("end_date").fill_null(as_of) + days(_OUTCOME_WINDOW_DAYS),
    )
    job, study, subsidised = (pl.col(c) for c in ("job", "study", "subsidised"))
    sustained_due = job + days(_SUSTAINED_DAYS)
    candidates = pl.concat(
        [
            claim(e.filter(job.is_not_null()), "EMPLOYED_OPEN", reported, reported, "VERIFIED"),
            claim(
                e.filter(pl.col("sustained").fill_null(False) & (sustained_due <= as_of)),
                "EMPLOYED_OPEN_SUSTAINED_6M",
                job,
                sustained_due,
                "VERIFIED",
            ),
            claim(
                e.filter(study.is_not_null()), "DEGREE_EDUCATION_START", study, study, "VERIFIED"
            ),
            claim(
                e.filter(subsidised.is_not_null()),
                "SUBSIDISED_EMPLOYMENT",
                subsidised,
                subsidised,
                "VERIFIED",
            ),
        ]
    )
    return pick(candidates, params.CLAIM_SHARE["VERIFIED"], rng)


def designed_faults(e: pl.DataFrame, per_customer: pl.DataFrame, window: Window, rng):
    """Claims meant to fail one rule each: premature, not in register, unpriced, no episode."""
    as_of = pl.lit(window.as_of).cast(pl.Date)
    job = pl.col("job")
    e = e.with_columns(gap=pl.Series(rng.integers(1, 61, e.height), dtype=pl.Int64))
    claimed_day = pl.col("end_date") + pl.duration(days=pl.col("gap"))
    no_job_near = pl.col("any_job").is_null() | (
        pl.col("any_job") > claimed_day + days(_REGISTER_TOLERANCE_DAYS)
    )
    share = params.CLAIM_SHARE
    return pl.concat(
        [
            pick(
                claim(
                    e.filter(job.is_not_null() & (job + days(_SUSTAINED_DAYS) > as_of)),
                    "EMPLOYED_OPEN_SUSTAINED_6M",
                    job,
                    job.dt.offset_by("1mo"),
                    "PREMATURE",
                ),
                share["PREMATURE"],
                rng,
            ),
            pick(
                claim(
                    e.filter(pl.col("end_date").is_not_null() & no_job_near),
                    "EMPLOYED_OPEN",
                    claimed_day,
                    claimed_day,
                    "NOT_IN_REGISTER",
                ),
                share["NOT_IN_REGISTER"],
                rng,
            ),
            pick(
                claim(
                    e.filter(pl.col("study").is_not_null()),
                    "DEGREE_EDUCATION_START",
                    pl.col("study"),
                    pl.col("study"),
                    "NOT_IN_CONTRACT",
                ),
                share["NOT_IN_CONTRACT"],
                rng,
            ),
            pick(
                claim(
                    per_customer.filter(job.is_not_null()),
                    "EMPLOYED_OPEN",
                    job,
                    job,
                    "NOT_IN_CONTRACT",
                ),
                share["NOT_IN_CONTRACT_PER_CUSTOMER"],
                rng,
            ),
            pick(
                claim(
                    e.filter(pl.col("late_job").is_not_null()),
                    "EMPLOYED_OPEN",
                    pl.col("late_job"),
                    pl.col("late_job"),
                    "NO_EPISODE",
                ),
                share["NO_EPISODE"],
                rng,
            ),
        ]
    )


def bonus_lines(candidates: pl.DataFrame, window: Window, batch: int) -> pl.DataFrame:
    return candidates.with_columns(
        invoice_date=invoice_date(),
        invoice_id=invoice_id(batch),
        period_start=pl.col("month"),
        period_end=pl.col("month").dt.month_end(),
        line_type=pl.lit("OUTCOME_BONUS"),
        quantity=pl.lit(1.0),
    ).filter(pl.col("invoice_date") <= pl.lit(window.as_of).cast(pl.Date))


def first_claim_only(lines: pl.DataFrame) -> pl.DataFrame:
    """One line per person, contract and outcome type, so only designed duplicates repeat."""
    kind_order = pl.col("_kind").replace_strict({k: i for i, k in enumerate(STATUSES)})
    return lines.sort(
        "invoice_date", kind_order, "outcome_date", "person_id", "contract_id", maintain_order=True
    ).unique(["person_id", "contract_id", "outcome_type"], keep="first", maintain_order=True)


def with_amounts(lines: pl.DataFrame, prices: pl.DataFrame, rng) -> pl.DataFrame:
    """The contract's bonus; about 5 % of the verified claims are off by a round sum."""
    lines = lines.join(
        prices, on=["contract_id", "outcome_type"], how="left", maintain_order="left"
    )
    off = (lines["_kind"] == "VERIFIED") & pl.Series(
        rng.random(lines.height) < params.CLAIM_SHARE["AMOUNT_MISMATCH"]
    )
    step = pl.Series(rng.choice(_MISMATCH_STEPS, lines.height))
    return lines.with_columns(
        amount_eur=pl.col("bonus_eur").fill_null(_UNPRICED_BONUS)
        + pl.when(off).then(step).otherwise(0.0),
        _kind=pl.when(off).then(pl.lit("AMOUNT_MISMATCH")).otherwise("_kind"),
    ).drop("bonus_eur")


def duplicates(lines: pl.DataFrame, window: Window, batch: int, rng) -> pl.DataFrame:
    """About 4 % of the verified claims are claimed again on the next month's invoice."""
    again = pick(
        lines.filter(pl.col("_kind") == "VERIFIED"), params.CLAIM_SHARE["DUPLICATE_CLAIM"], rng
    )
    return bonus_lines(
        again.drop("invoice_date", "invoice_id").with_columns(
            month=pl.col("month").dt.offset_by("1mo"), _kind=pl.lit("DUPLICATE_CLAIM")
        ),
        window,
        batch,
    )


def design_claims(
    episodes: pl.DataFrame,
    resolved: pl.DataFrame,
    contracts: pl.DataFrame,
    prices: pl.DataFrame,
    window: Window,
    batch: int,
    rng,
) -> pl.DataFrame:
    """OUTCOME_BONUS lines of one chunk, each with the verification status it is meant to get."""
    terms = contracts.select("contract_id", "pricing_model", "invoice_day")
    on_contract = (
        episodes.filter(pl.col("contract_id").is_not_null())
        .select(
            "service_period_id",
            "person_id",
            "contract_id",
            "start_date",
            "end_date",
            person=pl.col("_person"),
        )
        .join(terms, on="contract_id", maintain_order="left")
        .filter(pl.col("pricing_model").is_in(PER_CUSTOMER))
    )
    e = outcome_dates(on_contract, resolved, window)
    outcome_based = e.filter(pl.col("pricing_model") == "OUTCOME_BASED")
    per_customer = e.filter(pl.col("pricing_model") != "OUTCOME_BASED")
    candidates = pl.concat(
        [
            natural_claims(outcome_based, window, rng),
            designed_faults(outcome_based, per_customer, window, rng),
        ]
    )
    priced = prices.select("contract_id", "outcome_type", priced=pl.lit(True))
    candidates = (
        candidates.join(
            priced, on=["contract_id", "outcome_type"], how="left", maintain_order="left"
        )
        .filter((pl.col("_kind") == "NOT_IN_CONTRACT") == pl.col("priced").is_null())
        .drop("priced")
        .pipe(bonus_lines, window, batch)
    )
    candidates = candidates.filter(
        (pl.col("_kind") != "NO_EPISODE") | ~has_episode(candidates, episodes)
    )
    lines = with_amounts(first_claim_only(candidates), prices, rng)
    return pl.concat([lines, duplicates(lines, window, batch, rng)], how="diagonal")


def has_episode(lines: pl.DataFrame, episodes: pl.DataFrame) -> pl.Series:
    """Rule 2: an episode on the line's contract started on or before the outcome date and
    ended (or was still open) no more than 90 days before it."""
    spans = episodes.select(
        "person_id", "contract_id", s=pl.col("start_date"), e=pl.col("end_date")
    )
    od = pl.col("outcome_date")
    covered = (
        lines.with_row_index("_i")
        .join(spans, on=["person_id", "contract_id"])
        .filter((pl.col("s") <= od) & (pl.col("e").is_null() | (pl.col("e") >= od - days(90))))[
            "_i"
        ]
    )
    return pl.Series(np.isin(np.arange(lines.height), covered.to_numpy()))


def in_register(lines: pl.DataFrame, resolved: pl.DataFrame, window: Window) -> pl.Series:
    """Rule 5: the register shows the claimed outcome."""
    od = pl.col("outcome_date")
    low, high = od - days(_REGISTER_TOLERANCE_DAYS), od + days(_REGISTER_TOLERANCE_DAYS)
    rows = lines.with_row_index("_i").select(
        "_i", "outcome_type", "outcome_date", person=pl.col("_person")
    )
    needed = {
        "EMPLOYED_OPEN": "EMPLOYED_OPEN",
        "SUBSIDISED_EMPLOYMENT": "EMPLOYED_SUBSIDISED",
        "DEGREE_EDUCATION_START": "IN_EDUCATION",
    }
    periods = resolved.select("person", "status", "start_date", "end_date")
    matched = (
        rows.with_columns(status=pl.col("outcome_type").replace_strict(needed, default=None))
        .join(periods, on=["person", "status"])
        .filter(
            pl.when(pl.col("outcome_type") == "DEGREE_EDUCATION_START")
            .then(pl.col("start_date").is_between(low, high))
            .otherwise(
                (pl.col("start_date") <= high)
                & (pl.col("end_date").is_null() | (pl.col("end_date") >= low))
            )
        )["_i"]
    )
    sustained = rows.filter(pl.col("outcome_type") == "EMPLOYED_OPEN_SUSTAINED_6M")
    on_day = status_on(resolved, sustained, "outcome_date")["status"] == "EMPLOYED_OPEN"
    later = sustained.with_columns(check=od + days(_SUSTAINED_DAYS))
    after = status_on(resolved, later, "check")["status"] == "EMPLOYED_OPEN"
    held = sustained["_i"].filter(on_day & after)
    return pl.Series(np.isin(np.arange(lines.height), pl.concat([matched, held]).to_numpy()))


def classify(
    lines: pl.DataFrame,
    episodes: pl.DataFrame,
    resolved: pl.DataFrame,
    prices: pl.DataFrame,
    window: Window,
) -> pl.Series:
    """The verification status of each bonus line: the first of rules 1–7 that applies."""
    as_of = pl.lit(window.as_of).cast(pl.Date)
    contract_bonus = lines.join(
        prices, on=["contract_id", "outcome_type"], how="left", maintain_order="left"
    )["bonus_eur"]
    claimed_before = (
        lines.with_row_index("_i")
        .sort("invoice_date", "invoice_id", "line_no")
        .with_columns(
            earlier=pl.int_range(pl.len()).over("person_id", "contract_id", "outcome_type") > 0
        )
        .sort("_i")["earlier"]
    )
    premature = lines.select(
        (pl.col("outcome_type") == "EMPLOYED_OPEN_SUSTAINED_6M")
        & (pl.col("outcome_date") + days(_SUSTAINED_DAYS) > as_of)
    ).to_series()
    checks = pl.DataFrame(
        {
            "NOT_IN_CONTRACT": contract_bonus.is_null(),
            "NO_EPISODE": ~has_episode(lines, episodes),
            "DUPLICATE_CLAIM": claimed_before,
            "PREMATURE": premature,
            "NOT_IN_REGISTER": ~in_register(lines, resolved, window),
            "AMOUNT_MISMATCH": (lines["amount_eur"] - contract_bonus).abs() > 0.01,
        }
    )
    status = pl.lit("VERIFIED")
    for rule in reversed(checks.columns):
        status = pl.when(pl.col(rule)).then(pl.lit(rule)).otherwise(status)
    return checks.select(status.alias("verification_status")).to_series()
