"""Dates as int32 day numbers (days since 1970-01-01), so timelines are plain numpy arithmetic."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

EPOCH = date(1970, 1, 1)


def day_number(d: date) -> int:
    return (d - EPOCH).days


def to_date(n: int) -> date:
    return EPOCH + timedelta(days=int(n))


def years_before(d: date, years: int) -> date:
    """The same calendar day `years` earlier (29 February falls back to the 28th)."""
    try:
        return d.replace(year=d.year - years)
    except ValueError:
        return d.replace(year=d.year - years, day=28)


@dataclass(frozen=True)
class Window:
    """The simulated period: episodes start in [start, as_of]; nothing after as_of exists."""

    start: int
    as_of: int
    first_delivery: int  # the state of the first delivery
    switch: int  # contract era boundary

    @classmethod
    def build(cls, as_of: date, years: int, lag_days: int, switch: date) -> Window:
        start = years_before(as_of, years) + timedelta(days=1)
        return cls(
            start=day_number(start),
            as_of=day_number(as_of),
            first_delivery=day_number(as_of) - lag_days,
            switch=day_number(switch),
        )


def years_of(days: np.ndarray) -> np.ndarray:
    return days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int32) + 1970
