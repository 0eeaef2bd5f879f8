"""The published snapshot: atomic swap, retention, read-only analysts never disturbed."""

from __future__ import annotations

import shutil
import stat
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from orchestration.run import execute
from orchestration.shell import run_statements
from publish.snapshot import CURRENT, latest_snapshot, publish_snapshot
from tests.helpers import FIXTURES, settings_under


def _warehouse(path: Path, version: int) -> Path:
    with duckdb.connect(str(path)) as con:
        con.execute("create or replace table t as select ? as version", [version])
    return path


def _version(path: Path) -> int:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("select version from t").fetchall()[0][0]


def test_publish_makes_a_read_only_snapshot_current(tmp_path):
    build = _warehouse(tmp_path / "build.duckdb", 1)
    snapshot = publish_snapshot(build, tmp_path / "published", "20260101T000000_a", keep=3)
    current = tmp_path / "published" / CURRENT
    assert _version(current) == 1
    assert current.samefile(snapshot)
    assert not snapshot.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    _warehouse(build, 2)  # the next nightly build does not touch what was published
    assert _version(current) == 1


def test_only_the_newest_snapshots_are_kept(tmp_path):
    build = tmp_path / "build.duckdb"
    published = tmp_path / "published"
    for version in range(1, 6):
        _warehouse(build, version)
        publish_snapshot(build, published, f"2026010{version}T000000_x", keep=2)
    kept = sorted(p.name for p in (published / "snapshots").iterdir())
    assert kept == [
        "vaikuttavuus_20260104T000000_x.duckdb",
        "vaikuttavuus_20260105T000000_x.duckdb",
    ]
    assert _version(published / CURRENT) == 5
    assert latest_snapshot(published).name == kept[-1]


ANALYST = """
import duckdb, sys
con = duckdb.connect(sys.argv[1], read_only=True)
query = "select count(*) from marts.fct_service_episodes"
for line in sys.stdin:
    print(con.execute(query).fetchall()[0][0], flush=True)
"""


def _ask(analyst: subprocess.Popen) -> int:
    analyst.stdin.write("count\n")
    analyst.stdin.flush()
    return int(analyst.stdout.readline())


def _episodes(path: Path) -> int:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("select count(*) from marts.fct_service_episodes").fetchall()[0][0]


def test_open_analyst_connection_survives_a_publishing_run(tmp_path):
    landing = tmp_path / "landing"
    shutil.copytree(FIXTURES / "hand_built", landing)
    settings = settings_under(tmp_path, landing)
    assert execute(settings).success
    current = settings.published / CURRENT

    analyst = subprocess.Popen(
        [sys.executable, "-c", ANALYST, str(current)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert _ask(analyst) == 8
        # A new delivery with one more episode arrives and the nightly run publishes it.
        delivery = landing / "register" / "2026-04-01"
        delivery.mkdir()
        (delivery / "service_periods.csv").write_text(
            "service_period_id,person_id,service_code,municipality_code,start_date,updated_at\n"
            "E10,131052-308T,WORK_TRIAL,091,2026-03-15,2026-04-01T08:00:00\n",
            encoding="utf-8",
        )
        report = execute(settings)
        assert report.success and report.snapshot is not None
        assert _ask(analyst) == 8  # the open connection still sees its snapshot
        assert _episodes(current) == 9  # a new connection sees the new one
    finally:
        analyst.stdin.close()
        analyst.wait(timeout=30)
    assert analyst.returncode == 0


def test_sql_shell_runs_statements_on_the_snapshot(tmp_path, capsys):
    build = _warehouse(tmp_path / "build.duckdb", 7)
    snapshot = publish_snapshot(build, tmp_path / "p", "20260101T000000_a", keep=1)
    with duckdb.connect(str(snapshot), read_only=True) as con:
        run_statements(con, "select version * 6 as answer from t; select 'two' as second;")
        with pytest.raises(duckdb.Error):  # read-only: analysts cannot change the snapshot
            con.execute("delete from t")
    printed = capsys.readouterr().out
    assert "answer" in printed and "42" in printed and "two" in printed
