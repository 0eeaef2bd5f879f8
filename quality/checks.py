"""Dagster asset checks on the raw data: Great Expectations suites and the data-quality findings.

- `gx_raw_expectations` (every entity, blocking): the raw suite over the entity's pending rows.
- `gx_references` (service_periods, contracts, invoice_lines; blocking): every current row's
  reference exists (checked where it could have broken since the published snapshot). It
  also depends on the referenced entity's asset, so within one run both are loaded before it
  looks (a delivery may name a key another file of the run delivers).
- `no_data_quality_findings` (WARN, not blocking): the warehouse has already resolved what it
  counts; someone upstream should fix the register.

A failing blocking check stops everything downstream of its asset: the warehouse is not
built, nothing is published. Every evaluation is recorded in the check history, and every GX
validation lands in the run's Data Docs, rendered when the run has ended (build_run_data_docs:
by orchestration.run for runs started here, by the data_docs_after_success and
data_docs_after_failure sensors for runs the Dagster daemon launches).
"""

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
import polars as pl

from ingest.contract import ENTITIES, Entity
from ingest.lake import SOURCE_FILE
from ingest.readers import ROW_NO
from quality import history
from quality.history import CheckRecord
from quality.lake_state import REFERENCES, Reference, pending_rows, reference_frame
from quality.raw_suites import (
    current_only,
    current_rows_suite,
    prepare_frame,
    raw_suite,
    reference_suite,
)
from quality.results import DATA_DOCS, check_result
from quality.validation import DOCS_INDEX, build_data_docs, validate

QUALITY_DOCS_DIR = "quality"  # under the exports folder: <exports>/quality/<run stamp>/


def entity_asset_key(entity: Entity) -> dg.AssetKey:
    return dg.AssetKey([entity.source, entity.name])


def docs_root(context: dg.AssetCheckExecutionContext, exports: Path, keep: int) -> Path:
    """The run's GX project (and Data Docs). The run's first validation makes room for it:
    only the newest `keep` runs' folders stay."""
    root = run_docs_root(context.instance, context.run.run_id, exports)
    if not root.exists():
        make_room(root.parent, keep)
    return root


def run_docs_root(instance: dg.DagsterInstance, run_id: str, exports: Path) -> Path:
    """One folder per run under the exports, named by the run's start and id."""
    record = instance.get_run_record_by_id(run_id)
    started = record.create_timestamp.astimezone() if record else None
    stamp = f"{started:%Y%m%dT%H%M%S}_" if started else ""
    return exports / QUALITY_DOCS_DIR / f"{stamp}{run_id[:8]}"


def build_run_data_docs(instance: dg.DagsterInstance, run_id: str, exports: Path) -> Path | None:
    """Renders the run's Data Docs once it has ended (its validations only stored their
    results); the index page, or None when the run validated nothing."""
    return build_data_docs(run_docs_root(instance, run_id, exports))


def make_room(quality_docs: Path, keep: int) -> None:
    """Deletes all but the newest `keep` - 1 runs' Data Docs, for the run adding its own."""
    if not quality_docs.exists():
        return
    older = sorted(p for p in quality_docs.iterdir() if p.is_dir())
    for folder in older[: max(len(older) - keep + 1, 0)]:
        shutil.rmtree(folder, ignore_errors=True)


@dataclass(frozen=True)
class GxCheck:
    """One Great Expectations check of an asset: how its rows are named, what it says."""

    name: str
    asset_key: dg.AssetKey
    identifying: list[str]  # columns that say which row failed (key, file and row ...)
    description: str


@dataclass(frozen=True)
class Batch:
    """Rows a check validates with one suite: `build_suite` makes the suite (once GX has its
    context); `slice_key` as quality.validation.validate takes it."""

    build_suite: Callable[[], Any]
    frame: pl.DataFrame
    slice_key: list[str] | None = None


def run_gx_check(
    context: dg.AssetCheckExecutionContext,
    check: GxCheck,
    batches: list[Batch],
    nothing_to_validate: str = "No rows to validate.",
) -> dg.AssetCheckResult:
    """Validates every batch, records the outcome in the history and returns it as Dagster
    shows it. Empty batches pass without calling GX; with no rows at all the check says
    `nothing_to_validate`."""
    settings = context.resources.settings
    to_validate = [b for b in batches if not b.frame.is_empty()]
    rows = sum(b.frame.height for b in to_validate)
    metadata: dict[str, dg.RawMetadataValue] = {"rows_validated": rows}
    root = docs_root(context, settings.exports, settings.keep_quality_docs) if rows else None
    outcomes = [
        (
            batch,
            validate(batch.build_suite, batch.frame, root, context.run.run_id, batch.slice_key),
        )
        for batch in to_validate
    ]
    summaries = [
        f"Suite {o.suite}: {len(o.failed)} of {len(o.outcomes)} expectations failed on "
        f"{o.rows} rows."
        for _, o in outcomes
    ]
    samples = [o.examples(b.frame, check.identifying) for b, o in outcomes]
    if outcomes:
        metadata.update(
            suites=", ".join(o.suite for _, o in outcomes),
            failed_expectations=sum(len(o.failed) for _, o in outcomes),
        )
        metadata[DATA_DOCS] = dg.MetadataValue.path(str(root / DOCS_INDEX))
    record = CheckRecord(
        check_name=check.name,
        asset=check.asset_key.to_user_string(),
        severity="ERROR",
        blocking=True,
        passed=all(o.success for _, o in outcomes),
        failing_rows=max((o.failing_rows for _, o in outcomes), default=0),
        sample="\n\n".join(s for s in samples if s),
        description=f"{check.description} {' '.join(summaries) or nothing_to_validate}",
    )
    history.record(settings.lake, context.run.run_id, f"{record.asset}__{check.name}", [record])
    return check_result(record, **metadata)


def gx_asset_check(
    check: GxCheck,
    batches: Callable[[dg.AssetCheckExecutionContext], list[Batch]],
    additional_deps: list[dg.AssetKey] | None = None,
) -> dg.AssetChecksDefinition:
    """A blocking Dagster asset check that validates the batches `batches` reads
    (run_gx_check)."""

    @dg.asset_check(
        asset=check.asset_key,
        name=check.name,
        blocking=True,
        additional_deps=additional_deps,
        required_resource_keys={"settings"},
        description=check.description,
    )
    def _check(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
        return run_gx_check(context, check, batches(context))

    return _check


def _located(entity: Entity) -> list[str]:
    """A raw row named by its key (never a person key) and where it was delivered."""
    return [*(k for k in entity.output_key if k != "person_key"), SOURCE_FILE, ROW_NO]


def raw_expectations_check(entity: Entity) -> dg.AssetChecksDefinition:
    check = GxCheck(
        name="gx_raw_expectations",
        asset_key=entity_asset_key(entity),
        identifying=_located(entity),
        description=(
            f"Great Expectations suites over the rows of files not yet published: "
            f"raw_{entity.source}__{entity.name} (schema, keys, one version per key and file) "
            f"on all of them, raw_{entity.source}__{entity.name}__current (code sets, ranges, "
            "required values, date order and pseudonym shape) on those still current."
        ),
    )
    key = list(entity.output_key)

    def batches(context: dg.AssetCheckExecutionContext) -> list[Batch]:
        settings = context.resources.settings
        rows = prepare_frame(entity, pending_rows(settings.lake, settings.published, entity))
        return [
            Batch(partial(raw_suite, entity), rows, slice_key=key),
            Batch(partial(current_rows_suite, entity), current_only(rows), slice_key=key),
        ]

    return gx_asset_check(check, batches)


def references_check(entity: Entity, ref: Reference) -> dg.AssetChecksDefinition:
    check = GxCheck(
        name="gx_references",
        asset_key=entity_asset_key(entity),
        identifying=[*_located(entity), ref.column],
        description=(
            f"Every current {entity.name} row's {ref.column} is a current key of "
            f"{ref.target.name} (Great Expectations). Checked on the rows that could have "
            f"broken it since the published snapshot: rows of unpublished files and rows "
            f"naming a {ref.target.name} key that unpublished files deliver or delete."
        ),
    )

    def batches(context: dg.AssetCheckExecutionContext) -> list[Batch]:
        settings = context.resources.settings
        frame = reference_frame(settings.lake, settings.published, entity, ref)
        return [Batch(partial(reference_suite, entity, ref), frame, slice_key=[])]

    return gx_asset_check(check, batches, additional_deps=[entity_asset_key(ref.target)])


raw_expectation_checks = [raw_expectations_check(e) for e in ENTITIES]
reference_checks = [references_check(entity, ref) for entity, ref in REFERENCES.items()]


FINDINGS_KEY = dg.AssetKey(["audit", "data_quality_findings"])


@dg.asset_check(
    asset=FINDINGS_KEY,
    name="no_data_quality_findings",
    blocking=False,
    required_resource_keys={"settings"},
    description=(
        "Counts audit.data_quality_findings (overlapping status periods, ...). The warehouse "
        "resolves them by the contract's rules, so this only warns: someone upstream should "
        "fix the register."
    ),
)
def data_quality_findings_check(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
    settings = context.resources.settings
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        by_type = con.sql(
            """select finding_type, count(*) as rows, count(distinct person_key) as persons
            from audit.data_quality_findings group by finding_type order by finding_type"""
        ).pl()
    findings = int(by_type["rows"].sum())
    record = CheckRecord(
        check_name="no_data_quality_findings",
        asset=FINDINGS_KEY.to_user_string(),
        severity="WARN",
        blocking=False,
        passed=findings == 0,
        failing_rows=findings,
        sample="",
        description=f"{findings} data-quality findings the warehouse resolved by the contract.",
    )
    history.record(settings.lake, context.run.run_id, "audit__no_data_quality_findings", [record])
    table = "\n".join(f"| {kind} | {n} | {persons} |" for kind, n, persons in by_type.rows())
    return check_result(
        record,
        findings=findings,
        by_type=dg.MetadataValue.md("| finding | rows | persons |\n|---|---|---|\n" + table),
    )
