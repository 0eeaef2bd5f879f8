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

log = logging.getLogger(__name__)
# Step-by-step events stay in Dagster's event log (the UI); the console gets warnings and up.
_QUIET_CONSOLE = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


@dataclass(frozen=True)
class CheckOutcome:
    asset: str
    check: str
    passed: bool
    severity: str


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
    result = job.execute_in_process(
        instance=dg.DagsterInstance.get(), run_config=_QUIET_CONSOLE, raise_on_error=False
    )
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
    )


def _step_errors(result: dg.ExecuteInProcessResult) -> list[str]:
    errors = []
    for event in result.all_events:
        if not event.is_step_failure:
            continue
        data = event.step_failure_data
        user = data.user_failure_data
        message = user.description if user and user.description else data.error.message
        errors.append(f"{event.step_key}: {mask_codes_in_text(message.strip())}")
    return errors


def _files_loaded_since(lake: Path, started: datetime) -> pl.DataFrame:
    this_run = read_load_log(lake).filter(pl.col("loaded_at") >= started)
    return this_run.sort("source", "delivery_id", "file")


def _check_outcomes(result: dg.ExecuteInProcessResult) -> list[CheckOutcome]:
    return [
        CheckOutcome(
            asset=e.asset_key.to_user_string(),
            check=e.check_name,
            passed=e.passed,
            severity=e.severity.value,
        )
        for e in result.get_asset_check_evaluations()
    ]


def _metadata_path(result: dg.ExecuteInProcessResult, key: dg.AssetKey, name: str) -> str | None:
    """A path the run recorded in an asset's materialization metadata (None: not published)."""
    for event in result.get_asset_materialization_events():
        if event.asset_key == key:
            return str(event.materialization.metadata[name].value)
    return None


def run_pipeline(settings: Settings, log_file: Path) -> int:
    report = execute(settings)
    print(format_report(report, settings, log_file))
    return 0 if report.success and not report.failed_checks else 1


def _verdict(report: RunReport) -> str:
    if not report.success:
        return "FAILED"
    if report.failed_checks:
        return f"completed with {len(report.failed_checks)} FAILED checks"
    return "succeeded"


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
    lines += [f"  FAILED {c.asset} :: {c.check} ({c.severity})" for c in report.failed_checks]
    lines += [f"  WARNING {c.asset} :: {c.check}" for c in report.warnings]
    rejected = report.rejected_files
    if not rejected.is_empty():
        lines += ["", f"Rejected files ({rejected.height}), none of their rows loaded:"]
        lines += [f"  {reason}" for reason in rejected["rejection_reason"]]
    if report.errors:
        lines += ["", "Errors:"]
        lines += [f"  {error}" for error in report.errors]
    lines += [
        "",
        f"Run {_verdict(report)} (Dagster run {report.run_id})",
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
