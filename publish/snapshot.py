"""Publishes the warehouse as an immutable, read-only snapshot that analysts query.

    <published>/snapshots/vaikuttavuus_<stamp>.duckdb   one file per published run (0444)
    <published>/current.duckdb                          hard link to the newest snapshot

DuckDB allows one writer or many readers per file, never both, so analysts never open the
file dbt writes. A new snapshot is copied beside its final place and renamed in; then
`current.duckdb` is swapped to it with an atomic rename of a hard link. A reader that has
the old snapshot open keeps reading it (the lock and the data belong to the old inode) and
sees the new one when it reconnects. The last N snapshots are kept for rollback.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import duckdb

CURRENT = "current.duckdb"
SNAPSHOTS = "snapshots"
_PREFIX = "vaikuttavuus_"


def snapshot_dir(published: Path) -> Path:
    return published / SNAPSHOTS


def publish_snapshot(build: Path, published: Path, stamp: str, keep: int) -> Path:
    """Copies the finished warehouse into a new snapshot and makes it current."""
    _checkpoint(build)
    target = snapshot_dir(published) / f"{_PREFIX}{stamp}.duckdb"
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    shutil.copyfile(build, staging)
    _fsync(staging)
    _assert_readable(staging)
    staging.chmod(0o444)
    os.replace(staging, target)
    _point_current_at(target, published)
    prune_snapshots(published, keep)
    return target


def latest_snapshot(published: Path) -> Path | None:
    snapshots = sorted(snapshot_dir(published).glob(f"{_PREFIX}*.duckdb"))
    return snapshots[-1] if snapshots else None


def prune_snapshots(published: Path, keep: int) -> list[Path]:
    """Deletes all but the newest `keep` snapshots; `current.duckdb` keeps its own link."""
    snapshots = sorted(snapshot_dir(published).glob(f"{_PREFIX}*.duckdb"))
    removed = snapshots[: max(len(snapshots) - keep, 0)]
    for path in removed:
        path.unlink()
    return removed


def _checkpoint(build: Path) -> None:
    """Folds any write-ahead log into the file, so the copy holds every committed change."""
    with duckdb.connect(str(build)) as con:
        con.execute("checkpoint")


def _fsync(path: Path) -> None:
    with path.open("rb") as f:
        os.fsync(f.fileno())


def _assert_readable(path: Path) -> None:
    with duckdb.connect(str(path), read_only=True) as con:
        con.execute("select count(*) from information_schema.tables").fetchall()


def _point_current_at(target: Path, published: Path) -> None:
    link = published / f".{CURRENT}.{uuid.uuid4().hex}.tmp"
    os.link(target, link)
    os.replace(link, published / CURRENT)
