"""Session fixtures: one Dagster home (SQLite run storage) outside the project's data folder,
and one generated landing folder run through the `vaikuttavuus run` command, shared by the
end-to-end, leak and snapshot tests (a pipeline run takes about a minute)."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from datetime import datetime

import pytest

from orchestration.settings import Settings
from tests.helpers import settings_under

GENERATED_PERSONS = 600


@pytest.fixture(scope="session", autouse=True)
def _dagster_home(tmp_path_factory: pytest.TempPathFactory):
    patch = pytest.MonkeyPatch()
    patch.setenv("DAGSTER_HOME", str(tmp_path_factory.mktemp("dagster_home")))
    yield
    patch.undo()


@dataclass(frozen=True)
class GeneratedRun:
    report: object  # orchestration.run.RunReport
    settings: Settings
    truth: dict
    exit_code: int
    console: str  # everything the command printed (stdout and stderr)
    started: datetime


@pytest.fixture(scope="session")
def generated_run(tmp_path_factory: pytest.TempPathFactory) -> GeneratedRun:
    """A generated landing folder (full of identity codes) through `vaikuttavuus run --demo`."""
    from ingest.generator import generate_landing
    from orchestration import run
    from orchestration.cli import main

    work = tmp_path_factory.mktemp("generated")
    landing = work / "landing"
    generate_landing(landing, persons=GENERATED_PERSONS, seed=7)
    truth = json.loads((landing / "_ground_truth.json").read_text(encoding="utf-8"))
    settings = settings_under(work, landing)
    reports = []
    real_execute = run.execute
    console = io.StringIO()
    started = datetime.now().replace(microsecond=0)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(run, "execute", lambda s: reports.append(real_execute(s)) or reports[-1])
        patch.setenv("VAIKUTTAVUUS_LOGS_DIR", settings.logs_dir)
        for variable in ("VAIKUTTAVUUS_AS_OF", "VAIKUTTAVUUS_REQUIRE_READY_MARKER"):
            patch.delenv(variable, raising=False)
        with redirect_stdout(console), redirect_stderr(console):
            exit_code = main(
                [
                    *("run", "--demo", "--landing", str(landing)),
                    *("--lake", settings.lake_dir, "--warehouse", settings.warehouse_path),
                    *("--exports", settings.exports_dir, "--published", settings.published_dir),
                ]
            )
    [report] = reports
    return GeneratedRun(report, settings, truth, exit_code, console.getvalue(), started)
