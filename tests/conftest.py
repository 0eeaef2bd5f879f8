"""One Dagster home (SQLite run storage) per test session, outside the project's data folder."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session", autouse=True)
def _dagster_home(tmp_path_factory: pytest.TempPathFactory):
    patch = pytest.MonkeyPatch()
    patch.setenv("DAGSTER_HOME", str(tmp_path_factory.mktemp("dagster_home")))
    yield
    patch.undo()
