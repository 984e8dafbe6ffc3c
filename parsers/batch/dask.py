"""Captures on a Dask cluster: many files in, records and diagnostics out (the ``dask`` extra).

``paths`` is a path, a glob or any fsspec URL (``s3://bucket/**/*.txt.gz``, ``memory://...``), or
a list of them. Each matched file is one partition, read on a worker as ``convert`` reads a file
(``io.archive``: by its name, a ``.gz``, ``.bz2`` or ``.xz`` file is decompressed and the members
of a ``.zip`` or ``.tar[.gz|.bz2|.xz]`` archive are read in turn, within the same limits) and
parsed as a single-process parse would (its lines' numbers and captures are the same). ``path``
in records and diagnostics is the file's path for local files, else its full URL; ``member`` the
archive member.

- ``read_records``: a bag of ``Record.to_dict()`` dicts, in file order then input order.
- ``read_dataframe``: the same records as a DataFrame with ``columnar.SCHEMA``'s columns and
  types, as pandas ``ArrowDtype`` columns: ``timer`` and ``source`` are Arrow structs, ``meta`` an
  Arrow map, ``extra`` JSON text.
- ``read_diagnostics``: a bag of diagnostic dicts (``Diagnostic.to_dict()``'s keys). A source
  that ``convert`` reports as failed or skipped (no dialect recognises it, it is corrupt or over
  a limit, an unsafe archive member) does not fail the computation: it yields no records and one
  diagnostic with ``line`` and ``text`` null and the reason.

The three share their read-and-parse tasks, so computed together they read and parse each file
once: two bags with ``dask.compute(records, diagnostics)``; the DataFrame (or its
``to_parquet(..., compute=False)``) and a bag with ``dask.compute(frame, diagnostics,
optimize_graph=False)``, as graph optimization would fuse the parsing into the bag's tasks and so
parse twice (Dask also warns that it computes mixed collections: harmless here).

A file's records are held in its worker's memory; its bytes are streamed. Unknown dialect names
and parse options (``ParseOptions``' fields) are rejected at once, before any task runs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import dask.bag as db
import dask.dataframe as dd
import fsspec
import pandas as pd
from dask.base import tokenize
from dask.delayed import Delayed, delayed
from fsspec.core import OpenFile
from fsspec.implementations.local import LocalFileSystem

from ..engine import pipeline
from ..engine.captures import host_from_path
from ..io import archive
from ..model.record import Diagnostic, Record
from ..options import ParseOptions
from ..sinks import columnar

__all__ = ["read_dataframe", "read_diagnostics", "read_records"]

_Parsed = tuple[list[Record], list[dict[str, Any]]]
"""One file's records and diagnostic dicts."""


def read_records(
    paths: str | list[str],
    dialect: str = "auto",
    command: str | None = None,
    storage_options: dict[str, Any] | None = None,
    **options: Any,
) -> db.Bag:
    """The records of every file ``paths`` matches, as ``Record.to_dict()`` dicts, one partition
    per file. ``options`` are ``ParseOptions``' other fields (``encoding=``, ``marker=``,
    ``host_from_path=``, ``meta=``); ``storage_options`` go to fsspec."""
    parsed = _parsed(paths, ParseOptions(dialect, command, **options), storage_options)
    return _bag([_delayed(_record_dicts, part) for part in parsed])


def read_diagnostics(
    paths: str | list[str],
    dialect: str = "auto",
    command: str | None = None,
    storage_options: dict[str, Any] | None = None,
    **options: Any,
) -> db.Bag:
    """The diagnostics of every file ``paths`` matches, as dicts, one partition per file; an
    undetectable file's has ``line`` null and the reason."""
    parsed = _parsed(paths, ParseOptions(dialect, command, **options), storage_options)
    return _bag([_delayed(_diagnostic_dicts, part) for part in parsed])


def read_dataframe(
    paths: str | list[str],
    dialect: str = "auto",
    command: str | None = None,
    storage_options: dict[str, Any] | None = None,
    **options: Any,
) -> dd.DataFrame:
    """The records of every file ``paths`` matches as a DataFrame, one partition per file, with
    ``columnar.SCHEMA``'s columns as pandas ``ArrowDtype`` columns (see the module docstring).
    ``.to_parquet(out, schema=columnar.SCHEMA, write_index=False)`` writes them as
    ``columnar.write_parquet`` does."""
    parsed = _parsed(paths, ParseOptions(dialect, command, **options), storage_options)
    parts = [_delayed(_frame, part) for part in parsed]
    frame: dd.DataFrame = dd.from_delayed(parts, meta=_frame(([], [])), verify_meta=False)
    return frame


def _bag(parts: list[Delayed]) -> db.Bag:
    bag: db.Bag = db.from_delayed(parts)  # type: ignore[no-untyped-call]
    return bag


def _delayed(function: Callable[..., Any], *args: Any) -> Delayed:
    task: Delayed = delayed(function, pure=True)(*args)
    return task


def _parsed(
    paths: str | list[str], options: ParseOptions, storage_options: dict[str, Any] | None
) -> list[Delayed]:
    """One task per file that reads and parses it into a ``_Parsed``. The tasks' keys depend only
    on the arguments and the files matched, so ``read_*`` calls made alike share them."""
    pipeline.check(options)
    storage = storage_options or {}
    files = fsspec.open_files(paths, mode="rb", **storage)
    if not files:
        raise FileNotFoundError(f"no file matches {paths!r}")
    urls = [f.fs.unstrip_protocol(f.path) for f in files]
    name = "parse-netstat-" + tokenize(urls, storage, options)
    return [
        delayed(_parse_file)(file, options, dask_key_name=f"{name}-{i}")
        for i, file in enumerate(files)
    ]


def _parse_file(file: OpenFile, options: ParseOptions) -> _Parsed:
    """Read and parse one file (on a worker) as ``convert`` reads it: each of its sources (the
    file, decompressed, or its archive's members) in turn.  A source ``convert`` would report
    as failed or skipped gives no records and one diagnostic with ``line`` null."""
    local = isinstance(file.fs, LocalFileSystem)
    path = file.path if local else file.fs.unstrip_protocol(file.path)
    records: list[Record] = []
    diagnostics: list[dict[str, Any]] = []
    for item in archive.sources(path, file.open):
        entries = (
            [item] if isinstance(item, archive.Problem) else archive.opened(item, opener=file.open)
        )
        for entry in entries:
            if isinstance(entry, archive.Problem):
                diagnostics.append(_problem(path, entry.member, entry.reason))
                continue
            source, opening = entry
            try:
                with opening as stream:
                    items = list(
                        pipeline.iter_parse_stream(
                            stream,
                            options,
                            path=path,
                            member=source.member,
                            host=host_from_path(options.host_from_path, path, source.member),
                        )[1]
                    )
            except archive.source_errors() as error:
                diagnostics.append(_problem(path, source.member, archive.reason_of(error)))
                continue
            records += [i for i in items if isinstance(i, Record)]
            diagnostics += [i.to_dict() for i in items if isinstance(i, Diagnostic)]
    return records, diagnostics


def _problem(path: str, member: str | None, reason: str) -> dict[str, Any]:
    """A source that gave no records, as a diagnostic dict with ``line`` null."""
    return {"path": path, "member": member, "line": None, "text": None, "reason": reason}


def _record_dicts(parsed: _Parsed) -> list[dict[str, Any]]:
    return [record.to_dict() for record in parsed[0]]


def _diagnostic_dicts(parsed: _Parsed) -> list[dict[str, Any]]:
    return parsed[1]


def _frame(parsed: _Parsed) -> pd.DataFrame:
    return columnar.to_table(parsed[0]).to_pandas(types_mapper=pd.ArrowDtype)
