"""Records as JSON: one writer for a JSON array or JSON Lines, used by ``parse`` and ``convert``."""

from __future__ import annotations

from typing import TextIO

import orjson

from ..model.record import JSON_OPTIONS, Record


class RecordWriter:
    """Records as a JSON array (``json``) or JSON Lines (``jsonl``), as ``parse`` prints them,
    written in blocks of ``BLOCK`` records (``flush`` writes what is pending), each record as
    ``Record.to_json`` writes it: compact JSON by orjson, a block decoded and written at once."""

    BLOCK = 512

    def __init__(self, out: TextIO, fmt: str) -> None:
        self.out = out
        self.fmt = fmt
        self.first = True
        self.pending: list[Record] = []
        if fmt == "json":
            out.write("[")

    def write(self, record: Record) -> None:
        self.pending.append(record)
        if len(self.pending) >= self.BLOCK:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        if self.fmt == "jsonl":
            self.out.write(_block(self.pending, "\n") + "\n")
        else:
            self.out.write(("\n" if self.first else ",\n") + _block(self.pending, ",\n"))
            self.first = False
        self.pending.clear()

    def close(self) -> None:
        self.flush()
        if self.fmt == "json":
            self.out.write("]\n" if self.first else "\n]\n")


def _block(records: list[Record], separator: str) -> str:
    """The records' JSON joined by ``separator``: by orjson in one go, or record by record
    when orjson refuses a value (see ``Record.to_json``)."""
    try:
        encoded = [orjson.dumps(r, option=JSON_OPTIONS) for r in records]
    except orjson.JSONEncodeError:
        return separator.join(r.to_json() for r in records)
    return separator.encode().join(encoded).decode()
