"""The exported tables: what each shows, in which order, under which Finnish label.

Leadership reads Finnish; the Swedish title is added where one exists. Codes are shown with
their Finnish names from the reference seeds.
"""

from __future__ import annotations

from dataclasses import dataclass

from publish.disclosure import DisclosureRules, Part


@dataclass(frozen=True)
class ExportColumn:
    name: str
    label_fi: str
    label_sv: str
    number_format: str  # "text", "date", "count", "rate", "percent", "euro", "score"


@dataclass(frozen=True)
class ExportTable:
    name: str  # file name and mart
    sheet_fi: str
    title_fi: str
    query: str  # over the warehouse, read-only
    columns: tuple[ExportColumn, ...]
    disclosure: DisclosureRules


def _rate(prefix: str, label_fi: str, label_sv: str) -> tuple[ExportColumn, ...]:
    return (
        ExportColumn(f"{prefix}_rate", label_fi, label_sv, "rate"),
        ExportColumn(
            f"{prefix}_ci_low",
            f"{label_fi}, 95 %:n lv. alaraja",
            f"{label_sv}, 95 % KI nedre",
            "rate",
        ),
        ExportColumn(
            f"{prefix}_ci_high",
            f"{label_fi}, 95 %:n lv. yläraja",
            f"{label_sv}, 95 % KI övre",
            "rate",
        ),
    )


def _ci(prefix: str) -> tuple[str, ...]:
    return (f"{prefix}_rate", f"{prefix}_ci_low", f"{prefix}_ci_high")


KPI_AREA_MONTH = ExportTable(
    name="kpi_area_month",
    sheet_fi="Työllisyysalueet",
    title_fi="Työllisyysalueiden tunnusluvut kuukausittain ja kohderyhmittäin",
    query="""
        select
            k.employment_area_code,
            a.name_fi as employment_area_name,
            k.month_start,
            g.label_fi as target_group_name,
            k.* exclude (employment_area_code, month_start, target_group, as_of_date)
        from marts.kpi_area_month as k
        left join reference.ref_employment_areas as a using (employment_area_code)
        left join reference.ref_codes as g
            on g.code_set = 'target_group' and g.code = k.target_group
        order by k.employment_area_code, k.month_start, g.sort_order
    """,
    columns=(
        ExportColumn("employment_area_code", "Työllisyysalueen koodi", "Områdets kod", "text"),
        ExportColumn("employment_area_name", "Työllisyysalue", "Sysselsättningsområde", "text"),
        ExportColumn("month_start", "Kuukausi", "Månad", "month"),
        ExportColumn("target_group_name", "Kohderyhmä", "Målgrupp", "text"),
        ExportColumn("active_customers", "Asiakkaat palveluissa", "Kunder i tjänster", "count"),
        ExportColumn("starts", "Alkaneet palvelujaksot", "Påbörjade tjänsteperioder", "count"),
        ExportColumn("exits", "Päättyneet palvelujaksot", "Avslutade tjänsteperioder", "count"),
        ExportColumn(
            "exits_observable_6m",
            "Päättyneet, 6 kk:n seuranta valmis",
            "Avslutade, 6 mån uppföljning klar",
            "count",
        ),
        ExportColumn(
            "employed_open_6m",
            "Avoimilla työmarkkinoilla 6 kk:n kuluttua",
            "På öppna arbetsmarknaden efter 6 mån",
            "count",
        ),
        *_rate(
            "employed_open_6m",
            "Osuus avoimilla työmarkkinoilla 6 kk:n kuluttua",
            "Andel på öppna arbetsmarknaden efter 6 mån",
        ),
        ExportColumn(
            "exits_observable_12m",
            "Päättyneet, 12 kk:n seuranta valmis",
            "Avslutade, 12 mån uppföljning klar",
            "count",
        ),
        ExportColumn(
            "employed_open_12m",
            "Avoimilla työmarkkinoilla 12 kk:n kuluttua",
            "På öppna arbetsmarknaden efter 12 mån",
            "count",
        ),
        *_rate(
            "employed_open_12m",
            "Osuus avoimilla työmarkkinoilla 12 kk:n kuluttua",
            "Andel på öppna arbetsmarknaden efter 12 mån",
        ),
        ExportColumn(
            "exits_observable_90d",
            "Päättyneet, 90 pv:n seuranta valmis",
            "Avslutade, 90 dagars uppföljning klar",
            "count",
        ),
        ExportColumn(
            "fell_between",
            "Ei palvelua eikä työtä 90 pv:n aikana",
            "Varken tjänst eller arbete inom 90 dagar",
            "count",
        ),
        *_rate("fell_between", "Väliinputoajien osuus", "Andel som fallit mellan stolarna"),
        ExportColumn("spend_eur", "Kustannukset (€)", "Kostnader (€)", "euro"),
        ExportColumn(
            "unemployed_jobseekers",
            "Työttömät työnhakijat kuun lopussa",
            "Arbetslösa arbetssökande vid månadens slut",
            "count",
        ),
        ExportColumn(
            "long_term_unemployed",
            "Pitkäaikaistyöttömät kuun lopussa",
            "Långtidsarbetslösa vid månadens slut",
            "count",
        ),
        ExportColumn(
            "in_activating_services",
            "Aktivointipalveluissa kuun lopussa",
            "I aktiverande tjänster vid månadens slut",
            "count",
        ),
        ExportColumn("activation_rate", "Aktivointiaste (%)", "Aktiveringsgrad (%)", "percent"),
    ),
    disclosure=DisclosureRules(
        counts=(
            "active_customers",
            "starts",
            "exits",
            "exits_observable_6m",
            "exits_observable_12m",
            "exits_observable_90d",
            "unemployed_jobseekers",
            "in_activating_services",
        ),
        parts=(
            Part("employed_open_6m", "exits_observable_6m", _ci("employed_open_6m")),
            Part("employed_open_12m", "exits_observable_12m", _ci("employed_open_12m")),
            Part("fell_between", "exits_observable_90d", _ci("fell_between")),
            Part("long_term_unemployed", "unemployed_jobseekers"),
        ),
        derived={
            "activation_rate": ("unemployed_jobseekers", "in_activating_services"),
            "spend_eur": ("active_customers",),
        },
    ),
)

EXPORT_TABLES: tuple[ExportTable, ...] = (KPI_AREA_MONTH,)
