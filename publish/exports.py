"""Reads the marts (read-only), applies disclosure control and writes the export folder.

The folder for an as-of date is built beside its final place and swapped in whole, so a reader
never sees half an export.
"""

from __future__ import annotations

import shutil
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import polars as pl

from publish.disclosure import suppress
from publish.tables import EXPORT_TABLES, ExportTable
from publish.workbook import write_csv, write_workbook

REPORT = "raportti.html"


@dataclass(frozen=True)
class ExportResult:
    folder: Path
    workbook: Path
    report: Path
    csv_files: tuple[Path, ...]
    as_of: date
    rows: dict[str, int]
    suppressed_cells: int


def read_as_of(con: duckdb.DuckDBPyConnection) -> date:
    return con.execute("select as_of_date from intermediate.int_as_of").fetchall()[0][0]


def export_tables(
    warehouse: Path,
    exports_dir: Path,
    threshold: int,
    tables: tuple[ExportTable, ...] = EXPORT_TABLES,
) -> ExportResult:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        as_of = read_as_of(con)
        frames = [(t, suppress(con.sql(t.query).pl(), t.disclosure, threshold)) for t in tables]
    staging = exports_dir / f".{as_of.isoformat()}.{uuid.uuid4().hex}.tmp"
    staging.mkdir(parents=True)
    workbook_name = f"vaikuttavuus_{as_of.isoformat()}.xlsx"
    write_workbook(staging / workbook_name, frames, as_of, threshold)
    from publish.report import write_report  # matplotlib: seconds of import, paid here only

    write_report(staging / REPORT, {t.name: f for t, f in frames}, as_of, threshold)
    for table, frame in frames:
        write_csv(staging / f"{table.name}.csv", table, frame, threshold)
        frame.write_parquet(staging / f"{table.name}.parquet", compression="zstd")
    folder = exports_dir / as_of.isoformat()
    _swap_in(staging, folder)
    return ExportResult(
        folder=folder,
        workbook=folder / workbook_name,
        report=folder / REPORT,
        csv_files=tuple(folder / f"{t.name}.csv" for t, _ in frames),
        as_of=as_of,
        rows={t.name: f.height for t, f in frames},
        suppressed_cells=sum(_count_suppressed(f) for _, f in frames),
    )


def _count_suppressed(frame: pl.DataFrame) -> int:
    listed = frame["suppressed_columns"].drop_nulls()
    return int(listed.str.split(",").list.len().sum()) if listed.len() else 0


def _swap_in(staging: Path, folder: Path) -> None:
    old = folder.with_name(f".{folder.name}.{uuid.uuid4().hex}.old")
    if folder.exists():
        folder.rename(old)
    staging.rename(folder)
    shutil.rmtree(old, ignore_errors=True)
