"""Reference data for validation, read from the dbt seeds so each code is defined once."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

SEEDS_DIR = Path(__file__).resolve().parents[1] / "dbt_project" / "seeds"


def _rows(seed: str) -> list[dict[str, str]]:
    with (SEEDS_DIR / f"{seed}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@dataclass(frozen=True)
class Municipality:
    code: str
    name_fi: str
    employment_area_code: int | None
    wellbeing_county_code: int


@dataclass(frozen=True)
class ServiceCode:
    code: str
    category: str
    counts_in_activation_rate: bool
    label_fi: str


@cache
def municipalities() -> dict[str, Municipality]:
    return {
        r["municipality_code"]: Municipality(
            code=r["municipality_code"],
            name_fi=r["name_fi"],
            employment_area_code=int(r["employment_area_code"])
            if r["employment_area_code"]
            else None,
            wellbeing_county_code=int(r["wellbeing_county_code"]),
        )
        for r in _rows("ref_municipalities")
    }


@cache
def service_codes() -> dict[str, ServiceCode]:
    return {
        r["service_code"]: ServiceCode(
            code=r["service_code"],
            category=r["service_category"],
            counts_in_activation_rate=r["counts_in_activation_rate"] == "true",
            label_fi=r["label_fi"],
        )
        for r in _rows("ref_service_codes")
    }


@cache
def code_sets() -> dict[str, frozenset[str]]:
    """Every closed code set the contract names, by name (`service_code` included)."""
    sets: dict[str, set[str]] = {}
    for r in _rows("ref_codes"):
        sets.setdefault(r["code_set"], set()).add(r["code"])
    sets["service_code"] = set(service_codes())
    return {name: frozenset(codes) for name, codes in sets.items()}
