"""The ingest asset of one source in Dagster: the load-log figures as metadata, a rejected file
failing the blocking `files_accepted` check and a mostly quarantined file the blocking
`quarantine_share` check, while the other files still load."""

from __future__ import annotations

import dagster as dg
import polars as pl
import pytest

from ingest.lake import read_load_log
from orchestration.ingest import FILES_ACCEPTED, QUARANTINE_SHARE, ingest_asset
from quality.results import EXAMPLES
from tests.helpers import settings_under

PERSONS = "person_id,home_municipality_code,updated_at\n131052-308T,091,2026-11-20\n"
PERIODS = (
    "period_id;person_id;status;municipality_code;start_date;updated_at\n"
    "J1;131052-308T;UNEMPLOYED;091;1.1.2026;20.11.2026 8:00\n"
    "J2;131052-308U;UNEMPLOYED;091;1.1.2026;20.11.2026 8:00\n"
)


@pytest.fixture
def result(tmp_path):
    delivery = tmp_path / "landing" / "register" / "2026-11-21"
    delivery.mkdir(parents=True)
    (delivery / "persons.csv").write_text(PERSONS, encoding="utf-8")
    (delivery / "jobseeker_periods.csv").write_text(PERIODS, encoding="utf-8")
    (delivery / "service_periods.csv").write_text("service_period_id\nE1\n", encoding="utf-8")
    settings = settings_under(tmp_path, tmp_path / "landing")
    materialized = dg.materialize(
        [ingest_asset("register")],
        resources={"settings": settings},
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,  # the blocking checks fail the step once it has loaded
    )
    return materialized, settings


def checks_named(materialized: dg.ExecuteInProcessResult, name: str) -> dict:
    return {
        e.asset_key.path[-1]: e
        for e in materialized.get_asset_check_evaluations()
        if e.check_name == name
    }


def test_the_asset_metadata_shows_the_load_log(result):
    materialized, settings = result
    assert not materialized.success  # its blocking checks failed
    logged = read_load_log(settings.lake).sort("file")
    metadata = {
        e.asset_key.path[-1]: e.materialization.metadata
        for e in materialized.get_asset_materialization_events()
    }
    for row in logged.iter_rows(named=True):
        shown = metadata[row["entity"]]
        assert shown["rows_read"].value == row["rows_read"]
        assert shown["rows_loaded"].value == row["rows_loaded"]
        assert shown["rows_quarantined"].value == row["rows_quarantined"]
    assert logged.select("file", "rows_read", "rows_loaded", "rows_quarantined").rows() == [
        ("jobseeker_periods.csv", 2, 1, 1),
        ("persons.csv", 1, 1, 0),
        ("service_periods.csv", 1, 0, 1),
    ]


def test_a_rejected_file_fails_its_entitys_check_only(result):
    materialized, _ = result
    checks = checks_named(materialized, FILES_ACCEPTED)
    assert {name: c.passed for name, c in checks.items()} == {
        "persons": True,
        "jobseeker_periods": True,
        "service_periods": False,
    }
    failed = checks["service_periods"]
    assert failed.blocking
    assert failed.metadata[EXAMPLES].value == (
        "register/2026-11-21/service_periods.csv, column 'person_id': required column is missing"
    )


def test_a_mostly_quarantined_delivery_fails_the_quarantine_share(result):
    materialized, _ = result
    checks = checks_named(materialized, QUARANTINE_SHARE)
    assert {name: c.passed for name, c in checks.items()} == {
        "persons": True,
        "jobseeker_periods": False,  # 1 of 2 rows, above the 5 % allowed
        "service_periods": False,
    }
    failed = checks["jobseeker_periods"]
    assert failed.blocking
    assert failed.description == "1 of 2 rows read (50.0%) quarantined; at most 5.0% may be."
    examples = failed.metadata[EXAMPLES].value
    assert "person_id" in examples  # the quarantined row, with the rule it broke
    assert "131052-308U" not in examples  # the invalid code is never shown in the clear


def test_a_file_named_after_no_entity_fails_every_check_of_its_source(tmp_path):
    delivery = tmp_path / "landing" / "register" / "2026-11-21"
    delivery.mkdir(parents=True)
    (delivery / "persons.csv").write_text(PERSONS, encoding="utf-8")
    (delivery / "people.csv").write_text(PERSONS, encoding="utf-8")
    materialized = dg.materialize(
        [ingest_asset("register")],
        resources={"settings": settings_under(tmp_path, tmp_path / "landing")},
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )
    evaluations = checks_named(materialized, FILES_ACCEPTED).values()
    assert len(evaluations) == 3 and not any(e.passed for e in evaluations)
    assert {e.metadata[EXAMPLES].value for e in evaluations} == {
        "register/2026-11-21/people.csv: not a file of the contract: a register file is one of "
        "persons, jobseeker_periods, service_periods as csv, parquet, xlsx"
    }
    assert pl.read_parquet(tmp_path / "lake" / "register" / "persons" / "*.parquet").height == 1


def test_the_run_report_ends_with_the_rejected_files(result, tmp_path):
    from orchestration.run import CheckOutcome, RunReport, format_report

    _, settings = result
    report = RunReport(
        success=True,
        run_id="r1",
        files=read_load_log(settings.lake).sort("file"),
        checks=[
            CheckOutcome("register/service_periods", FILES_ACCEPTED, False, "ERROR", blocking=True)
        ],
        materialized=set(),
        exports_folder=None,
        report=None,
        snapshot=None,
        data_dictionary=None,
        errors=[],
    )
    printed = format_report(report, settings, tmp_path / "run.log")
    assert (
        "Checks: 0 passed, 1 failed, 0 warnings\n"
        "  FAILED register/service_periods :: files_accepted (ERROR, blocking)\n\n"
        "Rejected files (1), none of their rows loaded:\n"
        "  register/2026-11-21/service_periods.csv, column 'person_id': required column is "
        "missing\n\n"
        "Run completed with 1 FAILED checks (Dagster run r1)"
    ) in printed
