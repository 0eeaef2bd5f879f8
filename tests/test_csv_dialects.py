"""Reading the CSV dialects of the contract, and the typed parsing of their values."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import polars as pl
import pytest

from ingest.contract import CONTRACTS, PERSONS
from ingest.pseudonymise import PseudonymKey
from ingest.readers import RejectedFile, read_raw
from ingest.validate import validate

KEY = PseudonymKey(b"0123456789abcdef-test-key", is_demo=False)

CONTRACT_HEADER = (
    "contract_id;business_id;employment_area_code;service_code;operating_model;"
    "procurement_route;pricing_model;unit_price_eur;valid_from;valid_to;updated_at;deleted"
)


def _write(path, text: str, encoding: str = "utf-8", bom: bool = False):
    data = text.encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def test_semicolon_decimal_comma_finnish_dates(tmp_path):
    path = _write(
        tmp_path / "contracts.csv",
        CONTRACT_HEADER + "\n"
        "C1;2077474-0;8;IPS_SUPPORTED_EMPLOYMENT;ips;TENDER;OUTCOME_BASED;1 234,50;"
        "1.2.2025;31.12.2026;15.3.2026 9:05;E\n",
    )
    raw = read_raw(path, "contracts.csv")
    assert raw.dialect == {"format": "csv", "encoding": "utf-8", "delimiter": ";"}
    result = validate(raw.frame, CONTRACTS, "contracts.csv", KEY)
    assert result.quarantined.is_empty()
    row = result.loaded.row(0, named=True)
    assert row["unit_price_eur"] == Decimal("1234.50")
    assert row["valid_from"] == date(2025, 2, 1)
    assert row["valid_to"] == date(2026, 12, 31)
    assert row["updated_at"] == datetime(2026, 3, 15, 9, 5)
    assert row["operating_model"] == "IPS"
    assert row["employment_area_code"] == 8
    assert row["deleted"] is False


def test_comma_iso_with_bom_and_messy_headers(tmp_path):
    path = _write(
        tmp_path / "persons.csv",
        " Person_ID ,BIRTH_YEAR,mother_tongue,home_municipality_code,education_level,"
        "disability_or_chronic_illness,updated_at,deleted\n"
        "131052-308T,,FI,91,BASIC,yes,2026-03-01T08:00:00Z,no\n",
        bom=True,
    )
    raw = read_raw(path, "persons.csv")
    assert raw.dialect["encoding"] == "utf-8-sig" and raw.dialect["delimiter"] == ","
    result = validate(raw.frame, PERSONS, "persons.csv", KEY)
    row = result.loaded.row(0, named=True)
    assert row["home_municipality_code"] == "091"  # zero-padded
    assert row["mother_tongue"] == "fi"
    assert row["birth_year"] == 1952  # derived from the code before hashing
    assert row["disability_or_chronic_illness"] is True
    assert row["updated_at"] == datetime(2026, 3, 1, 10, 0)  # UTC -> Helsinki (EET)
    assert "person_id" not in result.loaded.columns
    assert len(row["person_key"]) == 64


def test_windows_1252_with_scandinavian_letters(tmp_path):
    path = _write(
        tmp_path / "providers.csv",
        "business_id;name;sector;municipality_code;updated_at;deleted\n"
        "2077474-0;Työpaja Åström ry;NGO;091;1.3.2026 8:00;0\n",
        encoding="cp1252",
    )
    raw = read_raw(path, "providers.csv")
    assert raw.dialect == {"format": "csv", "encoding": "windows-1252", "delimiter": ";"}
    assert raw.frame["name"].to_list() == ["Työpaja Åström ry"]


def test_empty_file_is_rejected(tmp_path):
    path = _write(tmp_path / "persons.csv", "")
    with pytest.raises(RejectedFile, match="empty"):
        read_raw(path, "register/d1/persons.csv")


def test_header_only_file_reads_zero_rows(tmp_path):
    path = _write(tmp_path / "persons.csv", "person_id,home_municipality_code,updated_at\n")
    raw = read_raw(path, "persons.csv")
    assert raw.frame.height == 0
    assert validate(raw.frame, PERSONS, "persons.csv", KEY).loaded.height == 0


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1234,50", Decimal("1234.50")),
        ("1 234,50", Decimal("1234.50")),
        ("1\u00a0234,50", Decimal("1234.50")),  # no-break space as thousands separator
        ("1.234,50", Decimal("1234.50")),
        ("1234.50", Decimal("1234.50")),
        ("-12,3", Decimal("-12.30")),
    ],
)
def test_decimal_variants(tmp_path, value, expected):
    path = _write(
        tmp_path / "contracts.csv",
        CONTRACT_HEADER + "\n"
        f'C1;2077474-0;8;WORKSHOP;;TENDER;FIXED_MONTHLY;"{value}";2025-01-01;;2026-01-01;\n',
    )
    loaded = validate(read_raw(path, "c.csv").frame, CONTRACTS, "c.csv", KEY).loaded
    assert loaded["unit_price_eur"].to_list() == [expected]


def test_parquet_and_xlsx_read_as_the_same_text(tmp_path):
    frame = pl.DataFrame(
        {
            "person_id": ["131052-308T"],
            "home_municipality_code": [91],
            "updated_at": [date(2026, 1, 2)],
        }
    )
    frame.write_parquet(tmp_path / "persons.parquet")
    frame.write_excel(tmp_path / "persons.xlsx")
    for name in ("persons.parquet", "persons.xlsx"):
        raw = read_raw(tmp_path / name, name)
        result = validate(raw.frame, PERSONS, name, KEY)
        row = result.loaded.row(0, named=True)
        assert (row["home_municipality_code"], row["updated_at"]) == ("091", datetime(2026, 1, 2))
