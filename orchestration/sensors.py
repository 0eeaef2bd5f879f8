"""Starts the nightly job when a new delivery has landed completely, and renders a run's
Data Docs once the run has ended.

A delivery is complete when its folder holds the `_READY` marker (written by the deliverer
after the last file) and its files have the same names, sizes and modification times in two
evaluations in a row, so a deliverer that writes the marker too early is still not read
half-way. The cursor keeps the pending fingerprints and the deliveries already asked for; a
delivery already in the load log is never asked for again.
"""

import json
from collections.abc import Callable
from pathlib import Path

import dagster as dg
import polars as pl

from ingest.contract import SOURCES
from ingest.lake import read_load_log
from ingest.load import READY_MARKER, delivery_dirs, is_marked_ready
from orchestration.settings import Settings
from quality.checks import build_run_data_docs

NIGHTLY_JOB = "nightly_run"
DELIVERIES_TAG = "vaikuttavuus/deliveries"


def _fingerprint(folder: Path) -> list[list]:
    """Every file but the marker, temporary files included: they are still being written."""
    return sorted(
        [p.name, p.stat().st_size, p.stat().st_mtime_ns]
        for p in folder.iterdir()
        if p.is_file() and p.name != READY_MARKER
    )


def _loaded_deliveries(lake: Path) -> set[str]:
    log = read_load_log(lake).select(pl.concat_str("source", "delivery_id", separator="/"))
    return set(log.to_series().to_list())


@dg.sensor(
    name="new_delivery",
    job_name=NIGHTLY_JOB,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.STOPPED,
    description=(
        "Runs the nightly job when a delivery folder holds the _READY marker and its files "
        "stopped changing between two evaluations."
    ),
)
def new_delivery_sensor(context: dg.SensorEvaluationContext, settings: Settings):
    cursor = json.loads(context.cursor) if context.cursor else {}
    pending: dict[str, list] = cursor.get("pending", {})
    loaded = _loaded_deliveries(settings.lake)
    requested = set(cursor.get("requested", [])) - loaded  # loaded ones are known anyway
    ready, still_pending, waiting = [], {}, []
    for source in SOURCES:
        for folder in delivery_dirs(settings.landing, source):
            delivery = f"{source}/{folder.name}"
            if delivery in loaded or delivery in requested:
                continue
            if not is_marked_ready(folder):
                waiting.append(f"{delivery} (no {READY_MARKER} marker)")
                continue
            fingerprint = _fingerprint(folder)
            if pending.get(delivery) == fingerprint:
                ready.append(delivery)
            else:
                still_pending[delivery] = fingerprint
                waiting.append(f"{delivery} (files seen changing or seen once)")
    next_cursor = json.dumps(
        {"pending": still_pending, "requested": sorted(requested | set(ready))}, sort_keys=True
    )
    if not ready:
        reason = "waiting for " + ", ".join(waiting) if waiting else "no new deliveries"
        return dg.SensorResult(skip_reason=reason, cursor=next_cursor)
    run_request = dg.RunRequest(
        run_key="deliveries:" + ",".join(ready), tags={DELIVERIES_TAG: ",".join(ready)}
    )
    return dg.SensorResult(run_requests=[run_request], cursor=next_cursor)


def _data_docs_sensor(
    decorator: Callable[..., Callable], name: str, **kwargs
) -> dg.SensorDefinition:
    """Renders the Data Docs of a run the daemon launched, once it has ended (runs started
    by `vaikuttavuus run` render their own): its checks only stored their results."""

    @decorator(
        name=name,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Renders the Great Expectations Data Docs of an ended run.",
        **kwargs,
    )
    def render(context: dg.RunStatusSensorContext, settings: Settings) -> dg.SkipReason:
        run_id = context.dagster_run.run_id
        index = build_run_data_docs(context.instance, run_id, settings.exports)
        return dg.SkipReason(f"Data Docs of run {run_id}: {index or 'no validation ran'}")

    return render


data_docs_sensors = [
    _data_docs_sensor(
        dg.run_status_sensor, "data_docs_after_success", run_status=dg.DagsterRunStatus.SUCCESS
    ),
    _data_docs_sensor(dg.run_failure_sensor, "data_docs_after_failure"),
]
