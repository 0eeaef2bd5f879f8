"""After `vaikuttavuus run` over a generated landing folder full of identity codes (and with
invalid ones among its defects), no valid identity code is anywhere the run wrote: the lake,
the warehouse, the quarantine, the run's log and console, Dagster's home (event log, compute
logs), dbt's target and logs, or the exports. Only the landing folder (and its ground truth)
may hold them.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable
from pathlib import Path

import duckdb
import polars as pl
import pytest
from stdnum.fi import hetu

from ingest.pseudonymise import mask_identity_code
from orchestration.settings import DBT_PROJECT_DIR
from quality.checks import QUALITY_DOCS_DIR

# Not after "<digit>.": the fraction of a number is no code, but a time stamp's microseconds
# followed by the next SQLite record's header byte (08:58:59.070113 + "v" + "2026") can read
# as a valid one.
CODE = re.compile(rb"(?<!\d\.)\b\d{6}[-+A-FU-Y]\d{3}[0-9A-Y]\b", re.IGNORECASE)
PERSON_KEY = re.compile(rb"\b[0-9a-f]{64}\b")  # a pseudonym: HMAC-SHA-256 in hex


def valid_codes(data: bytes) -> set[str]:
    found = {m.group(0).decode("ascii").upper() for m in CODE.finditer(data)}
    return {c for c in found if hetu.is_valid(c, allow_temporary=True)}


def codes_in_file(path: Path) -> set[str]:
    """The bytes as they lie on disk, and what a reader sees in formats that compress."""
    data = path.read_bytes()
    found = valid_codes(data)
    if path.suffix == ".parquet":
        found |= codes_in_strings(pl.read_parquet(path))
    if zipfile.is_zipfile(path):  # .xlsx
        with zipfile.ZipFile(path) as archive:
            for member in archive.namelist():
                found |= valid_codes(archive.read(member))
    return found


def codes_in_strings(frame: pl.DataFrame) -> set[str]:
    found = set()
    for column in frame.select(pl.col(pl.String)).columns:
        values = frame[column].drop_nulls().unique().to_list()
        found |= valid_codes("\n".join(values).encode("utf-8"))
    return found


def codes_in_warehouse(path: Path) -> dict[str, set[str]]:
    found = {}
    with duckdb.connect(str(path), read_only=True) as con:
        columns = con.execute(
            """select table_schema, table_name, column_name from information_schema.columns
            where data_type = 'VARCHAR'"""
        ).fetchall()
        for schema, table, column in columns:
            values = con.execute(
                f'select distinct "{column}" from "{schema}"."{table}" where "{column}" is not null'
            ).fetchall()
            codes = valid_codes("\n".join(v for (v,) in values).encode("utf-8"))
            if codes:
                found[f"{schema}.{table}.{column}"] = codes
    return found


def leaks(paths: Iterable[Path]) -> dict[str, list[str]]:
    """Where codes were found, with the codes masked (test output is a log too)."""
    found = {str(p): codes_in_file(p) for p in paths}
    return {where: sorted(map(mask_identity_code, c)) for where, c in found.items() if c}


def files_under(folder: Path, since: float = 0.0) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.stat().st_mtime >= since)


@pytest.fixture(scope="module")
def run(generated_run):
    assert generated_run.exit_code == 0, generated_run.console
    return generated_run


def test_the_scanner_finds_the_codes_in_the_landing_folder(run):
    """The control: the input is full of valid codes, so a scanner finding none is broken."""
    landing = run.settings.landing
    assert (
        len(
            codes_in_file(
                landing / "register" / run.truth["window"]["first_delivery_state"] / "persons.csv"
            )
        )
        > 100
    )
    assert any(codes_in_file(p) for p in landing.rglob("*.parquet"))
    assert any(codes_in_file(p) for p in landing.rglob("*.xlsx"))


def test_the_scanner_finds_a_code_in_a_warehouse_and_a_log(tmp_path):
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        con.execute("create schema s; create table s.t as select 'x 010594Y9032' as v")
    assert codes_in_warehouse(tmp_path / "w.duckdb") == {"s.t.v": {"010594Y9032"}}
    (tmp_path / "run.log").write_text("rejected 131052-308T, kept 131052-308U\n")
    assert leaks([tmp_path / "run.log"]) == {str(tmp_path / "run.log"): ["131052-****"]}


def test_no_code_in_the_lake(run):
    files = files_under(run.settings.lake)
    assert any(p.parent.name == "quarantine" for p in files)
    assert leaks(files) == {}


def test_no_code_in_the_warehouse_tables(run):
    assert codes_in_warehouse(run.settings.warehouse) == {}
    assert leaks([run.settings.warehouse]) == {}


def test_no_code_in_the_quarantine_which_holds_invalid_ones_masked(run):
    with duckdb.connect(run.settings.warehouse_path, read_only=True) as con:
        shown = con.execute("select person_ref, record_key, violations from audit.quarantine")
        rows = shown.fetchall()
    assert any(ref and ref.endswith("-****") for ref, _, _ in rows)
    assert not valid_codes(repr(rows).encode("utf-8"))


def test_no_code_in_the_run_log_or_the_console(run):
    [log_file] = files_under(run.settings.logs)
    assert "persons.csv: read" in log_file.read_text(encoding="utf-8")
    assert "Files loaded in this run:" in run.console
    assert leaks([log_file]) == {}
    assert not valid_codes(run.console.encode("utf-8"))


def test_no_code_in_dagsters_home(run):
    import os

    home = Path(os.environ["DAGSTER_HOME"])
    files = files_under(home)
    assert any(p.suffix == ".db" for p in files)  # the SQLite run and event storage
    assert leaks(files) == {}


def test_no_code_in_dbts_target_and_logs(run):
    since = run.started.timestamp()
    files = files_under(DBT_PROJECT_DIR / "target", since) + files_under(
        DBT_PROJECT_DIR / "logs", since
    )
    assert any(p.name == "run_results.json" for p in files)
    assert leaks(files) == {}


def test_no_code_in_the_exports(run):
    files = files_under(run.settings.exports)
    docs = run.settings.exports / QUALITY_DOCS_DIR
    exported = [p for p in files if docs not in p.parents]
    assert {p.suffix for p in exported} == {".csv", ".xlsx", ".parquet", ".html"}
    assert any(p.name == "index.html" for p in files if docs in p.parents)  # the Data Docs
    assert leaks(files) == {}


def test_no_person_key_in_the_data_docs(run):
    """GX sees numbers in place of person keys, so neither its results nor its pages hold one."""
    pages = [
        p
        for p in files_under(run.settings.exports / QUALITY_DOCS_DIR)
        if p.suffix in {".json", ".html"}
    ]
    assert pages
    assert [str(p) for p in pages if PERSON_KEY.search(p.read_bytes())] == []


def test_no_code_in_the_published_snapshot_or_dictionary(run):
    files = files_under(run.settings.published)
    assert {p.suffix for p in files} == {".duckdb", ".html", ".sha256"}
    assert leaks(files) == {}
