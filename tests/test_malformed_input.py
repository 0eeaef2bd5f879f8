"""Malformed and unusual deliveries, one tiny delivery each, with the exact outcome: the
rejection message, or which rows are quarantined under which rule, and the load-log counts.

Every case writes one file into `<landing>/<source>/d1/` and loads the source with
`ingest_source`, the function the Dagster ingest asset runs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter

from ingest import lake
from ingest.contract import entity_named
from ingest.load import ingest_source
from ingest.pseudonymise import PseudonymKey, pseudonym

KEY = PseudonymKey(b"0123456789abcdef-test-key", is_demo=False)

PERSONS = (
    "person_id,birth_year,mother_tongue,home_municipality_code,education_level,"
    "disability_or_chronic_illness,updated_at,deleted"
)
PERIODS = "period_id;person_id;status;municipality_code;start_date;end_date;updated_at;deleted"
EPISODES = (
    "service_period_id;person_id;service_code;provider_business_id;contract_id;operating_model;"
    "municipality_code;start_date;end_date;end_reason;updated_at;deleted"
)
PROVIDERS = "business_id;name;sector;municipality_code;updated_at;deleted"
CONTRACTS = (
    "contract_id;business_id;employment_area_code;service_code;operating_model;"
    "procurement_route;pricing_model;unit_price_eur;valid_from;valid_to;updated_at;deleted"
)
LINES = (
    "invoice_id;line_no;contract_id;invoice_date;period_start;period_end;person_id;line_type;"
    "outcome_type;outcome_date;quantity;amount_eur;updated_at;deleted"
)
RESPONSES = (
    "response_id,person_id,service_period_id,business_id,response_date,measurement_point,"
    "q01,q02,q03,q04,q05,q06,q07,q08,q09,q10,work_ability,updated_at,deleted"
)
CONTRACT_ROW = "C1;2077474-0;8;WORKSHOP;;TENDER;FIXED_MONTHLY;{price};1.1.2025;;1.2.2026 8:00;E"
LINE_ROW = "I1;{no};C1;2026-02-01;2026-01-01;2026-01-31;{person};{kind};{outcome};{day};1;{eur};"
LINE_ROW += "2026-02-01 08:00;"
PERSON_ROW = "131052-308T,,fi,091,BASIC,0,2026-03-01T08:00:00,false"
PERIOD_ROW = "J1;131052-308T;UNEMPLOYED;091;2025-01-01;;2026-03-01 08:00;"


def csv(*lines: str, encoding: str = "utf-8") -> bytes:
    return ("\n".join(lines) + "\n").encode(encoding)


def parquet(frame: pl.DataFrame) -> Callable[[Path], None]:
    return lambda path: frame.write_parquet(path)


def workbook_with_two_sheets(path: Path) -> None:
    book = xlsxwriter.Workbook(path)
    first, second = book.add_worksheet("Henkilöt"), book.add_worksheet("Muistiinpanot")
    first.write_row(0, 0, ["person_id", "home_municipality_code", "updated_at"])
    first.write_row(1, 0, ["131052-308T", "91", "2026-03-01 08:00"])
    second.write_row(0, 0, ["person_id", "home_municipality_code", "updated_at"])
    second.write_row(1, 0, ["150601A234A", "91", "2026-03-01 08:00"])
    book.close()


@dataclass(frozen=True)
class Case:
    id: str
    source: str
    file: str
    content: bytes | Callable[[Path], None]
    counts: tuple[int, int, int]  # rows read, loaded, quarantined
    quarantined: tuple[tuple[int, str], ...] = ()  # (row number, rule)
    rejected: str | None = None  # the exact rejection message
    loaded: dict[str, list] = field(default_factory=dict)  # lake column -> values in row order
    logged: dict[str, object] = field(default_factory=dict)  # load-log column -> value


CASES = [
    Case(
        "wrong check character",
        "register",
        "persons.csv",
        csv(
            PERSONS,
            PERSON_ROW.replace("308T", "308U"),
            PERSON_ROW.replace("131052-308T", "150601A234A"),
        ),
        counts=(2, 1, 1),
        quarantined=((1, "INVALID_IDENTITY_CODE"),),
    ),
    Case(
        "2023 century sign and temporary number load",
        "register",
        "persons.csv",
        csv(PERSONS, PERSON_ROW.replace("131052-308T", "010594Y9032")),
        counts=(1, 1, 0),
        loaded={"person_key": [pseudonym(KEY, "010594Y9032")], "birth_year": [1994]},
    ),
    Case(
        "invalid business id of a provider",
        "purchases",
        "providers.csv",
        csv(PROVIDERS, "2077474-1;Työpaja ry;NGO;091;1.3.2026 8:00;E"),
        counts=(1, 0, 1),
        quarantined=((1, "INVALID_BUSINESS_ID"),),
    ),
    Case(
        "invalid business id in a contract",
        "purchases",
        "contracts.csv",
        csv(CONTRACTS, CONTRACT_ROW.format(price="10,00").replace("2077474-0", "2077474-1")),
        counts=(1, 0, 1),
        quarantined=((1, "INVALID_BUSINESS_ID"),),
    ),
    Case(
        "31.2.2025 is not a date",
        "register",
        "service_periods.csv",
        csv(EPISODES, "E1;131052-308T;WORKSHOP;;;;091;31.2.2025;;;1.3.2026 8:00;E"),
        counts=(1, 0, 1),
        quarantined=((1, "INVALID_DATE"),),
    ),
    Case(
        "end before start",
        "register",
        "jobseeker_periods.csv",
        csv(PERIODS, "J1;131052-308T;UNEMPLOYED;091;10.3.2025;2.3.2025;1.3.2026 8:00;E"),
        counts=(1, 0, 1),
        quarantined=((1, "END_BEFORE_START"),),
    ),
    Case(
        "survey item 6",
        "surveys",
        "participation_responses.csv",
        csv(RESPONSES, "R1,,,,2026-01-10,START,3,3,3,3,3,6,3,3,3,3,7,2026-01-10T10:00:00,"),
        counts=(1, 0, 1),
        quarantined=((1, "OUT_OF_RANGE"),),
    ),
    Case(
        "work ability 11",
        "surveys",
        "participation_responses.csv",
        csv(RESPONSES, "R1,,,,2026-01-10,START,3,3,3,3,3,3,3,3,3,3,11,2026-01-10T10:00:00,"),
        counts=(1, 0, 1),
        quarantined=((1, "OUT_OF_RANGE"),),
    ),
    Case(
        "missing required column rejects the file",
        "register",
        "persons.csv",
        csv("person_id,updated_at", "131052-308T,2026-03-01", "150601A234A,2026-03-01"),
        counts=(2, 0, 2),
        quarantined=((1, "FILE_REJECTED"), (2, "FILE_REJECTED")),
        rejected="register/d1/persons.csv, column 'home_municipality_code': "
        "required column is missing",
    ),
    Case(
        "Windows-1252 with ä, ö and å",
        "purchases",
        "providers.csv",
        csv(PROVIDERS, "2077474-0;Työpaja Åström ry;NGO;091;1.3.2026 8:00;E", encoding="cp1252"),
        counts=(1, 1, 0),
        loaded={"name": ["Työpaja Åström ry"]},
        logged={"encoding": "windows-1252", "delimiter": ";", "date_style": "D.M.YYYY"},
    ),
    Case(
        "UTF-8 with a byte-order mark",
        "register",
        "persons.csv",
        b"\xef\xbb\xbf" + csv(PERSONS, PERSON_ROW),
        counts=(1, 1, 0),
        loaded={"home_municipality_code": ["091"]},
        logged={"encoding": "utf-8-sig", "delimiter": ",", "date_style": "YYYY-MM-DD"},
    ),
    Case(
        "decimal comma with a space for thousands",
        "purchases",
        "contracts.csv",
        csv(CONTRACTS, CONTRACT_ROW.format(price="1 234,50")),
        counts=(1, 1, 0),
        loaded={"unit_price_eur": [Decimal("1234.50")]},
        logged={"decimal_style": "comma"},
    ),
    Case(
        "decimal comma with a point for thousands",
        "purchases",
        "contracts.csv",
        csv(CONTRACTS, CONTRACT_ROW.format(price="1.234,50")),
        counts=(1, 1, 0),
        loaded={"unit_price_eur": [Decimal("1234.50")]},
    ),
    Case(
        "empty file",
        "register",
        "persons.csv",
        b"",
        counts=(0, 0, 0),
        rejected="register/d1/persons.csv: the file is empty: not even a header row",
    ),
    Case(
        "header only",
        "register",
        "persons.csv",
        csv(PERSONS),
        counts=(0, 0, 0),
    ),
    Case(
        "same key and updated_at twice with different values: both quarantined",
        "register",
        "jobseeker_periods.csv",
        csv(
            PERIODS,
            PERIOD_ROW,
            PERIOD_ROW.replace("UNEMPLOYED", "LAID_OFF"),
            PERIOD_ROW.replace("J1", "J2"),
        ),
        counts=(3, 1, 2),
        quarantined=((1, "DUPLICATE_KEY_IN_FILE"), (2, "DUPLICATE_KEY_IN_FILE")),
        loaded={"period_id": ["J2"]},
    ),
    Case(
        "an exact repeat of a row: the first loads",
        "register",
        "jobseeker_periods.csv",
        csv(PERIODS, PERIOD_ROW, PERIOD_ROW.replace("2025-01-01", "1.1.2025")),
        counts=(2, 1, 1),
        quarantined=((2, "DUPLICATE_KEY_IN_FILE"),),
    ),
    Case(
        "same key with two updated_at values: two versions, both load",
        "register",
        "jobseeker_periods.csv",
        csv(PERIODS, PERIOD_ROW, PERIOD_ROW.replace("08:00", "09:00").replace(";;", ";31.3.2025;")),
        counts=(2, 2, 0),
        loaded={"end_date": [None, date(2025, 3, 31)]},
    ),
    Case(
        "tombstone of a key that never existed loads (a no-op downstream)",
        "register",
        "jobseeker_periods.csv",
        csv(PERIODS, "J404;;;;;;2026-03-01 08:00;true"),
        counts=(1, 1, 0),
        loaded={"period_id": ["J404"], "deleted": [True], "person_key": [None]},
    ),
    Case(
        "a tombstone's other values are neither checked nor kept",
        "register",
        "persons.csv",
        csv(PERSONS, "131052-308T,,xx,588,NOPE,maybe,2026-03-01T08:00:00,K"),
        counts=(1, 1, 0),
        loaded={"deleted": [True], "home_municipality_code": [None], "education_level": [None]},
    ),
    Case(
        "truncated last line",
        "register",
        "service_periods.csv",
        csv(EPISODES, "E1;131052-308T;WORKSHOP;;;;091;1.2.2025;;;1.3.2026 8:00;E")
        + b"E2;131052-308T;WORKSHOP;;;;091;1.2.2025;",
        counts=(2, 1, 1),
        quarantined=((2, "WRONG_FIELD_COUNT"),),
    ),
    Case(
        "file cut inside a quoted value",
        "purchases",
        "providers.csv",
        csv('"business_id";"name";"sector";"municipality_code";"updated_at";"deleted"')
        + csv('"2077474-0";"Työpaja; ry";"NGO";"091";"1.3.2026 8:00";"E"')
        + b'"1852302-9";"Osuuskunta Ke',
        counts=(2, 1, 1),
        quarantined=((2, "WRONG_FIELD_COUNT"),),
        loaded={"name": ["Työpaja; ry"]},
    ),
    Case(
        "a row with more fields than the header",
        "register",
        "jobseeker_periods.csv",
        csv(PERIODS, PERIOD_ROW, PERIOD_ROW.replace("J1;", "J2;;")),
        counts=(2, 1, 1),
        quarantined=((2, "WRONG_FIELD_COUNT"),),
    ),
    Case(
        "blank lines are not rows",
        "register",
        "jobseeker_periods.csv",
        csv(PERIODS, PERIOD_ROW, "", PERIOD_ROW.replace("J1", "J2"), "", ""),
        counts=(2, 2, 0),
        loaded={"period_id": ["J1", "J2"], "_row_no": [1, 3]},
    ),
    Case(
        "unknown extra column is ignored and listed in the load log",
        "register",
        "jobseeker_periods.csv",
        csv(PERIODS + ";Favourite Colour", PERIOD_ROW + ";blue"),
        counts=(1, 1, 0),
        logged={"unknown_columns": "favourite colour"},
    ),
    Case(
        "unknown status code",
        "register",
        "jobseeker_periods.csv",
        csv(PERIODS, PERIOD_ROW.replace("UNEMPLOYED", "RETIRED")),
        counts=(1, 0, 1),
        quarantined=((1, "UNKNOWN_CODE"),),
    ),
    Case(
        "unknown service code",
        "register",
        "service_periods.csv",
        csv(EPISODES, "E1;131052-308T;MAGIC;;;;091;1.2.2025;;;1.3.2026 8:00;E"),
        counts=(1, 0, 1),
        quarantined=((1, "UNKNOWN_CODE"),),
    ),
    Case(
        "unknown municipality (588 merged into Mäntyharju)",
        "register",
        "jobseeker_periods.csv",
        csv(PERIODS, PERIOD_ROW.replace(";091;", ";588;")),
        counts=(1, 0, 1),
        quarantined=((1, "UNKNOWN_MUNICIPALITY"),),
    ),
    Case(
        "OUTCOME_BONUS without outcome_type",
        "purchases",
        "invoice_lines.csv",
        csv(
            LINES,
            LINE_ROW.format(
                no=1, person="131052-308T", kind="OUTCOME_BONUS", outcome="", day="", eur="800"
            ),
        ),
        counts=(1, 0, 1),
        quarantined=((1, "INCOMPLETE_OUTCOME_BONUS"),),
    ),
    Case(
        "CREDIT with a positive amount",
        "purchases",
        "invoice_lines.csv",
        csv(
            LINES,
            LINE_ROW.format(no=1, person="", kind="CREDIT", outcome="", day="", eur="50,00"),
            LINE_ROW.format(no=2, person="", kind="CREDIT", outcome="", day="", eur="-50,00"),
        ),
        counts=(2, 1, 1),
        quarantined=((1, "CREDIT_NOT_NEGATIVE"),),
        loaded={"amount_eur": [Decimal("-50.00")]},
    ),
    Case(
        "Parquet with string dates in both notations",
        "register",
        "jobseeker_periods.parquet",
        parquet(
            pl.DataFrame(
                {
                    "period_id": ["J1", "J2"],
                    "person_id": ["131052-308T", "131052-308T"],
                    "status": ["UNEMPLOYED", "EMPLOYED_OPEN"],
                    "municipality_code": ["091", "091"],
                    "start_date": ["2025-01-01", "1.4.2025"],
                    "end_date": ["31.3.2025", None],
                    "updated_at": ["2026-03-01 08:00", "1.3.2026 8:00"],
                }
            )
        ),
        counts=(2, 2, 0),
        loaded={"start_date": [date(2025, 1, 1), date(2025, 4, 1)]},
        logged={"file_format": "parquet", "date_style": "mixed"},
    ),
    Case(
        "XLSX: the first sheet only",
        "register",
        "persons.xlsx",
        workbook_with_two_sheets,
        counts=(1, 1, 0),
        loaded={"person_key": [pseudonym(KEY, "131052-308T")], "birth_year": [1952]},
        logged={"file_format": "xlsx"},
    ),
    Case(
        "booleans K and E",
        "register",
        "persons.csv",
        csv(PERSONS, PERSON_ROW.replace(",0,", ",K,").replace("false", "E")),
        counts=(1, 1, 0),
        loaded={"disability_or_chronic_illness": [True], "deleted": [False]},
    ),
    Case(
        "timestamp D.M.YYYY HH:MM",
        "register",
        "jobseeker_periods.csv",
        csv(PERIODS, PERIOD_ROW.replace("2026-03-01 08:00", "15.3.2026 9:05")),
        counts=(1, 1, 0),
        loaded={"updated_at": [datetime(2026, 3, 15, 9, 5)]},
    ),
    Case(
        "header names in upper case with stray spaces",
        "register",
        "jobseeker_periods.csv",
        csv(
            " PERIOD_ID ; Person_Id;STATUS ;municipality_code; START_DATE;end_date;UPDATED_AT;"
            "deleted ",
            PERIOD_ROW,
        ),
        counts=(1, 1, 0),
        loaded={"period_id": ["J1"], "status": ["UNEMPLOYED"]},
    ),
    Case(
        "a column of the wrong type throughout rejects the file",
        "register",
        "jobseeker_periods.csv",
        csv(
            PERIODS,
            PERIOD_ROW.replace("2025-01-01", "soon"),
            PERIOD_ROW.replace("J1", "J2").replace("2025-01-01", "later"),
        ),
        counts=(2, 0, 2),
        quarantined=((1, "FILE_REJECTED"), (2, "FILE_REJECTED")),
        rejected="register/d1/jobseeker_periods.csv, column 'start_date': no value can be read "
        "as date (2 non-empty values, none of that form)",
    ),
    Case(
        "a file named after no entity",
        "register",
        "people.csv",
        csv(PERSONS, PERSON_ROW),
        counts=(0, 0, 0),
        rejected="register/d1/people.csv: not a file of the contract: a register file is one of "
        "persons, jobseeker_periods, service_periods as csv, parquet, xlsx",
    ),
    Case(
        "an upstream pseudonym passes unchanged",
        "register",
        "persons.csv",
        csv(PERSONS, PERSON_ROW.replace("131052-308T", "pseudo:7f3a9c")),
        counts=(1, 1, 0),
        loaded={"person_key": ["pseudo:7f3a9c"], "birth_year": [None]},
    ),
    Case(
        "birth year derived from the code when the column is absent",
        "register",
        "persons.csv",
        csv("person_id,home_municipality_code,updated_at", "131052-308T,91,2026-03-01"),
        counts=(1, 1, 0),
        loaded={"birth_year": [1952], "home_municipality_code": ["091"]},
    ),
    Case(
        "an identity code typed into a text column",
        "register",
        "jobseeker_periods.csv",
        csv(PERIODS, PERIOD_ROW.replace("J1;", "200390-2343;")),
        counts=(1, 0, 1),
        quarantined=((1, "IDENTITY_CODE_IN_TEXT"),),
    ),
    Case(
        "a required value missing",
        "register",
        "jobseeker_periods.csv",
        csv(PERIODS, PERIOD_ROW.replace("2026-03-01 08:00", "")),
        counts=(1, 0, 1),
        quarantined=((1, "MISSING_REQUIRED_VALUE"),),
    ),
    Case(
        "a quote opened in the middle of the file and never closed",
        "register",
        "jobseeker_periods.csv",
        csv(PERIODS, PERIOD_ROW.replace("J1", '"J1'), PERIOD_ROW.replace("J1", "J2")),
        counts=(0, 0, 0),
        rejected="register/d1/jobseeker_periods.csv: a quoted value opened on row 1 is never "
        "closed",
    ),
    Case(
        "a header naming a column twice",
        "register",
        "jobseeker_periods.csv",
        csv(PERIODS + ";Status", PERIOD_ROW + ";UNEMPLOYED"),
        counts=(0, 0, 0),
        rejected="register/d1/jobseeker_periods.csv, column 'status': the header repeats this "
        "column",
    ),
    Case(
        "a file delivered without its header row",
        "register",
        "persons.csv",
        csv(PERSON_ROW, PERSON_ROW.replace("131052-308T", "150601A234A")),
        counts=(1, 0, 1),
        quarantined=((1, "FILE_REJECTED"),),
        rejected="register/d1/persons.csv, column 'person_id': required column is missing",
    ),
]


def load(tmp_path: Path, case: Case) -> tuple[dict, pl.DataFrame, pl.DataFrame]:
    landing, lake_dir = tmp_path / "landing", tmp_path / "lake"
    path = landing / case.source / "d1" / case.file
    path.parent.mkdir(parents=True)
    if isinstance(case.content, bytes):
        path.write_bytes(case.content)
    else:
        case.content(path)
    [logged] = ingest_source(landing, case.source, lake_dir, KEY).to_dicts()
    quarantine = pl.read_parquet(lake.quarantine_file(lake_dir, case.source, "d1", case.file))
    entity = entity_named(case.source, Path(case.file).stem)
    data = lake.data_file(lake_dir, entity, "d1", case.file) if entity else None
    loaded = pl.read_parquet(data) if data and data.exists() else pl.DataFrame()
    return logged, quarantine, loaded


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_malformed_input(tmp_path, case: Case):
    logged, quarantine, loaded = load(tmp_path, case)
    counts = (logged["rows_read"], logged["rows_loaded"], logged["rows_quarantined"])
    assert counts == case.counts
    assert logged["rows_read"] == logged["rows_loaded"] + logged["rows_quarantined"]
    assert logged["rejected"] is (case.rejected is not None)
    assert logged["rejection_reason"] == case.rejected
    assert list(quarantine.select("row_no", "rule").iter_rows()) == list(case.quarantined)
    for column, values in case.loaded.items():
        assert loaded[column].to_list() == values, column
    for column, value in case.logged.items():
        assert logged[column] == value, column


def test_quarantine_names_the_row_and_masks_the_code(tmp_path):
    case = CASES[0]
    _, quarantine, _ = load(tmp_path, case)
    assert quarantine.to_dicts() == [
        {
            "source": "register",
            "entity": "persons",
            "delivery_id": "d1",
            "file": "persons.csv",
            "row_no": 1,
            "rule": "INVALID_IDENTITY_CODE",
            "violations": "person_id: INVALID_IDENTITY_CODE",
            "record_key": "131052-****",
            "person_ref": "131052-****",
        }
    ]


def test_violations_show_the_value_except_identity_codes(tmp_path):
    date_case = next(c for c in CASES if c.id == "31.2.2025 is not a date")
    _, quarantine, _ = load(tmp_path / "date", date_case)
    assert quarantine["violations"].to_list() == ["start_date: INVALID_DATE ('31.2.2025')"]
    text_case = next(c for c in CASES if c.id == "an identity code typed into a text column")
    _, quarantine, _ = load(tmp_path / "text", text_case)
    row = quarantine.row(0, named=True)
    assert row["violations"] == "period_id: IDENTITY_CODE_IN_TEXT"
    assert row["record_key"] == "200390-****"


def test_duplicate_rows_say_which_rows(tmp_path):
    conflicting, repeated = (c for c in CASES if ("DUPLICATE_KEY_IN_FILE" in str(c.quarantined)))
    _, quarantine, _ = load(tmp_path / "a", conflicting)
    assert quarantine["violations"].unique().to_list() == [
        "DUPLICATE_KEY_IN_FILE (rows 1, 2 share key and updated_at with different values)"
    ]
    _, quarantine, _ = load(tmp_path / "b", repeated)
    assert quarantine["violations"].to_list() == ["DUPLICATE_KEY_IN_FILE (repeats row 1)"]
    many = [PERIOD_ROW.replace("2025-01-01", f"2025-01-0{day}") for day in range(1, 9)]
    case = Case("many", "register", "jobseeker_periods.csv", csv(PERIODS, *many), (8, 0, 8))
    _, quarantine, _ = load(tmp_path / "c", case)
    assert quarantine["violations"].unique().to_list() == [
        "DUPLICATE_KEY_IN_FILE (rows 1, 2, 3, 4, 5 and 3 more share key and updated_at with "
        "different values)"
    ]


def test_truncated_rows_say_how_many_fields(tmp_path):
    truncated = next(c for c in CASES if c.id == "truncated last line")
    _, quarantine, _ = load(tmp_path / "a", truncated)
    assert quarantine["violations"][0].startswith(
        "WRONG_FIELD_COUNT (the row has 9 fields, the header 12); "
    )
    cut = next(c for c in CASES if c.id == "file cut inside a quoted value")
    _, quarantine, _ = load(tmp_path / "b", cut)
    assert quarantine["violations"][0].startswith(
        "WRONG_FIELD_COUNT (the row ends inside a quoted value); "
    )


def test_the_same_delivery_twice_changes_nothing(tmp_path):
    landing, lake_dir = tmp_path / "landing", tmp_path / "lake"
    path = landing / "register" / "d1" / "jobseeker_periods.csv"
    path.parent.mkdir(parents=True)
    path.write_bytes(csv(PERIODS, PERIOD_ROW))
    first = ingest_source(landing, "register", lake_dir, KEY)
    written = {p: p.read_bytes() for p in lake_dir.rglob("*.parquet")}
    second = ingest_source(landing, "register", lake_dir, KEY)
    assert first.height == 1 and second.is_empty()
    assert {p: p.read_bytes() for p in lake_dir.rglob("*.parquet")} == written


def test_an_unexpected_error_rejects_only_its_file_with_a_masked_message(tmp_path, monkeypatch):
    import ingest.load

    def broken(raw, entity, file, key):
        if entity.name == "persons":
            raise ValueError("cannot handle 131052-308T\nsecond line")
        return validate(raw, entity, file, key)

    from ingest.validate import validate

    monkeypatch.setattr(ingest.load, "validate", broken)
    landing = tmp_path / "landing"
    (landing / "register" / "d1").mkdir(parents=True)
    (landing / "register" / "d1" / "persons.csv").write_bytes(csv(PERSONS, PERSON_ROW))
    (landing / "register" / "d1" / "jobseeker_periods.csv").write_bytes(csv(PERIODS, PERIOD_ROW))
    logged = ingest_source(landing, "register", tmp_path / "lake", KEY).sort("file")
    assert logged.select("file", "rows_read", "rows_loaded", "rejection_reason").rows() == [
        ("jobseeker_periods.csv", 1, 1, None),
        (
            "persons.csv",
            1,
            0,
            "register/d1/persons.csv: unexpected error: ValueError: cannot handle 131052-****",
        ),
    ]


def test_an_unreadable_parquet_file_is_rejected(tmp_path):
    case = Case("x", "register", "persons.parquet", b"PAR1 this is not parquet", (0, 0, 0))
    logged, quarantine, _ = load(tmp_path, case)
    assert logged["rejected"] and quarantine.is_empty()
    assert logged["rejection_reason"].startswith("register/d1/persons.parquet: unexpected error: ")


def test_at_least_25_cases():
    assert len(CASES) >= 25
