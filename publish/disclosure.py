"""Small-cell suppression for exported tables.

A count of persons below the threshold is never shown (primary suppression), and neither is
anything from which such a count could be recovered: the part of a whole whose remainder is
small (employed 18 of 20 reveals the 2 who were not), a rate over a suppressed count, or a
figure computed from a suppressed count. Zero is shown: an empty cell describes nobody.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

SUPPRESSED = "suppressed_columns"  # per row, the suppressed columns, comma-separated


@dataclass(frozen=True)
class Part:
    """`part` persons out of `whole` (e.g. employed of those observable), and what shows it."""

    part: str
    whole: str
    shown_by: tuple[str, ...] = ()  # columns derived from the part (rate, ci_low, ci_high)


@dataclass(frozen=True)
class DisclosureRules:
    counts: tuple[str, ...]  # person counts
    parts: tuple[Part, ...] = ()
    derived: dict[str, tuple[str, ...]] = field(default_factory=dict)  # column -> its inputs


def _small(column: str, threshold: int) -> pl.Expr:
    value = pl.col(column)
    return (value > 0) & (value < threshold)


def suppression_flags(frame: pl.DataFrame, rules: DisclosureRules, threshold: int) -> pl.DataFrame:
    """One boolean column per suppressible column: True where the cell must not be shown."""
    flags = frame.select(
        *(_small(c, threshold).fill_null(False).alias(c) for c in rules.counts),
    )
    for part in rules.parts:
        remainder = pl.col(part.whole) - pl.col(part.part)
        hidden = (
            flags[part.whole]
            | frame.select(_small(part.part, threshold).fill_null(False)).to_series()
            | frame.select(((remainder > 0) & (remainder < threshold)).fill_null(False)).to_series()
        )
        flags = flags.with_columns(hidden.alias(part.part))
        flags = flags.with_columns(hidden.alias(c) for c in part.shown_by)
    for column, inputs in rules.derived.items():
        flags = flags.with_columns(pl.any_horizontal(*inputs).alias(column))
    return flags


def suppress(frame: pl.DataFrame, rules: DisclosureRules, threshold: int) -> pl.DataFrame:
    """Nulls every suppressed cell and lists the suppressed columns of each row."""
    flags = suppression_flags(frame, rules, threshold)
    columns = flags.columns
    suppressed = frame.with_columns(
        pl.when(flags[c]).then(None).otherwise(pl.col(c)).alias(c) for c in columns
    )
    listing = flags.select(
        pl.concat_str(
            [pl.when(pl.col(c)).then(pl.lit(c)) for c in columns], separator=",", ignore_nulls=True
        ).alias(SUPPRESSED)
    )
    return suppressed.with_columns(listing[SUPPRESSED].replace("", None))
