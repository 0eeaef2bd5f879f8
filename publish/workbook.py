"""Writes the leadership workbook (.xlsx) and the same tables as CSV.

A suppressed count of 1-4 persons reads `<5` (threshold 5); any other suppressed cell (a figure
from which a small count could be recovered) reads `..`, Statistics Finland's symbol for a
confidential figure. A blank cell cannot be known yet: its follow-up is not observable.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import xlsxwriter

from publish.definitions import DEFINITIONS
from publish.disclosure import (
    CONFIDENTIAL,
    SMALL,
    SUPPRESSED,
    cell_markers,
    small_count_marker,
)
from publish.tables import ExportColumn, ExportTable

HEADER_ROW = 3
DEFINITIONS_SHEET = "Määritelmät"
_NUMBER_FORMATS = {
    "count": "#,##0",
    "rate": "0.0%",
    "percent": "0.0",
    "euro": '#,##0.00 "€"',
    "score": "0.0",
    "month": "mm/yyyy",
    "date": "d.m.yyyy",
}
_CSV_DECIMALS = {"rate": 4, "percent": 1, "euro": 2, "score": 1}


def as_of_line(as_of: date, threshold: int) -> str:
    return (
        f"Tilanne {as_of.day}.{as_of.month}.{as_of.year} (tiedot tähän päivään asti). "
        f"{small_count_marker(threshold)} = alle {threshold} henkilöä; {CONFIDENTIAL} = "
        "salassa pidettävä, koska pieni luku olisi pääteltävissä. Tyhjä solu: seuranta ei ole "
        "vielä valmis."
    )


def write_workbook(
    path: Path, tables: list[tuple[ExportTable, pl.DataFrame]], as_of: date, threshold: int
) -> None:
    workbook = xlsxwriter.Workbook(str(path), {"remove_timezone": True})
    styles = _styles(workbook)
    for table, frame in tables:
        _write_sheet(workbook, styles, table, frame, as_of, threshold)
    _write_definitions(workbook, styles, as_of, threshold)
    workbook.close()


def _write_definitions(workbook, styles, as_of: date, threshold: int) -> None:
    sheet = workbook.add_worksheet(DEFINITIONS_SHEET)
    sheet.write(0, 0, "Tunnuslukujen määritelmät", styles["title"])
    sheet.write(1, 0, as_of_line(as_of, threshold), styles["note"])
    sheet.write(HEADER_ROW, 0, "Käsite", styles["header"])
    sheet.write(HEADER_ROW, 1, "Selitys", styles["header"])
    sheet.set_column(0, 0, 34, styles["wrapped"])
    sheet.set_column(1, 1, 110, styles["wrapped"])
    for offset, definition in enumerate(DEFINITIONS, start=HEADER_ROW + 1):
        sheet.write_string(offset, 0, definition.term, styles["term"])
        sheet.write_string(offset, 1, definition.explanation, styles["wrapped"])
    sheet.freeze_panes(HEADER_ROW + 1, 0)


def _styles(workbook: xlsxwriter.Workbook) -> dict[str, object]:
    styles: dict[str, object] = {
        "title": workbook.add_format({"bold": True, "font_size": 14}),
        "note": workbook.add_format({"italic": True, "font_color": "#555555"}),
        "header": workbook.add_format(
            {"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DDEBF7", "border": 1}
        ),
        "header_sv": workbook.add_format(
            {"italic": True, "text_wrap": True, "valign": "top", "font_color": "#555555"}
        ),
        "suppressed": workbook.add_format({"align": "right", "font_color": "#7F7F7F"}),
        "text": workbook.add_format({}),
        "wrapped": workbook.add_format({"text_wrap": True, "valign": "top"}),
        "term": workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"}),
    }
    for kind, number_format in _NUMBER_FORMATS.items():
        styles[kind] = workbook.add_format({"num_format": number_format})
    return styles


def _write_sheet(workbook, styles, table: ExportTable, frame, as_of: date, threshold: int) -> None:
    sheet = workbook.add_worksheet(table.sheet_fi)
    sheet.write(0, 0, table.title_fi, styles["title"])
    sheet.write(1, 0, as_of_line(as_of, threshold), styles["note"])
    for col, column in enumerate(table.columns):
        sheet.write(HEADER_ROW, col, column.label_fi, styles["header"])
        sheet.write(HEADER_ROW + 1, col, column.label_sv, styles["header_sv"])
        sheet.set_column(col, col, 14 if column.number_format != "text" else 22)
    sheet.set_row(HEADER_ROW, 60)
    sheet.set_row(HEADER_ROW + 1, 45)
    first_data_row = HEADER_ROW + 2
    for offset, row in enumerate(frame.iter_rows(named=True)):
        markers = cell_markers(row, threshold)
        for col, column in enumerate(table.columns):
            r = first_data_row + offset
            if column.name in markers:
                sheet.write_string(r, col, markers[column.name], styles["suppressed"])
            else:
                _write_value(sheet, r, col, row[column.name], column, styles)
    sheet.freeze_panes(first_data_row, 4)
    last_row = first_data_row + max(frame.height - 1, 0)
    sheet.autofilter(HEADER_ROW, 0, last_row, len(table.columns) - 1)


def _write_value(sheet, row: int, col: int, value, column: ExportColumn, styles) -> None:
    if value is None:
        sheet.write_blank(row, col, None)
    elif column.number_format in ("month", "date"):
        sheet.write_datetime(row, col, value, styles[column.number_format])
    elif column.number_format == "text":
        sheet.write_string(row, col, str(value), styles["text"])
    else:
        sheet.write_number(row, col, float(value), styles[column.number_format])


def write_csv(path: Path, table: ExportTable, frame: pl.DataFrame, threshold: int) -> None:
    """Semicolon-separated, decimal comma, UTF-8 with BOM: opens as-is in Finnish Excel."""
    hidden = pl.col(SUPPRESSED).fill_null("").str.split(",")
    small = pl.col(SMALL).fill_null("").str.split(",")
    text = frame.select(
        pl.when(small.list.contains(c.name))
        .then(pl.lit(small_count_marker(threshold)))
        .when(hidden.list.contains(c.name))
        .then(pl.lit(CONFIDENTIAL))
        .otherwise(_csv_text(c))
        .alias(c.label_fi)
        for c in table.columns
    )
    path.write_bytes(b"\xef\xbb\xbf" + text.write_csv(separator=";").encode("utf-8"))


def _csv_text(column: ExportColumn) -> pl.Expr:
    value = pl.col(column.name)
    decimals = _CSV_DECIMALS.get(column.number_format)
    if decimals is not None:
        text = value.cast(pl.Float64).round(decimals).cast(pl.String)
        return text.str.replace(".", ",", literal=True)
    return value.cast(pl.String)
