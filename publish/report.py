"""The run's report for leadership: one static HTML page, offline, charts inline as SVG.

It tells the same story as the workbook, from the same suppressed tables: a hidden cell is
neither a number in a table nor a point in a chart.
"""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path

import polars as pl

from publish import charts
from publish.definitions import DEFINITIONS
from publish.disclosure import cell_markers
from publish.tables import (
    KPI_AREA_MONTH,
    OPERATING_MODELS,
    OUTCOME_PAYMENTS,
    SECTOR_MIX,
    SUMMARY,
    TARGETS,
    TREND,
    ExportTable,
)
from publish.workbook import as_of_line

_STYLE = """
body { font-family: "Segoe UI", Arial, sans-serif; margin: 2rem auto; max-width: 1100px;
       color: #1a1a1a; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.2rem; margin-top: 2.2rem; border-bottom: 1px solid #ccc; }
.note { color: #555; font-size: 0.9rem; }
table { border-collapse: collapse; margin: 0.8rem 0; font-size: 0.85rem; }
th, td { border: 1px solid #ddd; padding: 0.25rem 0.5rem; text-align: right; }
th { background: #ddebf7; } td.text, th.text { text-align: left; }
td.good { background: #c6efce; } td.bad { background: #ffc7ce; } td.grey { background: #e7e6e6; }
figure { margin: 0.8rem 0; } svg { max-width: 100%; height: auto; }
dt { font-weight: bold; margin-top: 0.6rem; } dd { margin-left: 1rem; }
"""
_STATUS_CLASSES = {
    "Saavutettu": "good",
    "Skaalattava": "good",
    "Vahvistettu": "good",
    "Ei saavutettu": "bad",
    "Vertailutason alapuolella": "bad",
    "Liian vähän tietoa": "grey",
    "Ei selvää eroa": "",
}


def write_report(path: Path, frames: dict[str, pl.DataFrame], as_of: date, threshold: int) -> None:
    def table(spec: ExportTable, columns: list[str], rows: pl.DataFrame | None = None) -> str:
        return _table(spec, frames[spec.name] if rows is None else rows, columns, threshold)

    sections = [
        _section(
            "Työllisyysalueet",
            table(
                SUMMARY,
                [
                    "employment_area_name",
                    "latest_month",
                    "unemployed_jobseekers",
                    "in_activating_services",
                    "activation_rate",
                    "exits_observable_6m",
                    "employed_open_6m_rate",
                    "fell_between_rate",
                    "spend_eur_12m",
                ],
            ),
            '<p class="note">Rekisteriluvut viimeisimmän kokonaisen kuukauden lopussa; osuudet '
            "sitä edeltäneiden 12 kuukauden aikana päättyneistä palvelujaksoista, joiden seuranta "
            "on valmis.</p>",
        ),
        _employment_trend(frames[TREND.name]),
        _activation_trend(frames[KPI_AREA_MONTH.name]),
        _operating_models(frames[OPERATING_MODELS.name]),
        _sector_mix(frames[SECTOR_MIX.name]),
        _section(
            "Tulospalkkioiden tarkistus",
            table(OUTCOME_PAYMENTS, [c.name for c in OUTCOME_PAYMENTS.columns]),
        ),
        _section("Tavoitteet", table(TARGETS, [c.name for c in TARGETS.columns])),
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


def _section(title: str, *parts: str) -> str:
    return f"<section><h2>{html.escape(title)}</h2>{''.join(parts)}</section>"


def _figure(svg: str, caption: str) -> str:
    return f"<figure>{svg}<figcaption class='note'>{html.escape(caption)}</figcaption></figure>"


def _lines(frame: pl.DataFrame, x: str, y: str) -> list[charts.Series]:
    return [
        charts.Series(str(area), part[x].to_list(), part[y].to_list())
        for (area,), part in frame.sort(x).group_by("employment_area_name", maintain_order=True)
    ]


def _employment_trend(trend: pl.DataFrame) -> str:
    svg = charts.line_chart(
        _lines(trend, "quarter", "employed_open_6m_rate"),
        "Avoimilla työmarkkinoilla 6 kk palvelun päättymisen jälkeen",
        "osuus päättyneistä",
        percent=True,
    )
    return _section(
        "Kestävä työllistyminen",
        _figure(
            svg,
            "Palvelujaksot päättymisneljänneksen mukaan. Puuttuva piste: luku on "
            "peitetty tai seuranta ei ole vielä valmis.",
        ),
    )


def _activation_trend(months: pl.DataFrame) -> str:
    rows = months.filter(pl.col("target_group_name") == "Kaikki")
    svg = charts.line_chart(
        _lines(rows, "month_start", "activation_rate"), "Aktivointiaste kuukauden lopussa", "%"
    )
    return _section(
        "Aktivointi",
        _figure(svg, "Aktivointipalveluissa / (työttömät + aktivointipalveluissa) × 100."),
    )


def _operating_models(models: pl.DataFrame) -> str:
    shown = models.filter(
        (pl.col("target_group_name") == "Kaikki")
        & pl.col("employed_open_6m_rate").is_not_null()
        & pl.col("baseline_rate").is_not_null()
    )
    intervals = [
        charts.Interval(
            f"{row['operating_model_name']} ({row['service_category_name']})",
            row["employed_open_6m_rate"],
            row["employed_open_6m_ci_low"],
            row["employed_open_6m_ci_high"],
            f"– {row['verdict_name']}",
        )
        for row in shown.iter_rows(named=True)
    ]
    if not intervals:
        return _section("Toimintamallit", "<p>Ei vielä riittävästi havaintoja.</p>")
    svg = charts.forest_plot(
        intervals,
        shown["baseline_rate"].to_list(),
        "6 kk:n työllistyminen toimintamalleittain, 95 %:n luottamusväli",
    )
    return _section(
        "Toimintamallit",
        _figure(
            svg,
            "Neliö = toimintamallin osuus, vaakaviiva = 95 %:n luottamusväli, punainen "
            "pystyviiva = saman palveluryhmän muiden mallien taso. Skaalattava, kun koko väli "
            "on vertailutason yläpuolella.",
        ),
    )


def _sector_mix(sectors: pl.DataFrame) -> str:
    latest = sectors.filter(pl.col("year") == sectors["year"].max())
    areas = latest["employment_area_name"].unique(maintain_order=True).to_list()
    stacks: dict[str, list[float]] = {}
    for (sector,), part in latest.group_by("provider_sector_name", maintain_order=True):
        shares = dict(zip(part["employment_area_name"], part["episode_share"], strict=True))
        stacks[str(sector)] = [shares.get(area) or 0.0 for area in areas]
    svg = charts.stacked_bars(
        [str(a) for a in areas],
        stacks,
        f"Palvelujaksot sektoreittain {latest['year'].max()}",
        "osuus alueen palvelujaksoista",
    )
    return _section(
        "Palvelujen tuottajat",
        _figure(svg, "Peitetyt osuudet jäävät kuvasta pois, jolloin pylväs voi jäädä vajaaksi."),
    )


def _definitions() -> str:
    items = "".join(
        f"<dt>{html.escape(d.term)}</dt><dd>{html.escape(d.explanation)}</dd>" for d in DEFINITIONS
    )
    return _section("Määritelmät", f"<dl>{items}</dl>")


def _table(table: ExportTable, frame: pl.DataFrame, columns: list[str], threshold: int) -> str:
    spec = {c.name: c for c in table.columns}
    head = "".join(
        f"<th class='{'text' if spec[c].number_format in ('text', 'status') else ''}'>"
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
    if number_format == "status":
        css = _STATUS_CLASSES.get(value, "bad")
        return f"<td class='text {css}'>{html.escape(str(value))}</td>"
    if number_format == "text":
        return f"<td class='text'>{html.escape(str(value))}</td>"
    if number_format == "month":
        return f"<td>{value.month}/{value.year}</td>"
    if number_format == "year":
        return f"<td>{value}</td>"
    if number_format == "rate":
        return f"<td>{value:.1%}".replace(".", ",") + "</td>"
    if number_format in ("percent", "score"):
        return f"<td>{value:.1f}".replace(".", ",") + "</td>"
    if number_format == "euro":
        return f"<td>{value:,.2f} €".replace(",", " ").replace(".", ",") + "</td>"
    return f"<td>{value:,}".replace(",", " ") + "</td>"
