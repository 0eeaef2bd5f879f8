"""The dbt project as Dagster assets: one `dbt build` step, tests surfaced as asset checks.

Asset keys follow the warehouse: `<schema>/<model>` for models and seeds (marts/kpi_area_month),
`<source>/<table>` for sources, which are the ingest assets (register/persons).
"""

from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from orchestration.project import PIPELINE_TARGET, dbt_project
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
    build = ["build", "--exclude-resource-type", "unit_test"]
    yield from dbt.cli(build, context=context, target_path=PIPELINE_TARGET).stream()
