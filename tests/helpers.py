"""Small helpers shared by tests."""

from __future__ import annotations

from pathlib import Path

import duckdb

from orchestration.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures"


def settings_under(work: Path, landing: Path, **overrides: object) -> Settings:
    """Settings for a demo-key pipeline run whose outputs all live under `work`."""
    return Settings.under(work, landing, **{"demo": True, **overrides})


def query(settings: Settings, sql: str, params: list | None = None) -> list[dict]:
    """Rows of a read-only query on the run's warehouse, as dicts."""
    with duckdb.connect(settings.warehouse_path, read_only=True) as con:
        cursor = con.execute(sql, params or [])
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
