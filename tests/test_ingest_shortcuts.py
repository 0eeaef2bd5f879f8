"""The shortcuts that make a national delivery load fast give exactly what the plain way gives:
identity codes checked by polars expressions instead of python-stdnum, pseudonyms made once per
distinct code, columns parsed once per distinct value, typed Parquet columns kept as they are,
and date formats tried starting with the file's own."""

from __future__ import annotations

import itertools
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from ingest import parse, validate
from ingest.contract import INVOICE_LINES, entity_named
from ingest.pseudonymise import (
    PseudonymKey,
    is_valid_identity_code,
    pseudonym,
    pseudonyms,
    valid_identity_codes,
)
from ingest.readers import RejectedFile, read_raw
from tests.test_malformed_input import CASES, KEY, Case


def _codes() -> list[str | None]:
    """Every century sign, the edges of days, months, leap years and individual numbers, right
    and wrong check characters, and spellings python-stdnum also reads."""
    codes: list[str | None] = []
    days = ("00", "01", "28", "29", "30", "31", "32")
    months = ("00", "01", "02", "04", "12", "13")
    for day, month, year, sign, individual in itertools.product(
        days, months, ("00", "04", "23"), "+-AFUY", ("000", "001", "002", "899", "900", "999")
    ):
        number = int(f"{day}{month}{year}{individual}")
        right = "0123456789ABCDEFHJKLMNPRSTUVWXY"[number % 31]
        codes += [f"{day}{month}{year}{sign}{individual}{c}" for c in (right, "G", "Z", "0")]
    unusual = ["131052\u2013308T", "131052-308t", "\u0661\u0663\u0661\u0660\u0665\u0662-308T"]
    return [*codes, *unusual, "131052-308T ", "131052G308T", "", "131052-308", None]


def test_identity_codes_are_checked_as_python_stdnum_checks_them():
    codes = _codes()
    expected = [code is not None and is_valid_identity_code(code) for code in codes]
    assert valid_identity_codes(pl.Series(codes, dtype=pl.String)).to_list() == expected
    assert any(expected) and not all(expected)


def test_pseudonyms_are_the_pseudonym_of_each_valid_code():
    key = PseudonymKey(b"another-test-key-of-enough-length", is_demo=False)
    codes = ["131052-308T", "131052-308U", None, "pseudo:abc", "010594Y9032", "131052-308T"]
    expected = [None if c is None or c == "131052-308U" else pseudonym(key, c) for c in codes]
    for _ in range(2):  # the second time every valid code has been met before
        assert pseudonyms(key, pl.Series(codes, dtype=pl.String)).to_list() == expected


@pytest.mark.parametrize(
    "text",
    [
        "2026-03-01 08:00",
        "2026-03-01 08:00:00",
        "2026-03-01T08:00:00.250",
        "2026-03-01T08:00:00Z",
        "2026-03-01 08:00+02:00",
        "2026-03-01 08:00:00.5-05:00",
        "1.3.2026 8:00",
        "01.03.2026 08:00:59",
        "2026-03-01",
        "1.3.2026",
    ],
)
def test_a_timestamp_reads_in_one_format_only(text):
    """Why `_first_read` may try the formats in any order."""
    written = pl.Series([text]).str.replace("T", " ").str.replace(r"Z$", "+00:00")
    local = [parse._strptime(written, pl.Datetime("us"), f) for f in parse._LOCAL_FORMATS]
    zoned = [parse._strptime_zoned(written, f) for f in parse._ZONED_FORMATS]
    dates = [parse._strptime(written, pl.Date(), f) for f in ("%Y-%m-%d", "%d.%m.%Y")]
    assert sum(value.is_not_null().item() for value in [*local, *zoned]) == 1
    assert sum(value.is_not_null().item() for value in dates) <= 1


def _validated(path: Path, case: Case) -> tuple[pl.DataFrame, pl.DataFrame] | str:
    """The loaded and quarantined rows, or the rejection."""
    entity = entity_named(case.source, path.stem)
    try:
        result = validate.validate(read_raw(path, case.file).frame, entity, case.file, KEY)
    except RejectedFile as rejected:
        return str(rejected)
    return result.loaded, result.quarantined


@pytest.mark.parametrize(
    "case",
    [c for c in CASES if entity_named(c.source, Path(c.file).stem)],
    ids=lambda c: c.id,
)
def test_parsing_distinct_values_once_changes_nothing(tmp_path, monkeypatch, case: Case):
    path = tmp_path / case.file
    if isinstance(case.content, bytes):
        path.write_bytes(case.content)
    else:
        case.content(path)
    outcomes = []
    for repeats in (True, False):
        monkeypatch.setattr(validate, "_repeats", lambda values, repeats=repeats: repeats)
        outcomes.append(_validated(path, case))
    once, every = outcomes
    if isinstance(once, str) or isinstance(every, str):
        assert once == every
    else:
        assert all(a.equals(b) for a, b in zip(once, every, strict=True))


def test_typed_parquet_columns_kept_as_they_are_change_nothing(tmp_path, monkeypatch):
    path = tmp_path / "invoice_lines.parquet"
    pl.DataFrame(
        {
            "invoice_id": ["I1", "I1", "I1", "I2", "I3"],
            "line_no": [1, 2, 3, 1, -1],
            "contract_id": ["C1"] * 5,
            "invoice_date": [date(2026, 2, 1), date(999, 1, 1), None, date(2026, 2, 1), None],
            "period_start": [date(2026, 1, 1)] * 5,
            "period_end": [date(2026, 1, 31), date(2025, 12, 31), None, date(2026, 1, 31), None],
            "person_id": ["131052-308T", None, None, "131052-308U", "010594Y9032"],
            "line_type": ["BASE", "CREDIT", "BASE", "BASE", "OUTCOME_BONUS"],
            "outcome_type": [None, None, None, None, "EMPLOYED_OPEN"],
            "outcome_date": [None, date(2026, 1, 5), None, None, date(2026, 1, 5)],
            "quantity": pl.Series(["1.5", "2", None, "0.0001", "1"]).cast(pl.Decimal(18, 4)),
            "amount_eur": pl.Series(["-1234.50", "12.00", None, "1", "0"]).cast(pl.Decimal(18, 2)),
            "updated_at": [datetime(2026, 2, 1, 8), datetime(2026, 2, 1, 8, 0, 0, 250)] * 2
            + [None],
            "deleted": [False, None, True, False, None],
        }
    ).write_parquet(path)
    kept = validate.validate(read_raw(path, "i").frame, INVOICE_LINES, "i", KEY)
    monkeypatch.setattr(validate, "keeps_type", lambda column, values: False)
    as_text = validate.validate(read_raw(path, "i").frame, INVOICE_LINES, "i", KEY)
    assert kept.loaded.equals(as_text.loaded)
    assert kept.quarantined.equals(as_text.quarantined)
    assert kept.styles == as_text.styles
    assert kept.quarantined.height > 0 and kept.loaded.height > 0
    assert kept.loaded["amount_eur"].to_list()[0] == Decimal("-1234.50")
