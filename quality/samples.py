"""Example failing rows as a small Markdown table, for the CLI report, the Dagster UI and the
check history.

Samples are read by operators and kept in the history, so they carry no person: columns that
hold person keys are left out, any value shaped like a person key is replaced, and anything
shaped like an identity code is masked (a code typed into a free-text column would otherwise
be shown in the clear).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

import polars as pl

from ingest.pseudonymise import mask_codes_in_text

SAMPLE_ROWS = 5
# Columns that identify a person in the lake, the quarantine and the marts.
PERSON_COLUMNS = frozenset({"person_key", "person_ref", "record_key"})
PERSON_KEY_PATTERN = r"^(?:[0-9a-f]{64}|pseudo:.+)$"
_PERSON_KEY = re.compile(PERSON_KEY_PATTERN)
HIDDEN_PERSON = "(person key)"


def shown(value: object) -> str:
    """One value as a sample shows it."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, (datetime, date, Decimal, int, bool)):
        return str(value)
    text = str(value)
    if _PERSON_KEY.match(text):
        return HIDDEN_PERSON
    return mask_codes_in_text(text).replace("|", "\\|").replace("\n", " ")


def markdown_table(frame: pl.DataFrame, limit: int = SAMPLE_ROWS) -> str:
    """Up to `limit` rows of the frame, person-key columns left out. Empty frame: empty text."""
    columns = [c for c in frame.columns if c not in PERSON_COLUMNS]
    if frame.is_empty() or not columns:
        return ""
    lines = [
        "| " + " | ".join(columns) + " |",
        "|" + "---|" * len(columns),
        *(
            "| " + " | ".join(shown(row[c]) for c in columns) + " |"
            for row in frame.head(limit).iter_rows(named=True)
        ),
    ]
    return "\n".join(lines)
