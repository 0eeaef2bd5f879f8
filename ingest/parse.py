"""Typed parsing of the contract's column kinds, as polars expressions over text columns.

For every column this gives the parsed value, whether a non-empty value failed to parse, and
whether the value at least has the shape of its type. A column where nothing has the shape is
"the wrong type throughout" and rejects the file; a value of the right shape that is still
invalid (31.2.2025, a wrong check character) quarantines its row. Identity codes are the one
kind checked elsewhere: `pseudonymise.pseudonyms` checks each code where it hashes it.

A typed column (Parquet) that already has the contract's type skips the text: its values are
what parsing their text would give (see `keeps_type`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

import polars as pl
from stdnum.fi import ytunnus

from ingest import reference
from ingest.contract import Column, Kind
from ingest.pseudonymise import CODE_LIKE_PATTERN, UPSTREAM_PREFIX, contains_identity_code

_SPACES = r"[\s\u00a0\u202f]"
_TRUE = ["true", "1", "k", "kyllä", "yes", "y", "t", "1.0"]
_FALSE = ["false", "0", "e", "ei", "no", "n", "f", "0.0"]
_DATE_SHAPE = r"^(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}\.\d{1,2}\.\d{4})$"
_TIMESTAMP_SHAPE = r"^(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}\.\d{1,2}\.\d{4})([ T]\d{1,2}:\d{2}.*)?$"
_IDENTITY_SHAPE = r"^\d{6}[-+A-FU-Y]\d{3}[0-9A-Y]$"
_LOCAL_FORMATS = (
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%d %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%Y-%m-%d",
    "%d.%m.%Y",
)
_ZONED_FORMATS = ("%Y-%m-%d %H:%M:%S%.f%:z", "%Y-%m-%d %H:%M%:z")
LOCAL_TIME_ZONE = "Europe/Helsinki"

INVALID_RULE = {
    Kind.IDENTITY_CODE: "INVALID_IDENTITY_CODE",
    Kind.BUSINESS_ID: "INVALID_BUSINESS_ID",
    Kind.MUNICIPALITY: "UNKNOWN_MUNICIPALITY",
    Kind.CODE: "UNKNOWN_CODE",
    Kind.LANGUAGE: "INVALID_LANGUAGE_CODE",
    Kind.TEXT: "INVALID_TEXT",
    Kind.INT: "INVALID_NUMBER",
    Kind.DECIMAL: "INVALID_NUMBER",
    Kind.DATE: "INVALID_DATE",
    Kind.TIMESTAMP: "INVALID_TIMESTAMP",
    Kind.BOOL: "INVALID_BOOLEAN",
}


@dataclass(frozen=True)
class Parsed:
    value: pl.Expr  # typed value; null where empty or invalid
    has_shape: pl.Expr  # the raw value looks like this kind (used to reject whole files)


def cleaned(name: str) -> pl.Expr:
    """The raw text, trimmed, with empty strings as null."""
    text = pl.col(name).str.strip_chars()
    return pl.when(text == "").then(None).otherwise(text)


def needs_cleaning(name: str) -> pl.Expr:
    """Whether `cleaned` would change any value of the column. Usually none: then the column is
    its own clean text, and its millions of strings are not copied."""
    return pl.col(name).str.contains(r"^\s|\s$|^$").any()


def parse_column(column: Column, raw: pl.Expr) -> Parsed:
    """Parses `raw`, the column's text `cleaned`."""
    return _PARSERS[column.kind](raw, column)


def keeps_type(column: Column, values: pl.Series) -> bool:
    """Whether a typed column needs no round trip through text: it has the contract's type, and
    the text polars writes for each value parses back to that same value. Dates and timestamps
    do when their year has four digits (`0999-01-01` is left to the text parsers, as before)."""
    if values.dtype == pl.String() or values.dtype != output_dtype(column):
        return False
    if values.dtype in (pl.Date(), pl.Datetime("us")):
        value = pl.col(values.name)
        years = values.to_frame().select(first=value.min().dt.year(), last=value.max().dt.year())
        first, last = years.row(0)
        return first is None or (first >= 1000 and last <= 9999)  # None: every value is null
    return True


def output_dtype(column: Column) -> pl.DataType:
    return {
        Kind.INT: pl.Int64(),
        Kind.DECIMAL: pl.Decimal(18, column.scale),
        Kind.DATE: pl.Date(),
        Kind.TIMESTAMP: pl.Datetime("us"),
        Kind.BOOL: pl.Boolean(),
    }.get(column.kind, pl.String())


def _text(raw: pl.Expr, column: Column) -> Parsed:
    return Parsed(raw, pl.lit(True))


def _code(raw: pl.Expr, column: Column) -> Parsed:
    code = raw.str.to_uppercase()
    if column.code_set is None:
        return Parsed(code, pl.lit(True))
    allowed = sorted(reference.code_sets()[column.code_set])
    return Parsed(pl.when(code.is_in(allowed)).then(code), code.str.contains(r"^[A-Z0-9_]+$"))


def _language(raw: pl.Expr, column: Column) -> Parsed:
    code = raw.str.to_lowercase()
    return Parsed(pl.when(code.str.contains(r"^[a-z]{2}$")).then(code), pl.lit(True))


def _municipality(raw: pl.Expr, column: Column) -> Parsed:
    digits = raw.str.replace(r"\.0+$", "")
    code = digits.str.zfill(3)
    known = sorted(reference.municipalities())
    shape = digits.str.contains(r"^\d{1,3}$")
    return Parsed(pl.when(shape & code.is_in(known)).then(code), shape)


def _integer(raw: pl.Expr, column: Column) -> Parsed:
    text = raw.str.replace_all(_SPACES, "").str.replace(r"[.,]0+$", "")
    return Parsed(text.cast(pl.Int64, strict=False), text.str.contains(r"^[-+]?\d+$"))


def _decimal(raw: pl.Expr, column: Column) -> Parsed:
    text = raw.str.replace_all(_SPACES, "")
    comma_last = text.str.contains(r",\d*$")
    # `1 234,50`, `1234,50` and `1.234,50` all mean 1234.50; so do `1234.50` and `1,234.50`.
    normal = (
        pl.when(comma_last)
        .then(text.str.replace_all(r"\.", "").str.replace(",", "."))
        .otherwise(text.str.replace_all(",", ""))
    )
    shape = normal.str.contains(r"^[-+]?\d+(\.\d+)?$")
    fits_scale = normal.str.contains(rf"^[-+]?\d+(\.\d{{1,{column.scale}}})?$")
    value = pl.when(fits_scale).then(normal).cast(pl.Decimal(18, column.scale), strict=False)
    return Parsed(value, shape)


def _date(raw: pl.Expr, column: Column) -> Parsed:
    # Spreadsheets and Parquet timestamps carry a midnight time on pure dates.
    text = raw.str.replace(r"[ T]00:00(:00(\.0+)?)?$", "")
    formats = [partial(_strptime, dtype=pl.Date(), format=f) for f in ("%Y-%m-%d", "%d.%m.%Y")]
    value = text.map_batches(partial(_first_read, parsers=formats), return_dtype=pl.Date())
    return Parsed(value, text.str.contains(_DATE_SHAPE))


def _timestamp(raw: pl.Expr, column: Column) -> Parsed:
    text = raw.str.replace("T", " ").str.replace(r"Z$", "+00:00")
    local = [partial(_strptime, dtype=pl.Datetime("us"), format=f) for f in _LOCAL_FORMATS]
    zoned = [partial(_strptime_zoned, format=f) for f in _ZONED_FORMATS]
    value = text.map_batches(
        partial(_first_read, parsers=[*local, *zoned]), return_dtype=pl.Datetime("us")
    )
    return Parsed(value, text.str.contains(_TIMESTAMP_SHAPE))


def _strptime(text: pl.Series, dtype: pl.DataType, format: str) -> pl.Series:
    return text.str.strptime(dtype, format, strict=False)


def _strptime_zoned(text: pl.Series, format: str) -> pl.Series:
    utc = text.str.strptime(pl.Datetime("us", "UTC"), format, strict=False)
    return utc.dt.convert_time_zone(LOCAL_TIME_ZONE).dt.replace_time_zone(None)


def _first_read(text: pl.Series, parsers: Sequence[Callable[[pl.Series], pl.Series]]) -> pl.Series:
    """Per value, what the parser that reads it gives: `pl.coalesce` over every parser, but each
    one only sees the values the ones before it could not read. The formats exclude each other
    (each has its own separators and fields), so the order they are tried in changes no value:
    the one that reads the first value goes first. A file writes its dates one way, so after
    that one there is usually nothing left to try."""
    first = text.drop_nulls().head(1)
    parsers = sorted(parsers, key=lambda parse: parse(first).is_null().all())  # stable
    value = parsers[0](text)
    for parse in parsers[1:]:
        unread = (value.is_null() & text.is_not_null()).arg_true()
        if unread.is_empty():
            break
        value = value.scatter(unread, parse(text.gather(unread)))
    return value


def _boolean(raw: pl.Expr, column: Column) -> Parsed:
    word = raw.str.to_lowercase()
    value = pl.when(word.is_in(_TRUE)).then(True).when(word.is_in(_FALSE)).then(False)
    return Parsed(value, word.is_in(_TRUE + _FALSE))


def _identity_code(raw: pl.Expr, column: Column) -> Parsed:
    """The code as it is hashed, not yet checked: `pseudonymise.pseudonyms` checks it."""
    upstream = raw.str.starts_with(UPSTREAM_PREFIX)
    code = pl.when(upstream).then(raw).otherwise(raw.str.to_uppercase())
    return Parsed(code, upstream | code.str.contains(_IDENTITY_SHAPE))


def _business_id(raw: pl.Expr, column: Column) -> Parsed:
    normal = raw.map_batches(_business_ids, return_dtype=pl.String)
    return Parsed(normal, raw.str.contains(r"^\d{6,7}-?\d$"))


def on_unique(series: pl.Series, check: Callable[[str], object], dtype: pl.DataType) -> pl.Series:
    """Applies a Python check once per distinct value: registers repeat each person many times."""
    distinct = series.drop_nulls().unique()
    mapping = pl.DataFrame(
        {"value": distinct, "result": pl.Series([check(v) for v in distinct], dtype=dtype)}
    )
    joined = series.to_frame("value").join(mapping, on="value", how="left", maintain_order="left")
    return joined["result"]


def _normal_business_id(value: str) -> str | None:
    return ytunnus.format(value) if ytunnus.is_valid(value) else None


def _business_ids(series: pl.Series) -> pl.Series:
    return on_unique(series, _normal_business_id, pl.String())


def holds_identity_code(text: pl.Expr) -> pl.Expr:
    """Free text that holds a valid identity code (typed into the wrong column)."""
    return text.map_batches(_holding_codes, return_dtype=pl.Boolean)


def _holding_codes(series: pl.Series) -> pl.Series:
    shaped = series.str.contains(f"(?i){CODE_LIKE_PATTERN}").fill_null(False)
    if not shaped.any():  # the usual case: no Python at all
        return shaped
    candidates = pl.select(pl.when(shaped).then(series)).to_series()
    return on_unique(candidates, contains_identity_code, pl.Boolean()).fill_null(False)


_PARSERS: dict[Kind, Callable[[pl.Expr, Column], Parsed]] = {
    Kind.IDENTITY_CODE: _identity_code,
    Kind.BUSINESS_ID: _business_id,
    Kind.MUNICIPALITY: _municipality,
    Kind.CODE: _code,
    Kind.LANGUAGE: _language,
    Kind.TEXT: _text,
    Kind.INT: _integer,
    Kind.DECIMAL: _decimal,
    Kind.DATE: _date,
    Kind.TIMESTAMP: _timestamp,
    Kind.BOOL: _boolean,
}
