"""generate_landing: simulate, split into deliveries, write the files and the ground truth."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

import numpy as np
import polars as pl

from ingest.contract import (
    CONTRACT_OUTCOME_PRICES,
    CONTRACTS,
    INVOICE_LINES,
    JOBSEEKER_PERIODS,
    PARTICIPATION_RESPONSES,
    PERSONS,
    PROVIDERS,
    SERVICE_PERIODS,
    Entity,
)

from . import params
from .catalogue import Catalogue, build_catalogue
from .claims import STATUSES as CLAIM_STATUSES
from .claims import classify, design_claims
from .codes import check_codes
from .days import Window, to_date
from .defects import Defect, purchase_defects, register_defects, survey_defects
from .deliveries import Split, by_date, combined, corrected, mistakes, periods, persons
from .formats import CsvSink, Dialect, ParquetSink, WorkbookSink, rendered, typed
from .geography import Geography, area_summary, geography
from .identity import individual_permutation
from .invoices import credit_lines, customer_lines, fixed_monthly_lines, number_lines
from .periods import raw_periods, resolved_periods
from .population import people_chunk
from .purchases import contract_split, price_split, provider_split
from .register import episode_frame, jobseeker_period_frame, person_frame
from .surveys import responses
from .timeline import run_chunk
from .truth import episode_stats, expected_rates, model_effectiveness, parameter_tables, summed

GROUND_TRUTH = "_ground_truth.json"
_FINNISH = {"delimiter": ";", "dates": "fi", "timestamps": "fi", "booleans": ("K", "E")}
DIALECTS: dict[str, Dialect] = {
    "persons": Dialect("csv", encoding="utf-8-sig", booleans=("1", "0")),
    "jobseeker_periods": Dialect("parquet"),
    "service_periods": Dialect("csv", **_FINNISH),
    "providers": Dialect("csv", encoding="cp1252", upper_case_headers=True, **_FINNISH),
    "contracts": Dialect("csv", decimal_comma=True, **_FINNISH),
    "contract_outcome_prices": Dialect("csv", decimal_comma=True, **_FINNISH),
    "invoice_lines": Dialect("xlsx"),
    "participation_responses": Dialect("csv"),
}
_STREAMS = ("people", "timeline", "register", "invoices", "claims", "surveys", "deliveries")


class Landing:
    """The files of one landing folder; each opens on its first write."""

    def __init__(self, root: Path, window: Window):
        self.root = root
        self.deliveries = tuple(
            to_date(d).isoformat() for d in (window.first_delivery, window.as_of)
        )
        self.created = datetime.combine(to_date(window.as_of), time())
        self.sinks: dict[tuple[int, str], CsvSink | ParquetSink] = {}
        self.tombstones: dict[tuple[int, str], int] = {}
        self.defects: list[dict] = []  # the ground truth's injected_defects

    def sink(self, delivery: int, entity: Entity):
        key = (delivery, entity.name)
        if key not in self.sinks:
            dialect = DIALECTS[entity.name]
            folder = self.root / entity.source / self.deliveries[delivery]
            path = folder / f"{entity.name}.{dialect.format}"
            if dialect.format == "csv":
                self.sinks[key] = CsvSink(path, entity, dialect)
            elif dialect.format == "parquet":
                self.sinks[key] = ParquetSink(path, entity)
            else:
                self.sinks[key] = WorkbookSink(path, entity, self.created)
            self.tombstones[key] = 0
        return self.sinks[key]

    def write(self, entity: Entity, split: Split) -> None:
        for delivery, frame in enumerate((split.first, split.second)):
            self.sink(delivery, entity).write(frame)
            self.tombstones[(delivery, entity.name)] += int(frame["deleted"].sum())

    def add_defect(self, defect: Defect) -> None:
        sink = self.sink(0, defect.entity)
        if defect.text:
            text = rendered(typed(defect.row, defect.entity), defect.entity, sink.dialect)
            sink.write_rendered(
                text.with_columns(pl.lit(v).alias(k) for k, v in defect.text.items())
            )
        else:
            sink.write(defect.row)
        self.defects.append(
            {
                "source": defect.entity.source,
                "delivery": self.deliveries[0],
                "entity": defect.entity.name,
                "key": defect.key,
                "rule": defect.rule,
            }
        )

    def close(self) -> list[dict]:
        """Close every file; returns the delivery plan with row counts (and names the files
        of the defects, which are known only now: invoice lines may end up as Parquet)."""
        files = []
        for (delivery, name), sink in sorted(self.sinks.items()):
            file_name = sink.close()
            entity = sink.entity
            relative = f"{entity.source}/{self.deliveries[delivery]}/{file_name}"
            dialect = DIALECTS[name]
            files.append(
                {
                    "source": entity.source,
                    "delivery": self.deliveries[delivery],
                    "entity": name,
                    "file": relative,
                    **dialect.describe(),
                    "format": file_name.rsplit(".", 1)[1],
                    "contents": "full snapshot" if name == "providers" else contents_of(delivery),
                    "rows": sink.rows,
                    "tombstones": self.tombstones[(delivery, name)],
                    "defect_rows": sum(d["entity"] == name and delivery == 0 for d in self.defects),
                }
            )
        for d in self.defects:
            d["file"] = next(
                f["file"]
                for f in files
                if f["entity"] == d["entity"] and f["delivery"] == d["delivery"]
            )
        return files


def contents_of(delivery: int) -> str:
    return "state on the delivery day" if delivery == 0 else "changes since the previous delivery"


@dataclass(frozen=True)
class Run:
    seed: int
    persons: int
    years: int
    window: Window
    geo: Geography
    catalogue: Catalogue
    chunks: int
    permutation: np.ndarray  # of individual numbers, shared by all chunks
    max_episodes: int


@dataclass
class ChunkTruth:
    """The simulated truth of one chunk, one frame per chunked entity (named after it)."""

    persons: pl.DataFrame
    jobseeker_periods: pl.DataFrame
    service_periods: pl.DataFrame
    invoice_lines: pl.DataFrame
    participation_responses: pl.DataFrame
    claim_counts: dict[str, int]
    overlaps: int

    @property
    def rows(self) -> dict[str, int]:
        return {entity: getattr(self, entity).height for entity in CHUNKED_ENTITIES}


CHUNKED_ENTITIES = (
    "persons",
    "jobseeker_periods",
    "service_periods",
    "invoice_lines",
    "participation_responses",
)


def prepare_run(
    persons: int,
    seed: int,
    as_of: date,
    years: int,
    last_delivery_days: int = params.FIRST_DELIVERY_LAG_DAYS,
) -> Run:
    if persons < 1 or years < 1 or last_delivery_days < 1:
        raise ValueError("persons, years and last_delivery_days must be positive")
    check_codes()
    window = Window.build(as_of, years, last_delivery_days, params.CONTRACT_SWITCH)
    geo = geography()
    return Run(
        seed=seed,
        persons=persons,
        years=years,
        window=window,
        geo=geo,
        catalogue=build_catalogue(geo, window, seed),
        chunks=math.ceil(persons / params.CHUNK_PERSONS),
        permutation=individual_permutation(np.random.default_rng([seed, 1_000_001])),
        max_episodes=round(years * params.MAX_EPISODES_PER_YEAR) + 1,
    )


def streams(seed: int, chunk: int) -> dict[str, np.random.Generator]:
    """Independent random streams per chunk and purpose, so one part changing leaves the others."""
    return {name: np.random.default_rng([seed, chunk, i]) for i, name in enumerate(_STREAMS)}


def simulate_chunk(run: Run, chunk: int, size: int, rng: dict) -> ChunkTruth:
    window, geo, catalogue = run.window, run.geo, run.catalogue
    people = people_chunk(chunk, size, run.chunks, window, geo, run.permutation, rng["people"])
    sim = run_chunk(people, window, geo, catalogue, rng["timeline"], run.max_episodes)
    resolved = resolved_periods(sim, people, geo, window)
    jobseeker_periods = jobseeker_period_frame(raw_periods(resolved, sim), people)
    first_seen = jobseeker_periods.group_by("_person").agg(_first_seen=pl.col("start_date").min())
    person_rows = person_frame(people, sim, window, geo, rng["register"]).join(
        first_seen, on="_person", how="left", maintain_order="left"
    )
    episodes = episode_frame(sim, people, catalogue, geo, rng["register"])
    lines = invoice_lines(run, episodes, resolved, chunk + 1, rng)
    return ChunkTruth(
        persons=person_rows,
        jobseeker_periods=jobseeker_periods,
        service_periods=episodes,
        invoice_lines=lines,
        participation_responses=responses(episodes, window, chunk + 1, rng["surveys"]),
        claim_counts=verified_claim_counts(lines, episodes, resolved, run),
        overlaps=int(sim.overlap_person.size),
    )


def invoice_lines(run: Run, episodes, resolved, batch: int, rng) -> pl.DataFrame:
    contracts, prices = run.catalogue.contracts, run.catalogue.outcome_prices
    base = customer_lines(episodes, contracts, run.window, batch)
    bonuses = design_claims(episodes, resolved, contracts, prices, run.window, batch, rng["claims"])
    credits = credit_lines(base, run.window, batch, rng["invoices"])
    return number_lines(pl.concat([base, bonuses, credits], how="diagonal_relaxed"))


def verified_claim_counts(lines, episodes, resolved, run: Run) -> dict[str, int]:
    """Classify the bonus claims with the reconciliation rules; they must match the design."""
    bonuses = lines.filter(pl.col("line_type") == "OUTCOME_BONUS")
    status = classify(bonuses, episodes, resolved, run.catalogue.outcome_prices, run.window)
    wrong = int((status != bonuses["_kind"]).sum())
    if wrong:
        raise RuntimeError(f"{wrong} bonus claims would not get their designed status")
    return {s: int((status == s).sum()) for s in CLAIM_STATUSES}


def last_line_no(lines: pl.DataFrame, line: pl.DataFrame) -> int:
    """The highest line number on the invoice of `line`."""
    return int(lines.filter(pl.col("invoice_id") == line["invoice_id"][0])["line_no"].max())


def delivered_by_mistake(first: pl.DataFrame, run: Run, rng, **changes) -> Split:
    """A copy of a first-delivery row under another key, tombstoned in the second delivery."""
    row = first.head(1).drop("updated_at", "deleted")
    return mistakes(
        row.with_columns(pl.lit(v).alias(k) for k, v in changes.items()), run.window, rng
    )


def deliver_chunk(
    landing: Landing, run: Run, truth: ChunkTruth, chunk: int, purchases, rng
) -> list[Defect]:
    """Write the chunk's rows to both deliveries; chunk 0 also brings the mistakes and defects."""
    w = run.window
    person_split = corrected(
        persons(truth.persons, w, rng),
        ["person_id"],
        "education_level",
        pl.lit(None, pl.String),
        pl.col("education_level").is_not_null(),
        w,
        rng,
    )
    period_split = periods(truth.jobseeker_periods, w, rng, closing=())
    episode_split = corrected(
        periods(truth.service_periods, w, rng, closing=("end_reason",)),
        ["service_period_id"],
        "end_reason",
        pl.lit("OTHER"),
        pl.col("end_reason").is_not_null() & (pl.col("end_reason") != "OTHER"),
        w,
        rng,
    )
    line_split = corrected(
        by_date(truth.invoice_lines, "invoice_date", w, rng),
        ["invoice_id", "line_no"],
        "amount_eur",
        (pl.col("amount_eur") * 1.1).round(2),
        pl.col("line_type") == "BASE",
        w,
        rng,
    )
    response_split = by_date(truth.participation_responses, "response_date", w, rng)
    if chunk == 0:
        # Mistaken copies: a duplicated register record ("…B") and an invoice line entered twice.
        period_id = period_split.first["period_id"][0]
        episode_id = episode_split.first["service_period_id"][0]
        period_split = combined(
            period_split,
            delivered_by_mistake(period_split.first, run, rng, period_id=period_id + "B"),
        )
        episode_split = combined(
            episode_split,
            delivered_by_mistake(episode_split.first, run, rng, service_period_id=episode_id + "B"),
        )
        line = line_split.first.filter(pl.col("line_type") == "BASE").head(1)
        line_split = combined(
            line_split,
            delivered_by_mistake(line, run, rng, line_no=last_line_no(line_split.first, line) + 1),
        )
        response_split = combined(
            response_split,
            delivered_by_mistake(response_split.first, run, rng, response_id="PR-000-0000009"),
        )
    for entity, split in (
        (PERSONS, person_split),
        (JOBSEEKER_PERIODS, period_split),
        (SERVICE_PERIODS, episode_split),
        (INVOICE_LINES, line_split),
        (PARTICIPATION_RESPONSES, response_split),
    ):
        landing.write(entity, split)
    if chunk > 0:
        return []
    defects = [
        *register_defects(person_split.first, period_split.first, episode_split.first),
        *purchase_defects(
            purchases["providers"].first, purchases["contracts"].first, line_split.first
        ),
        *survey_defects(response_split.first),
    ]
    return [d for d in defects if d.row.height == 1]


def write_purchases(landing: Landing, run: Run) -> dict[str, Split]:
    rng = np.random.default_rng([run.seed, 1_000_002])
    splits = {
        "providers": provider_split(run.catalogue, run.window, rng),
        "contracts": contract_split(run.catalogue, run.window, rng),
        "contract_outcome_prices": price_split(run.catalogue, run.window, rng),
    }
    for entity in (PROVIDERS, CONTRACTS, CONTRACT_OUTCOME_PRICES):
        landing.write(entity, splits[entity.name])
    fixed = fixed_fee_lines(run)
    landing.write(INVOICE_LINES, by_date(fixed, "invoice_date", run.window, rng))
    splits["fixed_fee_lines"] = fixed
    return splits


def fixed_fee_lines(run: Run) -> pl.DataFrame:
    """The invoice lines of fixed monthly fees: they do not depend on any chunk of persons."""
    rng = np.random.default_rng([run.seed, 1_000_004])
    return fixed_monthly_lines(run.catalogue.contracts, run.window, rng)


def require_empty(out_dir: Path) -> None:
    if out_dir.exists() and any(out_dir.iterdir()):
        raise FileExistsError(f"{out_dir} is not empty: refusing to write a landing folder into it")
    out_dir.mkdir(parents=True, exist_ok=True)


def generate_landing(
    out_dir: Path,
    persons: int = 5000,
    seed: int = 20251,
    as_of: date = date(2026, 10, 31),
    years: int = 3,
    last_delivery_days: int = params.FIRST_DELIVERY_LAG_DAYS,
) -> dict:
    """Write a demo landing folder (register/, purchases/, surveys/) and its ground truth.

    The second delivery of every source holds the changes of its last `last_delivery_days`
    days (1: a nightly delivery). Same arguments give byte-identical files. Returns the files
    written with their row counts.
    """
    out_dir = Path(out_dir)
    require_empty(out_dir)
    run = prepare_run(persons, seed, as_of, years, last_delivery_days)
    landing = Landing(out_dir, run.window)
    purchases = write_purchases(landing, run)
    stats, claims, overlaps = [], dict.fromkeys(CLAIM_STATUSES, 0), 0
    truth_rows = {
        "providers": run.catalogue.providers.height,
        "contracts": run.catalogue.contracts.height,
        "contract_outcome_prices": run.catalogue.outcome_prices.height,
        "persons": 0,
        "jobseeker_periods": 0,
        "service_periods": 0,
        "invoice_lines": purchases["fixed_fee_lines"].height,
        "participation_responses": 0,
    }
    for chunk in range(run.chunks):
        size = min(params.CHUNK_PERSONS, persons - chunk * params.CHUNK_PERSONS)
        rng = streams(seed, chunk)
        truth = simulate_chunk(run, chunk, size, rng)
        for defect in deliver_chunk(landing, run, truth, chunk, purchases, rng["deliveries"]):
            landing.add_defect(defect)
        stats.append(episode_stats(truth.service_periods, run.window))
        claims = {s: claims[s] + truth.claim_counts[s] for s in CLAIM_STATUSES}
        overlaps += truth.overlaps
        truth_rows = {k: v + truth.rows.get(k, 0) for k, v in truth_rows.items()}
    files = landing.close()
    ground_truth = ground_truth_document(
        run, files, landing.defects, summed(stats), claims, overlaps, truth_rows
    )
    (out_dir / GROUND_TRUTH).write_text(
        json.dumps(ground_truth, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return {
        "out_dir": str(out_dir),
        "ground_truth": GROUND_TRUTH,
        "files": {f["file"]: f["rows"] for f in files},
    }


def ground_truth_document(
    run: Run, files, defects, stats, claims, overlaps: int, truth_rows: dict
) -> dict:
    rates = expected_rates(stats)
    ips = next(
        r
        for r in rates
        if r["service_code"] == "IPS_SUPPORTED_EMPLOYMENT" and r["target_group"] == "ALL"
    )
    w = run.window
    return {
        "generator_version": params.GENERATOR_VERSION,
        "seed": run.seed,
        "persons": run.persons,
        "years": run.years,
        "as_of": to_date(w.as_of).isoformat(),
        "window": {
            "start": to_date(w.start).isoformat(),
            "end": to_date(w.as_of).isoformat(),
            "first_delivery_state": to_date(w.first_delivery).isoformat(),
            "contract_switch": to_date(w.switch).isoformat(),
        },
        "areas": area_summary(run.geo),
        "parameters": parameter_tables(),
        "ips": {
            "service_code": "IPS_SUPPORTED_EMPLOYMENT",
            "operating_model": "IPS",
            "p_employed_open_during_service": params.OUTCOMES[
                ("IPS_SUPPORTED_EMPLOYMENT", "IPS")
            ].p_during,
            "source": "THL 2021-2022 regional trials: 49 % employed in the open labour market "
            "during coaching",
            **{k: v for k, v in ips.items() if k.startswith("employed_open")},
        },
        "expected_rates": rates,
        "operating_model_effectiveness": model_effectiveness(stats),
        "bonus_claims": {
            "designed_status_counts": claims,
            "rule": "kpis-and-marts.md outcome_payment_reconciliation, as of the as_of date; "
            "checked by the generator with an implementation of the rules",
        },
        "designed_overlaps": {
            "persons": overlaps,
            "shape": "a 7-30 day EMPLOYED_OPEN period inside the person's last UNEMPLOYED "
            "period, after every follow-up day of their episodes",
        },
        "injected_defects": defects,
        "deliveries": files,
        "row_counts": {f["file"]: f["rows"] for f in files},
        "truth_row_counts": truth_rows,
        "notes": NOTES,
    }


NOTES = [
    "expected_rate = mean over the observable episodes of the probability the simulation drew "
    "the outcome with (parameters.outcome_formulas); a correct mart lands within sampling "
    "error of it. simulated_count = the outcomes actually drawn: a correct mart reproduces "
    "n and simulated_count exactly.",
    "Target groups are decided at the episode start as kpis-and-marts.md defines them; "
    "operating_model is the effective model (an empty model on a contract episode means the "
    "contract's model).",
    "employed_open_during_service counts ongoing episodes too (job start on or before as_of); "
    "employed_open_during_service_exited only exited ones, where the rate is p_during itself.",
    "The first delivery is the state on window.first_delivery_state; the second holds changes "
    "only, except providers, which both deliver as full snapshots.",
    "Anonymous participation responses have neither person_id nor service_period_id.",
    "Invoice lines are written as .xlsx up to "
    f"{params.XLSX_MAX_ROWS} rows per file and as Parquet above that.",
]
