"""The leadership exports as an asset downstream of the marts."""

import dagster as dg

from orchestration.settings import Settings
from publish.exports import export_tables

EXPORTS_KEY = dg.AssetKey(["exports", "leadership_workbook"])


@dg.asset(
    key=EXPORTS_KEY,
    deps=[dg.AssetKey(["marts", "kpi_area_month"]), dg.AssetKey(["marts", "fct_service_episodes"])],
    group_name="exports",
    kinds={"excel", "csv"},
    description="KPI workbook and CSV tables for city leadership, small cells suppressed.",
)
def leadership_workbook(settings: Settings) -> dg.MaterializeResult:
    result = export_tables(settings.warehouse, settings.exports, settings.disclosure_threshold)
    return dg.MaterializeResult(
        metadata={
            "folder": dg.MetadataValue.path(str(result.folder)),
            "workbook": dg.MetadataValue.path(str(result.workbook)),
            "as_of": result.as_of.isoformat(),
            "rows": dg.MetadataValue.json(result.rows),
            "suppressed_cells": result.suppressed_cells,
            "disclosure_threshold": settings.disclosure_threshold,
        }
    )
