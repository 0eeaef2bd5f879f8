"""A nightly run takes in only the night's files, and its warehouse equals a full rebuild.

The full side is `generated_run` (tests/conftest.py): both deliveries of the generated landing
folder built at once. The incremental side loads the first delivery, builds, then gets the
second delivery and builds again, taking in only the new lake files.
"""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest

from ingest.generator.rounds import deliver, delivery_rounds
from ingest.load import ingest_source
from ingest.pseudonymise import load_key
from orchestration.run import execute
from tests.helpers import FIXTURES, query, run_dbt, settings_under

COMPARED_SCHEMAS = ("staging", "intermediate", "marts")
COMPARED_AUDIT = [("audit", "data_quality_findings")]  # the other audit tables record loads
LEDGER_TABLES = {"stg_lake_files", "lake_files_at_start", "int_lake_files"}  # lake paths differ
# The incremental person-level intermediates, with the entity whose new files touch people.
PERSON_MODELS = {
    "intermediate.int_person_status_segments": "jobseeker_periods",
    "intermediate.int_person_invoice_allocations": "invoice_lines",
    "intermediate.int_person_service_month_ends": "service_periods",
    "intermediate.int_person_service_episodes": "service_periods",
    "intermediate.int_person_episode_outcomes": "service_periods",
    "intermediate.int_person_active_months": "service_periods",
}


def _ledger(settings) -> set[str]:
    return {r["file"] for r in query(settings, "select file from staging.stg_lake_files")}


@pytest.fixture(scope="module")
def nightly(generated_run, tmp_path_factory):
    """The incremental side. Between the two builds every persons row in staging is moved a
    second back (no model reads a person's updated_at but staging's own), so the rows the
    nightly build recomputes show."""
    work = tmp_path_factory.mktemp("incremental")
    landing = work / "landing"
    generated = Path(generated_run.settings.landing_dir)
    first, second = delivery_rounds(generated)
    settings = settings_under(work, landing)
    deliver(first, generated, landing)
    assert execute(settings).success
    taken_first = _ledger(settings)
    _shift_persons(settings, "- interval 1 second")
    deliver(second, generated, landing)
    report = execute(settings)
    return report, settings, taken_first


def _shift_persons(settings, shift: str, where: str = "true") -> None:
    with duckdb.connect(settings.warehouse_path) as con:
        con.execute(
            f"update staging.stg_register__persons set updated_at = updated_at {shift} "
            f"where {where}"
        )


def _persons_in(files: set[str], entity: str = "persons") -> str:
    """SQL: the person keys in the new files of an entity."""
    chosen = sorted(f for f in files if Path(f).parent.name == entity)
    return (
        f"(select person_key from read_parquet({chosen!r}, union_by_name = true)"
        " where person_key is not null)"  # tombstones carry only their key
    )


def test_the_nightly_build_takes_in_only_the_new_lake_files(nightly):
    report, settings, taken_first = nightly
    assert report.success
    new = _ledger(settings) - taken_first
    assert new and taken_first < _ledger(settings)
    assert {Path(f).name.split("__")[0] for f in new} == {"2026-10-31"}


def test_the_nightly_build_recomputes_exactly_the_touched_keys(nightly, generated_run):
    _, settings, taken_first = nightly
    touched = _persons_in(_ledger(settings) - taken_first)
    with duckdb.connect(settings.warehouse_path, read_only=True) as con:
        con.execute(f"attach '{generated_run.settings.warehouse_path}' as full_build (read_only)")
        counts = con.execute(
            f"""select p.person_key in {touched} as touched,
                p.updated_at = f.updated_at as as_delivered, count(*)
            from staging.stg_register__persons as p
            join full_build.staging.stg_register__persons as f using (person_key)
            group by all"""
        ).fetchall()
    by_kind = {(t, same): n for t, same, n in counts}
    assert set(by_kind) == {(True, True), (False, False)}, by_kind  # touched ones only
    assert by_kind[(True, True)] > 0 and by_kind[(False, False)] > by_kind[(True, True)]


def test_the_nightly_build_recomputes_only_the_touched_persons(nightly):
    """The people of the new files have rows built by the nightly build; most others keep the
    rows of the first build."""
    _, settings, taken_first = nightly
    new = _ledger(settings) - taken_first
    for table, entity in PERSON_MODELS.items():
        counts = query(
            settings,
            f"""select person_key in {_persons_in(new, entity)} as in_new_files,
                built_at = (select min(built_at) from {table}) as from_first_build,
                count(*) as n
            from {table} group by all""",
        )
        by_kind = {(r["in_new_files"], r["from_first_build"]): r["n"] for r in counts}
        assert (True, True) not in by_kind, (table, by_kind)
        assert by_kind[(True, False)] > 0, (table, by_kind)
        assert by_kind[(False, True)] > by_kind.get((False, False), 0), (table, by_kind)


def test_the_nightly_warehouse_equals_a_full_rebuild(nightly, generated_run):
    _, settings, taken_first = nightly
    touched = _persons_in(_ledger(settings) - taken_first)
    _shift_persons(settings, "+ interval 1 second", f"person_key not in {touched}")
    with duckdb.connect(settings.warehouse_path) as con:
        con.execute(f"attach '{generated_run.settings.warehouse_path}' as full_build (read_only)")
        tables = con.execute(
            """select table_schema, table_name from information_schema.tables
            where table_catalog = current_database() and table_schema in ?""",
            [list(COMPARED_SCHEMAS)],
        ).fetchall()
        assert {s for s, _ in tables} == set(COMPARED_SCHEMAS)
        compared = [(s, t) for s, t in tables if t not in LEDGER_TABLES] + COMPARED_AUDIT
        _assert_equal_to_full_build(con, compared)


def _assert_equal_to_full_build(con, tables: list[tuple[str, str]]) -> None:
    """Each (schema, table) holds the same rows as in the attached `full_build`, every column
    compared but when the row was built."""
    for schema, table in tables:
        ours, theirs = f"{schema}.{table}", f"full_build.{schema}.{table}"
        columns = ", ".join(
            c
            for (c,) in con.execute(f"select name from pragma_table_info('{ours}')").fetchall()
            if c != "built_at"
        )
        for a, b in ((ours, theirs), (theirs, ours)):
            extra = con.execute(
                f"select count(*) from (select {columns} from {a}"
                f" except all select {columns} from {b})"
            ).fetchone()[0]
            assert extra == 0, f"{a} has {extra} rows that {b} has not"


# J13 (P1's open-market job from 10.4.2025) and J62 (P6's job 1.-20.5.2025) re-delivered as
# P2's. The new file names only P2; P1 and P6 are found by the periods' earlier versions (in
# the lake, or in the model when it holds period ids).
MOVED_PERIODS = (
    "period_id,person_id,status,municipality_code,start_date,end_date,updated_at,deleted\n"
    "J13,150601A234A,EMPLOYED_OPEN,091,2025-04-10,,2026-03-31T13:00:00,false\n"
    "J62,150601A234A,EMPLOYED_OPEN,091,2025-05-01,2025-05-20,2026-03-31T13:00:00,false\n"
)
# Overlapping pairs (lower period id first): start, end (None: open) and the deciding period.
# P2 (J21 1.1.-30.6.2025, J22 1.7.-31.10.2025, J23 from 1.11.2025) gains J13 and J62, each
# overlapping what it meets; the later start decides. P6 keeps only J61: no pair left.
PAIRS = """select period_id, other_period_id, overlap_start, overlap_end, decided_by_period_id
    from intermediate.int_person_overlapping_periods
    where period_id < other_period_id order by all"""
PAIRS_BEFORE = [("J61", "J62", date(2025, 5, 1), date(2025, 5, 20), "J62")]
PAIRS_AFTER = [
    ("J13", "J21", date(2025, 4, 10), date(2025, 6, 30), "J13"),
    ("J13", "J22", date(2025, 7, 1), date(2025, 10, 31), "J22"),
    ("J13", "J23", date(2025, 11, 1), None, "J23"),
    ("J13", "J62", date(2025, 5, 1), date(2025, 5, 20), "J62"),
    ("J21", "J62", date(2025, 5, 1), date(2025, 5, 20), "J62"),
]
E1_OUTCOMES = (
    "employed_open_within_30d, employed_open_3m, employed_open_6m, employed_open_12m,"
    " working_or_studying_12m, next_step_90d"
)


def _ingest_and_build_person_models(settings, target: Path, as_of: str = "") -> None:
    """Ingest, then dbt builds the person-level intermediates (and what they read) only, as of
    `as_of` when given (else the latest delivery)."""
    for source in ("register", "purchases", "surveys"):
        ingest_source(settings.landing, source, settings.lake, load_key(demo=True))
    env = {
        **os.environ,
        "VAIKUTTAVUUS_LAKE_DIR": settings.lake_dir,
        "VAIKUTTAVUUS_WAREHOUSE": settings.warehouse_path,
        "VAIKUTTAVUUS_AS_OF": as_of,
    }
    built = run_dbt(
        [
            "build",
            "--select",
            "+int_lake_files",
            "--exclude-resource-type",
            "test",
            "--exclude-resource-type",
            "unit_test",
        ],
        env,
        target,
    )
    assert built.returncode == 0, built.stdout[-3000:]


def _hand_built(work: Path):
    """Settings over a copy of the hand-built landing folder under `work`."""
    landing = work / "landing"
    shutil.copytree(FIXTURES / "hand_built", landing)
    settings = settings_under(work, landing)
    settings.warehouse.parent.mkdir(parents=True)
    return settings


def test_a_period_moved_to_someone_else_recomputes_its_previous_person(tmp_path):
    """The outcomes hold no period ids, so a nightly build finds the person a period moved away
    from in the lake. Without J13, P1 has no status after E1 ends on 31.3.2025: every outcome
    of E1 (as of 31.3.2026, all observable) turns false and nothing followed it. The
    overlapping pairs hold period ids: P6's pair goes with J62, and P2's new pairs come."""
    settings = _hand_built(tmp_path)
    landing = settings.landing
    _ingest_and_build_person_models(settings, tmp_path / "target")
    e1 = f"""select {E1_OUTCOMES} from intermediate.int_person_episode_outcomes
        where service_period_id = 'E1'"""
    assert query(settings, e1) == [
        dict.fromkeys(E1_OUTCOMES.split(", "), True) | {"next_step_90d": "EMPLOYED_OPEN"}
    ]
    assert [tuple(r.values()) for r in query(settings, PAIRS)] == PAIRS_BEFORE
    (landing / "register" / "2026-04-01").mkdir()
    (landing / "register" / "2026-04-01" / "jobseeker_periods.csv").write_text(MOVED_PERIODS)
    _ingest_and_build_person_models(settings, tmp_path / "target")
    assert query(settings, e1) == [
        dict.fromkeys(E1_OUTCOMES.split(", "), False) | {"next_step_90d": "NO_SERVICE_NO_WORK"}
    ]
    assert [tuple(r.values()) for r in query(settings, PAIRS)] == PAIRS_AFTER
    [built] = query(  # by a nightly build, not a full one
        settings,
        "select count(distinct built_at) as builds from intermediate.int_person_episode_outcomes",
    )
    assert built["builds"] == 2


def test_the_as_of_date_moved_across_month_ends_and_back_equals_a_full_build(tmp_path):
    """With no new file, the models kept by day or month add the month-ends and months the
    as-of date enters for the people nothing touches (E4 and E6 go on into July, E4 into
    August), and drop those it leaves when set back; the people with an episode start the
    move crosses (E2 and E3 on 1.7.) are recomputed. After each move the person-level
    intermediates equal a full build at that as-of date."""
    nightly = _hand_built(tmp_path / "nightly")
    _ingest_and_build_person_models(nightly, tmp_path / "target", as_of="2025-06-15")
    for as_of in ("2025-09-10", "2025-07-20"):
        _ingest_and_build_person_models(nightly, tmp_path / "target", as_of=as_of)
        full = _hand_built(tmp_path / f"full-{as_of}")
        _ingest_and_build_person_models(full, tmp_path / f"target-{as_of}", as_of=as_of)
        with duckdb.connect(nightly.warehouse_path) as con:
            con.execute(f"attach '{full.warehouse_path}' as full_build (read_only)")
            tables = con.execute(
                """select table_schema, table_name from information_schema.tables
                where table_catalog = current_database() and table_schema = 'intermediate'
                and table_name like 'int_person_%'"""
            ).fetchall()
            assert len(tables) == len(PERSON_MODELS) + 1  # and the overlapping periods
            _assert_equal_to_full_build(con, tables)
    # The first build (as of 15.6.) made every row up to June; the second (9.10.) recomputed
    # E2's and E3's people (E3's person from March, with E8) and added July and August for
    # E4's and E6's; the third (20.7.) touched nobody and only deleted August and September.
    months = query(
        nightly,
        """select month_start, count(distinct built_at) as builds
        from intermediate.int_person_active_months group by all order by all""",
    )
    assert [(str(r["month_start"]), r["builds"]) for r in months] == [
        ("2025-01-01", 1),
        ("2025-02-01", 1),
        ("2025-03-01", 2),
        ("2025-04-01", 2),
        ("2025-05-01", 2),
        ("2025-06-01", 2),
        ("2025-07-01", 1),
    ]
