"""Captures on a Dask cluster: many files in, records and diagnostics out (the ``dask`` extra).

``paths`` is a path, a glob or any fsspec URL (``s3://bucket/**/*.txt.gz``, ``memory://...``), or
a list of them; compression is inferred from the file name. Each matched file is one partition,
read and parsed whole on a worker with ``netstat_normalizer.parse`` (so its lines' numbers and
its captures are those of a single-process parse). ``path`` in records and diagnostics is the
file's path for local files, else its full URL.

- ``read_records``: a bag of ``Record.to_dict()`` dicts, in file order then input order.
- ``read_dataframe``: the same records as a DataFrame with ``columnar.SCHEMA``'s columns and
  types, as pandas ``ArrowDtype`` columns: ``timer`` and ``source`` are Arrow structs, ``meta`` an
  Arrow map, ``extra`` JSON text.
- ``read_diagnostics``: a bag of diagnostic dicts (``Diagnostic.to_dict()``'s keys). A file no
  dialect recognises (DetectionError) does not fail the computation: it yields no records and one
  diagnostic with ``line`` and ``text`` null and the detection error as ``reason``.

The three share their read-and-parse tasks, so computed together they read and parse each file
once: two bags with ``dask.compute(records, diagnostics)``; the DataFrame (or its
``to_parquet(..., compute=False)``) and a bag with ``dask.compute(frame, diagnostics,
optimize_graph=False)``, as graph optimization would fuse the parsing into the bag's tasks and so
parse twice (Dask also warns that it computes mixed collections: harmless here).

Each file is held whole in its worker's memory while it is parsed. Errors other than detection
(a missing or unreadable file, a corrupt gzip stream) are raised, as Dask raises a task's error.
Unknown dialect names and parse options are rejected at once, before any task runs.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import dask
import dask.bag as db
import dask.dataframe as dd
import fsspec
import pandas as pd
from dask.base import tokenize
from dask.delayed import Delayed
from fsspec.core import OpenFile
from fsspec.implementations.local import LocalFileSystem

from ..engine import pipeline
from ..errors import DetectionError, UnknownDialectError
from ..model.record import Record
from ..sinks import columnar

__all__ = ["read_dataframe", "read_diagnostics", "read_records"]

_Parsed = tuple[list[Record], list[dict[str, Any]]]
"""One file's records and diagnostic dicts."""


def read_records(
    paths: str | list[str],
    dialect: str = "auto",
    command: str | None = None,
    storage_options: dict[str, Any] | None = None,
    **parse_options: Any,
) -> db.Bag:
    """The records of every file ``paths`` matches, as ``Record.to_dict()`` dicts, one partition
    per file. ``parse_options`` go to ``parse`` (``encoding=``); ``storage_options`` to fsspec."""
    parsed = _parsed(paths, dialect, command, storage_options, parse_options)
    return db.from_delayed([_delayed(_record_dicts, part) for part in parsed])


def read_diagnostics(
    paths: str | list[str],
    dialect: str = "auto",
    command: str | None = None,
    storage_options: dict[str, Any] | None = None,
    **parse_options: Any,
) -> db.Bag:
    """The diagnostics of every file ``paths`` matches, as dicts, one partition per file; an
    undetectable file's has ``line`` null and the reason."""
    parsed = _parsed(paths, dialect, command, storage_options, parse_options)
    return db.from_delayed([_delayed(_diagnostic_dicts, part) for part in parsed])


def read_dataframe(
    paths: str | list[str],
    dialect: str = "auto",
    command: str | None = None,
    storage_options: dict[str, Any] | None = None,
    **parse_options: Any,
) -> dd.DataFrame:
    """The records of every file ``paths`` matches as a DataFrame, one partition per file, with
    ``columnar.SCHEMA``'s columns as pandas ``ArrowDtype`` columns (see the module docstring).
    ``.to_parquet(out, schema=columnar.SCHEMA, write_index=False)`` writes them as
    ``columnar.write_parquet`` does."""
    parsed = _parsed(paths, dialect, command, storage_options, parse_options)
    parts = [_delayed(_frame, part) for part in parsed]
    return dd.from_delayed(parts, meta=_frame(([], [])), verify_meta=False)


def _delayed(function: Callable[..., Any], *args: Any) -> Delayed:
    return dask.delayed(function, pure=True)(*args)


def _parsed(
    paths: str | list[str],
    dialect: str,
    command: str | None,
    storage_options: dict[str, Any] | None,
    parse_options: dict[str, Any],
) -> list[Delayed]:
    """One task per file that reads and parses it into a ``_Parsed``. The tasks' keys depend only
    on the arguments and the files matched, so ``read_*`` calls made alike share them."""
    if dialect != "auto" and dialect not in pipeline.dialects():
        raise UnknownDialectError(dialect, pipeline.dialects())
    inspect.signature(pipeline.parse).bind(b"", dialect, None, command, **parse_options)
    options = storage_options or {}
    files = fsspec.open_files(paths, mode="rb", compression="infer", **options)
    if not files:
        raise FileNotFoundError(f"no file matches {paths!r}")
    urls = [f.fs.unstrip_protocol(f.path) for f in files]
    name = "parse-netstat-" + tokenize(urls, options, dialect, command, parse_options)
    return [
        dask.delayed(_parse_file)(
            file, dialect, command, parse_options, dask_key_name=f"{name}-{i}"
        )
        for i, file in enumerate(files)
    ]


def _parse_file(
    file: OpenFile, dialect: str, command: str | None, parse_options: dict[str, Any]
) -> _Parsed:
    """Read and parse one file (on a worker); a DetectionError becomes a diagnostic."""
    local = isinstance(file.fs, LocalFileSystem)
    path = file.path if local else file.fs.unstrip_protocol(file.path)
    with file as stream:
        data = stream.read()
    try:
        result = pipeline.parse(data, dialect, path=path, command=command, **parse_options)
    except DetectionError as error:
        undetected = {"path": path, "member": None, "line": None, "text": None}
        return [], [{**undetected, "reason": error.reason}]
    return result.records, [d.to_dict() for d in result.diagnostics]


def _record_dicts(parsed: _Parsed) -> list[dict[str, Any]]:
    return [record.to_dict() for record in parsed[0]]


def _diagnostic_dicts(parsed: _Parsed) -> list[dict[str, Any]]:
    return parsed[1]


def _frame(parsed: _Parsed) -> pd.DataFrame:
    return columnar.to_table(parsed[0]).to_pandas(types_mapper=pd.ArrowDtype)
