"""Every code the generator writes must exist in the reference seeds; checked once per run."""

from __future__ import annotations

from ingest.reference import code_sets

from . import params
from .catalogue import area_offers
from .invoices import LINE_TYPES
from .surveys import MEASUREMENT_POINTS
from .timeline import END_REASONS, STATUSES


def codes_written() -> dict[str, set[str]]:
    offers = [o for area in params.MUNICIPALITY_WEIGHTS for o in area_offers(area)]
    return {
        "jobseeker_status": set(STATUSES),
        "end_reason": set(END_REASONS),
        "service_code": set(params.SERVICES) | {o.service for o in offers},
        "education_level": set(params.EDUCATION),
        "provider_sector": {p[1] for p in (*params.PROVIDERS, params.LATE_PROVIDER)},
        "procurement_route": {o.route for o in offers if o.route},
        "pricing_model": {o.pricing for o in offers if o.pricing},
        "outcome_type": set(params.BONUS_RANGE),
        "measurement_point": set(MEASUREMENT_POINTS),
        "invoice_line_type": set(LINE_TYPES),
    }


def check_codes() -> None:
    seeds = code_sets()
    for code_set, codes in codes_written().items():
        unknown = codes - seeds[code_set]
        if unknown:
            raise ValueError(f"codes not in the {code_set} seed: {sorted(unknown)}")
