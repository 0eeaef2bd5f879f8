"""The labour-market path of each person in a chunk, simulated episode by episode.

All persons of a chunk advance together: step k draws everyone's k-th episode, its outcomes
and the path after it, with numpy over the persons still in the window. The path is written as
status *events* (from this day on the status is X); `periods.py` turns them into periods.

The path after an exit is fixed for 365 days by the drawn outcomes, so the status on exit + 182
and exit + 365 is exactly what was drawn. A next episode starts only once that year is over,
except a referral: a long service without open-market work before the year is over, starting
within 90 days of an exit that led to no work.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from . import params
from .catalogue import SERVICE_CODES, Catalogue, era_of, sample_offers
from .days import Window, years_of
from .geography import Geography
from .outcomes import ACTIVATING, EpisodeOdds, group_multiplier, onset_days, onset_seen_probability
from .population import People

STATUSES = (
    "UNEMPLOYED",
    "LAID_OFF",
    "IN_SERVICE",
    "EMPLOYED_OPEN",
    "EMPLOYED_SUBSIDISED",
    "IN_EDUCATION",
    "OUTSIDE_LABOUR_FORCE",
)
UNEMPLOYED, LAID_OFF, IN_SERVICE, EMPLOYED_OPEN, EMPLOYED_SUBSIDISED, IN_EDUCATION, OUTSIDE = range(
    len(STATUSES)
)
END_REASONS = ("COMPLETED", "INTERRUPTED", "EMPLOYED", "EDUCATION", "MOVED_AWAY", "OTHER")
COMPLETED, _, EMPLOYED, EDUCATION, MOVED_AWAY, _ = range(len(END_REASONS))
NO_DAY = np.iinfo(np.int32).max
FOLLOW_UP_DAYS = 365  # the path after an exit is fixed this long
REFERRAL_MARGIN_DAYS = 31  # a referral outlasts the referring follow-up year by this much
OVERLAP_MIN_STRETCH_DAYS = 120

_SUBSIDISED = SERVICE_CODES.index("SUBSIDISED_WORK")
_SERVICE_BASE = np.array([params.SERVICES[s].base_weight for s in SERVICE_CODES], dtype=float)
_REFERRAL_BASE = np.array(
    [params.REFERRAL_SERVICE_WEIGHTS.get(s, 0.0) for s in SERVICE_CODES], dtype=float
)
_DURATION = np.array([params.SERVICES[s].duration_days for s in SERVICE_CODES])
IDLE_PATHS = (*params.IDLE_PATH_WEIGHTS, "REFERRAL")
_SHORT_JOB, _EDUCATION, _OUTSIDE, _REFERRAL = (
    IDLE_PATHS.index(p) for p in ("SHORT_JOB", "EDUCATION", "OUTSIDE", "REFERRAL")
)
_GROUPS = ("YOUTH", "LONG_TERM_UNEMPLOYED", "PARTIAL_WORK_ABILITY", "FOREIGN_LANGUAGE")
_MIX_FACTORS = np.array(
    [[params.SERVICE_MIX_FACTORS[g].get(s, 1.0) for s in SERVICE_CODES] for g in _GROUPS]
)


class EventLog:
    """Status events in emission order; on the same day the later emission wins."""

    def __init__(self):
        self.person: list[np.ndarray] = []
        self.day: list[np.ndarray] = []
        self.status: list[np.ndarray] = []

    def emit(self, person, day, status, where=None):
        person, day = np.asarray(person), np.broadcast_to(day, np.shape(person))
        status = np.broadcast_to(status, np.shape(person))
        if where is not None:
            person, day, status = person[where], day[where], status[where]
        self.person.append(person.astype(np.int32))
        self.day.append(day.astype(np.int32))
        self.status.append(status.astype(np.int8))

    def arrays(self) -> dict[str, np.ndarray]:
        person = np.concatenate(self.person)
        return {
            "person": person,
            "day": np.concatenate(self.day),
            "status": np.concatenate(self.status),
            "emitted": np.arange(person.size, dtype=np.int64),
        }


@dataclass
class PathState:
    """Where each person of the chunk stands before their next episode."""

    next_start: np.ndarray
    last_status: np.ndarray  # status on next_start - 1
    spell_start: np.ndarray  # first day of the unemployment spell running on next_start - 1
    municipality: np.ndarray  # current municipality index
    move_day: np.ndarray  # NO_DAY = never moves
    alive: np.ndarray  # may still start an episode
    free_day: np.ndarray  # unemployed and unconstrained from this day (-1 = not)
    referred: np.ndarray  # the next episode is a referral
    min_end: np.ndarray  # a referral lasts at least until this day
    exited_once: np.ndarray


@dataclass
class Batch:
    """The episodes of one step: one row per person starting an episode."""

    person: np.ndarray
    start: np.ndarray
    end: np.ndarray  # planned end; the episode is ongoing if it is after as_of
    service: np.ndarray
    offer: np.ndarray
    municipality: np.ndarray
    youth: np.ndarray
    long_term: np.ndarray
    partial: np.ndarray
    foreign: np.ndarray
    odds: EpisodeOdds
    activating: np.ndarray
    service_status: np.ndarray  # the status an activating episode puts the person in
    during: np.ndarray  # open-market work starts during the episode
    onset: np.ndarray
    status_at_end: np.ndarray
    spell_at_start: np.ndarray

    def take(self, mask: np.ndarray) -> Batch:
        def part(value):
            return value.take(mask) if isinstance(value, EpisodeOdds) else value[mask]

        return Batch(**{f.name: part(getattr(self, f.name)) for f in fields(self)})


@dataclass
class Simulation:
    events: EventLog
    episodes: dict[str, np.ndarray]
    state: PathState
    overlap_person: np.ndarray  # persons with a short job inside their last unemployment
    overlap_start: np.ndarray


def exponential_days(rng, mean: float, size: int) -> np.ndarray:
    return np.floor(rng.exponential(mean, size)).astype(np.int32)


def uniform_days(rng, low, high, size: int) -> np.ndarray:
    """Integers in [low, high]; the bounds may be arrays."""
    return (low + np.floor(rng.random(size) * (np.asarray(high) - low + 1))).astype(np.int32)


def sample_rows(weights: np.ndarray, rng) -> np.ndarray:
    """One column index per row, with probability proportional to the row's weights."""
    cumulative = np.cumsum(weights, axis=1)
    u = rng.random(weights.shape[0]) * cumulative[:, -1]
    return np.minimum((u[:, None] >= cumulative).sum(axis=1), weights.shape[1] - 1)


def run_chunk(
    people: People, window: Window, geo: Geography, catalogue: Catalogue, rng, max_episodes: int
) -> Simulation:
    log = EventLog()
    state = start_histories(people, log, rng)
    steps = []
    for step in range(max_episodes):
        idx = np.flatnonzero(state.alive & (state.next_start <= window.as_of))
        if idx.size == 0:
            break
        steps.append(episode_step(people, state, idx, step, window, geo, catalogue, log, rng))
    episodes = {name: np.concatenate([s[name] for s in steps]) for name in steps[0]}
    overlap_person, overlap_start = add_overlaps(state, window, log, rng)
    return Simulation(log, episodes, state, overlap_person, overlap_start)


def start_histories(people: People, log: EventLog, rng) -> PathState:
    """The unemployment spell (and what came before it) leading to the first episode."""
    n = people.size
    person = np.arange(n)
    long_spell = rng.random(n) < params.LONG_PRIOR_SPELL_SHARE
    prior = np.where(
        long_spell,
        365 + exponential_days(rng, params.LONG_PRIOR_EXTRA_MEAN_DAYS, n),
        np.minimum(7 + exponential_days(rng, params.SHORT_PRIOR_MEAN_DAYS, n), 364),
    )
    spell_start = people.first_start - prior
    youth = years_of(people.first_start) - people.birth_year < 30
    before = spell_start - uniform_days(rng, *params.PRIOR_STATUS_DAYS, n)
    log.emit(person, before, IN_EDUCATION, youth & (rng.random(n) < params.PRIOR_STUDY_SHARE))
    log.emit(person, before, EMPLOYED_OPEN, ~youth & (rng.random(n) < params.PRIOR_JOB_SHARE))
    laid_off = rng.random(n) < params.LAID_OFF_SHARE
    log.emit(person, spell_start, np.where(laid_off, LAID_OFF, UNEMPLOYED))
    lay_off_end = spell_start + uniform_days(rng, *params.LAY_OFF_DAYS, n)
    back_to_unemployed = laid_off & (lay_off_end < people.first_start)
    log.emit(person, lay_off_end, UNEMPLOYED, back_to_unemployed)
    return PathState(
        next_start=people.first_start.copy(),
        last_status=np.where(laid_off & ~back_to_unemployed, LAID_OFF, UNEMPLOYED).astype(np.int8),
        spell_start=spell_start,
        municipality=people.municipality.copy(),
        move_day=np.full(n, NO_DAY, dtype=np.int32),
        alive=np.ones(n, dtype=bool),
        free_day=np.full(n, -1, dtype=np.int32),
        referred=np.zeros(n, dtype=bool),
        min_end=np.full(n, -1, dtype=np.int32),
        exited_once=np.zeros(n, dtype=bool),
    )


def service_weights(base: np.ndarray, flags: tuple[np.ndarray, ...]) -> np.ndarray:
    """Service weights per person: the base times the factors of the person's target groups."""
    weights = np.tile(base, (flags[0].size, 1))
    for factors, members in zip(_MIX_FACTORS, flags, strict=True):
        weights[members] *= factors
    return weights


def draw_batch(people, state, idx, window, geo, catalogue, rng) -> Batch:
    start = state.next_start[idx]
    last_status = state.last_status[idx]
    youth = years_of(start) - people.birth_year[idx] < 30
    long_term = np.isin(last_status, (UNEMPLOYED, LAID_OFF)) & (
        start - state.spell_start[idx] >= 365
    )
    flags = (youth, long_term, people.disability[idx], people.foreign[idx])
    service = np.where(
        state.referred[idx],
        sample_rows(service_weights(_REFERRAL_BASE, flags), rng),
        sample_rows(service_weights(_SERVICE_BASE, flags), rng),
    )
    municipality = state.municipality[idx]
    offer = sample_offers(
        catalogue, era_of(start, window), geo.area_index(municipality), service, rng
    )
    low, high = _DURATION[service, 0], _DURATION[service, 1]
    end = np.maximum(start + uniform_days(rng, low, high, idx.size) - 1, state.min_end[idx])
    odds = EpisodeOdds.of(catalogue.offer_outcome[offer], group_multiplier(*flags))
    activating = ACTIVATING[service]
    during = rng.random(idx.size) < odds.p_during
    service_status = np.where(service == _SUBSIDISED, EMPLOYED_SUBSIDISED, IN_SERVICE)
    return Batch(
        person=idx,
        start=start,
        end=end,
        service=service,
        offer=offer,
        municipality=municipality,
        youth=youth,
        long_term=long_term,
        partial=flags[2],
        foreign=flags[3],
        odds=odds,
        activating=activating,
        service_status=service_status,
        during=during,
        onset=onset_days(start, end, activating, rng),
        status_at_end=np.where(
            during, EMPLOYED_OPEN, np.where(activating, service_status, last_status)
        ),
        spell_at_start=state.spell_start[idx],
    )


def episode_step(people, state, idx, step, window, geo, catalogue, log, rng) -> dict:
    batch = draw_batch(people, state, idx, window, geo, catalogue, rng)
    log.emit(batch.person, batch.start, batch.service_status, batch.activating)
    log.emit(batch.person, batch.onset, EMPLOYED_OPEN, batch.during)
    exited = batch.end <= window.as_of
    state.alive[batch.person[~exited]] = False
    employed_6m, employed_12m, end_reason = exit_paths(batch.take(exited), state, people, log, rng)
    odds = batch.odds
    seen = onset_seen_probability(batch.start, batch.end, batch.activating, window.as_of)
    return {
        "person": batch.person.astype(np.int32),
        "step": np.full(idx.size, step, dtype=np.int8),
        "start": batch.start,
        "end": batch.end,
        "exited": exited,
        "service": batch.service,
        "offer": batch.offer,
        "municipality": batch.municipality,
        "youth": batch.youth,
        "long_term": batch.long_term,
        "partial": batch.partial,
        "foreign": batch.foreign,
        "during_seen": batch.during & (batch.onset <= window.as_of),
        "p_during": odds.p_during,
        "p_during_seen": odds.p_during * seen,
        "p_employed_6m": odds.employed_6m,
        "p_employed_12m": odds.employed_12m,
        "employed_6m": scatter(employed_6m, exited, False),
        "employed_12m": scatter(employed_12m, exited, False),
        "end_reason": scatter(end_reason, exited, -1),
    }


def scatter(values: np.ndarray, where: np.ndarray, fill) -> np.ndarray:
    out = np.full(where.size, fill, dtype=values.dtype)
    out[where] = values
    return out


@dataclass
class ExitDraws:
    """Random numbers for the year after each exit, drawn for all and used where they apply.

    Day offsets count from the exit day: 1 = the day after the episode ended.
    """

    employed_6m: np.ndarray
    employed_12m: np.ndarray
    job_start: np.ndarray  # a job held on +182 that started after the exit: 1..182
    job_end_6m: np.ndarray  # such a job, not held on +365, ends in 182..364
    early_job_end: np.ndarray  # a job held at exit but not on +182 ends in 1..170
    late_job_start: np.ndarray  # a job held on +365 but not on +182 starts in 183..365
    short_job_start: np.ndarray  # 1..60
    short_job_end: np.ndarray  # short_job_start + 13 .. 170
    short_job_first: np.ndarray  # a short job before a late job
    tail: np.ndarray  # a job held on +365 goes on this much longer
    idle_path: np.ndarray  # index into IDLE_PATHS
    education_start: np.ndarray
    education_days: np.ndarray
    outside_start: np.ndarray
    outside_days: np.ndarray
    referral_gap: np.ndarray
    wait: np.ndarray  # days from the free day to the next episode
    plain_reason: np.ndarray

    @classmethod
    def draw(cls, batch: Batch, rng) -> ExitDraws:
        n, odds = batch.person.size, batch.odds
        employed_6m = rng.random(n) < np.where(batch.during, odds.keep_6m, odds.find_6m)
        employed_12m = rng.random(n) < np.where(employed_6m, odds.stay_12m, odds.find_12m)
        short_start = uniform_days(rng, 1, 60, n)
        return cls(
            employed_6m=employed_6m,
            employed_12m=employed_12m,
            job_start=1 + np.minimum(exponential_days(rng, params.JOB_START_MEAN_DAYS, n), 181),
            job_end_6m=uniform_days(rng, 182, 364, n),
            early_job_end=uniform_days(rng, 1, 170, n),
            late_job_start=uniform_days(rng, 183, 365, n),
            short_job_start=short_start,
            short_job_end=uniform_days(rng, short_start + 13, 170, n),
            short_job_first=rng.random(n) < params.SHORT_JOB_BEFORE_LATE_JOB_SHARE,
            tail=exponential_days(rng, params.TAIL_JOB_MEAN_DAYS, n),
            idle_path=sample_rows(idle_path_weights(batch), rng),
            education_start=uniform_days(rng, 1, 150, n),
            education_days=uniform_days(rng, *params.EDUCATION_DAYS, n),
            outside_start=uniform_days(rng, 1, 90, n),
            outside_days=uniform_days(rng, *params.OUTSIDE_DAYS, n),
            referral_gap=uniform_days(rng, *params.REFERRAL_GAP_DAYS, n),
            wait=params.NEXT_EPISODE_WAIT[0]
            + exponential_days(rng, params.NEXT_EPISODE_WAIT[1], n),
            plain_reason=rng.choice(
                [END_REASONS.index(r) for r in params.PLAIN_END_REASONS],
                size=n,
                p=list(params.PLAIN_END_REASONS.values()),
            ),
        )


def idle_path_weights(batch: Batch) -> np.ndarray:
    base = np.array([*params.IDLE_PATH_WEIGHTS.values(), 0.0])
    weights = np.tile(base, (batch.person.size, 1))
    weights[batch.youth, _EDUCATION] *= params.YOUTH_EDUCATION_FACTOR
    referral = np.array(
        [params.REFERRAL_WEIGHT.get(s, params.REFERRAL_WEIGHT_DEFAULT) for s in SERVICE_CODES]
    )
    weights[:, _REFERRAL] = referral[batch.service]
    return weights


def exit_paths(batch: Batch, state: PathState, people: People, log: EventLog, rng):
    """Emit the year after each exit, then set where each person stands afterwards.

    Returns the drawn employed_6m, employed_12m and the end reason of each exited episode.
    """
    draws = ExitDraws.draw(batch, rng)
    p, end, working = batch.person, batch.end, batch.during
    e6, e12 = draws.employed_6m, draws.employed_12m
    idle = ~working & ~e6 & ~e12
    path = np.where(idle, draws.idle_path, -1)
    short_job = (path == _SHORT_JOB) | (~working & ~e6 & e12 & draws.short_job_first)
    education, outside, referral = path == _EDUCATION, path == _OUTSIDE, path == _REFERRAL

    log.emit(p, end + 1, UNEMPLOYED, ~working)
    log.emit(p, end + draws.job_start, EMPLOYED_OPEN, e6 & ~working)
    log.emit(p, end + draws.job_end_6m + 1, UNEMPLOYED, e6 & ~e12)
    log.emit(p, end + draws.early_job_end + 1, UNEMPLOYED, working & ~e6)
    log.emit(p, end + draws.short_job_start, EMPLOYED_OPEN, short_job)
    log.emit(p, end + draws.short_job_end + 1, UNEMPLOYED, short_job)
    log.emit(p, end + draws.late_job_start, EMPLOYED_OPEN, ~e6 & e12)
    log.emit(p, end + draws.education_start, IN_EDUCATION, education)
    graduation = end + draws.education_start + draws.education_days
    log.emit(p, graduation, EMPLOYED_OPEN, education)
    log.emit(p, end + draws.outside_start, OUTSIDE, outside)
    back_from_outside = end + draws.outside_start + draws.outside_days
    log.emit(p, back_from_outside, UNEMPLOYED, outside)
    job_end_after_year = end + FOLLOW_UP_DAYS + 1 + draws.tail
    log.emit(p, job_end_after_year, UNEMPLOYED, e12)

    year_over = end + FOLLOW_UP_DAYS + 1
    free = np.select(
        [e12, outside], [job_end_after_year, np.maximum(back_from_outside, year_over)], year_over
    )
    spell_after_exit = np.where(batch.activating, end + 1, batch.spell_at_start)
    spell = np.select(
        [e12, outside, e6, working, short_job],
        [
            job_end_after_year,
            back_from_outside,
            end + draws.job_end_6m + 1,
            end + draws.early_job_end + 1,
            end + draws.short_job_end + 1,
        ],
        spell_after_exit,
    )
    gap = draws.referral_gap
    state.alive[p] = ~education
    state.next_start[p] = np.where(referral, end + gap, free + draws.wait)
    state.last_status[p] = np.where(referral & (gap == 1), batch.status_at_end, UNEMPLOYED)
    state.spell_start[p] = spell
    state.free_day[p] = np.where(referral | education, -1, free)
    state.referred[p] = referral
    state.min_end[p] = np.where(referral, end + FOLLOW_UP_DAYS + REFERRAL_MARGIN_DAYS, -1)
    moving = move_after_first_exit(batch, state, people)
    reason = end_reasons(draws, working, e6, education, referral, moving)
    return e6, e12, reason


def move_after_first_exit(batch: Batch, state: PathState, people: People) -> np.ndarray:
    """Movers change municipality (and area) the day after their first exit."""
    p = batch.person
    moving = people.mover[p] & ~state.exited_once[p]
    state.move_day[p[moving]] = batch.end[moving] + 1
    state.municipality[p[moving]] = people.move_to[p[moving]]
    state.exited_once[p] = True
    return moving


def end_reasons(draws: ExitDraws, working, e6, education, referral, moving) -> np.ndarray:
    reason = np.where(referral, COMPLETED, draws.plain_reason)
    reason = np.where(education & (draws.education_start <= 14), EDUCATION, reason)
    reason = np.where(e6 & ~working & (draws.job_start <= 7), EMPLOYED, reason)
    reason = np.where(moving, MOVED_AWAY, reason)
    return np.where(working, EMPLOYED, reason).astype(np.int8)


def add_overlaps(state: PathState, window: Window, log: EventLog, rng):
    """A short job inside the last unemployment stretch of about 1 % of persons.

    The register keeps the unemployment as one period and adds the job on top (see
    periods.raw_periods); the contract's overlap rule resolves it back to this timeline. The
    job lies after every follow-up day and before no episode, so no declared rate depends on it.
    """
    free = state.free_day
    eligible = np.flatnonzero(
        state.alive & (free >= 0) & (window.as_of - free >= OVERLAP_MIN_STRETCH_DAYS)
    )
    share = min(1.0, params.OVERLAP_PERSON_SHARE * free.size / max(eligible.size, 1))
    chosen = eligible[rng.random(eligible.size) < share]
    room = window.as_of - free[chosen] - 60
    start = free[chosen] + 10 + np.floor(rng.random(chosen.size) * room).astype(np.int32)
    length = uniform_days(rng, 7, 30, chosen.size)
    log.emit(chosen, start, EMPLOYED_OPEN)
    log.emit(chosen, start + length, UNEMPLOYED)
    return chosen, start
