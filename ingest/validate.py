"""Applies an entity's contract to a raw frame: typed rows to load, broken rows to quarantine.

Every raw row ends in exactly one of the two outputs. A tombstone (`deleted` = true) only needs
its key and `updated_at`; the rest of a tombstone row is not checked and not loaded.

Rules beyond the per-column ones:
- WRONG_FIELD_COUNT: a CSV row with fewer or more fields than the header (a truncated last
  line); its values are not where the header says, so none of them is trusted.
- IDENTITY_CODE_IN_TEXT: a valid identity code in a free-text column (an id, a name) would
  reach the lake unhashed; the row is quarantined and the value never shown.
- DUPLICATE_KEY_IN_FILE: one file holding the same key with the same `updated_at` twice. If the
  rows are identical the first loads and the repeats are quarantined; if they differ no one can
  tell which is right, so all of them are quarantined. The same key with different
  `updated_at` values is two versions: both load and the latest wins downstream.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import polars as pl

from ingest.contract import Column, Entity, Kind
from ingest.parse import (
    INVALID_RULE,
    cleaned,
    holds_identity_code,
    keeps_type,
    needs_cleaning,
    on_unique,
    output_dtype,
    parse_column,
)
from ingest.pseudonymise import (
    UPSTREAM_PREFIX,
    PseudonymKey,
    birth_year,
    mask_codes_in_text,
    mask_identity_code,
    pseudonyms,
)
from ingest.readers import INTERNAL_COLUMNS, ROW_NO, ROW_PROBLEM, RejectedFile

# Kinds whose "shape" is too loose to call a whole column unreadable.
_FREE_KINDS = {Kind.TEXT, Kind.LANGUAGE}
_SHOWN_VALUE_CHARS = 40
_SHOWN_DUPLICATES = 5  # row numbers named in a duplicate's violation
PERSON_REF = "_person_ref"
_DUPLICATE = "_duplicate"
_TEXT = "_text"
# Kinds parsed as cheaply as a distinct value is joined back (identity codes are checked once
# per distinct code where they are hashed).
_AS_WRITTEN = {Kind.TEXT, Kind.IDENTITY_CODE}
_SAMPLED_ROWS = 10_000
WRONG_FIELD_COUNT = "WRONG_FIELD_COUNT"
IDENTITY_CODE_IN_TEXT = "IDENTITY_CODE_IN_TEXT"
DUPLICATE_KEY_IN_FILE = "DUPLICATE_KEY_IN_FILE"

# A rule a row can break: whether it breaks it, and the violation text (only built for rows
# that break some rule, which in a national delivery are a handful among millions).
Check = tuple[pl.Expr, pl.Expr]

_ROW_RULES: dict[str, Callable[[], pl.Expr]] = {
    "END_BEFORE_START": lambda: pl.col("end_date") < pl.col("start_date"),
    "VALID_TO_BEFORE_VALID_FROM": lambda: pl.col("valid_to") < pl.col("valid_from"),
    "PERIOD_END_BEFORE_START": lambda: pl.col("period_end") < pl.col("period_start"),
    "INCOMPLETE_OUTCOME_BONUS": lambda: (
        (pl.col("line_type") == "OUTCOME_BONUS")
        & (
            pl.col("person_id").is_null()
            | pl.col("outcome_type").is_null()
            | pl.col("outcome_date").is_null()
        )
    ),
    "CREDIT_NOT_NEGATIVE": lambda: (pl.col("line_type") == "CREDIT") & (pl.col("amount_eur") >= 0),
}

QUARANTINE_SCHEMA = {
    ROW_NO: pl.Int64(),
    "rule": pl.String(),
    "violations": pl.String(),
    "record_key": pl.String(),
    "person_ref": pl.String(),
}


@dataclass
class Validated:
    loaded: pl.DataFrame  # output columns of the entity, typed and pseudonymised, plus _row_no
    quarantined: pl.DataFrame  # QUARANTINE_SCHEMA
    unknown_columns: list[str]  # delivered but not in the contract: ignored (masked names)
    styles: dict[str, str | None] = field(default_factory=dict)  # date and decimal notation


def validate(raw: pl.DataFrame, entity: Entity, file: str, key: PseudonymKey) -> Validated:
    _require_columns(raw, entity, file)
    typed = _typed(_contract_columns(raw, entity), entity)
    _reject_unreadable_columns(typed, entity, file)
    typed = _pseudonymised(typed, entity, key)
    checks = _checks(entity)
    breaks_a_rule = typed.select(_breaks_a_rule(checks)).to_series()
    duplicates = _duplicates(typed, ~breaks_a_rule, entity)
    quarantine = breaks_a_rule | typed[ROW_NO].is_in(duplicates[ROW_NO].implode())
    known = {c.name for c in entity.columns} | set(INTERNAL_COLUMNS)
    return Validated(
        loaded=_loaded(typed, ~quarantine, entity),
        quarantined=_quarantined(typed.filter(quarantine), duplicates, checks, entity),
        unknown_columns=sorted(mask_codes_in_text(c) for c in set(raw.columns) - known),
        styles=_styles(typed, entity),
    )


def _raw(name: str | Column) -> str:
    return f"_raw_{name.name if isinstance(name, Column) else name}"


def _shape(name: str) -> str:
    return f"_shape_{name}"


def _require_columns(raw: pl.DataFrame, entity: Entity, file: str) -> None:
    for name in entity.required_columns:
        if name not in raw.columns:
            raise RejectedFile(file, "required column is missing", column=name)


def _contract_columns(raw: pl.DataFrame, entity: Entity) -> pl.DataFrame:
    """The entity's columns, an absent one empty, each as text or, where the file gives it in
    the contract's own type already (Parquet), as delivered."""

    def delivered(c: Column) -> pl.Expr:
        if c.name not in raw.columns:
            return pl.lit(None, pl.String).alias(c.name)
        if raw.schema[c.name] == pl.String() or keeps_type(c, raw[c.name]):
            return pl.col(c.name)
        return pl.col(c.name).cast(pl.String)

    problem = pl.col(ROW_PROBLEM) if ROW_PROBLEM in raw.columns else pl.lit(None, pl.String)
    return raw.select(ROW_NO, problem.alias(ROW_PROBLEM), *(delivered(c) for c in entity.columns))


def _typed(frame: pl.DataFrame, entity: Entity) -> pl.DataFrame:
    """Per column: the raw value (text trimmed, empty as null), the parsed value (null where
    empty or invalid) and whether the raw value has the shape of its kind."""
    columns = [_parsed(frame, c) for c in entity.columns]
    return pl.concat([frame.select(ROW_NO, ROW_PROBLEM), *columns], how="horizontal")


def _parsed(frame: pl.DataFrame, c: Column) -> pl.DataFrame:
    """The `_typed` columns of one contract column."""
    text = pl.col(c.name)
    if frame.schema[c.name] != pl.String():  # delivered in its own type: see `keeps_type`
        return frame.select(text.alias(_raw(c)), text, text.is_not_null().alias(_shape(c.name)))
    if c.kind in _AS_WRITTEN or not _repeats(frame[c.name]):
        raw = cleaned(c.name) if frame.select(needs_cleaning(c.name)).item() else text
        return frame.select(raw.alias(_raw(c))).with_columns(_parse(c))
    # A code or a date: each distinct value is parsed once and joined back to its rows.
    distinct = frame.select(text.unique().alias(_TEXT))
    parsed = distinct.with_columns(cleaned(_TEXT).alias(_raw(c))).with_columns(_parse(c))
    rows = frame.select(text.alias(_TEXT))
    joined = rows.join(parsed, on=_TEXT, how="left", maintain_order="left", nulls_equal=True)
    return joined.drop(_TEXT)


def _repeats(values: pl.Series) -> bool:
    """Whether the values repeat enough for parsing each distinct one once to pay, judged from
    the first rows. Only a matter of speed: both ways give the same result."""
    head = values.head(_SAMPLED_ROWS)
    return head.n_unique() * 2 <= head.len()


def _parse(c: Column) -> tuple[pl.Expr, pl.Expr]:
    parsed = parse_column(c, pl.col(_raw(c)))
    return parsed.value.cast(output_dtype(c)).alias(c.name), parsed.has_shape.alias(_shape(c.name))


def _reject_unreadable_columns(typed: pl.DataFrame, entity: Entity, file: str) -> None:
    checks = [c for c in entity.columns if c.kind not in _FREE_KINDS]
    always_checked = {*entity.key, "updated_at", "deleted"}
    readable = pl.col(ROW_PROBLEM).is_null()  # a ragged row's values are not where they belong
    live = ~pl.col("deleted").fill_null(False)

    def counted(c: Column, expr: pl.Expr) -> pl.Expr:  # a tombstone's other values are ignored
        return expr.filter(readable if c.name in always_checked else readable & live)

    counts = typed.select(
        *(counted(c, pl.col(_raw(c))).count().alias(_raw(c)) for c in checks),
        *(
            counted(c, pl.col(_shape(c.name)).fill_null(False)).sum().alias(_shape(c.name))
            for c in checks
        ),
    ).row(0, named=True)
    for c in checks:
        if counts[_raw(c)] > 0 and counts[_shape(c.name)] == 0:
            raise RejectedFile(
                file,
                f"no value can be read as {c.kind.value} "
                f"({counts[_raw(c)]} non-empty values, none of that form)",
                column=c.name,
            )


def _identity_column(entity: Entity) -> Column | None:
    return next((c for c in entity.columns if c.kind is Kind.IDENTITY_CODE), None)


def _pseudonymised(typed: pl.DataFrame, entity: Entity, key: PseudonymKey) -> pl.DataFrame:
    """Checks the identity codes and adds each row's person reference: the pseudonym where the
    code is valid, the masked code where it is not (its value becomes null: invalid)."""
    column = _identity_column(entity)
    if column is None:
        return typed.with_columns(pl.lit(None, pl.String).alias(PERSON_REF))
    refs = pseudonyms(key, typed[column.name])
    valid, raw = refs.is_not_null(), typed[_raw(column)]
    if (~valid & raw.is_not_null()).any():
        invalid = pl.select(pl.when(~valid).then(raw)).to_series()
        refs = refs.fill_null(on_unique(invalid, mask_identity_code, pl.String()))
    return typed.with_columns(
        pl.when(valid).then(pl.col(column.name)).alias(column.name), refs.alias(PERSON_REF)
    )


def _checks(entity: Entity) -> list[Check]:
    """Every rule of the entity's contract, in the order a row's violations are listed."""
    tombstone = pl.col("deleted").fill_null(False)
    always_checked = {*entity.key, "updated_at", "deleted"}
    found: list[Check] = [
        (
            pl.col(ROW_PROBLEM).is_not_null(),
            pl.format(f"{WRONG_FIELD_COUNT} ({{}})", pl.col(ROW_PROBLEM)),
        )
    ]
    for c in entity.columns:
        raw, value = pl.col(_raw(c)), pl.col(c.name)
        applies = pl.lit(True) if c.name in always_checked else ~tombstone
        if c.required:
            found.append((applies & raw.is_null(), pl.lit(f"{c.name}: MISSING_REQUIRED_VALUE")))
        found.append((applies & raw.is_not_null() & value.is_null(), _invalid(c)))
        if c.min_value is not None or c.max_value is not None:
            low = value < c.min_value if c.min_value is not None else pl.lit(False)
            high = value > c.max_value if c.max_value is not None else pl.lit(False)
            found.append((applies & (low | high), _described(c, "OUT_OF_RANGE")))
        if _is_free_text(c):
            found.append(
                (applies & holds_identity_code(raw), pl.lit(f"{c.name}: {IDENTITY_CODE_IN_TEXT}"))
            )
    for rule in entity.row_rules:
        found.append((~tombstone & _ROW_RULES[rule.name]().fill_null(False), pl.lit(rule.name)))
    return found


def _breaks_a_rule(checks: list[Check]) -> pl.Expr:
    return pl.any_horizontal(broken for broken, _ in checks).fill_null(False)


def _violations(checks: list[Check]) -> pl.Expr:
    """A list of `column: RULE (value)` strings per row; empty when the row breaks no rule."""
    return pl.concat_list(pl.when(broken).then(text) for broken, text in checks).list.drop_nulls()


def _is_free_text(c: Column) -> bool:
    return c.kind is Kind.TEXT or (c.kind is Kind.CODE and c.code_set is None)


def _invalid(c: Column) -> pl.Expr:
    if c.kind is Kind.IDENTITY_CODE:  # never show an identity code, not even an invalid one
        return pl.lit(f"{c.name}: {INVALID_RULE[c.kind]}")
    return _described(c, INVALID_RULE[c.kind])


def _described(c: Column, rule: str) -> pl.Expr:
    shown = pl.col(_raw(c)).cast(pl.String).str.slice(0, _SHOWN_VALUE_CHARS)
    return pl.format(f"{c.name}: {rule} ('{{}}')", shown)


def _duplicates(typed: pl.DataFrame, loadable: pl.Series, entity: Entity) -> pl.DataFrame:
    """DUPLICATE_KEY_IN_FILE findings (`_row_no`, `_duplicate`) for rows that would load but
    share key and updated_at with another such row."""
    version = [*entity.key, "updated_at"]
    none = pl.DataFrame(schema={ROW_NO: pl.Int64(), _DUPLICATE: pl.String()})
    # A cheap first pass over row hashes finds the candidates, usually none: equal versions
    # hash alike, and a rare collision only adds a candidate the exact grouping below drops.
    hashes = typed.select(version).hash_rows()
    if hashes.filter(loadable).n_unique() == loadable.sum():
        return none
    candidates = typed.filter(hashes.is_duplicated() & loadable)
    content = [_discarded_on_tombstones(c, entity) for c in entity.columns]
    groups = (
        candidates.select(ROW_NO, *version, pl.struct(content).alias("_content"))
        .group_by(version)
        .agg(
            pl.col(ROW_NO).sort().alias("_rows"),
            pl.col("_content").n_unique().alias("_variants"),
        )
        .filter(pl.col("_rows").list.len() > 1)
    )
    if groups.is_empty():
        return none
    rows = pl.col("_rows")
    first = rows.list.first()
    shown = rows.list.head(_SHOWN_DUPLICATES).cast(pl.List(pl.String)).list.join(", ")
    more = rows.list.len().cast(pl.Int64) - _SHOWN_DUPLICATES
    listed = pl.when(more > 0).then(pl.format("{} and {} more", shown, more)).otherwise(shown)
    return (
        groups.with_columns(rows.alias(ROW_NO))
        .explode(ROW_NO)
        .select(
            ROW_NO,
            pl.when(pl.col("_variants") > 1)
            .then(
                pl.format(
                    f"{DUPLICATE_KEY_IN_FILE} (rows {{}} share key and updated_at with different "
                    "values)",
                    listed,
                )
            )
            .when(pl.col(ROW_NO) != first)
            .then(pl.format(f"{DUPLICATE_KEY_IN_FILE} (repeats row {{}})", first))
            .alias(_DUPLICATE),
        )
        .drop_nulls(_DUPLICATE)  # the first of identical rows loads
    )


def _discarded_on_tombstones(c: Column, entity: Entity) -> pl.Expr:
    """A tombstone carries only its key and lifecycle; any other value it holds is dropped."""
    if c.name in entity.key or c.name in ("updated_at", "deleted"):
        return pl.col(c.name)
    return pl.when(~pl.col("deleted").fill_null(False)).then(pl.col(c.name)).alias(c.name)


def _loaded(typed: pl.DataFrame, loads: pl.Series, entity: Entity) -> pl.DataFrame:
    # Only the columns that are written: filtering copies, and the raw text is not needed.
    frame = typed.select(ROW_NO, PERSON_REF, *(c.name for c in entity.columns))
    if not loads.all():
        frame = frame.filter(loads)
    frame = frame.with_columns(pl.col("deleted").fill_null(False))
    identity = _identity_column(entity)
    if identity is not None:
        if entity.name == "persons":
            frame = frame.with_columns(_birth_year_from_code(identity))
        frame = frame.with_columns(pl.col(PERSON_REF).alias(identity.name))
    if frame["deleted"].any():
        frame = frame.with_columns(_discarded_on_tombstones(c, entity) for c in entity.columns)
    return frame.select(
        *(pl.col(c.name).alias(c.output_name) for c in entity.columns),
        ROW_NO,
    )


def _birth_year_from_code(identity: Column) -> pl.Expr:
    """A missing birth year is read from the identity code, before it is hashed: only for the
    rows that miss it, once per distinct code."""
    codes = pl.when(pl.col("birth_year").is_null()).then(pl.col(identity.name))
    derived = codes.map_batches(_birth_years, return_dtype=pl.Int64)
    return pl.col("birth_year").fill_null(derived)


def _birth_years(codes: pl.Series) -> pl.Series:
    return on_unique(codes, _birth_year_or_none, pl.Int64())


def _birth_year_or_none(code: str) -> int | None:
    return None if code.startswith(UPSTREAM_PREFIX) else birth_year(code)


def _quarantined(
    rows: pl.DataFrame, duplicates: pl.DataFrame, checks: list[Check], entity: Entity
) -> pl.DataFrame:
    """The rows that break a rule or repeat a key, each with its violations listed."""
    violations = pl.concat_list(_violations(checks), pl.col(_DUPLICATE)).list.drop_nulls()
    return (
        rows.join(duplicates, on=ROW_NO, how="left", maintain_order="left")
        .with_columns(violations.alias("_violations"))
        .select(
            ROW_NO,
            pl.col("_violations").list.first().str.extract(r"^(?:\w+: )?([A-Z_]+)").alias("rule"),
            pl.col("_violations")
            .list.join("; ")
            .map_elements(mask_codes_in_text, return_dtype=pl.String)
            .alias("violations"),
            _record_key(entity)
            .map_elements(mask_codes_in_text, return_dtype=pl.String)
            .alias("record_key"),
            pl.col(PERSON_REF).alias("person_ref"),
        )
    )


def _record_key(entity: Entity) -> pl.Expr:
    parts = [
        pl.col(PERSON_REF) if entity.column(k).kind is Kind.IDENTITY_CODE else pl.col(_raw(k))
        for k in entity.key
    ]
    return pl.concat_str([p.cast(pl.String).fill_null("") for p in parts], separator="|")


_DATE_STYLES = {"YYYY-MM-DD": r"^\d{4}-\d{1,2}-\d{1,2}", "D.M.YYYY": r"^\d{1,2}\.\d{1,2}\.\d{4}"}
_DECIMAL_STYLES = {"comma": r",\d*$", "point": r"\.\d*$"}


def _styles(typed: pl.DataFrame, entity: Entity) -> dict[str, str | None]:
    """How the file writes dates and decimals, for the load log: one style, `mixed` or None."""
    dates = [_raw(c) for c in entity.columns if c.kind in (Kind.DATE, Kind.TIMESTAMP)]
    decimals = [_raw(c) for c in entity.columns if c.kind is Kind.DECIMAL]
    return {
        "date_style": _style(typed, dates, _DATE_STYLES),
        "decimal_style": _style(typed, decimals, _DECIMAL_STYLES),
    }


def _style(typed: pl.DataFrame, columns: list[str], styles: dict[str, str]) -> str | None:
    if not columns or typed.is_empty():
        return None
    seen = typed.select(
        pl.any_horizontal(_written(typed, c).str.contains(pattern).any() for c in columns).alias(
            name
        )
        for name, pattern in styles.items()
    ).row(0, named=True)
    used = [name for name, present in seen.items() if present]
    return used[0] if len(used) == 1 else ("mixed" if used else None)


def _written(typed: pl.DataFrame, column: str) -> pl.Expr:
    """The column's values as the file writes them. A column delivered typed (a Parquet date or
    decimal) is written by polars, every value alike (`2025-01-31`, `12.50`): its first value
    matches a style exactly when all of them do."""
    if typed.schema[column] == pl.String():
        return pl.col(column)
    return pl.col(column).drop_nulls().head(1).cast(pl.String)
