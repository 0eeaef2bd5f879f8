"""Persons of one chunk: who they are, where they live and when they first enter a service."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import params
from .days import Window, years_of
from .geography import Geography, sample_move_destinations, sample_municipalities
from .identity import century_signs, identity_codes, individual_numbers

_EDUCATION = tuple(params.EDUCATION)
_LANGUAGES = tuple(params.FOREIGN_LANGUAGES)


@dataclass
class People:
    index: np.ndarray  # run-wide person number
    person_id: np.ndarray  # identity codes (object array of str)
    birth_day: np.ndarray
    birth_year: np.ndarray
    first_start: np.ndarray  # day of the first episode start
    municipality: np.ndarray  # municipality index at the first episode
    move_to: np.ndarray  # municipality index after a move (used only by movers)
    mover: np.ndarray  # moves right after the first exit, if there is one
    mother_tongue: np.ndarray
    foreign: np.ndarray
    education: np.ndarray  # object array, None = not recorded
    disability: np.ndarray

    @property
    def size(self) -> int:
        return self.index.size


def ages_at_first_start(size: int, rng: np.random.Generator) -> np.ndarray:
    """Age in days, from the age bands (about 30 % under 30)."""
    shares = np.array([band[2] for band in params.AGE_BANDS])
    band = rng.choice(len(params.AGE_BANDS), size=size, p=shares / shares.sum())
    low = np.array([b[0] for b in params.AGE_BANDS])[band]
    high = np.array([b[1] for b in params.AGE_BANDS])[band]
    years = rng.integers(low, high + 1)
    return (years * 365.25 + rng.integers(0, 365, size=size)).astype(np.int32)


def disability_flags(age_years: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    shares = params.DISABILITY_SHARE
    p = np.where(
        age_years < 30,
        shares["under_30"],
        np.where(age_years < 50, shares["30_49"], shares["50_plus"]),
    )
    return rng.random(age_years.size) < p


def mother_tongues(geo: Geography, municipality: np.ndarray, rng: np.random.Generator):
    """fi, sv or a foreign language, with the shares of the person's employment area."""
    area = geo.area_index(municipality)
    swedish = np.array([params.SWEDISH_SHARE[a] for a in geo.areas])[area]
    foreign = np.array([params.FOREIGN_SHARE[a] for a in geo.areas])[area]
    u = rng.random(area.size)
    weights = np.array(list(params.FOREIGN_LANGUAGES.values()), dtype=float)
    language = np.array(_LANGUAGES, dtype=object)[
        rng.choice(len(_LANGUAGES), size=area.size, p=weights / weights.sum())
    ]
    return np.where(u < foreign, language, np.where(u < foreign + swedish, "sv", "fi"))


def education_levels(foreign: np.ndarray, youth: np.ndarray, rng: np.random.Generator):
    base = np.array([params.EDUCATION[e] for e in _EDUCATION])
    weights = np.tile(base, (foreign.size, 1))
    weights[foreign, _EDUCATION.index("UNKNOWN")] *= 3
    weights[youth, _EDUCATION.index("TERTIARY")] *= 0.4
    cumulative = np.cumsum(weights, axis=1)
    u = rng.random(foreign.size) * cumulative[:, -1]
    level = np.array(_EDUCATION, dtype=object)[(u[:, None] >= cumulative).sum(axis=1)]
    missing = rng.random(foreign.size) < params.EDUCATION_MISSING_SHARE
    return np.where(missing, None, level)


def people_chunk(
    chunk: int,
    size: int,
    chunks: int,
    window: Window,
    geo: Geography,
    permutation: np.ndarray,
    rng: np.random.Generator,
) -> People:
    first_start = rng.integers(window.start, window.as_of + 1, size=size).astype(np.int32)
    age_days = ages_at_first_start(size, rng)
    birth_day = first_start - age_days
    municipality = sample_municipalities(geo, size, rng)
    mother_tongue = mother_tongues(geo, municipality, rng)
    foreign = ~np.isin(mother_tongue, ["fi", "sv", "se"])
    age_years = age_days // 365
    signs = century_signs(birth_day, rng.random(size) < params.NEW_CENTURY_SIGN_SHARE, rng)
    numbers = individual_numbers(birth_day, chunk, chunks, permutation)
    return People(
        index=np.arange(size, dtype=np.int64) + chunk * params.CHUNK_PERSONS,
        person_id=np.array(identity_codes(birth_day, signs, numbers), dtype=object),
        birth_day=birth_day,
        birth_year=years_of(birth_day),
        first_start=first_start,
        municipality=municipality,
        move_to=sample_move_destinations(geo, municipality, rng),
        mover=rng.random(size) < params.MOVER_SHARE,
        mother_tongue=mother_tongue,
        foreign=foreign,
        education=education_levels(foreign, age_years < 30, rng),
        disability=disability_flags(age_years, rng),
    )
