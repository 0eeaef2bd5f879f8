"""Status events → jobseeker periods.

`resolved` is the timeline as the marts must see it (no overlaps). `raw_periods` is what the
register delivers: the same, except that for the designed overlaps the unemployment around a
short job stays one period with the job on top, which the contract's overlap rule resolves.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from .days import Window
from .geography import Geography
from .population import People
from .timeline import STATUSES, Simulation


def last_of_each_day(events: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Events sorted by person and day; of several on one day the last emitted stays."""
    order = np.lexsort((events["emitted"], events["day"], events["person"]))
    person, day = events["person"][order], events["day"][order]
    last = np.r_[(person[1:] != person[:-1]) | (day[1:] != day[:-1]), True]
    return {name: values[order][last] for name, values in events.items()}


def resolved_periods(sim: Simulation, people: People, geo: Geography, window: Window):
    """One row per status period: person, status, municipality, start, end (null = ongoing)."""
    ev = last_of_each_day(sim.events.arrays())
    seen = ev["day"] <= window.as_of
    person, day, status = ev["person"][seen], ev["day"][seen], ev["status"][seen]
    moved = day >= sim.state.move_day[person]
    municipality = np.where(moved, people.move_to[person], people.municipality[person])
    new_person = np.r_[True, person[1:] != person[:-1]]
    changed = new_person | np.r_[True, status[1:] != status[:-1]]
    changed |= np.r_[True, municipality[1:] != municipality[:-1]]
    person, start = person[changed], day[changed]
    next_is_same_person = np.r_[person[1:] == person[:-1], False]
    end = np.where(next_is_same_person, np.r_[start[1:], 0] - 1, -1)
    return pl.DataFrame(
        {
            "person": person,
            "status": np.array(STATUSES)[status[changed]],
            "municipality_code": np.array(geo.codes)[municipality[changed]],
            "start_date": start,
            "end_date": end,
        }
    ).with_columns(
        pl.col("start_date").cast(pl.Date),
        pl.when(pl.col("end_date") >= 0).then(pl.col("end_date")).cast(pl.Date),
    )


def raw_periods(resolved: pl.DataFrame, sim: Simulation) -> pl.DataFrame:
    """The register's rows: the period after each designed overlap job merges into the one
    before it, which then spans the job."""
    overlays = pl.DataFrame(
        {"person": sim.overlap_person.astype(np.int32), "start_date": sim.overlap_start}
    ).with_columns(pl.col("start_date").cast(pl.Date), overlay=pl.lit(True))
    rows = resolved.join(
        overlays, on=["person", "start_date"], how="left", maintain_order="left"
    ).with_columns(pl.col("overlay").fill_null(False))
    by_person = {"partition_by": "person", "order_by": "start_date"}
    return (
        rows.with_columns(
            before_overlay=pl.col("overlay").shift(-1, fill_value=False).over(**by_person),
            after_overlay=pl.col("overlay").shift(1, fill_value=False).over(**by_person),
            end_after_overlay=pl.col("end_date").shift(-2).over(**by_person),
        )
        .with_columns(
            end_date=pl.when("before_overlay")
            .then(pl.col("end_after_overlay"))
            .otherwise(pl.col("end_date"))
        )
        .filter(~pl.col("after_overlay"))
        .select("person", "status", "municipality_code", "start_date", "end_date", "overlay")
    )


def status_on(resolved: pl.DataFrame, queries: pl.DataFrame, day: str) -> pl.DataFrame:
    """`queries` with the status of its person on its `day` column (UNKNOWN if none)."""
    lookup = resolved.select("person", "status", "start_date", "end_date").sort(
        "person", "start_date"
    )
    found = (
        queries.with_row_index("_row")
        .with_columns(pl.col("person").cast(pl.Int32))
        .sort("person", day)
        .join_asof(
            lookup,
            left_on=day,
            right_on="start_date",
            by="person",
            strategy="backward",
            check_sortedness=False,  # sorted by person, then day: sorted within each person
        )
        .with_columns(
            status=pl.when(pl.col("end_date").is_null() | (pl.col("end_date") >= pl.col(day)))
            .then(pl.col("status"))
            .otherwise(pl.lit("UNKNOWN"))
            .fill_null("UNKNOWN")
        )
        .sort("_row")
    )
    return found.drop("_row", "start_date", "end_date")
