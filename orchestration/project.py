"""The dbt project object, shared by the assets, the resource and the CLI."""

from __future__ import annotations

import hashlib
import os
import sys
from functools import cached_property
from importlib.metadata import version as installed_version
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject
from packaging import version

from orchestration.settings import DBT_PROJECT_DIR, Settings

# dagster-dbt runs `dbt` from PATH; the one to use is installed beside this interpreter,
# which is not on PATH when the virtual environment is not activated.
_BIN = str(Path(sys.executable).parent)
if _BIN not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = _BIN + os.pathsep + os.environ.get("PATH", "")

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
# One target folder for the pipeline's build (dagster-dbt would otherwise add one per run).
PIPELINE_TARGET = dbt_project.target_path / "pipeline"


class WarehouseDbtCli(DbtCliResource):
    """dagster-dbt's dbt resource without two start-up costs of every build (about 9 s of a
    nightly run), neither needed here: it asks `dbt --version` of a subprocess, although the
    dbt it runs is the dbt-core installed beside this interpreter; and it opens a dbt adapter
    in the run process, used only to fetch column metadata, which these assets do not ask
    for. Both are private hooks of the pinned dagster-dbt (requirements.lock)."""

    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(installed_version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args):
        return None


def prepare_manifest() -> None:
    """`dbt parse` when any project file is newer than the manifest, so the asset graph
    matches the models on disk without paying for a parse on every run."""
    if _manifest_is_fresh():
        return
    Settings.from_env().apply_to_environment()
    dbt_project.preparer.prepare(dbt_project)


def _source_files() -> list[Path]:
    """The dbt project's own files: models, macros, seeds, tests, configuration."""
    generated = {dbt_project.project_dir / "target", dbt_project.project_dir / "logs"}
    return sorted(
        p
        for p in dbt_project.project_dir.rglob("*")
        if p.is_file() and not any(g in p.parents for g in generated)
    )


def _manifest_is_fresh() -> bool:
    manifest = dbt_project.manifest_path
    if not manifest.exists():
        return False
    newest = max(p.stat().st_mtime for p in _source_files())
    return manifest.stat().st_mtime >= newest


def project_fingerprint() -> str:
    """Changes whenever a model, macro, seed, test or setting of the dbt project changes."""
    digest = hashlib.sha256()
    for path in _source_files():
        digest.update(str(path.relative_to(dbt_project.project_dir)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()
