"""The Dagster code location: what `dagster dev` shows."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from ingest.contract import ENTITIES
from orchestration.project import dbt_project, prepare_manifest
from orchestration.settings import PROJECT_ROOT, Settings
from quality import history
from quality.dbt_tests import FAILED_ROW_COUNT, FAILURES_SCHEMA
from quality.results import EXAMPLES


@pytest.fixture(scope="module")
def defs() -> dg.Definitions:
    prepare_manifest()
    from orchestration.definitions import build_definitions

    return build_definitions(Settings())


def _asset_keys(defs: dg.Definitions) -> set[str]:
    return {k.to_user_string() for k in defs.resolve_asset_graph().get_all_asset_keys()}


def test_one_ingest_asset_per_source_with_a_key_per_entity(defs):
    graph = defs.resolve_asset_graph()
    entity_keys = {dg.AssetKey([e.source, e.name]) for e in ENTITIES}
    assert entity_keys <= graph.get_all_asset_keys()
    ops = {graph.get(key).assets_def.node_def.name for key in entity_keys}
    assert ops == {"ingest_register", "ingest_purchases", "ingest_surveys"}


def test_dbt_models_seeds_and_exports_are_assets(defs):
    keys = _asset_keys(defs)
    assert {
        "marts/fct_service_episodes",
        "marts/kpi_area_month",
        "staging/stg_register__service_periods",
        "intermediate/int_status_segments",
        "reference/ref_municipalities",
        "audit/load_log",
        "exports/leadership_exports",
        "published/warehouse_snapshot",
        "published/data_dictionary",
    } <= keys
    graph = defs.resolve_asset_graph()
    snapshot = dg.AssetKey(["published", "warehouse_snapshot"])
    assert graph.get(dg.AssetKey(["exports", "leadership_exports"])).parent_keys == {snapshot}
    assert dg.AssetKey(["marts", "kpi_area_month"]) in graph.get(snapshot).parent_keys


def test_checks_cover_raw_data_and_dbt_tests(defs):
    checks = {
        (c.asset_key.to_user_string(), c.name) for c in defs.resolve_asset_graph().asset_check_keys
    }
    for entity in ENTITIES:
        assert (f"{entity.source}/{entity.name}", "gx_raw_expectations") in checks
        assert (f"{entity.source}/{entity.name}", "files_accepted") in checks
    assert ("marts/fct_service_episodes", "unique_fct_service_episodes_service_period_id") in checks


def test_every_dbt_test_is_a_check_named_like_its_failures_table(defs):
    """A test Dagster cannot map would run unseen; a hashed failures table could not be found
    from the check's name. Error-severity tests block what is downstream, warnings do not."""
    from orchestration.dbt import warehouse

    manifest = json.loads(dbt_project.manifest_path.read_text(encoding="utf-8"))
    tests = [n for n in manifest["nodes"].values() if n["resource_type"] == "test"]
    specs = {spec.name: spec for spec in warehouse.check_specs}
    assert len(tests) > 60
    for test in tests:
        assert test["alias"] == test["name"], test["name"]
        assert specs[test["name"]].blocking == (test["config"]["severity"].lower() == "error")
    singular = specs["assert_allocations_add_up_to_invoiced"]
    assert singular.asset_key == dg.AssetKey(["marts", "unallocated_spend"])


def test_a_passing_dbt_test_is_reported_at_once_a_failing_one_with_its_rows(defs, tmp_path):
    """Each test is reported once: a passing one as dbt streams it, a failing one after dbt
    has exited, with its stored failing rows; the check history records both."""
    from orchestration.dbt import report_tests, reported_as_it_comes

    settings = Settings.under(tmp_path, tmp_path / "landing")
    settings.warehouse.parent.mkdir(parents=True)
    with duckdb.connect(str(settings.warehouse)) as con:
        con.execute(f"create schema {FAILURES_SCHEMA}")
        con.execute(
            f"create table {FAILURES_SCHEMA}.kpi_area_month__grain as "
            "select 8 as employment_area_code, 2 as n"
        )
    mart = dg.AssetKey(["marts", "kpi_area_month"])
    built = dg.Output(None, output_name="marts__kpi_area_month")
    passed = dg.AssetCheckResult(asset_key=mart, check_name="kpi_area_month__not_null", passed=True)
    failed = dg.AssetCheckResult(
        asset_key=mart,
        check_name="kpi_area_month__grain",
        passed=False,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={FAILED_ROW_COUNT: 1},
    )
    streamed = [e for e in (built, passed, failed) if reported_as_it_comes(e)]
    assert len(streamed) == 2 and streamed[0] is built and streamed[1] is passed

    [after_dbt] = report_tests("run-1", [passed, failed], settings)
    assert after_dbt.check_name == "kpi_area_month__grain" and not after_dbt.passed
    assert after_dbt.metadata[EXAMPLES].value == (
        "| employment_area_code | n |\n|---|---|\n| 8 | 2 |"
    )
    recorded = history.read_history(settings.lake).sort("check_name")
    assert recorded.select("check_name", "status", "failing_rows").rows() == [
        ("kpi_area_month__grain", "FAILED", 1),
        ("kpi_area_month__not_null", "PASSED", None),
    ]


def test_nightly_schedule_at_two_helsinki_time(defs):
    schedule = defs.resolve_schedule_def("nightly_at_two")
    assert schedule.cron_schedule == "0 2 * * *"
    assert schedule.execution_timezone == "Europe/Helsinki"
    assert schedule.job_name == "nightly_run"


def test_workspace_loads_like_dagster_dev(tmp_path: Path):
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path)}
    dagster = Path(sys.executable).parent / "dagster"
    done = subprocess.run(
        [str(dagster), "definitions", "validate", "-w", "workspace.yaml"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "All code locations passed validation" in done.stderr + done.stdout
