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
    """An aligned table: a header of field names, then one line per record; every record is
    held until ``close`` (the columns' widths depend on them all)."""

    def __init__(self, out: TextIO, fields: tuple[str, ...] = TABLE_FIELDS) -> None:
        self.out = out
        self.fields = fields
        self.rows: list[list[str]] = []

    def write(self, record: Record) -> None:
        self.rows.append([text_of(value_of(record, name)) for name in self.fields])

    def flush(self) -> None:
        """Nothing before ``close``: a table is written whole."""

    def close(self) -> None:
        rows = [[name.upper() for name in self.fields], *self.rows]
        widths = [max(len(row[i]) for row in rows) for i in range(len(self.fields))]
        for row in rows:
            cells = (cell.ljust(width) for cell, width in zip(row, widths))
            self.out.write("  ".join(cells).rstrip() + "\n")
        self.rows.clear()


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
