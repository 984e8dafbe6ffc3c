"""The project's own Parquet output (``convert --format parquet``) read back through pyarrow
datasets: records for ``timeline``, ``diff``, ``report`` (every column for ``summary`` and
``findings``), and state counts per capture computed by Arrow's group-by rather than a Python
loop (needs ``pip install '.[parquet]'``)."""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import fields
from typing import Any

from ..errors import NetstatNormalizerError
from ..model.record import Record

COLUMNS = (
    "dialect",
    "capture",
    "host",
    "captured_at",
    "kind",
    "proto",
    "ip_version",
    "local_address",
    "local_port",
    "remote_address",
    "remote_port",
    "state",
    "state_raw",
    "pid",
    "program",
    "extra",
    "source",
)
"""The columns the analysis reads; the others stay on disk."""
ALL_COLUMNS = tuple(f.name for f in fields(Record) if f.init)
"""Every column a record is built from (``summary`` and ``findings`` read the queues and meta)."""


def is_parquet(path: str) -> bool:
    """A Parquet file or a folder of them, by name: ``*.parquet``, or a folder ``convert``
    wrote (it holds a ``summary.json`` beside its outputs)."""
    from pathlib import Path

    where = Path(path)
    return where.suffix == ".parquet" or (where.is_dir() and (where / "summary.json").exists())


def _datasets() -> Any:
    try:
        return importlib.import_module("pyarrow.dataset")
    except ImportError:
        raise NetstatNormalizerError(
            "reading Parquet needs pyarrow: pip install 'netstat-normalizer[parquet]'"
        ) from None


def _fragments(paths: Iterable[str]) -> Iterator[Any]:
    """Each path's Parquet files in order (a folder's sorted by path), as dataset fragments."""
    ds = _datasets()
    from ..sinks.columnar import SCHEMA

    for path in paths:
        dataset = ds.dataset(path, format="parquet", schema=SCHEMA, exclude_invalid_files=True)
        yield from sorted(dataset.get_fragments(), key=lambda f: str(f.path))


def read_records(paths: Iterable[str], columns: tuple[str, ...] = COLUMNS) -> Iterator[Record]:
    """The records of Parquet files or folders, in file and row order, with ``columns``
    (``extra`` parsed back from its JSON text, ``meta`` from its map; ``ALL_COLUMNS`` for
    every field)."""
    for fragment in _fragments(paths):
        for batch in fragment.to_batches(columns=list(columns)):
            data = batch.to_pydict()
            for row in zip(*(data[c] for c in columns)):
                values = dict(zip(columns, row))
                extra = values.pop("extra", None)
                if "meta" in values:
                    values["meta"] = dict(values["meta"] or [])
                yield Record(extra=json.loads(extra) if extra and extra != "{}" else {}, **values)


def state_counts(paths: Iterable[str]) -> list[dict[str, Any]]:
    """Per (host, file, capture), in input order: its canonical state counts, by Arrow."""
    compute = importlib.import_module("pyarrow.compute")
    rows: list[dict[str, Any]] = []
    for fragment in _fragments(paths):
        table = fragment.to_table(columns=["host", "capture", "state", "source"])
        table = table.append_column("path", compute.struct_field(table["source"], "path"))
        grouped = (
            table.filter(compute.is_valid(table["state"]))
            .group_by(["host", "path", "capture", "state"], use_threads=False)
            .aggregate([([], "count_all")])
            .to_pylist()
        )
        order: dict[tuple[Any, ...], dict[str, Any]] = {}
        for g in grouped:
            where = (g["host"], g["path"], g["capture"])
            entry = order.setdefault(where, {"host": g["host"], "path": g["path"]})
            entry.setdefault("capture", g["capture"])
            entry.setdefault("states", {})[g["state"]] = g["count_all"]
        for entry in sorted(order.values(), key=lambda e: (e["path"] or "", e["capture"])):
            entry["states"] = dict(sorted(entry["states"].items()))
            rows.append(entry)
    return rows
