"""The demo-data generator: contract-shaped files, deliveries, dialects and a ground truth that
the files really reproduce."""

from __future__ import annotations

import hashlib
import io
import json
import math
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
from stdnum.fi import hetu, ytunnus

from ingest.contract import ENTITIES, Entity, Kind, entity_named
from ingest.generator import generate_landing, params
from ingest.generator.landing import (
    CHUNKED_ENTITIES,
    fixed_fee_lines,
    prepare_run,
    simulate_chunk,
    streams,
)

AS_OF = date(2026, 10, 31)
CHECKED_KINDS = {Kind.IDENTITY_CODE: hetu.is_valid, Kind.BUSINESS_ID: ytunnus.is_valid}


@pytest.fixture(scope="module")
def landing(tmp_path_factory) -> tuple[Path, dict]:
    root = tmp_path_factory.mktemp("landing")
    generate_landing(root, persons=1500, seed=11, as_of=AS_OF)
    return root, json.loads((root / "_ground_truth.json").read_text(encoding="utf-8"))


# --- reading the files back with the dialect the ground truth declares ------------------------


def entity_of(plan: dict) -> Entity:
    return entity_named(plan["source"], plan["entity"])


def read_text_columns(root: Path, plan: dict) -> pl.DataFrame:
    """A CSV file's cells as text, headers normalised (the contract allows any case)."""
    text = (root / plan["file"]).read_bytes().decode(plan["encoding"])
    frame = pl.read_csv(io.StringIO(text), separator=plan["delimiter"], infer_schema=False)
    return frame.rename({c: c.strip().lower() for c in frame.columns})


def parsed(frame: pl.DataFrame, entity: Entity, plan: dict) -> pl.DataFrame:
    """Text cells → typed columns; values that do not parse (the injected defects) → null."""
    date_format = "%Y-%m-%d" if plan["dates"] == "iso" else "%d.%m.%Y"
    time_format = "%Y-%m-%dT%H:%M:%S" if plan["timestamps"] == "iso" else "%d.%m.%Y %H:%M"
    yes, _ = plan["booleans"]
    columns = []
    for c in entity.columns:
        col = pl.col(c.name)
        if c.kind is Kind.DATE:
            col = col.str.to_date(date_format, strict=False)
        elif c.kind is Kind.TIMESTAMP:
            col = col.str.to_datetime(time_format, strict=False)
        elif c.kind is Kind.BOOL:
            col = col == yes
        elif c.kind is Kind.DECIMAL:
            col = col.str.replace_all(" ", "").str.replace(",", ".").cast(pl.Float64)
        elif c.kind is Kind.INT:
            col = col.cast(pl.Int64)
        columns.append(col.alias(c.name))
    return frame.select(columns)


def read(root: Path, plan: dict) -> pl.DataFrame:
    path = root / plan["file"]
    if plan["format"] == "parquet":
        return pl.read_parquet(path)
    if plan["format"] == "xlsx":
        return pl.read_excel(path, infer_schema_length=None)
    return parsed(read_text_columns(root, plan), entity_of(plan), plan)


def files_of(truth: dict, entity: str) -> list[dict]:
    return sorted(
        (f for f in truth["deliveries"] if f["entity"] == entity), key=lambda f: f["file"]
    )


def without_defects(frame: pl.DataFrame, plan: dict, truth: dict) -> pl.DataFrame:
    keys = [d["key"] for d in truth["injected_defects"] if d["file"] == plan["file"]]
    if not keys:
        return frame
    return frame.join(pl.DataFrame(keys), on=list(keys[0]), how="anti")


def current_state(root: Path, truth: dict, entity: str) -> pl.DataFrame:
    """The contract's upsert: the latest updated_at per key wins (ties: the later delivery);
    tombstones remove the key. Quarantined (defect) rows take no part."""
    key = list(entity_named(files_of(truth, entity)[0]["source"], entity).key)
    frames = [
        without_defects(read(root, plan), plan, truth).with_columns(
            pl.col("updated_at").cast(pl.Datetime("us")), _delivery=pl.lit(i)
        )
        for i, plan in enumerate(files_of(truth, entity))
    ]
    rows = pl.concat(frames, how="diagonal_relaxed")
    latest = rows.sort("updated_at", "_delivery").unique(key, keep="last", maintain_order=True)
    return latest.filter(~pl.col("deleted")).drop("_delivery")


def file_hashes(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


# --- the folder and its determinism -----------------------------------------------------------


def test_refuses_to_write_into_a_non_empty_folder(tmp_path):
    (tmp_path / "old.csv").write_text("x\n")
    with pytest.raises(FileExistsError, match="not empty"):
        generate_landing(tmp_path, persons=10)


def test_same_seed_gives_identical_files_and_another_seed_different_ones(tmp_path):
    runs = {}
    for name, seed in (("a", 5), ("b", 5), ("c", 6)):
        generate_landing(tmp_path / name, persons=300, seed=seed, as_of=AS_OF)
        runs[name] = file_hashes(tmp_path / name)
    assert runs["a"] == runs["b"]
    assert runs["a"].keys() == runs["c"].keys()
    differing = {f for f in runs["a"] if runs["a"][f] != runs["c"][f]}
    assert {f.split("/")[0] for f in differing} >= {"register", "purchases", "surveys"}


def test_each_source_has_two_deliveries_and_the_later_tombstones_an_earlier_key(landing):
    root, truth = landing
    for source in ("register", "purchases", "surveys"):
        deliveries = sorted(p.name for p in (root / source).iterdir())
        assert deliveries == [(AS_OF - timedelta(days=31)).isoformat(), AS_OF.isoformat()]
        tombstoned = False
        for entity in {f["entity"] for f in truth["deliveries"] if f["source"] == source}:
            first, later = (read(root, plan) for plan in files_of(truth, entity))
            key = list(entity_named(source, entity).key)
            deleted = later.filter(pl.col("deleted")).select(key)
            tombstoned |= deleted.join(first.select(key), on=key).height > 0
        assert tombstoned, source


def test_every_file_has_the_contract_columns_in_contract_order(landing):
    root, truth = landing
    for plan in truth["deliveries"]:
        frame = read_text_columns(root, plan) if plan["format"] == "csv" else read(root, plan)
        assert frame.columns == [c.name for c in entity_of(plan).columns], plan["file"]


# --- identifiers ------------------------------------------------------------------------------


def test_identity_codes_and_business_ids_are_valid_except_the_injected_defects(landing):
    root, truth = landing
    invalid = set()
    for plan in truth["deliveries"]:
        entity = entity_of(plan)
        frame = read(root, plan)
        for column in (c for c in entity.columns if c.kind in CHECKED_KINDS):
            values = frame[column.name].cast(pl.String)
            bad = values.map_elements(
                lambda v, check=CHECKED_KINDS[column.kind]: not check(v), return_dtype=pl.Boolean
            ).fill_null(False)
            for row in frame.filter(bad).select(entity.key).iter_rows():
                invalid.add((plan["file"], row))
    expected = {
        (d["file"], tuple(d["key"].values()))
        for d in truth["injected_defects"]
        if d["rule"] in ("INVALID_IDENTITY_CODE", "INVALID_BUSINESS_ID")
    }
    assert expected and invalid == expected


def test_some_identity_codes_use_the_2023_century_signs(landing):
    root, truth = landing
    persons = read(root, files_of(truth, "persons")[0])
    signs = persons["person_id"].str.slice(6, 1)
    assert signs.is_in([*"YXWVUBCDEF"]).sum() > 0
    assert signs.is_in([*"YXWVUBCDEF", "-", "A"]).all()


# --- formats and dialects ---------------------------------------------------------------------


def test_formats_and_dialects_are_what_the_ground_truth_says(landing):
    root, truth = landing
    plans = {(f["entity"], f["delivery"]): f for f in truth["deliveries"]}
    first = (AS_OF - timedelta(days=31)).isoformat()

    providers = plans[("providers", first)]
    raw = (root / providers["file"]).read_bytes()
    assert providers["encoding"] == "cp1252"
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert re.search("[äöå]", raw.decode("cp1252"))

    contracts = plans[("contracts", first)]
    assert contracts["delimiter"] == ";" and contracts["decimal_comma"]
    assert contracts["dates"] == "fi"
    cells = read_text_columns(root, contracts)
    prices = cells.filter(~pl.col("valid_from").str.contains("31.2.2025"))
    assert prices["unit_price_eur"].str.contains(r"^\d{1,3}( \d{3})*,\d{2}$").all()
    assert prices["unit_price_eur"].str.contains(" ").any()  # some are over 1 000
    assert prices["valid_from"].str.contains(r"^\d{1,2}\.\d{1,2}\.\d{4}$").all()

    persons = plans[("persons", first)]
    assert persons["encoding"] == "utf-8-sig"
    assert (root / persons["file"]).read_bytes().startswith(b"\xef\xbb\xbf")
    assert plans[("participation_responses", first)]["delimiter"] == ","

    assert plans[("jobseeker_periods", first)]["format"] == "parquet"
    invoices = plans[("invoice_lines", first)]
    assert invoices["format"] == "xlsx"
    sheet = pl.read_excel(root / invoices["file"])
    assert sheet.height == invoices["rows"] and set(sheet["line_type"]) == {
        "BASE",
        "CREDIT",
        "OUTCOME_BONUS",
    }


def test_invoice_lines_above_the_threshold_are_written_as_parquet(tmp_path, monkeypatch):
    monkeypatch.setattr(params, "XLSX_MAX_ROWS", 200)
    generate_landing(tmp_path, persons=300, seed=2, as_of=AS_OF)
    truth = json.loads((tmp_path / "_ground_truth.json").read_text(encoding="utf-8"))
    plans = files_of(truth, "invoice_lines")
    assert {p["format"] for p in plans} == {"parquet", "xlsx"}
    for plan in plans:
        assert plan["format"] == ("parquet" if plan["rows"] > 200 else "xlsx")
        assert read(tmp_path, plan).height == plan["rows"]
    assert not [p for p in tmp_path.rglob("_*") if p.name != "_ground_truth.json"]


def test_booleans_use_the_declared_variants(landing):
    root, truth = landing
    for plan in (p for p in truth["deliveries"] if p["format"] == "csv"):
        assert set(read_text_columns(root, plan)["deleted"]) <= set(plan["booleans"]), plan["file"]


def test_updated_at_grows_with_the_deliveries_and_ends_on_as_of(landing):
    """Later rows are newer, except unchanged rows a full snapshot repeats as they were."""
    root, truth = landing
    first_day = datetime.combine(AS_OF - timedelta(days=31), datetime.max.time())
    latest = []
    for entity in {f["entity"] for f in truth["deliveries"]}:
        first, later = (read(root, plan) for plan in files_of(truth, entity))
        same = [*entity_named(files_of(truth, entity)[0]["source"], entity).key, "updated_at"]
        changed = later.join(first, on=same, how="anti")
        assert first["updated_at"].max() <= first_day < changed["updated_at"].min(), entity
        latest.append(later["updated_at"].max())
    assert max(latest).date() == AS_OF


# --- the ground truth and what the files reproduce ----------------------------------------------


def test_upserting_the_deliveries_gives_exactly_the_simulated_truth(landing):
    """Both deliveries applied with the contract's rules reproduce the simulation, cell by cell."""
    root, truth = landing
    run = prepare_run(truth["persons"], truth["seed"], AS_OF, truth["years"])
    chunk = simulate_chunk(run, 0, truth["persons"], streams(truth["seed"], 0))
    simulated = {
        "providers": run.catalogue.providers,
        "contracts": run.catalogue.contracts,
        "contract_outcome_prices": run.catalogue.outcome_prices,
        "invoice_lines": pl.concat([chunk.invoice_lines, fixed_fee_lines(run)], how="diagonal"),
        **{name: getattr(chunk, name) for name in CHUNKED_ENTITIES if name != "invoice_lines"},
    }
    for entity in ENTITIES:
        columns = [c.name for c in entity.columns if c.name not in ("updated_at", "deleted")]
        state = current_state(root, truth, entity.name).select(columns).sort(entity.key)
        expected = (
            simulated[entity.name]
            .select(pl.col(c).cast(state[c].dtype) for c in columns)
            .sort(entity.key)
        )
        assert state.equals(expected), entity.name
        assert state.height == truth["truth_row_counts"][entity.name]


def test_ground_truth_lists_the_thl_ips_figure(landing):
    _, truth = landing
    ips = truth["ips"]
    assert ips["p_employed_open_during_service"] == pytest.approx(0.49)
    assert ips["employed_open_during_service_exited"]["expected_rate"] == pytest.approx(0.49)
    assert 0.3 < ips["employed_open_6m"]["expected_rate"] < ips["p_employed_open_during_service"]
    rates = {
        (r["service_code"], r["operating_model"], r["target_group"])
        for r in truth["expected_rates"]
    }
    assert ("IPS_SUPPORTED_EMPLOYMENT", "IPS", "PARTIAL_WORK_ABILITY") in rates


def test_designed_claims_and_defects_are_recorded(landing):
    _, truth = landing
    claims = truth["bonus_claims"]["designed_status_counts"]
    assert set(claims) == {
        "VERIFIED",
        "NOT_IN_REGISTER",
        "DUPLICATE_CLAIM",
        "PREMATURE",
        "AMOUNT_MISMATCH",
        "NOT_IN_CONTRACT",
        "NO_EPISODE",
    }
    assert max(claims, key=claims.get) == "VERIFIED"
    rules = {d["rule"] for d in truth["injected_defects"]}
    assert rules == {
        "INVALID_IDENTITY_CODE",
        "INVALID_DATE",
        "END_BEFORE_START",
        "UNKNOWN_MUNICIPALITY",
        "OUT_OF_RANGE",
        "INVALID_BUSINESS_ID",
    }
    assert all(
        d["file"].split("/")[1] == truth["window"]["first_delivery_state"]
        for d in truth["injected_defects"]
    )


def binomial_interval(n: int, p: float, mass: float = 0.99) -> tuple[int, int]:
    """The central `mass` range of Binomial(n, p) counts."""
    pmf = [math.comb(n, k) * p**k * (1 - p) ** (n - k) for k in range(n + 1)]
    tail, low, high, below, above = (1 - mass) / 2, 0, n, 0.0, 0.0
    while below + pmf[low] <= tail:
        below += pmf[low]
        low += 1
    while above + pmf[high] <= tail:
        above += pmf[high]
        high -= 1
    return low, high


def test_raw_files_reproduce_the_ips_during_service_rate(landing):
    """Share of exited IPS episodes with an overlapping EMPLOYED_OPEN period: exactly the
    simulated count, and within the 99 % binomial range of the declared parameter."""
    root, truth = landing
    episodes = current_state(root, truth, "service_periods").filter(
        (pl.col("service_code") == "IPS_SUPPORTED_EMPLOYMENT") & pl.col("end_date").is_not_null()
    )
    jobs = current_state(root, truth, "jobseeker_periods").filter(
        pl.col("status") == "EMPLOYED_OPEN"
    )
    employed = (
        episodes.join(jobs, on="person_id", suffix="_job")
        .filter(
            (pl.col("start_date_job") <= pl.col("end_date"))
            & (pl.col("end_date_job").is_null() | (pl.col("end_date_job") >= pl.col("start_date")))
        )["service_period_id"]
        .n_unique()
    )
    declared = truth["ips"]["employed_open_during_service_exited"]
    assert episodes.height == declared["n"] > 30
    assert employed == declared["simulated_count"]
    low, high = binomial_interval(episodes.height, truth["ips"]["p_employed_open_during_service"])
    assert low <= employed <= high


def status_on(periods: pl.DataFrame, queries: pl.DataFrame, day: str) -> pl.Series:
    """The contract's overlap rule: of the periods covering the day, the latest start wins."""
    covering = (
        queries.with_row_index("_q")
        .join(periods, on="person_id")
        .filter(
            (pl.col("start_date") <= pl.col(day))
            & (pl.col("end_date").is_null() | (pl.col("end_date") >= pl.col(day)))
        )
        .sort("start_date", "updated_at", "period_id")
        .group_by("_q")
        .agg(pl.col("status").last())
    )
    found = queries.with_row_index("_q").join(covering, on="_q", how="left").sort("_q")
    return found["status"].fill_null("UNKNOWN")


def test_raw_files_reproduce_the_six_month_outcomes_exactly(landing):
    root, truth = landing
    as_of = pl.lit(AS_OF)
    exits = current_state(root, truth, "service_periods").filter(
        pl.col("end_date").is_not_null() & (pl.col("end_date") + pl.duration(days=182) <= as_of)
    )
    periods = current_state(root, truth, "jobseeker_periods").select(
        "person_id", "period_id", "status", "start_date", "end_date", "updated_at"
    )
    check = exits.select("person_id", day=pl.col("end_date") + pl.duration(days=182))
    employed = int((status_on(periods, check, "day") == "EMPLOYED_OPEN").sum())
    all_groups = [r for r in truth["expected_rates"] if r["target_group"] == "ALL"]
    assert exits.height == sum(r["employed_open_6m"]["n"] for r in all_groups)
    assert employed == sum(r["employed_open_6m"]["simulated_count"] for r in all_groups)
