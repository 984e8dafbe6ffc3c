"""Choosing and keying records: ``--where FIELD=VALUE`` filters, ``--by`` keys, the capture a
record belongs to; shared by ``summary`` and ``findings``."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, get_type_hints

from ..model.record import RECORD_FIELDS, Record
from ..model.states import canonical_state
from .knowledge import UnknownWordError

_INT_FIELDS = frozenset(
    name for name, hint in get_type_hints(Record).items() if hint in (int, int | None)
)
UDP = frozenset({"udp", "udplite"})
"""Protocols whose socket bound to a port with no peer is a listener."""

Getter = Callable[[Record], Any]


NESTED = ("meta", "extra", "source", "timer")
"""Fields holding a mapping: a key of theirs is named ``FIELD.KEY`` (``meta.site``,
``source.path``, ``timer.name``)."""


def getter(field: str) -> Getter:
    """A function reading ``field`` (a record field, or ``meta.KEY``, ``source.path``...) from
    a record."""
    outer, dot, key = field.partition(".")
    if dot and outer in NESTED and key:
        return lambda record: (getattr(record, outer) or {}).get(key)
    if field not in RECORD_FIELDS or field in NESTED:
        fields = [f for f in RECORD_FIELDS if f not in NESTED]
        raise UnknownWordError("field", field, [*fields, *(f"{f}.KEY" for f in NESTED)])
    return _attr(field)


def _attr(field: str) -> Getter:
    return lambda record: getattr(record, field)


def condition(text: str) -> tuple[str, Any]:
    """``FIELD=VALUE`` as (field, typed value): an int for numeric fields, the canonical state
    for ``state`` (any spelling), None for an empty value; ValueError when malformed."""
    field, equals, value = text.partition("=")
    if not equals or not field:
        raise ValueError(f"--where wants FIELD=VALUE, not {text!r}")
    getter(field)  # an unknown field fails here
    if value == "":
        return field, None
    if field in _INT_FIELDS or field == "source.line":
        try:
            return field, int(value)
        except ValueError:
            raise ValueError(f"--where {field} wants a number, not {value!r}") from None
    if field == "state":
        return field, canonical_state(value) or value
    return field, value


def where(records: Iterable[Record], conditions: Iterable[str]) -> Iterator[Record]:
    """The records matching every ``FIELD=VALUE`` exactly (port 80 is not 8080)."""
    tests = [(getter(field), value) for field, value in map(condition, conditions)]
    if not tests:
        return iter(records)
    return (r for r in records if all(get(r) == value for get, value in tests))


def capture_key(record: Record) -> tuple[Any, ...]:
    """What tells one capture from another: the file, the archive member, the capture index."""
    source = record.source
    return (source.get("path"), source.get("member"), record.capture, record.host)
