"""The declarative dialect base: handlers derived from the grammar, misplaced rows, table state."""

from __future__ import annotations

from typing import Any

import pytest

import netstat_normalizer as nn
from netstat_normalizer.dialects import DIALECTS
from netstat_normalizer.dialects.base import Dialect, TableState
from netstat_normalizer.dialects.solaris_netstat import SolarisNetstat
from netstat_normalizer.dialects.windows_netstat import WindowsNetstat


@pytest.mark.parametrize("name", sorted(DIALECTS))
def test_every_line_kind_has_a_handler(name: str) -> None:
    assert DIALECTS[name].unhandled() == []


def test_a_row_kind_without_its_method_is_reported() -> None:
    class NoRows(WindowsNetstat):
        row = None  # type: ignore[assignment]

    assert NoRows.unhandled() == ["row"]


def test_a_header_whose_section_nothing_tells_needs_a_method() -> None:
    class NoHeader(WindowsNetstat):
        header = None  # type: ignore[assignment]

    assert NoHeader.unhandled() == ["header"]


def _run(name: str, text: str, command: str | None = None) -> tuple[Dialect, list[object]]:
    dialect = DIALECTS[name]("x", command)
    return dialect, list(dialect.run(text.splitlines()))


@pytest.mark.parametrize(
    ("name", "line", "section"),
    [
        ("linux-netstat", "Kernel IPv6 routing table", "route6"),  # the title's named group
        ("linux-netstat", "Active Bluetooth connections (w/o servers)", "bluetooth"),
        (
            "linux-netstat",
            "Proto RefCnt Flags       Type       State         I-Node   Path",
            "unix",
        ),
        ("solaris-netstat", "SCTP:", "sctp"),
        ("solaris-netstat", "UDP: IPv6", "udp"),
        ("freebsd-netstat", "Active UNIX domain sockets", "unix"),
        ("freebsd-netstat", "Current listen queue sizes (qlen/incqlen/maxqlen)", "inet"),
        ("freebsd-netstat", "Proto Listen                           Local Address", "inet"),
        ("macos-netstat", "Active LOCAL (UNIX) domain sockets", "unix"),
        ("macos-netstat", "Registered kernel control modules", "kctl_module"),
        ("macos-netstat", "Routing tables", "route"),
    ],
)
def test_titles_and_headers_open_their_section(name: str, line: str, section: str) -> None:
    dialect, items = _run(name, line)
    assert items == []
    assert (dialect.section, dialect.table) == (section, section)
    assert dialect.accounting == {"record": 0, "other": 1, "unparsed": 0}


@pytest.mark.parametrize(
    ("name", "text", "reason"),
    [
        (
            "solaris-netstat",
            "UDP: IPv4\n10.0.0.1.22  10.0.0.2.5000  64240 0 64240 0 ESTABLISHED",
            "a tcp row in the udp table",
        ),
        (
            "linux-netstat",
            "Active UNIX domain sockets (servers and established)\n"
            "tcp        0      0 0.0.0.0:22              0.0.0.0:*               LISTEN",
            "a inet row in the unix table",
        ),
        (
            "linux-netstat",  # ifconfig blocks belong to the interface table
            "Active Internet connections (servers and established)\n"
            "lo: flags=73<UP,LOOPBACK,RUNNING>  mtu 65536",
            "a iface row in the inet table",
        ),
        (
            "macos-netstat",
            "Routing tables\ntcp4       0      0  127.0.0.1.631          *.*      LISTEN",
            "a inet row in the route table",
        ),
    ],
)
def test_a_row_in_another_table_is_a_diagnostic(name: str, text: str, reason: str) -> None:
    _, items = _run(name, text)
    assert [i.reason for i in items if isinstance(i, nn.Diagnostic)] == [reason]


def test_ifconfig_blocks_are_read_under_the_interface_table() -> None:
    _, items = _run(
        "linux-netstat",
        "Kernel Interface table\nlo: flags=73<UP,LOOPBACK,RUNNING>  mtu 65536\n"
        "        inet 127.0.0.1  netmask 255.0.0.0",
    )
    (record,) = items
    assert isinstance(record, nn.Record)
    assert record.extra["iface"] == "lo" and record.extra["inet"] == "127.0.0.1"


def test_table_state_is_what_the_dialect_declares() -> None:
    dialect = SolarisNetstat()
    before = dialect.state()
    assert before == TableState("udp", None, None, (None, False, None, None))
    list(dialect.run(["TCP: IPv6"]))
    assert dialect.state() == TableState("tcp", "tcp", "TCP: IPv6", (6, False, None, None))
    assert dialect.state() != before


def test_a_dialect_is_configured_by_its_constructor() -> None:
    counts = {"record": 0, "other": 0, "unparsed": 0}
    dialect = WindowsNetstat("p", "netstat -ano", member="m", accounting=counts)
    (item,) = dialect.run(["  TCP    0.0.0.0:135            0.0.0.0:0              LISTENING"])
    assert isinstance(item, nn.Record)
    assert item.source == {"path": "p", "member": "m", "line": 1}
    assert counts["record"] == 1
    assert WindowsNetstat.line_grammar() is dialect.lines


def test_a_dialect_setting_its_table_itself_is_checked_the_same() -> None:
    class Legacy(SolarisNetstat):
        def tcp_header(self, values: list[str]) -> None:
            self.section = self.table = "tcp"

    tcp_header = "Local Address Remote Address Swind Send-Q Rwind Recv-Q State"
    tcp_row = "10.0.0.1.22  10.0.0.2.5000  64240 0 64240 0 ESTABLISHED"
    dialect = Legacy()
    items = list(dialect.run(["UDP: IPv4", tcp_header, tcp_row, "UDP: IPv6", tcp_row]))
    records = [i for i in items if isinstance(i, nn.Record)]
    assert [(r.source["line"], r.proto) for r in records] == [(3, "tcp")]
    assert [(i.line, i.reason) for i in items if isinstance(i, nn.Diagnostic)] == [
        (5, "a tcp row in the udp table")
    ]


class _Grammar:
    """A stand-in line grammar: its kinds and their terminals' patterns."""

    def __init__(self, kinds: dict[str, list[str]]) -> None:
        self._kinds = kinds

    def kinds(self, section: str) -> list[str]:
        return list(self._kinds)

    def patterns(self, kind: str) -> list[str]:
        return self._kinds[kind]


def _dialect(kinds: dict[str, list[str]]) -> type[Dialect]:
    class Stub(Dialect):
        name = "stub"
        grammar = "stub"
        sections = ("inet", "unix")

        @classmethod
        def line_grammar(cls) -> Any:
            return _Grammar(kinds)

        def inet_row(self, values: list[Any]) -> None:
            return None

    return Stub


def test_a_kind_named_like_a_base_method_has_no_handler() -> None:
    stub = _dialect({"inet_row": [], "run": [], "unix_header": [], "warning": []})
    assert stub.unhandled() == ["run", "run"]  # listed by both sections


def test_a_title_group_must_name_a_section() -> None:
    stub = _dialect({"title": ["(?P<inet>Internet)|(?P<route>Routes)"]})
    with pytest.raises(ValueError, match="stub: title names no section 'route'"):
        stub.unhandled()
