"""Reads one delivered file (CSV, Parquet or XLSX) into a frame of text columns.

Every value stays text here; `parse.py` gives it its type, so one set of parsing rules serves
all three formats. One exception: a Parquet column already of a type the contract uses (a date,
a decimal) keeps it, and validation decides whether it is the type its column needs; parsing
millions of values back from text would give the same values. The detected format and dialect
are returned for the load log.

Rows are numbered from 1, the first data row after the header; in a CSV file row N is on line
N + 1 unless a quoted value spans lines. Blank lines are not rows: they keep their number but
are neither loaded nor quarantined. A CSV row whose field count differs from the header's (a
truncated last line, a stray delimiter) keeps a `_row_problem`, which quarantines it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from ingest.contract import ENTITIES
from ingest.parse import output_dtype
from ingest.pseudonymise import mask_codes_in_text

ROW_NO = "_row_no"
ROW_PROBLEM = "_row_problem"  # why a row cannot be read field by field; null when it can
INTERNAL_COLUMNS = (ROW_NO, ROW_PROBLEM)
_SNIFF_BYTES = 64 * 1024
_BOM = b"\xef\xbb\xbf"
_QUOTE = '"'
_LINE = "line"
_CONTRACT_TYPES = {output_dtype(c) for e in ENTITIES for c in e.columns} - {pl.String()}


class RejectedFile(Exception):
    """The whole file cannot be loaded; the message names the file, column and problem.

    The message is masked here, once: a header or a value quoted in it can hold an identity
    code (a file delivered without its header row has data for column names)."""

    def __init__(self, file: str, problem: str, column: str | None = None):
        self.file = file
        self.column = mask_codes_in_text(column) if column else None
        self.problem = mask_codes_in_text(problem)
        where = f"{file}, column '{self.column}'" if self.column else file
        super().__init__(f"{where}: {self.problem}")


@dataclass
class RawFile:
    frame: pl.DataFrame  # text columns with normalised names, plus _row_no and _row_problem
    dialect: dict[str, str] = field(default_factory=dict)


def read_raw(path: Path, display_name: str) -> RawFile:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        raw = _read_csv(path, display_name)
    elif suffix == ".parquet":
        raw = RawFile(
            _numbered(_text_unless_contract_typed(pl.read_parquet(path))), {"format": "parquet"}
        )
    elif suffix == ".xlsx":
        raw = RawFile(_numbered(_read_xlsx(path)), {"format": "xlsx"})
    else:
        raise RejectedFile(display_name, f"unsupported file type '{suffix}'")
    raw.frame = _normalise_headers(raw.frame, display_name)
    return raw


def _numbered(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_row_index(ROW_NO, offset=1).with_columns(
        pl.col(ROW_NO).cast(pl.Int64), pl.lit(None, pl.String).alias(ROW_PROBLEM)
    )


# --- CSV -------------------------------------------------------------------------------------


def _read_csv(path: Path, display_name: str) -> RawFile:
    with path.open("rb") as f:
        head = f.read(_SNIFF_BYTES)
    if not head.strip():
        raise RejectedFile(display_name, "the file is empty: not even a header row")
    delimiter = _sniff_delimiter(head.removeprefix(_BOM))
    data: Path | bytes = path
    encoding = "utf-8-sig" if head.startswith(_BOM) else "utf-8"
    try:
        lines = pl.read_lines(path, name=_LINE)[_LINE]
    except pl.exceptions.ComputeError as error:
        if "utf" not in str(error).lower():
            raise
        # Not UTF-8: Finnish systems still export Windows-1252. Polars reads UTF-8 only.
        data = path.read_bytes().decode("cp1252", errors="replace").encode("utf-8")
        encoding = "windows-1252"
        lines = pl.read_lines(io.BytesIO(data), name=_LINE)[_LINE]
    records = _records(lines, delimiter)
    body = _without_unclosed_last_record(data, records, display_name)
    try:
        frame = pl.read_csv(
            body,
            separator=delimiter,
            infer_schema=False,
            quote_char=_QUOTE,
            truncate_ragged_lines=True,  # extra fields are caught by counting them instead
        )
    except pl.exceptions.PolarsError:
        # Polars quotes the offending text in its message: say what is wrong, not the data.
        raise RejectedFile(
            display_name,
            "not readable as CSV: the quotes do not pair up (a value holding a quote or a "
            "delimiter must be quoted, with inner quotes doubled)",
        ) from None
    frame = _with_row_problems(frame, records, display_name)
    return RawFile(frame, {"format": "csv", "encoding": encoding, "delimiter": delimiter})


def _sniff_delimiter(head: bytes) -> str:
    header = head.split(b"\n", 1)[0]
    return ";" if header.count(b";") > header.count(b",") else ","


def _records(lines: pl.Series, delimiter: str) -> pl.DataFrame:
    """Physical lines joined into CSV records (a quoted value may span lines), with the number
    of fields of each record. Vectorised: a line continues the previous record when an odd
    number of quote characters came before it."""
    quotes = lines.str.count_matches(_QUOTE, literal=True)
    continues = ((quotes.cum_sum() - quotes) % 2 == 1).fill_null(False)
    frame = pl.DataFrame({_LINE: lines, "quotes": quotes, "lines": 1})
    if continues.any():
        frame = (
            frame.with_columns(record=(~continues).cum_sum())
            .group_by("record", maintain_order=True)
            .agg(pl.col(_LINE).str.join("\n"), pl.col("quotes").sum(), pl.col("lines").sum())
        )
    outside_quotes = pl.col(_LINE)
    if quotes.sum() > 0:  # a delimiter inside a quoted value does not separate fields
        outside_quotes = outside_quotes.str.replace_all(r'"[^"]*"', "")
    return frame.select(
        pl.col(_LINE).str.strip_chars().eq("").alias("blank"),
        (outside_quotes.str.count_matches(delimiter, literal=True) + 1).alias("fields"),
        (pl.col("quotes") % 2 == 1).alias("unclosed"),  # only the last record can be
        "lines",
    )


def _without_unclosed_last_record(
    data: Path | bytes, records: pl.DataFrame, display_name: str
) -> Path | io.BytesIO:
    """A file cut off inside a quoted value leaves its last record open. When that record is
    one line, the rows before it are read and it becomes a truncated row; a quote left open
    further up swallows the rest of the file, which rejects it."""
    if not records["unclosed"][-1]:
        return data if isinstance(data, Path) else io.BytesIO(data)
    if records.height < 2 or records["lines"][-1] > 1:
        where = f"on row {records.height - 1}" if records.height > 1 else "in the header"
        raise RejectedFile(display_name, f"a quoted value opened {where} is never closed")
    raw = data.read_bytes() if isinstance(data, Path) else data
    last_line_start = raw.rstrip(b"\r\n").rfind(b"\n") + 1
    return io.BytesIO(raw[:last_line_start])


def _with_row_problems(
    frame: pl.DataFrame, records: pl.DataFrame, display_name: str
) -> pl.DataFrame:
    data = records.slice(1).with_row_index(ROW_NO, offset=1)  # record 0 is the header
    cut_off = int(data["unclosed"].sum())  # the open last record polars did not read
    if frame.height + cut_off != data.height:
        raise RejectedFile(
            display_name,
            f"not readable as CSV: {frame.height + cut_off} rows parsed, {data.height} delimited",
        )
    if cut_off:
        frame = pl.concat([frame, pl.DataFrame([[None]] * frame.width, schema=frame.schema)])
    expected = frame.width
    problem = (
        pl.when(pl.col("unclosed"))
        .then(pl.lit("the row ends inside a quoted value"))
        .when(pl.col("fields") != expected)
        .then(pl.format(f"the row has {{}} fields, the header {expected}", pl.col("fields")))
    )
    numbered = data.select(pl.col(ROW_NO).cast(pl.Int64), problem.alias(ROW_PROBLEM))
    rows = pl.concat([frame, numbered], how="horizontal")
    return rows.filter(~data["blank"]) if data["blank"].any() else rows


# --- Parquet and XLSX ------------------------------------------------------------------------


def _read_xlsx(path: Path) -> pl.DataFrame:
    frame = pl.read_excel(path, sheet_id=1, engine="calamine", infer_schema_length=0)
    return frame.select(c for c in frame.columns if not c.startswith("__UNNAMED__"))


def _text_unless_contract_typed(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        pl.col(name).cast(pl.String)
        for name, dtype in frame.schema.items()
        if dtype not in _CONTRACT_TYPES
    )


def _normalise_headers(frame: pl.DataFrame, display_name: str) -> pl.DataFrame:
    names = [
        c if c in INTERNAL_COLUMNS else c.replace("\ufeff", "").strip().lower()
        for c in frame.columns
    ]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise RejectedFile(display_name, "the header repeats this column", column=duplicates[0])
    return frame.rename(dict(zip(frame.columns, names, strict=True)))
