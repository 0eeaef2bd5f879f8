"""Reads one delivered file (CSV, Parquet or XLSX) into a frame of text columns.

Every value stays text here; `parse.py` gives it its type, so one set of parsing rules serves
all three formats. The detected format and dialect are returned for the load log.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

ROW_NO = "_row_no"
_SNIFF_BYTES = 64 * 1024
_BOM = b"\xef\xbb\xbf"


class RejectedFile(Exception):
    """The whole file cannot be loaded; the message names the file, column and problem."""

    def __init__(self, file: str, problem: str, column: str | None = None):
        self.file = file
        self.column = column
        self.problem = problem
        where = f"{file}, column '{column}'" if column else file
        super().__init__(f"{where}: {problem}")


@dataclass
class RawFile:
    frame: pl.DataFrame  # text columns with normalised names, plus _row_no (1 = first data row)
    dialect: dict[str, str] = field(default_factory=dict)


def read_raw(path: Path, display_name: str) -> RawFile:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        raw = _read_csv(path, display_name)
    elif suffix == ".parquet":
        raw = RawFile(_as_text(pl.read_parquet(path)), {"format": "parquet"})
    elif suffix == ".xlsx":
        raw = RawFile(_read_xlsx(path), {"format": "xlsx"})
    else:
        raise RejectedFile(display_name, f"unsupported file type '{suffix}'")
    frame = _normalise_headers(raw.frame, display_name)
    raw.frame = frame.with_row_index(ROW_NO, offset=1).with_columns(pl.col(ROW_NO).cast(pl.Int64))
    return raw


def _read_csv(path: Path, display_name: str) -> RawFile:
    with path.open("rb") as f:
        head = f.read(_SNIFF_BYTES)
    if not head.strip():
        raise RejectedFile(display_name, "the file is empty: not even a header row")
    has_bom = head.startswith(_BOM)
    delimiter = _sniff_delimiter(head.removeprefix(_BOM))
    options = {"separator": delimiter, "infer_schema": False, "quote_char": '"'}
    try:
        frame = pl.read_csv(path, encoding="utf8", **options)
        encoding = "utf-8-sig" if has_bom else "utf-8"
    except pl.exceptions.ComputeError as error:
        if "utf-8" not in str(error).lower():
            raise RejectedFile(display_name, f"not readable as CSV ({error})") from error
        # Not UTF-8: Finnish systems still export Windows-1252.
        text = path.read_bytes().decode("cp1252", errors="replace")
        frame = pl.read_csv(io.BytesIO(text.encode("utf-8")), **options)
        encoding = "windows-1252"
    return RawFile(frame, {"format": "csv", "encoding": encoding, "delimiter": delimiter})


def _sniff_delimiter(head: bytes) -> str:
    header = head.split(b"\n", 1)[0]
    return ";" if header.count(b";") > header.count(b",") else ","


def _read_xlsx(path: Path) -> pl.DataFrame:
    frame = pl.read_excel(path, sheet_id=1, engine="calamine", infer_schema_length=0)
    return frame.select(c for c in frame.columns if not c.startswith("__UNNAMED__"))


def _as_text(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select(pl.all().cast(pl.String))


def _normalise_headers(frame: pl.DataFrame, display_name: str) -> pl.DataFrame:
    names = [c.replace("\ufeff", "").strip().lower() for c in frame.columns]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise RejectedFile(display_name, "the header repeats this column", column=duplicates[0])
    return frame.rename(dict(zip(frame.columns, names, strict=True)))
