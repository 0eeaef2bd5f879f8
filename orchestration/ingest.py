"""One ingest asset per source: reads new deliveries into the lake, one asset key per entity.

The load-log figures of each file (read, loaded, quarantined, rejected because) are the asset
metadata, so the Dagster UI shows what `audit.load_log` holds. Two blocking checks per entity
judge the files this run loaded:

- `files_accepted`: no file was rejected whole. A file whose name matches no entity fails the
  check of every entity of its source, since it may have been meant as any of them.
- `quarantine_share`: at most `max_quarantine_share` of the rows read were quarantined.

Either failing stops the run before the warehouse is built: numbers made without a rejected or
mostly quarantined delivery would look complete and be wrong. The rejected and quarantined rows
never reach the lake, so a later run that loads nothing new for the entity would not see them:
it repeats the entity's failing verdict until a new file of the entity is loaded (a corrected
or a new delivery).
"""

import dagster as dg
import polars as pl

from ingest import lake
from ingest.contract import SOURCES, Entity, entities_of
from ingest.load import KeyMismatchError, delivery_dirs, ingest_source, is_marked_ready
from ingest.pseudonymise import MissingKeyError, load_key
from orchestration.settings import Settings
from quality import history
from quality.checks import entity_asset_key
from quality.history import CheckRecord
from quality.results import check_result
from quality.samples import markdown_table

FILES_ACCEPTED = "files_accepted"
QUARANTINE_SHARE = "quarantine_share"
LAKE_FILES = "lake_files"  # materialization metadata: Parquet files written by that run
_CARRIED = "No new file of this entity since run"


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


def _files_accepted(entity: Entity, rows: pl.DataFrame, unknown: pl.DataFrame) -> CheckRecord:
    rejected = pl.concat([rows.filter(pl.col("rejected")), unknown])
    reasons = rejected["rejection_reason"].to_list()
    return CheckRecord(
        check_name=FILES_ACCEPTED,
        asset=entity_asset_key(entity).to_user_string(),
        severity="ERROR",
        blocking=True,
        passed=not reasons,
        failing_rows=int(rejected["rows_read"].sum()),
        sample="\n".join(reasons[:5]),
        description=(
            f"{len(reasons)} file(s) rejected whole: none of their rows loaded."
            if reasons
            else "Every delivered file of this entity was accepted (none rejected whole)."
        ),
    )


def _quarantine_share(entity: Entity, rows: pl.DataFrame, settings: Settings) -> CheckRecord:
    read, quarantined = int(rows["rows_read"].sum()), int(rows["rows_quarantined"].sum())
    share = quarantined / read if read else 0.0
    limit = settings.max_quarantine_share
    return CheckRecord(
        check_name=QUARANTINE_SHARE,
        asset=entity_asset_key(entity).to_user_string(),
        severity="ERROR",
        blocking=True,
        passed=share <= limit,
        failing_rows=quarantined,
        sample=markdown_table(_quarantined_rows(entity, rows, settings)) if quarantined else "",
        description=(
            f"{quarantined} of {read} rows read ({share:.1%}) quarantined; at most {limit:.1%} "
            "may be."
        ),
    )


def _quarantined_rows(entity: Entity, rows: pl.DataFrame, settings: Settings) -> pl.DataFrame:
    files = [
        lake.quarantine_file(settings.lake, entity.source, r["delivery_id"], r["file"])
        for r in rows.iter_rows(named=True)
    ]
    frames = [pl.read_parquet(f) for f in files if f.exists()]
    if not frames:
        return pl.DataFrame()
    return pl.concat(frames).select("delivery_id", "file", "row_no", "rule", "violations")


def _standing_verdict(entity: Entity, check: str, settings: Settings) -> CheckRecord | None:
    """The entity's last failing verdict of the check, repeated: nothing new was loaded."""
    asset = entity_asset_key(entity).to_user_string()
    last = history.last_result(settings.lake, asset, check)
    if last is None or last["status"] != history.FAILED:
        return None
    description = last["description"]
    if not description.startswith(_CARRIED):
        description = f"{_CARRIED} {last['run_id'][:8]} failed this check: {description}"
    return CheckRecord(
        check_name=check,
        asset=asset,
        severity=last["severity"],
        blocking=last["blocking"],
        passed=False,
        failing_rows=last["failing_rows"],
        sample=last["sample"],
        description=description,
    )


def _entity_checks(
    entity: Entity, rows: pl.DataFrame, unknown: pl.DataFrame, settings: Settings
) -> list[CheckRecord]:
    checks = [_files_accepted(entity, rows, unknown), _quarantine_share(entity, rows, settings)]
    if rows.is_empty() and unknown.is_empty():
        return [_standing_verdict(entity, c.check_name, settings) or c for c in checks]
    return checks


def _entity_result(
    entity: Entity, rows: pl.DataFrame, checks: list[CheckRecord], settings: Settings
) -> dg.MaterializeResult:
    accepted = rows.filter(~pl.col("rejected"))
    lake_files = [
        str(lake.data_file(settings.lake, entity, r["delivery_id"], r["file"]))
        for r in accepted.iter_rows(named=True)
    ]
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
        check_results=[check_result(check) for check in checks],
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
        check
        for spec in specs
        for check in (
            dg.AssetCheckSpec(
                FILES_ACCEPTED,
                asset=spec.key,
                blocking=True,
                description="Every file of this entity loaded by the run was accepted (none "
                "rejected whole).",
            ),
            dg.AssetCheckSpec(
                QUARANTINE_SHARE,
                asset=spec.key,
                blocking=True,
                description="At most VAIKUTTAVUUS_MAX_QUARANTINE_SHARE of the rows read from "
                "this entity's files in the run were quarantined.",
            ),
        )
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
        judged = {
            entity: _entity_checks(
                entity, run_log.filter(pl.col("entity") == entity.name), unknown, settings
            )
            for entity in entities_of(source)
        }
        history.record(
            settings.lake,
            context.run_id,
            f"ingest_{source}",
            [c for cs in judged.values() for c in cs],
        )
        for entity, checks in judged.items():
            rows = run_log.filter(pl.col("entity") == entity.name)
            yield _entity_result(entity, rows, checks, settings)

    return _ingest


ingest_assets = [ingest_asset(source) for source in SOURCES]
