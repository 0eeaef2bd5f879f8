"""The hand-built landing folder (tests/fixtures/hand_built, six people) through the whole
pipeline, against values worked out by hand from the KPI specification.

The as-of date is 2026-03-31: the latest updated_at in the deliveries (register/2026-03-31).
People (born / mother tongue / area):
  P1 131052-308T 1952 fi Helsinki   P2 150601A234A 2001 fi Helsinki (youth)
  P3 200390-2343 1990 ru Helsinki, partial work ability
  P4 050580-234E 1980 fi Helsinki   P5 111185-234E 1985 sv Lahti
  P6 010594Y9032 1994 et Helsinki (2023-style century sign, temporary individual number)
Deliveries exercise the contract's upsert rules: J13's end date is removed by a later version
(P1 stays employed), J55 is re-sent with the same updated_at (the later delivery wins:
UNEMPLOYED), E2 is closed later, E9 is tombstoned, E99 (never delivered) is tombstoned as a
no-op, and P6's periods overlap (the later-starting
EMPLOYED_OPEN wins 1-20 May 2025, then UNEMPLOYED resumes).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ingest.pseudonymise import load_key, pseudonym
from orchestration.run import execute
from tests.helpers import FIXTURES, query, settings_under

LANDING = FIXTURES / "hand_built"
Z2 = 1.959964**2

# Outcome columns in order, per episode; None = not yet observable on 2026-03-31.
OUTCOMES = (
    "employed_open_within_30d",
    "employed_open_3m",
    "employed_open_6m",
    "employed_open_12m",
    "working_or_studying_12m",
    "degree_education_within_6m",
    "unemployed_again_within_3m",
    "employed_open_during_service",
)

EPISODES = {
    # E1: P1 IPS on C1, 1.1.-31.3.2025. Employed from 10.4.2025 on (J13 re-opened by the later
    # delivery), so +30 d, +91 d (30.6.), +182 d (29.9.) and +365 d (31.3.2026 = the as-of date,
    # so just observable) are all EMPLOYED_OPEN. Unemployed 1.6.-31.12.2024 only: spell too short.
    "E1": dict(
        service_category="COACHING",
        provider_sector="NGO",
        operating_model="IPS",
        employment_area_code=8,
        wellbeing_county_code=90,
        duration_days=90,
        is_exited=True,
        flags=(False, False, False, False),
        outcomes=(True, True, True, True, True, False, False, False),
        next_step_90d="EMPLOYED_OPEN",
        next_step_gap_days=10,
        participation=(50.0, 69.4, 19.4),
        cost_eur=Decimal("1325.61"),  # 500 + 75.61 of the shared 100 + 800 bonus - 50 credit
    ),
    # E2: P2 (24 years old) work trial 1.7.-31.10.2025, closed by the later delivery.
    # +91 d = 30.1.2026 unemployed; +182 d = 1.5.2026 is after the as-of date: NULL, not false.
    # E9 (a workshop from 15.11.2025) was tombstoned, so nothing followed: fell between.
    "E2": dict(
        service_category="TRIAL",
        provider_sector="PUBLIC",
        operating_model=None,
        employment_area_code=8,
        wellbeing_county_code=90,
        duration_days=123,
        is_exited=True,
        flags=(True, False, False, False),
        outcomes=(False, False, None, None, None, None, True, False),
        next_step_90d="NO_SERVICE_NO_WORK",
        next_step_gap_days=None,
        participation=(None, None, None),
        cost_eur=Decimal("0.00"),
    ),
    # E3: P3 workshop from 1.7.2025, ongoing: 274 days to the as-of date, no outcomes yet.
    "E3": dict(
        service_category="REHABILITATION",
        provider_sector="NGO",
        operating_model="WORKSHOP",
        employment_area_code=8,
        wellbeing_county_code=90,
        duration_days=274,
        is_exited=False,
        flags=(False, False, True, True),
        outcomes=(None, None, None, None, None, None, None, False),
        next_step_90d=None,
        next_step_gap_days=None,
        participation=(None, None, None),
        cost_eur=Decimal("0.00"),
    ),
    # E4: P4 rehabilitative work 1.6.-31.8.2025 after unemployment since 1.1.2024: long-term
    # unemployed. Next: training E5 from 15.9. (gap 15). Education starts 20.1.2026, within
    # +182 d (1.3.2026). Unemployed 1.-14.9. +365 d (31.8.2026) not observable.
    "E4": dict(
        service_category="REHABILITATION",
        provider_sector="PUBLIC",
        operating_model=None,
        employment_area_code=8,
        wellbeing_county_code=90,
        duration_days=92,
        is_exited=True,
        flags=(False, True, False, False),
        outcomes=(False, False, False, None, None, True, True, False),
        next_step_90d="SERVICE:TRAINING",
        next_step_gap_days=15,
        participation=(None, None, None),
        cost_eur=Decimal("0.00"),
    ),
    # E5: P4 training 15.9.-31.12.2025. The service E4 broke the unemployment spell, so not
    # long-term unemployed. +90 d = 31.3.2026 is observable (IN_EDUCATION from 20.1., gap 20)
    # but +91 d = 1.4.2026 is not: the 90/91-day boundary.
    "E5": dict(
        service_category="TRAINING",
        provider_sector="COMPANY",
        operating_model=None,
        employment_area_code=8,
        wellbeing_county_code=90,
        duration_days=108,
        is_exited=True,
        flags=(False, False, False, False),
        outcomes=(False, None, None, None, None, None, None, False),
        next_step_90d="IN_EDUCATION",
        next_step_gap_days=20,
        participation=(None, None, None),
        cost_eur=Decimal("0.00"),
    ),
    # E6: P5 subsidised work in Lahti 1.2.-31.7.2025. Open job 15.8.-31.12.2025, then
    # unemployed (J55: the later delivery wins the updated_at tie).
    "E6": dict(
        service_category="SUBSIDISED_WORK",
        provider_sector="PUBLIC",
        operating_model=None,
        employment_area_code=19,
        wellbeing_county_code=9,
        duration_days=181,
        is_exited=True,
        flags=(False, False, False, False),
        outcomes=(True, True, False, None, None, False, True, False),
        next_step_90d="EMPLOYED_OPEN",
        next_step_gap_days=15,
        participation=(None, None, None),
        cost_eur=Decimal("0.00"),
    ),
    # E7: P6 coaching 10.5.-30.6.2025 with the episode's own operating model. On 9.5. the
    # overlapping EMPLOYED_OPEN period decides the status: not long-term unemployed; employed
    # 10.-20.5. during the service; unemployed again afterwards; nothing followed.
    "E7": dict(
        service_category="COACHING",
        provider_sector="COMPANY",
        operating_model="GROUP_COACHING",
        employment_area_code=8,
        wellbeing_county_code=90,
        duration_days=52,
        is_exited=True,
        flags=(False, False, False, True),
        outcomes=(False, False, False, None, None, False, True, True),
        next_step_90d="NO_SERVICE_NO_WORK",
        next_step_gap_days=None,
        participation=(None, None, None),
        cost_eur=Decimal("0.00"),
    ),
    # E8: P3 IPS on C1 22.3.-30.6.2025, then the workshop E3 from 1.7. (gap 1). Only a START
    # response: no change. 24.39 of the shared March line (10 of 41 active days).
    "E8": dict(
        service_category="COACHING",
        provider_sector="NGO",
        operating_model="IPS",
        employment_area_code=8,
        wellbeing_county_code=90,
        duration_days=101,
        is_exited=True,
        flags=(False, False, True, True),
        outcomes=(False, False, False, None, None, False, False, False),
        next_step_90d="SERVICE:REHABILITATION",
        next_step_gap_days=1,
        participation=(25.0, None, None),
        cost_eur=Decimal("24.39"),
    ),
}

FLAGS = ("is_youth", "is_long_term_unemployed", "has_partial_work_ability", "is_foreign_language")

KPI_KEY = ("employment_area_code", "month_start", "target_group")
KPI_ROWS = {
    # March 2025, Helsinki: E1 and E8 active, E8 starts, E1 exits (employed at 6 and 12 m).
    # 31.3.: P2, P4, P6 unemployed; only P4 since 1.1.2024 long-term; IPS is not activating.
    (8, date(2025, 3, 1), "ALL"): dict(
        active_customers=2,
        starts=1,
        exits=1,
        exits_observable_6m=1,
        employed_open_6m=1,
        employed_open_6m_rate=1.0,
        employed_open_6m_ci_low=1 / (1 + Z2),
        employed_open_6m_ci_high=1.0,
        exits_observable_12m=1,
        employed_open_12m=1,
        exits_observable_90d=1,
        fell_between=0,
        fell_between_rate=0.0,
        spend_eur=Decimal("100.00"),
        unemployed_jobseekers=3,
        long_term_unemployed=1,
        in_activating_services=0,
        activation_rate_n=3,
        activation_rate=0.0,
        activation_rate_ci_low=0.0,
        activation_rate_ci_high=100 * Z2 / (3 + Z2),  # Wilson upper bound of 0 of 3, in %
    ),
    # Only E8's share of the March line is spent on the partial-work-ability group.
    (8, date(2025, 3, 1), "PARTIAL_WORK_ABILITY"): dict(
        active_customers=1, starts=1, exits=0, spend_eur=Decimal("24.39")
    ),
    # Lahti, 31.3.2025: P5 in subsidised work, which counts in the activation rate.
    (19, date(2025, 3, 1), "ALL"): dict(
        active_customers=1,
        unemployed_jobseekers=0,
        in_activating_services=1,
        activation_rate=100.0,
        spend_eur=Decimal("0.00"),
    ),
    # January 2025: the base line 500 and the credit -50 are both for January.
    (8, date(2025, 1, 1), "ALL"): dict(active_customers=1, starts=1, spend_eur=Decimal("450.00")),
    (8, date(2025, 4, 1), "ALL"): dict(spend_eur=Decimal("800.00")),
    # June 2025: E4, E7, E8 active; E7 and E8 exit, neither employed at 6 m (x=0, n=2), E7
    # fell between. 30.6.: P2 and P6 unemployed (neither long-term: P6's spell restarted 21.5.),
    # P4 (rehabilitative work) and P6 (coaching, ends that day) in activating services.
    (8, date(2025, 6, 1), "ALL"): dict(
        active_customers=3,
        starts=1,
        exits=2,
        exits_observable_6m=2,
        employed_open_6m=0,
        employed_open_6m_rate=0.0,
        employed_open_6m_ci_low=0.0,
        employed_open_6m_ci_high=(Z2 / 2) / (1 + Z2 / 2),
        exits_observable_12m=0,
        employed_open_12m=0,
        employed_open_12m_rate=None,
        exits_observable_90d=2,
        fell_between=1,
        fell_between_rate=0.5,
        unemployed_jobseekers=2,
        long_term_unemployed=0,
        in_activating_services=2,
        activation_rate=50.0,
    ),
    (8, date(2025, 6, 1), "YOUTH"): dict(
        active_customers=0, unemployed_jobseekers=1, in_activating_services=0, activation_rate=0.0
    ),
    # P4's episode E4 is flagged long-term unemployed at its start.
    (8, date(2025, 6, 1), "LONG_TERM_UNEMPLOYED"): dict(
        active_customers=1,
        starts=1,
        unemployed_jobseekers=0,
        long_term_unemployed=0,
        in_activating_services=1,
        activation_rate=100.0,
    ),
    (8, date(2025, 6, 1), "FOREIGN_LANGUAGE"): dict(
        active_customers=2,
        exits=2,
        exits_observable_6m=2,
        employed_open_6m=0,
        fell_between=1,
        exits_observable_90d=2,
        unemployed_jobseekers=1,
        in_activating_services=1,
        activation_rate=50.0,
    ),
    # August: the shared line on C1 finds no active episode: unallocated, still area 8's spend.
    (8, date(2025, 8, 1), "ALL"): dict(
        active_customers=3,
        exits=1,
        exits_observable_6m=1,
        employed_open_6m=0,
        exits_observable_12m=0,
        spend_eur=Decimal("30.00"),
    ),
    # October: E2 exits; its 6-month follow-up is not observable (n = 0: rate NULL).
    (8, date(2025, 10, 1), "ALL"): dict(
        exits=1,
        exits_observable_6m=0,
        employed_open_6m_rate=None,
        employed_open_6m_ci_low=None,
        exits_observable_90d=1,
        fell_between=1,
        fell_between_rate=1.0,
    ),
    # 31.12.2025: P2, P6 unemployed; P4 in training (activating).
    (8, date(2025, 12, 1), "ALL"): dict(
        unemployed_jobseekers=2, in_activating_services=1, activation_rate=100 / 3
    ),
    # Lahti 31.1.2026: P5 unemployed since 1.1.2026 (J55 tie: the later delivery wins).
    (19, date(2026, 1, 1), "ALL"): dict(
        active_customers=0, unemployed_jobseekers=1, long_term_unemployed=0, activation_rate=0.0
    ),
    # The as-of month is complete (31.3.2026): P2 and P6 unemployed, E3 (workshop) active.
    (8, date(2026, 3, 1), "ALL"): dict(
        active_customers=1,
        unemployed_jobseekers=2,
        long_term_unemployed=0,
        in_activating_services=0,
        activation_rate=0.0,
        is_complete_month=True,
    ),
}


@pytest.fixture(scope="module")
def hand_built_run(tmp_path_factory: pytest.TempPathFactory):
    settings = settings_under(tmp_path_factory.mktemp("hand_built"), LANDING)
    report = execute(settings)
    assert report.success, report.errors
    assert not report.failed_checks
    return report, settings


@pytest.fixture(scope="module")
def warehouse(hand_built_run):
    return hand_built_run[1]


def test_every_file_loaded_without_quarantine(warehouse):
    rows = query(
        warehouse, "select file, rows_read, rows_loaded, rows_quarantined from audit.load_log"
    )
    assert len(rows) == 10
    assert all(r["rows_read"] == r["rows_loaded"] and r["rows_quarantined"] == 0 for r in rows)


def test_tombstone_of_a_key_that_never_existed_loads_as_a_no_op(warehouse):
    # register/2026-03-31/service_periods.csv tombstones E99, which no delivery ever held.
    [logged] = query(
        warehouse,
        """select rows_read, rows_loaded, rows_quarantined from audit.load_log
        where delivery_id = '2026-03-31' and file = 'service_periods.csv'""",
    )
    assert logged == {"rows_read": 3, "rows_loaded": 3, "rows_quarantined": 0}
    assert query(
        warehouse,
        "select count(*) as n from staging.stg_register__service_periods where "
        "service_period_id = 'E99'",
    ) == [{"n": 0}]


def test_overlapping_periods_are_recorded_as_findings(hand_built_run):
    report, settings = hand_built_run
    # P6: J61 UNEMPLOYED from 1.6.2024 (open) and J62 EMPLOYED_OPEN 1.-20.5.2025 overlap;
    # the later start (J62) decides those 20 days.
    assert query(settings, "select * exclude (person_key) from audit.data_quality_findings") == [
        dict(
            finding_type="OVERLAPPING_STATUS_PERIODS",
            period_id="J61",
            status="UNEMPLOYED",
            other_period_id="J62",
            other_status="EMPLOYED_OPEN",
            overlap_start=date(2025, 5, 1),
            overlap_end=date(2025, 5, 20),
            overlap_days=20,
            decided_by_period_id="J62",
        )
    ]
    [person] = query(settings, "select person_key from audit.data_quality_findings")
    assert person["person_key"] == pseudonym(load_key(demo=True), "010594Y9032")
    warning = ("audit/data_quality_findings", "no_data_quality_findings", False, "WARN")
    assert warning in {(c.asset, c.check, c.passed, c.severity) for c in report.checks}
    assert [c.check for c in report.warnings] == ["no_data_quality_findings"]
    assert report.published  # a warning is reported, and the run publishes


def test_as_of_is_the_latest_updated_at(warehouse):
    assert query(warehouse, "select as_of_date from intermediate.int_as_of") == [
        {"as_of_date": date(2026, 3, 31)}
    ]


def test_episodes_one_row_each_tombstone_removed(warehouse):
    ids = [
        r["service_period_id"]
        for r in query(
            warehouse, "select service_period_id from marts.fct_service_episodes order by 1"
        )
    ]
    assert ids == sorted(EPISODES)


@pytest.mark.parametrize("episode", sorted(EPISODES))
def test_episode_row(warehouse, episode):
    expected = EPISODES[episode]
    [row] = query(
        warehouse, "select * from marts.fct_service_episodes where service_period_id = ?", [episode]
    )
    for column in (
        "service_category",
        "provider_sector",
        "operating_model",
        "employment_area_code",
        "wellbeing_county_code",
        "duration_days",
        "is_exited",
        "next_step_90d",
        "next_step_gap_days",
        "cost_eur",
    ):
        assert row[column] == expected[column], column
    assert tuple(row[c] for c in FLAGS) == expected["flags"]
    assert tuple(row[c] for c in OUTCOMES) == expected["outcomes"]
    scores = ("participation_start_score", "participation_end_score", "participation_change")
    for column, value in zip(scores, expected["participation"], strict=True):
        assert row[column] == (None if value is None else pytest.approx(value)), column


def test_person_keys_are_pseudonyms(warehouse):
    keys = {
        r["person_key"]
        for r in query(warehouse, "select person_key from marts.fct_service_episodes")
    }
    assert len(keys) == 6
    assert all(len(k) == 64 and set(k) <= set("0123456789abcdef") for k in keys)


def test_kpi_area_month_grain(warehouse):
    # Areas 8 and 19 x January 2025 .. March 2026 (15 months) x 5 target groups.
    [row] = query(
        warehouse,
        """select count(*) as n, count(distinct employment_area_code) as areas,
            min(month_start) as first, max(month_start) as last
        from marts.kpi_area_month""",
    )
    assert row == {"n": 150, "areas": 2, "first": date(2025, 1, 1), "last": date(2026, 3, 1)}


@pytest.mark.parametrize("key", sorted(KPI_ROWS), ids=str)
def test_kpi_area_month_row(warehouse, key):
    [row] = query(
        warehouse,
        """select * from marts.kpi_area_month
        where employment_area_code = ? and month_start = ? and target_group = ?""",
        list(key),
    )
    for column, expected in KPI_ROWS[key].items():
        if isinstance(expected, float):
            assert row[column] == pytest.approx(expected, abs=1e-9), column
        else:
            assert row[column] == expected, column


def test_allocations_add_up_to_invoiced(warehouse):
    [row] = query(
        warehouse,
        """select sum(allocated_eur) as total,
            sum(allocated_eur) filter (where service_period_id is null) as unallocated
        from intermediate.int_invoice_allocations""",
    )
    assert row == {"total": Decimal("1380.00"), "unallocated": Decimal("30.00")}


def test_unallocated_spend_every_contract_month(warehouse):
    # C1's lines by the month of the billed period: January 500 - 50 (both to E1), March's
    # shared 100 (E1 75.61, E8 24.39), April's bonus 800 (E1, ended 10 days before the job),
    # August's shared 30 with no active episode: unallocated.
    rows = query(
        warehouse,
        """select contract_id, period_month, invoice_lines, invoiced_eur, allocated_eur,
            unallocated_eur
        from marts.unallocated_spend order by period_month""",
    )
    assert [tuple(r.values()) for r in rows] == [
        ("C1", date(2025, 1, 1), 2, Decimal("450.00"), Decimal("450.00"), Decimal("0.00")),
        ("C1", date(2025, 3, 1), 1, Decimal("100.00"), Decimal("100.00"), Decimal("0.00")),
        ("C1", date(2025, 4, 1), 1, Decimal("800.00"), Decimal("800.00"), Decimal("0.00")),
        ("C1", date(2025, 8, 1), 1, Decimal("30.00"), Decimal("0.00"), Decimal("30.00")),
    ]


def test_the_one_bonus_is_verified(warehouse):
    # INV-3 line 1: C1 prices EMPLOYED_OPEN at 800; E1 ended 31.3.2025, 10 days before the
    # outcome date 10.4.; P1 is in open work from 10.4. (J13); the first such claim.
    rows = query(
        warehouse,
        """select invoice_id, line_no, service_period_id, amount_eur, contract_bonus_eur,
            verification_status
        from marts.outcome_payment_reconciliation""",
    )
    assert [tuple(r.values()) for r in rows] == [
        ("INV-3", 1, "E1", Decimal("800.00"), Decimal("800.00"), "VERIFIED")
    ]
