"""Proof that a change to ingest changed no output: the same landing folder ingested by the
code of another git revision and by the working tree, and the two lakes compared exactly.

    .venv/bin/python bench/ingest_equivalence.py --before c389ce6
        # a generated landing (3000 persons) plus every case of tests/test_malformed_input.py
    .venv/bin/python bench/ingest_equivalence.py --before c389ce6 --landing /work/bench/landing \\
        --before-lake /work/bench/wt7-lake-before   # reuse a lake the old code already wrote

Compared: the set of files in the lake; every loaded-rows Parquet file and every quarantine file
(columns, types, values and row order); the load log, all but `duration_s` and `loaded_at`.
The revision's `ingest/` and seeds are exported with `git archive` into a scratch folder and run
from there in a subprocess, so the two runs share nothing but the landing folder. Exits 1 on
any difference.
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import polars as pl
from polars.testing import assert_frame_equal

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("register", "purchases", "surveys")
_RUN_TIMES = ["duration_s", "loaded_at"]  # the only load-log columns allowed to differ
_INGEST = """
import sys
from pathlib import Path
import ingest
from ingest.load import ingest_source
from ingest.pseudonymise import load_key
assert Path(ingest.__file__).resolve().is_relative_to(Path.cwd().resolve()), ingest.__file__
key = load_key(demo=True)
for source in {sources!r}:
    ingest_source(Path({landing!r}), source, Path({lake!r}), key)
"""


def export_revision(revision: str, into: Path) -> Path:
    """`ingest/` and the seeds it reads, as they were at `revision`."""
    archive = subprocess.run(
        ["git", "archive", revision, "ingest", "dbt_project/seeds"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


def ingest_with(tree: Path, landing: Path, lake: Path) -> None:
    script = _INGEST.format(sources=SOURCES, landing=str(landing), lake=str(lake))
    subprocess.run([sys.executable, "-c", script], cwd=tree, check=True)


def write_landing(landing: Path, persons: int) -> None:
    """A generated landing folder, then every malformed-input case as a delivery of its own."""
    sys.path.insert(0, str(ROOT))
    from ingest.generator import generate_landing
    from tests.test_malformed_input import CASES

    generate_landing(landing, persons=persons, seed=11)
    for number, case in enumerate(CASES, start=1):
        path = landing / case.source / f"case-{number:02d}" / case.file
        path.parent.mkdir(parents=True)
        if isinstance(case.content, bytes):
            path.write_bytes(case.content)
        else:
            case.content(path)


def differences(before: Path, after: Path) -> list[str]:
    found = []
    files = {p.relative_to(before) for p in before.rglob("*.parquet")}
    other = {p.relative_to(after) for p in after.rglob("*.parquet")}
    found += [f"only before: {p}" for p in sorted(files - other)]
    found += [f"only after: {p}" for p in sorted(other - files)]
    for path in sorted(files & other):
        old, new = pl.read_parquet(before / path), pl.read_parquet(after / path)
        if path.parent.name == "load_log":
            old, new = old.drop(_RUN_TIMES), new.drop(_RUN_TIMES)
        try:
            assert_frame_equal(old, new, check_exact=True)
        except AssertionError as error:
            found.append(f"{path}: {str(error).splitlines()[0]}")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True, help="git revision of the old code")
    parser.add_argument("--landing", type=Path, help="default: generated, plus malformed cases")
    parser.add_argument("--persons", type=int, default=3000)
    parser.add_argument("--before-lake", type=Path, help="a lake the old code already wrote")
    parser.add_argument("--work", type=Path, default=None, help="scratch folder (default: tmp)")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="ingest-equivalence-"))
    landing = args.landing or work / "landing"
    if args.landing is None:
        write_landing(landing, args.persons)
    before_lake = args.before_lake
    if before_lake is None:
        before_lake = work / "lake-before"
        ingest_with(export_revision(args.before, work / "before"), landing, before_lake)
    after_lake = work / "lake-after"
    ingest_with(ROOT, landing, after_lake)
    found = differences(before_lake, after_lake)
    files = len(list(after_lake.rglob("*.parquet")))
    log = pl.read_parquet(after_lake / "_audit" / "load_log" / "*.parquet")
    print(
        f"{files} lake files compared ({log.height} delivered files, {log['rows_read'].sum():,} "
        f"rows read, {log['rows_quarantined'].sum():,} quarantined, "
        f"{log['rejected'].sum()} rejected): {len(found)} differences"
    )
    print("\n".join(found))
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
