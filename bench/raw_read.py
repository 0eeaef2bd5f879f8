"""The raw-read baseline: DuckDB reads every delivered CSV and Parquet file of a landing folder
into a table, and nothing more (CSV columns as text, no validation).

    .venv/bin/python bench/raw_read.py LANDING

Prints the rows read as JSON. XLSX files are skipped: DuckDB reads them only through an
extension downloaded at run time (the national landing folder holds its invoice lines as
Parquet anyway).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import duckdb

READERS = {
    ".parquet": "read_parquet(?)",
    # As text: a delivery's broken rows (31.2.2025) must not stop the read.
    ".csv": "read_csv(?, encoding = ?, all_varchar = true, strict_mode = false, "
    "null_padding = true)",
}


def read_all(landing: Path) -> dict:
    con = duckdb.connect()  # in memory: the baseline is reading, not writing a file
    rows, skipped = 0, []
    files = sorted(p for p in landing.rglob("*") if p.is_file() and not p.name.startswith("_"))
    for number, path in enumerate(files):
        if path.suffix not in READERS:
            skipped.append(path.name)
            continue
        parameters = [str(path)] + ([_encoding(path)] if path.suffix == ".csv" else [])
        con.execute(f"create table t{number} as select * from {READERS[path.suffix]}", parameters)
        rows += con.execute(f"select count(*) from t{number}").fetchone()[0]
    return {"rows": rows, "skipped": skipped}


def _encoding(path: Path) -> str:
    """utf-8, or latin-1 for a Windows-1252 file (DuckDB has no cp1252 without an extension)."""
    try:
        with path.open(encoding="utf-8") as f:
            while f.read(1 << 20):
                pass
    except UnicodeDecodeError:
        return "latin-1"
    return "utf-8"


if __name__ == "__main__":
    print(json.dumps(read_all(Path(sys.argv[1]))))
