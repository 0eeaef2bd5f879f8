"""National-scale benchmark: a full build, then one nightly incremental run, measured.

    .venv/bin/python bench/pipeline_bench.py [--persons 1000000] [--years 5]
                                             [--work data/bench] [--out bench/results.json]

1. generates a landing folder whose second delivery per source is one day's changes;
2. reads the first deliveries' files into DuckDB tables and nothing else: the raw-read
   baseline;
3. runs the whole pipeline on the first deliveries (full build: ingest, dbt build, checks,
   publish, export), then adds the second deliveries and runs again (the nightly run, which
   takes in only the new files).

Every step runs in its own process, so its peak memory is its own (`wait4`: the largest
process of the step's tree, dbt included). Stage times come from Dagster's event log. The
figures are printed as a table and written as JSON. A benchmark, not a test: nothing fails on
a slow figure.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STAGES = ("ingest", "dbt build", "checks", "publish", "export")
PUBLISH_STEPS = ("published__warehouse_snapshot", "published__data_dictionary")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20251)
    parser.add_argument("--work", type=Path, default=ROOT / "data" / "bench")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results.json")
    parser.add_argument("--pipeline", type=Path, help=argparse.SUPPRESS)  # child mode
    args = parser.parse_args(argv)
    if args.pipeline:
        return _pipeline_child(args.pipeline)
    results = run_benchmark(args.persons, args.years, args.seed, args.work.resolve())
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(format_table(results))
    print(f"\nFigures written to {args.out}")
    return 0


def run_benchmark(persons: int, years: int, seed: int, work: Path) -> dict:
    # Imported here: the measured pipeline process runs this script too, and a real run
    # imports no generator (Faker, the catalogue: about 0.3-1 s of the run's wall time).
    from ingest.generator.rounds import deliver, delivery_rounds

    shutil.rmtree(work, ignore_errors=True)
    generated, landing = work / "generated", work / "landing"
    generate = _measured(
        [
            *(_bin("vaikuttavuus"), "generate", "--out", str(generated)),
            *("--persons", str(persons), "--years", str(years), "--seed", str(seed)),
            *("--last-delivery-days", "1"),
        ]
    )
    first, second = delivery_rounds(generated)
    rows = _rows(generated, second)
    deliver(first, generated, landing)
    baseline = _measured([sys.executable, str(ROOT / "bench" / "raw_read.py"), str(landing)])
    full = _pipeline(work, landing)
    deliver(second, generated, landing)
    nightly = _pipeline(work, landing)
    return {
        "machine": _machine(),
        "persons": persons,
        "years": years,
        "rows": rows,
        "generate": generate,
        "raw_read_baseline": baseline,
        "full": full,
        "nightly": nightly,
        "ratios": {
            "full_to_baseline": round(full["seconds"] / baseline["seconds"], 1),
            "nightly_to_full": round(nightly["seconds"] / full["seconds"], 2),
        },
    }


def _bin(name: str) -> str:
    return str(Path(sys.executable).parent / name)


def _measured(command: list[str], env: dict | None = None) -> dict:
    """Wall time and peak RSS (MB) of a command run to completion; its last stdout line may
    be a JSON object of extra figures."""
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, env=env, text=True)
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    if child.returncode != 0:
        sys.stdout.write(output)
        raise SystemExit(f"{' '.join(command[:3])} ... failed with exit code {child.returncode}")
    last = output.strip().splitlines()[-1] if output.strip() else ""
    extra = json.loads(last) if last.startswith("{") else {}
    return {"seconds": round(seconds, 1), "peak_rss_mb": usage.ru_maxrss // 1024, **extra}


def _rows(generated: Path, second: list[Path]) -> dict:
    files = json.loads((generated / "_ground_truth.json").read_text(encoding="utf-8"))["deliveries"]
    night = {p.relative_to(generated).as_posix() for p in second}

    def total(in_night: bool) -> int:
        return sum(f["rows"] for f in files if (f["file"].rsplit("/", 1)[0] in night) == in_night)

    full, nightly = total(False), total(True)
    return {"first_deliveries": full, "night": nightly, "night_share": round(nightly / full, 5)}


def _pipeline(work: Path, landing: Path) -> dict:
    env = {**os.environ, "DAGSTER_HOME": str(work / "dagster_home")}
    (work / "dagster_home").mkdir(parents=True, exist_ok=True)
    command = [sys.executable, str(Path(__file__).resolve()), "--pipeline", str(landing)]
    return _measured(command, env)


def _pipeline_child(landing: Path) -> int:
    """Runs the pipeline in this process and prints its stage times as JSON (last line)."""
    sys.path.insert(0, str(ROOT))
    from orchestration.run import execute
    from orchestration.settings import Settings

    report = execute(Settings.under(landing.parent, landing, demo=True))
    if not report.success:
        print("\n".join(report.errors) or "the run failed", file=sys.stderr)
        return 1
    print(json.dumps({"stages": _stage_seconds(report.run_id), "run_id": report.run_id}))
    return 0


def _stage_seconds(run_id: str) -> dict[str, float]:
    import dagster as dg

    started: dict[str, float] = {}
    stages = dict.fromkeys(STAGES, 0.0)
    for record in dg.DagsterInstance.get().all_logs(run_id):
        event = record.dagster_event
        if event is None or event.step_key is None:
            continue
        if event.event_type == dg.DagsterEventType.STEP_START:
            started[event.step_key] = record.timestamp
        elif event.event_type in (
            dg.DagsterEventType.STEP_SUCCESS,
            dg.DagsterEventType.STEP_FAILURE,
        ):
            stages[_stage(event.step_key)] += record.timestamp - started[event.step_key]
    return {stage: round(seconds, 1) for stage, seconds in stages.items()}


def _stage(step_key: str) -> str:
    if step_key == "warehouse":
        return "dbt build"  # with dbt's data tests, which run inside the build
    if step_key.startswith(PUBLISH_STEPS):
        return "publish"
    if step_key.startswith("exports__"):
        return "export"
    if step_key.startswith("ingest_"):
        return "ingest"
    return "checks"


def _machine() -> dict:
    import duckdb

    memory_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(memory_kb / 1024**2),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "date": time.strftime("%Y-%m-%d"),
    }


def format_table(results: dict) -> str:
    full, nightly = results["full"], results["nightly"]
    lines = [
        f"{results['persons']:,} persons over {results['years']} years; "
        f"{results['rows']['first_deliveries']:,} rows in the first deliveries, "
        f"{results['rows']['night']:,} in the night's ({results['rows']['night_share']:.2%})",
        f"machine: {results['machine']['cores']} cores, {results['machine']['memory_gb']} GB, "
        f"{results['machine']['cpu']}",
        "",
        f"{'stage':<28}{'full build':>12}{'nightly':>12}",
        f"{'generate':<28}{results['generate']['seconds']:>11.1f}s{'':>12}",
    ]
    for stage in STAGES:
        lines.append(
            f"{stage:<28}{full['stages'][stage]:>11.1f}s{nightly['stages'][stage]:>11.1f}s"
        )
    lines += [
        f"{'whole run (wall)':<28}{full['seconds']:>11.1f}s{nightly['seconds']:>11.1f}s",
        f"{'peak RSS (largest process)':<28}"
        f"{full['peak_rss_mb']:>9} MB{nightly['peak_rss_mb']:>9} MB",
        f"{'DuckDB raw read (baseline)':<28}{results['raw_read_baseline']['seconds']:>11.1f}s",
        f"{'full build / baseline':<28}{results['ratios']['full_to_baseline']:>11.1f}x",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
