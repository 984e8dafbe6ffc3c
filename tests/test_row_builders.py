"""The row path's shortcuts change no result: the scope table by first byte against the networks
of ``scopes.tsv`` read by ``ipaddress``, the endpoints the Windows row splits itself against
``split_colon``, ss's one-process ``users:`` against the general parser, and the generated
``Record.__init__`` against the dataclass's contract."""

from __future__ import annotations

import dataclasses
import ipaddress
from importlib.resources import files

from hypothesis import given, settings
from hypothesis import strategies as st

from netstat_normalizer.dialects import DIALECTS
from netstat_normalizer.dialects.ss_fields import _users, parse_fields
from netstat_normalizer.model.addresses import scope_of, split_colon
from netstat_normalizer.model.record import Record


def _networks() -> list[tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, str]]:
    text = files("netstat_normalizer.model").joinpath("data/scopes.tsv").read_text("utf-8")
    rows = [line.split("\t") for line in text.splitlines() if line and line[0] != "#"]
    return [(ipaddress.ip_network(network), scope) for network, scope, _ in rows]


NETWORKS = _networks()


def reference_scope(address: str) -> str | None:
    """The scope by ``ipaddress``: the first network holding the address (an IPv4-mapped one
    as IPv4), else ``other``; None for no address."""
    if address == "*":
        return "wildcard"
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return next((scope for net, scope in NETWORKS if ip in net), "other")


_OCTET = st.sampled_from([0, 1, 10, 16, 31, 32, 127, 168, 169, 172, 192, 254, 255]) | st.integers(
    0, 255
)
_IPV4 = st.tuples(_OCTET, _OCTET, _OCTET, _OCTET).map(lambda o: ".".join(map(str, o)))
_IPV6 = st.binary(min_size=16, max_size=16).map(lambda b: str(ipaddress.IPv6Address(b)))
_PREFIXED = st.tuples(
    st.sampled_from([b"\xfe\x80", b"\xfe\xbf", b"\xfe\xc0", b"\xfc\x00", b"\xfd\x12", b"\0\0"]),
    st.binary(min_size=14, max_size=14),
).map(lambda p: str(ipaddress.IPv6Address(p[0] + p[1])))
_MAPPED = _IPV4.map(lambda a: f"::ffff:{a}")
_ODD = st.sampled_from(["*", "", "::", "::1", "0.0.0.0", "01.2.3.4", "1.2.3", "[::1]", "a"])


@settings(max_examples=2000, deadline=None)
@given(_IPV4 | _IPV6 | _PREFIXED | _MAPPED | _ODD | st.text(max_size=8))
def test_scope_by_first_byte_is_the_tables(address: str) -> None:
    assert scope_of(address) == reference_scope(address)


_HOST = st.sampled_from(
    ["10.0.0.1", "0.0.0.0", "::", "[::]", "[fe80::1%4]", "fe80::1%eth0", "*", "", "host"]
) | st.text(alphabet="0123456789abcdef:.%[]*", max_size=10)
_PORT = st.sampled_from(["0", "80", "*", "", "http", "²80", "0080"]) | st.text(
    alphabet="0123456789*x", max_size=6
)


@given(_HOST, _PORT, _HOST, _PORT)
def test_windows_row_splits_as_split_colon(h1: str, p1: str, h2: str, p2: str) -> None:
    local, remote = f"{h1}:{p1}", f"{h2}:{p2}"
    record = DIALECTS["windows-netstat"]().row(["TCP", local, remote, "LISTENING", "4", None])
    here, there = split_colon(local, "tcp"), split_colon(remote, "tcp")
    fields = ("address", "port", "service", "interface")
    assert tuple(getattr(record, f"local_{f}") for f in fields) == here
    assert tuple(getattr(record, f"remote_{f}") for f in fields) == there


_NAME = st.text(alphabet='ab "\\),(x', max_size=6)


@given(_NAME, st.integers(0, 99999), st.integers(0, 999), st.sampled_from(["", ","]))
def test_one_users_process_as_the_general_parser(name: str, pid: int, fd: int, end: str) -> None:
    token = f'users:(("{name}",pid={pid},fd={fd}){end})'
    try:
        expected = list(_users(token))
    except ValueError:
        expected = None
    try:
        found = parse_fields(token).get("users")
    except ValueError:
        found = None
    assert found == expected


def test_generated_init_keeps_the_dataclass_contract() -> None:
    first, second = Record("x"), Record("x")
    assert first.meta == first.extra == {} and first.source == {}
    assert first.meta is not second.meta and first.extra is not second.extra
    assert first.source is not second.source
    socket = Record("x", proto="tcp", local_address="10.1.2.3", remote_address="::1")
    assert (socket.local_scope, socket.remote_scope) == ("private", "loopback")
    unix = Record("x", proto="unix", local_address="10.1.2.3")
    route = Record("x", kind="route", proto="tcp", local_address="10.1.2.3")
    assert unix.local_scope is route.local_scope is None
    moved = dataclasses.replace(socket, local_address="127.0.0.1", meta=None)  # type: ignore[arg-type]
    assert (moved.local_scope, moved.meta) == ("loopback", None)
    positional = Record("x", 1, "h", None, {}, "socket", "udp", 4, "0.0.0.0")
    assert (positional.capture, positional.host, positional.local_scope) == (1, "h", "wildcard")
