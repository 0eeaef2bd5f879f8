"""Fault injection: a faulty delivery fails the right blocking check, publishes nothing and
leaves the published snapshot, the exports and the data dictionary byte for byte as they
were; a clean corrective delivery afterwards publishes again.

One generated landing is run once per module (the published baseline); each test works on a
copy of it with its own Dagster home.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import polars as pl
import pytest
from stdnum.fi import ytunnus

from ingest.generator import generate_landing
from ingest.pseudonymise import is_valid_identity_code
from orchestration.run import RunReport, execute, format_report
from orchestration.settings import Settings
from quality.checks import QUALITY_DOCS_DIR
from tests.helpers import settings_under

PERSONS = 300
SEED = 7
FAULT_AT = datetime(2026, 11, 1, 8, 0)  # after the generated as-of date (2026-10-31)
FIX_AT = datetime(2026, 11, 2, 8, 0)
FAULT_DELIVERY, FIX_DELIVERY = "2026-11-01", "2026-11-02"
MISSING_MONTH = (date(2026, 9, 1), date(2026, 9, 30))  # complete, but not yet settled


@dataclass(frozen=True)
class Work:
    settings: Settings
    landing: Path


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated landing run once: its work folder holds the published baseline."""
    work = tmp_path_factory.mktemp("quality_baseline")
    generate_landing(work / "landing", persons=PERSONS, seed=SEED)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DAGSTER_HOME", str(work / "dagster_home"))
        report = execute(settings_under(work, work / "landing"))
    assert report.success and report.published, report.errors
    assert report.failed_checks == []
    return work


@pytest.fixture
def work(baseline: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Work:
    """A copy of the baseline's work folder (lake, warehouse, published, exports, Dagster home)."""
    copy = tmp_path / "work"
    shutil.copytree(baseline, copy, symlinks=True)
    monkeypatch.setenv("DAGSTER_HOME", str(copy / "dagster_home"))
    return Work(settings_under(copy, copy / "landing"), copy / "landing")


# ---- what a run left behind ----------------------------------------------------------------


def published_outputs(settings: Settings) -> dict[str, str]:
    """Hash of every file under published/ and exports/ but the runs' GX Data Docs."""
    hashes = {}
    for root in (settings.published, settings.exports):
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            relative = path.relative_to(root.parent)
            if relative.parts[1] == QUALITY_DOCS_DIR:
                continue
            hashes[str(relative)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return hashes


def failed(report: RunReport) -> set[tuple[str, str]]:
    return {(c.asset, c.check) for c in report.failed_checks}


def assert_blocked(report: RunReport, settings: Settings, before: dict[str, str], check) -> str:
    """The run failed on `check` (asset, name), published nothing, and says so."""
    assert not report.success
    assert check in failed(report), failed(report)
    assert all(c.blocking for c in report.failed_checks)
    assert not report.published and report.snapshot is None
    assert published_outputs(settings) == before
    printed = format_report(report, settings, Path("run.log"))
    asset, name = check
    assert f"FAILED {asset} :: {name} (ERROR, blocking)" in printed
    assert "NOTHING WAS PUBLISHED" in printed
    assert str(settings.published / "current.duckdb") in printed
    return printed


def assert_published_again(settings: Settings, before: dict[str, str]) -> RunReport:
    report = execute(settings)
    assert report.success and report.published, (failed(report), report.errors)
    assert report.failed_checks == []
    assert published_outputs(settings) != before
    return report


def check_history(settings: Settings, run_id: str) -> dict[tuple[str, str], str]:
    """(asset, check) -> status recorded for the run, read through the published view."""
    with duckdb.connect(str(settings.published / "current.duckdb"), read_only=True) as con:
        rows = con.execute(
            "select asset, check_name, status from quality.check_results where run_id = ?",
            [run_id],
        ).fetchall()
    return {(asset, check): status for asset, check, status in rows}


# ---- deliveries ----------------------------------------------------------------------------


def write_csv(frame: pl.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.write_csv(path, datetime_format="%Y-%m-%dT%H:%M:%S", date_format="%Y-%m-%d")


def delivered(landing: Path, source: str, entity: str, key: list[str]) -> pl.DataFrame:
    """The current version of every live key as delivered (raw identity codes included)."""
    frames = []
    for delivery in sorted((landing / source).iterdir()):
        for path in delivery.glob(f"{entity}.*"):
            frame = (
                pl.read_excel(path) if path.suffix == ".xlsx" else pl.read_parquet(path)
            ).with_columns(pl.lit(delivery.name).alias("_delivery"))
            frames.append(frame)
    rows = pl.concat(frames, how="diagonal_relaxed")
    latest = rows.sort("updated_at", "_delivery").unique(subset=key, keep="last")
    return latest.filter(~pl.col("deleted").fill_null(False)).drop("_delivery")


def invoice_lines(landing: Path) -> pl.DataFrame:
    return delivered(landing, "purchases", "invoice_lines", ["invoice_id", "line_no"])


def scaled(lines: pl.DataFrame, factor: float, at: datetime) -> pl.DataFrame:
    return lines.with_columns(
        (pl.col("amount_eur") * factor).round(2), pl.lit(at).alias("updated_at")
    ).sort("invoice_id", "line_no")


def responses(items: int, at: datetime) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "response_id": [f"PR-QG-{i:03d}" for i in range(20)],
            "response_date": ["2026-10-15"] * 20,
            "measurement_point": ["START"] * 20,
            **{f"q{q:02d}": [items] * 20 for q in range(1, 11)},
            "updated_at": [at] * 20,
        }
    )


def contract(business_id: str, at: datetime) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "contract_id": ["SOP-QG-1"],
            "business_id": [business_id],
            "employment_area_code": [8],
            "service_code": ["WORK_TRIAL"],
            "procurement_route": ["TENDER"],
            "pricing_model": ["PER_CUSTOMER_DAY"],
            "unit_price_eur": ["50.00"],
            "valid_from": ["2026-11-01"],
            "updated_at": [at],
        }
    )


def provider_ids(settings: Settings) -> set[str]:
    """Business IDs of the providers in the lake (business IDs are not pseudonymised)."""
    return set(pl.read_parquet(settings.lake / "purchases" / "providers")["business_id"])


def unknown_business_id(settings: Settings) -> str:
    """A valid business ID (check digit and all) that no delivered provider has."""
    known = provider_ids(settings)
    candidates = (f"{n}-{d}" for n in range(1234567, 1234600) for d in range(10))
    return next(c for c in candidates if ytunnus.is_valid(c) and c not in known)


def status_periods(landing: Path) -> pl.DataFrame:
    periods = delivered(landing, "register", "jobseeker_periods", ["period_id"])
    valid = periods["person_id"].map_elements(is_valid_identity_code, return_dtype=pl.Boolean)
    ordered = pl.col("end_date").is_null() | (pl.col("end_date") >= pl.col("start_date"))
    return periods.filter(valid & ordered)


def month_cut_out(periods: pl.DataFrame, at: datetime) -> pl.DataFrame:
    """Every period touching the missing month, changed so that none covers any of its days:
    cut before it and resumed (under a new id) after it, moved past it, or deleted."""
    first, last = MISSING_MONTH
    touching = periods.filter(
        (pl.col("start_date") <= last)
        & (pl.col("end_date").is_null() | (pl.col("end_date") >= first))
    )
    runs_past = pl.col("end_date").is_null() | (pl.col("end_date") > last)
    before = touching.filter(pl.col("start_date") < first)
    inside = touching.filter(pl.col("start_date") >= first)
    changed = pl.concat(
        [
            before.with_columns(pl.lit(first - timedelta(days=1)).alias("end_date")),
            before.filter(runs_past).with_columns(
                (pl.col("period_id") + "-R").alias("period_id"),
                pl.lit(last + timedelta(days=1)).alias("start_date"),
            ),
            inside.filter(runs_past).with_columns(
                pl.lit(last + timedelta(days=1)).alias("start_date")
            ),
            inside.filter(~runs_past).with_columns(pl.lit(True).alias("deleted")),
        ]
    )
    return changed.with_columns(pl.lit(at).alias("updated_at")).sort("period_id")


def month_restored(periods: pl.DataFrame, cut: pl.DataFrame, at: datetime) -> pl.DataFrame:
    """The touched periods as they were, and the resumed ones deleted."""
    resumed = cut.filter(pl.col("period_id").str.ends_with("-R"))
    originals = periods.join(cut.select("period_id"), on="period_id", how="semi")
    return pl.concat([originals, resumed.with_columns(pl.lit(True).alias("deleted"))]).with_columns(
        pl.lit(at).alias("updated_at")
    )


# ---- the faults ----------------------------------------------------------------------------


def test_doubled_invoice_amounts_trip_the_volume_band(work: Work):
    before = published_outputs(work.settings)
    lines = invoice_lines(work.landing)
    delivery = work.landing / "purchases"
    write_csv(scaled(lines, 2, FAULT_AT), delivery / FAULT_DELIVERY / "invoice_lines.csv")
    report = execute(work.settings)
    check = ("marts/kpi_area_month", "gx_volume_band")
    printed = assert_blocked(report, work.settings, before, check)
    assert "spend_eur" in printed  # an example row names the measure that moved

    write_csv(scaled(lines, 1, FIX_AT), delivery / FIX_DELIVERY / "invoice_lines.csv")
    assert_published_again(work.settings, before)
    assert check_history(work.settings, report.run_id)[check] == "FAILED"


def test_a_missing_register_month_trips_the_coverage_check(work: Work):
    before = published_outputs(work.settings)
    periods = status_periods(work.landing)
    cut = month_cut_out(periods, FAULT_AT)
    delivery = work.landing / "register"
    write_csv(cut, delivery / FAULT_DELIVERY / "jobseeker_periods.csv")
    report = execute(work.settings)
    check = ("intermediate/int_register_month_coverage", "gx_register_month_coverage")
    printed = assert_blocked(report, work.settings, before, check)
    assert str(MISSING_MONTH[0]) in printed

    restored = month_restored(periods, cut, FIX_AT)
    write_csv(restored, delivery / FIX_DELIVERY / "jobseeker_periods.csv")
    assert_published_again(work.settings, before)


def test_survey_items_all_6_are_quarantined_and_trip_the_quarantine_share(work: Work):
    before = published_outputs(work.settings)
    delivery = work.landing / "surveys"
    write_csv(responses(6, FAULT_AT), delivery / FAULT_DELIVERY / "participation_responses.csv")
    report = execute(work.settings)
    check = ("surveys/participation_responses", "quarantine_share")
    printed = assert_blocked(report, work.settings, before, check)
    assert "20 of 20 rows read (100.0%) quarantined" in printed
    assert "OUT_OF_RANGE" in printed or "q01" in printed  # example rows say what broke

    write_csv(responses(4, FIX_AT), delivery / FIX_DELIVERY / "participation_responses.csv")
    assert_published_again(work.settings, before)


def test_a_contract_of_an_unknown_provider_trips_the_reference_check(work: Work):
    before = published_outputs(work.settings)
    unknown = unknown_business_id(work.settings)
    delivery = work.landing / "purchases"
    write_csv(contract(unknown, FAULT_AT), delivery / FAULT_DELIVERY / "contracts.csv")
    report = execute(work.settings)
    printed = assert_blocked(
        report, work.settings, before, ("purchases/contracts", "gx_references")
    )
    assert "SOP-QG-1" in printed and unknown in printed
    # The run's Data Docs are beside the exports, outside every published folder.
    assert report.data_docs is not None and Path(report.data_docs).is_file()
    assert Path(report.data_docs).is_relative_to(work.settings.exports / QUALITY_DOCS_DIR)

    known = sorted(provider_ids(work.settings))[0]
    write_csv(contract(known, FIX_AT), delivery / FIX_DELIVERY / "contracts.csv")
    assert_published_again(work.settings, before)
