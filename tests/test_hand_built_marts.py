"""The second hand-built landing folder (tests/fixtures/hand_built_marts, nine people) through
the whole pipeline: every row of every mart the KPI catalogue added, against values worked out
by hand from kpis-and-marts.md. It is built to light up every verification status of the
outcome reconciliation and every verdict of operating_model_effectiveness.

The as-of date is 2026-06-30 (every row's updated_at). Everyone was born in 1980, speaks
Finnish and lives in Helsinki (091: employment area 8, wellbeing county 90); P3 and P4 have a
partial work ability. A verdict needs at least 30 observable exits, so with nine people the
episodes come in batches of fifteen with the same dates (one person, fifteen ids):
  P1, P2  IPS (IPS-01..15, IPS-16..30) 1.-31.1.2025 on K-IPS (NGO A, outcome-based); both
          work in the open labour market from 1.6.2024 on. P2 starts IPS-31 on 1.12.2025.
  P3, P4  group coaching (GC-01..15, GC-16..30) 1.-28.2.2025 on K-GC (company, per day),
          unemployed since 1.1.2023 before it: long-term unemployed. P3 stays unemployed; P4
          goes to rehabilitative work R1 (in-house) 1.4.-30.9.2025, then unemployed.
  P5, P6  in-house job-search coaching without a model (JSC-01..15, JSC-16..30) 1.-31.3.2025;
          P5 works from 15.4.2025, P6 stays unemployed.
  P7-P9   workshops W1-W3 1.-31.1.2026 on K-WS (NGO B, fixed monthly). Afterwards P7 studies
          from 1.3., P8 is in subsidised work from 15.2., P9 is unemployed.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from ingest.pseudonymise import load_key, pseudonym
from orchestration.run import execute
from orchestration.settings import DBT_PROJECT_DIR
from tests.helpers import FIXTURES, query, settings_under

LANDING = FIXTURES / "hand_built_marts"
Z = 1.959964
AS_OF = date(2026, 6, 30)
NGO_A, NGO_B, COMPANY = "2077474-0", "1852302-9", "0174108-9"
CODES = {
    "P1": "150380-212K",
    "P2": "220480-2249",
    "P5": "270680-2521",
    "P6": "080780-264Y",
}
KEY = {p: pseudonym(load_key(demo=True), code) for p, code in CODES.items()}


def wilson(successes: int, n: int) -> tuple[float, float]:
    p = successes / n
    centre = p + Z * Z / (2 * n)
    spread = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))
    return (centre - spread) / (1 + Z * Z / n), (centre + spread) / (1 + Z * Z / n)


def rate(prefix: str, successes: int, n: int, name: str | None = None) -> dict:
    """The rate and Wilson interval columns of a mart, as the mart names them."""
    if n == 0:
        low = high = value = None
    else:
        value = successes / n
        low, high = wilson(successes, n)
    return {name or f"{prefix}_rate": value, f"{prefix}_ci_low": low, f"{prefix}_ci_high": high}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory):
    settings = settings_under(tmp_path_factory.mktemp("hand_built_marts"), LANDING)
    report = execute(settings)
    assert report.success, report.failed_checks
    assert not report.failed_checks
    return settings


def assert_every_row(warehouse, mart: str, key: tuple[str, ...], expected: dict) -> None:
    """The mart has exactly the expected rows (by key), each with the expected values."""
    rows = query(warehouse, f"select * from marts.{mart}")
    actual = {tuple(r[k] for k in key): r for r in rows}
    assert len(actual) == len(rows), f"{mart}: key {key} is not unique"
    assert set(actual) == set(expected), mart
    for row_key, values in expected.items():
        row = actual[row_key]
        assert row["as_of_date"] == AS_OF
        for column, value in values.items():
            if isinstance(value, float):
                assert row[column] == pytest.approx(value, abs=1e-9), (row_key, column)
            else:
                assert row[column] == value, (row_key, column)


# ---- outcome_payment_reconciliation ------------------------------------------------------
# K-IPS prices EMPLOYED_OPEN 800, EMPLOYED_OPEN_SUSTAINED_6M 2000, DEGREE_EDUCATION_START 400;
# not SUBSIDISED_EMPLOYMENT. A bonus belongs to the person's latest-starting K-IPS episode that
# started by the outcome date and ended at most 90 days before it: P1's fifteen episodes all
# start 1.1.2025, so the highest id, IPS-15, wins the tie; P2's IPS-30 (or IPS-31 from 12/2025).
# INV-B5 is dated 10.7.2026, after the as-of date: not there at all.
def claim(invoice, line, invoice_date, person, episode, outcome, day, amount, bonus, status):
    return (invoice, line), {
        "invoice_date": invoice_date,
        "contract_id": "K-IPS",
        "provider_business_id": NGO_A,
        "employment_area_code": 8,
        "person_key": KEY[person],
        "service_period_id": episode,
        "outcome_type": outcome,
        "outcome_date": day,
        "amount_eur": Decimal(amount),
        "contract_bonus_eur": None if bonus is None else Decimal(bonus),
        "verification_status": status,
    }


JAN20 = date(2025, 1, 20)
RECONCILIATION = dict(
    [
        # P1 works on 20.1.2025 (± 14 days) and the amount is the price.
        claim("INV-B1", 1, date(2025, 2, 10), "P1", "IPS-15", "EMPLOYED_OPEN", JAN20, "800.00",
              "800.00", "VERIFIED"),
        # P2 works too, but 850 differs from 800 by more than 0.01.
        claim("INV-B1", 2, date(2025, 2, 10), "P2", "IPS-30", "EMPLOYED_OPEN", JAN20, "850.00",
              "800.00", "AMOUNT_MISMATCH"),
        # Not priced: rule 1 wins although the register shows no subsidised work either.
        claim("INV-B1", 3, date(2025, 2, 10), "P1", "IPS-15", "SUBSIDISED_EMPLOYMENT", JAN20,
              "300.00", None, "NOT_IN_CONTRACT"),
        # INV-B1 line 1 claimed P1's open job already: rule 3 comes before the amount (750).
        claim("INV-B2", 1, date(2025, 3, 10), "P1", "IPS-15", "EMPLOYED_OPEN", JAN20, "750.00",
              "800.00", "DUPLICATE_CLAIM"),
        # P2 never studies: no IN_EDUCATION period starts within 15.2.2025 ± 14 days.
        claim("INV-B2", 2, date(2025, 3, 10), "P2", "IPS-30", "DEGREE_EDUCATION_START",
              date(2025, 2, 15), "400.00", "400.00", "NOT_IN_REGISTER"),
        # 20.1.2025 + 182 = 21.7.2025 <= the as-of date; P1 works on both days.
        claim("INV-B3", 1, date(2025, 8, 10), "P1", "IPS-15", "EMPLOYED_OPEN_SUSTAINED_6M", JAN20,
              "2000.00", "2000.00", "VERIFIED"),
        # P5 has no episode on K-IPS at all (though P5 does work from 15.4.2025).
        claim("INV-B3", 2, date(2025, 8, 10), "P5", None, "EMPLOYED_OPEN", date(2025, 5, 1),
              "800.00", "800.00", "NO_EPISODE"),
        # No price and no episode: rule 1 first.
        claim("INV-B3", 3, date(2025, 8, 10), "P6", None, "SUBSIDISED_EMPLOYMENT",
              date(2025, 5, 1), "300.00", None, "NOT_IN_CONTRACT"),
        # 15.1.2026 + 182 = 16.7.2026 > 30.6.2026: too early, on the open IPS-31.
        claim("INV-B4", 1, date(2026, 2, 10), "P2", "IPS-31", "EMPLOYED_OPEN_SUSTAINED_6M",
              date(2026, 1, 15), "2000.00", "2000.00", "PREMATURE"),
    ]
)  # fmt: skip


def test_reconciliation_every_line(warehouse):
    assert_every_row(
        warehouse, "outcome_payment_reconciliation", ("invoice_id", "line_no"), RECONCILIATION
    )
    statuses = {r["verification_status"] for r in RECONCILIATION.values()}
    assert len(statuses) == 7  # every status of the specification appears


# ---- cost allocation: unallocated_spend and cost_eur -----------------------------------------
def spend(lines, invoiced, allocated, unallocated, unallocated_lines, contract):
    provider, service = {
        "K-IPS": (NGO_A, "IPS_SUPPORTED_EMPLOYMENT"),
        "K-GC": (COMPANY, "JOB_SEARCH_COACHING"),
        "K-WS": (NGO_B, "WORKSHOP"),
    }[contract]
    return {
        "employment_area_code": 8,
        "provider_business_id": provider,
        "service_code": service,
        "invoice_lines": lines,
        "invoiced_eur": Decimal(invoiced),
        "allocated_eur": Decimal(allocated),
        "unallocated_eur": Decimal(unallocated),
        "unallocated_lines": unallocated_lines,
    }


UNALLOCATED = {
    # Base 300 x 3 (P5's line finds no K-IPS episode: unallocated), credit -100, bonuses
    # 800 + 850 + 300: 2750 invoiced, 300 unallocated.
    ("K-IPS", date(2025, 1, 1)): spend(7, "2750.00", "2450.00", "300.00", 1, "K-IPS"),
    ("K-IPS", date(2025, 2, 1)): spend(2, "1150.00", "1150.00", "0.00", 0, "K-IPS"),
    # The bonuses of P5 (800) and P6 (300) have no episode.
    ("K-IPS", date(2025, 7, 1)): spend(3, "3100.00", "2000.00", "1100.00", 2, "K-IPS"),
    ("K-IPS", date(2025, 12, 1)): spend(1, "300.00", "300.00", "0.00", 0, "K-IPS"),
    ("K-IPS", date(2026, 1, 1)): spend(1, "2000.00", "2000.00", "0.00", 0, "K-IPS"),
    # 28 customer-days x 40 for P3 and P4.
    ("K-GC", date(2025, 2, 1)): spend(2, "2240.00", "2240.00", "0.00", 0, "K-GC"),
    # January: the fixed fee 1000 and its credit -100 split over W1-W3 (31 days each).
    ("K-WS", date(2026, 1, 1)): spend(2, "900.00", "900.00", "0.00", 0, "K-WS"),
    # February: no workshop episode is active: the whole fee is unallocated.
    ("K-WS", date(2026, 2, 1)): spend(1, "1000.00", "0.00", "1000.00", 1, "K-WS"),
}

COST = {
    # P1's lines all go to IPS-15 (latest-starting by id): 300 - 100 + 800 + 300 + 750 + 2000.
    "IPS-15": Decimal("4050.00"),
    "IPS-30": Decimal("1550.00"),  # 300 + 850 + 400
    "IPS-31": Decimal("2300.00"),  # December's base 300 + the premature 2000
    "GC-15": Decimal("1120.00"),
    "GC-30": Decimal("1120.00"),
    # 1000 / 3 = 333.34 + 333.33 + 333.33 (the odd cent to the first id), credit -33.34 ...
    "W1": Decimal("300.00"),
    "W2": Decimal("300.00"),
    "W3": Decimal("300.00"),
}


def test_unallocated_spend_every_contract_month(warehouse):
    assert_every_row(warehouse, "unallocated_spend", ("contract_id", "period_month"), UNALLOCATED)


def test_cost_of_every_episode(warehouse):
    rows = query(warehouse, "select service_period_id, cost_eur from marts.fct_service_episodes")
    assert len(rows) == 95  # 31 IPS + 30 GC + 30 JSC + R1 + W1-W3
    assert {r["service_period_id"]: r["cost_eur"] for r in rows} == {
        r["service_period_id"]: COST.get(r["service_period_id"], Decimal("0.00")) for r in rows
    }


def test_shared_lines_split_to_the_cent(warehouse):
    rows = query(
        warehouse,
        """select invoice_id, line_no, service_period_id, allocated_eur
        from intermediate.int_invoice_allocations where contract_id = 'K-WS' order by all""",
    )
    # 100000 cents x 31 / 93 = 33333 rem 31 for each: equal remainders, the first id gets the
    # cent; the credit keeps its sign.
    split = [tuple(r.values()) for r in rows]
    assert split == [
        ("INV-W1", 1, "W1", Decimal("333.34")),
        ("INV-W1", 1, "W2", Decimal("333.33")),
        ("INV-W1", 1, "W3", Decimal("333.33")),
        ("INV-W2", 1, None, Decimal("1000.00")),
        ("INV-W2", 2, "W1", Decimal("-33.34")),
        ("INV-W2", 2, "W2", Decimal("-33.33")),
        ("INV-W2", 2, "W3", Decimal("-33.33")),
    ]  # fmt: skip


# ---- operating_model_effectiveness -------------------------------------------------------
# Exits of 2025 are all observable at 6 months. IPS: P1 and P2 work on exit + 182 (1.8.2025):
# 30/30. Group coaching: P3 unemployed, P4 in rehabilitative work: 0/30. No model: P5 works
# (from 15.4.), P6 does not: 15/30. IPS-31 is ongoing: an episode, not an exit. Only P1 and
# P2 worked during their service (all 30 IPS exits).
def cell(episodes, exits, n, employed, baseline_n, baseline_employed, verdict, during=0):
    baseline = baseline_employed / baseline_n if baseline_n else None
    own = rate("employed_open_6m", employed, n)
    return {
        "episodes": episodes,
        "exits": exits,
        "employed_open_during_service": during,
        **rate("employed_open_during_service", during, exits),
        "exits_observable_6m": n,
        "employed_open_6m": employed,
        **own,
        "baseline_exits_observable_6m": baseline_n,
        "baseline_employed_open_6m": baseline_employed,
        **rate("baseline", baseline_employed, baseline_n, name="baseline_rate"),
        "difference": None if baseline is None or n == 0
        else own["employed_open_6m_rate"] - baseline,
        "verdict": verdict,
    }  # fmt: skip


MODELS = {
    # Baseline = group coaching + no model: 15/60 = 0.25 < ci_low 30/(30 + z²) = 0.886.
    ("IPS", "COACHING", "ALL"): cell(31, 30, 30, 30, 60, 15, "SCALE_CANDIDATE", during=30),
    # Baseline = IPS + no model: 45/60 = 0.75 > ci_high z²/(30 + z²) = 0.114.
    ("GROUP_COACHING", "COACHING", "ALL"): cell(30, 30, 30, 0, 60, 45, "BELOW_BASELINE"),
    # No model against both models: 30/60 = 0.5 inside (0.332, 0.668).
    (None, "COACHING", "ALL"): cell(30, 30, 30, 15, 60, 30, "NO_CLEAR_DIFFERENCE"),
    # The workshops exited 31.1.2026: + 182 is after the as-of date, n = 0. R1 (exit 30.9.2025,
    # + 182 = 31.3.2026) is observable and not employed.
    ("WORKSHOP", "REHABILITATION", "ALL"): cell(3, 3, 0, 0, 1, 0, "INSUFFICIENT_DATA"),
    (None, "REHABILITATION", "ALL"): cell(1, 1, 1, 0, 0, 0, "INSUFFICIENT_DATA"),
    # Only P3 and P4 are long-term unemployed and partially able to work: n = 30 but nothing in
    # the same category and group to compare with. R1 starts after a month's unemployment
    # (the coaching broke the spell): partial work ability only.
    ("GROUP_COACHING", "COACHING", "LONG_TERM_UNEMPLOYED"):
        cell(30, 30, 30, 0, 0, 0, "INSUFFICIENT_DATA"),
    ("GROUP_COACHING", "COACHING", "PARTIAL_WORK_ABILITY"):
        cell(30, 30, 30, 0, 0, 0, "INSUFFICIENT_DATA"),
    (None, "REHABILITATION", "PARTIAL_WORK_ABILITY"): cell(1, 1, 1, 0, 0, 0, "INSUFFICIENT_DATA"),
}  # fmt: skip


def test_operating_model_effectiveness_every_row(warehouse):
    assert_every_row(
        warehouse,
        "operating_model_effectiveness",
        ("operating_model", "service_category", "target_group"),
        MODELS,
    )
    verdicts = {v["verdict"] for v in MODELS.values()}
    assert verdicts == {
        "SCALE_CANDIDATE",
        "BELOW_BASELINE",
        "NO_CLEAR_DIFFERENCE",
        "INSUFFICIENT_DATA",
    }


# ---- provider_scorecard ----------------------------------------------------------------------
def scorecard(
    name,
    sector,
    customers,
    exits,
    n6,
    e6,
    n12,
    w12,
    n3,
    u3,
    pairs,
    mean,
    spend_eur,
    per_customer,
    per_employed,
    claimed,
    verified,
):
    return {
        "provider_name": name,
        "provider_sector": sector,
        "is_in_house": name is None,
        "customers": customers,
        "exits": exits,
        "exits_observable_6m": n6,
        "employed_open_6m": e6,
        **rate("employed_open_6m", e6, n6),
        "exits_observable_12m": n12,
        "working_or_studying_12m": w12,
        **rate("working_or_studying_12m", w12, n12),
        "exits_observable_3m": n3,
        "unemployed_again_within_3m": u3,
        **rate("unemployed_again_within_3m", u3, n3),
        "participation_pairs": pairs,
        "participation_mean_change": mean,
        "participation_score_version": "linear-mean-v1",
        "spend_eur": Decimal(spend_eur),
        "cost_per_customer_eur": None if per_customer is None else Decimal(per_customer),
        "cost_per_employed_open_6m_eur": None if per_employed is None else Decimal(per_employed),
        "bonus_claimed_eur": Decimal(claimed),
        "bonus_verified_eur": Decimal(verified),
    }  # fmt: skip


SCORECARD = {
    # IPS-01..30 (IPS-31 has not exited). Everyone works at 3, 6 and 12 months (31.1.2026).
    # Spend 4050 + 1550 over 2 customers; per job at 6 months 5600 / 30 = 186.67. Bonuses
    # costed to IPS-15 and IPS-30: 800 + 850 + 300 + 750 + 400 + 2000, verified 800 + 2000.
    # One participation pair (IPS-01: 25.0 -> 75.0); IPS-02's START has only 7 items.
    (NGO_A, 2025, "IPS_SUPPORTED_EMPLOYMENT"): scorecard(
        "Työpolku ry", "NGO", 2, 30, 30, 30, 30, 30, 30, 0, 1, 50.0, "5600.00", "2800.00",
        "186.67", "5100.00", "2800.00"),
    # Nobody works; both unemployed within 91 days (P4 in March), and on 28.2.2026.
    (COMPANY, 2025, "JOB_SEARCH_COACHING"): scorecard(
        "Urapolku Oy", "COMPANY", 2, 30, 30, 0, 30, 0, 30, 30, 0, None, "2240.00", "1120.00",
        None, "0.00", "0.00"),
    # In-house: free of invoices, so 0.00 per customer and per job (P5's 15 jobs).
    (None, 2025, "JOB_SEARCH_COACHING"): scorecard(
        None, "PUBLIC", 2, 30, 30, 15, 30, 15, 30, 30, 0, None, "0.00", "0.00", "0.00", "0.00",
        "0.00"),
    # R1 exited 30.9.2025: + 365 is after the as-of date (n12 = 0); unemployed from 1.10.
    (None, 2025, "REHABILITATIVE_WORK"): scorecard(
        None, "PUBLIC", 1, 1, 1, 0, 0, 0, 1, 1, 0, None, "0.00", "0.00", None, "0.00", "0.00"),
    # Workshops: + 91 (2.5.2026) is observable, + 182 not. P7 and P9 unemployed in February;
    # P8 has no status 1.-14.2., then subsidised work. Changes 5.0, 6.3, 2.5: mean 4.6.
    (NGO_B, 2026, "WORKSHOP"): scorecard(
        "Pajayhdistys ry", "NGO", 3, 3, 0, 0, 0, 0, 3, 2, 3, 4.6, "900.00", "300.00", None,
        "0.00", "0.00"),
}  # fmt: skip


def test_provider_scorecard_every_row(warehouse):
    assert_every_row(
        warehouse,
        "provider_scorecard",
        ("provider_business_id", "exit_year", "service_code"),
        SCORECARD,
    )


# ---- customer_path_transitions ---------------------------------------------------------------
def path(transitions, median, n):
    return {
        "transitions": transitions,
        "median_gap_days": median,
        "exits_observable_90d": n,
        **rate("transition", transitions, n),
    }


PATHS = {
    # P1, P2 work from the day after the exit (gap 1, 30 exits) and P5 from 15.4. (gap 15,
    # 15 exits): the median of 30 x 1 and 15 x 15 is 1.
    (8, 2025, "COACHING", "EMPLOYED_OPEN"): path(45, 1.0, 90),
    (8, 2025, "COACHING", "NO_SERVICE_NO_WORK"): path(30, None, 90),  # P3 and P6
    (8, 2025, "COACHING", "SERVICE:REHABILITATION"): path(15, 32.0, 90),  # P4: 28.2. -> 1.4.
    (8, 2025, "REHABILITATION", "NO_SERVICE_NO_WORK"): path(1, None, 1),  # R1: unemployed
    # Exits 31.1.2026: + 90 = 1.5.2026 is observable.
    (8, 2026, "REHABILITATION", "IN_EDUCATION"): path(1, 29.0, 3),  # P7 from 1.3.
    (8, 2026, "REHABILITATION", "EMPLOYED_SUBSIDISED"): path(1, 15.0, 3),  # P8 from 15.2.
    (8, 2026, "REHABILITATION", "NO_SERVICE_NO_WORK"): path(1, None, 3),  # P9
}


def test_customer_path_transitions_every_row(warehouse):
    assert_every_row(
        warehouse,
        "customer_path_transitions",
        ("employment_area_code", "exit_year", "from_category", "next_step"),
        PATHS,
    )


# ---- participation_change --------------------------------------------------------------------
PARTICIPATION = {
    # IPS-01: all 2s (25.0) -> all 4s (75.0). IPS-02 has no scorable START (7 items).
    (NGO_A, "IPS_SUPPORTED_EMPLOYMENT", "IPS", 2025): {
        "pairs": 1,
        "mean_start": 25.0,
        "mean_end": 75.0,
        "mean_change": 50.0,
        "improved": 1,
        **rate("share_improved", 1, 1, name="share_improved"),
        "participation_score_version": "linear-mean-v1",
    },
    # START all 3s = 50.0 for each. END: W1 sum 32 / 10 -> 55.0 (change exactly 5: improved);
    # W2 sum 26 / 8 answered -> 56.25 -> 56.3 (half up); W3's latest END has 7 items (no
    # score), so its earlier END counts: 31 / 10 -> 52.5. S13 is dated after the as-of date.
    (NGO_B, "WORKSHOP", "WORKSHOP", 2026): {
        "pairs": 3,
        "mean_start": 50.0,
        "mean_end": (55.0 + 56.3 + 52.5) / 3,
        "mean_change": (5.0 + 6.3 + 2.5) / 3,
        "improved": 2,
        **rate("share_improved", 2, 3, name="share_improved"),
        "participation_score_version": "linear-mean-v1",
    },
}


def test_participation_change_every_row(warehouse):
    assert_every_row(
        warehouse,
        "participation_change",
        ("provider_business_id", "service_code", "operating_model", "end_year"),
        PARTICIPATION,
    )


# ---- sector_mix ------------------------------------------------------------------------------
def mix(customers, area_customers, episodes, area_episodes, spend_eur, area_spend, n6, e6):
    return {
        "customers": customers,
        "area_customers": area_customers,
        **rate("customer_share", customers, area_customers, name="customer_share"),
        "episodes": episodes,
        "area_episodes": area_episodes,
        **rate("episode_share", episodes, area_episodes, name="episode_share"),
        "spend_eur": Decimal(spend_eur),
        "area_spend_eur": Decimal(area_spend),
        "spend_share": float(Decimal(spend_eur) / Decimal(area_spend)),
        "exits_observable_6m": n6,
        "employed_open_6m": e6,
        **rate("employed_open_6m", e6, n6),
    }


SECTORS = {
    # 2025: P1..P6 active (6 customers), 31 + 30 + 31 episodes; K-IPS invoiced 2750 + 1150 +
    # 3100 + 300 (unallocated included), K-GC 2240.
    (8, 2025, "NGO"): mix(2, 6, 31, 92, "7300.00", "9540.00", 30, 30),
    (8, 2025, "COMPANY"): mix(2, 6, 30, 92, "2240.00", "9540.00", 30, 0),
    (8, 2025, "PUBLIC"): mix(3, 6, 31, 92, "0.00", "9540.00", 31, 15),  # P4's R1, P5, P6
    # 2026: IPS-31 (P2) and W1-W3; K-IPS 2000, K-WS 900 + 1000. No exit observable at 6 m.
    (8, 2026, "NGO"): mix(4, 4, 4, 4, "3900.00", "3900.00", 0, 0),
}


def test_sector_mix_every_row(warehouse):
    assert_every_row(
        warehouse, "sector_mix", ("employment_area_code", "year", "provider_sector"), SECTORS
    )


# ---- kpi_targets_vs_actual -------------------------------------------------------------------
def test_helsinki_target_every_row(warehouse):
    # Long-term unemployed with partial work ability, exits of 2025 in area 8: P3's and P4's
    # group coaching (30). P4's 15 went on to rehabilitative work within 90 days: 15/30 = 0.5
    # >= 0.30. R1 (P4) is not long-term unemployed. 31.12.2025 + 90 <= 30.6.2026: final.
    assert_every_row(
        warehouse,
        "kpi_targets_vs_actual",
        ("target_id",),
        {
            ("HEL-2025-OSATYOKYKYISET",): {
                "employment_area_code": "8",
                "kpi": "onward_path_rate",
                "target_group": "LONG_TERM_UNEMPLOYED+PARTIAL_WORK_ABILITY",
                "period": "2025",
                "target_value": 0.30,
                "direction": "at_least",
                "n": 30,
                "successes": 15,
                **rate("actual", 15, 30, name="actual_value"),
                "status": "MET",
                "is_period_final": True,
            }
        },
    )


def test_aggregate_marts_hold_no_person_keys(warehouse):
    person_level = {"fct_service_episodes", "outcome_payment_reconciliation"}
    columns = query(
        warehouse,
        """select table_name, column_name from information_schema.columns
        where table_schema = 'marts' and column_name = 'person_key'""",
    )
    assert {c["table_name"] for c in columns} == person_level


# ---- the data dictionary ---------------------------------------------------------------------
# Every model in models/marts, so a new mart cannot slip in undocumented.
MARTS = {path.stem for path in (DBT_PROJECT_DIR / "models" / "marts").glob("*.sql")}


def test_dbt_docs_generate_documents_every_mart(warehouse, tmp_path):
    """`dbt docs generate` on the built warehouse: every mart is a contracted table in schema
    marts, and the model and each of its columns have a description."""
    warehouse.apply_to_environment()
    dbt = Path(sys.executable).parent / "dbt"
    project = ["--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)]
    result = subprocess.run(
        [str(dbt), "docs", "generate", *project, "--target-path", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    catalog = json.loads((tmp_path / "catalog.json").read_text(encoding="utf-8"))
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    tables = {
        node["metadata"]["name"]: node
        for node in catalog["nodes"].values()
        if node["metadata"]["schema"] == "marts"
    }
    assert set(tables) == MARTS
    for name, table in tables.items():
        model = manifest["nodes"][f"model.vaikuttavuus.{name}"]
        assert table["metadata"]["type"] == "BASE TABLE", name
        assert model["config"]["contract"]["enforced"], name
        assert len(model["description"]) > 100, name
        described = {c: v["description"].strip() for c, v in model["columns"].items()}
        assert set(described) == set(table["columns"]), name
        assert all(described.values()), (name, [c for c, d in described.items() if not d])
