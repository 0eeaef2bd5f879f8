"""Loads a landing folder into the lake, one delivered file at a time.

Each file is read, validated against its entity's contract, pseudonymised, and written as
Parquet with its quarantine and one load-log row. A file whose content was already loaded is
skipped (the load log is the manifest of content hashes), so running the same delivery twice
changes nothing. Whatever goes wrong with one file (a contract violation or an unexpected
error) rejects that file only, with a masked message, and the other files still load.
"""

from __future__ import annotations

import hashlib
import logging
import time
import traceback
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import polars as pl

from ingest import lake
from ingest.contract import FILE_FORMATS, Entity, entities_of, entity_named
from ingest.pseudonymise import PseudonymKey, mask_codes_in_text
from ingest.readers import ROW_NO, RejectedFile, read_raw
from ingest.validate import validate

log = logging.getLogger(__name__)
REJECTED_RULE = "FILE_REJECTED"
# Written by the deliverer into a delivery folder after its last file: the delivery is complete.
READY_MARKER = "_READY"
_SHOWN_ERROR_CHARS = 200


class KeyMismatchError(RuntimeError):
    """The lake holds pseudonyms made with another key: mixing them would split people."""


@dataclass(frozen=True)
class DeliveredFile:
    source: str
    delivery_id: str
    path: Path
    entity: Entity | None  # None: the name matches no entity of the source

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def display_name(self) -> str:
        return f"{self.source}/{self.delivery_id}/{self.name}"


@dataclass
class FileOutcome:
    rows_read: int
    loaded: pl.DataFrame | None  # None when the file is rejected
    quarantined: pl.DataFrame
    dialect: dict[str, str] = field(default_factory=dict)
    styles: dict[str, str | None] = field(default_factory=dict)
    unknown_columns: list[str] = field(default_factory=list)
    rejection: str | None = None  # masked message naming file, column and problem


def delivery_dirs(landing: Path, source: str) -> list[Path]:
    """Delivery folders of a source in delivery order. `_`/`.` names are not data."""
    source_dir = landing / source
    if not source_dir.is_dir():
        return []
    return sorted(d for d in source_dir.iterdir() if d.is_dir() and _is_data(d))


def is_marked_ready(delivery: Path) -> bool:
    return (delivery / READY_MARKER).is_file()


def discover(landing: Path, source: str, require_ready_marker: bool = False) -> list[DeliveredFile]:
    """Files of every delivery of a source, in delivery order; with `require_ready_marker`,
    only of deliveries whose folder holds the `_READY` marker."""
    files = []
    for delivery in delivery_dirs(landing, source):
        if require_ready_marker and not is_marked_ready(delivery):
            log.info("%s/%s: no %s marker yet, not loaded", source, delivery.name, READY_MARKER)
            continue
        for path in sorted(p for p in delivery.iterdir() if p.is_file() and _is_data(p)):
            entity = None
            if path.suffix.lower().lstrip(".") in FILE_FORMATS:
                entity = entity_named(source, path.stem.lower())
            files.append(DeliveredFile(source, delivery.name, path, entity))
    return files


def _is_data(path: Path) -> bool:
    return not path.name.startswith(("_", "."))


def ingest_source(
    landing: Path,
    source: str,
    lake_dir: Path,
    key: PseudonymKey,
    require_ready_marker: bool = False,
) -> pl.DataFrame:
    """Loads every new file of a source; returns the load-log rows of this run."""
    lake.ensure_placeholders(lake_dir)
    history = lake.read_load_log(lake_dir)
    _check_key(history, key)
    loaded = {
        (r["source"], r["delivery_id"], r["file"]): r["content_sha256"]
        for r in history.iter_rows(named=True)
    }
    rows = []
    for delivered in discover(landing, source, require_ready_marker):
        digest = file_sha256(delivered.path)
        if loaded.get((source, delivered.delivery_id, delivered.name)) == digest:
            log.info("%s: already loaded, skipped", delivered.display_name)
            continue
        rows.append(ingest_file(delivered, digest, lake_dir, key))
    return pl.DataFrame(rows, schema=lake.LOAD_LOG_SCHEMA, orient="row")


def ingest_file(
    delivered: DeliveredFile, digest: str, lake_dir: Path, key: PseudonymKey
) -> tuple[object, ...]:
    started = time.perf_counter()
    outcome = _outcome(delivered, key)
    if outcome.loaded is not None:
        _write_loaded(outcome.loaded, delivered, lake_dir)
    _write_quarantine(outcome.quarantined, delivered, lake_dir)
    rows_loaded = 0 if outcome.loaded is None else outcome.loaded.height
    if outcome.rejection:
        log.warning("rejected %s", outcome.rejection)
    else:
        log.info(
            "%s: read %d, loaded %d, quarantined %d",
            delivered.display_name,
            outcome.rows_read,
            rows_loaded,
            outcome.quarantined.height,
        )
    row = (
        delivered.source,
        delivered.delivery_id,
        delivered.name,
        delivered.entity.name if delivered.entity else None,
        digest,
        outcome.dialect.get("format"),
        outcome.dialect.get("encoding"),
        outcome.dialect.get("delimiter"),
        outcome.styles.get("date_style"),
        outcome.styles.get("decimal_style"),
        outcome.rows_read,
        rows_loaded,
        outcome.quarantined.height,
        outcome.rejection is not None,
        outcome.rejection,
        ",".join(outcome.unknown_columns) or None,
        key.key_id,
        round(time.perf_counter() - started, 3),
        datetime.now().replace(microsecond=0),
    )
    frame = pl.DataFrame([row], schema=lake.LOAD_LOG_SCHEMA, orient="row")
    path = lake.load_log_file(lake_dir, delivered.source, delivered.delivery_id, delivered.name)
    lake.write_atomically(frame, path)
    return row


def _outcome(delivered: DeliveredFile, key: PseudonymKey) -> FileOutcome:
    """Reads and validates one file. Any error rejects the file and quarantines every row read
    as FILE_REJECTED (a file that cannot be parsed at all has no rows to count)."""
    raw = None
    try:
        if delivered.entity is None:
            raise RejectedFile(delivered.display_name, _unknown_entity_message(delivered))
        raw = read_raw(delivered.path, delivered.display_name)
        result = validate(raw.frame, delivered.entity, delivered.display_name, key)
    except Exception as error:  # one bad file must not stop the others
        rejection = error if isinstance(error, RejectedFile) else _unexpected(delivered, error)
        rows = raw.frame.select(ROW_NO) if raw else pl.DataFrame(schema={ROW_NO: pl.Int64})
        return FileOutcome(
            rows_read=rows.height,
            loaded=None,
            quarantined=_all_rows_rejected(rows, str(rejection)),
            dialect=raw.dialect if raw else {},
            rejection=str(rejection),
        )
    return FileOutcome(
        rows_read=raw.frame.height,
        loaded=result.loaded,
        quarantined=result.quarantined,
        dialect=raw.dialect,
        styles=result.styles,
        unknown_columns=result.unknown_columns,
    )


def _unexpected(delivered: DeliveredFile, error: Exception) -> RejectedFile:
    """An error nobody planned for: logged with its stack (code lines only) and a message that
    is masked and shortened, because libraries quote the data they choke on."""
    message = (str(error).strip().splitlines() or [""])[0][:_SHOWN_ERROR_CHARS]
    rejection = RejectedFile(
        delivered.display_name, f"unexpected error: {type(error).__name__}: {message}"
    )
    stack = "".join(traceback.TracebackException.from_exception(error).stack.format())
    log.error("%s\n%s", rejection, stack)
    return rejection


def _unknown_entity_message(delivered: DeliveredFile) -> str:
    names = ", ".join(e.name for e in entities_of(delivered.source))
    formats = ", ".join(FILE_FORMATS)
    return f"not a file of the contract: a {delivered.source} file is one of {names} as {formats}"


def _all_rows_rejected(frame: pl.DataFrame, reason: str) -> pl.DataFrame:
    return frame.select(
        pl.col(ROW_NO),
        pl.lit(REJECTED_RULE).alias("rule"),
        pl.lit(mask_codes_in_text(reason)).alias("violations"),
        pl.lit(None, pl.String).alias("record_key"),
        pl.lit(None, pl.String).alias("person_ref"),
    )


def _write_loaded(loaded: pl.DataFrame, delivered: DeliveredFile, lake_dir: Path) -> None:
    assert delivered.entity is not None
    frame = loaded.with_columns(
        pl.lit(delivered.delivery_id).alias(lake.DELIVERY_ID),
        pl.lit(delivered.display_name).alias(lake.SOURCE_FILE),
    ).select(list(lake.entity_schema(delivered.entity)))
    path = lake.data_file(lake_dir, delivered.entity, delivered.delivery_id, delivered.name)
    lake.write_atomically(frame, path)


def _write_quarantine(quarantined: pl.DataFrame, delivered: DeliveredFile, lake_dir: Path) -> None:
    frame = quarantined.select(
        pl.lit(delivered.source).alias("source"),
        pl.lit(delivered.entity.name if delivered.entity else None, pl.String).alias("entity"),
        pl.lit(delivered.delivery_id).alias("delivery_id"),
        pl.lit(delivered.name).alias("file"),
        pl.col(ROW_NO).cast(pl.Int64).alias("row_no"),
        "rule",
        "violations",
        "record_key",
        "person_ref",
    )
    path = lake.quarantine_file(lake_dir, delivered.source, delivered.delivery_id, delivered.name)
    lake.write_atomically(frame, path)


def check_key(lake_dir: Path, key: PseudonymKey) -> None:
    """Refuses a key other than the one the lake's pseudonyms were made with."""
    _check_key(lake.read_load_log(lake_dir), key)


def _check_key(history: pl.DataFrame, key: PseudonymKey) -> None:
    used = set(history["pseudonym_key_id"].drop_nulls().unique().to_list())
    if used and key.key_id not in used:
        raise KeyMismatchError(
            f"The lake was pseudonymised with key id {', '.join(sorted(used))}; this run's key "
            f"has id {key.key_id}. Pseudonyms from different keys cannot be linked: use the "
            "same key, or start a new lake (and warehouse)."
        )


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
