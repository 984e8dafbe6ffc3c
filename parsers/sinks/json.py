"""Records as JSON: one writer for a JSON array or JSON Lines, used by ``parse`` and ``convert``.

Records are written in blocks, each encoded by one orjson call on the list of records (orjson
writes a dataclass from its ``__dict__``, in the order its fields were set: the fields' order):
once per block, orjson costs a third of the generated ``Record.to_json`` per record, and one
call per record would grow and shrink the heap at every record (page faults cost more than the
encoding).  The records of a block are then told apart where one ends and the next begins
(``},{"dialect":``, which no JSON string can hold, a quote in a string being escaped).  A block
that orjson refuses (an int beyond 64 bits, a lone surrogate), whose records a nested value
could be taken for, or holding a record given an attribute that is no field (orjson would write
it), is written record by record with ``Record.to_json``.  Either way ``json.loads`` reads each
record back as ``to_dict()``.
"""

from __future__ import annotations

import codecs
from typing import BinaryIO, TextIO, cast

import orjson

from ..model.record import JSON_OPTIONS, RECORD_FIELDS, Record

_FIELDS = len(RECORD_FIELDS)

_BETWEEN = b'},{"' + RECORD_FIELDS[0].encode() + b'":'
"""Where one record ends and the next begins in orjson's encoding of a list of records."""


class RecordWriter:
    """Records as a JSON array (``json``) or JSON Lines (``jsonl``), as ``parse`` prints them,
    written in blocks of ``BLOCK`` records (``flush`` writes what is pending): as bytes to the
    binary buffer of a UTF-8 text stream (saving a decode and an encode), else as text."""

    BLOCK = 512

    def __init__(self, out: TextIO, fmt: str) -> None:
        self.out = out
        self.fmt = fmt
        self.first = True
        self.pending: list[Record] = []
        self.raw = _utf8_buffer(out)
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
            head, separator, tail = "", "\n", "\n"
        else:
            head, separator, tail = "\n" if self.first else ",\n", ",\n", ""
            self.first = False
        encoded = _encoded(self.pending, separator)
        if encoded is not None and self.raw is not None:
            self.out.flush()  # what was written as text first
            self.raw.write(head.encode() + encoded + tail.encode())
        else:
            text = _one_by_one(self.pending, separator) if encoded is None else encoded.decode()
            self.out.write(head + text + tail)
        self.pending.clear()

    def close(self) -> None:
        self.flush()
        if self.fmt == "json":
            self.out.write("]\n" if self.first else "\n]\n")


def block(records: list[Record], separator: str) -> str:
    """The records as compact JSON, one each, joined by ``separator``."""
    encoded = _encoded(records, separator)
    return _one_by_one(records, separator) if encoded is None else encoded.decode()


def _one_by_one(records: list[Record], separator: str) -> str:
    """``block`` record by record, for a block orjson cannot encode as one."""
    return separator.join([record.to_json() for record in records])


def _encoded(records: list[Record], separator: str) -> bytes | None:
    """``block`` by orjson, as UTF-8; None when it cannot be (see the module's docstring)."""
    if any(map(_FIELDS.__ne__, map(len, map(vars, records)))):
        return None
    try:
        encoded = orjson.dumps(records, option=JSON_OPTIONS)
    except (orjson.JSONEncodeError, TypeError):
        return None
    if not records or encoded.count(_BETWEEN) != len(records) - 1:
        return None
    return encoded[1:-1].replace(_BETWEEN, b"}" + separator.encode() + _BETWEEN[2:])


def _utf8_buffer(out: TextIO) -> BinaryIO | None:
    """The binary buffer under ``out`` when ``out`` encodes text as UTF-8, else None."""
    buffer = getattr(out, "buffer", None)
    encoding = getattr(out, "encoding", None)
    if buffer is None or not isinstance(encoding, str):
        return None
    try:
        utf8 = codecs.lookup(encoding).name == "utf-8"
    except LookupError:
        return None
    return cast(BinaryIO, buffer) if utf8 else None
