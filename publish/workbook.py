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
from publish.tables import SECTOR_MIX, TREND, ExportColumn, ExportTable

HEADER_ROW = 3
FIRST_DATA_ROW = HEADER_ROW + 2
DEFINITIONS_SHEET = "Määritelmät"
_NUMBER_FORMATS = {
    "count": "#,##0",
    "year": "0",
    "rate": "0.0%",
    "percent": "0.0",
    "euro": '#,##0.00 "€"',
    "score": "0.0",
    "month": "mm/yyyy",
}
_CSV_DECIMALS = {"rate": 4, "percent": 1, "euro": 2, "score": 1}
# Status colours: reached / on track green, missed / worse red, too little data grey.
_STATUS_COLOURS = {
    "Saavutettu": "#C6EFCE",
    "Skaalattava": "#C6EFCE",
    "Vahvistettu": "#C6EFCE",
    "Ei saavutettu": "#FFC7CE",
    "Vertailutason alapuolella": "#FFC7CE",
    "Liian vähän tietoa": "#E7E6E6",
    "Ei selvää eroa": "#FFF2CC",
}
_RED = "#FFC7CE"  # any other payment check result is a finding


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
        sheet = _write_sheet(workbook, styles, table, frame, as_of, threshold)
        if table is TREND:
            _trend_chart(workbook, sheet, frame, len(table.columns))
        elif table is SECTOR_MIX:
            _sector_chart(workbook, sheet, frame, len(table.columns))
    _write_definitions(workbook, styles, as_of, threshold)
    workbook.close()


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
    for colour in {*_STATUS_COLOURS.values(), _RED}:
        styles[colour] = workbook.add_format({"bg_color": colour, "border": 1})
    return styles


def _write_sheet(workbook, styles, table: ExportTable, frame, as_of: date, threshold: int):
    sheet = workbook.add_worksheet(table.sheet_fi)
    sheet.write(0, 0, table.title_fi, styles["title"])
    sheet.write(1, 0, as_of_line(as_of, threshold), styles["note"])
    for col, column in enumerate(table.columns):
        sheet.write(HEADER_ROW, col, column.label_fi, styles["header"])
        sheet.write(HEADER_ROW + 1, col, column.label_sv, styles["header_sv"])
        wide = column.number_format in ("text", "status")
        sheet.set_column(col, col, 24 if wide else 14)
    sheet.set_row(HEADER_ROW, 60)
    sheet.set_row(HEADER_ROW + 1, 45)
    for offset, row in enumerate(frame.iter_rows(named=True)):
        markers = cell_markers(row, threshold)
        for col, column in enumerate(table.columns):
            r = FIRST_DATA_ROW + offset
            if column.name in markers:
                sheet.write_string(r, col, markers[column.name], styles["suppressed"])
            else:
                _write_value(sheet, r, col, row[column.name], column, styles)
    leading_text = next(
        (
            i
            for i, c in enumerate(table.columns)
            if c.number_format not in ("text", "month", "year")
        ),
        0,
    )
    sheet.freeze_panes(FIRST_DATA_ROW, leading_text)
    last_row = FIRST_DATA_ROW + max(frame.height - 1, 0)
    sheet.autofilter(HEADER_ROW, 0, last_row, len(table.columns) - 1)
    return sheet


def _write_value(sheet, row: int, col: int, value, column: ExportColumn, styles) -> None:
    if value is None:
        sheet.write_blank(row, col, None)
    elif column.number_format == "month":
        sheet.write_datetime(row, col, value, styles["month"])
    elif column.number_format == "status":
        colour = _STATUS_COLOURS.get(value, _RED if value else None)
        sheet.write_string(row, col, str(value), styles[colour] if colour else styles["text"])
    elif column.number_format == "text":
        sheet.write_string(row, col, str(value), styles["text"])
    else:
        sheet.write_number(row, col, float(value), styles[column.number_format])


def _pivot(sheet, frame: pl.DataFrame, first_col: int, index: str, series: str, value: str):
    """A helper block of numbers for a chart, beside the table: hidden cells become #N/A so
    the chart leaves a gap instead of drawing a zero."""
    wide = frame.pivot(on=series, index=index, values=value, aggregate_function="first")
    wide = wide.sort(index)
    names = [c for c in wide.columns if c != index]
    sheet.write(HEADER_ROW, first_col, index)
    for j, name in enumerate(names, start=1):
        sheet.write(HEADER_ROW, first_col + j, str(name))
    for i, row in enumerate(wide.iter_rows(named=True), start=1):
        sheet.write(HEADER_ROW + i, first_col, str(row[index]))
        for j, name in enumerate(names, start=1):
            cell = row[name]
            if cell is None:
                sheet.write_formula(HEADER_ROW + i, first_col + j, "=NA()")
            else:
                sheet.write_number(HEADER_ROW + i, first_col + j, float(cell))
    sheet.set_column(first_col, first_col + len(names), None, None, {"hidden": True})
    return names, wide.height


_CHART_COLUMNS = 15  # the chart's width in columns, right of the table


def _trend_chart(workbook, sheet, frame: pl.DataFrame, table_width: int) -> None:
    first = table_width + 1 + _CHART_COLUMNS
    areas, rows = _pivot(
        sheet, frame, first, "quarter", "employment_area_name", "employed_open_6m_rate"
    )
    chart = workbook.add_chart({"type": "line"})
    for j, area in enumerate(areas, start=1):
        chart.add_series(
            {
                "name": area,
                "categories": [sheet.name, HEADER_ROW + 1, first, HEADER_ROW + rows, first],
                "values": [sheet.name, HEADER_ROW + 1, first + j, HEADER_ROW + rows, first + j],
                "marker": {"type": "circle", "size": 4},
            }
        )
    chart.set_title({"name": "Avoimilla työmarkkinoilla 6 kk päättymisen jälkeen"})
    chart.set_y_axis({"num_format": "0%", "min": 0})
    chart.set_size({"width": 900, "height": 380})
    sheet.insert_chart(HEADER_ROW, table_width + 1, chart)


def _sector_chart(workbook, sheet, frame: pl.DataFrame, table_width: int) -> None:
    latest = frame.filter(pl.col("year") == frame["year"].max())
    first = table_width + 1 + _CHART_COLUMNS
    sectors, rows = _pivot(
        sheet, latest, first, "employment_area_name", "provider_sector_name", "episode_share"
    )
    chart = workbook.add_chart({"type": "bar", "subtype": "percent_stacked"})
    for j, sector in enumerate(sectors, start=1):
        chart.add_series(
            {
                "name": sector,
                "categories": [sheet.name, HEADER_ROW + 1, first, HEADER_ROW + rows, first],
                "values": [sheet.name, HEADER_ROW + 1, first + j, HEADER_ROW + rows, first + j],
            }
        )
    chart.set_title({"name": f"Palvelujaksot sektoreittain {latest['year'].max()}"})
    chart.set_size({"width": 900, "height": 380})
    sheet.insert_chart(HEADER_ROW, table_width + 1, chart)


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
