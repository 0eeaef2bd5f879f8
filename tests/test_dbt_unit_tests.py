"""The dbt unit tests (YAML `unit_tests`) of every edge rule, run as CI runs them.

They check the models' logic on hand-written rows, not the data, so the nightly build leaves
them out; here they run against an empty build of the warehouse (dbt needs the upstream
relations to exist to know their columns).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from ingest.lake import ensure_placeholders
from orchestration.settings import DBT_PROJECT_DIR
from tests.helpers import settings_under

DBT = str(Path(sys.executable).parent / "dbt")


def _dbt(args: list[str], env: dict[str, str], target: Path) -> subprocess.CompletedProcess:
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


def test_every_dbt_unit_test_passes(tmp_path):
    settings = settings_under(tmp_path, tmp_path / "landing")
    ensure_placeholders(settings.lake)
    settings.warehouse.parent.mkdir(parents=True)
    env = {
        **os.environ,
        "VAIKUTTAVUUS_LAKE_DIR": settings.lake_dir,
        "VAIKUTTAVUUS_WAREHOUSE": settings.warehouse_path,
        "VAIKUTTAVUUS_AS_OF": "2026-03-31",
    }
    built = _dbt(
        [
            "build",
            "--empty",
            "--exclude-resource-type",
            "unit_test",
            "--exclude-resource-type",
            "test",
        ],
        env,
        tmp_path / "target",
    )
    assert built.returncode == 0, built.stdout[-3000:]
    tested = _dbt(["test", "--select", "test_type:unit"], env, tmp_path / "target")
    results = [  # the on-run-start hook (listing the lake files) reports as an operation
        r
        for r in json.loads((tmp_path / "target" / "run_results.json").read_text())["results"]
        if not r["unique_id"].startswith("operation.")
    ]
    failed = [r["unique_id"] for r in results if r["status"] != "pass"]
    assert tested.returncode == 0 and failed == [], tested.stdout[-3000:]
    assert len(results) >= 19
    assert all(r["unique_id"].startswith("unit_test.") for r in results)
