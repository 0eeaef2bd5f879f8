"""The exported tables: one per theme, what each shows, in which order, under which labels.

Leadership reads Finnish (with the Swedish title beneath). Codes are shown with their Finnish
names from the reference seeds. Each table carries the disclosure rules of its figures.
Person-level marts are never exported; only aggregates are.
"""

from __future__ import annotations

from dataclasses import dataclass

from publish.disclosure import DisclosureRules, Part, Partition


@dataclass(frozen=True)
class ExportColumn:
    name: str
    label_fi: str
    label_sv: str
    number_format: str  # text, month, year, count, rate, percent, euro, score, status


@dataclass(frozen=True)
class ExportTable:
    name: str  # file name
    sheet_fi: str
    title_fi: str
    query: str  # over the published snapshot, read-only
    columns: tuple[ExportColumn, ...]
    disclosure: DisclosureRules


def _text(name: str, fi: str, sv: str) -> ExportColumn:
    return ExportColumn(name, fi, sv, "text")


def _count(name: str, fi: str, sv: str) -> ExportColumn:
    return ExportColumn(name, fi, sv, "count")


def _euro(name: str, fi: str, sv: str) -> ExportColumn:
    return ExportColumn(name, fi, sv, "euro")


def _rate(prefix: str, fi: str, sv: str, rate_name: str | None = None) -> tuple[ExportColumn, ...]:
    return (
        ExportColumn(rate_name or f"{prefix}_rate", fi, sv, "rate"),
        ExportColumn(
            f"{prefix}_ci_low", f"{fi}, 95 %:n lv. alaraja", f"{sv}, 95 % KI nedre", "rate"
        ),
        ExportColumn(
            f"{prefix}_ci_high", f"{fi}, 95 %:n lv. yläraja", f"{sv}, 95 % KI övre", "rate"
        ),
    )


def _ci(prefix: str, rate_name: str | None = None) -> tuple[str, ...]:
    return (rate_name or f"{prefix}_rate", f"{prefix}_ci_low", f"{prefix}_ci_high")


AREA_NAME = _text("employment_area_name", "Työllisyysalue", "Sysselsättningsområde")
TARGET_GROUP = _text("target_group_name", "Kohderyhmä", "Målgrupp")
OBSERVABLE_6M = _count(
    "exits_observable_6m", "Päättyneet, 6 kk:n seuranta valmis", "Avslutade, 6 mån uppföljning klar"
)
EMPLOYED_6M = _count(
    "employed_open_6m",
    "Avoimilla työmarkkinoilla 6 kk:n kuluttua",
    "På öppna arbetsmarknaden efter 6 mån",
)
RATE_6M = _rate(
    "employed_open_6m",
    "Osuus avoimilla työmarkkinoilla 6 kk:n kuluttua",
    "Andel på öppna arbetsmarknaden efter 6 mån",
)
OBSERVABLE_12M = _count(
    "exits_observable_12m",
    "Päättyneet, 12 kk:n seuranta valmis",
    "Avslutade, 12 mån uppföljning klar",
)
OBSERVABLE_90D = _count(
    "exits_observable_90d",
    "Päättyneet, 90 pv:n seuranta valmis",
    "Avslutade, 90 dagars uppföljning klar",
)
FELL_BETWEEN = _count(
    "fell_between",
    "Ei palvelua eikä työtä 90 pv:n aikana",
    "Varken tjänst eller arbete inom 90 dagar",
)
FELL_BETWEEN_RATE = _rate(
    "fell_between", "Väliinputoajien osuus", "Andel som fallit mellan stolarna"
)
UNEMPLOYED = _count(
    "unemployed_jobseekers",
    "Työttömät työnhakijat kuun lopussa",
    "Arbetslösa arbetssökande vid månadens slut",
)
LONG_TERM = _count(
    "long_term_unemployed",
    "Pitkäaikaistyöttömät kuun lopussa",
    "Långtidsarbetslösa vid månadens slut",
)
IN_SERVICES = _count(
    "in_activating_services",
    "Aktivointipalveluissa kuun lopussa",
    "I aktiverande tjänster vid månadens slut",
)
ACTIVATION = ExportColumn("activation_rate", "Aktivointiaste (%)", "Aktiveringsgrad (%)", "percent")
ACTIVE = _count("active_customers", "Asiakkaat palveluissa", "Kunder i tjänster")
SERVICE = _text("service_name", "Palvelu", "Tjänst")
CATEGORY = _text("service_category_name", "Palveluryhmä", "Tjänstegrupp")
PROVIDER = _text("provider_name", "Palveluntuottaja", "Tjänsteproducent")

_AREA_JOIN = """left join reference.ref_employment_areas as a
            on a.employment_area_code = t.employment_area_code"""


def _label_join(alias: str, code_set: str, column: str) -> str:
    return (
        f"left join reference.ref_codes as {alias}"
        f" on {alias}.code_set = '{code_set}' and {alias}.code = t.{column}"
    )


_REGISTER_RULES = (Part("long_term_unemployed", "unemployed_jobseekers"),)
_ACTIVATION_DERIVED = {"activation_rate": ("unemployed_jobseekers", "in_activating_services")}

SUMMARY = ExportTable(
    name="yhteenveto",
    sheet_fi="Yhteenveto",
    title_fi="Yhteenveto työllisyysalueittain: viimeisin kokonainen kuukausi ja 12 kk sitä ennen",
    query=f"""
        select t.employment_area_code, a.name_fi as employment_area_name, t.*
            exclude (employment_area_code, as_of_date)
        from marts.kpi_area_summary as t
        {_AREA_JOIN}
        order by t.employment_area_code
    """,
    columns=(
        AREA_NAME,
        ExportColumn("latest_month", "Kuukausi", "Månad", "month"),
        ACTIVE,
        UNEMPLOYED,
        LONG_TERM,
        IN_SERVICES,
        ACTIVATION,
        _count("starts_12m", "Alkaneet palvelujaksot, 12 kk", "Påbörjade tjänsteperioder, 12 mån"),
        _count("exits_12m", "Päättyneet palvelujaksot, 12 kk", "Avslutade tjänsteperioder, 12 mån"),
        OBSERVABLE_6M,
        EMPLOYED_6M,
        *RATE_6M,
        OBSERVABLE_90D,
        FELL_BETWEEN,
        *FELL_BETWEEN_RATE,
        _euro("spend_eur_12m", "Kustannukset 12 kk (€)", "Kostnader 12 mån (€)"),
    ),
    disclosure=DisclosureRules(
        counts=(
            "active_customers",
            "unemployed_jobseekers",
            "in_activating_services",
            "starts_12m",
            "exits_12m",
            "exits_observable_6m",
            "exits_observable_90d",
        ),
        parts=(
            *_REGISTER_RULES,
            Part("employed_open_6m", "exits_observable_6m", _ci("employed_open_6m")),
            Part("fell_between", "exits_observable_90d", _ci("fell_between")),
        ),
        derived={**_ACTIVATION_DERIVED, "spend_eur_12m": ("active_customers",)},
    ),
)

TREND = ExportTable(
    name="kehitys",
    sheet_fi="Kehitys",
    title_fi="Kestävä työllistyminen palvelun päättymisneljänneksen mukaan (kaikki asiakkaat)",
    query=f"""
        select t.employment_area_code, a.name_fi as employment_area_name,
            strftime(t.quarter_start, '%Y') || ' Q' || quarter(t.quarter_start) as quarter,
            t.* exclude (employment_area_code, target_group, as_of_date)
        from marts.kpi_area_quarter as t
        {_AREA_JOIN}
        where t.target_group = 'ALL'
        order by t.employment_area_code, t.quarter_start
    """,
    columns=(
        AREA_NAME,
        _text("quarter", "Neljännes", "Kvartal"),
        _count("exits", "Päättyneet palvelujaksot", "Avslutade tjänsteperioder"),
        OBSERVABLE_6M,
        EMPLOYED_6M,
        *RATE_6M,
        OBSERVABLE_12M,
        _count(
            "employed_open_12m",
            "Avoimilla työmarkkinoilla 12 kk:n kuluttua",
            "På öppna arbetsmarknaden efter 12 mån",
        ),
        *_rate(
            "employed_open_12m",
            "Osuus avoimilla työmarkkinoilla 12 kk:n kuluttua",
            "Andel på öppna arbetsmarknaden efter 12 mån",
        ),
    ),
    disclosure=DisclosureRules(
        counts=("exits", "exits_observable_6m", "exits_observable_12m"),
        parts=(
            Part("employed_open_6m", "exits_observable_6m", _ci("employed_open_6m")),
            Part("employed_open_12m", "exits_observable_12m", _ci("employed_open_12m")),
        ),
    ),
)

KPI_AREA_MONTH = ExportTable(
    name="kpi_area_month",
    sheet_fi="Työllisyysalueet",
    title_fi="Työllisyysalueiden tunnusluvut kuukausittain ja kohderyhmittäin",
    query=f"""
        select t.employment_area_code, a.name_fi as employment_area_name, t.month_start,
            g.label_fi as target_group_name,
            t.* exclude (employment_area_code, month_start, target_group, as_of_date)
        from marts.kpi_area_month as t
        {_AREA_JOIN}
        {_label_join("g", "target_group", "target_group")}
        order by t.employment_area_code, t.month_start, g.sort_order
    """,
    columns=(
        _text("employment_area_code", "Työllisyysalueen koodi", "Områdets kod"),
        AREA_NAME,
        ExportColumn("month_start", "Kuukausi", "Månad", "month"),
        TARGET_GROUP,
        ACTIVE,
        _count("starts", "Alkaneet palvelujaksot", "Påbörjade tjänsteperioder"),
        _count("exits", "Päättyneet palvelujaksot", "Avslutade tjänsteperioder"),
        OBSERVABLE_6M,
        EMPLOYED_6M,
        *RATE_6M,
        OBSERVABLE_12M,
        _count(
            "employed_open_12m",
            "Avoimilla työmarkkinoilla 12 kk:n kuluttua",
            "På öppna arbetsmarknaden efter 12 mån",
        ),
        *_rate(
            "employed_open_12m",
            "Osuus avoimilla työmarkkinoilla 12 kk:n kuluttua",
            "Andel på öppna arbetsmarknaden efter 12 mån",
        ),
        OBSERVABLE_90D,
        FELL_BETWEEN,
        *FELL_BETWEEN_RATE,
        _euro("spend_eur", "Kustannukset (€)", "Kostnader (€)"),
        UNEMPLOYED,
        LONG_TERM,
        IN_SERVICES,
        ACTIVATION,
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
            *_REGISTER_RULES,
        ),
        derived={**_ACTIVATION_DERIVED, "spend_eur": ("active_customers",)},
    ),
)

PROVIDERS = ExportTable(
    name="palveluntuottajat",
    sheet_fi="Palveluntuottajat",
    title_fi="Palveluntuottajat: palvelun päättäneiden tulokset päättymisvuoden mukaan",
    query=f"""
        select coalesce(t.provider_name, 'Kunnan oma palvelu') as provider_name,
            t.provider_business_id, sec.label_fi as provider_sector_name, t.exit_year,
            s.label_fi as service_name, t.* exclude (provider_name, provider_business_id,
                exit_year, as_of_date)
        from marts.provider_scorecard as t
        left join reference.ref_service_codes as s on s.service_code = t.service_code
        {_label_join("sec", "provider_sector", "provider_sector")}
        order by t.is_in_house, provider_name, t.exit_year, t.service_code
    """,
    columns=(
        PROVIDER,
        _text("provider_business_id", "Y-tunnus", "FO-nummer"),
        _text("provider_sector_name", "Sektori", "Sektor"),
        ExportColumn("exit_year", "Päättymisvuosi", "Avslutningsår", "year"),
        SERVICE,
        _count("customers", "Asiakkaat", "Kunder"),
        _count("exits", "Päättyneet palvelujaksot", "Avslutade tjänsteperioder"),
        OBSERVABLE_6M,
        EMPLOYED_6M,
        *RATE_6M,
        OBSERVABLE_12M,
        _count(
            "working_or_studying_12m",
            "Työssä tai opiskelemassa 12 kk:n kuluttua",
            "I arbete eller studier efter 12 mån",
        ),
        *_rate(
            "working_or_studying_12m",
            "Osuus työssä tai opiskelemassa 12 kk:n kuluttua",
            "Andel i arbete eller studier efter 12 mån",
        ),
        _count(
            "exits_observable_3m",
            "Päättyneet, 3 kk:n seuranta valmis",
            "Avslutade, 3 mån uppföljning klar",
        ),
        _count(
            "unemployed_again_within_3m",
            "Työttömäksi uudelleen 3 kk:n sisällä",
            "Arbetslös igen inom 3 mån",
        ),
        *_rate(
            "unemployed_again_within_3m",
            "Osuus työttömäksi uudelleen 3 kk:n sisällä",
            "Andel arbetslösa igen inom 3 mån",
        ),
        _count("participation_pairs", "Osallisuusmittauksen parit", "Mätpar för delaktighet"),
        ExportColumn(
            "participation_mean_change",
            "Osallisuuden muutos (pistettä)",
            "Förändring i delaktighet",
            "score",
        ),
        _euro("spend_eur", "Kustannukset (€)", "Kostnader (€)"),
        _euro("cost_per_customer_eur", "Kustannus asiakasta kohden (€)", "Kostnad per kund (€)"),
        _euro(
            "cost_per_employed_open_6m_eur",
            "Kustannus 6 kk:n työllistymistä kohden (€)",
            "Kostnad per sysselsatt efter 6 mån (€)",
        ),
        _euro(
            "bonus_claimed_eur", "Laskutetut tulospalkkiot (€)", "Fakturerade resultatarvoden (€)"
        ),
        _euro(
            "bonus_verified_eur", "Vahvistetut tulospalkkiot (€)", "Verifierade resultatarvoden (€)"
        ),
    ),
    disclosure=DisclosureRules(
        counts=(
            "customers",
            "exits",
            "exits_observable_6m",
            "exits_observable_12m",
            "exits_observable_3m",
            "participation_pairs",
        ),
        parts=(
            Part("employed_open_6m", "exits_observable_6m", _ci("employed_open_6m")),
            Part("working_or_studying_12m", "exits_observable_12m", _ci("working_or_studying_12m")),
            Part(
                "unemployed_again_within_3m",
                "exits_observable_3m",
                _ci("unemployed_again_within_3m"),
            ),
        ),
        derived={
            "participation_mean_change": ("participation_pairs",),
            "spend_eur": ("customers",),
            "cost_per_customer_eur": ("customers",),
            "cost_per_employed_open_6m_eur": ("employed_open_6m",),
            "bonus_claimed_eur": ("customers",),
            "bonus_verified_eur": ("customers",),
        },
    ),
)

_MODEL_GROUP = ("service_category", "target_group")

OPERATING_MODELS = ExportTable(
    name="toimintamallit",
    sheet_fi="Toimintamallit",
    title_fi="Toimintamallit: 6 kk:n työllistyminen verrattuna saman palvelu- ja kohderyhmän"
    " muihin",
    query=f"""
        select coalesce(t.operating_model, 'Ei toimintamallia') as operating_model_name,
            c.label_fi as service_category_name, g.label_fi as target_group_name,
            v.label_fi as verdict_name, t.* exclude (as_of_date)
        from marts.operating_model_effectiveness as t
        {_label_join("c", "service_category", "service_category")}
        {_label_join("g", "target_group", "target_group")}
        {_label_join("v", "verdict", "verdict")}
        order by c.sort_order, g.sort_order, t.operating_model nulls last
    """,
    columns=(
        _text("operating_model_name", "Toimintamalli", "Verksamhetsmodell"),
        CATEGORY,
        TARGET_GROUP,
        _count("episodes", "Palvelujaksot", "Tjänsteperioder"),
        _count("exits", "Päättyneet palvelujaksot", "Avslutade tjänsteperioder"),
        _count(
            "employed_open_during_service",
            "Työllistyneet palvelun aikana",
            "Sysselsatta under tjänsten",
        ),
        *_rate(
            "employed_open_during_service",
            "Osuus työllistyneitä palvelun aikana",
            "Andel sysselsatta under tjänsten",
        ),
        OBSERVABLE_6M,
        EMPLOYED_6M,
        *RATE_6M,
        _count(
            "baseline_exits_observable_6m",
            "Vertailuryhmä: päättyneet, 6 kk",
            "Jämförelsegrupp: avslutade, 6 mån",
        ),
        _count(
            "baseline_employed_open_6m",
            "Vertailuryhmä: avoimilla työmarkkinoilla 6 kk",
            "Jämförelsegrupp: på öppna arbetsmarknaden 6 mån",
        ),
        *_rate(
            "baseline",
            "Vertailutaso",
            "Jämförelsenivå",
            rate_name="baseline_rate",
        ),
        ExportColumn("difference", "Ero vertailutasoon", "Skillnad mot jämförelsenivån", "rate"),
        ExportColumn("verdict_name", "Arvio", "Bedömning", "status"),
    ),
    disclosure=DisclosureRules(
        counts=("episodes", "exits", "exits_observable_6m", "baseline_exits_observable_6m"),
        parts=(
            Part(
                "employed_open_during_service",
                "exits",
                _ci("employed_open_during_service"),
            ),
            Part(
                "employed_open_6m", "exits_observable_6m", (*_ci("employed_open_6m"), "difference")
            ),
            Part(
                "baseline_employed_open_6m",
                "baseline_exits_observable_6m",
                (*_ci("baseline", "baseline_rate"), "difference"),
            ),
        ),
        # A model's figures and its baseline add up to the category's: they split one total.
        partitions=tuple(
            Partition(_MODEL_GROUP, part, None, shown)
            for part, shown in (
                ("episodes", ()),
                ("exits", ()),
                ("exits_observable_6m", ()),
                ("employed_open_6m", (*_ci("employed_open_6m"), "difference")),
            )
        ),
        derived={
            "baseline_exits_observable_6m": ("exits_observable_6m",),
            "baseline_employed_open_6m": ("employed_open_6m",),
            "baseline_rate": ("employed_open_6m",),
            "baseline_ci_low": ("employed_open_6m",),
            "baseline_ci_high": ("employed_open_6m",),
        },
    ),
)

OUTCOME_PAYMENTS = ExportTable(
    name="tulospalkkiot",
    sheet_fi="Tulospalkkiot",
    title_fi="Laskutetut tulospalkkiot ja niiden tarkistus rekisteristä",
    query=f"""
        select coalesce(p.name, t.provider_business_id) as provider_name,
            o.label_fi as outcome_name, v.label_fi as status_name,
            count(*) as claims,
            cast(sum(t.amount_eur) as decimal(18, 2)) as claimed_eur,
            min(v.sort_order) as status_order
        from marts.outcome_payment_reconciliation as t
        left join staging.stg_purchases__providers as p on p.business_id = t.provider_business_id
        {_label_join("o", "outcome_type", "outcome_type")}
        {_label_join("v", "verification_status", "verification_status")}
        group by all
        order by provider_name, outcome_name, status_order
    """,
    columns=(
        PROVIDER,
        _text("outcome_name", "Tulos", "Resultat"),
        ExportColumn("status_name", "Tarkistuksen tulos", "Kontrollens resultat", "status"),
        _count("claims", "Laskutetut palkkiot (kpl)", "Fakturerade arvoden (st)"),
        _euro("claimed_eur", "Laskutettu (€)", "Fakturerat (€)"),
    ),
    disclosure=DisclosureRules(
        counts=("claims",),
        partitions=(
            Partition(("provider_name", "outcome_name"), "claims", None, ("claimed_eur",)),
        ),
        derived={"claimed_eur": ("claims",)},
    ),
)

CUSTOMER_PATHS = ExportTable(
    name="asiakaspolut",
    sheet_fi="Asiakaspolut",
    title_fi="Asiakaspolut: mitä palvelun päättymistä seurasi 90 päivän sisällä",
    query=f"""
        select a.name_fi as employment_area_name, t.exit_year,
            c.label_fi as service_category_name,
            coalesce(n.label_fi, 'Palvelu: ' || nc.label_fi, t.next_step) as next_step_name,
            t.* exclude (as_of_date)
        from marts.customer_path_transitions as t
        {_AREA_JOIN}
        {_label_join("c", "service_category", "from_category")}
        {_label_join("n", "next_step", "next_step")}
        left join reference.ref_codes as nc
            on nc.code_set = 'service_category' and 'SERVICE:' || nc.code = t.next_step
        order by t.employment_area_code, t.exit_year, c.sort_order, t.transitions desc
    """,
    columns=(
        AREA_NAME,
        ExportColumn("exit_year", "Päättymisvuosi", "Avslutningsår", "year"),
        _text("service_category_name", "Päättynyt palveluryhmä", "Avslutad tjänstegrupp"),
        _text("next_step_name", "Seuraava askel 90 pv:n sisällä", "Nästa steg inom 90 dagar"),
        _count("transitions", "Siirtymät", "Övergångar"),
        OBSERVABLE_90D,
        *_rate("transition", "Osuus päättyneistä", "Andel av de avslutade"),
        ExportColumn("median_gap_days", "Mediaaniväli (pv)", "Medianintervall (dagar)", "score"),
    ),
    disclosure=DisclosureRules(
        counts=("exits_observable_90d",),
        parts=(
            Part("transitions", "exits_observable_90d", (*_ci("transition"), "median_gap_days")),
        ),
        partitions=(
            Partition(
                ("employment_area_code", "exit_year", "from_category"),
                "transitions",
                "exits_observable_90d",
                (*_ci("transition"), "median_gap_days"),
            ),
        ),
    ),
)

PARTICIPATION = ExportTable(
    name="osallisuus",
    sheet_fi="Osallisuus",
    title_fi="Osallisuusindikaattori: muutos palvelun alusta loppuun (0–100)",
    query="""
        select coalesce(p.name, t.provider_business_id, 'Kunnan oma palvelu') as provider_name,
            s.label_fi as service_name,
            coalesce(t.operating_model, 'Ei toimintamallia') as operating_model_name,
            t.* exclude (as_of_date)
        from marts.participation_change as t
        left join staging.stg_purchases__providers as p on p.business_id = t.provider_business_id
        left join reference.ref_service_codes as s on s.service_code = t.service_code
        order by provider_name, t.service_code, t.end_year
    """,
    columns=(
        PROVIDER,
        SERVICE,
        _text("operating_model_name", "Toimintamalli", "Verksamhetsmodell"),
        ExportColumn("end_year", "Loppumittauksen vuosi", "Slutmätningens år", "year"),
        _count("pairs", "Mittauspareja", "Mätpar"),
        ExportColumn("mean_start", "Alkumittaus (ka)", "Startmätning (medel)", "score"),
        ExportColumn("mean_end", "Loppumittaus (ka)", "Slutmätning (medel)", "score"),
        ExportColumn("mean_change", "Muutos (ka)", "Förändring (medel)", "score"),
        _count("improved", "Parantuneet (vähintään 5 p.)", "Förbättrade (minst 5 p.)"),
        *_rate(
            "share_improved",
            "Parantuneiden osuus",
            "Andel förbättrade",
            rate_name="share_improved",
        ),
    ),
    disclosure=DisclosureRules(
        counts=("pairs",),
        parts=(Part("improved", "pairs", _ci("share_improved", "share_improved")),),
        derived={c: ("pairs",) for c in ("mean_start", "mean_end", "mean_change")},
    ),
)

SECTOR_MIX = ExportTable(
    name="sektorit",
    sheet_fi="Sektorit",
    title_fi="Palvelujen tuottajasektorit työllisyysalueittain ja vuosittain",
    query=f"""
        select a.name_fi as employment_area_name, t.year, sec.label_fi as provider_sector_name,
            t.* exclude (year, as_of_date)
        from marts.sector_mix as t
        {_AREA_JOIN}
        {_label_join("sec", "provider_sector", "provider_sector")}
        order by t.employment_area_code, t.year, sec.sort_order
    """,
    columns=(
        AREA_NAME,
        ExportColumn("year", "Vuosi", "År", "year"),
        _text("provider_sector_name", "Sektori", "Sektor"),
        _count("customers", "Asiakkaat", "Kunder"),
        *_rate("customer_share", "Asiakasosuus", "Andel kunder", rate_name="customer_share"),
        _count("episodes", "Palvelujaksot", "Tjänsteperioder"),
        *_rate("episode_share", "Palvelujaksojen osuus", "Andel tjänsteperioder", "episode_share"),
        _euro("spend_eur", "Kustannukset (€)", "Kostnader (€)"),
        ExportColumn("spend_share", "Kustannusosuus", "Andel kostnader", "rate"),
        OBSERVABLE_6M,
        EMPLOYED_6M,
        *RATE_6M,
    ),
    disclosure=DisclosureRules(
        counts=("customers", "episodes", "exits_observable_6m"),
        parts=(Part("employed_open_6m", "exits_observable_6m", _ci("employed_open_6m")),),
        partitions=(
            Partition(
                ("employment_area_code", "year"),
                "episodes",
                None,
                _ci("episode_share", "episode_share"),
            ),
        ),
        derived={
            "customer_share": ("customers",),
            "customer_share_ci_low": ("customers",),
            "customer_share_ci_high": ("customers",),
            "episode_share": ("episodes",),
            "episode_share_ci_low": ("episodes",),
            "episode_share_ci_high": ("episodes",),
            "spend_eur": ("customers",),
            "spend_share": ("customers",),
        },
    ),
)

TARGETS = ExportTable(
    name="tavoitteet",
    sheet_fi="Tavoitteet",
    title_fi="Tavoitteet ja toteuma",
    query="""
        select t.description_fi,
            coalesce(a.name_fi, 'Kaikki alueet') as employment_area_name,
            case t.direction when 'at_least' then 'vähintään' when 'at_most' then 'enintään'
                else t.direction end as direction_fi,
            st.label_fi as status_name, t.* exclude (as_of_date)
        from marts.kpi_targets_vs_actual as t
        left join reference.ref_employment_areas as a
            on cast(a.employment_area_code as varchar) = t.employment_area_code
        left join reference.ref_codes as st on st.code_set = 'target_status' and st.code = t.status
        order by t.target_id
    """,
    columns=(
        _text("description_fi", "Tavoite", "Mål"),
        AREA_NAME,
        _text("period", "Kausi", "Period"),
        _text("direction_fi", "Suunta", "Riktning"),
        ExportColumn("target_value", "Tavoitetaso", "Målnivå", "rate"),
        ExportColumn("actual_value", "Toteuma", "Utfall", "rate"),
        ExportColumn(
            "actual_ci_low", "Toteuma, 95 %:n lv. alaraja", "Utfall, 95 % KI nedre", "rate"
        ),
        ExportColumn(
            "actual_ci_high", "Toteuma, 95 %:n lv. yläraja", "Utfall, 95 % KI övre", "rate"
        ),
        _count("n", "Havaintoja", "Observationer"),
        ExportColumn("status_name", "Tilanne", "Läge", "status"),
    ),
    disclosure=DisclosureRules(
        counts=("n",),
        parts=(Part("successes", "n", ("actual_value", "actual_ci_low", "actual_ci_high")),),
    ),
)

EXPORT_TABLES: tuple[ExportTable, ...] = (
    SUMMARY,
    TREND,
    KPI_AREA_MONTH,
    PROVIDERS,
    OPERATING_MODELS,
    OUTCOME_PAYMENTS,
    CUSTOMER_PATHS,
    PARTICIPATION,
    SECTOR_MIX,
    TARGETS,
)
