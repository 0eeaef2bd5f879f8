"""The quality gates' parts without a pipeline run: examples that never show a person, the
check history, the volume band, the register-month coverage, the mart suites and dbt's stored
failures."""

from __future__ import annotations

from datetime import date, datetime
from functools import partial
from pathlib import Path

import duckdb
import polars as pl
import pytest

from ingest.contract import CONTRACTS, INVOICE_LINES, PROVIDERS, Entity
from ingest.lake import (
    LOAD_LOG_SCHEMA,
    data_file,
    ensure_placeholders,
    entity_schema,
    load_log_file,
    write_atomically,
)
from publish.snapshot import CURRENT
from quality import history, validation
from quality.checks import make_room
from quality.dbt_tests import FAILURES_SCHEMA, failure_examples
from quality.history import CheckRecord
from quality.lake_state import IS_CURRENT, REFERENCES, reference_frame
from quality.mart_suites import (
    Band,
    Coverage,
    band_frame,
    coverage_frame,
    mart_measures,
    mart_suite,
)
from quality.raw_suites import current_only, current_rows_suite, prepare_frame, raw_suite
from quality.samples import HIDDEN_PERSON, markdown_table
from quality.validation import validate

PERSON_KEY = "a" * 64


def test_examples_leave_out_person_columns_and_mask_codes():
    frame = pl.DataFrame(
        {
            "person_key": [PERSON_KEY],
            "service_period_id": ["E1"],
            "note": ["called 131052-308T about it"],
            "other": [PERSON_KEY],
        }
    )
    table = markdown_table(frame)
    assert "person_key" not in table and PERSON_KEY not in table
    assert "131052-308T" not in table and "131052-****" in table
    assert HIDDEN_PERSON in table  # a person key in a column of another name
    assert table.splitlines()[0] == "| service_period_id | note | other |"


def test_the_history_keeps_every_run_and_the_latest_verdict(tmp_path: Path):
    def record(passed: bool) -> CheckRecord:
        return CheckRecord("gx_references", "purchases/contracts", "ERROR", True, passed, 1, "", "")

    history.record(tmp_path, "run-1", "purchases/contracts__gx_references", [record(False)])
    history.record(tmp_path, "run-2", "purchases/contracts__gx_references", [record(True)])
    recorded = history.read_history(tmp_path).sort("run_id")
    assert recorded.select("run_id", "status").rows() == [
        ("run-1", history.FAILED),
        ("run-2", history.PASSED),
    ]
    last = history.last_result(tmp_path, "purchases/contracts", "gx_references")
    assert last is not None and last["run_id"] in {"run-1", "run-2"}
    assert history.last_result(tmp_path, "purchases/contracts", "files_accepted") is None


def profile(values: dict[date, float]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "month_start": list(values),
            "measure": ["spend_eur"] * len(values),
            "value": list(values.values()),
        },
        schema={"month_start": pl.Date, "measure": pl.String, "value": pl.Float64},
    )


def test_the_band_judges_settled_months_large_enough_to_judge():
    band = Band(tolerance=0.25, min_value=20, settled_months=2)
    previous = (
        date(2026, 10, 31),
        profile({date(2026, 6, 1): 100.0, date(2026, 7, 1): 10.0, date(2026, 9, 1): 100.0}),
    )
    current = (
        date(2026, 11, 30),
        profile({date(2026, 6, 1): 200.0, date(2026, 7, 1): 30.0, date(2026, 9, 1): 300.0}),
    )
    frame = band_frame(current, previous, band)
    # September is within two months of October (the older as-of): not settled, not judged.
    assert frame.select("month_start", "relative_change").rows() == [
        (date(2026, 6, 1), 1.0),
        (date(2026, 7, 1), None),  # 10 is too small to judge
    ]
    gone = band_frame((current[0], profile({})), previous, band)
    assert gone["relative_change"].to_list() == [-1.0, None]  # a month gone is a month at 0


def test_coverage_compares_each_month_with_its_neighbours():
    months = pl.DataFrame(
        {
            "month_start": [date(2026, m, 1) for m in range(1, 6)],
            "persons_with_known_status": [100, 100, 0, 100, 10],
        }
    )
    with duckdb.connect() as con:
        con.execute("create schema intermediate")
        con.register("months", months)
        con.execute("create table intermediate.int_register_month_coverage as from months")
        frame = coverage_frame(con, Coverage(min_ratio=0.5, min_persons=20))
    # April's neighbours (0 and 10) are too few to judge it by.
    assert frame["ratio_to_neighbours"].to_list() == [1.0, 2.0, 0.0, None, 0.1]


def test_the_mart_suite_fails_a_rate_outside_its_interval_and_a_negative_count():
    with duckdb.connect() as con:
        con.execute("create schema marts")
        con.execute(
            """create table marts.m as select * from (values
                (1, 10::bigint, 0.5, 0.3, 0.7),
                (2, -1::bigint, 0.9, 0.3, 0.7)
            ) as t(area, exits, employed_rate, employed_ci_low, employed_ci_high)"""
        )
        frame = mart_measures(con, "m", ["area"])
    outcome = validate(partial(mart_suite, "m"), frame, None, "test")
    assert not outcome.success
    examples = outcome.examples(frame, ["area", "measure"])
    assert "| 2 | exits |" in examples  # the negative count, named by its grain and column
    assert "| 2 | employed_rate |" in examples  # 0.9 above its interval's 0.7
    assert "| 1 |" not in examples


def delivered_providers(rows: list[tuple[str, str, str, int, bool]]) -> pl.DataFrame:
    """Provider rows as the raw suites see them: (business_id, sector, updated_at, row_no,
    current), all from one file."""
    frame = pl.DataFrame(
        {
            "business_id": [r[0] for r in rows],
            "name": "Oy",
            "sector": [r[1] for r in rows],
            "municipality_code": None,
            "updated_at": [r[2] for r in rows],
            "deleted": False,
            "_delivery_id": "2026-01-01",
            "_source_file": "providers.csv",
            "_row_no": [r[3] for r in rows],
            IS_CURRENT: [r[4] for r in rows],
        },
    ).with_columns(pl.col("updated_at").str.to_datetime())
    return prepare_frame(PROVIDERS, frame.cast(entity_schema(PROVIDERS)))


@pytest.fixture
def slices_of_two(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(validation, "SLICE_ROWS", 2)


@pytest.mark.usefixtures("slices_of_two")
def test_raw_suites_check_every_rows_shape_and_only_current_rows_content():
    frame = delivered_providers(
        [
            ("1234567-1", "UNKNOWN", "2026-01-01 00:00", 1, False),  # corrected by row 4
            ("4567890-4", "NGO", "2026-01-01 00:00", 2, True),
            ("4567890-4", "NGO", "2026-01-01 00:00", 3, False),  # twice in one file
            ("1234567-1", "NGO", "2026-02-01 00:00", 4, True),
            ("2345678-2", "COMPANY", "2026-01-01 00:00", 5, True),
            ("3456789-3", "UNKNOWN", "2026-01-01 00:00", 6, True),
        ]
    )
    key = ["business_id"]
    shape = validate(partial(raw_suite, PROVIDERS), frame, None, "test", key)
    assert [(o.expectation, o.unexpected_count) for o in shape.failed] == [
        ("expect_compound_columns_to_be_unique", 2)
    ]
    # Three slices, each key's versions in one of them: the duplicate is still found, and
    # its rows are named by their positions in the whole frame.
    assert sorted(shape.failed[0].example_rows) == [1, 2]
    current = current_only(frame)
    content = validate(partial(current_rows_suite, PROVIDERS), current, None, "test", key)
    assert [(o.column, o.unexpected_count) for o in content.failed] == [("sector", 1)]
    assert current[content.failed[0].example_rows]["_row_no"].to_list() == [6]


def test_the_raw_suite_checks_the_lakes_types():
    frame = delivered_providers([("1234567-1", "NGO", "2026-01-01 00:00", 1, True)])
    shape = validate(
        partial(raw_suite, PROVIDERS), frame.with_columns(name=pl.lit(7)), None, "test"
    )
    assert [(o.expectation, o.column) for o in shape.failed] == [
        ("expect_column_values_to_be_in_type_list", "name")
    ]
    assert validate(partial(raw_suite, PROVIDERS), frame, None, "test").success


def test_the_raw_suite_checks_decimals_by_type():
    line = {
        "invoice_id": "L1",
        "line_no": 1,
        "contract_id": "C1",
        "invoice_date": date(2026, 2, 1),
        "period_start": date(2026, 1, 1),
        "period_end": date(2026, 1, 31),
        "line_type": "BASE",
        "quantity": 1.5,
        "amount_eur": -12.25,
        "updated_at": datetime(2026, 2, 1, 8),
        "deleted": False,
        "_delivery_id": "2026-02-01",
        "_source_file": "invoice_lines.csv",
        "_row_no": 1,
    }
    lake = typed(pl.DataFrame([line]), entity_schema(INVOICE_LINES))
    frame = prepare_frame(INVOICE_LINES, lake).with_columns(pl.lit(True).alias(IS_CURRENT))
    assert validate(partial(raw_suite, INVOICE_LINES), frame, None, "test").success
    for wrong in (pl.Float64, pl.String):
        shape = validate(
            partial(raw_suite, INVOICE_LINES),
            frame.with_columns(pl.col("amount_eur").cast(wrong)),
            None,
            "test",
        )
        assert [(o.expectation, o.column) for o in shape.failed] == [
            ("expect_column_values_to_be_of_type", "amount_eur")
        ]


def typed(frame: pl.DataFrame, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """`frame` in the columns and types of `schema`, the missing columns null."""
    missing = [pl.lit(None, dtype).alias(c) for c, dtype in schema.items() if c not in frame]
    return frame.with_columns(missing).select(list(schema)).cast(schema)


def deliver(lake: Path, entity: Entity, delivery: str, rows: list[dict]) -> dict:
    """Writes `rows` (key columns, reference, deleted) to the lake as one delivered file and
    returns its load-log row."""
    file = f"{entity.name}.csv"
    frame = pl.DataFrame(
        [
            {
                "updated_at": f"{delivery} 08:00",
                "deleted": False,
                "_delivery_id": delivery,
                "_source_file": f"{entity.source}/{delivery}/{file}",
                "_row_no": n,
                **row,
            }
            for n, row in enumerate(rows, start=1)
        ]
    ).with_columns(pl.col("updated_at").str.to_datetime())
    write_atomically(typed(frame, entity_schema(entity)), data_file(lake, entity, delivery, file))
    logged = {
        "source": entity.source,
        "delivery_id": delivery,
        "file": file,
        "entity": entity.name,
        "content_sha256": f"{entity.name}-{delivery}",
        "rejected": False,
    }
    write_atomically(
        typed(pl.DataFrame([logged]), LOAD_LOG_SCHEMA),
        load_log_file(lake, entity.source, delivery, file),
    )
    return logged


def test_references_are_checked_where_they_can_have_broken_since_the_published_snapshot(
    tmp_path: Path,
):
    lake, published = tmp_path / "lake", tmp_path / "published"
    ensure_placeholders(lake)
    published_files = [
        deliver(lake, PROVIDERS, "2026-01-01", [{"business_id": "P1"}, {"business_id": "P2"}]),
        deliver(
            lake,
            CONTRACTS,
            "2026-01-01",
            [
                {"contract_id": "C1", "business_id": "P1"},
                {"contract_id": "C2", "business_id": "P2"},
            ],
        ),
    ]
    published.mkdir()
    with duckdb.connect(str(published / CURRENT)) as con:
        con.execute("create schema audit")
        con.register("files", pl.DataFrame(published_files))
        con.execute("create table audit.load_log as from files")
    # Unpublished: P2 deleted (C2 is orphaned), a contract of a provider nobody delivered and
    # one of P1.
    deliver(lake, PROVIDERS, "2026-01-02", [{"business_id": "P2", "deleted": True}])
    deliver(
        lake,
        CONTRACTS,
        "2026-01-02",
        [{"contract_id": "C3", "business_id": "P9"}, {"contract_id": "C4", "business_id": "P1"}],
    )
    frame = reference_frame(lake, published, CONTRACTS, REFERENCES[CONTRACTS])
    assert frame.sort("contract_id").select("contract_id", "business_id_in_providers").rows() == [
        ("C2", False),
        ("C3", False),
        ("C4", True),
    ]
    # Before the first snapshot every current row is checked.
    everything = reference_frame(lake, tmp_path / "none", CONTRACTS, REFERENCES[CONTRACTS])
    assert sorted(everything["contract_id"]) == ["C1", "C2", "C3", "C4"]


def test_dbt_failures_are_read_as_examples(tmp_path: Path):
    warehouse = tmp_path / "w.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute(f"create schema {FAILURES_SCHEMA}")
        con.execute(
            f"""create table {FAILURES_SCHEMA}.kpi_area_month__grain as
            select 8 as employment_area_code, '{PERSON_KEY}' as person_key, 2 as n"""
        )
    examples = failure_examples(warehouse, ["kpi_area_month__grain", "not_stored"])
    assert examples == {
        "kpi_area_month__grain": "| employment_area_code | n |\n|---|---|\n| 8 | 2 |"
    }


def test_only_the_newest_runs_data_docs_are_kept(tmp_path: Path):
    for stamp in ("20261101T020000_a", "20261102T020000_b", "20261103T020000_c"):
        (tmp_path / stamp / "gx").mkdir(parents=True)
    make_room(tmp_path, keep=2)  # the next run's folder will be the second
    assert [p.name for p in tmp_path.iterdir()] == ["20261103T020000_c"]
    make_room(tmp_path / "missing", keep=2)


def test_validation_does_not_fingerprint_the_frame(monkeypatch: pytest.MonkeyPatch):
    from great_expectations.execution_engine import pandas_execution_engine

    hashed = []
    monkeypatch.setattr(pandas_execution_engine, "hash_pandas_dataframe", hashed.append)
    frame = delivered_providers([("1234567-1", "NGO", "2026-01-01 00:00", 1, True)])
    assert validate(partial(raw_suite, PROVIDERS), frame, None, "test").success
    assert hashed == []
