"""The dbt project as Dagster assets: one `dbt build` step, tests surfaced as asset checks.

Asset keys follow the warehouse: `<schema>/<model>` for models and seeds (marts/kpi_area_month),
`<source>/<table>` for sources, which are the ingest assets (register/persons).
"""

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from orchestration.project import PIPELINE_TARGET, dbt_project, project_fingerprint
from orchestration.settings import Settings


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
    yield from dbt.cli(build, context=context, target_path=PIPELINE_TARGET).stream()
    built_from.write_text(fingerprint, encoding="utf-8")


def _built_from(warehouse: Path) -> Path:
    """Where the fingerprint of the dbt project that last built the warehouse is kept: staging
    is incremental, so a changed project must rebuild it once from every lake file."""
    return warehouse.with_name(warehouse.name + ".project")


def _read(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.exists() else None
