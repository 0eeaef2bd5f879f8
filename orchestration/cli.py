"""The `vaikuttavuus` command: generate demo deliveries, run the pipeline, open the UI."""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

from orchestration.settings import DATA_DIR, PROJECT_ROOT, Settings

DAGSTER_HOME_ENV = "DAGSTER_HOME"
DEFAULT_DAGSTER_HOME = DATA_DIR / "dagster_home"
# One run at a time: the warehouse file takes one writer, and the nightly schedule and the
# new-delivery sensor may both ask for a run (queued runs need the daemon: `make dev` has it).
_DAGSTER_YAML = """telemetry:
  enabled: false
concurrency:
  runs:
    max_concurrent_runs: 1
"""


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    return args.handler(args)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="vaikuttavuus", description=__doc__)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    generate = commands.add_parser("generate", help="write a synthetic landing folder")
    generate.add_argument("--out", type=Path, required=True, help="landing folder to create")
    generate.add_argument("--persons", type=int, default=5000)
    generate.add_argument("--seed", type=int, default=20251)
    generate.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 10, 31))
    generate.add_argument("--years", type=int, default=3, help="years of history up to --as-of")
    generate.add_argument(
        "--last-delivery-days",
        type=int,
        help="days of changes in each source's second delivery (default 31; 1: a nightly one)",
    )
    generate.set_defaults(handler=_generate)

    run = commands.add_parser("run", help="load a landing folder and materialise every asset")
    run.add_argument("--landing", type=Path, required=True, help="landing folder (see README)")
    run.add_argument("--warehouse", type=Path, help="DuckDB file dbt builds")
    run.add_argument("--exports", type=Path, help="folder for the leadership exports")
    run.add_argument("--lake", type=Path, help="folder for the validated Parquet")
    run.add_argument("--published", type=Path, help="folder for the published snapshots")
    run.add_argument(
        "--as-of", type=date.fromisoformat, help="default: latest updated_at in the deliveries"
    )
    run.add_argument("--key-file", type=Path, help="file holding the pseudonymisation key")
    run.add_argument(
        "--demo", action="store_true", help="synthetic data only: use the public demo key"
    )
    run.add_argument(
        "--require-ready-marker",
        action="store_true",
        help="load only deliveries whose folder holds the _READY marker (default: all)",
    )
    run.add_argument(
        "--full-refresh",
        action="store_true",
        help="rebuild staging from every lake file (default: only new files are taken in)",
    )
    run.set_defaults(handler=_run)

    sql = commands.add_parser("sql", help="read-only SQL shell on the latest published snapshot")
    sql.add_argument("-c", "--command", dest="statements", help="run these and exit")
    sql.add_argument("--published", type=Path, help="published folder (default: data/published)")
    sql.set_defaults(handler=_sql)

    dev = commands.add_parser("dev", help="open the Dagster UI (dagster dev) on the asset graph")
    dev.set_defaults(handler=_dev)
    return parser


def _generate(args: argparse.Namespace) -> int:
    from ingest.generator import generate_landing

    options = {"persons": args.persons, "seed": args.seed, "as_of": args.as_of, "years": args.years}
    if args.last_delivery_days is not None:
        options["last_delivery_days"] = args.last_delivery_days
    summary = generate_landing(args.out, **options)
    print(f"Wrote a synthetic landing folder to {args.out.resolve()}")
    for line in _generation_lines(summary):
        print(f"  {line}")
    return 0


def _generation_lines(summary: dict) -> list[str]:
    files = summary.get("files", {})
    return [f"{name}: {rows} rows" for name, rows in sorted(files.items())]


def _settings_from_args(args: argparse.Namespace) -> Settings:
    overrides: dict[str, object] = {"landing_dir": str(args.landing.resolve()), "demo": args.demo}
    if args.require_ready_marker:
        overrides["require_ready_marker"] = True
    if args.full_refresh:
        overrides["full_refresh"] = True
    paths = (
        ("warehouse", "warehouse_path"),
        ("exports", "exports_dir"),
        ("lake", "lake_dir"),
        ("published", "published_dir"),
    )
    for option, field in paths:
        value = getattr(args, option)
        if value is not None:
            overrides[field] = str(value.resolve())
    if args.as_of is not None:
        overrides["as_of"] = args.as_of.isoformat()
    return Settings.from_env(**overrides)


def _run(args: argparse.Namespace) -> int:
    """Refuses to start, before anything is loaded, without a usable pseudonymisation key."""
    from ingest.load import KeyMismatchError, check_key
    from ingest.pseudonymise import KEY_FILE_ENV, MissingKeyError, load_key

    if not args.landing.is_dir():
        print(f"error: landing folder {args.landing} does not exist", file=sys.stderr)
        return 2
    if args.key_file is not None:
        os.environ[KEY_FILE_ENV] = str(args.key_file.resolve())
    try:
        key = load_key(demo=args.demo)
    except (MissingKeyError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    settings = _settings_from_args(args)
    try:
        check_key(settings.lake, key)
    except KeyMismatchError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    settings.apply_to_environment()
    if key.is_demo:
        print("Demo mode: identity codes are pseudonymised with the PUBLIC demo key.")
    from orchestration.run import run_pipeline

    with run_log_file(settings.logs) as log_file:
        return run_pipeline(settings, log_file)


_LOGGERS = ("ingest", "publish", "quality", "orchestration", "dagster")


@contextmanager
def run_log_file(logs_dir: Path) -> Iterator[Path]:
    """The run's own log file for the project's loggers, detached again when the run ends."""
    logs_dir.mkdir(parents=True, exist_ok=True)
    path = logs_dir / f"run-{datetime.now():%Y%m%d-%H%M%S}.log"
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    levels = {name: logging.getLogger(name).level for name in _LOGGERS}
    for name in _LOGGERS:
        logging.getLogger(name).addHandler(handler)
        logging.getLogger(name).setLevel(logging.INFO)
    try:
        yield path
    finally:
        for name, level in levels.items():
            logging.getLogger(name).removeHandler(handler)
            logging.getLogger(name).setLevel(level)
        handler.close()


def _sql(args: argparse.Namespace) -> int:
    from orchestration.shell import connect, interactive, run_statements
    from publish.snapshot import CURRENT

    published = args.published or Settings.from_env().published
    try:
        if args.statements is None:
            return interactive(published)
        with connect(published / CURRENT) as con:
            run_statements(con, args.statements)
    except FileNotFoundError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


def ensure_dagster_home() -> Path:
    """Dagster's run storage (SQLite) under the project's data folder unless set elsewhere."""
    home = Path(os.environ.get(DAGSTER_HOME_ENV) or DEFAULT_DAGSTER_HOME).resolve()
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text(_DAGSTER_YAML, encoding="utf-8")
    os.environ[DAGSTER_HOME_ENV] = str(home)
    return home


def _dev(args: argparse.Namespace) -> int:
    Settings.from_env().apply_to_environment()
    ensure_dagster_home()
    command = [sys.executable, "-m", "dagster", "dev", "-w", str(PROJECT_ROOT / "workspace.yaml")]
    return subprocess.call(command, cwd=PROJECT_ROOT)


if __name__ == "__main__":
    sys.exit(main())
