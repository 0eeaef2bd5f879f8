"""The register's truth for one chunk: persons, jobseeker_periods and service_periods.

Frames carry the contract's columns (without the lifecycle columns, which `deliveries.py` adds)
plus a few internal columns prefixed with `_` that deliveries and the ground truth need.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from ingest.contract import JOBSEEKER_PERIODS, SERVICE_PERIODS

from . import params
from .catalogue import SERVICE_CODES, Catalogue
from .days import Window
from .geography import Geography
from .population import People
from .timeline import END_REASONS, Simulation

WRITTEN_MODEL_SHARE = 0.7  # episodes on a contract that repeat its operating model


def data_columns(entity) -> list[str]:
    return [c.name for c in entity.columns if c.name not in ("updated_at", "deleted")]


def padded(expr: pl.Expr, width: int) -> pl.Expr:
    return expr.cast(pl.String).str.zfill(width)


def person_frame(people: People, sim: Simulation, window: Window, geo: Geography, rng):
    moved = sim.state.move_day <= window.as_of
    home = np.where(moved, people.move_to, people.municipality)
    birth_year = np.where(
        rng.random(people.size) < params.BIRTH_YEAR_MISSING_SHARE, -1, people.birth_year
    )
    return pl.DataFrame(
        {
            "person_id": people.person_id.astype(str),
            "birth_year": birth_year,
            "mother_tongue": people.mother_tongue.astype(str),
            "home_municipality_code": np.array(geo.codes)[home],
            "education_level": pl.Series(people.education.tolist(), dtype=pl.String),
            "disability_or_chronic_illness": people.disability,
            "_person": np.arange(people.size, dtype=np.int32),
            "_move_day": np.where(moved, sim.state.move_day, -1),
            "_first_home": np.array(geo.codes)[people.municipality],
        },
    ).with_columns(
        pl.when(pl.col("birth_year") > 0).then(pl.col("birth_year")).alias("birth_year"),
        pl.when(pl.col("_move_day") >= 0).then(pl.col("_move_day")).cast(pl.Date),
    )


def jobseeker_period_frame(raw: pl.DataFrame, people: People) -> pl.DataFrame:
    raw = raw.sort("person", "start_date")
    person = raw["person"].to_numpy()
    return (
        raw.with_columns(
            person_id=pl.Series(people.person_id[person].astype(str)),
            _number=pl.Series(people.index[person]),
            _seq=pl.int_range(1, pl.len() + 1).over("person"),
        )
        .with_columns(
            period_id=pl.concat_str(
                pl.lit("JP-"), padded(pl.col("_number"), 7), pl.lit("-"), padded(pl.col("_seq"), 2)
            )
        )
        .rename({"person": "_person", "overlay": "_overlay"})
        .select(*data_columns(JOBSEEKER_PERIODS), "_person", "_overlay")
    )


def episode_frame(
    sim: Simulation, people: People, catalogue: Catalogue, geo: Geography, rng
) -> pl.DataFrame:
    """service_periods plus the simulation's per-episode columns (prefixed with _)."""
    ep = sim.episodes
    offers = catalogue.offers.select("contract_id", "model")[ep["offer"]]
    contracts = catalogue.contracts.select("contract_id", "business_id")
    exited = ep["exited"]
    frame = pl.DataFrame(
        {
            "person_id": people.person_id[ep["person"]].astype(str),
            "service_code": np.array(SERVICE_CODES)[ep["service"]],
            "municipality_code": np.array(geo.codes)[ep["municipality"]],
            "start_date": ep["start"],
            "end_date": np.where(exited, ep["end"], -1),
            "end_reason": pl.Series(
                np.where(exited, np.array(END_REASONS)[ep["end_reason"]], None).tolist(),
                dtype=pl.String,
            ),
            "_number": people.index[ep["person"]],
            "_seq": ep["step"].astype(np.int32) + 1,
            "_write_model": rng.random(ep["person"].size) < WRITTEN_MODEL_SHARE,
            **{f"_{k}": v for k, v in ep.items()},
        }
    )
    frame = pl.concat([frame, offers.rename({"model": "_model"})], how="horizontal")
    return (
        frame.join(contracts, on="contract_id", how="left", maintain_order="left")
        .with_columns(
            service_period_id=pl.concat_str(
                pl.lit("SP-"), padded(pl.col("_number"), 7), pl.lit("-"), pl.col("_seq")
            ),
            provider_business_id=pl.col("business_id"),
            # On a contract an empty model means the contract's model; own units always say it.
            operating_model=pl.when(pl.col("contract_id").is_null() | pl.col("_write_model"))
            .then(pl.col("_model"))
            .otherwise(None),
            start_date=pl.col("start_date").cast(pl.Date),
            end_date=pl.when(pl.col("end_date") >= 0).then(pl.col("end_date")).cast(pl.Date),
            _end=pl.col("_end").cast(pl.Date),
        )
        .select(*data_columns(SERVICE_PERIODS), pl.col("^_.*$"))
        .drop("_write_model", "_number", "_seq")
    )
