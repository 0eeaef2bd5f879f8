"""Every path and knob of a run, in one typed object read from the environment.

The CLI writes its options into the environment before anything else runs, so the Dagster
resource (this class), dbt's profile (`VAIKUTTAVUUS_WAREHOUSE`) and dbt's sources
(`VAIKUTTAVUUS_LAKE_DIR`) all see the same values.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import dagster as dg

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
DATA_DIR = PROJECT_ROOT / "data"

_ENV = {
    "landing_dir": "VAIKUTTAVUUS_LANDING_DIR",
    "lake_dir": "VAIKUTTAVUUS_LAKE_DIR",
    "warehouse_path": "VAIKUTTAVUUS_WAREHOUSE",
    "published_dir": "VAIKUTTAVUUS_PUBLISHED_DIR",
    "keep_snapshots": "VAIKUTTAVUUS_KEEP_SNAPSHOTS",
    "keep_quality_docs": "VAIKUTTAVUUS_KEEP_QUALITY_DOCS",
    "exports_dir": "VAIKUTTAVUUS_EXPORTS_DIR",
    "logs_dir": "VAIKUTTAVUUS_LOGS_DIR",
    "as_of": "VAIKUTTAVUUS_AS_OF",
    "demo": "VAIKUTTAVUUS_DEMO",
    "require_ready_marker": "VAIKUTTAVUUS_REQUIRE_READY_MARKER",
    "disclosure_threshold": "VAIKUTTAVUUS_DISCLOSURE_THRESHOLD",
    "full_refresh": "VAIKUTTAVUUS_FULL_REFRESH",
    "max_quarantine_share": "VAIKUTTAVUUS_MAX_QUARANTINE_SHARE",
    "band_tolerance": "VAIKUTTAVUUS_BAND_TOLERANCE",
    "band_min_value": "VAIKUTTAVUUS_BAND_MIN_VALUE",
    "band_settled_months": "VAIKUTTAVUUS_BAND_SETTLED_MONTHS",
    "coverage_min_ratio": "VAIKUTTAVUUS_COVERAGE_MIN_RATIO",
    "coverage_min_persons": "VAIKUTTAVUUS_COVERAGE_MIN_PERSONS",
}
_INTS = (
    "disclosure_threshold",
    "keep_snapshots",
    "keep_quality_docs",
    "band_settled_months",
    "coverage_min_persons",
)
_FLOATS = ("max_quarantine_share", "band_tolerance", "band_min_value", "coverage_min_ratio")


class Settings(dg.ConfigurableResource):
    landing_dir: str = str(DATA_DIR / "landing")
    lake_dir: str = str(DATA_DIR / "lake")
    warehouse_path: str = str(DATA_DIR / "warehouse" / "vaikuttavuus.duckdb")
    published_dir: str = str(DATA_DIR / "published")
    keep_snapshots: int = 7  # published snapshots kept for rollback
    exports_dir: str = str(DATA_DIR / "exports")
    keep_quality_docs: int = 30  # runs whose Data Docs are kept (about 6 MB each)
    logs_dir: str = str(DATA_DIR / "logs")
    as_of: str = ""  # YYYY-MM-DD; empty = the latest updated_at in the deliveries
    demo: bool = False  # use the public demo pseudonymisation key (synthetic data only)
    # Load only deliveries whose folder holds the _READY marker (see README). Off by default:
    # the CLI loads what is in the landing folder; turn it on where deliverers write while
    # the schedule or the sensor may run.
    require_ready_marker: bool = False
    disclosure_threshold: int = 5  # exported counts below this are suppressed
    # Rebuild staging from every lake file instead of taking in only the new ones (a build
    # does so by itself when the dbt project has changed since the last one).
    full_refresh: bool = False
    # Quality gates (README, "Quality gates"). Share of an entity's rows read in a run that may
    # be quarantined; the demo data's one injected defect in 30 providers is 3.3 %.
    max_quarantine_share: float = 0.05
    # Monthly volumes (starts, exits, spend, register counts) may move this much (relative)
    # against the previously published snapshot, for months old enough to be settled ...
    band_tolerance: float = 0.25
    band_min_value: float = 20  # ... and whose earlier value is at least this (small ones jump)
    band_settled_months: int = 2  # months before the as-of month that may still change
    # A month's persons with a known register status may not fall below this share of its
    # neighbour months' mean, where that mean is at least coverage_min_persons.
    coverage_min_ratio: float = 0.5
    coverage_min_persons: int = 20

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """The environment's values (defaults where unset), then the explicit overrides."""
        values = {
            name: _convert(name, os.environ[var])
            for name, var in _ENV.items()
            if os.environ.get(var)
        }
        return cls(**{**values, **overrides})

    @classmethod
    def under(cls, work: Path, landing: Path, **overrides: object) -> Settings:
        """Settings whose outputs all live under one folder (a test's, a benchmark's)."""
        return cls(
            landing_dir=str(landing),
            lake_dir=str(work / "lake"),
            warehouse_path=str(work / "warehouse" / "vaikuttavuus.duckdb"),
            published_dir=str(work / "published"),
            exports_dir=str(work / "exports"),
            logs_dir=str(work / "logs"),
            **overrides,
        )

    def apply_to_environment(self) -> None:
        for name, var in _ENV.items():
            value = getattr(self, name)
            os.environ[var] = ("1" if value else "0") if isinstance(value, bool) else str(value)

    @property
    def landing(self) -> Path:
        return Path(self.landing_dir)

    @property
    def lake(self) -> Path:
        return Path(self.lake_dir)

    @property
    def warehouse(self) -> Path:
        return Path(self.warehouse_path)

    @property
    def published(self) -> Path:
        return Path(self.published_dir)

    @property
    def exports(self) -> Path:
        return Path(self.exports_dir)

    @property
    def logs(self) -> Path:
        return Path(self.logs_dir)


def _convert(name: str, raw: str) -> object:
    if name in ("demo", "require_ready_marker", "full_refresh"):
        return raw.lower() in {"1", "true", "yes"}
    if name in _INTS:
        return int(raw)
    if name in _FLOATS:
        return float(raw)
    if name == "as_of":
        return date.fromisoformat(raw).isoformat()  # refuses anything but YYYY-MM-DD
    return str(Path(raw).expanduser().resolve())
