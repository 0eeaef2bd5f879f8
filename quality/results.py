"""One quality-check result as the Dagster UI shows it and as the history records it.

Every check producer builds `CheckRecord`s, records them (quality/history.py) and yields the
matching `AssetCheckResult`s, whose metadata carries the same failing-row count and examples
the CLI report prints.
"""

import dagster as dg

from quality.history import CheckRecord

FAILING_ROWS = "failing_rows"
EXAMPLES = "examples"
DATA_DOCS = "data_docs"


def asset_key_of(record: CheckRecord) -> dg.AssetKey:
    return dg.AssetKey.from_user_string(record.asset)


def check_result(record: CheckRecord, **metadata: object) -> dg.AssetCheckResult:
    shown = dict(metadata)
    if record.failing_rows is not None:
        shown[FAILING_ROWS] = record.failing_rows
    if record.sample:
        shown[EXAMPLES] = dg.MetadataValue.md(record.sample)
    return dg.AssetCheckResult(
        asset_key=asset_key_of(record),
        check_name=record.check_name,
        passed=record.passed,
        severity=dg.AssetCheckSeverity(record.severity),
        metadata=shown,
        description=record.description,
    )
