"""The run's report for leadership: one static HTML page, offline, charts inline as SVG.

It tells the same story as the workbook from the same suppressed tables.
"""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path

import polars as pl

from publish import charts
from publish.definitions import DEFINITIONS
from publish.disclosure import cell_markers
from publish.tables import KPI_AREA_MONTH, ExportTable
from publish.workbook import as_of_line

_STYLE = """
body { font-family: "Segoe UI", Arial, sans-serif; margin: 2rem auto; max-width: 1100px;
       color: #1a1a1a; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.2rem; margin-top: 2.2rem; border-bottom: 1px solid #ccc; }
.note { color: #555; font-size: 0.9rem; }
table { border-collapse: collapse; margin: 0.8rem 0; font-size: 0.9rem; }
th, td { border: 1px solid #ddd; padding: 0.25rem 0.6rem; text-align: right; }
th { background: #ddebf7; } td.text, th.text { text-align: left; }
figure { margin: 0.8rem 0; } svg { max-width: 100%; height: auto; }
dt { font-weight: bold; margin-top: 0.6rem; } dd { margin-left: 1rem; }
"""


def write_report(path: Path, frames: dict[str, pl.DataFrame], as_of: date, threshold: int) -> None:
    sections = [
        _area_summary(frames[KPI_AREA_MONTH.name], threshold),
        _employment_trend(frames[KPI_AREA_MONTH.name]),
        _activation_trend(frames[KPI_AREA_MONTH.name]),
        _definitions(),
    ]
    title = f"Työllisyyspalvelujen vaikuttavuus – tilanne {as_of.day}.{as_of.month}.{as_of.year}"
    page = (
        '<!DOCTYPE html>\n<html lang="fi"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head><body>"
        f"<h1>{html.escape(title)}</h1>"
        f'<p class="note">{html.escape(as_of_line(as_of, threshold))}</p>'
        + "".join(sections)
        + "</body></html>\n"
    )
    path.write_text(page, encoding="utf-8")


def _definitions() -> str:
    items = "".join(
        f"<dt>{html.escape(d.term)}</dt><dd>{html.escape(d.explanation)}</dd>" for d in DEFINITIONS
    )
    return _section("Määritelmät", f"<dl>{items}</dl>")


def _section(title: str, *parts: str) -> str:
    return f"<section><h2>{html.escape(title)}</h2>{''.join(parts)}</section>"


def _figure(svg: str, caption: str) -> str:
    return f"<figure>{svg}<figcaption class='note'>{html.escape(caption)}</figcaption></figure>"


def _all_groups(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.filter(pl.col("target_group_name") == "Kaikki")


def _by_area(frame: pl.DataFrame, column: str) -> list[charts.Series]:
    rows = _all_groups(frame).sort("month_start")
    return [
        charts.Series(str(area), part["month_start"].to_list(), part[column].to_list())
        for (area,), part in rows.group_by("employment_area_name", maintain_order=True)
    ]


def _employment_trend(frame: pl.DataFrame) -> str:
    svg = charts.line_chart(
        _by_area(frame, "employed_open_6m_rate"),
        "Avoimilla työmarkkinoilla 6 kk palvelun päättymisen jälkeen",
        "osuus päättyneistä",
        percent=True,
    )
    return _section(
        "Kestävä työllistyminen",
        _figure(
            svg,
            "Palvelujaksot päättymiskuukauden mukaan; puuttuva piste on peitetty "
            "tai seuranta ei ole vielä valmis.",
        ),
    )


def _activation_trend(frame: pl.DataFrame) -> str:
    svg = charts.line_chart(
        _by_area(frame, "activation_rate"), "Aktivointiaste kuukauden lopussa", "%"
    )
    return _section(
        "Aktivointi",
        _figure(svg, "Aktivointipalveluissa / (työttömät + aktivointipalveluissa) × 100."),
    )


def _area_summary(frame: pl.DataFrame, threshold: int) -> str:
    latest = (
        _all_groups(frame)
        .filter(pl.col("is_complete_month"))
        .sort("month_start")
        .group_by("employment_area_code", maintain_order=True)
        .last()
        .sort("employment_area_code")
    )
    columns = [
        "employment_area_name",
        "month_start",
        "active_customers",
        "unemployed_jobseekers",
        "in_activating_services",
        "activation_rate",
    ]
    return _section(
        "Työllisyysalueet viimeisimpänä kokonaisena kuukautena",
        _table(KPI_AREA_MONTH, latest, columns, threshold),
    )


def _table(table: ExportTable, frame: pl.DataFrame, columns: list[str], threshold: int) -> str:
    spec = {c.name: c for c in table.columns}
    head = "".join(
        f"<th class='{'text' if spec[c].number_format == 'text' else ''}'>"
        f"{html.escape(spec[c].label_fi)}</th>"
        for c in columns
    )
    body = []
    for row in frame.iter_rows(named=True):
        markers = cell_markers(row, threshold)
        cells = "".join(_cell(row[c], spec[c].number_format, markers.get(c)) for c in columns)
        body.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _cell(value, number_format: str, marker: str | None) -> str:
    if marker is not None:
        return f"<td>{marker}</td>"
    if value is None:
        return "<td></td>"
    if number_format == "text":
        return f"<td class='text'>{html.escape(str(value))}</td>"
    if number_format == "month":
        return f"<td>{value.month}/{value.year}</td>"
    if number_format == "rate":
        return f"<td>{value:.1%}".replace(".", ",") + "</td>"
    if number_format in ("percent", "score"):
        return f"<td>{value:.1f}".replace(".", ",") + "</td>"
    if number_format == "euro":
        return f"<td>{value:,.2f} €".replace(",", " ").replace(".", ",") + "</td>"
    return f"<td>{value:,}".replace(",", " ") + "</td>"
