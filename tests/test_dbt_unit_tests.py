"""The dbt unit tests (YAML `unit_tests`) of every edge rule, run as CI runs them.

They check the models' logic on hand-written rows, not the data, so the nightly build leaves
them out; here they run against an empty build of the warehouse (dbt needs the upstream
relations to exist to know their columns).
"""

from __future__ import annotations

import json
import os

from ingest.lake import ensure_placeholders
from tests.helpers import run_dbt, settings_under


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
    built = run_dbt(
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
    tested = run_dbt(["test", "--select", "test_type:unit"], env, tmp_path / "target")
    results = [  # the on-run-start hook (listing the lake files) reports as an operation
        r
        for r in json.loads((tmp_path / "target" / "run_results.json").read_text())["results"]
        if not r["unique_id"].startswith("operation.")
    ]
    failed = [r["unique_id"] for r in results if r["status"] != "pass"]
    assert tested.returncode == 0 and failed == [], tested.stdout[-3000:]
    assert len(results) >= 19
    assert all(r["unique_id"].startswith("unit_test.") for r in results)
