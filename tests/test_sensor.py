"""The new-delivery sensor and the _READY marker, evaluated without a Dagster daemon."""

from __future__ import annotations

import json
from pathlib import Path

import dagster as dg
import pytest

from ingest.load import READY_MARKER, ingest_source
from ingest.pseudonymise import PseudonymKey
from orchestration.sensors import DELIVERIES_TAG, NIGHTLY_JOB, new_delivery_sensor
from orchestration.settings import Settings

KEY = PseudonymKey(b"0123456789abcdef-test-key", is_demo=False)
PERSONS = b"person_id,home_municipality_code,updated_at\n131052-308T,091,2026-11-20\n"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(landing_dir=str(tmp_path / "landing"), lake_dir=str(tmp_path / "lake"))


def deliver(settings: Settings, delivery: str, ready: bool = True, source: str = "register"):
    folder = settings.landing / source / delivery
    folder.mkdir(parents=True)
    (folder / "persons.csv").write_bytes(PERSONS)
    if ready:
        (folder / READY_MARKER).touch()
    return folder


def evaluate(settings: Settings, cursor: str | None) -> dg.SensorResult:
    context = dg.build_sensor_context(cursor=cursor, resources={"settings": settings})
    return new_delivery_sensor(context)


def test_a_marked_delivery_starts_one_run_once_its_files_stopped_changing(settings):
    deliver(settings, "2026-11-21")
    first = evaluate(settings, None)
    assert not first.run_requests
    assert first.skip_reason.skip_message == (
        "waiting for register/2026-11-21 (files seen changing or seen once)"
    )
    second = evaluate(settings, first.cursor)
    [request] = second.run_requests
    assert request.run_key == "deliveries:register/2026-11-21"
    assert request.tags[DELIVERIES_TAG] == "register/2026-11-21"
    third = evaluate(settings, second.cursor)
    assert not third.run_requests
    assert third.skip_reason.skip_message == "no new deliveries"


def test_a_delivery_without_the_marker_never_starts_a_run(settings):
    deliver(settings, "2026-11-21", ready=False)
    cursor = None
    for _ in range(3):
        result = evaluate(settings, cursor)
        assert not result.run_requests
        assert result.skip_reason.skip_message == (
            "waiting for register/2026-11-21 (no _READY marker)"
        )
        cursor = result.cursor


def test_a_file_still_growing_after_the_marker_is_not_picked_up_half_way(settings):
    folder = deliver(settings, "2026-11-21")
    first = evaluate(settings, None)
    with (folder / "persons.csv").open("ab") as f:
        f.write(b"150601A234A,091,2026-11-20\n")
    second = evaluate(settings, first.cursor)
    assert not second.run_requests
    third = evaluate(settings, second.cursor)
    assert [r.run_key for r in third.run_requests] == ["deliveries:register/2026-11-21"]


def test_deliveries_ready_together_share_one_run(settings):
    deliver(settings, "2026-11-21")
    deliver(settings, "2026-11-21", source="surveys")
    result = evaluate(settings, evaluate(settings, None).cursor)
    [request] = result.run_requests
    assert request.run_key == "deliveries:register/2026-11-21,surveys/2026-11-21"


def test_a_delivery_already_in_the_load_log_is_not_asked_for_again(settings):
    deliver(settings, "2026-11-21")
    ingest_source(settings.landing, "register", settings.lake, KEY)
    result = evaluate(settings, evaluate(settings, None).cursor)
    assert not result.run_requests
    assert json.loads(result.cursor) == {"pending": {}, "requested": []}


def test_the_sensor_targets_the_nightly_job(settings):
    from orchestration.definitions import build_definitions

    sensor = build_definitions(settings).resolve_sensor_def("new_delivery")
    assert sensor.job_name == NIGHTLY_JOB
    assert sensor.default_status == dg.DefaultSensorStatus.STOPPED


def test_ingest_loads_unmarked_deliveries_unless_the_marker_is_required(settings):
    deliver(settings, "2026-11-20")
    deliver(settings, "2026-11-21", ready=False)
    required = ingest_source(settings.landing, "register", settings.lake, KEY, True)
    assert required["delivery_id"].to_list() == ["2026-11-20"]
    default = ingest_source(settings.landing, "register", settings.lake, KEY)
    assert default["delivery_id"].to_list() == ["2026-11-21"]  # 2026-11-20 already loaded


def test_runs_of_the_sensor_and_the_schedule_queue_one_at_a_time(tmp_path, monkeypatch):
    from orchestration.cli import ensure_dagster_home

    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    ensure_dagster_home()
    with dg.DagsterInstance.from_config(str(tmp_path / "home")) as instance:
        assert instance.get_concurrency_config().run_queue_config.max_concurrent_runs == 1


def test_an_ended_runs_data_docs_are_rendered_by_the_sensor(tmp_path: Path):
    """The checks only store their results; the sensor renders the run's pages and index
    once the run has ended, in the run's own folder under the exports."""
    import great_expectations as gx
    import polars as pl

    from orchestration.sensors import data_docs_sensors
    from quality.checks import run_docs_root
    from quality.validation import validate

    @dg.asset
    def checked() -> None:
        """Stands for the run's assets: the sensor only needs an ended run."""

    settings = Settings(exports_dir=str(tmp_path / "exports"))
    instance = dg.DagsterInstance.ephemeral()
    run = dg.materialize([checked], instance=instance)
    root = run_docs_root(instance, run.run_id, settings.exports)
    index = root / "gx/uncommitted/data_docs/local_site/index.html"

    def suite() -> gx.ExpectationSuite:
        not_null = gx.expectations.ExpectColumnValuesToNotBeNull(column="n")
        return gx.ExpectationSuite(name="units", expectations=[not_null])

    validate(suite, pl.DataFrame({"n": [1, 2]}), root, run.run_id)
    assert (root / "gx").is_dir() and not index.exists()

    success = next(s for s in data_docs_sensors if s.name == "data_docs_after_success")
    context = dg.build_run_status_sensor_context(
        sensor_name=success.name,
        dagster_instance=instance,
        dagster_run=instance.get_run_by_id(run.run_id),
        dagster_event=run.get_run_success_event(),
        resources={"settings": settings},
    )
    skipped = success(context)
    assert index.is_file() and "units" in index.read_text(encoding="utf-8")
    assert str(index) in skipped.skip_message
