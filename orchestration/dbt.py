"""The dbt project as Dagster assets: one `dbt build` step, tests surfaced as asset checks.

Asset keys follow the warehouse: `<schema>/<model>` for models and seeds (marts/kpi_area_month),
`<source>/<table>` for sources, which are the ingest assets (register/persons).

Error-severity tests are blocking checks (dagster-dbt's mapping) and fail the build, so nothing
downstream (the snapshot, the exports) runs; warn-severity tests are reported and publish.
"""

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from orchestration.project import PIPELINE_TARGET, dbt_project, project_fingerprint
from orchestration.settings import Settings
from quality import history
from quality.dbt_tests import check_record, failure_examples, with_examples

# Person-level and large: guarded by its dbt tests, not read into pandas for the mart suites.
PERSON_LEVEL_MARTS = frozenset({"fct_service_episodes"})


def aggregate_mart_grains() -> dict[str, list[str]]:
    """Every aggregate mart with its grain: the columns of its unique_combination test, or
    the column of its unique test (a failing row of the mart suites is named by these)."""
    nodes = json.loads(dbt_project.manifest_path.read_text(encoding="utf-8"))["nodes"]
    marts = {
        unique_id: node["name"]
        for unique_id, node in nodes.items()
        if node["resource_type"] == "model"
        and node["schema"] == "marts"
        and node["name"] not in PERSON_LEVEL_MARTS
    }
    grains: dict[str, list[str]] = {mart: [] for mart in marts.values()}
    for node in nodes.values():
        mart = marts.get(node.get("attached_node"))
        test = node.get("test_metadata") or {}
        if mart and test.get("name") == "unique_combination":
            grains[mart] = test["kwargs"]["columns"]
        elif mart and test.get("name") == "unique" and not grains[mart]:
            grains[mart] = [test["kwargs"]["column_name"]]
    return grains


class WarehouseTranslator(DagsterDbtTranslator):
    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return super().get_asset_key(dbt_resource_props)
        return dg.AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "source":
            return "ingest"
        return dbt_resource_props["schema"]


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=WarehouseTranslator(),
)
def warehouse(context: dg.AssetExecutionContext, dbt: DbtCliResource, settings: Settings):
    """Seeds, staging, intermediate models and marts, with their data tests, in one build.

    The dbt unit tests check the models' logic, not the data, so they run in CI
    (tests/test_dbt_unit_tests.py), not in every nightly build.
    """
    settings.apply_to_environment()  # the profile, sources and as-of date come from here
    settings.warehouse.parent.mkdir(parents=True, exist_ok=True)
    built_from = _built_from(settings.warehouse)
    fingerprint = project_fingerprint()
    build = ["build", "--exclude-resource-type", "unit_test"]
    if settings.full_refresh or _read(built_from) != fingerprint:
        context.log.info("Full refresh: staging is rebuilt from every lake file.")
        build.append("--full-refresh")
    tests: list[dg.AssetCheckResult] = []
    failure: Exception | None = None
    try:
        for event in dbt.cli(build, context=context, target_path=PIPELINE_TARGET).stream():
            if isinstance(event, dg.AssetCheckResult):
                tests.append(event)
            if reported_as_it_comes(event):
                yield event
    except Exception as error:  # a failing build raises once every event has streamed
        failure = error
    yield from report_tests(context.run_id, tests, settings)
    if failure is not None:
        raise failure
    built_from.write_text(fingerprint, encoding="utf-8")


def reported_as_it_comes(event: object) -> bool:
    """Everything but a failing test, which waits until its failing rows can be read: a
    passing test is reported while dbt runs on, not in a queue of a hundred once it has
    exited (about 30 ms of Dagster's event storage each)."""
    return not isinstance(event, dg.AssetCheckResult) or event.passed


def report_tests(
    run_id: str, tests: list[dg.AssetCheckResult], settings: Settings
) -> list[dg.AssetCheckResult]:
    """The failed tests' results with example failing rows (the dbt process has exited, so
    the warehouse can be opened); every test's result is recorded in the check history."""
    failed = [t.check_name for t in tests if not t.passed and t.check_name]
    examples = failure_examples(settings.warehouse, failed) if settings.warehouse.exists() else {}
    shown = [examples.get(t.check_name or "", "") for t in tests]
    history.record(
        settings.lake,
        run_id,
        "dbt",
        [check_record(t, e) for t, e in zip(tests, shown, strict=True)],
    )
    return [with_examples(t, e) for t, e in zip(tests, shown, strict=True) if not t.passed]


def _built_from(warehouse: Path) -> Path:
    """Where the fingerprint of the dbt project that last built the warehouse is kept: staging
    is incremental, so a changed project must rebuild it once from every lake file."""
    return warehouse.with_name(warehouse.name + ".project")


def _read(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.exists() else None
