"""The dbt project object, shared by the assets, the resource and the CLI."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from dagster_dbt import DbtProject

from orchestration.settings import DBT_PROJECT_DIR, Settings

# dagster-dbt runs `dbt` from PATH; the one to use is installed beside this interpreter,
# which is not on PATH when the virtual environment is not activated.
_BIN = str(Path(sys.executable).parent)
if _BIN not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = _BIN + os.pathsep + os.environ.get("PATH", "")

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


def prepare_manifest() -> None:
    """`dbt parse` when any project file is newer than the manifest, so the asset graph
    matches the models on disk without paying for a parse on every run."""
    if _manifest_is_fresh():
        return
    Settings.from_env().apply_to_environment()
    dbt_project.preparer.prepare(dbt_project)


def _manifest_is_fresh() -> bool:
    manifest = dbt_project.manifest_path
    if not manifest.exists():
        return False
    generated = {dbt_project.project_dir / "target", dbt_project.project_dir / "logs"}
    newest = max(
        p.stat().st_mtime
        for p in dbt_project.project_dir.rglob("*")
        if p.is_file() and not any(g in p.parents for g in generated)
    )
    return manifest.stat().st_mtime >= newest
