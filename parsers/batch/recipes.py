"""Column recipes: how the columnar route types one dialect's plain socket rows as Arrow columns.

A recipe names the dialect, the section and line kind of its rows, the names of the kind's
values (``data/recipes.json``), which rows it takes (``takes``: a cheap test of the values; any
other row goes to the row path) and how it types a batch of taken rows (``build``: kernels from
``sinks.kernels``, each doing what the dialect's row handler does to one value).  A row's *class*
(``key``) is what picks the handler's branch (its printed protocol): the route has the row path
read one row of each class before it takes others (see ``bulk``).

Dialects with a recipe: windows-netstat (``row``), freebsd-netstat and macos-netstat
(``inet_row`` under the plain ``-an`` header; KAME zones read as the dialect reads them),
linux-netstat (``inet_row`` of tcp and udp, no timer; values cut to their column flagged as the
dialect flags them without ``-W``), linux-ss (``inet_row`` of tcp and udp; its details read by
the dialect's own code), linux-proc-net (``inet_row`` of TCP; hex fields by ``hex_numbers``, IPv6
addresses by the dialect's code), lsof (``row``; escaped names by the dialect's ``unescape``).
The others use the row path only.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from operator import itemgetter
from typing import Any

import pyarrow as pa
import pyarrow.compute

from ..dialects import DIALECTS
from ..dialects.base import RowError
from ..dialects.freebsd_netstat import kame_zone, split_proto
from ..dialects.linux_netstat import split_program
from ..dialects.linux_proc_net import (
    MINI_SOCKET_STATES,
    USER_HZ,
    hex_address,
    kernel_fields,
    timer_name,
)
from ..dialects.lsof import unescape
from ..model.addresses import Endpoint, dot_refused, split_colon, split_dot
from ..model.protocols import protocol_words
from ..model.record import Record
from ..resources import read_text
from ..sinks.columnar import SCHEMA, json_text
from ..sinks.kernels import (
    Column,
    constant,
    endpoints,
    hex_numbers,
    integer,
    integers,
    ip_versions,
    json_objects,
    lookup,
    python_map,
    text,
)

pc: Any = pyarrow.compute
"""``pyarrow.compute``, untyped: its stubs' overloads refuse valid calls
(``pc.equal(array, "tcp")``)."""
_TCP, _EMPTY, _ZERO, _LOW_BYTE = text("tcp"), text("{}"), integer(0), integer(255)
_FIRST, _SECOND = pa.scalar(0, pa.int32()), pa.scalar(1, pa.int32())
"""Kernels' constant arguments, as Arrow scalars (see ``kernels.text``)."""

Values = tuple[Any, ...]
Columns = dict[str, Column]


class Printed(dict[str, Any]):
    """A batch's printed values by name, each made an Arrow array when a recipe first reads it
    (``texts``: as Python values, for a recipe typing them by the row path's own code)."""

    def __getitem__(self, name: str) -> Any:
        found = super().__getitem__(name)
        if isinstance(found, tuple):
            found = pa.array(found, pa.string())
            self[name] = found
        return found

    def texts(self, name: str) -> tuple[Any, ...]:
        found = super().__getitem__(name)
        return found if isinstance(found, tuple) else tuple(found.to_pylist())


@dataclass(frozen=True)
class Recipe:
    """How one dialect's plain rows become columns (see the module's docstring)."""

    dialect: str
    section: str
    kind: str
    names: tuple[str, ...]
    takes: Callable[[Values], bool]
    key: Callable[[Values], Any]
    build: Callable[[Printed], Columns]
    """The printed values by name -> the record's socket fields (those not given are null)."""

    @property
    def states(self) -> Mapping[str, str]:
        return DIALECTS[self.dialect].tcp_states


def _names() -> dict[str, dict[str, Any]]:
    text = read_text(__package__, "data/recipes.json")
    found: dict[str, dict[str, Any]] = json.loads(text)
    return found


_DECLARED = _names()


def _ends(c: Columns, separator: str, split: Callable[[str, str], Any], protos: Column) -> Columns:
    """The local and remote endpoints' fields, and both addresses' IP versions."""
    found: Columns = {}
    for side in ("local", "remote"):
        parts = endpoints(c[side], separator, split, protos)
        for name, array in zip(("address", "port", "service", "interface"), parts):
            found[f"{side}_{name}"] = array
    return found


# -- windows-netstat: row ---------------------------------------------------------------------
_WINDOWS_STATES = DIALECTS["windows-netstat"].tcp_states


def _windows_takes(v: Values) -> bool:
    printed, _, _, state_raw, _, offload = v
    if state_raw is not None and state_raw not in _WINDOWS_STATES:
        return False
    return printed.lower() != "udp" or (state_raw is None and offload is None)


def _windows(c: Columns) -> Columns:
    proto = python_map(c["printed"], str.lower, pa.string())
    found = {"proto": proto, **_ends(c, ":", split_colon, proto)}
    found["ip_version"] = ip_versions(found["local_address"], found["remote_address"])
    found["state"] = lookup(c["state_raw"], _WINDOWS_STATES, pa.string())
    found["state_raw"] = c["state_raw"]
    found["pid"] = integers(c["pid"])
    offload = python_map(c["offload"], lambda o: json_text({"offload_state": o}), pa.string())
    found["extra"] = pc.coalesce(offload, _EMPTY)
    return found


# -- freebsd-netstat and macos-netstat: inet_row under the plain -an header ----------------------
_SCOPED = pa.array(["fe8", "fe9", "fea", "feb", "ff0", "ff1"], pa.string())
"""How an endpoint begins when the dialect reads KAME zones in its row (``kame_zone``)."""


@cache
def _bsd_proto(printed: str) -> tuple[str, str, str]:
    """The protocol, version suffix and service lookup protocol of a printed name."""
    proto, version = split_proto(printed)
    return proto, version, proto if proto in ("tcp", "udp") else ""


def _bsd_takes(states: Mapping[str, str]) -> Callable[[Values], bool]:
    def takes(v: Values) -> bool:
        pcb, flowhash, printed, n1, n2, n3, local, remote, state_raw, tail = v
        if pcb is not None or flowhash is not None or n3 is not None or tail is not None:
            return False
        if n1 is None or n2 is None:
            return False
        if dot_refused(local) or dot_refused(remote):
            return False  # the row path reports it
        return _bsd_proto(printed)[0] != "tcp" or not state_raw or state_raw in states

    return takes


def _bsd(states: Mapping[str, str]) -> Callable[[Columns], Columns]:
    def build(c: Columns) -> Columns:
        printed = c["printed"]
        proto = python_map(printed, lambda p: _bsd_proto(p)[0], pa.string())
        version = python_map(printed, lambda p: _bsd_proto(p)[1], pa.string())
        protos = python_map(printed, lambda p: _bsd_proto(p)[2], pa.string())
        found = {"proto": proto, **_ends(c, ".", split_dot, protos)}
        _kame_zones(c, found)
        by_name = pc.cast(
            python_map(version, lambda v: int(v) if v in ("4", "6") else None, pa.int32()),
            pa.int32(),
        )
        by_address = ip_versions(found["local_address"], found["remote_address"])
        dual = pc.equal(version, text("46"))
        found["ip_version"] = pc.if_else(
            dual, pa.scalar(None, pa.int32()), pc.coalesce(by_name, by_address)
        )
        tcp = pc.and_(pc.equal(proto, _TCP), pc.greater(pc.utf8_length(c["state_raw"]), _ZERO))
        state = lookup(c["state_raw"], states, pa.string())
        found["state"] = pc.if_else(tcp, state, pa.scalar(None, pa.string()))
        found["state_raw"] = c["state_raw"]
        found["recv_q"] = integers(c["n1"])
        found["send_q"] = integers(c["n2"])
        found["extra"] = pc.if_else(dual, text('{"dual_stack":true}'), _EMPTY)
        return found

    return build


def _kame_zones(c: Columns, found: Columns) -> None:
    """The interfaces of both endpoints of a row where either begins as a KAME scoped address
    does, as ``kame_zone`` reads them."""
    begins = [
        pc.is_in(pc.utf8_slice_codeunits(c[side], 0, 3), value_set=_SCOPED) for side in _SIDES
    ]
    scoped = pc.or_(*begins)
    if not pc.any(scoped).as_py():
        return
    for side in _SIDES:
        address, interface = (pc.filter(found[f"{side}_{n}"], scoped) for n in _ZONED)
        ends = zip(address.to_pylist(), interface.to_pylist())
        zones = [kame_zone(Endpoint(a, None, None, i)).interface for a, i in ends]
        found[f"{side}_interface"] = pc.replace_with_mask(
            found[f"{side}_interface"], scoped, pa.array(zones, pa.string())
        )


_SIDES = ("local", "remote")
_ZONED = ("address", "interface")


# -- linux-netstat: inet_row of tcp and udp ----------------------------------------------------
_LINUX_STATES = DIALECTS["linux-netstat"].tcp_states
_LINUX_PROTO = {word: found.protocol for word, found in protocol_words("linux-netstat").items()}
_ENDPOINT_WIDTH = 23
_PROGRAM_WIDTH = 19
_SERVICE_WIDTH = _ENDPOINT_WIDTH - 5
"""Widths at which the dialect flags a value as cut (``linux_netstat``, without ``-W``: a row
of each class of cut values is checked by the row path first, as any row)."""
_CUT = (("local_address", 1), ("local_port", 2), ("remote_address", 4), ("remote_port", 8))
_CUTS = [
    json_text({"cut": [name for name, bit in (*_CUT, ("program", 16)) if code & bit]})
    if code
    else "{}"
    for code in range(32)
]
"""``extra`` by the bits of what is flagged cut."""


_LINUX_PROTOS = {
    word: _LINUX_PROTO.get(word.rstrip("6")) for word in ("tcp", "tcp6", "udp", "udp6")
}


def _linux_proto(printed: str) -> str | None:
    return _LINUX_PROTO.get(printed.rstrip("6"))


def _linux_takes(v: Values) -> bool:
    printed, _, _, _, _, state_raw, _, _, _, timer = v
    if timer is not None:
        return False
    proto = _LINUX_PROTOS.get(printed)
    if proto == "tcp":
        return state_raw is None or state_raw in _LINUX_STATES
    return proto == "udp" and (state_raw is None or not state_raw.isdigit())


def _linux_key(v: Values) -> tuple[str, bool, bool, bool]:
    """The printed protocol, and whether the endpoints and the program fill their columns
    (flagged cut)."""
    program = v[8]
    full = program is not None and len(program.rstrip()) == _PROGRAM_WIDTH
    return v[0], len(v[3]) == _ENDPOINT_WIDTH, len(v[4]) == _ENDPOINT_WIDTH, full


_PROGRAM = r"^[0-9]{1,18}/"
"""``split_program``'s common case: a pid of ASCII digits before the first slash."""


def _linux(c: Columns) -> Columns:
    proto = python_map(c["printed"], _linux_proto, pa.string())
    found = {"proto": proto, **_ends(c, ":", split_colon, proto)}
    six = pc.or_(
        pc.ends_with(c["printed"], "6"),
        pc.or_(
            pc.fill_null(pc.match_substring(found["local_address"], ":"), False),
            pc.fill_null(pc.match_substring(found["remote_address"], ":"), False),
        ),
    )
    found["ip_version"] = pc.if_else(six, pa.scalar(6, pa.int32()), pa.scalar(4, pa.int32()))
    state = lookup(c["state_raw"], _LINUX_STATES, pa.string())
    found["state"] = pc.if_else(pc.equal(proto, _TCP), state, pa.scalar(None, pa.string()))
    found["state_raw"] = c["state_raw"]
    found["recv_q"] = integers(c["recv_q"])
    found["send_q"] = integers(c["send_q"])
    found["user"] = c["user"]
    found["inode"] = integers(c["inode"])
    program = c["program"]
    simple = pc.fill_null(pc.match_substring_regex(program, _PROGRAM), False)
    parts = pc.split_pattern(pc.filter(program, simple), "/", max_splits=1)
    nothing = pa.nulls(len(program), pa.string())
    pid = pc.replace_with_mask(
        pa.nulls(len(program), pa.int64()),
        simple,
        pc.cast(pc.list_element(parts, _FIRST), pa.int64()),
    )
    name = pc.replace_with_mask(nothing, simple, pc.list_element(parts, _SECOND))
    rest = pc.and_(pc.invert(simple), pc.is_valid(program))
    if pc.any(rest).as_py():
        split = [split_program(p) for p in pc.filter(program, rest).to_pylist()]
        pid = pc.replace_with_mask(pid, rest, pa.array([s[0] for s in split], pa.int64()))
        name = pc.replace_with_mask(name, rest, pa.array([s[1] for s in split], pa.string()))
    found["pid"], found["program"] = pid, name
    width = pc.utf8_length(pc.utf8_rtrim_whitespace(program))
    cut = pc.fill_null(pc.equal(width, integer(_PROGRAM_WIDTH)), False)
    code = pc.if_else(cut, integer(16), _ZERO)
    for side in ("local", "remote"):
        full = pc.equal(pc.utf8_length(c[side]), integer(_ENDPOINT_WIDTH))
        after = pc.find_substring(pc.utf8_reverse(c[side]), ":")  # the port's length, or -1
        port = pc.if_else(pc.equal(after, integer(-1)), pc.utf8_length(c[side]), after)
        port_cut = pc.and_(full, pc.equal(port, integer(_SERVICE_WIDTH)))
        bits = dict(_CUT)
        code = pc.add(code, pc.if_else(full, integer(bits[f"{side}_address"]), _ZERO))
        code = pc.add(code, pc.if_else(port_cut, integer(bits[f"{side}_port"]), _ZERO))
    found["extra"] = pa.array(_CUTS, pa.string()).take(code)
    return found


# -- linux-ss: inet_row of tcp and udp -----------------------------------------------------------
_SS = DIALECTS["linux-ss"]
_SS_STATES = _SS.tcp_states
_SS_WORDS = protocol_words("linux-ss")
_SS_PROTOS = {netid: word.protocol for netid, word in _SS_WORDS.items()}
_SS_TYPES = {netid: word.socket_type for netid, word in _SS_WORDS.items() if word.socket_type}
_TIMER = SCHEMA.field("timer").type
_SS_FIELDS = ("pid", "program", "user", "inode", "timer")


@cache
def _ss_reader() -> Any:
    """A linux-ss dialect, whose own code reads a row's details (``_add_details``)."""
    return _SS()


@lru_cache(maxsize=16_384)  # at least a chunk of rows (bulk.CHUNK_ROWS): read in takes, used in _ss
def _ss_details(details: str | None, socket_type: str | None) -> tuple[Any, ...] | None:
    """What a row's details (and its Netid's socket type) make of a record: pid, program,
    user, inode, timer and extra as JSON text, read by the dialect's own code; None when it
    refuses them (the row path then reports the row)."""
    record = Record(
        "linux-ss", kind="details", extra={} if socket_type is None else {"type": socket_type}
    )
    if details is not None:
        try:
            _ss_reader()._add_details(record, details)
        except RowError:
            return None
    return (*(getattr(record, name) for name in _SS_FIELDS), json_text(record.extra))


def _ss_proto(netid: str | None) -> str | None:
    """A row's protocol: its Netid's, else tcp (a table with no Netid column: only a probe row
    of a TCP table, checked by the row path, lets the route take such rows)."""
    return "tcp" if netid is None else _SS_PROTOS.get(netid)


def _ss_takes(v: Values) -> bool:
    netid, state_raw, _, _, _, _, details = v
    proto = _ss_proto(netid)
    if proto == "tcp" and not (state_raw and state_raw in _SS_STATES):
        return False
    if proto not in ("tcp", "udp"):
        return False
    return _ss_details(details, _SS_TYPES.get(netid or "")) is not None


def _ss(c: Printed) -> Columns:
    netids = c.texts("netid")
    proto = _strings_of([_ss_proto(n) for n in netids])
    found = {"proto": proto, **_ends(c, ":", split_colon, proto)}
    found["ip_version"] = ip_versions(found["local_address"], found["remote_address"])
    state = lookup(c["state_raw"], _SS_STATES, pa.string())
    found["state"] = pc.if_else(pc.equal(proto, _TCP), state, pa.scalar(None, pa.string()))
    found["state_raw"] = c["state_raw"]
    found["recv_q"] = integers(c["recv_q"])
    found["send_q"] = integers(c["send_q"])
    read = [_ss_details(d, _SS_TYPES.get(n or "")) for n, d in zip(netids, c.texts("details"))]
    columns = list(zip(*read))
    kinds = (pa.int64(), pa.string(), pa.string(), pa.int64(), _TIMER, pa.string())
    for name, values, kind in zip((*_SS_FIELDS, "extra"), columns, kinds):
        found[name] = pa.array(values, kind)
    return found


# -- linux-proc-net: inet_row of TCP ------------------------------------------------------------
_PROC_STATES = DIALECTS["linux-proc-net"].tcp_states
_PROC_TIMER = SCHEMA.field("timer").type


def _proc_takes(v: Values) -> bool:
    """A TCP row with a socket's fields, or a TIME-WAIT or request socket's, in a known state
    (the dialect refuses the others, or names them by another table)."""
    state_raw, rto, drops = v[3], v[12], v[17]
    if drops is not None or state_raw not in _PROC_STATES or len(v[1]) != len(v[2]):
        return False
    numbers = v[8:12] if rto is None else v[8:17]  # the grammar's optional five come together
    if len(v[0]) > _DIGITS + 1 or len(max(numbers, key=len)) > _DIGITS:
        return False  # beyond 64 bits, maybe: the row path keeps it in extra as it is
    return rto is not None or state_raw in MINI_SOCKET_STATES


_DIGITS = 18
"""The most digits of a number an int64 column surely holds."""


def _proc_key(v: Values) -> tuple[int, bool]:
    """The address's length (IPv4 or IPv6) and whether the row has a socket's fields."""
    return len(v[1]), v[12] is None


def _proc(c: Printed) -> Columns:
    local, remote = c["local"], c["remote"]
    four = pc.equal(pc.utf8_length(local), integer(13))
    found: Columns = {"proto": constant("tcp", len(local), pa.string())}
    found["ip_version"] = pc.if_else(four, pa.scalar(4, pa.int32()), pa.scalar(6, pa.int32()))
    for side, texts in (("local", local), ("remote", remote)):
        found[f"{side}_address"] = _proc_addresses(texts, four)
        port = pc.cast(hex_numbers(texts, -4, 0), pa.int32())
        found[f"{side}_port"] = pc.if_else(pc.equal(port, _ZERO), pa.scalar(None, pa.int32()), port)
    found["state"] = lookup(c["state_raw"], _PROC_STATES, pa.string())
    found["state_raw"] = c["state_raw"]
    found["recv_q"] = hex_numbers(c["queues"], 9, 17)
    found["send_q"] = hex_numbers(c["queues"], 0, 8)
    found["user"] = c["uid"]
    found["inode"] = integers(c["inode"])
    found["timer"] = _proc_timers(c)
    found["extra"] = _proc_extra(c)
    return found


def _proc_addresses(texts: Column, four: Column) -> Column:
    """IPv4 addresses (one little-endian word) by kernels, IPv6 ones by the dialect's code."""
    word = hex_numbers(texts, 0, 8)  # the first octet in its lowest byte
    octets = [
        pc.cast(pc.bit_wise_and(pc.shift_right(word, integer(shift)), _LOW_BYTE), pa.string())
        for shift in (0, 8, 16, 24)
    ]
    found = pc.binary_join_element_wise(*octets, text("."))
    if pc.all(four).as_py():
        return found
    six = pc.invert(four)
    return pc.replace_with_mask(
        found, six, pa.array(list(map(hex_address, pc.filter(texts, six).to_pylist())), pa.string())
    )


def _proc_timers(c: Printed) -> Column:
    """The timer fields, as ``timer_fields`` reads them."""
    codes = hex_numbers(c["timer"], 0, 2)
    ticks = pc.cast(hex_numbers(c["timer"], 3, 11), pa.float64())
    fields = (
        python_map(codes, timer_name, pa.string()),
        pc.divide(ticks, pa.scalar(float(USER_HZ), pa.float64())),
        hex_numbers(c["retransmits"], 0, 8),
        integers(c["probes"]),
    )
    return pa.StructArray.from_arrays(fields, fields=list(_PROC_TIMER))


_KERNEL = ("slot", "ref", "pointer", "rto", "ato", "pingpong", "cwnd", "ssthresh")
_KERNEL_NAMES = tuple(kernel_fields("0:", "0", "0", "0", "0", "0", "0", "0", None))
"""``extra``'s keys of a TCP row with a socket's fields (the first three without them)."""


def _proc_extra(c: Printed) -> Column:
    """``extra`` as ``kernel_fields`` makes it, as JSON text."""
    values = [integers(pc.utf8_slice_codeunits(c["slot"], 0, -1))]
    values += [c[name] if name == "pointer" else integers(c[name]) for name in _KERNEL[1:]]
    return json_objects(_KERNEL_NAMES, values)  # without a socket's fields: their keys left out


# -- lsof: row ----------------------------------------------------------------------------------
_LSOF_STATES = DIALECTS["lsof"].tcp_states


def _lsof_takes(v: Values) -> bool:
    """A row with a remote endpoint after any arrow and a TCP state the dialect knows (else the
    row path reads or reports it)."""
    device, printed, name, state = v[5], v[7], v[8], v[9]
    if name.endswith("->") or not device.isascii():
        return False
    return state is None or printed.lower() != "tcp" or state[1:-1] in _LSOF_STATES


def _lsof_key(v: Values) -> tuple[str, bool]:
    """The printed protocol, and whether the device is an inode (Linux)."""
    return v[7], v[5].isdigit()


def _lsof(c: Printed) -> Columns:
    proto = pc.utf8_lower(c["printed"])
    ends = pc.split_pattern(c["name"], "->", max_splits=1)
    halves = {"local": pc.list_element(ends, _FIRST), "remote": _second(ends)}
    found = {"proto": proto, **_ends(halves, ":", split_colon, proto)}
    six = pc.equal(c["family"], text("IPv6"))
    found["ip_version"] = pc.if_else(six, pa.scalar(6, pa.int32()), pa.scalar(4, pa.int32()))
    state_raw = pc.utf8_slice_codeunits(c["state"], 1, -1)
    state = lookup(state_raw, _LSOF_STATES, pa.string())
    found["state"] = pc.if_else(pc.equal(proto, _TCP), state, pa.scalar(None, pa.string()))
    found["state_raw"] = state_raw
    found["pid"] = integers(c["pid"])
    found["program"], found["user"] = _unescaped(c["command"]), _unescaped(c["user"])
    device = c["device"]
    address = pc.starts_with(device, "0x")
    nothing = pa.nulls(len(device), pa.string())
    found["inode"] = integers(pc.if_else(address, nothing, device))
    named = ("fd", "type", "size_off", "device")
    values = [c["fd"], c["family"], c["size_off"], pc.if_else(address, device, nothing)]
    found["extra"] = json_objects(named, values)  # a device that is an inode: left out
    return found


def _unescaped(texts: Column) -> Column:
    """Names with lsof's escapes decoded, as the dialect decodes them."""
    escaped = pc.match_substring(texts, "\\x")
    if not pc.any(escaped).as_py():
        return texts
    return pc.replace_with_mask(
        texts, escaped, python_map(pc.filter(texts, escaped), unescape, pa.string())
    )


def _second(lists: Column) -> Column:
    """Each list's second item, null where it has one item."""
    return pc.list_element(pc.list_slice(lists, 1, 2, return_fixed_size_list=True), _FIRST)


def _strings_of(values: list[str | None]) -> Column:
    return pa.array(values, pa.string())


def _recipe(
    dialect: str,
    takes: Callable[[Values], bool],
    build: Callable[[Printed], Columns],
    key: Callable[[Values], Any] | None = None,
) -> Recipe:
    """The recipe of ``dialect``, its names from ``data/recipes.json``; its rows' class the
    value named ``key`` there, unless ``key`` is given."""
    declared = _DECLARED[dialect]
    names = tuple(declared["values"])
    at = names.index(declared["key"])
    return Recipe(
        dialect,
        declared["section"],
        declared["kind"],
        names,
        takes,
        key or itemgetter(at),
        build,
    )


RECIPES: dict[str, Recipe] = {
    "windows-netstat": _recipe("windows-netstat", _windows_takes, _windows),
    "linux-netstat": _recipe("linux-netstat", _linux_takes, _linux, _linux_key),
    "linux-ss": _recipe("linux-ss", _ss_takes, _ss),
    "linux-proc-net": _recipe("linux-proc-net", _proc_takes, _proc, _proc_key),
    "lsof": _recipe("lsof", _lsof_takes, _lsof, _lsof_key),
    **{
        name: _recipe(name, _bsd_takes(DIALECTS[name].tcp_states), _bsd(DIALECTS[name].tcp_states))
        for name in ("freebsd-netstat", "macos-netstat")
    },
}
"""The dialects the columnar route reads, by name."""
