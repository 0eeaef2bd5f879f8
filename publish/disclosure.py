"""Small-cell suppression for exported tables.

A count of persons below the threshold is never shown (primary suppression), and neither is
anything from which such a count could be recovered (secondary suppression):
- the part of a whole whose remainder is small (employed 18 of 20 reveals the 2 who were not),
  and the rates and other figures computed from a hidden count;
- within rows that split one total between them (exits by next step, episodes by sector),
  a single hidden cell, which the total minus the visible cells would give back: a second
  cell of the group is hidden too (the smallest non-zero one).
Zero is shown: an empty cell describes nobody.
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
class Partition:
    """Rows of one group (`group_by`) split a total between them in column `part`: the total
    is published (`total`, in every row of the group) or can be derived from other columns
    (`total` None). `shown_by` lists the columns computed from the part."""

    group_by: tuple[str, ...]
    part: str
    total: str | None = None
    shown_by: tuple[str, ...] = ()


@dataclass(frozen=True)
class DisclosureRules:
    counts: tuple[str, ...]  # person counts
    parts: tuple[Part, ...] = ()
    partitions: tuple[Partition, ...] = ()
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
    primary = {c for c in rules.counts} | {p.part for p in rules.parts}
    small = frame.select(_small(c, threshold).fill_null(False).alias(c) for c in sorted(primary))
    columns = _suppressible(rules)
    hidden = frame.with_columns(pl.lit(False).alias(c) for c in columns).select(columns)
    hidden = hidden.with_columns(small)
    for part in rules.parts:
        remainder = pl.col(part.whole) - pl.col(part.part)
        recoverable = frame.select(((remainder > 0) & (remainder < threshold)).fill_null(False))
        part_hidden = hidden[part.whole] | small[part.part] | recoverable.to_series()
        hidden = hidden.with_columns(
            (hidden[c] | part_hidden).alias(c) for c in (part.part, *part.shown_by)
        )
    for partition in rules.partitions:
        hidden = _complement(frame, hidden, partition)
    for column, inputs in rules.derived.items():
        hidden = hidden.with_columns(pl.any_horizontal(column, *inputs).alias(column))
    return hidden, small


def _suppressible(rules: DisclosureRules) -> list[str]:
    """Every column a rule can hide, in a stable order."""
    columns = [*rules.counts]
    for part in rules.parts:
        columns += [part.part, part.whole, *part.shown_by]
    for partition in rules.partitions:
        columns += [
            partition.part,
            *partition.shown_by,
            *([partition.total] if partition.total else []),
        ]
    columns += list(rules.derived)
    return list(dict.fromkeys(columns))


def _complement(frame: pl.DataFrame, hidden: pl.DataFrame, partition: Partition) -> pl.DataFrame:
    """Hides a second cell in every group where exactly one cell of the part is hidden while
    its total is known, so that the total minus the visible cells no longer gives it back.
    The second cell is the group's smallest visible one; in a group of one, the total goes."""
    group = list(partition.group_by)
    total_hidden = hidden[partition.total] if partition.total else pl.Series([False] * frame.height)
    work = frame.select(*group, pl.col(partition.part).alias("_value")).with_columns(
        hidden[partition.part].alias("_hidden"),
        total_hidden.alias("_total_hidden"),
        pl.int_range(pl.len()).alias("_row"),
    )
    # Prefer the smallest non-zero visible cell; a zero cell only when there is no other, as
    # figures derived from it (a baseline of "everything else") could still give the hidden back.
    visible = ~pl.col("_hidden") & pl.col("_value").is_not_null()
    least_nonzero = pl.when(visible & (pl.col("_value") > 0)).then(pl.col("_value")).min()
    least = pl.coalesce(
        least_nonzero.over(group), pl.when(visible).then(pl.col("_value")).min().over(group)
    )
    work = work.with_columns(
        (pl.col("_hidden").sum().over(group) == 1).alias("_lone"), least.alias("_target")
    ).with_columns(
        pl.when(visible & (pl.col("_value") == pl.col("_target")))
        .then(pl.col("_row"))
        .min()
        .over(group)
        .alias("_chosen")
    )
    exposed = pl.col("_lone") & ~pl.col("_total_hidden")
    flags = work.select(
        (exposed & (pl.col("_row") == pl.col("_chosen"))).alias("part"),
        (exposed & pl.col("_chosen").is_null()).any().over(group).alias("total"),
    )
    updated = hidden.with_columns(
        (hidden[c] | flags["part"]).alias(c) for c in (partition.part, *partition.shown_by)
    )
    if partition.total:
        updated = updated.with_columns(
            (updated[partition.total] | flags["total"]).alias(partition.total)
        )
    return updated


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
