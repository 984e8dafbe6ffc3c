"""The record every dialect produces: one socket (or route, interface, ...) row, typed."""

from __future__ import annotations

import json
import re
import types
from collections.abc import Callable
from dataclasses import MISSING, dataclass, field, fields
from functools import cache
from json.encoder import encode_basestring
from operator import attrgetter
from typing import Any, TypedDict, cast, get_type_hints, is_typeddict

import orjson

from .addresses import NO_SCOPE_PROTOS, scope_of


class Source(TypedDict):
    """Where a record was read: the file (``<stdin>`` for stdin; None for a text given without
    a path), the archive member, the line number."""

    path: str | None
    member: str | None
    line: int


@dataclass
class Record:
    """One row of netstat/ss output in canonical form; see ``record.schema.json``.

    No ``__slots__``, on purpose: orjson writes a plain instance from its ``__dict__`` in one
    step, twice as fast as a slotted one field by field (JSON output costs 13% less), for 5%
    more memory a record."""

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
    local_scope: str | None = field(default=None, init=False)
    """``wildcard``, ``loopback``, ``link-local``, ``private``, ``other`` (``addresses.scope_of``)
    for a socket's IP address, whatever its spelling (``0.0.0.0``, ``::``, ``*``); else None."""
    remote_scope: str | None = field(default=None, init=False)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict, keys in the documented order (``extra`` and ``source`` not copied)."""
        return dict(zip(RECORD_FIELDS, _values(self)))

    def to_json(self) -> str:
        """``to_dict()`` as one line of compact JSON (what ``json.loads`` reads back as
        ``to_dict()``), without building the dict (a third of the time)."""
        try:
            return _fast_json()(self)
        except (TypeError, KeyError):  # a value of another type than declared
            return _ENCODE(self.to_dict())


def _compile_init() -> Callable[..., None]:
    """``Record.__init__``: the dataclass's (same parameters and defaults), setting the scopes
    of a socket's addresses itself, in the same function (a ``__post_init__`` call costs as
    much as the scopes)."""
    namespace: dict[str, Any] = {"_MISSING": _MISSING, "_scope": scope_of}
    namespace["_NO_SCOPE"] = NO_SCOPE_PROTOS
    parameters, body = [], []
    for item in fields(Record):
        name = item.name
        if not item.init:
            continue
        if item.default_factory is not MISSING:
            namespace[f"_{name}_factory"] = item.default_factory
            parameters.append(f"{name}=_MISSING")
            body.append(f"self.{name} = _{name}_factory() if {name} is _MISSING else {name}")
        else:
            if item.default is not MISSING:
                namespace[f"_{name}_default"] = item.default
            parameters.append(name if item.default is MISSING else f"{name}=_{name}_default")
            body.append(f"self.{name} = {name}")
    body += [
        'if kind == "socket" and proto not in _NO_SCOPE:',
        "    self.local_scope = _scope(local_address)",
        "    self.remote_scope = _scope(remote_address)",
        "else:",
        "    self.local_scope = self.remote_scope = None",
    ]
    lines = "\n    ".join(body)
    exec(f"def __init__(self, {', '.join(parameters)}):\n    {lines}", namespace)
    init: Callable[..., None] = namespace["__init__"]
    init.__qualname__ = "Record.__init__"
    return init


_MISSING = object()
Record.__init__ = _compile_init()  # type: ignore[method-assign]


@cache
def record_maker(names: tuple[str, ...]) -> Callable[..., Record]:
    """A function making a Record from the values of the fields ``names`` (in the fields' order,
    scopes included), every other field None: for a row builder that works a socket's scopes
    out itself (``scope_of``'s), skipping ``__init__`` and the fields it would pass as None."""
    order = [f.name for f in fields(Record)]
    if list(names) != [name for name in order if name in names]:
        raise ValueError(f"not Record fields in their order: {names}")
    body = [f"record.{name} = {name if name in names else 'None'}" for name in order]
    source = f"def make({', '.join(names)}):\n    record = _new(Record)\n    "
    namespace: dict[str, Any] = {"_new": object.__new__, "Record": Record}
    exec(source + "\n    ".join([*body, "return record"]), namespace)
    make: Callable[..., Record] = namespace["make"]
    return make


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


@cache
def _fast_json() -> Callable[[Record], str]:
    """``Record.to_json``'s writer, generated from the fields' types (as dataclasses generate
    ``__init__``) when first needed (2 ms): one f-string, most values written without a call
    (faster than one orjson call per record)."""
    body = _json_writer(get_type_hints(Record), "record.{}")
    namespace: dict[str, Any] = {"_text": encode_basestring, "_encode": nested_json}
    exec(f"def to_json(record):\n    return f'''{{{{{body}}}}}'''", namespace)
    writer: Callable[[Record], str] = namespace["to_json"]
    return writer


STDIN = "<stdin>"
"""How standard input is named, in records and messages (as ``sys.stdin.name`` names it)."""
UNNAMED = "<input>"
"""How a diagnostic of a text given without a path names it."""

_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f]")
"""C0 and C1 control characters and DEL: a terminal may act on them (ESC ] sets the title)."""


def printable(text: str) -> str:
    """``text`` with its control characters escaped (``\\x1b``, ``\\t``), as JSON escapes them
    in ``diagnostics.jsonl``: safe to echo on a terminal."""
    return _UNPRINTABLE.sub(_escape, text)


def _escape(found: re.Match[str]) -> str:
    char = found[0]
    return "\\t" if char == "\t" else f"\\x{ord(char):02x}"


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
        """``PATH:LINE: reason: text``, safe for a terminal (see ``printable``), the text without
        its trailing padding."""
        where = self.path or UNNAMED
        if self.member is not None:
            where += f"[{self.member}]"
        return printable(f"{where}:{self.line}: {self.reason}: {self.text.rstrip()}")

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "path": self.path,
            "member": self.member,
            "line": self.line,
            "text": self.text,
            "reason": self.reason,
        }
