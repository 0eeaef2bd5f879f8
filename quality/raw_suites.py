"""Great Expectations 1.x suites over the validated, pseudonymised rows of each delivery.

Ingest already quarantines rows that break a rule; these suites re-check what was *loaded*,
independently of the ingest code, so a bug in ingest cannot publish bad data unnoticed.
They run on pandas frames (GX's supported engine); the warehouse-wide checks are dbt tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ingest import reference
from ingest.contract import Column, Entity, Kind
from ingest.lake import DELIVERY_ID, SOURCE_FILE, entity_schema

if TYPE_CHECKING:  # GX takes seconds to import: only checks that run pay for it.
    import great_expectations as gx
    import pandas as pd

PERSON_KEY_PATTERN = r"^(?:[0-9a-f]{64}|pseudo:.+)$"
_PAIRS = {  # (later, earlier) column pairs that must be ordered
    "jobseeker_periods": [("end_date", "start_date")],
    "service_periods": [("end_date", "start_date")],
    "contracts": [("valid_to", "valid_from")],
    "invoice_lines": [("period_end", "period_start")],
}


@dataclass(frozen=True)
class ExpectationOutcome:
    expectation: str
    column: str
    success: bool
    unexpected_count: int


@dataclass(frozen=True)
class SuiteOutcome:
    suite: str
    rows: int
    outcomes: list[ExpectationOutcome]

    @property
    def success(self) -> bool:
        return all(o.success for o in self.outcomes)

    @property
    def failed(self) -> list[ExpectationOutcome]:
        return [o for o in self.outcomes if not o.success]


def raw_suite(entity: Entity) -> gx.ExpectationSuite:
    import great_expectations as gx

    suite = gx.ExpectationSuite(name=f"raw_{entity.source}__{entity.name}")
    expected_columns = list(entity_schema(entity))
    suite.add_expectation(
        gx.expectations.ExpectTableColumnsToMatchSet(column_set=expected_columns, exact_match=True)
    )
    for column in entity.columns:
        for expectation in _column_expectations(entity, column):
            suite.add_expectation(expectation)
    suite.add_expectation(
        gx.expectations.ExpectCompoundColumnsToBeUnique(
            column_list=[*entity.output_key, "updated_at", SOURCE_FILE]
        )
    )
    for later, earlier in _PAIRS.get(entity.name, []):
        suite.add_expectation(
            gx.expectations.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A=later,
                column_B=earlier,
                or_equal=True,
                ignore_row_if="either_value_is_missing",
            )
        )
    suite.add_expectation(gx.expectations.ExpectColumnValuesToNotBeNull(column=DELIVERY_ID))
    return suite


def _live_rows():
    from great_expectations.expectations.row_conditions import Column as Row

    return Row("deleted") == False  # noqa: E712 - a GX condition, not a Python comparison


def _column_expectations(entity: Entity, column: Column) -> list[gx.expectations.Expectation]:
    import great_expectations as gx

    name = column.output_name
    expect = gx.expectations
    found: list[gx.expectations.Expectation] = []
    if column.name in entity.key or column.name == "updated_at":
        found.append(expect.ExpectColumnValuesToNotBeNull(column=name))
    elif column.required:
        found.append(expect.ExpectColumnValuesToNotBeNull(column=name, row_condition=_live_rows()))
    if column.kind is Kind.IDENTITY_CODE:
        found.append(expect.ExpectColumnValuesToMatchRegex(column=name, regex=PERSON_KEY_PATTERN))
    if column.kind is Kind.CODE and column.code_set:
        codes = sorted(reference.code_sets()[column.code_set])
        found.append(gx.expectations.ExpectColumnValuesToBeInSet(column=name, value_set=codes))
    if column.kind is Kind.MUNICIPALITY:
        codes = sorted(reference.municipalities())
        found.append(gx.expectations.ExpectColumnValuesToBeInSet(column=name, value_set=codes))
    if column.min_value is not None or column.max_value is not None:
        found.append(
            gx.expectations.ExpectColumnValuesToBeBetween(
                column=name, min_value=column.min_value, max_value=column.max_value
            )
        )
    return found


def validate_frame(entity: Entity, frame: pd.DataFrame) -> SuiteOutcome:
    """Runs the entity's suite on one frame. Results carry counts only, never row values."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    batch = (
        context.data_sources.add_pandas("lake")
        .add_dataframe_asset(entity.name)
        .add_batch_definition_whole_dataframe("delivered_rows")
    )
    suite = context.suites.add(raw_suite(entity))
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(data=batch, suite=suite, name=suite.name)
    )
    result = definition.run(batch_parameters={"dataframe": frame}, result_format="BASIC")
    return SuiteOutcome(
        suite=suite.name,
        rows=len(frame),
        outcomes=[
            ExpectationOutcome(
                expectation=r.expectation_config.type,
                column=str(
                    r.expectation_config.kwargs.get("column")
                    or r.expectation_config.kwargs.get("column_list")
                    or r.expectation_config.kwargs.get("column_A")
                    or ""
                ),
                success=bool(r.success),
                unexpected_count=int(r.result.get("unexpected_count") or 0),
            )
            for r in result.results
        ],
    )
