"""Publishing, downstream of every dbt asset and its blocking checks: the read-only snapshot
analysts query, the data dictionary beside it, and the leadership exports made from it."""

import shutil
import tempfile
from datetime import datetime
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource

from orchestration.dbt import warehouse
from orchestration.keys import DICTIONARY_KEY, EXPORTS_KEY, SNAPSHOT_KEY
from orchestration.project import PIPELINE_TARGET, dbt_project, project_fingerprint
from orchestration.settings import Settings
from publish.exports import export_tables
from publish.snapshot import latest_snapshot, publish_snapshot

DICTIONARY_DIR = "docs"


@dg.asset(
    key=SNAPSHOT_KEY,
    deps=[warehouse],
    group_name="published",
    kinds={"duckdb"},
    description="The warehouse as an immutable read-only DuckDB file; current.duckdb points at "
    "the newest. Analysts connect here, never to the file dbt writes.",
)
def warehouse_snapshot(context: dg.AssetExecutionContext, settings: Settings):
    stamp = f"{datetime.now():%Y%m%dT%H%M%S}_{context.run.run_id[:8]}"
    path = publish_snapshot(settings.warehouse, settings.published, stamp, settings.keep_snapshots)
    return dg.MaterializeResult(
        metadata={
            "snapshot": dg.MetadataValue.path(str(path)),
            "current": dg.MetadataValue.path(str(settings.published / "current.duckdb")),
            "kept": settings.keep_snapshots,
        }
    )


@dg.asset(
    key=DICTIONARY_KEY,
    deps=[SNAPSHOT_KEY],
    group_name="published",
    kinds={"dbt", "html"},
    description="The dbt docs site (data dictionary of every model and column) as one offline "
    "HTML page, published beside the snapshot.",
)
def data_dictionary(settings: Settings, dbt: DbtCliResource):
    """Regenerated only when the dbt project changed: it documents models, not data."""
    page = settings.published / DICTIONARY_DIR / "index.html"
    stamp = page.with_name(".dbt_project.sha256")
    fingerprint = project_fingerprint()
    regenerate = not (page.exists() and stamp.exists() and stamp.read_text() == fingerprint)
    if regenerate:
        settings.apply_to_environment()
        with tempfile.TemporaryDirectory(prefix="dbt-docs-") as target:
            _reuse_build_parse(Path(target))
            dbt.cli(["docs", "generate", "--static"], target_path=Path(target)).wait()
            page.parent.mkdir(parents=True, exist_ok=True)
            staging = page.with_name(".index.html.tmp")
            shutil.copyfile(Path(target) / "static_index.html", staging)
            staging.replace(page)
        stamp.write_text(fingerprint)
    return dg.MaterializeResult(
        metadata={"page": dg.MetadataValue.path(str(page)), "regenerated": regenerate}
    )


def _reuse_build_parse(target: Path) -> None:
    """Gives the docs the parse the build just saved: dbt then parses only what changed (it
    checks every file and setting itself) instead of the whole project, about 3 s."""
    saved = dbt_project.project_dir / PIPELINE_TARGET / "partial_parse.msgpack"
    if saved.exists():
        shutil.copyfile(saved, target / saved.name)


@dg.asset(
    key=EXPORTS_KEY,
    deps=[SNAPSHOT_KEY],
    group_name="exports",
    kinds={"excel", "csv", "html"},
    description="The workbook, the HTML report and the same tables as CSV and Parquet for "
    "city leadership, small cells suppressed, made from the published snapshot.",
)
def leadership_exports(settings: Settings) -> dg.MaterializeResult:
    snapshot = latest_snapshot(settings.published)
    if snapshot is None:
        raise dg.Failure("No published snapshot to export from.")
    result = export_tables(snapshot, settings.exports, settings.disclosure_threshold)
    return dg.MaterializeResult(
        metadata={
            "folder": dg.MetadataValue.path(str(result.folder)),
            "workbook": dg.MetadataValue.path(str(result.workbook)),
            "report": dg.MetadataValue.path(str(result.report)),
            "snapshot": dg.MetadataValue.path(str(snapshot)),
            "as_of": result.as_of.isoformat(),
            "rows": dg.MetadataValue.json(result.rows),
            "suppressed_cells": result.suppressed_cells,
            "disclosure_threshold": settings.disclosure_threshold,
        }
    )


publish_assets = [warehouse_snapshot, data_dictionary, leadership_exports]
