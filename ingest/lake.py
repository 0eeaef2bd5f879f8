"""Where ingest writes: validated, pseudonymised Parquet that dbt reads as its sources.

<lake>/<source>/<entity>/<delivery>__<file>.parquet   loaded rows of one delivered file
<lake>/<source>/<entity>/_empty.parquet               typed, zero rows: globs never miss
<lake>/_audit/load_log/<source>__<delivery>__<file>.parquet   one row per delivered file
<lake>/_audit/quarantine/<source>__<delivery>__<file>.parquet rows that broke a rule
<lake>/_audit/check_results/<run>__<producer>.parquet       quality-check results
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import polars as pl

from ingest.contract import ENTITIES, Entity
from ingest.parse import output_dtype
from ingest.readers import ROW_NO

AUDIT = "_audit"
EMPTY_FILE = "_empty.parquet"
DELIVERY_ID = "_delivery_id"
SOURCE_FILE = "_source_file"

LOAD_LOG_SCHEMA = {
    "source": pl.String(),
    "delivery_id": pl.String(),
    "file": pl.String(),
    "entity": pl.String(),
    "content_sha256": pl.String(),
    "file_format": pl.String(),
    "encoding": pl.String(),
    "delimiter": pl.String(),
    "date_style": pl.String(),
    "decimal_style": pl.String(),
    "rows_read": pl.Int64(),
    "rows_loaded": pl.Int64(),
    "rows_quarantined": pl.Int64(),
    "rejected": pl.Boolean(),
    "rejection_reason": pl.String(),
    "unknown_columns": pl.String(),
    "pseudonym_key_id": pl.String(),
    "duration_s": pl.Float64(),
    "loaded_at": pl.Datetime("us"),
}

QUARANTINE_SCHEMA = {
    "source": pl.String(),
    "entity": pl.String(),
    "delivery_id": pl.String(),
    "file": pl.String(),
    "row_no": pl.Int64(),
    "rule": pl.String(),
    "violations": pl.String(),
    "record_key": pl.String(),
    "person_ref": pl.String(),
}


# One row per evaluated quality check; written by quality/history.py, read by the warehouse view
# quality.check_results. Defined here with the other audit tables so the placeholder exists
# before any check has run.
CHECK_RESULTS_SCHEMA = {
    "run_id": pl.String(),
    "checked_at": pl.Datetime("us"),
    "check_name": pl.String(),
    "asset": pl.String(),
    "severity": pl.String(),
    "blocking": pl.Boolean(),
    "status": pl.String(),
    "failing_rows": pl.Int64(),
    "sample": pl.String(),
    "description": pl.String(),
}


def entity_schema(entity: Entity) -> dict[str, pl.DataType]:
    return {
        **{c.output_name: output_dtype(c) for c in entity.columns},
        DELIVERY_ID: pl.String(),
        SOURCE_FILE: pl.String(),
        ROW_NO: pl.Int64(),
    }


def entity_dir(lake: Path, entity: Entity) -> Path:
    return lake / entity.source / entity.name


def _file_stem(source: str, delivery_id: str, file_name: str) -> str:
    return f"{source}__{delivery_id}__{file_name}"


def data_file(lake: Path, entity: Entity, delivery_id: str, file_name: str) -> Path:
    return entity_dir(lake, entity) / f"{delivery_id}__{file_name}.parquet"


def load_log_file(lake: Path, source: str, delivery_id: str, file_name: str) -> Path:
    return lake / AUDIT / "load_log" / f"{_file_stem(source, delivery_id, file_name)}.parquet"


def quarantine_file(lake: Path, source: str, delivery_id: str, file_name: str) -> Path:
    return lake / AUDIT / "quarantine" / f"{_file_stem(source, delivery_id, file_name)}.parquet"


def write_atomically(frame: pl.DataFrame, path: Path) -> None:
    """Readers never see half a file: write beside the target, then rename over it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    # zstd level 1: a national delivery writes in a third less time, for 2% more bytes.
    frame.write_parquet(tmp, compression="zstd", compression_level=1, statistics=True)
    os.replace(tmp, path)


def ensure_placeholders(lake: Path) -> None:
    """A zero-row, typed file per entity and audit table, so every dbt source resolves."""
    placeholders = [(entity_dir(lake, e) / EMPTY_FILE, entity_schema(e)) for e in ENTITIES]
    placeholders += [
        (lake / AUDIT / "load_log" / EMPTY_FILE, LOAD_LOG_SCHEMA),
        (lake / AUDIT / "quarantine" / EMPTY_FILE, QUARANTINE_SCHEMA),
        (lake / AUDIT / "check_results" / EMPTY_FILE, CHECK_RESULTS_SCHEMA),
    ]
    for path, schema in placeholders:
        if not path.exists():
            write_atomically(pl.DataFrame(schema=schema), path)


def read_load_log(lake: Path) -> pl.DataFrame:
    files = sorted((lake / AUDIT / "load_log").glob("*.parquet"))
    if not files:
        return pl.DataFrame(schema=LOAD_LOG_SCHEMA)
    # Files written before a column was added lack it: align by name.
    frames = [pl.DataFrame(schema=LOAD_LOG_SCHEMA), *(pl.read_parquet(f) for f in files)]
    return pl.concat(frames, how="diagonal_relaxed").select(list(LOAD_LOG_SCHEMA))
