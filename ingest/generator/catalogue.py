"""Providers, purchase contracts and outcome prices, and the offers episodes are drawn from.

These are small tables built once per run (not per chunk) from `params` and the run seed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import numpy as np
import polars as pl

from . import params
from .days import Window, to_date
from .geography import Geography
from .identity import business_ids

SERVICE_CODES = tuple(params.SERVICES)
OUTCOME_KEYS = tuple(params.OUTCOMES)  # (service_code, operating_model) rows of the outcome table


@dataclass(frozen=True)
class Catalogue:
    providers: pl.DataFrame  # business_id, name, sector, municipality_code, home_area
    contracts: pl.DataFrame  # contract columns + invoice_day
    outcome_prices: pl.DataFrame  # contract_id, outcome_type, bonus_eur
    offers: pl.DataFrame  # one row per (era, area, service, offer) with its contract, if any
    offer_keys: np.ndarray  # sorted (key + cumulative share) for sampling, see sample_offers
    offer_outcome: np.ndarray  # OUTCOME_KEYS index of each offer
    areas: int
    late_contract_id: str  # a contract that starts between the deliveries


def area_offers(area: int) -> list[params.Offer]:
    """The offers of one area; outcome-based areas switch their bought coaching in era 1."""
    offers = list(params.COMMON_OFFERS)
    if area in params.OUTCOME_BASED_AREAS:
        replaced = {o.service for o in params.OUTCOME_BASED_OFFERS}
        offers = [
            replace(o, eras=(0,)) if o.service in replaced and o.sector else o for o in offers
        ]
        offers += params.OUTCOME_BASED_OFFERS
    return [*offers, *params.AREA_EXTRA_OFFERS.get(area, ())]


def build_providers(geo: Geography, seed: int, rng: np.random.Generator) -> pl.DataFrame:
    rows = [*params.PROVIDERS, params.LATE_PROVIDER]
    ids = business_ids(len(rows), seed)
    municipalities = []
    for _, _, area in rows:
        members = [i for i, a in enumerate(geo.area_of) if a == area]
        municipalities.append(geo.codes[int(rng.choice(members))] if members else None)
    return pl.DataFrame(
        {
            "business_id": ids,
            "name": [r[0] for r in rows],
            "sector": [r[1] for r in rows],
            "municipality_code": municipalities,
            "home_area": [r[2] for r in rows],
        }
    )


def pick_provider(providers: pl.DataFrame, sector: str, area: int, rng) -> str:
    """A provider of the sector, preferring one based in the buying area."""
    of_sector = providers.head(len(params.PROVIDERS)).filter(pl.col("sector") == sector)
    local = of_sector.filter(pl.col("home_area") == area)
    candidates = (local if local.height else of_sector)["business_id"].to_list()
    return candidates[int(rng.integers(len(candidates)))]


def eras_in_window(window: Window) -> set[int]:
    eras = set()
    if window.start < window.switch:
        eras.add(0)
    if window.as_of >= window.switch:
        eras.add(1)
    return eras


def contract_validity(offer: params.Offer, window: Window) -> tuple[date, date | None]:
    first_year_start = date(to_date(window.start).year, 1, 1)
    switch = to_date(window.switch)
    valid_from = first_year_start if 0 in offer.eras else switch
    valid_to = to_date(window.switch - 1) if offer.eras == (0,) else None
    return valid_from, valid_to


def unit_price(pricing: str, rng: np.random.Generator) -> float:
    low, high = params.UNIT_PRICE_RANGE[pricing]
    step = 10.0 if pricing == "FIXED_MONTHLY" else 0.5
    return round(float(rng.uniform(low, high)) / step) * step


def build_contracts(
    geo: Geography, providers: pl.DataFrame, window: Window, rng: np.random.Generator
) -> tuple[pl.DataFrame, list[dict]]:
    """Contracts and the offer rows (own units included) they back."""
    contracts, offers = [], []
    eras = eras_in_window(window)
    for area in geo.areas:
        for offer in area_offers(area):
            if not eras.intersection(offer.eras):
                continue
            contract_id = None
            if offer.sector:
                valid_from, valid_to = contract_validity(offer, window)
                contract_id = f"SOP-{area:02d}-{valid_from.year}-{len(contracts) + 1:03d}"
                contracts.append(
                    {
                        "contract_id": contract_id,
                        "business_id": pick_provider(providers, offer.sector, area, rng),
                        "employment_area_code": area,
                        "service_code": offer.service,
                        "operating_model": offer.model,
                        "procurement_route": offer.route,
                        "pricing_model": offer.pricing,
                        "unit_price_eur": unit_price(offer.pricing, rng),
                        "valid_from": valid_from,
                        "valid_to": valid_to,
                        "invoice_day": int(rng.integers(*params.INVOICE_DAY_RANGE, endpoint=True)),
                    }
                )
            offers.extend(
                {
                    "era": era,
                    "area": area,
                    "service": offer.service,
                    "model": offer.model,
                    "contract_id": contract_id,
                    "weight": offer.weight,
                }
                for era in offer.eras
            )
    return pl.DataFrame(contracts), offers


def late_contract(providers: pl.DataFrame, window: Window, number: int) -> dict:
    """The dynamic purchasing system admits a new provider between the two deliveries."""
    valid_from = to_date(min(window.first_delivery + 10, window.as_of))
    area = params.LATE_PROVIDER[2]
    return {
        "contract_id": f"SOP-{area:02d}-{valid_from.year}-{number:03d}",
        "business_id": providers["business_id"][-1],
        "employment_area_code": area,
        "service_code": "JOB_COACHING",
        "operating_model": "INDIVIDUAL_COACHING",
        "procurement_route": "DYNAMIC_PURCHASING_SYSTEM",
        "pricing_model": "OUTCOME_BASED",
        "unit_price_eur": 395.0,
        "valid_from": valid_from,
        "valid_to": None,
        "invoice_day": 7,
    }


def with_end_decided_later(contracts: pl.DataFrame, window: Window) -> pl.DataFrame:
    """One open-ended tender gets an end date (the end of the year) between the deliveries."""
    as_of = to_date(window.as_of)
    chosen = (
        contracts.with_row_index("_i")
        .filter(
            pl.col("valid_to").is_null()
            & (pl.col("procurement_route") == "TENDER")
            & (pl.col("valid_from") <= to_date(window.first_delivery))
        )["_i"]
        .first()
    )
    decided = pl.int_range(pl.len()) == chosen
    return contracts.with_columns(
        valid_to=pl.when(decided).then(pl.lit(date(as_of.year, 12, 31))).otherwise("valid_to"),
        _end_decided_later=decided,
    )


def build_outcome_prices(contracts: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    rows = []
    for contract_id in contracts.filter(pl.col("pricing_model") == "OUTCOME_BASED")["contract_id"]:
        for outcome, share in params.BONUS_TYPE_SHARE.items():
            if rng.random() < share:
                low, high = params.BONUS_RANGE[outcome]
                bonus = round(float(rng.uniform(low, high)) / 10) * 10
                rows.append(
                    {"contract_id": contract_id, "outcome_type": outcome, "bonus_eur": bonus}
                )
    return ensure_large_bonus(pl.DataFrame(rows))


def ensure_large_bonus(prices: pl.DataFrame) -> pl.DataFrame:
    """Outcome bonuses are sometimes over 2 000 EUR (domain brief): keep at least one such."""
    if prices["bonus_eur"].max() > 2_000:
        return prices
    largest = prices["bonus_eur"].arg_max()
    return prices.with_columns(
        pl.when(pl.int_range(pl.len()) == largest)
        .then(2_150.0)
        .otherwise(pl.col("bonus_eur"))
        .alias("bonus_eur")
    )


def offer_table(offer_rows: list[dict], geo: Geography) -> tuple[pl.DataFrame, np.ndarray]:
    """Offers sorted by sampling key, and the key + cumulative weight share of each.

    key = (era * areas + area index) * services + service index; drawing u in [0, 1) and
    searching key + u in the sorted array picks an offer of that key with its weight share.
    """
    offers = pl.DataFrame(offer_rows).with_columns(
        area_index=pl.col("area").replace_strict(
            {a: i for i, a in enumerate(geo.areas)}, return_dtype=pl.Int64
        ),
        service_index=pl.col("service").replace_strict(
            {s: i for i, s in enumerate(SERVICE_CODES)}, return_dtype=pl.Int64
        ),
    )
    offers = offers.with_columns(
        key=(pl.col("era") * len(geo.areas) + pl.col("area_index")) * len(SERVICE_CODES)
        + pl.col("service_index")
    ).with_row_index("order")
    offers = offers.sort("key", "order").with_columns(
        share=pl.col("weight").cum_sum().over("key") / pl.col("weight").sum().over("key")
    )
    keys = offers.select("key").unique()
    expected = offers["era"].n_unique() * len(geo.areas) * len(SERVICE_CODES)
    if keys.height != expected:
        raise ValueError("every era, area and service needs at least one offer")
    return offers.drop("order"), (offers["key"] + offers["share"]).to_numpy()


def sample_offers(
    catalogue: Catalogue, era: np.ndarray, area_index: np.ndarray, service: np.ndarray, rng
) -> np.ndarray:
    """Row index into catalogue.offers for each episode."""
    key = (era * catalogue.areas + area_index) * len(SERVICE_CODES) + service
    u = rng.random(key.size)
    return np.searchsorted(catalogue.offer_keys, key + u, side="right")


def build_catalogue(geo: Geography, window: Window, seed: int) -> Catalogue:
    rng = np.random.default_rng([seed, 1_000_003])
    providers = build_providers(geo, seed, rng)
    contracts, offer_rows = build_contracts(geo, providers, window, rng)
    late = late_contract(providers, window, contracts.height + 1)
    contracts = pl.concat([contracts, pl.DataFrame([late], schema=contracts.schema)])
    contracts = with_end_decided_later(contracts, window)
    offers, offer_keys = offer_table(offer_rows, geo)
    return Catalogue(
        providers=providers,
        contracts=contracts,
        outcome_prices=build_outcome_prices(contracts, rng),
        offers=offers,
        offer_keys=offer_keys,
        offer_outcome=np.array(
            [OUTCOME_KEYS.index(k) for k in offers.select("service", "model").iter_rows()]
        ),
        areas=len(geo.areas),
        late_contract_id=late["contract_id"],
    )


def era_of(days: np.ndarray, window: Window) -> np.ndarray:
    return (days >= window.switch).astype(np.int64)
