"""Participation-indicator responses (THL's ten statements, 1–5) and self-rated work ability.

Respondents are customers of coaching and rehabilitation episodes. Each has a latent item level
at the start; the operating model moves it by params.PARTICIPATION_CHANGE by the end.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from ingest.contract import PARTICIPATION_ITEMS, PARTICIPATION_RESPONSES
from ingest.reference import service_codes

from . import params
from .days import Window

RESPONSE_COLUMNS = [
    c.name for c in PARTICIPATION_RESPONSES.columns if c.name not in ("updated_at", "deleted")
]
MEASUREMENT_POINTS = ("START", "END", "FOLLOW_UP")
_START_LEVEL, _LEVEL_SPREAD, _ITEM_NOISE, _CHANGE_NOISE = 3.1, 0.5, 0.55, 0.3


def surveyed_episodes(episodes: pl.DataFrame, rng) -> pl.DataFrame:
    """About 60 % of coaching and rehabilitation episodes, with each respondent's latent level:
    lower for the long-term unemployed and for partial work ability (THL's groups with the
    weakest inclusion), slightly higher for youth."""
    categories = {code: s.category for code, s in service_codes().items()}
    eligible = episodes.filter(
        pl.col("service_code").replace_strict(categories).is_in(params.SURVEYED_CATEGORIES)
    )
    chosen = eligible.filter(pl.Series(rng.random(eligible.height) < params.SURVEY_SHARE))
    change = pl.col("_model").replace_strict(
        params.PARTICIPATION_CHANGE, default=params.PARTICIPATION_CHANGE[None]
    )
    n = chosen.height
    return chosen.with_columns(
        level=_START_LEVEL
        - 0.35 * pl.col("_long_term")
        - 0.3 * pl.col("_partial")
        + 0.1 * pl.col("_youth")
        + pl.Series(rng.normal(0, _LEVEL_SPREAD, n)),
        change=change + pl.Series(rng.normal(0, _CHANGE_NOISE, n)),
        start_lag=pl.Series(rng.integers(0, 15, n)),
        end_lead=pl.Series(rng.integers(0, 11, n)),
        follow_up_lag=pl.Series(rng.integers(80, 101, n)),
        answers_end=pl.Series(rng.random(n) < params.END_RESPONSE_SHARE),
        answers_follow_up=pl.Series(rng.random(n) < params.FOLLOW_UP_SHARE),
    )


def measurement_points(s: pl.DataFrame, window: Window) -> pl.DataFrame:
    """START soon after the start, END just before the exit, FOLLOW_UP about 3 months later."""
    as_of = pl.lit(window.as_of).cast(pl.Date)
    start = pl.col("start_date") + pl.duration(days=pl.col("start_lag"))
    end = pl.max_horizontal(start, pl.col("end_date") - pl.duration(days=pl.col("end_lead")))
    exited = pl.col("end_date").is_not_null()
    points = [
        s.with_columns(measurement_point=pl.lit("START"), response_date=start),
        s.filter(exited & pl.col("answers_end")).with_columns(
            measurement_point=pl.lit("END"),
            response_date=end,
            level=pl.col("level") + pl.col("change"),
        ),
        s.filter(exited & pl.col("answers_end") & pl.col("answers_follow_up")).with_columns(
            measurement_point=pl.lit("FOLLOW_UP"),
            response_date=pl.col("end_date") + pl.duration(days=pl.col("follow_up_lag")),
            level=pl.col("level") + pl.col("change") - 0.1,
        ),
    ]
    return pl.concat(points).filter(pl.col("response_date") <= as_of)


def item_answers(level: np.ndarray, rng) -> np.ndarray:
    """Ten items around the latent level; some left blank (0 = blank here)."""
    n = level.size
    answers = np.clip(np.rint(level[:, None] + rng.normal(0, _ITEM_NOISE, (n, 10))), 1, 5)
    blanks = np.zeros((n, 10), dtype=bool)
    few = rng.random(n) < params.FEW_ITEMS_SHARE
    blanks[few] = rng.random((int(few.sum()), 10)) < 0.4
    blanks[few, rng.integers(0, 10, int(few.sum()))] = True
    blanks[few, :3] |= blanks[few].sum(axis=1, keepdims=True) < 3  # at least three blanks
    one = ~few & (rng.random(n) < params.ONE_ITEM_MISSING_SHARE)
    blanks[one, rng.integers(0, 10, int(one.sum()))] = True
    return np.where(blanks, 0, answers).astype(np.int64)


def work_ability(r: pl.DataFrame, rng) -> np.ndarray:
    n = r.height
    score = (
        6.3
        - 1.8 * r["_partial"].to_numpy()
        - 0.7 * r["_long_term"].to_numpy()
        + 1.1 * (r["level"].to_numpy() - 3)
        + rng.normal(0, 1.4, n)
    )
    score = np.clip(np.rint(score), 0, 10)
    return np.where(rng.random(n) < params.WORK_ABILITY_MISSING_SHARE, -1, score).astype(np.int64)


def responses(episodes: pl.DataFrame, window: Window, batch: int, rng) -> pl.DataFrame:
    r = measurement_points(surveyed_episodes(episodes, rng), window).sort(
        "service_period_id", "response_date", "measurement_point"
    )
    answers = item_answers(r["level"].to_numpy(), rng)
    anonymous = pl.Series(rng.random(r.height) < params.ANONYMOUS_SHARE)
    items = {
        q: pl.Series(answers[:, i]).replace(0, None) for i, q in enumerate(PARTICIPATION_ITEMS)
    }
    return r.with_columns(
        response_id=pl.format(
            "PR-{}-{}",
            pl.lit(f"{batch:03d}"),
            pl.int_range(1, pl.len() + 1).cast(pl.String).str.zfill(7),
        ),
        person_id=pl.when(anonymous).then(None).otherwise("person_id"),
        service_period_id=pl.when(anonymous).then(None).otherwise("service_period_id"),
        business_id=pl.col("provider_business_id"),
        work_ability=pl.Series(work_ability(r, rng)).replace(-1, None),
        **items,
    ).select(RESPONSE_COLUMNS)
