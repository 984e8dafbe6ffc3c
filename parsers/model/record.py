"""The record every dialect produces: one socket (or route, interface, ...) row, typed."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from operator import attrgetter
from typing import Any, TypedDict, cast

import orjson


class Source(TypedDict):
    """Where a record was read: the file (None for stdin), the archive member, the line number."""

    path: str | None
    member: str | None
    line: int


@dataclass
class Record:
    """One row of netstat/ss output in canonical form; see ``record.schema.json``."""

    dialect: str
    capture: int = 0
    host: str | None = None
    captured_at: str | None = None
    meta: dict[str, str] = field(default_factory=dict)
    kind: str = "socket"
    proto: str | None = None
    ip_version: int | None = None
    local_address: str | None = None
    local_port: int | None = None
    local_service: str | None = None
    local_interface: str | None = None
    remote_address: str | None = None
    remote_port: int | None = None
    remote_service: str | None = None
    remote_interface: str | None = None
    state: str | None = None
    state_raw: str | None = None
    recv_q: int | None = None
    send_q: int | None = None
    pid: int | None = None
    program: str | None = None
    user: str | None = None
    inode: int | None = None
    timer: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    source: Source = field(default_factory=lambda: cast(Source, {}))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict, keys in the documented order (``extra`` and ``source`` not copied)."""
        return dict(zip(RECORD_FIELDS, _values(self)))

    def to_json(self) -> str:
        """``to_dict()`` as one line of compact JSON, written by orjson from the dataclass itself
        (a Record has no ``__slots__``: orjson reads an instance's ``__dict__`` 4x faster, for
        25% more memory); by json when orjson refuses a value (an int beyond 64 bits, a lone
        surrogate from an undecodable path)."""
        try:
            return orjson.dumps(self, option=JSON_OPTIONS).decode()
        except orjson.JSONEncodeError:
            return _ENCODE(self.to_dict())


RECORD_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Record))
JSON_OPTIONS = orjson.OPT_NON_STR_KEYS
"""orjson's options for a record: keys that are no text written as text, as json does."""
_values = attrgetter(*RECORD_FIELDS)
_ENCODE = json.JSONEncoder(ensure_ascii=False, check_circular=False, separators=(",", ":")).encode


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A line that could not be parsed: where it is, what it says and why it failed."""

    path: str | None
    line: int
    text: str
    reason: str
    member: str | None = None
    """The archive member the line is in, when the path is an archive."""

    def __str__(self) -> str:
        where = self.path or "<stdin>"
        if self.member is not None:
            where += f"[{self.member}]"
        return f"{where}:{self.line}: {self.reason}: {self.text}"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "path": self.path,
            "member": self.member,
            "line": self.line,
            "text": self.text,
            "reason": self.reason,
        }
