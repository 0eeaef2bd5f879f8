"""Runs the whole asset graph in this process and prints what happened."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import dagster as dg
import polars as pl

from ingest.lake import read_load_log
from ingest.pseudonymise import mask_codes_in_text
from orchestration.keys import DICTIONARY_KEY, EXPORTS_KEY, SNAPSHOT_KEY
from orchestration.settings import Settings
from publish.snapshot import CURRENT
from quality.checks import build_run_data_docs
from quality.results import EXAMPLES, FAILING_ROWS

log = logging.getLogger(__name__)
# Step-by-step events stay in Dagster's event log (the UI); the console gets warnings and up.
_QUIET_CONSOLE = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


@dataclass(frozen=True)
class CheckOutcome:
    asset: str
    check: str
    passed: bool
    severity: str
    blocking: bool = False
    description: str = ""
    failing_rows: int | None = None
    examples: str = ""  # what failed, with up to five example rows (masked, no person keys)


@dataclass(frozen=True)
class RunReport:
    success: bool
    run_id: str
    files: pl.DataFrame  # load-log rows of this run
    checks: list[CheckOutcome]
    materialized: set[str]  # asset keys materialised by the run
    exports_folder: str | None
    report: str | None
    snapshot: str | None
    data_dictionary: str | None
    errors: list[str]  # why steps failed (masked)
    data_docs: str | None = None  # the run's Great Expectations Data Docs

    @property
    def published(self) -> bool:
        """The snapshot and the exports were both made in this run."""
        return self.snapshot is not None and self.exports_folder is not None

    @property
    def failed_checks(self) -> list[CheckOutcome]:
        """Failed checks of ERROR severity: these fail the run's verdict."""
        return [c for c in self.checks if not c.passed and c.severity == "ERROR"]

    @property
    def warnings(self) -> list[CheckOutcome]:
        """Failed checks of WARN severity (data-quality findings): reported, not fatal."""
        return [c for c in self.checks if not c.passed and c.severity != "ERROR"]

    @property
    def rejected_files(self) -> pl.DataFrame:
        return self.files.filter(pl.col("rejected"))


def execute(settings: Settings) -> RunReport:
    """Materialises every asset (and runs every check) of the code location in-process."""
    from orchestration.cli import ensure_dagster_home
    from orchestration.project import prepare_manifest

    settings.apply_to_environment()
    ensure_dagster_home()
    prepare_manifest()
    from orchestration.definitions import build_definitions

    started = datetime.now().replace(microsecond=0)
    job = build_definitions(settings).resolve_job_def("nightly_run")
    instance = dg.DagsterInstance.get()
    result = job.execute_in_process(
        instance=instance, run_config=_QUIET_CONSOLE, raise_on_error=False
    )
    data_docs = build_run_data_docs(instance, result.run_id, settings.exports)
    return RunReport(
        success=result.success,
        run_id=result.run_id,
        files=_files_loaded_since(settings.lake, started),
        checks=_check_outcomes(result),
        materialized={
            e.asset_key.to_user_string() for e in result.get_asset_materialization_events()
        },
        exports_folder=_metadata_path(result, EXPORTS_KEY, "folder"),
        report=_metadata_path(result, EXPORTS_KEY, "report"),
        snapshot=_metadata_path(result, SNAPSHOT_KEY, "snapshot"),
        data_dictionary=_metadata_path(result, DICTIONARY_KEY, "page"),
        errors=_step_errors(result),
        data_docs=str(data_docs) if data_docs else None,
    )


def _step_errors(result: dg.ExecuteInProcessResult) -> list[str]:
    """Why steps failed, except blocking checks failing: the report lists those itself."""
    errors = []
    for event in result.all_events:
        if not event.is_step_failure:
            continue
        data = event.step_failure_data
        if data.error and data.error.cls_name == "DagsterAssetCheckFailedError":
            continue
        user = data.user_failure_data
        message = user.description if user and user.description else _root_cause(data.error)
        errors.append(f"{event.step_key}: {mask_codes_in_text(message.strip())}")
    return errors


def _root_cause(error) -> str:
    """The error that started it: Dagster wraps an exception raised in a step in its own."""
    while error.cause is not None:
        error = error.cause
    return f"{error.cls_name}: {error.message}" if error.cls_name else error.message


def _files_loaded_since(lake: Path, started: datetime) -> pl.DataFrame:
    this_run = read_load_log(lake).filter(pl.col("loaded_at") >= started)
    return this_run.sort("source", "delivery_id", "file")


def _check_outcomes(result: dg.ExecuteInProcessResult) -> list[CheckOutcome]:
    outcomes = []
    for e in result.get_asset_check_evaluations():
        failing = e.metadata.get(FAILING_ROWS)
        examples = e.metadata.get(EXAMPLES)
        outcomes.append(
            CheckOutcome(
                asset=e.asset_key.to_user_string(),
                check=e.check_name,
                passed=e.passed,
                severity=e.severity.value,
                blocking=bool(e.blocking),
                description=e.description or "",
                failing_rows=int(failing.value) if failing is not None else None,
                examples=str(examples.value) if examples is not None else "",
            )
        )
    return outcomes


def _metadata_path(result: dg.ExecuteInProcessResult, key: dg.AssetKey, name: str) -> str | None:
    """A path the run recorded in an asset's materialization metadata (None: not published)."""
    for event in result.get_asset_materialization_events():
        if event.asset_key == key:
            return str(event.materialization.metadata[name].value)
    return None


def run_pipeline(settings: Settings, log_file: Path) -> int:
    report = execute(settings)
    print(format_report(report, settings, log_file))
    # A run Dagster calls successful can still have skipped the publishing steps (dbt assets
    # that yield no output make their downstream skip): only a publishing run is a success.
    return 0 if report.success and not report.failed_checks and report.published else 1


def _verdict(report: RunReport) -> str:
    if not report.success:
        return "FAILED"
    if report.failed_checks:
        return f"completed with {len(report.failed_checks)} FAILED checks"
    if not report.published:
        return "FAILED: the publishing steps did not run"
    return "succeeded"


def _check_lines(check: CheckOutcome) -> list[str]:
    kind = f"{check.severity}, blocking" if check.blocking else check.severity
    label = "FAILED" if check.severity == "ERROR" else "WARNING"
    lines = [f"  {label} {check.asset} :: {check.check} ({kind})"]
    if check.description:
        lines.append(f"      {mask_codes_in_text(check.description)}")
    if check.failing_rows:
        lines.append(f"      failing rows: {check.failing_rows}")
    lines += [f"      {line}" for line in check.examples.splitlines()]
    return lines


def _not_published(report: RunReport, settings: Settings) -> list[str]:
    blocked = [c for c in report.failed_checks if c.blocking]
    why = "blocking checks failed (above)" if blocked else "the run did not reach publishing"
    return [
        f"  NOTHING WAS PUBLISHED: {why}.",
        f"  The previous snapshot ({settings.published / CURRENT}) and the previous exports",
        "  are kept as they were. Fix the data (a corrected delivery), then run again.",
    ]


def format_report(report: RunReport, settings: Settings, log_file: Path) -> str:
    lines = ["", "Files loaded in this run:"]
    if report.files.is_empty():
        lines.append("  (no new deliveries)")
    for r in report.files.iter_rows(named=True):
        status = f"REJECTED: {r['rejection_reason']}" if r["rejected"] else ""
        lines.append(
            f"  {r['source']}/{r['delivery_id']}/{r['file']:<32} read {r['rows_read']:>8}"
            f"  loaded {r['rows_loaded']:>8}  quarantined {r['rows_quarantined']:>6}  {status}"
        )
    passed = sum(c.passed for c in report.checks)
    lines += [
        "",
        f"Checks: {passed} passed, {len(report.failed_checks)} failed, "
        f"{len(report.warnings)} warnings",
    ]
    for check in [*report.failed_checks, *report.warnings]:
        lines += _check_lines(check)
    rejected = report.rejected_files
    if not rejected.is_empty():
        lines += ["", f"Rejected files ({rejected.height}), none of their rows loaded:"]
        lines += [f"  {reason}" for reason in rejected["rejection_reason"]]
    if report.errors:
        lines += ["", "Errors:"]
        lines += [f"  {error}" for error in report.errors]
    lines += ["", f"Run {_verdict(report)} (Dagster run {report.run_id})"]
    if not report.published:
        lines += _not_published(report, settings)
    lines += [
        f"  quality   : {report.data_docs or 'no Great Expectations validation ran'}",
        f"  snapshot  : {report.snapshot or 'not published (previous one kept)'}",
        f"  query it  : make sql (read-only, {settings.published / 'current.duckdb'})",
        f"  dictionary: {report.data_dictionary or 'not published'}",
        f"  exports   : {report.exports_folder or 'not written (previous ones kept)'}",
        f"  report    : {report.report or 'not written'}",
        f"  build     : {settings.warehouse} (dbt's working file; analysts use the snapshot)",
        f"  lake      : {settings.lake}",
        f"  log       : {log_file}",
        "  Dagster UI: make dev (runs, checks and logs of every run)",
    ]
    return "\n".join(lines)
