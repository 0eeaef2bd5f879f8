"""A full snapshot and the same state sent as change-only deliveries give identical marts.

The change-only side is the generated landing folder of `generated_run` (tests/conftest.py): a
first delivery of the state then, and a second of changes only (new rows, closed periods,
corrections, tombstones of rows delivered by mistake). The snapshot side re-packs it into one
delivery per source holding, per key, the version the contract says wins, without the
tombstoned keys, as plain CSV; it is built from the delivered rows themselves, not from the
warehouse, so the two runs share nothing but the input.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest

from ingest.contract import SOURCES
from ingest.load import delivery_dirs, discover
from ingest.pseudonymise import load_key
from ingest.readers import ROW_NO, read_raw
from ingest.validate import validate
from orchestration.run import execute
from tests.helpers import settings_under


def latest_versions(files, key) -> dict[str, pl.DataFrame]:
    """Per entity, the raw text of the winning version of every key that is not tombstoned,
    from the rows that load (quarantined ones never reach the warehouse either way). The rank
    columns come from the validated rows (`_`-prefixed), the written values from the file."""
    versions: dict[str, list[pl.DataFrame]] = {}
    entities = {}
    for order, delivered in enumerate(files):
        entity = entities.setdefault(delivered.entity.name, delivered.entity)
        raw = read_raw(delivered.path, delivered.display_name).frame
        loaded = validate(raw, entity, delivered.display_name, key).loaded
        ranks = loaded.select(
            ROW_NO,
            *(pl.col(k).alias(f"_key_{k}") for k in entity.output_key),
            pl.col("updated_at").alias("_updated_at"),
            pl.col("deleted").alias("_deleted"),
            pl.lit(order).alias("_order"),
        )
        columns = [c.name for c in entity.columns if c.name in raw.columns]
        versions.setdefault(entity.name, []).append(
            raw.select(ROW_NO, *columns).join(ranks, on=ROW_NO)
        )
    winners = {}
    for name, frames in versions.items():
        entity = entities[name]
        rows = pl.concat(frames, how="diagonal")
        winner = (
            rows.sort(["_updated_at", "_order", ROW_NO], descending=True)
            .unique(subset=[f"_key_{k}" for k in entity.output_key], keep="first")
            .filter(~pl.col("_deleted"))
        )
        winners[name] = winner.select(c.name for c in entity.columns if c.name in rows.columns)
    return winners


def write_snapshot(landing: Path, snapshot: Path) -> None:
    key = load_key(demo=True)
    for source in SOURCES:
        last = delivery_dirs(landing, source)[-1].name
        files = [f for f in discover(landing, source) if f.entity is not None]
        for name, frame in latest_versions(files, key).items():
            path = snapshot / source / last / f"{name}.csv"
            path.parent.mkdir(parents=True, exist_ok=True)
            frame.write_csv(path)


@pytest.fixture(scope="module")
def runs(generated_run, tmp_path_factory: pytest.TempPathFactory):
    assert generated_run.exit_code == 0, generated_run.console
    work = tmp_path_factory.mktemp("snapshot")
    write_snapshot(generated_run.settings.landing, work / "landing")
    settings = settings_under(work, work / "landing")
    report = execute(settings)
    assert report.success and not report.failed_checks, report.errors
    return generated_run.settings, settings


def table(settings, name: str, *without: str) -> pl.DataFrame:
    """A warehouse table in a stable row order, without the named columns."""
    with duckdb.connect(settings.warehouse_path, read_only=True) as con:
        frame = con.sql(f"select * from {name}").pl().drop(*without)
    return frame.sort(frame.columns, nulls_last=True)


def test_the_snapshot_is_one_delivery_per_source_holding_the_true_state(runs, generated_run):
    _, snapshot = runs
    deliveries = {s: [d.name for d in delivery_dirs(snapshot.landing, s)] for s in SOURCES}
    assert deliveries == {s: [generated_run.truth["as_of"]] for s in SOURCES}
    loaded = table(snapshot, "audit.load_log").select("entity", "rows_read", "rows_loaded")
    assert (
        dict(loaded.select("entity", "rows_loaded").iter_rows())
        == (generated_run.truth["truth_row_counts"])
    )
    assert loaded["rows_read"].to_list() == loaded["rows_loaded"].to_list()


def test_the_same_as_of_date(runs):
    changes, snapshot = runs
    assert table(changes, "intermediate.int_as_of").equals(
        table(snapshot, "intermediate.int_as_of")
    )


@pytest.mark.parametrize(
    "mart", ["marts.fct_service_episodes", "marts.kpi_area_month"], ids=lambda m: m
)
def test_identical_marts_row_for_row(runs, mart):
    changes, snapshot = runs
    expected = table(changes, mart)
    assert expected.height > 100
    assert table(snapshot, mart).equals(expected)


def test_identical_staged_state(runs):
    changes, snapshot = runs
    with duckdb.connect(changes.warehouse_path, read_only=True) as con:
        staged = [
            f"staging.{name}"
            for (name,) in con.execute(
                "select table_name from information_schema.tables where table_schema = 'staging'"
            ).fetchall()
            if name.startswith("stg_") and name != "stg_lake_files"  # the ledger holds paths
        ]
    assert len(staged) == 8
    for name in staged:
        # delivery_id says where a version came from: the one column allowed to differ.
        changed, snapped = table(changes, name, "delivery_id"), table(snapshot, name, "delivery_id")
        assert snapped.equals(changed), name
