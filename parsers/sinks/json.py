"""Records as JSON: one writer for a JSON array or JSON Lines, used by ``parse`` and ``convert``."""

from __future__ import annotations

from typing import TextIO

from ..model.record import Record


class RecordWriter:
    """Records as a JSON array (``json``) or JSON Lines (``jsonl``), as ``parse`` prints them,
    written in blocks of ``BLOCK`` records (``flush`` writes what is pending)."""

    BLOCK = 512

    def __init__(self, out: TextIO, fmt: str) -> None:
        self.out = out
        self.fmt = fmt
        self.first = True
        self.pending: list[str] = []
        if fmt == "json":
            out.write("[")

    def write(self, record: Record) -> None:
        self.pending.append(record.to_json())
        if len(self.pending) >= self.BLOCK:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        if self.fmt == "jsonl":
            self.out.write("\n".join(self.pending) + "\n")
        else:
            self.out.write(("\n" if self.first else ",\n") + ",\n".join(self.pending))
            self.first = False
        self.pending.clear()

    def close(self) -> None:
        self.flush()
        if self.fmt == "json":
            self.out.write("]\n" if self.first else "\n]\n")
