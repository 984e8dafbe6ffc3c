"""The record every dialect produces: one socket (or route, interface, ...) row, typed."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from operator import attrgetter
from typing import Any


@dataclass(slots=True)
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
    source: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict, keys in the documented order (``extra`` and ``source`` not copied)."""
        return dict(zip(RECORD_FIELDS, _values(self)))


RECORD_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Record))
_values = attrgetter(*RECORD_FIELDS)


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
