"""Applies an entity's contract to a raw frame: typed rows to load, broken rows to quarantine.

Every raw row ends in exactly one of the two outputs. A tombstone (`deleted` = true) only needs
its key and `updated_at`; the rest of a tombstone row is not checked, because it is discarded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from ingest.contract import Column, Entity, Kind
from ingest.parse import INVALID_RULE, cleaned, output_dtype, parse_column
from ingest.pseudonymise import (
    PseudonymKey,
    birth_year,
    mask_codes_in_text,
    mask_identity_code,
    pseudonym,
)
from ingest.readers import ROW_NO, RejectedFile

# Kinds whose "shape" is too loose to call a whole column unreadable.
_FREE_KINDS = {Kind.TEXT, Kind.LANGUAGE}
_SHOWN_VALUE_CHARS = 40
PERSON_REF = "_person_ref"

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
    unknown_columns: list[str]


def validate(raw: pl.DataFrame, entity: Entity, file: str, key: PseudonymKey) -> Validated:
    _require_columns(raw, entity, file)
    frame = raw.with_columns(
        pl.lit(None, pl.String).alias(c.name) for c in entity.columns if c.name not in raw.columns
    )
    parsed = {c.name: parse_column(c) for c in entity.columns}
    typed = frame.select(
        ROW_NO,
        *(cleaned(c.name).alias(_raw(c)) for c in entity.columns),
        *(p.value.cast(output_dtype(entity.column(n))).alias(n) for n, p in parsed.items()),
        *(p.has_shape.alias(_shape(n)) for n, p in parsed.items()),
    )
    _reject_unreadable_columns(typed, entity, file)
    checked = typed.with_columns(
        _violations(entity).alias("_violations"),
        _person_refs(typed, entity, key).alias(PERSON_REF),
    )
    is_ok = pl.col("_violations").list.len() == 0
    return Validated(
        loaded=_loaded(checked.filter(is_ok), entity),
        quarantined=_quarantined(checked.filter(~is_ok), entity),
        unknown_columns=sorted(set(raw.columns) - {c.name for c in entity.columns} - {ROW_NO}),
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
    counts = typed.select(
        *(pl.col(_raw(c)).count().alias(_raw(c)) for c in checks),
        *(pl.col(_shape(c.name)).fill_null(False).sum().alias(_shape(c.name)) for c in checks),
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
    found: list[pl.Expr] = []
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
    for rule in entity.row_rules:
        found.append(_flag(~tombstone & _ROW_RULES[rule.name]().fill_null(False), rule.name))
    return pl.concat_list(found).list.drop_nulls()


def _flag(condition: pl.Expr, text: str | pl.Expr) -> pl.Expr:
    return pl.when(condition).then(text if isinstance(text, pl.Expr) else pl.lit(text))


def _invalid(c: Column) -> pl.Expr:
    if c.kind is Kind.IDENTITY_CODE:  # never show an identity code, not even an invalid one
        return pl.lit(f"{c.name}: {INVALID_RULE[c.kind]}")
    return _described(c, INVALID_RULE[c.kind])


def _described(c: Column, rule: str) -> pl.Expr:
    shown = pl.col(_raw(c)).cast(pl.String).str.slice(0, _SHOWN_VALUE_CHARS)
    return pl.format(f"{c.name}: {rule} ('{{}}')", shown)


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
    masked = typed[_raw(column)].map_elements(mask_identity_code, return_dtype=pl.String)
    return hashed.fill_null(masked)


def _loaded(checked: pl.DataFrame, entity: Entity) -> pl.DataFrame:
    frame = checked.with_columns(pl.col("deleted").fill_null(False))
    identity = _identity_column(entity)
    if identity is not None:
        if entity.name == "persons":
            derived = pl.col(identity.name).map_elements(_birth_year_or_none, return_dtype=pl.Int64)
            frame = frame.with_columns(pl.col("birth_year").fill_null(derived))
        frame = frame.with_columns(pl.col(PERSON_REF).alias(identity.output_name))
    return frame.select(*(c.output_name for c in entity.columns), ROW_NO)


def _birth_year_or_none(code: str) -> int | None:
    return None if code.startswith("pseudo:") else birth_year(code)


def _quarantined(checked: pl.DataFrame, entity: Entity) -> pl.DataFrame:
    return checked.select(
        ROW_NO,
        pl.col("_violations").list.first().str.extract(r"^(?:\w+: )?([A-Z_]+)").alias("rule"),
        pl.col("_violations")
        .list.join("; ")
        .map_elements(mask_codes_in_text, return_dtype=pl.String)
        .alias("violations"),
        _record_key(entity).alias("record_key"),
        pl.col(PERSON_REF).alias("person_ref"),
    )


def _record_key(entity: Entity) -> pl.Expr:
    parts = [
        pl.col(PERSON_REF) if entity.column(k).kind is Kind.IDENTITY_CODE else pl.col(_raw(k))
        for k in entity.key
    ]
    return pl.concat_str([p.cast(pl.String).fill_null("") for p in parts], separator="|")
