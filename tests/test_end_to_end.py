"""A generated landing folder through every asset, checked against the generator's ground truth.

The run itself is the session fixture `generated_run` (tests/conftest.py): `vaikuttavuus run
--demo` over 600 generated persons."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import openpyxl
import pytest

from ingest.contract import ENTITIES
from orchestration.run import execute
from orchestration.settings import Settings
from tests.helpers import query


@pytest.fixture(scope="module")
def run(generated_run):
    """The generated landing folder run through `vaikuttavuus run` (see conftest.py)."""
    return generated_run.report, generated_run.settings, generated_run.truth


def test_every_asset_materialised_and_every_check_passed(run, generated_run):
    report, settings, _ = run
    assert generated_run.exit_code == 0, generated_run.console
    assert report.success
    assert report.failed_checks == []
    from orchestration.definitions import build_definitions

    every_asset = {
        k.to_user_string()
        for k in build_definitions(settings).resolve_asset_graph().materializable_asset_keys
    }
    assert report.materialized == every_asset
    checks = {(c.asset, c.check) for c in report.checks}
    assert {(f"{e.source}/{e.name}", "gx_raw_expectations") for e in ENTITIES} <= checks
    assert any(c.startswith("marts/") for c, _ in checks)  # dbt tests ran as checks


def test_every_row_loaded_or_quarantined(run):
    _, settings, truth = run
    rows = query(settings, "select * from audit.load_log")
    read = {f"{r['source']}/{r['delivery_id']}/{r['file']}": r["rows_read"] for r in rows}
    assert read == truth["row_counts"]
    assert all(r["rows_read"] == r["rows_loaded"] + r["rows_quarantined"] for r in rows)
    assert not any(r["rejected"] for r in rows)


def test_exactly_the_injected_defects_are_quarantined(run):
    _, settings, truth = run
    found = Counter(
        (f"{r['source']}/{r['delivery_id']}/{r['file']}", r["rule"])
        for r in query(settings, "select * from audit.quarantine")
    )
    assert found == Counter((d["file"], d["rule"]) for d in truth["injected_defects"])


def test_quarantine_never_holds_an_identity_code(run):
    _, settings, truth = run
    shown = {r["person_ref"] for r in query(settings, "select person_ref from audit.quarantine")}
    raw_codes = {v for d in truth["injected_defects"] for v in d["key"].values()}
    assert not shown & raw_codes
    assert all(len(v) == 64 or v.endswith("****") for v in shown if v)


def test_episode_outcomes_reproduce_the_simulation_exactly(run):
    _, settings, truth = run
    facts = query(
        settings,
        """select service_code, coalesce(operating_model, '') as operating_model,
            count(*) as episodes,
            count_if(employed_open_during_service) as during,
            count(employed_open_6m) as n_6m, count_if(employed_open_6m) as employed_6m,
            count(employed_open_12m) as n_12m, count_if(employed_open_12m) as employed_12m
        from marts.fct_service_episodes group by all""",
    )
    by_cell = {(f["service_code"], f["operating_model"]): f for f in facts}
    expected = [r for r in truth["expected_rates"] if r["target_group"] == "ALL"]
    assert len(by_cell) == len(expected)
    for cell in expected:
        fact = by_cell[(cell["service_code"], cell["operating_model"] or "")]
        assert fact["episodes"] == cell["episodes"]
        assert fact["during"] == cell["employed_open_during_service"]["simulated_count"]
        assert (fact["n_6m"], fact["employed_6m"]) == (
            cell["employed_open_6m"]["n"],
            cell["employed_open_6m"]["simulated_count"],
        )
        assert (fact["n_12m"], fact["employed_12m"]) == (
            cell["employed_open_12m"]["n"],
            cell["employed_open_12m"]["simulated_count"],
        )


def test_kpi_area_month_covers_the_generated_areas(run):
    _, settings, truth = run
    areas = {
        r["employment_area_code"]
        for r in query(settings, "select distinct employment_area_code from marts.kpi_area_month")
    }
    assert areas == {a["employment_area_code"] for a in truth["areas"]}


def test_exports_written_with_finnish_labels(run):
    report, settings, truth = run
    folder = Path(report.exports_folder)
    assert folder == Path(settings.exports_dir) / truth["as_of"]
    workbook = openpyxl.load_workbook(folder / f"vaikuttavuus_{truth['as_of']}.xlsx")
    sheet = workbook["Työllisyysalueet"]
    assert sheet["A4"].value == "Työllisyysalueen koodi"
    assert "31.10.2026" in sheet["A2"].value
    csv_header = (folder / "kpi_area_month.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert csv_header.startswith("Työllisyysalueen koodi;Työllisyysalue;Kuukausi;Kohderyhmä")


def test_second_run_loads_nothing_new(run, tmp_path):
    _, settings, _ = run
    again = execute(Settings(**{**settings.model_dump(), "exports_dir": str(tmp_path)}))
    assert again.success and again.files.is_empty()
