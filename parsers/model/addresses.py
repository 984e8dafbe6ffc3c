"""Endpoints as printed (``10.0.0.1:22``, ``[::1]:ssh``, ``fe80::1%lo0.123``), split and typed."""

from __future__ import annotations

import re
from functools import cache, partial
from typing import NamedTuple

from ..resources import read_text

try:  # socket's C half: socket.py's enums and selectors cost a short run 2-3 ms to import
    from _socket import AF_INET, AF_INET6, inet_pton
    from _socket import inet_ntoa as inet_ntoa  # for /proc/net's rows
except ImportError:  # pragma: no cover (a Python without it)
    from socket import AF_INET, AF_INET6, inet_pton
    from socket import inet_ntoa as inet_ntoa


class Endpoint(NamedTuple):
    """An address without brackets or zone, its port, the service name printed, and the zone."""

    address: str | None
    port: int | None
    service: str | None
    interface: str | None


@cache
def services() -> dict[tuple[str, str], int]:
    """(service name, protocol) -> port; protocol "" for any, "ip" for raw sockets' protocol
    names (read when a port is first printed as a name)."""
    table: dict[tuple[str, str], int] = {}
    text = read_text(__package__, "data/services.tsv")
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, port, proto = line.split("\t")
            table[name, proto] = int(port)
            table.setdefault((name, ""), int(port))
    return table


_NO_PORT = frozenset(("*", "", "0*"))
MAX_PORT = 65535
PORT_PATTERN = "[0-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]|[0-9]{1,4}"
"""A port as a number of at most five ASCII digits, at most ``MAX_PORT`` (longest first)."""


_new = partial(tuple.__new__, Endpoint)
"""An Endpoint from a tuple of its four values, without the Python-level ``Endpoint.__new__``."""


def split_colon(text: str, proto: str = "") -> Endpoint:
    """Split an endpoint whose port follows the last colon: Linux, Windows.  (Not cached, nor
    are ``split_dot`` and ``ip_version``: rows' endpoints vary, and a cache's miss costs more
    than the straight path.)"""
    host, sep, port = text.rpartition(":")
    if not sep:
        host, port = text, "*"
    elif (number := plain_port(host, port)) is not None:
        return _new((host, number, None, None))  # the common case: 10.0.0.1:22, ::1:631
    return _endpoint(host, port, proto)


def split_dot(text: str, proto: str = "") -> Endpoint:
    """Split an endpoint whose port follows the last dot: BSD, macOS, Solaris (``::1.22``).
    ValueError for a host of digits and dots that is no IPv4 address (``10.2``, a line cut in
    ``10.2.3.4.22``): no netstat prints one (see ``dot_refused``)."""
    host, sep, port = text.strip().rpartition(".")
    if not sep:
        host, port = text.strip(), "*"
    elif host and host[0] in _DIGITS and _cut_short(host):
        raise ValueError(
            f"{text.strip()!r} is no endpoint: {host!r} is no IPv4 address (cut short)"
        )
    elif (number := plain_port(host, port)) is not None:
        return _new((host, number, None, None))  # the common case: 10.0.0.1.22
    return _endpoint(host, port, proto)


def plain_port(host: str, port: str) -> int | None:
    """The port of the splitters' common case: a number up to ``MAX_PORT`` after a host with
    no brackets or zone; else None (``_endpoint`` reads them)."""
    if port.isdigit() and port.isascii() and host and host[0] != "[" and "%" not in host:
        number = int(port)
        if number <= MAX_PORT:
            return number
    return None


def dot_refused(text: str) -> bool:
    """Whether ``split_dot`` refuses ``text``."""
    host, sep, _ = text.strip().rpartition(".")
    return bool(sep and host and host[0] in _DIGITS and _cut_short(host))


_DIGITS = "0123456789"
_CUT_TO_12 = re.compile(r"(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}")
"""Three octets and a dot: what FreeBSD's and macOS's ``-A`` without ``-n`` print of an
IPv4 address of 13 characters or more that has no name (``%.12s``), before the port's dot."""


def _cut_short(host: str) -> bool:
    """Whether ``host``, beginning with a digit, is digits and dots but no IPv4 address (nor
    one cut to 12 characters, ``_CUT_TO_12``)."""
    if ":" in host:
        return False
    try:
        inet_pton(AF_INET, host)
    except (OSError, ValueError):
        dotted = host.isascii() and host.replace(".", "").isdigit()
        return dotted and _CUT_TO_12.fullmatch(host) is None
    return False


def _endpoint(host: str, port: str, proto: str) -> Endpoint:
    """An endpoint from its host and port texts: brackets and zone taken off, the port typed
    (a number up to ``MAX_PORT``, ``*``, or a service name looked up for ``proto``; a larger
    number is no port, and kept as printed as a name is)."""
    interface = None
    if host.startswith("["):
        inside, _, after = host[1:].partition("]")
        host, interface = inside, after[1:] or None
    if "%" in host:
        host, _, zone = host.partition("%")
        interface = interface or zone
    address = host or None
    if port in _NO_PORT:
        return _new((address, None, None, interface))
    if port.isascii() and port.isdigit() and (number := int(port)) <= MAX_PORT:  # not "²80"
        return _new((address, number, None, interface))
    table = services()
    named = table.get((port, proto)) or table.get((port, ""))
    return _new((address, named, port, interface))


def ip_version(address: str | None) -> int | None:
    """4 or 6 from an address's syntax; None for a name, a wildcard or nothing."""
    if not address or address == "*":
        return None
    if ":" in address:
        return 6
    if address.isascii() and address[0].isdigit() and address.replace(".", "").isdigit():
        return 4
    return None


def _load_scopes() -> dict[int, list[tuple[int, int, str]]]:
    """Per address width in bits (32, 128): (network, mask, scope) as integers, in order."""
    text = read_text(__package__, "data/scopes.tsv")
    rows = (line.split("\t") for line in text.splitlines() if line and not line.startswith("#"))
    table: dict[int, list[tuple[int, int, str]]] = {32: [], 128: []}
    for network, scope, _ in rows:
        address, length = network.split("/")
        family, width = (AF_INET6, 128) if ":" in address else (AF_INET, 32)
        mask = (1 << width) - (1 << (width - int(length)))
        value = int.from_bytes(inet_pton(family, address), "big") & mask
        table[width].append((value, mask, scope))
    return table


SCOPES: dict[int, list[tuple[int, int, str]]] = _load_scopes()
"""The networks of ``data/scopes.tsv`` by address width, in lookup order."""

_Networks = tuple[tuple[int, int, str], ...]
_ByFirstByte = list[str | tuple[_Networks, str]]


def _by_first_byte(width: int) -> _ByFirstByte:
    """``SCOPES[width]`` by an address's first byte (a list of 256): the scope when the byte
    decides it, else the networks that may hold such an address, to try in order, and the scope
    of one in none of them (``other``, or that of a network of a prefix of 8 bits or less)."""
    shift = width - 8
    table: _ByFirstByte = []
    for byte in range(256):
        value, top = byte << shift, 0xFF << shift
        tried: list[tuple[int, int, str]] = []
        scope = "other"
        for net, mask, name in SCOPES[width]:
            if (value ^ net) & mask & top:
                continue  # no address beginning with this byte is in the network
            if not mask & ~top:  # a prefix of at most 8 bits: the byte decides
                scope = name
                break
            tried.append((net, mask, name))
        table.append((tuple(tried), scope) if tried else scope)
    return table


_FIRST_BYTE = {4: _by_first_byte(32), 16: _by_first_byte(128)}
"""``_by_first_byte`` by the length of a packed address (4 or 16 bytes)."""

NO_SCOPE_PROTOS = frozenset(("unix", "netlink", "packet"))
"""Protocols whose addresses are no IP addresses (paths, netlink groups, interfaces)."""

_MAPPED = (0xFFFF << 32, ((1 << 96) - 1) << 32)
"""``::ffff:0:0/96``, IPv4-mapped IPv6 addresses: (network, mask)."""


def scope_of(address: str | None) -> str | None:
    """``wildcard``, ``loopback``, ``link-local``, ``private`` or ``other`` for an IP address
    (``*`` is a wildcard); None for a name, a path or no address.  ``inet_pton`` reads the
    address (strict, and ten times faster than ``ipaddress``), and its first byte mostly decides
    (``_by_first_byte``): rows' addresses vary, so no cache, but for the few spellings of
    wildcard and loopback addresses that most listeners' rows print (``_SPELLED``)."""
    if address is None:
        return None
    return _SPELLED.get(address) or _scope(address)


def _scope(address: str) -> str | None:
    if ":" in address:
        family = AF_INET6
    elif address[:1].isdigit():
        family = AF_INET
    else:  # a name: no IPv4 address begins with another character (and raising costs)
        return None
    try:
        packed = inet_pton(family, address)
    except (OSError, ValueError):  # not an address (a NUL or a surrogate in it: ValueError)
        return None
    return packed_scope(packed)


def packed_scope(packed: bytes) -> str:
    """The scope of an IPv4 or IPv6 address in network byte order (as ``inet_pton`` packs it)."""
    found = _FIRST_BYTE[len(packed)][packed[0]]
    if isinstance(found, str):
        return found
    value = int.from_bytes(packed, "big")
    if len(packed) == 16 and value & _MAPPED[1] == _MAPPED[0]:
        packed = packed[12:]
        found = _FIRST_BYTE[4][packed[0]]
        if isinstance(found, str):
            return found
        value &= 0xFFFFFFFF
    networks, scope = found
    for net, mask, name in networks:
        if value & mask == net:
            return name
    return scope


_SPELLED: dict[str, str] = {"*": "wildcard"}
_SPELLED.update(
    (spelled, _scope(spelled) or "") for spelled in ("0.0.0.0", "::", "127.0.0.1", "::1")
)
"""The scopes of the spellings of wildcard and loopback addresses most rows print."""


@cache
def v4_scopes() -> dict[str, str | None]:
    """IPv4 scopes by how an address begins, as printed: by its first number (``"10"``), or by
    its first two (``"192.168"``) where the first does not decide it (a first number that is no
    key); None where ``scope_of`` needs more of the address (``"0.0"``).  A key of two numbers
    is worked out when first looked up (``_Beginnings``)."""
    table = _Beginnings()
    for first in range(256):
        found = _decided(first << 24, 0xFF << 24)
        if found is not None:
            table[str(first)] = found
    return table


class _Beginnings(dict[str, "str | None"]):
    """``v4_scopes``' table, whose two-number keys (``"192.168"``) are filled as they are looked
    up: 1,000 of them, of which a capture uses a few, cost 2 ms to fill at once."""

    def __missing__(self, key: str) -> str | None:
        first, dot, second = key.partition(".")
        if not dot:
            raise KeyError(key)  # a first number that does not decide
        found = self[key] = _decided(int(first) << 24 | int(second) << 16, 0xFFFF << 16)
        return found


def _decided(value: int, top: int) -> str | None:
    """The scope of every IPv4 address whose bits under ``top`` are ``value``'s, or None when
    they differ (the first network of ``SCOPES`` holding an address names its scope)."""
    for net, mask, name in SCOPES[32]:
        if (value ^ net) & mask & top:
            continue  # no such address is in the network
        return name if not mask & ~top else None
    return "other"
