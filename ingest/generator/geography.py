"""The employment areas and municipalities the demo lives in, checked against the seed."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from ingest.reference import municipalities

from . import params


@dataclass(frozen=True)
class Geography:
    codes: tuple[str, ...]  # municipality codes, index = municipality number used in arrays
    area_of: np.ndarray  # employment area code per municipality index
    weights: np.ndarray  # sampling weight per municipality index (sums to 1)
    areas: tuple[int, ...]

    def area_index(self, municipality: np.ndarray) -> np.ndarray:
        return np.searchsorted(np.array(self.areas), self.area_of[municipality])


@cache
def geography() -> Geography:
    seed = municipalities()
    codes, areas, weights = [], [], []
    for area, members in params.MUNICIPALITY_WEIGHTS.items():
        for code, weight in members.items():
            if code not in seed or seed[code].employment_area_code != area:
                raise ValueError(f"municipality {code} is not in employment area {area} (seed)")
            codes.append(code)
            areas.append(area)
            weights.append(weight)
    w = np.array(weights, dtype=float)
    return Geography(
        codes=tuple(codes),
        area_of=np.array(areas, dtype=np.int16),
        weights=w / w.sum(),
        areas=tuple(sorted(params.MUNICIPALITY_WEIGHTS)),
    )


def sample_municipalities(geo: Geography, size: int, rng: np.random.Generator) -> np.ndarray:
    return rng.choice(len(geo.codes), size=size, p=geo.weights).astype(np.int16)


def sample_move_destinations(
    geo: Geography, origin: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """A municipality in another employment area, weighted by population."""
    destination = sample_municipalities(geo, origin.size, rng)
    same = geo.area_of[destination] == geo.area_of[origin]
    while same.any():
        destination[same] = sample_municipalities(geo, int(same.sum()), rng)
        same = geo.area_of[destination] == geo.area_of[origin]
    return destination


def area_summary(geo: Geography) -> list[dict]:
    seed = municipalities()
    summary = []
    for area in geo.areas:
        members = [c for c, a in zip(geo.codes, geo.area_of, strict=True) if a == area]
        share = float(geo.weights[geo.area_of == area].sum())
        summary.append(
            {
                "employment_area_code": area,
                "municipality_codes": members,
                "wellbeing_county_codes": sorted({seed[c].wellbeing_county_code for c in members}),
                "population_weight": round(share, 4),
            }
        )
    return summary
