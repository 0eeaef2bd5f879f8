"""Small helpers shared by tests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb

from orchestration.settings import DBT_PROJECT_DIR, Settings

FIXTURES = Path(__file__).parent / "fixtures"
DBT = str(Path(sys.executable).parent / "dbt")


def settings_under(work: Path, landing: Path, **overrides: object) -> Settings:
    """Settings for a demo-key pipeline run whose outputs all live under `work`."""
    return Settings.under(work, landing, **{"demo": True, **overrides})


def query(settings: Settings, sql: str, params: list | None = None) -> list[dict]:
    """Rows of a read-only query on the run's warehouse, as dicts."""
    with duckdb.connect(settings.warehouse_path, read_only=True) as con:
        cursor = con.execute(sql, params or [])
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def run_dbt(args: list[str], env: dict[str, str], target: Path) -> subprocess.CompletedProcess:
    """A dbt command on the project, as its own process (as the pipeline runs it)."""
    command = [
        DBT,
        *args,
        "--project-dir",
        str(DBT_PROJECT_DIR),
        "--profiles-dir",
        str(DBT_PROJECT_DIR),
        "--target-path",
        str(target),
    ]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
