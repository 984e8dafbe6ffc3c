"""The record every dialect produces: one socket (or route, interface, ...) row, typed."""

from __future__ import annotations

import json
import types
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from json.encoder import encode_basestring
from operator import attrgetter
from typing import Any, TypedDict, cast, get_type_hints, is_typeddict

import orjson


class Source(TypedDict):
    """Where a record was read: the file (None for stdin), the archive member, the line number."""

    path: str | None
    member: str | None
    line: int


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
    source: Source = field(default_factory=lambda: cast(Source, {}))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict, keys in the documented order (``extra`` and ``source`` not copied)."""
        return dict(zip(RECORD_FIELDS, _values(self)))

    def to_json(self) -> str:
        """``to_dict()`` as one line of compact JSON (what ``json.loads`` reads back as
        ``to_dict()``), without building the dict (a third of the time)."""
        try:
            return _fast_json(self)
        except (TypeError, KeyError):  # a value of another type than declared
            return _ENCODE(self.to_dict())


RECORD_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Record))
_values = attrgetter(*RECORD_FIELDS)
_ENCODE = json.JSONEncoder(ensure_ascii=False, check_circular=False, separators=(",", ":")).encode
JSON_OPTIONS = orjson.OPT_NON_STR_KEYS
"""orjson's options for a record's values: keys that are no text written as text, as json does."""


def nested_json(value: Any) -> str:
    """A nested value (``extra``, ``timer``, ``meta``) as compact JSON: by orjson, 3-4x faster
    than json on ss's ``extra``; by json when orjson refuses it (an int beyond 64 bits, a lone
    surrogate)."""
    try:
        return orjson.dumps(value, option=JSON_OPTIONS).decode()
    except orjson.JSONEncodeError:
        return _ENCODE(value)


def _json_writer(hints: dict[str, Any], of: str) -> str:
    """An f-string body writing the fields ``hints`` types, read as ``of.format(name)``: a text
    or a number directly (``encode_basestring`` and ``int.__repr__`` raise on another type; a
    bool is an int json writes as a word), a TypedDict field by field, anything else (but an
    empty dict) through ``nested_json``."""
    parts = []
    for name, hint in hints.items():
        value = of.format(name)
        options = set(hint.__args__) if isinstance(hint, types.UnionType) else {hint}
        if is_typeddict(hint):
            written = "{{" + _json_writer(get_type_hints(hint), value + '["{}"]') + "}}"
        elif options - {type(None)} == {str}:
            written = f'{{"null" if {value} is None else _text({value})}}'
        elif options - {type(None)} == {int}:
            words = f'"true" if {value} is True else "false" if {value} is False'
            written = f'{{"null" if {value} is None else {words} else int.__repr__({value})}}'
        else:
            encoded = f'"{{}}" if {value} == {{}} else _encode({value})'
            written = f'{{"null" if {value} is None else {encoded}}}'
        parts.append(f"{json.dumps(name)}:{written}")
    return ",".join(parts)


def _compile_json() -> Callable[[Record], str]:
    """``Record.to_json``'s writer, generated from the fields' types (as dataclasses generate
    ``__init__``): one f-string, most values written without a call (faster than orjson on a
    dataclass, whose per-call cost exceeds a plain record's whole f-string)."""
    body = _json_writer(get_type_hints(Record), "record.{}")
    namespace = {"_text": encode_basestring, "_encode": nested_json}
    exec(f"def to_json(record):\n    return f'''{{{{{body}}}}}'''", namespace)
    return namespace["to_json"]  # type: ignore[no-any-return]


_fast_json = _compile_json()


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
