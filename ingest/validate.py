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
    pseudonym,
)
from ingest.readers import INTERNAL_COLUMNS, ROW_NO, ROW_PROBLEM, RejectedFile

# Kinds whose "shape" is too loose to call a whole column unreadable.
_FREE_KINDS = {Kind.TEXT, Kind.LANGUAGE}
_SHOWN_VALUE_CHARS = 40
_SHOWN_DUPLICATES = 5  # row numbers named in a duplicate's violation
PERSON_REF = "_person_ref"
_VIOLATIONS = "_violations"
WRONG_FIELD_COUNT = "WRONG_FIELD_COUNT"
IDENTITY_CODE_IN_TEXT = "IDENTITY_CODE_IN_TEXT"
DUPLICATE_KEY_IN_FILE = "DUPLICATE_KEY_IN_FILE"

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
    frame = raw.with_columns(
        pl.lit(None, pl.String).alias(c.name) for c in entity.columns if c.name not in raw.columns
    )
    if ROW_PROBLEM not in frame.columns:
        frame = frame.with_columns(pl.lit(None, pl.String).alias(ROW_PROBLEM))
    parsed = {c.name: parse_column(c) for c in entity.columns}
    typed = frame.select(
        ROW_NO,
        ROW_PROBLEM,
        *(cleaned(c.name).alias(_raw(c)) for c in entity.columns),
        *(p.value.cast(output_dtype(entity.column(n))).alias(n) for n, p in parsed.items()),
        *(p.has_shape.alias(_shape(n)) for n, p in parsed.items()),
    )
    _reject_unreadable_columns(typed.filter(pl.col(ROW_PROBLEM).is_null()), entity, file)
    checked = typed.with_columns(
        _violations(entity).alias(_VIOLATIONS),
        _person_refs(typed, entity, key).alias(PERSON_REF),
    )
    checked = _with_duplicates(checked, entity)
    is_ok = pl.col(_VIOLATIONS).list.len() == 0
    known = {c.name for c in entity.columns} | set(INTERNAL_COLUMNS)
    return Validated(
        loaded=_loaded(checked.filter(is_ok), entity),
        quarantined=_quarantined(checked.filter(~is_ok), entity),
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


def _reject_unreadable_columns(typed: pl.DataFrame, entity: Entity, file: str) -> None:
    checks = [c for c in entity.columns if c.kind not in _FREE_KINDS]
    always_checked = {*entity.key, "updated_at", "deleted"}
    live = ~pl.col("deleted").fill_null(False)

    def counted(c: Column, expr: pl.Expr) -> pl.Expr:  # a tombstone's other values are ignored
        return expr if c.name in always_checked else expr.filter(live)

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


def _violations(entity: Entity) -> pl.Expr:
    """A list of `column: RULE (value)` strings per row; empty when the row is loadable."""
    tombstone = pl.col("deleted").fill_null(False)
    always_checked = {*entity.key, "updated_at", "deleted"}
    found: list[pl.Expr] = [
        _flag(
            pl.col(ROW_PROBLEM).is_not_null(),
            pl.format(f"{WRONG_FIELD_COUNT} ({{}})", pl.col(ROW_PROBLEM)),
        )
    ]
    for c in entity.columns:
        raw, value = pl.col(_raw(c)), pl.col(c.name)
        applies = pl.lit(True) if c.name in always_checked else ~tombstone
        if c.required:
            found.append(_flag(applies & raw.is_null(), f"{c.name}: MISSING_REQUIRED_VALUE"))
        found.append(_flag(applies & raw.is_not_null() & value.is_null(), _invalid(c)))
        if c.min_value is not None or c.max_value is not None:
            low = value < c.min_value if c.min_value is not None else pl.lit(False)
            high = value > c.max_value if c.max_value is not None else pl.lit(False)
            found.append(_flag(applies & (low | high), _described(c, "OUT_OF_RANGE")))
        if _is_free_text(c):
            found.append(
                _flag(applies & holds_identity_code(raw), f"{c.name}: {IDENTITY_CODE_IN_TEXT}")
            )
    for rule in entity.row_rules:
        found.append(_flag(~tombstone & _ROW_RULES[rule.name]().fill_null(False), rule.name))
    return pl.concat_list(found).list.drop_nulls()


def _is_free_text(c: Column) -> bool:
    return c.kind is Kind.TEXT or (c.kind is Kind.CODE and c.code_set is None)


def _flag(condition: pl.Expr, text: str | pl.Expr) -> pl.Expr:
    return pl.when(condition).then(text if isinstance(text, pl.Expr) else pl.lit(text))


def _invalid(c: Column) -> pl.Expr:
    if c.kind is Kind.IDENTITY_CODE:  # never show an identity code, not even an invalid one
        return pl.lit(f"{c.name}: {INVALID_RULE[c.kind]}")
    return _described(c, INVALID_RULE[c.kind])


def _described(c: Column, rule: str) -> pl.Expr:
    shown = pl.col(_raw(c)).cast(pl.String).str.slice(0, _SHOWN_VALUE_CHARS)
    return pl.format(f"{c.name}: {rule} ('{{}}')", shown)


def _with_duplicates(checked: pl.DataFrame, entity: Entity) -> pl.DataFrame:
    """Adds DUPLICATE_KEY_IN_FILE to rows that would load but share key and updated_at."""
    version = [*entity.key, "updated_at"]
    content = [_discarded_on_tombstones(c, entity) for c in entity.columns]
    loadable = pl.col(_VIOLATIONS).list.len() == 0
    repeated = pl.struct(version).is_duplicated()  # cheap first pass: usually no row at all
    candidates = checked.filter(loadable).filter(repeated)
    if candidates.is_empty():
        return checked
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
        return checked
    rows = pl.col("_rows")
    first = rows.list.first()
    shown = rows.list.head(_SHOWN_DUPLICATES).cast(pl.List(pl.String)).list.join(", ")
    more = rows.list.len().cast(pl.Int64) - _SHOWN_DUPLICATES
    listed = pl.when(more > 0).then(pl.format("{} and {} more", shown, more)).otherwise(shown)
    finding = (
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
            .alias("_duplicate"),
        )
    )
    return (
        checked.join(finding, on=ROW_NO, how="left", maintain_order="left")
        .with_columns(
            pl.concat_list(_VIOLATIONS, pl.col("_duplicate")).list.drop_nulls().alias(_VIOLATIONS)
        )
        .drop("_duplicate")
    )


def _discarded_on_tombstones(c: Column, entity: Entity) -> pl.Expr:
    """A tombstone carries only its key and lifecycle; any other value it holds is dropped."""
    if c.name in entity.key or c.name in ("updated_at", "deleted"):
        return pl.col(c.name)
    return pl.when(~pl.col("deleted").fill_null(False)).then(pl.col(c.name)).alias(c.name)


def _identity_column(entity: Entity) -> Column | None:
    return next((c for c in entity.columns if c.kind is Kind.IDENTITY_CODE), None)


def _person_refs(typed: pl.DataFrame, entity: Entity, key: PseudonymKey) -> pl.Series:
    """Per row: the pseudonym where the code is valid, a masked code where it is not."""
    column = _identity_column(entity)
    if column is None:
        return pl.Series(PERSON_REF, [None] * typed.height, dtype=pl.String)
    codes = typed[column.name]
    distinct = codes.drop_nulls().unique()
    keys = dict(zip(distinct, (pseudonym(key, c) for c in distinct), strict=True))
    hashed = codes.replace_strict(keys, default=None, return_dtype=pl.String)
    invalid = pl.select(pl.when(hashed.is_null()).then(typed[_raw(column)])).to_series()
    return hashed.fill_null(on_unique(invalid, mask_identity_code, pl.String()))


def _loaded(checked: pl.DataFrame, entity: Entity) -> pl.DataFrame:
    frame = checked.with_columns(pl.col("deleted").fill_null(False))
    identity = _identity_column(entity)
    if identity is not None:
        if entity.name == "persons":
            derived = pl.col(identity.name).map_elements(_birth_year_or_none, return_dtype=pl.Int64)
            frame = frame.with_columns(pl.col("birth_year").fill_null(derived))
        frame = frame.with_columns(pl.col(PERSON_REF).alias(identity.name))
    frame = frame.with_columns(_discarded_on_tombstones(c, entity) for c in entity.columns)
    return frame.select(
        *(pl.col(c.name).alias(c.output_name) for c in entity.columns),
        ROW_NO,
    )


def _birth_year_or_none(code: str) -> int | None:
    return None if code.startswith(UPSTREAM_PREFIX) else birth_year(code)


def _quarantined(checked: pl.DataFrame, entity: Entity) -> pl.DataFrame:
    return checked.select(
        ROW_NO,
        pl.col(_VIOLATIONS).list.first().str.extract(r"^(?:\w+: )?([A-Z_]+)").alias("rule"),
        pl.col(_VIOLATIONS)
        .list.join("; ")
        .map_elements(mask_codes_in_text, return_dtype=pl.String)
        .alias("violations"),
        _record_key(entity)
        .map_elements(mask_codes_in_text, return_dtype=pl.String)
        .alias("record_key"),
        pl.col(PERSON_REF).alias("person_ref"),
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
        pl.any_horizontal(pl.col(c).str.contains(pattern).any() for c in columns).alias(name)
        for name, pattern in styles.items()
    ).row(0, named=True)
    used = [name for name, present in seen.items() if present]
    return used[0] if len(used) == 1 else ("mixed" if used else None)
