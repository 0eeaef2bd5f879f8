"""The ground truth: what the marts must find in the generated landing.

Expected rates are means of the per-episode probabilities the simulation drew the outcome with,
over the episodes where the outcome is observable (kpis-and-marts.md), so a correct mart lands
within sampling error of them. Simulated counts are the outcomes that were actually drawn: a
correct mart reproduces them exactly.
"""

from __future__ import annotations

from dataclasses import asdict

import polars as pl

from ingest.reference import service_codes

from . import params
from .days import Window

GROUP_FLAGS = {
    "ALL": None,
    "YOUTH": "_youth",
    "LONG_TERM_UNEMPLOYED": "_long_term",
    "PARTIAL_WORK_ABILITY": "_partial",
    "FOREIGN_LANGUAGE": "_foreign",
}
_FLAGS = [f for f in GROUP_FLAGS.values() if f]
_KEYS = ["service_code", "_model", *_FLAGS]
_MEASURES = {
    # name: (denominator column, expected-sum column, simulated-sum column)
    "employed_open_during_service": ("episodes", "during_expected", "during_simulated"),
    "employed_open_during_service_exited": ("exited", "exited_expected", "exited_simulated"),
    "employed_open_6m": ("n_6m", "expected_6m", "simulated_6m"),
    "employed_open_12m": ("n_12m", "expected_12m", "simulated_12m"),
}


# Probabilities are summed as integers in these units: integer sums do not depend on the order
# threads add them in, so the ground truth is byte-identical from run to run.
_PROBABILITY_UNITS = 1_000_000_000


def probability_sum(p: pl.Expr) -> pl.Expr:
    return (p * _PROBABILITY_UNITS).round().cast(pl.Int64).sum()


def episode_stats(episodes: pl.DataFrame, window: Window) -> pl.DataFrame:
    """Sums per service, model and target-group combination (additive over chunks)."""
    as_of = pl.lit(window.as_of).cast(pl.Date)
    exited = pl.col("_exited")
    seen_6m = exited & (pl.col("_end") + pl.duration(days=182) <= as_of)
    seen_12m = exited & (pl.col("_end") + pl.duration(days=365) <= as_of)
    return episodes.group_by(_KEYS).agg(
        episodes=pl.len(),
        during_expected=probability_sum(pl.col("_p_during_seen")),
        during_simulated=pl.col("_during_seen").sum(),
        exited=exited.sum(),
        exited_expected=probability_sum(pl.col("_p_during") * exited),
        exited_simulated=(pl.col("_during_seen") & exited).sum(),
        n_6m=seen_6m.sum(),
        expected_6m=probability_sum(pl.col("_p_employed_6m") * seen_6m),
        simulated_6m=(pl.col("_employed_6m") & seen_6m).sum(),
        n_12m=seen_12m.sum(),
        expected_12m=probability_sum(pl.col("_p_employed_12m") * seen_12m),
        simulated_12m=(pl.col("_employed_12m") & seen_12m).sum(),
    )


def summed(stats: list[pl.DataFrame]) -> pl.DataFrame:
    return pl.concat(stats).group_by(_KEYS).agg(pl.all().sum())


def in_group(stats: pl.DataFrame, group: str) -> pl.DataFrame:
    flag = GROUP_FLAGS[group]
    return stats if flag is None else stats.filter(pl.col(flag))


def rate_block(row: dict) -> dict:
    block = {}
    for name, (n, expected, simulated) in _MEASURES.items():
        count = int(row[n])
        block[name] = {
            "n": count,
            "expected_rate": round(row[expected] / _PROBABILITY_UNITS / count, 4)
            if count
            else None,
            "simulated_count": int(row[simulated]),
        }
    return block


def expected_rates(stats: pl.DataFrame) -> list[dict]:
    """Per service_code × operating_model × target group."""
    rows = []
    for group in GROUP_FLAGS:
        cells = (
            in_group(stats, group)
            .group_by("service_code", "_model")
            .agg(pl.exclude(_FLAGS).sum())
            .sort("service_code", "_model", nulls_last=True)
        )
        for row in cells.iter_rows(named=True):
            rows.append(
                {
                    "service_code": row["service_code"],
                    "service_category": service_codes()[row["service_code"]].category,
                    "operating_model": row["_model"],
                    "target_group": group,
                    "episodes": int(row["episodes"]),
                    **rate_block(row),
                }
            )
    return rows


def model_effectiveness(stats: pl.DataFrame) -> list[dict]:
    """The operating_model_effectiveness grain: a model against the rest of its category."""
    categories = {code: s.category for code, s in service_codes().items()}
    with_category = stats.with_columns(category=pl.col("service_code").replace_strict(categories))
    rows = []
    for group in GROUP_FLAGS:
        pooled = (
            in_group(with_category, group)
            .group_by("category", "_model")
            .agg(pl.col("n_6m", "expected_6m").sum())
        )
        for row in (
            pooled.filter(pl.col("_model").is_not_null())
            .sort("category", "_model")
            .iter_rows(named=True)
        ):
            rest = pooled.filter(
                (pl.col("category") == row["category"])
                & (pl.col("_model").is_null() | (pl.col("_model") != row["_model"]))
            )
            rest_n = int(rest["n_6m"].sum())
            rate = row["expected_6m"] / _PROBABILITY_UNITS / row["n_6m"] if row["n_6m"] else None
            baseline = rest["expected_6m"].sum() / _PROBABILITY_UNITS / rest_n if rest_n else None
            rows.append(
                {
                    "operating_model": row["_model"],
                    "service_category": row["category"],
                    "target_group": group,
                    "exits_observable_6m": int(row["n_6m"]),
                    "expected_employed_open_6m_rate": round(rate, 4) if rate is not None else None,
                    "baseline_exits_observable_6m": rest_n,
                    "expected_baseline_rate": round(baseline, 4) if baseline is not None else None,
                }
            )
    return rows


def parameter_tables() -> dict:
    outcomes = []
    for (service, model), o in params.OUTCOMES.items():
        p6 = o.p_during * o.keep_6m + (1 - o.p_during) * o.find_6m
        outcomes.append(
            {
                "service_code": service,
                "operating_model": model,
                **asdict(o),
                "p_employed_open_6m_without_group_effects": round(p6, 4),
                "p_employed_open_12m_without_group_effects": round(
                    p6 * o.stay_12m + (1 - p6) * o.find_12m, 4
                ),
            }
        )
    return {
        "outcomes": outcomes,
        "outcome_formulas": {
            "p_employed_open_during_service": "p_during (for ongoing episodes times the chance "
            "that the job start falls on or before as_of)",
            "p_employed_open_6m": "p_during * keep_6m + (1 - p_during) * find_6m * m",
            "p_employed_open_12m": "p6 * stay_12m + (1 - p6) * find_12m * m",
            "m": "product of group_multipliers over the episode's target groups; find_* * m is "
            "capped at find_cap",
        },
        "group_multipliers": params.GROUP_MULTIPLIERS,
        "find_cap": params.FIND_CAP,
        "onset": {
            "activating_services_last_days": params.ACTIVATING_ONSET_LAST_DAYS,
            "other_services_fraction_of_planned_duration": list(params.ONSET_FRACTION),
        },
        "service_mix": {
            "base_weights": {s: v.base_weight for s, v in params.SERVICES.items()},
            "target_group_factors": params.SERVICE_MIX_FACTORS,
            "referral_weights": params.REFERRAL_SERVICE_WEIGHTS,
            "planned_duration_days": {s: list(v.duration_days) for s, v in params.SERVICES.items()},
        },
        "designed_contrasts": {
            verdict: [{"operating_model": m, "service_category": c} for m, c in pairs]
            for verdict, pairs in params.DESIGNED_CONTRASTS.items()
        },
        "participation_change_item_scale": {
            str(k) if k else "NO_MODEL": v for k, v in params.PARTICIPATION_CHANGE.items()
        },
        "claim_shares": params.CLAIM_SHARE,
        "demography": {
            "age_bands_at_first_episode": [list(b) for b in params.AGE_BANDS],
            "disability_share": params.DISABILITY_SHARE,
            "swedish_share_by_area": params.SWEDISH_SHARE,
            "foreign_language_share_by_area": params.FOREIGN_SHARE,
            "education": params.EDUCATION,
            "long_prior_spell_share": params.LONG_PRIOR_SPELL_SHARE,
            "mover_share": params.MOVER_SHARE,
        },
    }
