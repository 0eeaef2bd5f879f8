"""The input data contract (shared/spec/data-contract.md) as data.

Every reader, validator and test takes the entities, columns and rules from here, so the
contract is written down once. Code sets come from the dbt seeds (see `reference.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    IDENTITY_CODE = "identity_code"
    BUSINESS_ID = "business_id"
    MUNICIPALITY = "municipality_code"
    CODE = "code"
    TEXT = "text"
    INT = "int"
    DECIMAL = "decimal"
    DATE = "date"
    TIMESTAMP = "timestamp"
    BOOL = "bool"
    LANGUAGE = "language"  # ISO 639-1


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    required: bool = False
    code_set: str | None = None  # CODE columns: the seed code set; None = any code
    min_value: int | None = None
    max_value: int | None = None
    scale: int = 2  # DECIMAL columns: digits after the decimal point

    @property
    def output_name(self) -> str:
        """Identity codes leave ingest only as pseudonyms."""
        if self.kind is Kind.IDENTITY_CODE:
            return self.name.replace("person_id", "person_key")
        return self.name


@dataclass(frozen=True)
class RowRule:
    """A rule over several columns of one row, evaluated by `validate.py`."""

    name: str
    description: str


@dataclass(frozen=True)
class Entity:
    source: str
    name: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    row_rules: tuple[RowRule, ...] = ()

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    @property
    def output_key(self) -> tuple[str, ...]:
        return tuple(self.column(k).output_name for k in self.key)


END_AFTER_START = RowRule("END_BEFORE_START", "end_date must not be before start_date")

_LIFECYCLE = (
    Column("updated_at", Kind.TIMESTAMP, required=True),
    Column("deleted", Kind.BOOL),
)

PERSONS = Entity(
    source="register",
    name="persons",
    key=("person_id",),
    columns=(
        Column("person_id", Kind.IDENTITY_CODE, required=True),
        Column("birth_year", Kind.INT, min_value=1850, max_value=2100),
        Column("mother_tongue", Kind.LANGUAGE),
        Column("home_municipality_code", Kind.MUNICIPALITY, required=True),
        Column("education_level", Kind.CODE, code_set="education_level"),
        Column("disability_or_chronic_illness", Kind.BOOL),
        *_LIFECYCLE,
    ),
)

JOBSEEKER_PERIODS = Entity(
    source="register",
    name="jobseeker_periods",
    key=("period_id",),
    columns=(
        Column("period_id", Kind.TEXT, required=True),
        Column("person_id", Kind.IDENTITY_CODE, required=True),
        Column("status", Kind.CODE, required=True, code_set="jobseeker_status"),
        Column("municipality_code", Kind.MUNICIPALITY, required=True),
        Column("start_date", Kind.DATE, required=True),
        Column("end_date", Kind.DATE),
        *_LIFECYCLE,
    ),
    row_rules=(END_AFTER_START,),
)

SERVICE_PERIODS = Entity(
    source="register",
    name="service_periods",
    key=("service_period_id",),
    columns=(
        Column("service_period_id", Kind.TEXT, required=True),
        Column("person_id", Kind.IDENTITY_CODE, required=True),
        Column("service_code", Kind.CODE, required=True, code_set="service_code"),
        Column("provider_business_id", Kind.BUSINESS_ID),
        Column("contract_id", Kind.TEXT),
        Column("operating_model", Kind.CODE),
        Column("municipality_code", Kind.MUNICIPALITY, required=True),
        Column("start_date", Kind.DATE, required=True),
        Column("end_date", Kind.DATE),
        Column("end_reason", Kind.CODE, code_set="end_reason"),
        *_LIFECYCLE,
    ),
    row_rules=(END_AFTER_START,),
)

PROVIDERS = Entity(
    source="purchases",
    name="providers",
    key=("business_id",),
    columns=(
        Column("business_id", Kind.BUSINESS_ID, required=True),
        Column("name", Kind.TEXT, required=True),
        Column("sector", Kind.CODE, required=True, code_set="provider_sector"),
        Column("municipality_code", Kind.MUNICIPALITY),
        *_LIFECYCLE,
    ),
)

CONTRACTS = Entity(
    source="purchases",
    name="contracts",
    key=("contract_id",),
    columns=(
        Column("contract_id", Kind.TEXT, required=True),
        Column("business_id", Kind.BUSINESS_ID, required=True),
        Column("employment_area_code", Kind.INT, required=True, min_value=1, max_value=45),
        Column("service_code", Kind.CODE, required=True, code_set="service_code"),
        Column("operating_model", Kind.CODE),
        Column("procurement_route", Kind.CODE, required=True, code_set="procurement_route"),
        Column("pricing_model", Kind.CODE, required=True, code_set="pricing_model"),
        Column("unit_price_eur", Kind.DECIMAL, required=True),
        Column("valid_from", Kind.DATE, required=True),
        Column("valid_to", Kind.DATE),
        *_LIFECYCLE,
    ),
    row_rules=(RowRule("VALID_TO_BEFORE_VALID_FROM", "valid_to must not be before valid_from"),),
)

CONTRACT_OUTCOME_PRICES = Entity(
    source="purchases",
    name="contract_outcome_prices",
    key=("contract_id", "outcome_type"),
    columns=(
        Column("contract_id", Kind.TEXT, required=True),
        Column("outcome_type", Kind.CODE, required=True, code_set="outcome_type"),
        Column("bonus_eur", Kind.DECIMAL, required=True),
        *_LIFECYCLE,
    ),
)

INVOICE_LINES = Entity(
    source="purchases",
    name="invoice_lines",
    key=("invoice_id", "line_no"),
    columns=(
        Column("invoice_id", Kind.TEXT, required=True),
        Column("line_no", Kind.INT, required=True, min_value=0),
        Column("contract_id", Kind.TEXT, required=True),
        Column("invoice_date", Kind.DATE, required=True),
        Column("period_start", Kind.DATE, required=True),
        Column("period_end", Kind.DATE, required=True),
        Column("person_id", Kind.IDENTITY_CODE),
        Column("line_type", Kind.CODE, required=True, code_set="invoice_line_type"),
        Column("outcome_type", Kind.CODE, code_set="outcome_type"),
        Column("outcome_date", Kind.DATE),
        Column("quantity", Kind.DECIMAL, required=True, scale=4),
        Column("amount_eur", Kind.DECIMAL, required=True),
        *_LIFECYCLE,
    ),
    row_rules=(
        RowRule("PERIOD_END_BEFORE_START", "period_end must not be before period_start"),
        RowRule(
            "INCOMPLETE_OUTCOME_BONUS",
            "an OUTCOME_BONUS line needs person_id, outcome_type and outcome_date",
        ),
        RowRule("CREDIT_NOT_NEGATIVE", "a CREDIT line must have a negative amount"),
    ),
)

PARTICIPATION_ITEMS = tuple(f"q{i:02d}" for i in range(1, 11))

PARTICIPATION_RESPONSES = Entity(
    source="surveys",
    name="participation_responses",
    key=("response_id",),
    columns=(
        Column("response_id", Kind.TEXT, required=True),
        Column("person_id", Kind.IDENTITY_CODE),
        Column("service_period_id", Kind.TEXT),
        Column("business_id", Kind.BUSINESS_ID),
        Column("response_date", Kind.DATE, required=True),
        Column("measurement_point", Kind.CODE, required=True, code_set="measurement_point"),
        *(Column(q, Kind.INT, min_value=1, max_value=5) for q in PARTICIPATION_ITEMS),
        Column("work_ability", Kind.INT, min_value=0, max_value=10),
        *_LIFECYCLE,
    ),
)

ENTITIES: tuple[Entity, ...] = (
    PERSONS,
    JOBSEEKER_PERIODS,
    SERVICE_PERIODS,
    PROVIDERS,
    CONTRACTS,
    CONTRACT_OUTCOME_PRICES,
    INVOICE_LINES,
    PARTICIPATION_RESPONSES,
)

SOURCES: tuple[str, ...] = ("register", "purchases", "surveys")

FILE_FORMATS: tuple[str, ...] = ("csv", "parquet", "xlsx")


def entities_of(source: str) -> tuple[Entity, ...]:
    return tuple(e for e in ENTITIES if e.source == source)


def entity_named(source: str, name: str) -> Entity | None:
    return next((e for e in entities_of(source) if e.name == name), None)
