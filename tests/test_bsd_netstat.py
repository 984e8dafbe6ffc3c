"""The freebsd-netstat and macos-netstat dialects against their fixtures and synthetic lines."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from netstat_normalizer import detect
from netstat_normalizer import parse as nn_parse
from netstat_normalizer.dialects import DIALECTS
from netstat_normalizer.dialects.freebsd_netstat import header_words, split_proto
from netstat_normalizer.model.addresses import split_dot
from netstat_normalizer.model.record import Diagnostic, Record

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def run(dialect: str, lines: list[str]) -> tuple[list[Record], list[Diagnostic]]:
    out = list(DIALECTS[dialect]("x").run(lines))
    return [r for r in out if isinstance(r, Record)], [d for d in out if isinstance(d, Diagnostic)]


class Rows:
    """A fixture's records, looked up by a piece of their line's text that only one line holds."""

    def __init__(self, dialect: str, case: str) -> None:
        self.lines = (FIXTURES / dialect / f"{case}.out").read_text().splitlines()
        self.records, diagnostics = run(dialect, self.lines)
        assert diagnostics == []

    def __getitem__(self, text: str) -> Record:
        (found,) = (r for r in self.records if text in self.lines[r.source["line"] - 1])
        return found


@pytest.mark.parametrize(
    "dialect", ["freebsd-netstat", "macos-netstat"], ids=lambda d: d.split("-")[0]
)
def test_every_fixture_line_is_understood(dialect: str) -> None:
    for case in sorted((FIXTURES / dialect).glob("*.out")):
        lines = case.read_text().splitlines()
        grammar = DIALECTS[dialect]("x")
        assert [str(d) for d in grammar.run(lines) if isinstance(d, Diagnostic)] == []
        assert grammar.accounting["record"] + grammar.accounting["other"] == len(lines)


def test_freebsd_inet_rows() -> None:
    rows = Rows("freebsd-netstat", "an")
    syn = rows["198.51.100.23.41022    SYN_RCVD"]
    assert (syn.proto, syn.ip_version, syn.state, syn.state_raw) == (
        "tcp",
        4,
        "SYN-RECEIVED",
        "SYN_RCVD",
    )
    assert (syn.local_address, syn.local_port, syn.remote_port) == ("192.168.1.20", 443, 41022)
    assert (rows["517      0"].recv_q, rows["0     36"].send_q) == (517, 36)
    dual = rows["tcp46      0      0 *.443"]
    assert (dual.ip_version, dual.local_address, dual.local_port, dual.extra) == (
        None,
        "*",
        443,
        {"dual_stack": True},
    )
    assert (dual.remote_address, dual.remote_port, dual.state) == ("*", None, "LISTEN")
    zone = rows["fe80::1%lo0.123"]
    assert (zone.proto, zone.ip_version, zone.state, zone.state_raw) == ("udp", 6, None, None)
    assert (zone.local_address, zone.local_interface, zone.local_port) == ("fe80::1", "lo0", 123)
    cut = rows["2001:db8:10:1::2.22 "]
    assert (cut.local_address, cut.local_port) == ("2001:db8:10:1::2", 22)
    assert (rows["::1.631"].local_address, rows["::1.631"].local_port) == ("::1", 631)


def test_freebsd_sctp_and_unix() -> None:
    rows = Rows("freebsd-netstat", "an")
    listen = rows["3868                             LISTEN"]
    assert (listen.proto, listen.state, listen.state_raw, listen.remote_address) == (
        "sctp",
        None,
        "LISTEN",
        None,
    )
    assoc = rows["10.20.30.41.50011"]
    assert (assoc.remote_port, assoc.state_raw, assoc.extra) == (
        50011,
        "ESTABLISHED",
        {"type": "1to1"},
    )
    unix = Rows("freebsd-netstat", "an-unix")
    bus = unix["system_bus_socket"]
    assert (bus.proto, bus.local_address, bus.recv_q) == (
        "unix",
        "/var/run/dbus/system_bus_socket",
        12,
    )
    assert bus.extra == {
        "address": "fffff80003e4b300",
        "type": "stream",
        "vnode": None,
        "conn": "fffff80003e4b400",
        "refs": None,
        "nextref": None,
    }
    assert unix["/var/run/devd.seqpacket.pipe"].extra["type"] == "seqpac"


def test_freebsd_names_and_truncated_services() -> None:
    rows = Rows("freebsd-netstat", "a")
    postg = rows["db-primary.inter.postg"]
    assert (postg.remote_address, postg.remote_service, postg.remote_port) == (
        "db-primary.inter",
        "postg",
        None,
    )
    assert (postg.local_address, postg.local_port, postg.local_service) == (
        "fbsd-web01",
        48211,
        None,
    )
    https = rows["fbsd-web01.https       198"]
    assert (https.local_port, https.local_service) == (443, "https")
    assert rows["admin-laptop.cor.60142"].remote_address == "admin-laptop.cor"


def test_a_value_wider_than_its_a_column_is_not_cut() -> None:
    """-A prints an address %-18.18s then one space: 18 characters followed by more spaces did
    not fill the column (garbage widened it), so its port is no cut one (it was flagged)."""
    lines = (FIXTURES / "freebsd-netstat" / "Aan.out").read_text().splitlines()
    row = lines[2].replace("192.168.1.20.22    ", "192.168.100.200.22   ")
    records, diagnostics = run("freebsd-netstat", [*lines[:2], row, lines[4]])
    assert diagnostics == []
    assert (records[0].local_address, records[0].local_port) == ("192.168.100.200", 22)
    assert "local_port_printed" not in records[0].extra
    assert records[1].extra["remote_port_printed"] == "4102"  # a full column: maybe cut


def test_freebsd_flag_columns() -> None:
    aan = Rows("freebsd-netstat", "Aan")
    cut = aan["198.51.100.23.4102 "]
    assert cut.extra == {"pcb": "fffff8001297d000", "remote_port_printed": "4102"}
    assert (cut.remote_address, cut.remote_port) == ("198.51.100.23", None)
    assert aan["203.0.113.7.55310"].remote_port == 55310
    t = Rows("freebsd-netstat", "anT")
    assert t["192.168.1.77.60142"].extra == {"rexmit": 2, "ooorcv": 1, "zero_win": 0}
    assert (t["192.168.1.77.60142"].state, t["192.168.1.77.60142"].recv_q) == (None, None)
    assert t["fe80::1%lo0.123"].extra == {}
    x = Rows("freebsd-netstat", "anx")
    wait = x["198.51.100.23.40998"]
    assert wait.extra["r_hiwa"] == 0 and wait.extra["timers"]["2msl"] == 58.31
    assert x["192.168.1.20.37104"].extra["s_bmax"] == 73728
    p = Rows("freebsd-netstat", "anP")
    assert p["tls-front-0001"].extra == {"log_id": "tls-front-0001"}
    assert p["203.0.113.45.52814"].extra == {"log_id": None}


def test_freebsd_interfaces_and_routes() -> None:
    i = Rows("freebsd-netstat", "i")
    down = i["tun0*"]
    assert down.kind == "interface"
    assert down.extra == {
        "iface": "tun0",
        "down": True,
        "mtu": 1500,
        "network": "<Link#4>",
        "address": "tun0",
        "ipkts": 0,
        "ierrs": 0,
        "idrop": 0,
        "opkts": 0,
        "oerrs": 0,
        "coll": 0,
    }
    net = i["192.168.1.0/2"]
    assert (net.ip_version, net.extra["mtu"], net.extra["ierrs"], net.extra["ipkts"]) == (
        4,
        None,
        None,
        8120453,
    )
    r = Rows("freebsd-netstat", "rn")
    default = r["default            192.168.1.1"]
    assert (default.kind, default.ip_version) == ("route", 4)
    assert default.extra == {
        "destination": "default",
        "gateway": "192.168.1.1",
        "flags": "UGS",
        "netif": "vtnet0",
        "expire": None,
    }
    long = r["2001:db8:abcd:12:5a9c:fcff:fe01:2345"]
    assert (long.ip_version, long.extra["gateway"], long.extra["netif"]) == (6, "link#1", "lo0")


def test_macos_inet_flag_columns() -> None:
    aan = Rows("macos-netstat", "Aan")
    first = aan["17.253.144.10.443"]
    assert first.extra == {"pcb": "e8b1a0c3b5f3a1d5", "flowhash": "3c1f9a27"}
    assert (first.local_port, first.remote_port, first.state) == (62011, 443, "ESTABLISHED")
    six = aan["2001:db8:1234:56.6"]
    assert (six.local_port, six.extra["local_port_printed"]) == (None, "6")
    assert aan["icm4"].proto == "icmp" and aan["icm4"].ip_version == 4
    v = Rows("macos-netstat", "anv")
    wait = v["203.0.113.40.8443"]
    assert (wait.state, wait.pid) == ("CLOSE-WAIT", 733)
    assert wait.extra == {
        "rhiwat": 131072,
        "shiwat": 131072,
        "epid": 733,
        "socket_state": 0x0122,
        "socket_options": 8,
    }
    assert v["192.168.1.23.123"].extra["socket_state"] == 0x100
    b = Rows("macos-netstat", "anb")
    assert b["140.82.112.22.443"].extra == {"rxbytes": 712044, "txbytes": 30561}
    assert b["udp46"].extra == {"rxbytes": 8812344, "txbytes": 1204451, "dual_stack": True}
    a = Rows("macos-netstat", "a")
    assert (a["pcsync-ht"].remote_service, a["pcsync-ht"].remote_port) == ("pcsync-ht", None)
    assert a["router.home.arpa.domai"].remote_address == "router.home.arpa"


def test_macos_system_tables() -> None:
    rows = Rows("macos-netstat", "Aan")
    kinds = {r.kind for r in rows.records}
    assert kinds == {"socket", "kernel-control-module", "kernel-event", "kernel-control"}
    module = rows["1d001d"]
    assert module.extra == {
        "kctlref": "1d001d",
        "id": 0x1D,
        "unit": -1,
        "flags": 5,
        "pcbcount": 1,
        "rcvbuf": 32768,
        "sndbuf": 2048,
        "name": "com.example.kext.filter",
    }
    kevt = rows["e8b1a0c3b55e0b9d"]
    assert (kevt.proto, kevt.recv_q) == ("kevt", 0)
    assert kevt.extra == {"pcb": "e8b1a0c3b55e0b9d", "vendor": 1000, "class": 5, "subclass": 11}
    kctl = rows["e8b1a0c3b6d0184d"]
    assert kctl.extra == {
        "pcb": "e8b1a0c3b6d0184d",
        "unit": 1,
        "id": 29,
        "name": "com.example.kext.filter",
    }
    local = rows["agent.sock"]
    assert (local.proto, local.recv_q, local.local_address) == (
        "unix",
        5,
        "/Users/jane/Library/Containers/com.example.sync/Data/agent.sock",
    )
    v = Rows("macos-netstat", "anv")
    glued = v["1000      5     11  8192"]
    assert (glued.pid, glued.extra["rhiwat"], glued.extra["subclass"]) == (641, 8192, 11)
    assert v["      1d        5        1"].kind == "kernel-control-module"


def test_macos_interfaces_and_routes() -> None:
    i = Rows("macos-netstat", "i")
    lo = i["lo0        16384 <Link#1>"]
    assert lo.extra == {
        "iface": "lo0",
        "mtu": 16384,
        "network": "<Link#1>",
        "address": None,
        "ipkts": 2203411,
        "ierrs": 0,
        "opkts": 2203411,
        "oerrs": 0,
        "coll": 0,
    }
    assert i["gif0*"].extra["down"] is True
    r = Rows("macos-netstat", "rn")
    expired = r["192.168.1          link#6"]
    assert expired.extra == {
        "destination": "192.168.1",
        "gateway": "link#6",
        "flags": "UCS",
        "netif": "en0",
        "expire": None,
        "expired": True,
    }
    assert r["8:0:27:5:aa:1"].extra["expire"] == 412
    assert r["fe80::8b55:1e20:4f3a:9a61%utun0 UcI"].ip_version == 6


def test_macos_multipath_rows() -> None:
    lines = [
        "Active Multipath Internet connections",
        "Proto/ID  Flags      Local Address          Foreign Address        (state)    ",
        "mptcp/00  00000003/00000011" + " " * 40 + "ESTABLISHED ",
        "      [tok(0x1a2b3c4d) snd(0x1000) rcv(0x2000) aid(1)]",
        " tcp4/01  00000001   192.168.1.23.62020     17.1.2.3.443           ESTABLISHED ",
        "      [relseq(0001), err(0)]",
        " tcp4/02  00000001   192.168.1.23.62021     17.1.2.3.443           ESTABLISHED ",
    ]
    (conn, flow, second), diagnostics = run("macos-netstat", lines)
    assert diagnostics == []
    assert (conn.kind, conn.proto, conn.state, conn.state_raw) == (
        "mptcp",
        "mptcp",
        None,
        "ESTABLISHED",
    )
    assert conn.extra == {
        "id": 0,
        "mpte_flags": 3,
        "flags": 0x11,
        "tok": 0x1A2B3C4D,
        "snd": 0x1000,
        "rcv": 0x2000,
        "aid": 1,
    }
    assert (flow.kind, flow.ip_version, flow.local_port, flow.state) == (
        "mptcp-subflow",
        4,
        62020,
        "ESTABLISHED",
    )
    assert flow.extra == {"subflow_id": 1, "flags": 1, "mptcp_id": 0, "relseq": 1, "err": 0}
    assert second.extra == {"subflow_id": 2, "flags": 1, "mptcp_id": 0}  # not only the first's


def test_macos_subflows_of_a_rejected_connection_name_none() -> None:
    lines = [
        "Active Multipath Internet connections",
        "Proto/ID  Flags      Local Address          Foreign Address        (state)    ",
        "mptcp/00  00000003/00000011" + " " * 40 + "ESTABLISHED ",
        "mptcp/01  0000000z/00000011" + " " * 40 + "ESTABLISHED ",
        " tcp4/01  00000001   192.168.1.23.62020     17.1.2.3.443           ESTABLISHED ",
    ]
    (_, flow), diagnostics = run("macos-netstat", lines)
    assert [d.line for d in diagnostics] == [4]
    assert "mptcp_id" not in flow.extra


def test_each_dialect_refuses_the_others_tables() -> None:
    mac_header = "Proto Recv-Q Send-Q  Local Address          Foreign Address        (state)    "
    _, diagnostics = run("freebsd-netstat", ["Active Internet connections", mac_header])
    assert len(diagnostics) == 1
    fbsd_only = [
        "Active SCTP associations",
        "Proto Rexmit OOORcv 0-win  Local Address          Foreign Address",
    ]
    _, diagnostics = run("macos-netstat", fbsd_only)
    assert len(diagnostics) == 2
    _, diagnostics = run("freebsd-netstat", ["Active kernel event sockets"])
    assert len(diagnostics) == 1


def test_row_not_matching_its_header_is_a_diagnostic() -> None:
    lines = [
        "Proto Recv-Q Send-Q Local Address          Foreign Address        (state)",
        "fffff80012a4e7a0 tcp4 0 0 10.0.0.1.22 10.0.0.2.5000 ESTABLISHED",
        "tcp4 0 0 10.0.0.1.22 10.0.0.2.5000 BOGUS_STATE",
    ]
    records, diagnostics = run("freebsd-netstat", lines)
    assert records == [] and [d.line for d in diagnostics] == [2, 3]
    assert "unknown TCP state" in diagnostics[1].reason


def test_helpers() -> None:
    assert split_proto("tcp46") == ("tcp", "46")
    assert split_proto("icm4") == ("icmp", "4")
    assert split_proto("tcp") == ("tcp", "")
    assert split_proto("ip6") == ("raw", "6")
    assert header_words("Tcpcb Proto Local Address (state)     Log ID") == [
        "Tcpcb",
        "Proto",
        "Local-Address",
        "(state)",
        "Log-ID",
    ]


@pytest.mark.parametrize(
    ("title", "header"),
    [
        ("Active kernel event sockets", "Proto Recv-Q Send-Q vendor  class subcla  foo"),
        ("Active kernel control sockets", "Proto Recv-Q Send-Q   unit     id name  foo"),
    ],
)
def test_macos_system_header_with_an_unknown_column_is_a_diagnostic(
    title: str, header: str
) -> None:
    records, diagnostics = run("macos-netstat", [title, header])
    assert records == []
    assert [d.line for d in diagnostics] == [2]
    assert "'foo'" in diagnostics[0].reason


# -- tolerant headers (issue 12): unknown columns, values with spaces, grepped rows ------------
def _socket_fields(record: Record) -> dict[str, object]:
    found = record.to_dict()
    del found["source"]
    return found


def test_an_unknown_column_is_kept_as_printed_with_one_notice() -> None:
    rows = Rows("macos-netstat", "anvv-26")
    notices = [r for r in rows.records if r.kind == "notice"]
    assert [(n.source["line"], n.extra["columns"]) for n in notices] == [
        (2, ["rxbytes/packets", "txbytes/packets", "eprocess:epid"])
    ]
    fusion = rows["Autodesk Fusion:22712   Autodesk"]
    assert (fusion.program, fusion.pid, fusion.state) == ("Autodesk Fusion", 22712, "ESTABLISHED")
    assert fusion.extra["rxbytes/packets"] == "918273/656"
    assert fusion.extra["eprocess:epid"] == "Autodesk Fusion:22712"
    assert (fusion.extra["rhiwat"], fusion.extra["gencnt"]) == (262144, 0x1A31)
    assert rows["TIME_WAIT"].extra["eprocess:epid"] == ":"


def test_an_unknown_freebsd_column_keeps_its_rows() -> None:
    records, diagnostics = run(
        "freebsd-netstat",
        [
            "Proto Recv-Q Send-Q Local Address          Foreign Address        (state)     Stack",
            "tcp4       0      0 192.168.1.20.22        203.0.113.45.52814     ESTABLISHED rack",
            "udp4       0      0 *.514                  *.*                                -",
            "tcp4       0      0 192.168.1.20.22        203.0.113.45.52815     ESTABLISHED rack x",
        ],
    )
    assert [r.kind for r in records] == ["notice", "socket", "socket", "socket"]
    assert records[0].extra == {
        "notice": "columns this dialect does not know, kept as printed",
        "columns": ["Stack"],
    }
    assert (records[1].state, records[1].extra) == ("ESTABLISHED", {"Stack": "rack"})
    assert records[2].extra == {"Stack": "-"}
    # two words for one column, the last: cut at the header's position, as printed
    assert records[3].extra == {"Stack": "rack x"}
    assert diagnostics == []


def test_freebsd_14_congestion_columns_are_cut_at_the_header_positions() -> None:
    """netstat -ancC (FreeBSD 14 inet.c): Stack and CC ... ECN are printed for TCP rows only;
    a UDP row, ending at its foreign address, has none of them (it was unparsed)."""
    rows = Rows("freebsd-netstat", "ancC-14")
    assert rows.records[0].extra["columns"] == ["Stack", "CC", "cwin", "ssthresh", "MSS", "ECN"]
    assert rows["10.20.30.40.49822"].extra == {
        "Stack": "freebsd",
        "CC": "newreno",
        "cwin": "28960",
        "ssthresh": "1073725440",
        "MSS": "1460",
        "ECN": "off",
    }
    udp = rows["127.0.0.1.123"]
    assert (udp.proto, udp.local_address, udp.local_port, udp.extra) == (
        "udp",
        "127.0.0.1",
        123,
        {},
    )


_STACK_HEADER = (
    "Proto Recv-Q Send-Q Local Address          Foreign Address        (state)     Stack    CC"
    "            cwin   ssthresh   MSS ECN"
)
_ROW = "tcp4       0      0 192.168.1.20.22        203.0.113.45.52814     ESTABLISHED "


@pytest.mark.parametrize(
    ("tail", "values"),
    [
        # a stack name holding a space (-c prints it %-*s, as wide as the longest): by position
        ("my stack cubic        14600 1073725440  1460 off", ("my stack", "cubic")),
        ("rack     cubic        14600 1073725440  1460 off", ("rack", "cubic")),
        # a name wider than the header's, right after the CC name: the wide gap tells
        ("rack     my cc algo   14600 1073725440  1460 off", ("rack", "my cc algo")),
    ],
)
def test_values_with_spaces_are_cut_at_the_header_positions(
    tail: str, values: tuple[str, str]
) -> None:
    records, diagnostics = run("freebsd-netstat", [_STACK_HEADER, _ROW + tail])
    assert diagnostics == []
    assert (records[1].extra["Stack"], records[1].extra["CC"]) == values
    assert records[1].extra["cwin"] == "14600"


@pytest.mark.parametrize("name", ["rcv.wnd", "."])
def test_an_unknown_column_with_a_dot_keeps_its_name_whole(name: str) -> None:
    """A dot in an unknown column's name is no group (``timers.rexmt``): the row is cut at the
    header's positions under that name (a traceback before, the name split)."""
    header = "Proto Recv-Q Send-Q  Local Address          Foreign Address        (state)"
    records, diagnostics = run(
        "macos-netstat",
        [
            f"{header} {name}   ",
            "tcp4       0      0  192.168.1.20.22        203.0.113.45.52814     ESTABLISHED 7",
            "tcp4       0      0  192.168.1.20.22        203.0.113.45.52815     CLOSED  x 7",
        ],
    )
    assert records[0].extra["columns"] == [name]
    assert records[1].extra == {name: "7"}
    assert len(records) + len(diagnostics) == 3


def test_a_row_ending_before_unknown_columns_prints_none_of_them() -> None:
    records, diagnostics = run("freebsd-netstat", [_STACK_HEADER, _ROW + "rack"])
    assert (records[1].extra, diagnostics) == ({"Stack": "rack"}, [])


@pytest.mark.parametrize(
    ("tail", "reason"),
    [
        # "ef" may end the Stack value or begin CC's: single spaces on both sides
        ("ab cd ef cubic        14600 1073725440  1460 off", "may end the Stack value or begin CC"),
        # a value wider than its column pushed the next ones: not where the header has them
        ("my big stack cubic   14600 1073725440  1460 off", "a column moved"),
        ("my stack cubic     14600 1073725440  1460 off", "stands under two columns"),
        ("rack     cubic                   1460 off", "no value under the cwin column"),
        ("         cubic        14600 1073725440  1460 off", "no value under the Stack column"),
    ],
)
def test_positions_that_do_not_tell_keep_the_row_unparsed(tail: str, reason: str) -> None:
    records, diagnostics = run("freebsd-netstat", [_STACK_HEADER, _ROW + tail])
    assert [r.kind for r in records] == ["notice"]
    assert len(diagnostics) == 1 and reason in diagnostics[0].reason


def test_a_word_past_a_right_aligned_last_column_is_no_part_of_its_value() -> None:
    """MSS is printed %5u: "1460" ends where its name ends, so "off" past it is not a wider
    MSS value (a header cut before ECN)."""
    header = _STACK_HEADER.removesuffix(" ECN")
    _, diagnostics = run(
        "freebsd-netstat", [header, _ROW + "rack     cubic        14600 1073725440  1460 off"]
    )
    assert "'off' past the MSS column" in diagnostics[0].reason


@pytest.mark.parametrize("case", ["anv-26", "anvl-26"])
def test_macos_26_process_names_hold_spaces(case: str) -> None:
    rows = Rows("macos-netstat", case)
    assert [(r.program, r.pid) for r in rows.records[:5]] == [
        ("apsd", 402),
        ("Autodesk Fusion", 22712),
        ("Google Chrome He", 1877),
        ("Microsoft Teams", 2044),
        (None, 0),
    ]
    assert "epid" not in rows.records[0].extra
    assert rows.records[0].extra["usecnt"] == 1


def test_macos_14_spells_usecnt_usscnt() -> None:
    rows = Rows("macos-netstat", "anv-14")
    assert rows["CLOSE_WAIT"].extra == {
        "rhiwat": 131072,
        "shiwat": 131072,
        "epid": 2044,
        "socket_state": 0x122,
        "socket_options": 8,
        "gencnt": 0x19F0,
        "flags": 0x40000,
        "flags1": 0,
        "usecnt": 1,
        "rtncnt": 0,
        "fltrs": 0,
    }
    assert rows["CLOSE_WAIT"].recv_q == 31


@pytest.mark.parametrize("release", ["14", "15", "26"])
def test_grepped_macos_rows_read_as_under_their_header(release: str) -> None:
    headed = [r for r in Rows("macos-netstat", f"anv-{release}").records if r.kind != "notice"]
    grepped = Rows("macos-netstat", f"anv-{release}-grep").records
    assert list(map(_socket_fields, grepped)) == list(map(_socket_fields, headed))
    assert len(grepped) == 11


def test_a_moved_column_is_not_taken_for_a_process_name() -> None:
    line = (
        "tcp4       0      0  192.168.1.42.52814     17.57.146.20.5223      ESTABLISHED"
        "        48213 48213        12044  131072  131072             apsd:402    00102 00000000"
        " 0000000000001a3f 00040000 00000000      1      0 000000"
    )
    header = (FIXTURES / "macos-netstat" / "anv-26.out").read_text().splitlines()[1]
    records, diagnostics = run("macos-netstat", [header, line])
    assert records == []
    assert "a column moved" in diagnostics[0].reason
    records, diagnostics = run("macos-netstat", [line])  # grepped: no layout has that shape
    assert (records, len(diagnostics)) == ([], 1)


_ROW_26 = (
    "tcp4       0      0  192.168.1.42.52814     17.57.146.20.5223      ESTABLISHED        48213"
    "        12044  131072  131072             apsd:402    00102 00000000 0000000000001a3f"
    " 00040000 00000000      1      0 000000"
)


@pytest.mark.parametrize(
    "line",
    [
        _ROW_26.replace("             apsd:402", ""),  # process:pid deleted: a 13-14 row?
        _ROW_26.replace("ESTABLISHED        48213", "131072        48213").replace(
            "131072             apsd", "ESTABLISHED        apsd"
        ),  # the state moved into the process name
        "tcp6       0      0  2001:db8:4a1:9c0.52790 2606:4700:4700::.443   131072         5230"
        "         2214  131072  ESTABLISHED Google Chrome He:1877   00102 00000000 0000000000001a12"
        " 00040000 00000000      1      0 000000",  # the same, one space before the name
    ],
)
@pytest.mark.parametrize("headed", [False, True])
def test_a_macos_26_row_less_a_column_is_no_other_release_row(line: str, headed: bool) -> None:
    """Deep hypothesis findings: the printed widths tell the releases' -v layouts apart
    (grepped rows), and a process name holds no run of spaces (a column moved into it)."""
    header = (FIXTURES / "macos-netstat" / "anv-26.out").read_text().splitlines()[1:2]
    records, diagnostics = run("macos-netstat", [*header[:headed], _ROW_26, line])
    assert [(r.program, r.pid) for r in records if r.kind == "socket"] == [("apsd", 402)]
    assert [d.line for d in diagnostics] == [2 + headed]


def test_a_signed_hex_column_is_refused() -> None:
    """Deep finding: ``int(x, 16)`` takes ``-0180``; no %x column prints a sign."""
    lines = (FIXTURES / "macos-netstat" / "anvv-26.out").read_text().splitlines()
    line = next(x for x in lines if "rapportd:412" in x).replace(" 00180 ", " -0180 ")
    records, diagnostics = run("macos-netstat", [lines[1], line])
    assert [r for r in records if r.kind == "socket"] == [] and len(diagnostics) == 1


# -- KAME scoped IPv6 (issue 12) -------------------------------------------------------------
@pytest.mark.parametrize("case", ["an-kame", "anW-kame"])
def test_kame_embedded_zone_fills_the_interface(case: str) -> None:
    rows = Rows("freebsd-netstat", case)
    est = rows[".50122"]
    assert est.ip_version == 6
    assert (est.local_port, est.local_interface, est.remote_port, est.remote_interface) == (
        22,
        "1",
        50122,
        "1",
    )
    assert est.local_address.startswith("fe80:1::20c:29ff")  # as printed (cut without -W)
    assert est.local_scope == "link-local"
    multicast = rows["ff02:1::fb"]
    assert (multicast.local_address, multicast.local_interface) == ("ff02:1::fb", "1")
    assert rows["fe80:2::1.631"].local_interface == "2"
    assert rows[" ::1.123"].local_interface is None


def test_a_printed_zone_wins_and_unscoped_words_stay() -> None:
    records, diagnostics = run(
        "freebsd-netstat",
        [
            "udp6       0      0 fe80::1%lo0.123        *.*                    ",
            "udp6       0      0 fe80:0:0:0::1.123      *.*                    ",
            "udp6       0      0 2001:db8:1::1.123      *.*                    ",
        ],
    )
    assert diagnostics == []
    assert [(r.local_address, r.local_interface) for r in records] == [
        ("fe80::1", "lo0"),
        ("fe80:0:0:0::1", None),
        ("2001:db8:1::1", None),
    ]


# -- OpenBSD (issue 12) ----------------------------------------------------------------------
def test_older_openbsd_state_column_over_every_block_and_its_unix_table() -> None:
    rows = Rows("openbsd-netstat", "an-old")
    assert len(rows.records) == 20 and {r.capture for r in rows.records} == {0}
    assert (rows["198.51.100.7.443"].state, rows["198.51.100.7.443"].state_raw) == (
        "TIME-WAIT",
        "TIME_WAIT",
    )
    raw = [r for r in rows.records if r.proto == "raw"]
    assert [(r.ip_version, r.extra, r.state) for r in raw] == [
        (4, {"ip_proto": 17}, None),
        (4, {"ip_proto": 2}, None),
    ]
    log = rows["/dev/log"]
    assert (log.proto, log.local_address, log.recv_q, log.send_q) == ("unix", "/dev/log", 0, 0)
    assert log.extra == {
        "address": "0xffff80000127d300",
        "type": "dgram",
        "vnode": "0xffff8000011cb470",
        "conn": None,
        "refs": "0xffff80000127d900",
        "nextref": None,
    }
    text = (FIXTURES / "openbsd-netstat" / "an-old.out").read_text()
    assert detect(text).dialect == "openbsd-netstat"
    tcp_only = "\n".join(text.splitlines()[:7])  # no raw rows: the header's widths tell
    assert detect(tcp_only).dialect == "openbsd-netstat"
    unix_rows = [line for line in text.splitlines() if line.startswith("0x")]
    assert detect("\n".join(unix_rows)).dialect == "openbsd-netstat"
    records, diagnostics = run("openbsd-netstat", unix_rows)
    assert len(records) == 6 and diagnostics == []


def test_a_number_under_the_old_state_column_is_a_protocol_only_for_raw_rows() -> None:
    header = "Proto   Recv-Q Send-Q  Local Address          Foreign Address        (state)"
    records, diagnostics = run(
        "openbsd-netstat",
        [
            header,
            "udp          0      0  *.514                  *.*                    17",
            "tcp          0      0  *.22                   *.*                    11",
        ],
    )
    assert [(r.proto, r.state, r.state_raw) for r in records] == [("tcp", None, "11")]
    assert [d.line for d in diagnostics] == [2]


def test_openbsd_blocks_are_one_capture_and_their_last_column_is_typed() -> None:
    rows = Rows("openbsd-netstat", "an")
    assert {r.capture for r in rows.records} == {0}
    assert len(rows.records) == 15
    wait = rows["198.51.100.7.443"]
    assert (wait.proto, wait.ip_version, wait.state, wait.state_raw) == (
        "tcp",
        4,
        "TIME-WAIT",
        "TIME_WAIT",
    )
    assert (rows["::1.25"].proto, rows["::1.25"].ip_version) == ("tcp", 6)
    assert [(r.proto, r.ip_version, r.extra) for r in rows.records[-3:]] == [
        ("raw", 4, {"ip_proto": 17}),
        ("raw", 4, {"ip_proto": 1}),
        ("raw", 6, {"ip_proto": 58}),
    ]
    dns = rows["10.0.2.3.53"]
    assert (dns.proto, dns.state, dns.remote_port, dns.extra) == ("udp", None, 53, {})


def test_openbsd_grepped_rows_read_as_under_their_headers() -> None:
    headed = Rows("openbsd-netstat", "an").records
    grepped = Rows("openbsd-netstat", "an-grep").records
    assert list(map(_socket_fields, grepped)) == list(map(_socket_fields, headed))


def test_openbsd_state_out_of_range_is_kept_as_printed() -> None:
    records, diagnostics = run(
        "openbsd-netstat",
        [
            "Proto   Recv-Q Send-Q  Local Address          Foreign Address        TCP-State",
            "tcp          0      0  10.0.2.15.22           10.0.2.2.51544         12",
            "udp          0      0  10.0.2.15.123          *.*                    ESTABLISHED",
        ],
    )
    assert [(r.state, r.state_raw) for r in records] == [(None, "12")]
    assert [d.line for d in diagnostics] == [3]


def test_openbsd_rows_are_not_freebsd_or_macos_rows() -> None:
    text = (FIXTURES / "openbsd-netstat" / "an.out").read_text()
    assert nn_parse(text).dialect == "openbsd-netstat"
    freebsd = (FIXTURES / "freebsd-netstat" / "an.out").read_text()
    assert nn_parse(freebsd).dialect == "freebsd-netstat"


# -- NetBSD and DragonFly (issue 12) ---------------------------------------------------------
def test_netbsd_state_header_and_internet6_table() -> None:
    rows = Rows("netbsd-netstat", "an")
    est = rows["10.9.7.4.46592"]
    assert (est.proto, est.ip_version, est.state, est.local_port) == ("tcp", 4, "ESTABLISHED", 22)
    six = rows["2001:db8:ff::9.50122"]
    assert (six.proto, six.ip_version, six.remote_address, six.state) == (
        "tcp",
        6,
        "2001:db8:ff::9",
        "ESTABLISHED",
    )
    assert [r.ip_version for r in rows.records].count(6) == 3


def test_netbsd_compact_states_and_pcb() -> None:
    rows = Rows("netbsd-netstat", "Aan")
    wait = rows["c3a1f400"]
    assert (wait.state, wait.state_raw, wait.extra) == ("TIME-WAIT", "TMWAIT", {"pcb": "c3a1f400"})
    assert rows["c3a1f800"].state == "ESTABLISHED"


def test_netbsd_is_told_from_macos_linux_and_openbsd() -> None:
    for dialect, case in [
        ("netbsd-netstat", "an"),
        ("netbsd-netstat", "an-grep"),
        ("macos-netstat", "an"),
        ("linux-netstat", "anp"),
        ("openbsd-netstat", "an"),
    ]:
        text = (FIXTURES / dialect / f"{case}.out").read_text()
        assert nn_parse(text).dialect == dialect, (dialect, case)


def test_dragonfly_reads_as_freebsd() -> None:
    rows = Rows("freebsd-netstat", "an-dragonfly")
    assert rows["192.0.2.140.61022"].send_q == 44
    assert (rows["fe80::1%lo0"].local_interface, rows["fe80::1%lo0"].ip_version) == ("lo0", 6)
    assert rows["*.123"].extra == {"dual_stack": True}


# -- AIX (issue 12) --------------------------------------------------------------------------
def test_aix_rows_wider_than_their_header() -> None:
    rows = Rows("aix-netstat", "Aan")
    oracle = rows["198.51.100.200.1521"]
    assert (oracle.local_port, oracle.remote_port, oracle.send_q, oracle.extra) == (
        57310,
        1521,
        120,
        {"pcb": "f1000f0000b213c0"},
    )
    assert rows["10.20.30.41.22 "].local_port == 22  # 18 characters: not taken for cut
    bare = rows["10.20.30.9.2049"]
    assert (bare.proto, bare.ip_version, bare.state) == ("tcp", 4, "TIME-WAIT")  # "tcp": no 4
    assert rows["*.111"].ip_version is None


def test_aix_unix_sockets_take_two_lines() -> None:
    rows = Rows("aix-netstat", "Aan")
    src = rows["/dev/SRC"]
    assert (src.proto, src.local_address, src.extra["address"], src.extra["pcb"]) == (
        "unix",
        "/dev/SRC",
        "f1000f0000d0a408",
        "f1000f0000e57280",
    )
    assert [r.extra["pcb"] for r in rows.records if r.proto == "unix"] == [
        "f1000f0000d45580",
        "f1000f0000e57280",
        "f1000f0000e77780",
        "f1000f0000e77880",
    ]
    _, diagnostics = run(
        "aix-netstat",
        ["f1000f0000e77880"],  # a PCB line with no socket above
    )
    assert [d.reason for d in diagnostics] == ["a PCB address with no UNIX socket above it"]


def test_a_grepped_udp_row_with_a_last_number_is_refused() -> None:
    """Deep finding: with no header above, a number after a UDP row's addresses is no IP
    protocol (only raw sockets print one)."""
    records, diagnostics = run(
        "netbsd-netstat", ["udp        0      0  *.68                   *.* 0                  "]
    )
    assert (records, [d.line for d in diagnostics]) == ([], [1])
    records, _ = run("openbsd-netstat", ["ip           0      0  *.*      *.*     17"])
    assert [r.extra for r in records] == [{"ip_proto": 17}]


_ENDPOINT = re.compile(r"\b(?:\d{1,3}\.){4}\d+\b")


@pytest.mark.parametrize(
    ("dialect", "case", "keep", "cut"),
    [
        ("aix-netstat", "Aan", "10.2", True),
        ("openbsd-netstat", "an-T1", "172.1", True),
        ("freebsd-netstat", "an", "203.0", True),
        ("macos-netstat", "an", "17.253.144", True),
        ("netbsd-netstat", "Aan", "10.9.7", True),
        ("aix-netstat", "Aan", "10.2", False),
        ("solaris-netstat", "an", "10.0", False),
    ],
)
def test_a_remote_address_cut_short_is_refused(
    dialect: str, case: str, keep: str, cut: bool
) -> None:
    """A line cut in its foreign address (``10.2`` of ``10.20.30.7.50412``), or a foreign
    address cut short in a whole row, is no row whose host is ``10`` and port 2: no netstat
    prints a host of digits and dots that is no IPv4 address."""
    lines = (FIXTURES / dialect / f"{case}.out").read_text().splitlines()
    at, found = next(
        (i, m[1])
        for i, line in enumerate(lines)
        for m in [list(_ENDPOINT.finditer(line))]
        if len(m) == 2 and m[1].group().startswith(keep)
    )
    line = lines[at]
    changed = line[: found.start() + len(keep)]
    if not cut:
        changed = changed.ljust(found.end()) + line[found.end() :]
    records, diagnostics = run(dialect, [*lines[:at], changed])
    assert [d.line for d in diagnostics] == [at + 1]
    assert f"{keep!r} is no endpoint" in diagnostics[0].reason
    assert all(r.source["line"] <= at for r in records)
    whole, _ = run(dialect, lines[: at + 1])  # the line whole is a row
    assert whole[-1].source["line"] == at + 1


@pytest.mark.parametrize(
    "text",
    ["*.22", "*.*", "::1.22", "host.example.22", "fe80::1%em0.22", "1e100.net.443", "10.2.3.4.22"],
)
def test_endpoints_netstat_prints_are_not_refused(text: str) -> None:
    assert split_dot(text, "tcp").port in (22, 443, None)


def test_an_address_cut_to_twelve_characters_by_dash_a_is_kept() -> None:
    """FreeBSD's and macOS's -A without -n print an address that has no name cut to 12
    characters (``192.168.100.`` of 192.168.100.25) before the port's dot."""
    assert split_dot("192.168.100..ssh", "tcp") == ("192.168.100.", 22, "ssh", None)
