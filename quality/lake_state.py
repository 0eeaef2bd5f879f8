"""What the raw checks look at, read from the lake with polars (lazy, only the needed columns).

- *Pending* files: loaded into the lake but not yet in a published snapshot (not in the
  published `audit.load_log`), by content hash. A run that a check blocked leaves its files
  pending, so the next run checks them again instead of publishing them unchecked.
- *Current* versions: per key the row the warehouse will use, by the contract's rule (latest
  `updated_at`, then the later delivery, file and row, as dbt's `latest_version` macro), with
  tombstoned keys removed. A pending row that a later delivery corrected is no longer current.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from ingest.contract import CONTRACTS, INVOICE_LINES, PERSONS, PROVIDERS, SERVICE_PERIODS, Entity
from ingest.lake import (
    DELIVERY_ID,
    SOURCE_FILE,
    data_file,
    entity_dir,
    entity_schema,
    read_load_log,
)
from ingest.readers import ROW_NO
from publish.snapshot import CURRENT

IS_CURRENT = "_is_current"
_FILE_KEY = ["source", "delivery_id", "file", "content_sha256"]
_ROW = [SOURCE_FILE, ROW_NO]  # identifies a delivered row in the lake


@dataclass(frozen=True)
class Reference:
    """Every current row's `column` names a current key of `target` (`target_column`)."""

    column: str
    target: Entity
    target_column: str

    @property
    def flag(self) -> str:
        return f"{self.column}_in_{self.target.name}"


REFERENCES: dict[Entity, Reference] = {
    SERVICE_PERIODS: Reference("person_key", PERSONS, "person_key"),
    CONTRACTS: Reference("business_id", PROVIDERS, "business_id"),
    INVOICE_LINES: Reference("contract_id", CONTRACTS, "contract_id"),
}


def published_loads(published: Path) -> pl.DataFrame:
    """Files (by content hash) in the current published snapshot; none before the first."""
    snapshot = published / CURRENT
    if not snapshot.exists():
        return pl.DataFrame(schema=dict.fromkeys(_FILE_KEY, pl.String))
    with duckdb.connect(str(snapshot), read_only=True) as con:
        return con.sql(f"select {', '.join(_FILE_KEY)} from audit.load_log").pl()


def pending_files(lake: Path, published: Path, entity: Entity) -> list[Path]:
    loaded = read_load_log(lake).filter(
        (pl.col("source") == entity.source)
        & (pl.col("entity") == entity.name)
        & ~pl.col("rejected")
    )
    pending = loaded.join(published_loads(published), on=_FILE_KEY, how="anti")
    return [
        data_file(lake, entity, r["delivery_id"], r["file"]) for r in pending.iter_rows(named=True)
    ]


def current_versions(
    lake: Path, entity: Entity, columns: list[str], keys: pl.DataFrame | None = None
) -> pl.LazyFrame:
    """The current row of every live key (of those in `keys`, if given): `columns` plus the
    row's file and row number."""
    key = list(entity.output_key)
    order = ["updated_at", DELIVERY_ID, SOURCE_FILE, ROW_NO]
    wanted = list(dict.fromkeys([*key, *order, "deleted", *columns]))
    versions = pl.scan_parquet(entity_dir(lake, entity) / "*.parquet").select(wanted)
    if keys is not None:  # a key's current version depends on that key's versions only
        versions = versions.join(keys.lazy(), on=key, how="semi", nulls_equal=True)
    return (
        versions.sort(order, descending=True)
        .unique(subset=key, keep="first")
        .filter(~pl.col("deleted").fill_null(False))
        .select(list(dict.fromkeys([*columns, *_ROW])))
    )


def pending_rows(lake: Path, published: Path, entity: Entity) -> pl.DataFrame:
    """Every row of the pending files, flagged `_is_current` where it is its key's current
    version (a row corrected or deleted by a later delivery is not)."""
    files = [f for f in pending_files(lake, published, entity) if f.exists()]
    if not files:
        return pl.DataFrame(schema=entity_schema(entity)).with_columns(
            pl.lit(None, pl.Boolean).alias(IS_CURRENT)
        )
    rows = pl.concat([pl.read_parquet(f) for f in files], how="vertical")
    keys = rows.select(entity.output_key).unique()
    current = current_versions(lake, entity, [], keys).with_columns(pl.lit(True).alias(IS_CURRENT))
    return rows.join(current.collect(), on=_ROW, how="left").with_columns(
        pl.col(IS_CURRENT).fill_null(False)
    )


def reference_frame(lake: Path, entity: Entity, reference: Reference) -> pl.DataFrame:
    """The entity's current rows (key, file, row) with a flag: does the referenced key exist
    now? Person keys are only compared, never returned."""
    key = [k for k in entity.output_key if k != "person_key"]
    rows = current_versions(lake, entity, [*key, DELIVERY_ID, reference.column]).collect()
    targets = (
        current_versions(lake, reference.target, [reference.target_column])
        .select(reference.target_column)
        .collect()
        .to_series()
    )
    flagged = rows.with_columns(
        pl.when(pl.col(reference.column).is_null())
        .then(None)
        .otherwise(pl.col(reference.column).is_in(targets))
        .alias(reference.flag)
    )
    return flagged.drop("person_key", strict=False)
