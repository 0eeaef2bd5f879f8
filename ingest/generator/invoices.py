"""Monthly invoice lines: per-customer BASE lines, fixed monthly fees and CREDIT corrections.

Outcome bonus lines are designed in `claims.py`. Every contract gets one invoice per month
and chunk of persons (invoice_id = contract-YYYYMM-batch; batch 000 holds the fixed fees).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from ingest.contract import INVOICE_LINES

from . import params
from .days import Window

PER_CUSTOMER = ("PER_CUSTOMER_DAY", "PER_CUSTOMER_MONTH", "OUTCOME_BASED")
LINE_COLUMNS = [c.name for c in INVOICE_LINES.columns if c.name not in ("updated_at", "deleted")]
LINE_TYPES = ("BASE", "OUTCOME_BONUS", "CREDIT")  # also their order on an invoice
_FIXED_CREDIT_SHARE_OF_MONTH = 0.1


def invoice_id(batch: int) -> pl.Expr:
    return pl.concat_str(
        pl.col("contract_id"),
        pl.lit("-"),
        pl.col("month").dt.strftime("%Y%m"),
        pl.lit(f"-{batch:03d}"),
    )


def invoice_date() -> pl.Expr:
    """Invoices are dated on the contract's invoice day of the month after the billed month."""
    return pl.col("month").dt.offset_by("1mo") + pl.duration(days=pl.col("invoice_day") - 1)


def customer_lines(
    episodes: pl.DataFrame, contracts: pl.DataFrame, window: Window, batch: int
) -> pl.DataFrame:
    """One BASE line per customer and month an episode on a per-customer contract was active."""
    as_of = pl.lit(window.as_of).cast(pl.Date)
    terms = contracts.select("contract_id", "pricing_model", "unit_price_eur", "invoice_day")
    active = (
        episodes.filter(pl.col("contract_id").is_not_null())
        .select("person_id", "contract_id", "start_date", "end_date")
        .join(terms, on="contract_id", maintain_order="left")
        .filter(pl.col("pricing_model").is_in(PER_CUSTOMER))
        .with_columns(last=pl.min_horizontal(pl.col("end_date").fill_null(as_of), as_of))
        .with_columns(
            month=pl.date_ranges(
                pl.col("start_date").dt.month_start(), pl.col("last").dt.month_start(), "1mo"
            )
        )
        .explode("month")
        .with_columns(
            period_start=pl.max_horizontal("start_date", "month"),
            period_end=pl.min_horizontal("last", pl.col("month").dt.month_end()),
            invoice_date=invoice_date(),
        )
        .filter(pl.col("invoice_date") <= as_of)
    )
    days = (pl.col("period_end") - pl.col("period_start")).dt.total_days() + 1
    quantity = pl.when(pl.col("pricing_model") == "PER_CUSTOMER_DAY").then(days).otherwise(1)
    return active.with_columns(
        invoice_id=invoice_id(batch),
        line_type=pl.lit("BASE"),
        quantity=quantity.cast(pl.Float64),
    ).pipe(priced_lines)


def priced_lines(lines: pl.DataFrame) -> pl.DataFrame:
    return lines.with_columns(
        amount_eur=(pl.col("quantity") * pl.col("unit_price_eur")).round(2),
        outcome_type=pl.lit(None, pl.String),
        outcome_date=pl.lit(None, pl.Date),
    )


def credit_lines(base: pl.DataFrame, window: Window, batch: int, rng) -> pl.DataFrame:
    """About 2 % of BASE lines are partly credited on the next month's invoice."""
    base = base.sort("invoice_id", "person_id", "period_start")
    chosen = base.filter(pl.Series(rng.random(base.height) < params.CREDIT_SHARE))
    units = pl.Series(1 + np.floor(rng.random(chosen.height) * 5))
    per_day = pl.col("pricing_model") == "PER_CUSTOMER_DAY"
    credited = pl.when(per_day).then(pl.min_horizontal("quantity", units)).otherwise(1.0)
    return (
        chosen.with_columns(month=pl.col("month").dt.offset_by("1mo"))
        .with_columns(
            invoice_date=invoice_date(),
            invoice_id=invoice_id(batch),
            line_type=pl.lit("CREDIT"),
            quantity=-credited,
        )
        .filter(pl.col("invoice_date") <= pl.lit(window.as_of).cast(pl.Date))
        .pipe(priced_lines)
    )


def fixed_monthly_lines(contracts: pl.DataFrame, window: Window, rng) -> pl.DataFrame:
    """The fixed fee of each FIXED_MONTHLY contract for every month it ran, and a few credits."""
    as_of = pl.lit(window.as_of).cast(pl.Date)
    window_start = pl.lit(window.start).cast(pl.Date)
    fees = (
        contracts.filter(pl.col("pricing_model") == "FIXED_MONTHLY")
        .with_columns(
            first=pl.max_horizontal("valid_from", window_start).dt.month_start(),
            last=pl.min_horizontal(pl.col("valid_to").fill_null(as_of), as_of).dt.month_start(),
        )
        .with_columns(month=pl.date_ranges("first", "last", "1mo"))
        .explode("month")
        .with_columns(
            invoice_date=invoice_date(),
            period_start=pl.col("month"),
            period_end=pl.col("month").dt.month_end(),
            person_id=pl.lit(None, pl.String),
        )
        .filter(pl.col("invoice_date") <= as_of)
        .sort("contract_id", "month")
    )
    base = fees.with_columns(
        invoice_id=invoice_id(0), line_type=pl.lit("BASE"), quantity=pl.lit(1.0)
    )
    credited = fees.filter(pl.Series(rng.random(fees.height) < params.CREDIT_SHARE))
    credits = (
        credited.with_columns(month=pl.col("month").dt.offset_by("1mo"))
        .with_columns(
            invoice_date=invoice_date(),
            invoice_id=invoice_id(0),
            line_type=pl.lit("CREDIT"),
            quantity=pl.lit(-_FIXED_CREDIT_SHARE_OF_MONTH),
        )
        .filter(pl.col("invoice_date") <= as_of)
    )
    return number_lines(pl.concat([base, credits], how="diagonal").pipe(priced_lines))


def number_lines(lines: pl.DataFrame) -> pl.DataFrame:
    """line_no 1, 2, … within each invoice: base lines, then bonuses, then credits."""
    order = pl.col("line_type").replace_strict(
        {t: i for i, t in enumerate(LINE_TYPES)}, return_dtype=pl.Int8
    )
    return (
        lines.with_columns(_order=order)
        .sort(
            "invoice_id",
            "_order",
            "person_id",
            "period_start",
            "outcome_type",
            nulls_last=True,
            maintain_order=True,
        )
        .with_columns(line_no=pl.int_range(1, pl.len() + 1).over("invoice_id"))
        .select(*LINE_COLUMNS, *(c for c in lines.columns if c.startswith("_")))
    )
