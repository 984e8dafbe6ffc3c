"""Endpoints as printed (``10.0.0.1:22``, ``[::1]:ssh``, ``fe80::1%lo0.123``), split and typed."""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from importlib.resources import files
from typing import NamedTuple


class Endpoint(NamedTuple):
    """An address without brackets or zone, its port, the service name printed, and the zone."""

    address: str | None
    port: int | None
    service: str | None
    interface: str | None


def _load_services() -> dict[tuple[str, str], int]:
    table: dict[tuple[str, str], int] = {}
    text = files(__package__).joinpath("data/services.tsv").read_text("utf-8")
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, port, proto = line.split("\t")
            table[name, proto] = int(port)
            table.setdefault((name, ""), int(port))
    return table


SERVICES: dict[tuple[str, str], int] = _load_services()
"""(service name, protocol) -> port; protocol "" for any, "ip" for raw sockets' protocol names."""

_NO_PORT = frozenset(("*", "", "0*"))


@lru_cache(maxsize=4096)
def split_colon(text: str, proto: str = "") -> Endpoint:
    """Split an endpoint whose port follows the last colon: Linux, Windows."""
    host, sep, port = text.rpartition(":")
    if not sep:
        host, port = text, "*"
    return _endpoint(host, port, proto)


@lru_cache(maxsize=4096)
def split_dot(text: str, proto: str = "") -> Endpoint:
    """Split an endpoint whose port follows the last dot: BSD, macOS, Solaris (``::1.22``)."""
    host, sep, port = text.strip().rpartition(".")
    if not sep:
        host, port = text.strip(), "*"
    return _endpoint(host, port, proto)


def _endpoint(host: str, port: str, proto: str) -> Endpoint:
    interface = None
    if host.startswith("["):
        inside, _, after = host[1:].partition("]")
        host, interface = inside, after[1:] or None
    if "%" in host:
        host, _, zone = host.partition("%")
        interface = interface or zone
    address = host or None
    if port in _NO_PORT:
        return Endpoint(address, None, None, interface)
    if port.isascii() and port.isdigit():  # not "²80": int() refuses it
        return Endpoint(address, int(port), None, interface)
    number = SERVICES.get((port, proto)) or SERVICES.get((port, ""))
    return Endpoint(address, number, port, interface)


@lru_cache(maxsize=4096)
def ip_version(address: str | None) -> int | None:
    """4 or 6 from an address's syntax; None for a name, a wildcard or nothing."""
    if not address or address == "*":
        return None
    if ":" in address:
        return 6
    if address.isascii() and address[0].isdigit() and address.replace(".", "").isdigit():
        return 4
    return None


_Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _load_scopes() -> list[tuple[_Network, str]]:
    text = files(__package__).joinpath("data/scopes.tsv").read_text("utf-8")
    rows = (line.split("\t") for line in text.splitlines() if line and not line.startswith("#"))
    return [(ipaddress.ip_network(network), scope) for network, scope, _ in rows]


SCOPES: list[tuple[_Network, str]] = _load_scopes()
"""(network, scope) in lookup order, from ``data/scopes.tsv``."""

NO_SCOPE_PROTOS = frozenset(("unix", "netlink", "packet"))
"""Protocols whose addresses are no IP addresses (paths, netlink groups, interfaces)."""


@lru_cache(maxsize=4096)
def scope_of(address: str | None) -> str | None:
    """``wildcard``, ``loopback``, ``link-local``, ``private`` or ``other`` for an IP address
    (``*`` is a wildcard); None for a name, a path or no address."""
    if address is None:
        return None
    if address == "*":
        return "wildcard"
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return next((scope for network, scope in SCOPES if ip in network), "other")
