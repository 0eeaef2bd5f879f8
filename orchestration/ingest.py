"""One ingest asset per source: reads new deliveries into the lake, one asset key per entity."""

import dagster as dg
import polars as pl

from ingest import lake
from ingest.contract import SOURCES, entities_of
from ingest.load import ingest_source
from ingest.pseudonymise import MissingKeyError, load_key
from orchestration.settings import Settings
from quality.checks import LAKE_FILES, entity_asset_key

FILES_ACCEPTED = "files_accepted"


def _files_table(rows: pl.DataFrame) -> dg.MetadataValue:
    lines = [
        f"| {r['delivery_id']} | {r['file']} | {r['file_format']} {r['encoding'] or ''} "
        f"{r['delimiter'] or ''} | {r['rows_read']} | {r['rows_loaded']} | "
        f"{r['rows_quarantined']} | {r['rejection_reason'] or ''} |"
        for r in rows.iter_rows(named=True)
    ]
    header = "| delivery | file | format | read | loaded | quarantined | rejected because |"
    return dg.MetadataValue.md("\n".join([header, "|---|---|---|---|---|---|---|", *lines]))


def _entity_results(source: str, run_log: pl.DataFrame, settings: Settings):
    for entity in entities_of(source):
        rows = run_log.filter(pl.col("entity") == entity.name)
        loaded = rows.filter(~pl.col("rejected"))
        lake_files = [
            str(lake.data_file(settings.lake, entity, r["delivery_id"], r["file"]))
            for r in loaded.iter_rows(named=True)
        ]
        rejected = rows.filter(pl.col("rejected"))
        yield dg.MaterializeResult(
            asset_key=entity_asset_key(entity),
            metadata={
                "files": len(rows),
                "rows_read": int(rows["rows_read"].sum()),
                "rows_loaded": int(rows["rows_loaded"].sum()),
                "rows_quarantined": int(rows["rows_quarantined"].sum()),
                "files_rejected": len(rejected),
                "load_log": _files_table(rows),
                LAKE_FILES: dg.MetadataValue.json(lake_files),
            },
            check_results=[
                dg.AssetCheckResult(
                    asset_key=entity_asset_key(entity),
                    check_name=FILES_ACCEPTED,
                    passed=rejected.is_empty(),
                    severity=dg.AssetCheckSeverity.ERROR,
                    metadata={"rejected": "\n".join(rejected["rejection_reason"].to_list())},
                )
            ],
        )


def _unknown_files(source: str, run_log: pl.DataFrame) -> list[str]:
    return run_log.filter(pl.col("entity").is_null())["rejection_reason"].to_list()


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
            raise dg.Failure(str(error)) from error
        if key.is_demo:
            context.log.warning("Demo mode: pseudonyms use the public demo key.")
        run_log = ingest_source(settings.landing, source, settings.lake, key)
        for reason in _unknown_files(source, run_log):
            context.log.warning("rejected %s", reason)
        yield from _entity_results(source, run_log, settings)

    return _ingest


ingest_assets = [ingest_asset(source) for source in SOURCES]
