"""Two deliveries per source from the simulated truth.

The first delivery is the state on window.first_delivery: rows that existed then, ongoing
periods still open, a few values not yet corrected, a few rows delivered by mistake. The second
delivery (on as_of) holds only what changed since: new rows, closed periods, corrections and
tombstones of the mistaken rows (the providers file is a full snapshot instead). Applying both
with the contract's upsert rules gives exactly the truth. `updated_at` is the day a row last
changed, so it grows with the deliveries; tombstones are stamped on as_of itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from . import params
from .days import Window

WORKDAY_MINUTES = (6 * 60, 21 * 60)  # row changes are stamped between 06:00 and 20:59


@dataclass
class Split:
    first: pl.DataFrame
    second: pl.DataFrame


def on_day(n: int) -> pl.Expr:
    return pl.lit(n).cast(pl.Date)


def random_days(rng, low: int, high: int, height: int) -> pl.Series:
    """Days in [low, high] as a Date series."""
    return pl.Series(rng.integers(low, high + 1, height), dtype=pl.Int32).cast(pl.Date)


def stamp(frame: pl.DataFrame, day: pl.Expr, rng, deleted: bool = False) -> pl.DataFrame:
    """updated_at at a working-hours minute of `day`."""
    minutes = pl.Series(rng.integers(*WORKDAY_MINUTES, frame.height), dtype=pl.Int64)
    return frame.with_columns(
        updated_at=day.cast(pl.Datetime("us")) + pl.duration(minutes=minutes),
        deleted=pl.lit(deleted),
    )


def recorded(event: pl.Expr, cap: int, rng, height: int) -> pl.Expr:
    """The day a change was recorded: the event day plus 0–2 days, not after `cap`."""
    lag = pl.Series(rng.integers(0, 3, height), dtype=pl.Int64)
    return pl.min_horizontal(event + pl.duration(days=lag), on_day(cap))


def by_date(frame: pl.DataFrame, column: str, window: Window, rng) -> Split:
    """Rows that happen once (invoice lines, responses): delivered after their date."""
    t1 = on_day(window.first_delivery)
    first = frame.filter(pl.col(column) <= t1)
    second = frame.filter(pl.col(column) > t1)
    return Split(
        stamp(first, recorded(pl.col(column), window.first_delivery, rng, first.height), rng),
        stamp(second, recorded(pl.col(column), window.as_of, rng, second.height), rng),
    )


def periods(frame: pl.DataFrame, window: Window, rng, closing: tuple[str, ...]) -> Split:
    """Periods known on the first delivery day, still open there if they ended later."""
    t1 = on_day(window.first_delivery)
    start, end = pl.col("start_date"), pl.col("end_date")
    ended = end.is_not_null() & (end <= t1)
    first = frame.filter(start <= t1).with_columns(
        pl.when(ended).then(pl.col(c)).otherwise(None).alias(c) for c in ("end_date", *closing)
    )
    second = frame.filter((start > t1) | (end > t1))
    changed = pl.max_horizontal(start, end)  # max ignores an empty end
    return Split(
        stamp(first, recorded(changed, window.first_delivery, rng, first.height), rng),
        stamp(second, recorded(changed, window.as_of, rng, second.height), rng),
    )


def persons(frame: pl.DataFrame, window: Window, rng) -> Split:
    """A person exists from their first period; a move after the first delivery is an update."""
    t1 = on_day(window.first_delivery)
    seen, moved = pl.col("_first_seen"), pl.col("_move_day")
    moved_later = moved.is_not_null() & (moved > t1)
    first = frame.filter(seen <= t1).with_columns(
        home_municipality_code=pl.when(moved_later)
        .then(pl.col("_first_home"))
        .otherwise(pl.col("home_municipality_code"))
    )
    first_change = pl.max_horizontal(seen, pl.when(moved <= t1).then(moved))
    second = frame.filter((seen > t1) | moved_later)
    return Split(
        stamp(first, recorded(first_change, window.first_delivery, rng, first.height), rng),
        stamp(
            second, recorded(pl.max_horizontal(seen, moved), window.as_of, rng, second.height), rng
        ),
    )


def corrected(
    split: Split, key: list[str], column: str, wrong: pl.Expr, eligible: pl.Expr, window, rng
) -> Split:
    """About 0.5 % of first-delivery rows carry a wrong `column`, put right in the second."""
    untouched = split.first.join(
        split.second.select(key), on=key, how="anti", maintain_order="left"
    )
    candidates = untouched.filter(eligible)
    chosen = candidates.filter(
        pl.Series(rng.random(candidates.height) < params.CORRECTION_SHARE, dtype=pl.Boolean)
    )
    fixes = stamp(
        chosen,
        pl.lit(random_days(rng, window.first_delivery + 1, window.as_of, chosen.height)),
        rng,
    )
    wrong_rows = chosen.select(key).with_columns(_wrong=pl.lit(True))
    first = (
        split.first.join(wrong_rows, on=key, how="left", maintain_order="left")
        .with_columns(pl.when(pl.col("_wrong")).then(wrong).otherwise(pl.col(column)).alias(column))
        .drop("_wrong")
    )
    return Split(first, pl.concat([split.second, fixes]))


def mistakes(rows: pl.DataFrame, window: Window, rng) -> Split:
    """Rows delivered by mistake in the first delivery and tombstoned in the second."""
    earlier = pl.lit(
        random_days(rng, window.first_delivery - 20, window.first_delivery, rows.height)
    )
    return Split(
        stamp(rows, earlier, rng),
        stamp(rows, on_day(window.as_of), rng, deleted=True),
    )


def combined(*splits: Split) -> Split:
    return Split(
        pl.concat([s.first for s in splits], how="diagonal_relaxed"),
        pl.concat([s.second for s in splits], how="diagonal_relaxed"),
    )
