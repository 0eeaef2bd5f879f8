"""`vaikuttavuus run` refuses, before loading anything, to run without a key or with a key
other than the lake's; the Dagster ingest asset refuses the same way when started elsewhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.load import ingest_source
from ingest.pseudonymise import KEY_ENV, KEY_FILE_ENV, load_key
from orchestration.cli import main
from orchestration.run import execute, format_report
from tests.helpers import settings_under

PERSONS = b"person_id,home_municipality_code,updated_at\n131052-308T,091,2026-11-20\n"


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    folder = tmp_path / "landing" / "register" / "2026-11-21"
    folder.mkdir(parents=True)
    (folder / "persons.csv").write_bytes(PERSONS)
    return tmp_path / "landing"


@pytest.fixture
def no_key(monkeypatch):
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)


def run_cli(tmp_path: Path, landing: Path, *extra: str) -> int:
    lake, warehouse = tmp_path / "lake", tmp_path / "warehouse.duckdb"
    return main(
        [
            "run",
            "--landing",
            str(landing),
            "--lake",
            str(lake),
            "--warehouse",
            str(warehouse),
            *extra,
        ]
    )


def test_run_without_a_key_exits_before_loading_anything(tmp_path, landing, no_key, capsys):
    assert run_cli(tmp_path, landing) == 2
    error = capsys.readouterr().err
    assert error.startswith("error: No pseudonymisation key: set $VAIKUTTAVUUS_PSEUDONYM_KEY")
    assert "pass --demo to use the public demo key" in error
    assert not (tmp_path / "lake").exists() and not (tmp_path / "warehouse.duckdb").exists()


def test_run_with_another_key_than_the_lake_exits_before_loading(
    tmp_path, landing, no_key, monkeypatch, capsys
):
    demo = load_key(demo=True)
    ingest_source(landing, "register", tmp_path / "lake", demo)
    lake_files = sorted(p.name for p in (tmp_path / "lake").rglob("*"))
    monkeypatch.setenv(KEY_ENV, "a-real-secret-key-of-enough-length")
    other = load_key()
    assert run_cli(tmp_path, landing) == 2
    assert capsys.readouterr().err == (
        f"error: The lake was pseudonymised with key id {demo.key_id}; this run's key has id "
        f"{other.key_id}. Pseudonyms from different keys cannot be linked: use the same key, "
        "or start a new lake (and warehouse).\n"
    )
    assert sorted(p.name for p in (tmp_path / "lake").rglob("*")) == lake_files
    assert not (tmp_path / "warehouse.duckdb").exists()


def test_the_ingest_assets_fail_clearly_on_a_key_mismatch(tmp_path, landing, no_key, monkeypatch):
    settings = settings_under(tmp_path, landing, demo=False)
    ingest_source(landing, "register", settings.lake, load_key(demo=True))
    monkeypatch.setenv(KEY_ENV, "a-real-secret-key-of-enough-length")
    report = execute(settings)
    assert not report.success
    assert report.materialized == set()
    assert len(report.errors) == 3  # one per ingest asset; nothing downstream ran
    assert all("The lake was pseudonymised with key id" in e for e in report.errors)
    printed = format_report(report, settings, tmp_path / "run.log")
    assert "Errors:\n  ingest_purchases: The lake was pseudonymised with key id" in printed
    assert "Run FAILED" in printed
