"""The history of every quality check: one Parquet file per run and producer in the lake.

    <lake>/_audit/check_results/<run_id>__<producer>.parquet

Each producer (an ingest step, a Great Expectations check, the dbt build) writes its results
when the check evaluates, in failing runs too, which publish nothing else. The warehouse view
`quality.check_results` reads the files at query time, so the published snapshot always shows
the whole history, the latest run included.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import polars as pl

from ingest.lake import AUDIT, CHECK_RESULTS_SCHEMA, EMPTY_FILE, write_atomically

PASSED, FAILED, WARNED = "PASSED", "FAILED", "WARNED"


@dataclass(frozen=True)
class CheckRecord:
    check_name: str
    asset: str  # the asset key as Dagster writes it: register/persons
    severity: str  # ERROR or WARN
    blocking: bool
    passed: bool
    failing_rows: int | None  # None: the check does not count rows
    sample: str  # example failing rows, masked, without person keys
    description: str

    @property
    def status(self) -> str:
        if self.passed:
            return PASSED
        return FAILED if self.severity == "ERROR" else WARNED


def history_dir(lake: Path) -> Path:
    return lake / AUDIT / "check_results"


def record(lake: Path, run_id: str, producer: str, records: list[CheckRecord]) -> Path | None:
    """Writes the producer's results of this run (replacing an earlier write of the same)."""
    if not records:
        return None
    checked_at = datetime.now().replace(microsecond=0)
    frame = pl.DataFrame(
        [
            {
                "run_id": run_id,
                "checked_at": checked_at,
                "check_name": r.check_name,
                "asset": r.asset,
                "severity": r.severity,
                "blocking": r.blocking,
                "status": r.status,
                "failing_rows": r.failing_rows,
                "sample": r.sample,
                "description": r.description,
            }
            for r in records
        ],
        schema=CHECK_RESULTS_SCHEMA,
    )
    path = history_dir(lake) / f"{run_id}__{_file_safe(producer)}.parquet"
    write_atomically(frame, path)
    return path


def read_history(lake: Path) -> pl.DataFrame:
    files = sorted(p for p in history_dir(lake).glob("*.parquet") if p.name != EMPTY_FILE)
    frames = [pl.DataFrame(schema=CHECK_RESULTS_SCHEMA), *(pl.read_parquet(f) for f in files)]
    return pl.concat(frames, how="vertical_relaxed")


def last_result(lake: Path, asset: str, check_name: str) -> dict | None:
    """The latest recorded evaluation of one check, or None if it never ran."""
    rows = read_history(lake).filter(
        (pl.col("asset") == asset) & (pl.col("check_name") == check_name)
    )
    if rows.is_empty():
        return None
    return rows.sort("checked_at").row(-1, named=True)


def _file_safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name)
