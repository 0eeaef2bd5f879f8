"""Ingest benchmark: seconds, rows/s and peak memory per delivered file, beside DuckDB reading
the same files into a table, measured in the same run so the ratio means something.

    .venv/bin/python bench/ingest_bench.py [--landing /work/bench/landing]
                                           [--lake /tmp/ingest-bench-lake] [--keep-lake]

The ingest and the DuckDB baseline each run in a fresh subprocess, so neither inherits the
other's memory: peak RSS is the child's own `ru_maxrss`; the per-file peak is sampled from
/proc while the file loads. The lake is deleted first (the manifest would skip loaded files)
and afterwards unless `--keep-lake`. Nothing is ever written into the landing folder.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("register", "purchases", "surveys")
_PAGE_BYTES = 4096
_SAMPLE_S = 0.05


class PeakRss:
    """Samples this process's resident memory in a thread: the peak since the last reset.
    (`ru_maxrss` only ever grows, so it cannot tell one file's peak from the previous one's.)"""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.wait(_SAMPLE_S):
            self.peak = max(self.peak, _rss_bytes())

    def reset(self) -> None:
        self.peak = _rss_bytes()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def _rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * _PAGE_BYTES


def _max_rss_mb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def run_ingest(landing: Path, lake_dir: Path) -> list[dict]:
    """Every file of every source through `ingest_file`, the function `ingest_source` runs per
    file, so each file gets its own timing and memory peak."""
    sys.path.insert(0, str(ROOT))
    from ingest import lake
    from ingest.load import discover, file_sha256, ingest_file
    from ingest.pseudonymise import load_key

    key = load_key(demo=True)
    lake.ensure_placeholders(lake_dir)
    sampler = PeakRss()
    results = []
    for source in SOURCES:
        for delivered in discover(landing, source):
            sampler.reset()
            started = time.perf_counter()
            row = dict(
                zip(
                    lake.LOAD_LOG_SCHEMA,
                    ingest_file(delivered, file_sha256(delivered.path), lake_dir, key),
                    strict=True,
                )
            )
            results.append(
                {
                    "file": delivered.display_name,
                    "rows": row["rows_read"],
                    "loaded": row["rows_loaded"],
                    "quarantined": row["rows_quarantined"],
                    "rejected": row["rejection_reason"],
                    "seconds": time.perf_counter() - started,
                    "peak_mb": sampler.peak // 2**20,
                }
            )
    sampler.stop()
    return results


# Text columns, as ingest reads a CSV: sniffed types would stop at the first defect (31.2.2025).
# Ragged rows are padded, not refused, so every delivered file has a figure.
_DUCKDB_READERS = {
    ".csv": "read_csv(?, all_varchar = true, strict_mode = false, null_padding = true)",
    ".parquet": "read_parquet(?)",
}


def run_duckdb(landing: Path) -> list[dict]:
    """The floor: DuckDB reading each file into an in-memory table, nothing checked."""
    import duckdb

    con = duckdb.connect(config={"threads": 2})
    sampler = PeakRss()
    results = []
    for source in SOURCES:
        for path in sorted((landing / source).glob("[!_.]*/[!_.]*")):
            reader = _DUCKDB_READERS.get(path.suffix.lower())
            if reader is None:  # xlsx needs an extension this machine cannot download
                continue
            sampler.reset()
            started = time.perf_counter()
            try:
                con.execute(f"create or replace table t as select * from {reader}", [str(path)])
            except duckdb.InvalidInputException:  # Windows-1252; DuckDB's built-in is Latin-1
                latin = reader.replace("(?", "(?, encoding = 'latin-1'")
                con.execute(f"create or replace table t as select * from {latin}", [str(path)])
            seconds = time.perf_counter() - started
            rows = con.execute("select count(*) from t").fetchone()[0]
            con.execute("drop table t")
            peak_mb = sampler.peak // 2**20
            display = str(path.relative_to(landing))
            results.append({"file": display, "rows": rows, "seconds": seconds, "peak_mb": peak_mb})
    sampler.stop()
    return results


def _child(phase: str, landing: Path, lake_dir: Path) -> None:
    files = run_ingest(landing, lake_dir) if phase == "ingest" else run_duckdb(landing)
    print(json.dumps({"files": files, "max_rss_mb": _max_rss_mb()}))


def _in_subprocess(phase: str, landing: Path, lake_dir: Path) -> dict:
    command = [sys.executable, __file__, "--phase", phase, "--landing", str(landing)]
    command += ["--lake", str(lake_dir)]
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)
    if done.returncode != 0:
        sys.exit(f"{phase} failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _report(ingest: dict, duck: dict) -> None:
    baseline = {f["file"]: f for f in duck["files"]}
    header = (
        f"{'file':<52} {'rows':>10} {'ingest s':>9} {'rows/s':>10} {'peak MB':>8} "
        f"{'duckdb s':>9} {'ratio':>6}"
    )
    print(header)
    print("-" * len(header))
    for f in ingest["files"]:
        raw = baseline.get(f["file"])
        duck_s = f"{raw['seconds']:.2f}" if raw else "n/a"
        ratio = f"{f['seconds'] / raw['seconds']:.1f}" if raw and raw["seconds"] else ""
        rate = f"{f['rows'] / f['seconds']:,.0f}" if f["seconds"] else ""
        print(
            f"{f['file']:<52} {f['rows']:>10,} {f['seconds']:>9.2f} {rate:>10} "
            f"{f['peak_mb']:>8,} {duck_s:>9} {ratio:>6}"
        )
        if f["rejected"]:
            print(f"    rejected: {f['rejected']}")
    rows = sum(f["rows"] for f in ingest["files"])
    seconds = sum(f["seconds"] for f in ingest["files"])
    duck_seconds = sum(f["seconds"] for f in duck["files"])
    print("-" * len(header))
    print(
        f"{'total':<52} {rows:>10,} {seconds:>9.2f} {rows / seconds:>10,.0f} "
        f"{ingest['max_rss_mb']:>8,} {duck_seconds:>9.2f} {seconds / duck_seconds:>6.1f}"
    )
    print(
        f"peak RSS: ingest {ingest['max_rss_mb']:,} MB, "
        f"DuckDB raw read {duck['max_rss_mb']:,} MB (each in its own process)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--landing", type=Path, default=Path("/work/bench/landing"))
    parser.add_argument("--lake", type=Path, default=None)
    parser.add_argument("--keep-lake", action="store_true")
    parser.add_argument("--phase", choices=["ingest", "duckdb"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    lake_dir = args.lake or Path(tempfile.gettempdir()) / "ingest-bench-lake"
    if args.phase:
        _child(args.phase, args.landing, lake_dir)
        return
    shutil.rmtree(lake_dir, ignore_errors=True)
    try:
        ingest = _in_subprocess("ingest", args.landing, lake_dir)
        print(json.dumps(ingest), file=sys.stderr)  # the figures survive a failing baseline
        duck = _in_subprocess("duckdb", args.landing, lake_dir)
    finally:
        if not args.keep_lake:
            shutil.rmtree(lake_dir, ignore_errors=True)
    _report(ingest, duck)


if __name__ == "__main__":
    main()
