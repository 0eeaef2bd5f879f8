"""Outcome probabilities of an episode, used both to draw outcomes and to state them.

The simulation draws "employed during the episode", "EMPLOYED_OPEN on exit + 182" and "on
exit + 365" from these numbers, and the post-exit path is then built so that the register's
status on those days is exactly what was drawn. The ground truth averages the same numbers over
the observable episodes, so every declared rate is an exact function of the parameters.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from ingest.reference import service_codes

from . import params
from .catalogue import SERVICE_CODES

_TABLE = np.array(
    [[o.p_during, o.keep_6m, o.find_6m, o.stay_12m, o.find_12m] for o in params.OUTCOMES.values()]
)
P_DURING, KEEP_6M, FIND_6M, STAY_12M, FIND_12M = range(5)

# Services that count in the activation rate put the person IN_SERVICE (subsidised work:
# EMPLOYED_SUBSIDISED) and end when open-market work starts; the others (job coaching, IPS,
# workshops, assessment) leave the register status as it was and go on as in-work support.
ACTIVATING = np.array([service_codes()[s].counts_in_activation_rate for s in SERVICE_CODES])


def group_multiplier(youth, long_term, partial, foreign) -> np.ndarray:
    m = params.GROUP_MULTIPLIERS
    return (
        np.where(youth, m["YOUTH"], 1.0)
        * np.where(long_term, m["LONG_TERM_UNEMPLOYED"], 1.0)
        * np.where(partial, m["PARTIAL_WORK_ABILITY"], 1.0)
        * np.where(foreign, m["FOREIGN_LANGUAGE"], 1.0)
    )


@dataclass
class EpisodeOdds:
    """The outcome probabilities of a batch of episodes (see params.Outcome)."""

    p_during: np.ndarray
    keep_6m: np.ndarray
    find_6m: np.ndarray
    stay_12m: np.ndarray
    find_12m: np.ndarray

    def take(self, mask: np.ndarray) -> EpisodeOdds:
        return EpisodeOdds(*(getattr(self, f.name)[mask] for f in fields(self)))

    @classmethod
    def of(cls, outcome: np.ndarray, multiplier: np.ndarray) -> EpisodeOdds:
        """Parameters of each episode's outcome row, find_* scaled by its target groups."""
        row = _TABLE[outcome]
        return cls(
            p_during=row[:, P_DURING],
            keep_6m=row[:, KEEP_6M],
            find_6m=np.minimum(row[:, FIND_6M] * multiplier, params.FIND_CAP),
            stay_12m=row[:, STAY_12M],
            find_12m=np.minimum(row[:, FIND_12M] * multiplier, params.FIND_CAP),
        )

    @property
    def employed_6m(self) -> np.ndarray:
        """P(EMPLOYED_OPEN on exit + 182)."""
        return self.p_during * self.keep_6m + (1 - self.p_during) * self.find_6m

    @property
    def employed_12m(self) -> np.ndarray:
        """P(EMPLOYED_OPEN on exit + 365)."""
        p6 = self.employed_6m
        return p6 * self.stay_12m + (1 - p6) * self.find_12m


def onset_days(start, planned_end, activating, rng: np.random.Generator) -> np.ndarray:
    """The day open-market work starts, for episodes where it starts during the episode."""
    duration = planned_end - start + 1
    low, high = params.ONSET_FRACTION
    mid = start + np.floor(rng.uniform(low, high, start.size) * duration).astype(np.int32)
    last_days = np.minimum(params.ACTIVATING_ONSET_LAST_DAYS, duration)
    late = planned_end - np.floor(rng.random(start.size) * last_days).astype(np.int32)
    return np.where(activating, late, mid)


def onset_seen_probability(start, planned_end, activating, as_of: int) -> np.ndarray:
    """P(onset_days(...) <= as_of): 1 for exited episodes, less for ongoing ones."""
    duration = planned_end - start + 1
    low, high = params.ONSET_FRACTION
    mid = ((as_of - start + 1) / duration - low) / (high - low)
    last_days = np.minimum(params.ACTIVATING_ONSET_LAST_DAYS, duration)
    late = 1 - (planned_end - as_of) / last_days
    return np.clip(np.where(activating, late, mid), 0.0, 1.0)
