"""File formats and CSV dialects, and the sinks that stream chunks into delivery files.

Frames handed to a sink are typed (Date, Datetime, Boolean, Float64 …) with the contract's
columns; the sink renders them in its dialect. Columns are taken from ingest.contract, so the
files always carry the contract's names in the contract's order.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import xlsxwriter

from ingest.contract import Entity, Kind

from . import params

_TYPES = {
    Kind.INT: pl.Int64,
    Kind.DECIMAL: pl.Float64,
    Kind.DATE: pl.Date,
    Kind.TIMESTAMP: pl.Datetime("us"),
    Kind.BOOL: pl.Boolean,
}
_DATE_FORMATS = {"iso": "%Y-%m-%d", "fi": "%-d.%-m.%Y"}
_TIMESTAMP_FORMATS = {"iso": "%Y-%m-%dT%H:%M:%S", "fi": "%-d.%-m.%Y %H:%M"}


@dataclass(frozen=True)
class Dialect:
    """How one file is written; `describe()` goes into the ground truth's delivery plan."""

    format: str  # csv, parquet or xlsx
    encoding: str = "utf-8"  # utf-8, utf-8-sig (with BOM) or cp1252
    delimiter: str = ","
    dates: str = "iso"  # iso = YYYY-MM-DD, fi = D.M.YYYY
    timestamps: str = "iso"  # iso = YYYY-MM-DDTHH:MM:SS, fi = D.M.YYYY HH:MM
    decimal_comma: bool = False  # 1 234,50 (space as thousands separator)
    booleans: tuple[str, str] = ("true", "false")
    upper_case_headers: bool = False

    def describe(self) -> dict:
        if self.format != "csv":
            return {"format": self.format}
        return {**asdict(self), "booleans": list(self.booleans)}


def typed(frame: pl.DataFrame, entity: Entity) -> pl.DataFrame:
    """The entity's columns in contract order, cast to their types."""
    return frame.select(pl.col(c.name).cast(_TYPES.get(c.kind, pl.String)) for c in entity.columns)


def grouped_thousands(digits: pl.Expr) -> pl.Expr:
    return digits.str.reverse().str.extract_all(r"\d{1,3}").list.join(" ").str.reverse()


def decimal_text(column: str, scale: int, comma: bool) -> pl.Expr:
    """Fixed `scale` decimals; with a decimal comma also a space every three digits."""
    units = (pl.col(column) * 10**scale).round().cast(pl.Int64)
    whole = (units.abs() // 10**scale).cast(pl.String)
    fraction = (units.abs() % 10**scale).cast(pl.String).str.zfill(scale)
    sign = pl.when(units < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    if comma:
        return pl.concat_str(sign, grouped_thousands(whole), pl.lit(","), fraction)
    return pl.concat_str(sign, whole, pl.lit("."), fraction)


def rendered(frame: pl.DataFrame, entity: Entity, dialect: Dialect) -> pl.DataFrame:
    """Every column as text in the dialect (null stays null and is written empty)."""
    yes, no = dialect.booleans
    columns = []
    for c in entity.columns:
        col = pl.col(c.name)
        if c.kind is Kind.DATE:
            col = col.dt.strftime(_DATE_FORMATS[dialect.dates])
        elif c.kind is Kind.TIMESTAMP:
            col = col.dt.strftime(_TIMESTAMP_FORMATS[dialect.timestamps])
        elif c.kind is Kind.BOOL:
            col = pl.when(col).then(pl.lit(yes)).when(~col).then(pl.lit(no))
        elif c.kind is Kind.DECIMAL:
            col = decimal_text(c.name, c.scale, dialect.decimal_comma)
        columns.append(col.cast(pl.String).alias(c.name))
    return frame.select(columns)


class CsvSink:
    def __init__(self, path: Path, entity: Entity, dialect: Dialect):
        self.path, self.entity, self.dialect, self.rows = path, entity, dialect, 0
        path.parent.mkdir(parents=True, exist_ok=True)
        self.handle = path.open("wb")
        if dialect.encoding == "utf-8-sig":
            self.handle.write(b"\xef\xbb\xbf")
        names = [c.name.upper() if dialect.upper_case_headers else c.name for c in entity.columns]
        self.write_text(pl.DataFrame(schema=names).write_csv(separator=dialect.delimiter))

    def write_text(self, text: str) -> None:
        encoding = "utf-8" if self.dialect.encoding == "utf-8-sig" else self.dialect.encoding
        self.handle.write(text.encode(encoding))

    def write(self, frame: pl.DataFrame) -> None:
        self.write_rendered(rendered(typed(frame, self.entity), self.entity, self.dialect))

    def write_rendered(self, text_frame: pl.DataFrame) -> None:
        """Rows already rendered as text (used for values no typed column can hold)."""
        self.write_text(
            text_frame.write_csv(separator=self.dialect.delimiter, include_header=False)
        )
        self.rows += text_frame.height

    def close(self) -> str:
        self.handle.close()
        return self.path.name


def parquet_typed(frame: pl.DataFrame, entity: Entity) -> pl.DataFrame:
    """Typed, with decimal columns as exact decimals rather than floats."""
    return typed(frame, entity).with_columns(
        pl.col(c.name).round(c.scale).cast(pl.Decimal(18, c.scale))
        for c in entity.columns
        if c.kind is Kind.DECIMAL
    )


class ParquetSink:
    """Each chunk becomes a row group."""

    def __init__(self, path: Path, entity: Entity):
        self.path, self.entity, self.rows = path, entity, 0
        path.parent.mkdir(parents=True, exist_ok=True)
        empty = pl.DataFrame(schema=[c.name for c in entity.columns])
        self.schema = parquet_typed(empty, entity).to_arrow().schema
        self.writer = pq.ParquetWriter(path, self.schema)

    def write(self, frame: pl.DataFrame) -> None:
        self.writer.write_table(parquet_typed(frame, self.entity).to_arrow().cast(self.schema))
        self.rows += frame.height

    def close(self) -> str:
        self.writer.close()
        return self.path.name


class WorkbookSink(ParquetSink):
    """Providers send invoice lines as .xlsx: streamed to a hidden Parquet file, then turned into
    a workbook when the file is closed, or kept as Parquet above params.XLSX_MAX_ROWS rows."""

    def __init__(self, path: Path, entity: Entity, created: datetime):
        super().__init__(path.with_name(f"_{entity.name}.partial.parquet"), entity)
        self.final, self.created = path.with_suffix(""), created

    def close(self) -> str:
        super().close()
        if self.rows > params.XLSX_MAX_ROWS:
            target = self.final.with_suffix(".parquet")
            self.path.rename(target)
            return target.name
        target = self.final.with_suffix(".xlsx")
        write_workbook(pl.read_parquet(self.path), target, self.created)
        self.path.unlink()
        return target.name


def write_workbook(frame: pl.DataFrame, path: Path, created: datetime) -> None:
    """One sheet of typed cells (dates as Excel dates); the document's creation time is fixed
    so the file is reproducible."""
    workbook = xlsxwriter.Workbook(path, {"constant_memory": True})
    workbook.set_properties({"created": created})
    sheet = workbook.add_worksheet("Laskurivit")
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    time_format = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    frame = frame.with_columns(pl.col(pl.Decimal).cast(pl.Float64))
    writers = [cell_writer(sheet, dtype, date_format, time_format) for dtype in frame.dtypes]
    sheet.write_row(0, 0, frame.columns)
    for r, row in enumerate(frame.iter_rows(), start=1):
        for c, value in enumerate(row):
            if value is not None:
                writers[c](r, c, value)
    workbook.close()


def cell_writer(sheet, dtype: pl.DataType, date_format, time_format):
    """The xlsxwriter method for a column's type, chosen once rather than per cell."""
    if dtype == pl.Date:
        return lambda r, c, v: sheet.write_datetime(r, c, v, date_format)
    if dtype.base_type() == pl.Datetime:
        return lambda r, c, v: sheet.write_datetime(r, c, v, time_format)
    if dtype == pl.Boolean:
        return sheet.write_boolean
    if dtype.is_numeric():
        return sheet.write_number
    return sheet.write_string
