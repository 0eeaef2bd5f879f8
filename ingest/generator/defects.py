"""Rows that break one contract rule each, added to the first delivery and never to the truth.

Each defect is a copy of a real row (or a fresh row) with one value broken, under a key no real
row uses, so quarantining it leaves every simulated rate unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import polars as pl

from ingest.contract import (
    CONTRACTS,
    INVOICE_LINES,
    JOBSEEKER_PERIODS,
    PARTICIPATION_RESPONSES,
    PERSONS,
    PROVIDERS,
    SERVICE_PERIODS,
    Entity,
)

from .identity import check_character, with_wrong_check_character, with_wrong_check_digit

RETIRED_MUNICIPALITY = "588"  # Pertunmaa, merged into Mäntyharju: absent from the seed
IMPOSSIBLE_DATE = "31.2.2025"


@dataclass
class Defect:
    entity: Entity
    row: pl.DataFrame  # one typed row with the lifecycle columns
    rule: str
    text: dict[str, str] = field(default_factory=dict)  # rendered values replaced verbatim

    @property
    def key(self) -> dict:
        return {k: self.row[k][0] for k in self.entity.key}


def unused_identity_code(n: int) -> str:
    """A valid code for someone born in 1941: older than anyone the simulation creates."""
    digits = f"0{n + 1}0341{n + 2:03d}"
    return f"{digits[:6]}-{digits[6:]}{check_character(digits)}"


def first_row(frame: pl.DataFrame, **changes) -> pl.DataFrame:
    return frame.head(1).with_columns(pl.lit(v).alias(k) for k, v in changes.items())


def register_defects(persons, periods, episodes) -> list[Defect]:
    code = persons["person_id"][0]
    period_id = periods["period_id"][0]
    return [
        Defect(
            PERSONS,
            first_row(persons, person_id=with_wrong_check_character(code)),
            "INVALID_IDENTITY_CODE",
        ),
        Defect(
            PERSONS,
            first_row(
                persons,
                person_id=unused_identity_code(0),
                birth_year=1941,
                home_municipality_code=RETIRED_MUNICIPALITY,
            ),
            "UNKNOWN_MUNICIPALITY",
        ),
        Defect(
            JOBSEEKER_PERIODS,
            first_row(
                periods,
                period_id=period_id + "X",
                start_date=date(2025, 3, 10),
                end_date=date(2025, 3, 2),
            ),
            "END_BEFORE_START",
        ),
        Defect(
            SERVICE_PERIODS,
            first_row(episodes, service_period_id=episodes["service_period_id"][0] + "X"),
            "INVALID_DATE",
            text={"start_date": IMPOSSIBLE_DATE},
        ),
    ]


def purchase_defects(providers, contracts, invoice_lines) -> list[Defect]:
    with_person = invoice_lines.filter(pl.col("person_id").is_not_null()).head(1)
    same_invoice = invoice_lines.filter(pl.col("invoice_id").is_in(with_person["invoice_id"]))
    return [
        Defect(
            PROVIDERS,
            first_row(
                providers,
                business_id=with_wrong_check_digit(providers["business_id"][0]),
                name="Työllistäjä Häme Oy",
            ),
            "INVALID_BUSINESS_ID",
        ),
        Defect(
            CONTRACTS,
            first_row(
                contracts,
                contract_id=contracts["contract_id"][0].rsplit("-", 1)[0] + "-800",
            ),
            "INVALID_DATE",
            text={"valid_from": IMPOSSIBLE_DATE},
        ),
        Defect(
            INVOICE_LINES,
            first_row(
                with_person,
                line_no=same_invoice["line_no"].max() + 2,  # + 1 is the mistaken duplicate
                person_id=with_wrong_check_character(with_person["person_id"][0]),
            ),
            "INVALID_IDENTITY_CODE",
        ),
    ]


def survey_defects(responses) -> list[Defect]:
    return [
        Defect(
            PARTICIPATION_RESPONSES,
            first_row(responses, response_id="PR-000-0000001", q06=6),
            "OUT_OF_RANGE",
        ),
        Defect(
            PARTICIPATION_RESPONSES,
            first_row(responses, response_id="PR-000-0000002", work_ability=11),
            "OUT_OF_RANGE",
        ),
    ]
