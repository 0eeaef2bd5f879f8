"""Session-wide fixtures: one Dagster home, and one pipeline run over a generated landing."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

from ingest.generator import generate_landing
from orchestration.run import RunReport, execute
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
    report: RunReport
    settings: Settings
    truth: dict


@pytest.fixture(scope="session")
def generated_run(tmp_path_factory: pytest.TempPathFactory) -> GeneratedRun:
    """The whole pipeline over a generated landing folder, shared by every test that reads it."""
    work = tmp_path_factory.mktemp("generated")
    landing = work / "landing"
    generate_landing(landing, persons=GENERATED_PERSONS, seed=7)
    truth = json.loads((landing / "_ground_truth.json").read_text(encoding="utf-8"))
    settings = settings_under(work, landing)
    return GeneratedRun(execute(settings), settings, truth)
