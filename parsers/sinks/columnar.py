"""Records as Apache Arrow tables and Parquet files, with one fixed schema (needs ``pyarrow``).

``SCHEMA`` is derived from ``record.schema.json``, in the order of ``Record``'s fields: strings
as ``string``; integers as ``int32`` when the JSON Schema bounds them within it (ports,
``ip_version``), else ``int64``; ``timer`` and ``source`` as structs; ``meta`` as
``map<string, string>``. ``extra``, whose keys and value types differ per dialect, is a
``string`` column holding the object as JSON text (``json.loads`` it back). A column is
non-nullable when the JSON Schema never allows null there. Each field's JSON Schema description
is kept in the field's metadata under ``description``.

>>> write_parquet(nn.parse(data).records, "capture.parquet")
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Iterable, Iterator
from itertools import islice
from operator import attrgetter
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ..model.record import RECORD_FIELDS, Record, nested_json
from ..resources import read_text

__all__ = [
    "BATCH_ROWS",
    "SCHEMA",
    "ParquetSink",
    "json_text",
    "to_table",
    "without_pandas",
    "write_parquet",
]

BATCH_ROWS = 65_536
"""Rows written at a time: the Parquet files' row-group size."""
RECORD_ROWS = 8_192
"""Records turned into Arrow columns at a time: few enough that the Record objects held stay
small (peak memory), many enough that the per-batch cost does not count."""

_INT32_MAX = 2**31 - 1


def _json_types(prop: dict[str, Any]) -> set[str]:
    """The JSON types a JSON Schema property allows (``null`` included), from ``type`` or
    ``enum``."""
    if "enum" in prop:
        names = {bool: "boolean", int: "integer", float: "number", str: "string"}
        return {"null" if v is None else names[type(v)] for v in prop["enum"]}
    kind = prop["type"]
    return {kind} if isinstance(kind, str) else set(kind)


def _field(name: str, prop: dict[str, Any], required: bool) -> tuple[pa.Field[pa.DataType], bool]:
    """The Arrow field for a JSON Schema property, and whether it holds JSON text."""
    kinds = _json_types(prop)
    nullable = "null" in kinds or not required
    (kind,) = kinds - {"null"}
    as_json = False
    if kind == "object" and "properties" in prop:
        children = [
            _field(child, sub, child in prop.get("required", ()))[0]
            for child, sub in prop["properties"].items()
        ]
        arrow: pa.DataType = pa.struct(children)
    elif kind == "object" and isinstance(prop.get("additionalProperties"), dict):
        value = _field("value", prop["additionalProperties"], required=True)[0]
        arrow = pa.map_(pa.string(), value.type)
    elif kind == "object":
        arrow, as_json = pa.string(), True
    elif kind == "integer":
        bounds = [v for v in prop.get("enum", [prop.get("maximum")]) if v is not None]
        bounded = bool(bounds) and max(bounds) <= _INT32_MAX
        arrow = pa.int32() if bounded else pa.int64()
    else:
        scalars: dict[str, pa.DataType] = {
            "string": pa.string(),
            "number": pa.float64(),
            "boolean": pa.bool_(),
        }
        arrow = scalars[kind]
    description = prop.get("description", "") + (" (JSON text)" if as_json else "")
    metadata = {"description": description.strip()} if description.strip() else None
    return pa.field(name, arrow, nullable=nullable, metadata=metadata), as_json


def _schema() -> tuple[pa.Schema, frozenset[str]]:
    document = json.loads(read_text("netstat_normalizer.model", "record.schema.json"))
    properties, required = document["properties"], set(document["required"])
    if set(properties) != set(RECORD_FIELDS):
        raise RuntimeError("record.schema.json and Record have different fields")
    built = [_field(name, properties[name], name in required) for name in RECORD_FIELDS]
    return pa.schema([f for f, _ in built]), frozenset(f.name for f, j in built if j)


SCHEMA, _JSON_COLUMNS = _schema()
"""The Arrow schema of a record; ``_JSON_COLUMNS`` are those stored as JSON text (``extra``)."""
_values = attrgetter(*SCHEMA.names)


def _batch(records: list[Record]) -> pa.RecordBatch:
    """The records as one batch: turned into columns by one ``attrgetter`` call per record
    (``zip`` does the rest in C), JSON-text columns written by orjson (``nested_json``)."""
    columns = zip(*map(_values, records)) if records else ((),) * len(SCHEMA)
    arrays = []
    for field, values in zip(SCHEMA, columns):
        if field.name in _JSON_COLUMNS:
            values = tuple(map(json_text, values))
        arrays.append(pa.array(values, type=field.type))
    return pa.RecordBatch.from_arrays(arrays, schema=SCHEMA)


def json_text(value: Any) -> str:
    """A value as compact JSON text, as ``Record.to_json`` writes it."""
    return "{}" if value == {} else nested_json(value)


def _batches(records: Iterable[Record]) -> Iterator[pa.RecordBatch]:
    records = iter(records)
    while chunk := list(islice(records, RECORD_ROWS)):
        yield _batch(chunk)


def record_batch(records: list[Record]) -> pa.RecordBatch:
    """The records as one batch with ``SCHEMA``."""
    return _batch(records)


@contextlib.contextmanager
def without_pandas() -> Iterator[None]:
    """Keep pandas from being imported while inside, unless it already is: pyarrow imports it
    (0.2-0.6 s, 40 MiB) at its first conversion of Python values, only to ask whether they are
    pandas objects, and Arrow's C++ asks again at each conversion until it has pandas.  Inside,
    ``import pandas`` fails; after, pandas can be imported again (``to_pandas``)."""
    if "pandas" in sys.modules:
        yield
        return
    sys.meta_path.insert(0, _NoPandas)
    try:
        yield
    finally:
        sys.meta_path.remove(_NoPandas)


class _NoPandas:
    """A module finder for which pandas cannot be imported."""

    @staticmethod
    def find_spec(name: str, *args: Any) -> None:
        if name == "pandas" or name.startswith("pandas."):
            raise ImportError(f"{name} is not used here")


class ParquetSink:
    """A Parquet file with ``SCHEMA`` written from records and batches in order, a row group
    every ``BATCH_ROWS`` rows: records are turned into columns ``RECORD_ROWS`` at a time."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.writer = pq.ParquetWriter(os.fspath(path), SCHEMA)
        self.records: list[Record] = []
        self.pieces: list[pa.RecordBatch] = []
        self.held = 0
        self.rows = 0

    def add(self, record: Record) -> None:
        self.records.append(record)
        if len(self.records) >= RECORD_ROWS:
            self._columns()

    def add_batch(self, batch: pa.RecordBatch) -> None:
        self._columns()
        self.pieces.append(batch)
        self.held += batch.num_rows
        if self.held >= BATCH_ROWS:
            self._write()

    def close(self) -> int:
        """Write what is held and close the file (even when that fails); the rows written."""
        try:
            self._columns()
            self._write()
        finally:
            self.writer.close()
        return self.rows

    def _columns(self) -> None:
        if self.records:
            records, self.records = self.records, []  # not again after a value no column holds
            self.add_batch(_batch(records))

    def _write(self) -> None:
        if self.pieces:
            table = pa.Table.from_batches(self.pieces, schema=SCHEMA)
            self.writer.write_table(table, row_group_size=BATCH_ROWS)
            self.rows += self.held
            self.pieces, self.held = [], 0


def to_table(records: Iterable[Record]) -> pa.Table:
    """The records as one Arrow table with ``SCHEMA``."""
    return pa.Table.from_batches(_batches(records), schema=SCHEMA)


def write_parquet(records: Iterable[Record], path: str | os.PathLike[str]) -> int:
    """Write the records to a Parquet file with ``SCHEMA``, ``BATCH_ROWS`` at a time (so memory
    stays bounded for any input length); the number of rows written. No records still make a valid
    file, with the schema and no rows."""
    sink = ParquetSink(path)
    try:
        for record in records:
            sink.add(record)
    finally:
        rows = sink.close()
    return rows
