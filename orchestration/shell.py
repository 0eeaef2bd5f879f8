"""`vaikuttavuus sql`: a read-only SQL shell on the latest published snapshot.

The connection is opened on the snapshot file itself, so a nightly run that publishes a new
snapshot meanwhile never blocks it; `.reconnect` switches to the newest snapshot.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from pathlib import Path

import duckdb

from publish.snapshot import CURRENT

PROMPT, CONTINUE = "vaikuttavuus> ", "         ...> "
HELP = """Read-only SQL on the published snapshot. End statements with ';'.
  .tables      list the tables and views per schema
  .reconnect   reopen on the newest snapshot
  .quit        leave (or Ctrl-D)
Try: select * from marts.kpi_area_month where target_group = 'ALL' limit 10;"""
_TABLES = """
    select table_schema as schema, table_name as table
    from information_schema.tables
    where table_schema in ('marts', 'audit', 'reference', 'intermediate', 'staging', 'quality')
    order by 1, 2
"""


def connect(path: Path) -> duckdb.DuckDBPyConnection:
    if not path.exists():
        raise FileNotFoundError(f"No published snapshot at {path}: run `make demo` first.")
    return duckdb.connect(str(path), read_only=True)


def run_statements(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Runs `;`-separated statements, printing each result as a table."""
    for statement in _split(sql):
        relation = con.sql(statement)
        if relation is not None:
            relation.show(max_rows=200, max_width=200)


def _split(sql: str) -> Iterable[str]:
    return (s.strip() for s in sql.split(";") if s.strip())


def interactive(published: Path) -> int:
    with contextlib.suppress(ImportError):
        import readline  # noqa: F401 - line editing and history for input()
    path = published / CURRENT
    con = connect(path)
    print(f"Connected read-only to {path.resolve()}\n{HELP}")
    buffer = ""
    while True:
        try:
            line = input(CONTINUE if buffer else PROMPT)
        except EOFError:
            print()
            return 0
        command = line.strip()
        if not buffer and command in (".quit", ".exit"):
            return 0
        if not buffer and command.startswith("."):
            con = _dot_command(command, con, path)
            continue
        buffer += line + "\n"
        if command.endswith(";"):
            try:
                run_statements(con, buffer)
            except duckdb.Error as error:
                print(f"error: {error}")
            buffer = ""


def _dot_command(command: str, con: duckdb.DuckDBPyConnection, path: Path):
    if command == ".tables":
        run_statements(con, _TABLES)
    elif command == ".reconnect":
        con.close()
        con = connect(path)
        print(f"Reconnected to the newest snapshot ({path.resolve()}).")
    else:
        print(HELP)
    return con
