"""Dagster asset checks built from the Great Expectations suites, and the data-quality findings.

Each ingest asset (one per entity) gets a blocking check that validates the rows loaded by its
latest materialization: when it fails, nothing downstream of the entity is built. The findings
check only warns: the warehouse has already resolved what it counts.
"""

import dagster as dg
import duckdb
import polars as pl

from ingest.contract import ENTITIES, Entity
from ingest.lake import entity_schema
from quality.raw_suites import SuiteOutcome, validate_frame

LAKE_FILES = "lake_files"  # materialization metadata: Parquet files written by that run


def entity_asset_key(entity: Entity) -> dg.AssetKey:
    return dg.AssetKey([entity.source, entity.name])


def _rows_of_latest_load(context: dg.AssetCheckExecutionContext, entity: Entity) -> pl.DataFrame:
    event = context.instance.get_latest_materialization_event(entity_asset_key(entity))
    files: list[str] = []
    if event is not None and event.asset_materialization is not None:
        entry = event.asset_materialization.metadata.get(LAKE_FILES)
        files = list(entry.value) if entry is not None else []
    frames = [pl.read_parquet(f) for f in files]
    if not frames:
        return pl.DataFrame(schema=entity_schema(entity))
    return pl.concat(frames, how="vertical")


def _result(outcome: SuiteOutcome) -> dg.AssetCheckResult:
    failed = "\n".join(
        f"| {o.expectation} | {o.column} | {o.unexpected_count} |" for o in outcome.failed
    )
    metadata: dict[str, dg.RawMetadataValue] = {
        "suite": outcome.suite,
        "rows_validated": outcome.rows,
        "expectations": len(outcome.outcomes),
        "failed_expectations": len(outcome.failed),
    }
    if failed:
        metadata["failures"] = dg.MetadataValue.md(
            "| expectation | column | unexpected rows |\n|---|---|---|\n" + failed
        )
    return dg.AssetCheckResult(
        passed=outcome.success, severity=dg.AssetCheckSeverity.ERROR, metadata=metadata
    )


def raw_expectations_check(entity: Entity) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=entity_asset_key(entity),
        name="gx_raw_expectations",
        blocking=True,
        description=(
            f"Great Expectations suite raw_{entity.source}__{entity.name} over the rows "
            "loaded by the latest ingest: schema, code sets, ranges, keys, date order."
        ),
    )
    def _check(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
        rows = _rows_of_latest_load(context, entity)
        return _result(validate_frame(entity, rows.to_pandas()))

    return _check


raw_expectation_checks = [raw_expectations_check(e) for e in ENTITIES]


FINDINGS_KEY = dg.AssetKey(["audit", "data_quality_findings"])


@dg.asset_check(
    asset=FINDINGS_KEY,
    name="no_data_quality_findings",
    blocking=False,
    required_resource_keys={"settings"},
    description=(
        "Counts audit.data_quality_findings (overlapping status periods, ...). The warehouse "
        "resolves them by the contract's rules, so this only warns: someone upstream should "
        "fix the register."
    ),
)
def data_quality_findings_check(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
    with duckdb.connect(str(context.resources.settings.warehouse), read_only=True) as con:
        counts = con.execute(
            """select finding_type, count(*), count(distinct person_key)
            from audit.data_quality_findings group by finding_type order by finding_type"""
        ).fetchall()
    findings = sum(n for _, n, _ in counts)
    table = "\n".join(f"| {kind} | {n} | {persons} |" for kind, n, persons in counts)
    return dg.AssetCheckResult(
        passed=findings == 0,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "findings": findings,
            "by_type": dg.MetadataValue.md("| finding | rows | persons |\n|---|---|---|\n" + table),
        },
    )
