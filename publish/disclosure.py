"""Small-cell suppression for exported tables.

A count of persons below the threshold is never shown (primary suppression), and neither is
anything from which such a count could be recovered: the part of a whole whose remainder is
small (employed 18 of 20 reveals the 2 who were not), a rate over a suppressed count, or a
figure computed from a suppressed count. Zero is shown: an empty cell describes nobody.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

SUPPRESSED = "suppressed_columns"  # per row, every suppressed column, comma-separated
SMALL = "small_count_columns"  # per row, the suppressed columns that hold a count below threshold
CONFIDENTIAL = ".."  # Statistics Finland's symbol for a confidential figure


def small_count_marker(threshold: int) -> str:
    return f"<{threshold}"


def cell_markers(row: dict, threshold: int) -> dict[str, str]:
    """What to show instead of each suppressed cell of one row: `<5` where the hidden figure is
    a count of 1-4 persons, `..` where it is hidden because a small count could be recovered."""
    small = set((row.get(SMALL) or "").split(","))
    hidden = set((row.get(SUPPRESSED) or "").split(",")) - {""}
    return {c: small_count_marker(threshold) if c in small else CONFIDENTIAL for c in hidden}


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


def suppression_flags(
    frame: pl.DataFrame, rules: DisclosureRules, threshold: int
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Per suppressible column, True where the cell must not be shown: (all, small counts).

    Small counts are the primary suppressions; the rest are hidden because a small count could
    be recovered from them, and may themselves be large.
    """
    small = frame.select(
        *(_small(c, threshold).fill_null(False).alias(c) for c in rules.counts),
        *(_small(p.part, threshold).fill_null(False).alias(p.part) for p in rules.parts),
    )
    hidden = small
    for part in rules.parts:
        remainder = pl.col(part.whole) - pl.col(part.part)
        recoverable = frame.select(((remainder > 0) & (remainder < threshold)).fill_null(False))
        part_hidden = hidden[part.whole] | small[part.part] | recoverable.to_series()
        hidden = hidden.with_columns(part_hidden.alias(c) for c in (part.part, *part.shown_by))
    for column, inputs in rules.derived.items():
        hidden = hidden.with_columns(pl.any_horizontal(*inputs).alias(column))
    return hidden, small


def _listing(flags: pl.DataFrame, name: str) -> pl.Series:
    listed = flags.select(
        pl.concat_str(
            [pl.when(pl.col(c)).then(pl.lit(c)) for c in flags.columns],
            separator=",",
            ignore_nulls=True,
        ).alias(name)
    )
    return listed[name].replace("", None)


def suppress(frame: pl.DataFrame, rules: DisclosureRules, threshold: int) -> pl.DataFrame:
    """Nulls every suppressed cell and lists, per row, the suppressed and the small columns."""
    hidden, small = suppression_flags(frame, rules, threshold)
    suppressed = frame.with_columns(
        pl.when(hidden[c]).then(None).otherwise(pl.col(c)).alias(c) for c in hidden.columns
    )
    return suppressed.with_columns(_listing(hidden, SUPPRESSED), _listing(small, SMALL))
