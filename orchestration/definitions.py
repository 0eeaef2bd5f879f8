"""The Dagster code location: ingest -> dbt -> exports, checks, the nightly schedule and the
sensor that starts the same job when a complete delivery lands."""

from __future__ import annotations

import dagster as dg

from orchestration.dbt import aggregate_mart_grains, warehouse
from orchestration.ingest import ingest_assets
from orchestration.project import WarehouseDbtCli, dbt_project
from orchestration.publish import publish_assets
from orchestration.sensors import NIGHTLY_JOB, data_docs_sensors, new_delivery_sensor
from orchestration.settings import Settings
from quality.checks import (
    data_quality_findings_check,
    raw_expectation_checks,
    reference_checks,
)
from quality.mart_checks import mart_checks

dbt_project.prepare_if_dev()

nightly_job = dg.define_asset_job(
    NIGHTLY_JOB,
    selection=dg.AssetSelection.all(),
    description="Loads new deliveries, rebuilds the warehouse, runs every check, exports.",
)

nightly_schedule = dg.ScheduleDefinition(
    name="nightly_at_two",
    job=nightly_job,
    cron_schedule="0 2 * * *",
    execution_timezone="Europe/Helsinki",
)


def build_definitions(settings: Settings) -> dg.Definitions:
    return dg.Definitions(
        assets=[*ingest_assets, warehouse, *publish_assets],
        asset_checks=[
            *raw_expectation_checks,
            *reference_checks,
            data_quality_findings_check,
            *mart_checks(aggregate_mart_grains()),
        ],
        jobs=[nightly_job],
        schedules=[nightly_schedule],
        sensors=[new_delivery_sensor, *data_docs_sensors],
        resources={
            # dbt.log at info, not debug: a national nightly run's debug log is 15 MB of SQL
            # and costs seconds; errors are still logged, compiled SQL stays under target/.
            "dbt": WarehouseDbtCli(
                project_dir=dbt_project, global_config_flags=["--log-level-file", "info"]
            ),
            "settings": settings,
        },
        # One process, one DuckDB writer; the multiprocess executor costs seconds per step.
        executor=dg.in_process_executor,
    )


defs = build_definitions(Settings.from_env())
