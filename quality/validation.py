"""Runs a Great Expectations 1.x suite on a frame and keeps what a check reports.

A suite runs in an ephemeral context on the frame as pandas (GX's supported engine), first
with result format BOOLEAN_ONLY, which is cheapest; only a frame that fails is validated
again with SUMMARY: counts, and the positions of up to five failing rows, from which the
examples are taken (quality/samples.py). A frame larger than `SLICE_ROWS` is validated slice
by slice, so memory is bounded by a slice's pandas copy and GX's row masks; the caller says
which rows must share a slice (a key whose uniqueness the suite checks). The result is
scrubbed (person keys hidden, identity-code-shaped text masked) and only then stored in the
run's file-backed GX project under the exports, so the stored results and the rendered pages
never hold what the samples may not. The project's Data Docs are rendered once, when the run
has ended (`build_data_docs`): rendered per validation, every page and the index cost a
template compilation each (about 0.3 s a validation). GX's fingerprint of each frame is
turned off (`_without_fingerprints`): nothing reads it, and it took half of a large frame's
validation.

GX takes seconds to import: it is imported inside the functions, so only runs that validate
pay for it.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from quality.samples import SAMPLE_ROWS, markdown_table, shown

if TYPE_CHECKING:
    import great_expectations as gx
    import pandas as pd

_PASS_OR_FAIL = {"result_format": "BOOLEAN_ONLY"}
_SUMMARY = {"result_format": "SUMMARY", "partial_unexpected_count": SAMPLE_ROWS}
SLICE_ROWS = 1_000_000
_POSITION = "_position_in_frame"
DOCS_INDEX = Path("gx/uncommitted/data_docs/local_site/index.html")


@dataclass(frozen=True)
class ExpectationOutcome:
    expectation: str  # its description where the suite gives one, else GX's type name
    column: str
    success: bool
    unexpected_count: int
    example_rows: list[int]  # positions in the validated frame of up to five failing rows
    observed: str  # what a table-level expectation saw (masked), else ""

    def headline(self, rows: int) -> str:
        where = f" ({self.column})" if self.column else ""
        counted = f": {self.unexpected_count} of {rows} rows" if self.unexpected_count else ""
        seen = f": observed {self.observed}" if self.observed else ""
        return f"{self.expectation}{where}{counted}{seen}"


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

    @property
    def failing_rows(self) -> int:
        """At least this many rows fail: the largest count among the failed expectations."""
        return max((o.unexpected_count for o in self.failed), default=0)

    def examples(self, frame: pl.DataFrame, identifying: list[str]) -> str:
        """Each failed expectation with up to five of its failing rows from `frame` (the frame
        validated, as polars): the `identifying` columns and the expectation's own."""
        parts = []
        for outcome in self.failed:
            parts.append(outcome.headline(self.rows))
            if not outcome.example_rows:
                continue
            columns = [*identifying, *outcome.column.split(", ")]
            shown_columns = [c for c in dict.fromkeys(columns) if c in frame.columns]
            parts.append(markdown_table(frame[outcome.example_rows].select(shown_columns)))
        return "\n\n".join(p for p in parts if p)


def to_pandas(frame: pl.DataFrame) -> pd.DataFrame:
    """The frame as GX validates it, text and decimals over their Arrow arrays: text as
    pandas' `string` dtype (GX matches it against the type name StringDtype), decimals as
    Arrow decimals (whose scalar type GX matches against Decimal). Both are then tested
    vectorised, by the column's type; as Python objects every value would be converted and
    tested one by one (two thirds of the time of a million invoice lines)."""
    import pandas as pd

    arrays = {
        c: frame[c].to_arrow()
        for c, dtype in frame.schema.items()
        if dtype == pl.String or isinstance(dtype, pl.Decimal)
    }
    dtypes = {
        c: pd.StringDtype() if frame.schema[c] == pl.String else pd.ArrowDtype(array.type)
        for c, array in arrays.items()
    }
    others = frame.drop(arrays).to_pandas()
    return pd.DataFrame(
        {
            c: pd.array(arrays[c], dtype=dtypes[c]) if c in arrays else others[c]
            for c in frame.columns
        }
    )


def validate(
    build_suite: Callable[[], gx.ExpectationSuite],
    frame: pl.DataFrame,
    docs_root: Path | None,
    run_name: str,
    slice_key: list[str] | None = None,
) -> SuiteOutcome:
    """Runs the suite `build_suite` makes (GX needs its context first) on `frame`; stores the
    scrubbed results in the GX project at `docs_root` when given. With `slice_key` (possibly
    empty) a large frame is validated in slices, rows with equal `slice_key` values in the same
    one; without, whole (the suite compares all rows, as a row count does)."""
    import great_expectations as gx

    _without_fingerprints()
    context = _quiet(gx.get_context(mode="ephemeral"))
    suite = context.suites.add(build_suite())
    batch = (
        context.data_sources.add_pandas("frames")
        .add_dataframe_asset(suite.name)
        .add_batch_definition_whole_dataframe("whole_frame")
    )
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(data=batch, suite=suite, name=suite.name)
    )
    slices = _slices(frame, slice_key)
    per_slice = []
    for number, part in enumerate(slices, start=1):
        result = _run(definition, part.drop(_POSITION), run_name)
        if docs_root:
            batch_name = f"slice {number} of {len(slices)}" if len(slices) > 1 else "frame"
            _store(suite, result, docs_root, batch_name)
        positions = part[_POSITION].to_list()
        per_slice.append([_outcome(r, positions) for r in result.results])
    return SuiteOutcome(
        suite=suite.name,
        rows=frame.height,
        outcomes=[_merged(list(same)) for same in zip(*per_slice, strict=True)],
    )


def _without_fingerprints() -> None:
    """GX hashes every pandas frame under its `HASH_THRESHOLD` (1 GB) into a batch marker
    nothing here reads: 2 s of the 4 s a million invoice lines take to validate. The threshold
    is a module constant of the pinned GX, no setting; a test proves no frame is hashed."""
    from great_expectations.execution_engine import pandas_execution_engine

    pandas_execution_engine.HASH_THRESHOLD = 0


def _slices(frame: pl.DataFrame, slice_key: list[str] | None) -> list[pl.DataFrame]:
    numbered = frame.with_row_index(_POSITION)
    count = -(-frame.height // SLICE_ROWS)
    if slice_key is None or count <= 1:
        return [numbered]
    if not slice_key:
        return [numbered.slice(i * SLICE_ROWS, SLICE_ROWS) for i in range(count)]
    part = (pl.struct(slice_key).hash() % count).alias("_slice")
    return numbered.with_columns(part).partition_by("_slice", include_key=False)


def _run(definition, frame: pl.DataFrame, run_name: str):
    """The scrubbed result: pass or fail only, unless the frame fails (then with examples)."""
    from great_expectations.core.run_identifier import RunIdentifier

    rows = to_pandas(frame)
    for result_format in (_PASS_OR_FAIL, _SUMMARY):
        result = definition.run(
            batch_parameters={"dataframe": rows},
            result_format=result_format,
            run_id=RunIdentifier(run_name=run_name),
        )
        if result.success:
            break
    for expectation_result in result.results:
        _scrub(expectation_result.result)
    return result


def _merged(outcomes: list[ExpectationOutcome]) -> ExpectationOutcome:
    """One expectation's outcome over all slices."""
    failed = [o for o in outcomes if not o.success]
    examples = [row for o in failed for row in o.example_rows][:SAMPLE_ROWS]
    return replace(
        outcomes[0],
        success=not failed,
        unexpected_count=sum(o.unexpected_count for o in outcomes),
        example_rows=examples,
        observed=failed[0].observed if failed else "",
    )


def _quiet(context):
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context


def _outcome(result, positions: list[int]) -> ExpectationOutcome:
    """One expectation's outcome; `positions` maps the validated rows to the caller's frame."""
    kwargs = result.expectation_config.kwargs
    column = kwargs.get("column") or kwargs.get("column_list") or kwargs.get("column_A") or ""
    if kwargs.get("column_B"):
        column = f"{column}, {kwargs['column_B']}"
    details = result.result
    observed = ""
    if "observed_value" in details and not details.get("partial_unexpected_index_list"):
        observed = str(details.get("details") or details["observed_value"])
    return ExpectationOutcome(
        expectation=result.expectation_config.description or result.expectation_config.type,
        column=", ".join(column) if isinstance(column, list) else str(column),
        success=bool(result.success),
        unexpected_count=int(details.get("unexpected_count") or 0),
        example_rows=[
            positions[int(i)] for i in details.get("partial_unexpected_index_list") or []
        ],
        observed="" if result.success else observed,
    )


def _scrub(value):
    """Values of a GX result as samples may show them, in place where the result is a dict."""
    if isinstance(value, dict):
        for key in value:
            value[key] = _scrub(value[key])
        return value
    if isinstance(value, (list, tuple)):
        return type(value)(_scrub(v) for v in value)
    if isinstance(value, str):
        return shown(value)
    return value


def _store(suite: gx.ExpectationSuite, result, docs_root: Path, batch_name: str) -> None:
    """Adds the suite and the result to the run's GX project (rendered by build_data_docs)."""
    import great_expectations as gx
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    context = _project(docs_root)
    context.suites.add_or_update(
        gx.ExpectationSuite(
            name=suite.name, expectations=[copy.copy(e) for e in suite.expectations]
        )
    )
    suite_id = ExpectationSuiteIdentifier(name=suite.name)
    context.validation_results_store.store_validation_results(
        suite_validation_result=result,
        suite_validation_result_identifier=ValidationResultIdentifier(
            expectation_suite_identifier=suite_id,
            run_id=result.meta["run_id"],
            batch_identifier=batch_name,
        ),
        expectation_suite_identifier=suite_id,
    )


def build_data_docs(docs_root: Path) -> Path | None:
    """Renders the Data Docs of every result stored in the GX project at `docs_root`; the
    index page, or None when no validation stored anything there."""
    if not (docs_root / "gx").is_dir():
        return None
    _project(docs_root).build_data_docs()
    return docs_root / DOCS_INDEX


@functools.lru_cache(maxsize=1)
def _project(docs_root: Path):
    """The run's GX file project, opened once for all its validations: opening one reads and
    checks its whole configuration (about 0.15 s, once per validation before)."""
    import great_expectations as gx

    docs_root.mkdir(parents=True, exist_ok=True)
    return _quiet(gx.get_context(mode="file", project_root_dir=docs_root))
