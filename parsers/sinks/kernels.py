"""Typing columns of printed values with Arrow compute kernels, exactly as the row path types
one value (needs ``pyarrow``).

Each function takes string arrays and returns typed arrays.  The common shape of a value (a
plain ``10.0.0.1:22``, a state word of the dialect, an IPv4 address) is typed by a kernel; any
other value (a service name, a zone, a bracketed address, an IPv6 address's scope) by the very
function the row path calls, on that value alone, so the two routes cannot disagree.
``socket_batch`` makes the typed columns a batch with ``columnar.SCHEMA``.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pyarrow as pa
import pyarrow.compute

from ..model.addresses import NO_SCOPE_PROTOS, PORT_PATTERN, SCOPES, Endpoint, scope_of
from ..model.record import RECORD_FIELDS, Record, nested_json
from .columnar import SCHEMA

pc: Any = pyarrow.compute
_pa: Any = pa
"""``pyarrow``, untyped where its stubs refuse a ``DataType`` (``pa.nulls(3, kind)``)."""
"""``pyarrow.compute``, untyped: its stubs' overloads refuse valid calls
(``pc.equal(array, "tcp")``)."""

__all__ = [
    "Column",
    "constant",
    "endpoints",
    "hex_numbers",
    "integer",
    "integers",
    "ip_versions",
    "json_objects",
    "lookup",
    "python_map",
    "scopes",
    "socket_batch",
    "text",
]

Column = Any
"""An Arrow array.  Typed ``Any``: pyarrow's stubs type each compute function by overloads of
concrete array classes, which a function over any column cannot name."""


def text(value: str) -> pa.StringScalar:
    """``value`` as an Arrow string scalar, for a kernel's argument.  Kernels are given Arrow
    scalars, never Python values: pyarrow infers a Python value's type at each call, and its
    inference tries to import ``dateutil`` each time (60 us when it is not installed)."""
    return pa.scalar(value, pa.string())


def integer(value: int) -> pa.Int64Scalar:
    """``value`` as an Arrow int64 scalar, for a kernel's argument (see ``text``)."""
    return pa.scalar(value, pa.int64())


_OCTET = "25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9]"
_SIMPLE_PORT = {
    ":": rf"^[^\[%][^%]*:(?:{PORT_PATTERN})$",
    ".": rf"^(?:(?:(?:{_OCTET})\.){{3}}(?:{_OCTET})?|[^\[%0-9][^%]*|[0-9][0-9.]*[^0-9.%][^%]*)"
    rf"\.(?:{PORT_PATTERN})$",
}
"""``split_colon`` and ``split_dot``'s common case: a port of ASCII digits after the last
separator, a host not bracketed and without a zone (then no service or interface); for
``split_dot``, a host of digits and dots only when it is an IPv4 address (or one cut to 12
characters: ``addresses.dot_refused``)."""
_BRACKETED = rf"^\[[^\]%]+\]:(?:{PORT_PATTERN})$"
"""``split_colon`` of a bracketed address without a zone: the address inside, the port."""
_IPV4 = "^" + r"\.".join(f"(?:{_OCTET})" for i in range(4)) + "$"
"""What ``inet_pton`` reads as an IPv4 address (no leading zeros, each octet at most 255)."""
_IPV4_SYNTAX = r"^[0-9][0-9.]*$"
"""``addresses.ip_version``'s IPv4: ASCII digits and dots, beginning with a digit."""


def constant(value: Any, length: int, kind: pa.DataType) -> Column:
    """``value`` repeated ``length`` times (nulls for None); the last few made are kept (a
    capture's labels are the same for each of its batches)."""
    key = (repr(value), str(kind), length)
    found = _CONSTANTS.get(key)
    if found is None:
        if len(_CONSTANTS) >= 64:
            _CONSTANTS.clear()
        made = (
            _pa.nulls(length, kind) if value is None else _pa.repeat(pa.scalar(value, kind), length)
        )
        found = _CONSTANTS[key] = made
    return found


_CONSTANTS: dict[tuple[str, str, int], Column] = {}


def python_map(values: Column, function: Callable[[Any], Any], kind: pa.DataType) -> Column:
    """``function`` of each distinct value (nulls stay null): the row path's own code, called
    once per distinct value."""
    distinct = pc.unique(values).drop_null()
    mapped = pa.array([function(v) for v in distinct.to_pylist()], kind)
    return mapped.take(pc.index_in(values, value_set=distinct))


def lookup(values: Column, table: Mapping[str, Any], kind: pa.DataType) -> Column:
    """Each value looked up in ``table`` (a value it lacks, and null, give null)."""
    keys = pa.array(list(table), pa.string())
    return pa.array(list(table.values()), kind).take(pc.index_in(values, value_set=keys))


def integers(values: Column, kind: pa.DataType | None = None) -> Column:
    """Decimal texts as integers, as ``int()`` reads them (by ``int`` when a kernel cannot)."""
    kind = kind or pa.int64()
    try:
        return pc.cast(values, kind)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return python_map(values, int, kind)


def hex_numbers(texts: Column, start: int, stop: int) -> Column:
    """The number printed in hex at ``texts[start:stop]`` (negative offsets count from the
    end), as ``int(text, 16)`` reads it; null where the text is null, not ASCII, too short, or a
    digit is not hex.  Each digit is read straight from the column's bytes (its offsets plus the
    digit's place), looked up as a nibble; no text is sliced.  At most 15 digits (an int64)."""
    if not 0 < len(range(start, stop)) <= 15 or (start < 0) != (stop <= 0):
        raise ValueError(f"hex digits [{start}:{stop}]: 1 to 15 digits, both ends from one side")
    if not len(texts):
        return pa.array([], pa.int64())
    needed = -start if start < 0 else stop
    fits = pc.and_(
        pc.fill_null(pc.string_is_ascii(texts), False),
        pc.greater_equal(pc.utf8_length(texts), integer(needed)),
    )
    every = pc.all(fits).as_py()
    if not every:  # the others read as zeros, then null
        texts = pc.if_else(fits, texts, text("0" * needed))
    _, offsets, data = texts.buffers()
    wide = pa.types.is_large_string(texts.type)
    kind = pa.int64() if wide else pa.int32()
    bounds = pa.Array.from_buffers(kind, len(texts) + 1, [None, offsets], offset=texts.offset)
    ends = pc.cast(bounds.slice(1) if start < 0 else bounds.slice(0, len(texts)), pa.int64())
    body = pa.Array.from_buffers(pa.uint8(), data.size, [None, data])
    found: Column = None
    for at in range(start, stop):
        digit = _NIBBLES.take(body.take(pc.add(ends, integer(at))))
        found = digit if found is None else pc.add(pc.multiply(found, _SIXTEEN), digit)
    return found if every else pc.if_else(fits, found, pa.scalar(None, pa.int64()))


_NIBBLES = pa.array(
    [int(chr(b), 16) if chr(b) in string.hexdigits else None for b in range(256)], pa.int64()
)
"""Each byte's value as a hex digit (null for a byte that is none)."""
_SIXTEEN = pa.scalar(16, pa.int64())


def json_objects(names: Sequence[str], values: Sequence[Column]) -> Column:
    """Each row's ``values`` (integers or texts) as a JSON object's text with these keys, as
    ``json_text`` writes it; a null value leaves its key out, but the first: null where it is
    null."""
    pieces: list[Any] = []
    for at, (name, column) in enumerate(zip(names, values)):
        key = text(("{" if at == 0 else ",") + nested_json(name) + ":")
        value = _quoted(column) if pa.types.is_string(column.type) else pc.cast(column, _STRING)
        if at and value.null_count:  # the key and its value, or nothing
            pieces.append(pc.binary_join_element_wise(key, value, _NOTHING))
        else:
            pieces += [key, value]
    joined = pc.binary_join_element_wise(
        *pieces, _CLOSE, _NOTHING, null_handling="replace", null_replacement=""
    )
    if values[0].null_count:
        joined = pc.if_else(pc.is_valid(values[0]), joined, pa.scalar(None, _STRING))
    return joined


def _quoted(texts: Column) -> Column:
    """Texts as JSON strings: quoted, and those with a character JSON escapes by ``nested_json``."""
    quoted = pc.binary_join_element_wise(_QUOTE, texts, _QUOTE, _NOTHING)
    escaped = pc.invert(pc.fill_null(pc.match_substring_regex(texts, _UNESCAPED), True))
    if not pc.any(escaped).as_py():
        return quoted
    return pc.replace_with_mask(
        quoted, escaped, python_map(pc.filter(texts, escaped), nested_json, pa.string())
    )


_UNESCAPED = r'^[^"\\\x00-\x1f]*$'
"""A text JSON writes between quotes as it is."""
_QUOTE, _CLOSE, _NOTHING, _STAR = text('"'), text("}"), text(""), text("*")
_STRING = pa.string()


def endpoints(
    texts: Column,
    separator: str,
    split: Callable[[str, str], Endpoint],
    protos: Column | str,
) -> tuple[Column, Column, Column, Column]:
    """Address, port, service and interface of each endpoint text: the common case by kernels
    (a regex test, then a split at the last separator), the others by ``split(text, proto)``
    (``split_colon``, ``split_dot``)."""
    length = len(texts)
    simple = pc.fill_null(pc.match_substring_regex(texts, _SIMPLE_PORT[separator]), False)
    host, port = _halves(pc.filter(texts, simple), separator)
    nothing = pa.nulls(length, pa.string())
    address = pc.replace_with_mask(nothing, simple, host)
    number = pc.replace_with_mask(pa.nulls(length, pa.int32()), simple, pc.cast(port, pa.int32()))
    if separator == ":":  # [::1]:22: the address in brackets, no zone
        bracketed = pc.fill_null(pc.match_substring_regex(texts, _BRACKETED), False)
        inside, port = _halves(pc.filter(texts, bracketed), "]:")
        address = pc.replace_with_mask(address, bracketed, pc.utf8_slice_codeunits(inside, 1))
        number = pc.replace_with_mask(number, bracketed, pc.cast(port, pa.int32()))
        simple = pc.or_(simple, bracketed)
    anywhere = pc.fill_null(pc.equal(texts, text(f"*{separator}*")), False)  # *:*, *.*: no port
    address = pc.replace_with_mask(address, anywhere, pa.repeat(_STAR, length))
    simple = pc.or_(simple, anywhere)
    service = interface = nothing
    mask = pc.and_(pc.invert(simple), pc.is_valid(texts))  # a null text: no endpoint
    others = pc.indices_nonzero(mask)
    if not len(others):
        return address, number, service, interface
    rows = texts.take(others).to_pylist()
    lookups = [protos] * len(rows) if isinstance(protos, str) else protos.take(others).to_pylist()
    split_ends = [split(t, p) for t, p in zip(rows, lookups)]
    columns = []
    for values, column, kind in zip(
        zip(*split_ends),
        (address, number, service, interface),
        (pa.string(), pa.int32(), pa.string(), pa.string()),
    ):
        columns.append(pc.replace_with_mask(column, mask, _pa.array(values, kind)))
    return columns[0], columns[1], columns[2], columns[3]


def _halves(texts: Column, separator: str) -> tuple[Column, Column]:
    """The texts before and after their last ``separator`` (each text holds one)."""
    parts = pc.split_pattern(texts, separator, max_splits=1, reverse=True)
    return pc.list_element(parts, _INDEX[0]), pc.list_element(parts, _INDEX[1])


_INDEX = [pa.scalar(index, pa.int32()) for index in range(4)]
"""List indices, for ``list_element``."""


def ip_versions(addresses: Column, *others: Column) -> Column:
    """``addresses.ip_version`` of each address: 6 with a colon, 4 for digits and dots; where
    it gives none, that of the address in ``others`` (each looked at only if some are left)."""
    six = pc.match_substring(addresses, ":")
    four = pc.match_substring_regex(addresses, _IPV4_SYNTAX)
    nulls = pa.nulls(len(addresses), pa.int32())
    found = pc.if_else(
        six, pa.scalar(6, pa.int32()), pc.if_else(four, pa.scalar(4, pa.int32()), nulls)
    )
    if others and found.null_count:
        return pc.coalesce(found, ip_versions(*others))
    return found


def scopes(addresses: Column) -> Column:
    """``addresses.scope_of`` of each address: IPv4 addresses by masks (``data/scopes.tsv``),
    the others (IPv6, ``*``, names) by ``scope_of`` itself."""
    length = len(addresses)
    four = pc.fill_null(pc.match_substring_regex(addresses, _IPV4), False)
    v4 = pc.filter(addresses, four)
    octets = pc.split_pattern(v4, ".")
    value: Column = pa.scalar(0, pa.uint32())
    for index in _INDEX:
        octet = pc.cast(pc.list_element(octets, index), pa.uint32())
        value = pc.bit_wise_or(pc.shift_left(value, _OCTET_BITS), octet)
    conditions = [pc.equal(pc.bit_wise_and(value, mask), net) for net, mask in _V4_NETWORKS]
    names = [pa.scalar(scope, pa.string()) for *_, scope in SCOPES[32]]
    found = pc.case_when(pc.make_struct(*conditions), *names, pa.scalar("other", pa.string()))
    scoped = pc.replace_with_mask(pa.nulls(length, pa.string()), four, found)
    others = pc.and_(pc.invert(four), pc.is_valid(addresses))
    if not pc.any(others).as_py():
        return scoped
    rest = python_map(pc.filter(addresses, others), scope_of, pa.string())
    return pc.replace_with_mask(scoped, others, rest)


_OCTET_BITS = pa.scalar(8, pa.uint32())
_V4_NETWORKS = [(pa.scalar(n, pa.uint32()), pa.scalar(m, pa.uint32())) for n, m, _ in SCOPES[32]]
"""``SCOPES``' IPv4 networks and masks, for ``scopes``."""


def socket_batch(fields: Mapping[str, Column], record: Record, lines: list[int]) -> pa.RecordBatch:
    """Socket records as one batch with ``SCHEMA``: ``fields`` typed columns by name (a field
    missing is null, ``extra`` ``{}``), the labels (dialect, capture, host, meta, path) those of
    ``record``, read at ``lines``; the scopes derived as ``Record`` derives them."""
    length = len(lines)
    labels = {name: getattr(record, name) for name in RECORD_FIELDS[:5]}
    given = dict(fields)
    given.setdefault("extra", constant("{}", length, pa.string()))
    given["kind"] = constant("socket", length, pa.string())
    source = SCHEMA.field("source").type
    given["source"] = pa.StructArray.from_arrays(
        [
            constant(record.source["path"], length, source.field("path").type),
            constant(record.source["member"], length, source.field("member").type),
            pa.array(lines, pa.int64()),
        ],
        fields=list(source),
    )
    if "proto" in given:
        kept = pc.invert(pc.fill_null(pc.is_in(given["proto"], _NO_SCOPE), False))
        nothing = pa.nulls(length, pa.string())
        for side in ("local", "remote"):
            found = scopes(given.get(f"{side}_address", nothing))
            given[f"{side}_scope"] = pc.if_else(kept, found, nothing)
    arrays = []
    for field in SCHEMA:
        if field.name in labels:
            arrays.append(constant(labels[field.name], length, field.type))
        else:
            found = given.get(field.name)
            arrays.append(_nulls(length, field.type) if found is None else found)
    return pa.RecordBatch.from_arrays(arrays, schema=SCHEMA)


_NO_SCOPE = pa.array(sorted(NO_SCOPE_PROTOS), pa.string())


def _nulls(length: int, kind: pa.DataType) -> Column:
    """Nulls, as ``pa.array`` makes them (a struct's fields hold no nulls, which non-nullable
    fields refuse)."""
    if pa.types.is_struct(kind):
        return pa.array([None] * length, kind)
    return constant(None, length, kind)
