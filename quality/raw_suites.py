"""Great Expectations 1.x suites over the validated, pseudonymised rows in the lake.

Ingest already quarantines rows that break a rule; these suites re-check what was *loaded*,
independently of the ingest code, so a bug in ingest cannot publish bad data unnoticed.
They run on pandas frames (GX's supported engine); the warehouse-wide checks are dbt tests.

- `raw_suite`: the shape of every row of the pending files (quality/lake_state.py): columns,
  types, keys, one version per key, file and timestamp.
- `current_rows_suite`: the content (code sets, ranges, required values, date order, pseudonym
  shape) of those rows that are still current (`current_only`), so a row a later delivery
  corrected no longer blocks. A frame of its own rather than a GX row condition on each
  expectation: GX filters (copies) the frame once per conditioned expectation, which doubled
  the time of a national build's checks.
- `reference_suite`: every current row of a referencing entity names a current key of the
  referenced one (every episode's person exists, every contract's provider, every invoice
  line's contract). Checked on new rows and on old rows naming a key that new deliveries
  touch: a tombstone in a new delivery can orphan old rows (quality/lake_state.py).

GX never sees a person key: `prepare_frame` replaces each by a number (equal keys, equal
numbers) and a flag saying whether it is shaped like a pseudonym, so neither the stored
results nor the Data Docs can hold one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

from ingest import reference
from ingest.contract import Column, Entity, Kind
from ingest.lake import DELIVERY_ID, SOURCE_FILE, entity_schema
from quality.lake_state import IS_CURRENT, Reference
from quality.samples import PERSON_KEY_PATTERN

if TYPE_CHECKING:  # GX takes seconds to import: only checks that run pay for it.
    import great_expectations as gx

_PAIRS = {  # (later, earlier) column pairs that must be ordered
    "jobseeker_periods": [("end_date", "start_date")],
    "service_periods": [("end_date", "start_date")],
    "contracts": [("valid_to", "valid_from")],
    "invoice_lines": [("period_end", "period_start")],
}


# The pandas types (quality.validation.to_pandas) the lake's types arrive as: an integer
# column with nulls is float64, text is pandas' string. A decimal column is an Arrow decimal,
# whose type GX only names by its values' type (ExpectColumnValuesToBeOfType, `_type_of`).
_PANDAS_TYPES = {
    Kind.INT: ["int64", "float64"],
    Kind.DATE: ["datetime64[ms]"],
    Kind.TIMESTAMP: ["datetime64[us]"],
    Kind.BOOL: ["bool"],
}


def pseudonym_flag(column: str) -> str:
    return f"{column}_is_pseudonym"


def _person_columns(entity: Entity) -> list[str]:
    return [c.output_name for c in entity.columns if c.kind is Kind.IDENTITY_CODE]


def prepare_frame(entity: Entity, rows: pl.DataFrame) -> pl.DataFrame:
    """The lake rows as GX sees them: each person key replaced by a dense number and a flag
    for its shape."""
    persons = _person_columns(entity)
    return rows.with_columns(
        *(pl.col(c).str.contains(PERSON_KEY_PATTERN).alias(pseudonym_flag(c)) for c in persons),
        *(pl.col(c).rank("dense").cast(pl.Int64).alias(c) for c in persons),
    )


def raw_suite(entity: Entity) -> gx.ExpectationSuite:
    import great_expectations as gx

    expect = gx.expectations
    suite = gx.ExpectationSuite(name=f"raw_{entity.source}__{entity.name}")
    prepared = [
        *entity_schema(entity),
        *(pseudonym_flag(c) for c in _person_columns(entity)),
        IS_CURRENT,
    ]
    suite.add_expectation(
        expect.ExpectTableColumnsToMatchSet(column_set=prepared, exact_match=True)
    )
    for column in entity.columns:
        if column.kind is not Kind.IDENTITY_CODE:  # replaced by numbers (prepare_frame)
            suite.add_expectation(_type_of(column))
    for column in [*entity.output_key, "updated_at", DELIVERY_ID]:
        suite.add_expectation(expect.ExpectColumnValuesToNotBeNull(column=column))
    suite.add_expectation(
        expect.ExpectCompoundColumnsToBeUnique(
            column_list=[*entity.output_key, "updated_at", SOURCE_FILE]
        )
    )
    return suite


def _type_of(column: Column) -> gx.expectations.Expectation:
    import great_expectations as gx

    if column.kind is Kind.DECIMAL:
        return gx.expectations.ExpectColumnValuesToBeOfType(
            column=column.output_name, type_="Decimal"
        )
    return gx.expectations.ExpectColumnValuesToBeInTypeList(
        column=column.output_name, type_list=_PANDAS_TYPES.get(column.kind, ["StringDtype"])
    )


def current_only(prepared: pl.DataFrame) -> pl.DataFrame:
    """The rows `current_rows_suite` validates."""
    return prepared.filter(pl.col(IS_CURRENT))


def current_rows_suite(entity: Entity) -> gx.ExpectationSuite:
    import great_expectations as gx

    suite = gx.ExpectationSuite(name=f"raw_{entity.source}__{entity.name}__current")
    for column in entity.columns:
        for expectation in _content_expectations(entity, column):
            suite.add_expectation(expectation)
    for later, earlier in _PAIRS.get(entity.name, []):
        suite.add_expectation(
            gx.expectations.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A=later,
                column_B=earlier,
                or_equal=True,
                ignore_row_if="either_value_is_missing",
            )
        )
    return suite


def reference_suite(entity: Entity, ref: Reference) -> gx.ExpectationSuite:
    import great_expectations as gx

    suite = gx.ExpectationSuite(name=f"references_{entity.source}__{entity.name}")
    suite.add_expectation(
        gx.expectations.ExpectColumnValuesToBeInSet(
            column=ref.flag,
            value_set=[True],
            description=(
                f"the {ref.column} of every {entity.name} row names a {ref.target.name} row"
            ),
        )
    )
    return suite


def _content_expectations(entity: Entity, column: Column) -> list[gx.expectations.Expectation]:
    import great_expectations as gx

    name = column.output_name
    expect = gx.expectations
    found: list[gx.expectations.Expectation] = []
    if column.required and column.name not in entity.key and column.name != "updated_at":
        found.append(expect.ExpectColumnValuesToNotBeNull(column=name))
    if column.kind is Kind.IDENTITY_CODE:
        found.append(
            expect.ExpectColumnValuesToBeInSet(column=pseudonym_flag(name), value_set=[True])
        )
    if column.kind is Kind.CODE and column.code_set:
        codes = sorted(reference.code_sets()[column.code_set])
        found.append(expect.ExpectColumnValuesToBeInSet(column=name, value_set=codes))
    if column.kind is Kind.MUNICIPALITY:
        codes = sorted(reference.municipalities())
        found.append(expect.ExpectColumnValuesToBeInSet(column=name, value_set=codes))
    if column.min_value is not None or column.max_value is not None:
        found.append(
            expect.ExpectColumnValuesToBeBetween(
                column=name, min_value=column.min_value, max_value=column.max_value
            )
        )
    return found
