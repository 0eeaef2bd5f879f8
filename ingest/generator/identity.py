"""Finnish identity codes (henkilötunnus) and business IDs (Y-tunnus) for synthetic persons."""

from __future__ import annotations

import numpy as np
from faker import Faker
from stdnum.fi import hetu

from .days import years_of

_SIGNS_1900 = np.array(["-", "Y", "X", "W", "V", "U"])
_SIGNS_2000 = np.array(["A", "B", "C", "D", "E", "F"])
_FIRST_INDIVIDUAL, _LAST_INDIVIDUAL = 2, 899  # 000–001 unused, 900–999 temporary codes
_INDIVIDUAL_SLOTS = _LAST_INDIVIDUAL - _FIRST_INDIVIDUAL + 1
_DATE_SHIFT = 389  # any integer: consecutive dates get unrelated shifts


def check_character(digits: str) -> str:
    """The check character of DDMMYYZZZ.

    python-stdnum validates codes but has no public generator; its private checksum helper is
    the reference implementation, so codes built here validate by construction.
    """
    return hetu._calc_checksum(digits)


def century_signs(birth_days: np.ndarray, new_sign: np.ndarray, rng: np.random.Generator):
    """'-' / 'A', or for `new_sign` persons one of the signs introduced in 2023."""
    pick = rng.integers(1, 6, size=birth_days.size)
    in_2000s = years_of(birth_days) >= 2000
    signs = np.where(in_2000s, _SIGNS_2000[0], _SIGNS_1900[0])
    return np.where(new_sign, np.where(in_2000s, _SIGNS_2000[pick], _SIGNS_1900[pick]), signs)


def individual_numbers(
    birth_days: np.ndarray, chunk: int, chunks: int, permutation: np.ndarray
) -> np.ndarray:
    """Individual numbers unique per birth date across the whole run.

    Within a chunk the k-th person born on a date takes slot k * chunks + chunk, so chunks never
    collide. A shift per birth date and a run-wide permutation of the 898 numbers spread the
    slots over the whole range (a shift within one date keeps the slots distinct).
    """
    order = np.lexsort((np.arange(birth_days.size), birth_days))
    sorted_days = birth_days[order]
    first_of_day = np.r_[True, sorted_days[1:] != sorted_days[:-1]]
    group_start = np.maximum.accumulate(np.where(first_of_day, np.arange(order.size), 0))
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size) - group_start
    slot = rank * chunks + chunk
    if slot.max(initial=0) >= _INDIVIDUAL_SLOTS:
        raise ValueError("too many persons per birth date: use fewer, larger chunks")
    shifted = (slot + birth_days.astype(np.int64) * _DATE_SHIFT) % _INDIVIDUAL_SLOTS
    return permutation[shifted] + _FIRST_INDIVIDUAL


def individual_permutation(rng: np.random.Generator) -> np.ndarray:
    return rng.permutation(_INDIVIDUAL_SLOTS)


def identity_codes(birth_days: np.ndarray, signs: np.ndarray, individuals: np.ndarray) -> list:
    dates = birth_days.astype("datetime64[D]").astype(object)
    codes = []
    for d, sign, number in zip(dates, signs, individuals, strict=True):
        digits = f"{d.day:02d}{d.month:02d}{d.year % 100:02d}{number:03d}"
        codes.append(f"{digits[:6]}{sign}{digits[6:]}{check_character(digits)}")
    return codes


def with_wrong_check_character(code: str) -> str:
    alphabet = "0123456789ABCDEFHJKLMNPRSTUVWXY"
    wrong = alphabet[(alphabet.index(code[-1]) + 1) % len(alphabet)]
    return code[:-1] + wrong


def business_ids(count: int, seed: int) -> list[str]:
    """Distinct valid business IDs from Faker's fi_FI provider, seeded per instance."""
    fake = Faker("fi_FI")
    fake.seed_instance(seed)
    ids: list[str] = []
    while len(ids) < count:
        candidate = fake.company_business_id()
        if candidate not in ids:
            ids.append(candidate)
    return ids


def with_wrong_check_digit(business_id: str) -> str:
    body, check = business_id.split("-")
    return f"{body}-{(int(check) + 1) % 10}"
