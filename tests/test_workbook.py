"""The leadership workbook read back: sheets, labels, the as-of date, values equal to the marts,
and disclosure control (small counts hidden, nothing recoverable from what is shown)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import duckdb
import openpyxl
import polars as pl
import pytest

from publish.disclosure import CONFIDENTIAL
from publish.tables import EXPORT_TABLES, ExportTable
from publish.workbook import DEFINITIONS_SHEET, FIRST_DATA_ROW, HEADER_ROW

THRESHOLD = 5
SMALL = f"<{THRESHOLD}"
MARKERS = {SMALL, CONFIDENTIAL}


@pytest.fixture(scope="module")
def exported(generated_run):
    report = generated_run.report
    folder = Path(report.exports_folder)
    workbook = openpyxl.load_workbook(folder / f"vaikuttavuus_{generated_run.truth['as_of']}.xlsx")
    with duckdb.connect(report.snapshot, read_only=True) as con:
        raw = {t.name: con.sql(t.query).pl() for t in EXPORT_TABLES}
    return workbook, raw, folder


def _rows(sheet, table: ExportTable) -> list[dict]:
    names = [c.name for c in table.columns]
    return [
        dict(zip(names, row, strict=False))
        for row in sheet.iter_rows(min_row=FIRST_DATA_ROW + 1, max_col=len(names), values_only=True)
    ]


def test_one_sheet_per_theme_and_definitions(exported):
    workbook, _, _ = exported
    assert workbook.sheetnames == [t.sheet_fi for t in EXPORT_TABLES] + [DEFINITIONS_SHEET]


@pytest.mark.parametrize("table", EXPORT_TABLES, ids=lambda t: t.name)
def test_labels_and_as_of_date_on_every_sheet(exported, table):
    sheet = exported[0][table.sheet_fi]
    assert sheet["A1"].value == table.title_fi
    assert sheet["A2"].value.startswith("Tilanne 31.10.2026")
    header = [c.value for c in sheet[HEADER_ROW + 1]][: len(table.columns)]
    swedish = [c.value for c in sheet[HEADER_ROW + 2]][: len(table.columns)]
    assert header == [c.label_fi for c in table.columns]
    assert swedish == [c.label_sv for c in table.columns]
    assert sheet.freeze_panes.startswith("A") or sheet.freeze_panes[0].isalpha()


@pytest.mark.parametrize("table", EXPORT_TABLES, ids=lambda t: t.name)
def test_every_shown_value_equals_the_marts(exported, table):
    workbook, raw, _ = exported
    shown = _rows(workbook[table.sheet_fi], table)
    truth = raw[table.name]
    assert len(shown) == truth.height > 0
    for cells, row in zip(shown, truth.iter_rows(named=True), strict=True):
        for column in table.columns:
            value, expected = cells[column.name], row[column.name]
            if value in MARKERS:
                continue
            if column.number_format == "month":
                assert value.date() == expected
            elif column.number_format in ("text", "status"):
                assert value == (None if expected is None else str(expected))
            else:
                assert value == (None if expected is None else pytest.approx(float(expected)))


@pytest.mark.parametrize("table", EXPORT_TABLES, ids=lambda t: t.name)
def test_small_counts_are_never_shown(exported, table):
    workbook, raw, _ = exported
    shown = _rows(workbook[table.sheet_fi], table)
    rules = table.disclosure
    counts = [c for c in (*rules.counts, *(p.part for p in rules.parts)) if c in shown[0]]
    for cells, row in zip(shown, raw[table.name].iter_rows(named=True), strict=True):
        for column in counts:
            if row[column] is not None and 0 < row[column] < THRESHOLD:
                assert cells[column] == SMALL, (column, row[column])


@pytest.mark.parametrize("table", EXPORT_TABLES, ids=lambda t: t.name)
def test_no_hidden_count_recoverable_from_what_is_shown(exported, table):
    workbook, raw, _ = exported
    frame = pl.DataFrame(_rows(workbook[table.sheet_fi], table), infer_schema_length=None)
    source = raw[table.name]
    rules = table.disclosure
    for part in rules.parts:
        if part.part not in frame.columns or part.whole not in frame.columns:
            continue
        for cells, row in zip(
            frame.iter_rows(named=True), source.iter_rows(named=True), strict=True
        ):
            if cells[part.part] in MARKERS:  # hidden: so is everything that would reveal it
                assert all(cells[c] in MARKERS | {None} for c in part.shown_by if c in cells)
            elif cells[part.whole] not in MARKERS and row[part.whole] is not None:
                remainder = row[part.whole] - row[part.part]
                assert remainder == 0 or remainder >= THRESHOLD, (part.part, row)
    for partition in rules.partitions:
        # A group with a single hidden cell gives it back as its total minus the visible cells,
        # unless the group's total is hidden too, or the group is that one cell.
        groups = (
            source.with_columns(
                pl.Series("_hidden", [v in MARKERS for v in frame[partition.part]]),
                pl.Series("_total_hidden", _hidden_total(frame, partition.total)),
            )
            .group_by(list(partition.group_by))
            .agg(pl.col("_hidden").sum(), pl.col("_total_hidden").all(), pl.len().alias("rows"))
        )
        exposed = groups.filter(
            (pl.col("_hidden") == 1) & ~pl.col("_total_hidden") & (pl.col("rows") > 1)
        )
        assert exposed.is_empty(), (partition.part, exposed)


def _hidden_total(frame: pl.DataFrame, total: str | None) -> list[bool]:
    if total is None:  # derivable from other figures: always known
        return [False] * frame.height
    return [v in MARKERS for v in frame[total]]


def test_targets_coloured_by_status(exported):
    sheet = exported[0]["Tavoitteet"]
    status_col = [c.value for c in sheet[HEADER_ROW + 1]].index("Tilanne") + 1
    cell = sheet.cell(row=FIRST_DATA_ROW + 1, column=status_col)
    colours = {"Saavutettu": "C6EFCE", "Ei saavutettu": "FFC7CE", "Liian vähän tietoa": "E7E6E6"}
    assert cell.fill.fgColor.rgb.endswith(colours[cell.value])


def test_charts_for_the_trend_and_the_sector_mix(exported):
    workbook_path = next(exported[2].glob("*.xlsx"))
    with zipfile.ZipFile(workbook_path) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
        drawings = " ".join(
            archive.read(n).decode() for n in archive.namelist() if "worksheets/_rels" in n
        )
    assert len(charts) == 2
    assert drawings.count("drawing") >= 2


def test_csv_and_parquet_hold_the_same_tables(exported):
    _, raw, folder = exported
    for table in EXPORT_TABLES:
        csv_lines = (folder / f"{table.name}.csv").read_text(encoding="utf-8-sig").splitlines()
        assert csv_lines[0].split(";") == [c.label_fi for c in table.columns]
        assert len(csv_lines) - 1 == raw[table.name].height
        parquet = pl.read_parquet(folder / f"{table.name}.parquet")
        assert parquet.height == raw[table.name].height
        assert "person_key" not in parquet.columns
