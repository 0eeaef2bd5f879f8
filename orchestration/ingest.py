"""One ingest asset per source: reads new deliveries into the lake, one asset key per entity.

The load-log figures of each file (read, loaded, quarantined, rejected because) are the asset
metadata, so the Dagster UI shows what `audit.load_log` holds. A rejected file fails its
entity's `files_accepted` check; a file whose name matches no entity fails the check of every
entity of its source, since it may have been meant as any of them.
"""

import dagster as dg
import polars as pl

from ingest import lake
from ingest.contract import SOURCES, Entity, entities_of
from ingest.load import KeyMismatchError, delivery_dirs, ingest_source, is_marked_ready
from ingest.pseudonymise import MissingKeyError, load_key
from orchestration.settings import Settings
from quality.checks import LAKE_FILES, entity_asset_key

FILES_ACCEPTED = "files_accepted"


def _files_table(rows: pl.DataFrame) -> dg.MetadataValue:
    lines = [
        f"| {r['delivery_id']} | {r['file']} | {r['file_format'] or ''} {r['encoding'] or ''} "
        f"{r['delimiter'] or ''} | {r['date_style'] or ''} {r['decimal_style'] or ''} | "
        f"{r['rows_read']} | {r['rows_loaded']} | {r['rows_quarantined']} | "
        f"{r['rejection_reason'] or ''} |"
        for r in rows.iter_rows(named=True)
    ]
    header = (
        "| delivery | file | format | dates, decimals | read | loaded | quarantined "
        "| rejected because |"
    )
    return dg.MetadataValue.md("\n".join([header, "|---|---|---|---|---|---|---|---|", *lines]))


def _entity_result(
    entity: Entity, rows: pl.DataFrame, unknown: pl.DataFrame, settings: Settings
) -> dg.MaterializeResult:
    accepted = rows.filter(~pl.col("rejected"))
    lake_files = [
        str(lake.data_file(settings.lake, entity, r["delivery_id"], r["file"]))
        for r in accepted.iter_rows(named=True)
    ]
    rejected = pl.concat([rows.filter(pl.col("rejected")), unknown])
    return dg.MaterializeResult(
        asset_key=entity_asset_key(entity),
        metadata={
            "files": len(rows),
            "rows_read": int(rows["rows_read"].sum()),
            "rows_loaded": int(rows["rows_loaded"].sum()),
            "rows_quarantined": int(rows["rows_quarantined"].sum()),
            "files_rejected": len(rows) - len(accepted),
            "load_log": _files_table(rows),
            LAKE_FILES: dg.MetadataValue.json(lake_files),
        },
        check_results=[
            dg.AssetCheckResult(
                asset_key=entity_asset_key(entity),
                check_name=FILES_ACCEPTED,
                passed=rejected.is_empty(),
                severity=dg.AssetCheckSeverity.ERROR,
                metadata={
                    "files_rejected": len(rejected),
                    "rejected": "\n".join(rejected["rejection_reason"].to_list()),
                },
            )
        ],
    )


def _waiting_deliveries(source: str, settings: Settings) -> list[str]:
    if not settings.require_ready_marker:
        return []
    return [d.name for d in delivery_dirs(settings.landing, source) if not is_marked_ready(d)]


def ingest_asset(source: str) -> dg.AssetsDefinition:
    specs = [
        dg.AssetSpec(
            entity_asset_key(e),
            group_name="ingest",
            kinds={"polars", "parquet"},
            description=f"Validated, pseudonymised rows of {source}/{e.name} in the lake.",
        )
        for e in entities_of(source)
    ]
    check_specs = [
        dg.AssetCheckSpec(
            FILES_ACCEPTED,
            asset=spec.key,
            description="Every delivered file of this entity was accepted (none rejected whole).",
        )
        for spec in specs
    ]

    @dg.multi_asset(name=f"ingest_{source}", specs=specs, check_specs=check_specs)
    def _ingest(context: dg.AssetExecutionContext, settings: Settings):
        try:
            key = load_key(demo=settings.demo)
        except MissingKeyError as error:
            raise dg.Failure(str(error)) from None
        if key.is_demo:
            context.log.warning("Demo mode: pseudonyms use the public demo key.")
        try:
            run_log = ingest_source(
                settings.landing, source, settings.lake, key, settings.require_ready_marker
            )
        except KeyMismatchError as error:
            raise dg.Failure(str(error)) from None
        for delivery in _waiting_deliveries(source, settings):
            context.log.info(f"{source}/{delivery}: no _READY marker yet, not loaded")
        for reason in run_log.filter(pl.col("rejected"))["rejection_reason"]:
            context.log.warning(f"rejected {reason}")
        unknown = run_log.filter(pl.col("entity").is_null())
        for entity in entities_of(source):
            rows = run_log.filter(pl.col("entity") == entity.name)
            yield _entity_result(entity, rows, unknown, settings)

    return _ingest


ingest_assets = [ingest_asset(source) for source in SOURCES]
