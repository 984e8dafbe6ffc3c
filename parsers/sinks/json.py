"""Records as JSON: one writer for a JSON array or JSON Lines, used by ``parse`` and ``convert``.

Records are written in blocks, each encoded by one orjson call on the list of records (orjson
writes a dataclass natively, in field order): once per block, orjson costs less than the
generated ``Record.to_json`` per record, and several times less than orjson called per record.
The records of a block are then told apart where one ends and the next begins (``},{"dialect":``,
which no JSON string can hold, a quote in a string being escaped); a block that orjson refuses
(an int beyond 64 bits, a lone surrogate), or whose records a nested value could be taken for,
is written record by record with ``Record.to_json``.  Either way ``json.loads`` reads each record
back as ``to_dict()``.
"""

from __future__ import annotations

from typing import TextIO

import orjson

from ..model.record import JSON_OPTIONS, RECORD_FIELDS, Record

_BETWEEN = b'},{"' + RECORD_FIELDS[0].encode() + b'":'
"""Where one record ends and the next begins in orjson's encoding of a list of records."""


class RecordWriter:
    """Records as a JSON array (``json``) or JSON Lines (``jsonl``), as ``parse`` prints them,
    written in blocks of ``BLOCK`` records (``flush`` writes what is pending)."""

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
            self.out.write(block(self.pending, "\n") + "\n")
        else:
            self.out.write(("\n" if self.first else ",\n") + block(self.pending, ",\n"))
            self.first = False
        self.pending.clear()

    def close(self) -> None:
        self.flush()
        if self.fmt == "json":
            self.out.write("]\n" if self.first else "\n]\n")


def block(records: list[Record], separator: str) -> str:
    """The records as compact JSON, one each, joined by ``separator``."""
    try:
        encoded = orjson.dumps(records, option=JSON_OPTIONS)
    except (orjson.JSONEncodeError, TypeError):
        encoded = b""
    if encoded.count(_BETWEEN) != len(records) - 1 or not encoded:
        return separator.join([record.to_json() for record in records])
    joined = encoded[1:-1].replace(_BETWEEN, b"}" + separator.encode() + _BETWEEN[2:])
    return joined.decode()
