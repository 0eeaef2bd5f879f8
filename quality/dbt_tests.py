"""dbt's data tests as quality checks: their history records, and example failing rows.

dbt stores each failing test's rows in `quality_failures.<test name>` (store_failures; every
test is named so the table has the test's name, see tests/test_asset_graph.py). dbt holds the
warehouse's write lock while it runs, so the rows are read after the process has exited.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb

from quality.history import CheckRecord
from quality.results import EXAMPLES
from quality.samples import SAMPLE_ROWS, markdown_table

FAILURES_SCHEMA = "quality_failures"
FAILED_ROW_COUNT = "dagster_dbt/failed_row_count"  # metadata dagster-dbt sets on test results


def failure_examples(warehouse: Path, test_names: list[str]) -> dict[str, str]:
    """Up to five failing rows of each named test, as Markdown (read-only)."""
    if not test_names:
        return {}
    examples = {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        stored = {
            name
            for (name,) in con.execute(
                "select table_name from information_schema.tables where table_schema = ?",
                [FAILURES_SCHEMA],
            ).fetchall()
        }
        for name in test_names:
            if name in stored:
                rows = con.sql(f'select * from {FAILURES_SCHEMA}."{name}" limit {SAMPLE_ROWS}')
                examples[name] = markdown_table(rows.pl())
    return examples


def with_examples(result: dg.AssetCheckResult, examples: str) -> dg.AssetCheckResult:
    if not examples:
        return result
    return dg.AssetCheckResult(
        asset_key=result.asset_key,
        check_name=result.check_name,
        passed=result.passed,
        severity=result.severity,
        metadata={**result.metadata, EXAMPLES: dg.MetadataValue.md(examples)},
        description=result.description,
    )


def check_record(result: dg.AssetCheckResult, examples: str) -> CheckRecord:
    failed_rows = result.metadata.get(FAILED_ROW_COUNT)
    severity = result.severity.value
    return CheckRecord(
        check_name=result.check_name or "",
        asset=result.asset_key.to_user_string() if result.asset_key else "",
        severity=severity,
        blocking=severity == "ERROR",  # as dagster-dbt maps a test's severity
        passed=result.passed,
        failing_rows=int(failed_rows.value) if failed_rows is not None else None,
        sample=examples,
        description=result.description or f"dbt test {result.check_name}",
    )
