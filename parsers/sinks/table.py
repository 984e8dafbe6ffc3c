"""Records for people and spreadsheets: an aligned text table, CSV, or JSON with chosen fields.

A field is a record key (``local_port``) or a key inside one (``source.path``, ``timer.name``,
``extra.users``).  Every writer here has ``write(record)``, ``flush()`` and ``close()``, as
``sinks.json.RecordWriter`` has.
"""

from __future__ import annotations

import csv
import json
from typing import Any, TextIO

from ..model.record import RECORD_FIELDS, Record, printable

TABLE_FIELDS = (
    "proto",
    "local_address",
    "local_port",
    "remote_address",
    "remote_port",
    "state",
    "pid",
    "program",
)
"""The columns ``--format table`` shows when no ``--fields`` are given."""

_NESTED = ("meta", "timer", "extra", "source")
"""Record keys whose values hold keys of their own."""

_ENCODE = json.JSONEncoder(ensure_ascii=False).encode


def parse_fields(text: str) -> tuple[str, ...]:
    """``a,b,c`` as field names; ValueError naming an unknown one."""
    names = tuple(name.strip() for name in text.split(",") if name.strip())
    if not names:
        raise ValueError("no field named")
    for name in names:
        top, dot, _ = name.partition(".")
        if top not in RECORD_FIELDS or (dot and top not in _NESTED):
            known = ", ".join(RECORD_FIELDS)
            raise ValueError(f"unknown field {name!r}; fields: {known} (and source.path...)")
    return names


def value_of(record: Record, name: str) -> Any:
    """A field's value in ``record``; None when a nested key is absent."""
    top, dot, key = name.partition(".")
    value = getattr(record, top)
    if not dot:
        return value
    return value.get(key) if isinstance(value, dict) else None


def text_of(value: Any) -> str:
    """A value as a cell: empty for null, JSON for lists and dicts, terminal-safe."""
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return printable(_ENCODE(value))
    return printable(str(value))


class TableWriter:
    """An aligned table: a header of field names, then one line per record.  Rows are held at
    most ``BLOCK`` at a time (bounded memory), and written when the block is full, at ``flush``
    or at ``close``; a column is as wide as its widest cell so far, so widths only grow and a
    table of up to ``BLOCK`` rows is aligned as a whole."""

    BLOCK = 1000

    def __init__(self, out: TextIO, fields: tuple[str, ...] = TABLE_FIELDS) -> None:
        self.out = out
        self.fields = fields
        self.rows: list[list[str]] = [[name.upper() for name in fields]]
        self.widths = [0] * len(fields)

    def write(self, record: Record) -> None:
        self.rows.append([text_of(value_of(record, name)) for name in self.fields])
        if len(self.rows) >= self.BLOCK:
            self.flush()

    def flush(self) -> None:
        """Write the rows held (the header with the first ones)."""
        if not self.rows:
            return
        columns = zip(*self.rows)
        self.widths = [max(width, *map(len, cells)) for width, cells in zip(self.widths, columns)]
        for row in self.rows:
            cells = (cell.ljust(width) for cell, width in zip(row, self.widths))
            self.out.write("  ".join(cells).rstrip() + "\n")
        self.rows.clear()

    def close(self) -> None:
        self.flush()


class CsvWriter:
    """CSV (RFC 4180 quoting): a header of field names, then one row per record."""

    def __init__(self, out: TextIO, fields: tuple[str, ...] = RECORD_FIELDS) -> None:
        self.out = out
        self.fields = fields
        self.csv = csv.writer(out, lineterminator="\n")
        self.csv.writerow(fields)

    def write(self, record: Record) -> None:
        self.csv.writerow([_csv_cell(value_of(record, name)) for name in self.fields])

    def flush(self) -> None:
        """Rows are written as they come."""

    def close(self) -> None:
        """Nothing to end a CSV with."""


def _csv_cell(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        return _ENCODE(value)
    return "" if value is None else value


class FieldsJsonWriter:
    """JSON objects holding only the chosen fields, as a JSON array (``json``) or JSON Lines."""

    def __init__(self, out: TextIO, fmt: str, fields: tuple[str, ...]) -> None:
        self.out = out
        self.fmt = fmt
        self.fields = fields
        self.first = True
        if fmt == "json":
            out.write("[")

    def write(self, record: Record) -> None:
        text = _ENCODE({name: value_of(record, name) for name in self.fields})
        if self.fmt == "jsonl":
            self.out.write(text + "\n")
        else:
            self.out.write(("\n" if self.first else ",\n") + text)
            self.first = False

    def flush(self) -> None:
        """Objects are written as they come."""

    def close(self) -> None:
        if self.fmt == "json":
            self.out.write("]\n" if self.first else "\n]\n")
