"""The solaris-netstat dialect against its fixtures and a few synthetic lines."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from netstat_normalizer import parse
from netstat_normalizer.dialects import DIALECTS
from netstat_normalizer.dialects.solaris_netstat import split_classic_paths, split_sctp
from netstat_normalizer.grammar.linegrammar import LineError
from netstat_normalizer.model.record import Diagnostic, Record

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "solaris-netstat"
CASES = sorted(p.stem for p in FIXTURES.glob("*.out"))


def run(lines: list[str], path: str | None = None) -> tuple[list[Record], list[Diagnostic]]:
    dialect = DIALECTS["solaris-netstat"](path)
    out = list(dialect.run(lines))
    return [r for r in out if isinstance(r, Record)], [d for d in out if isinstance(d, Diagnostic)]


class Rows:
    """A fixture's records, looked up by a piece of their line's text that only one line holds."""

    def __init__(self, case: str) -> None:
        path = FIXTURES / f"{case}.out"
        self.lines = path.read_text().splitlines()
        self.records, diagnostics = run(self.lines, str(path))
        assert diagnostics == []

    def __getitem__(self, text: str) -> Record:
        (found,) = (r for r in self.records if text in self.lines[r.source["line"] - 1])
        return found

    def __len__(self) -> int:
        return len(self.records)


@pytest.mark.parametrize("case", CASES)
def test_fast_path_agrees_with_parser(case: str) -> None:
    dialect = DIALECTS["solaris-netstat"]()
    for line in (FIXTURES / f"{case}.out").read_text().splitlines():
        if not line.strip():
            continue
        for section in dialect.sections:
            try:
                exact = dialect.lines.parse_exact(line, section)
            except LineError:
                exact = None
            assert dialect.lines.match(line, section) == exact, (section, line)


@pytest.mark.parametrize(
    ("case", "records"),
    [
        ("a", 32),
        ("an", 54),
        ("an-grep-mixed", 22),
        ("an-P-tcp", 35),
        ("an-f-inet", 35),
        ("an-illumos", 29),
        ("an-wide", 14),
        ("anu", 24),
    ],
)
def test_fixture_counts(case: str, records: int) -> None:
    assert len(Rows(case)) == records


def test_udp_rows() -> None:
    rows = Rows("an")
    unbound = rows.records[0]  # "      *.*                                 Unbound"
    assert (unbound.proto, unbound.ip_version, unbound.local_address) == ("udp", 4, "*")
    assert (unbound.local_port, unbound.remote_address, unbound.remote_port) == (None, None, None)
    assert (unbound.state, unbound.state_raw) == (None, "Unbound")
    connected = rows["192.168.1.10.41877   10.0.0.53.53 "]
    assert (connected.local_address, connected.local_port) == ("192.168.1.10", 41877)
    assert (connected.remote_address, connected.remote_port) == ("10.0.0.53", 53)
    assert connected.state_raw == "Connected" and connected.state is None
    zoned = rows["fe80::214:4fff:fe0a:1b2c.123 "]
    assert (zoned.ip_version, zoned.local_address, zoned.local_port) == (
        6,
        "fe80::214:4fff:fe0a:1b2c",
        123,
    )
    assert (zoned.local_interface, zoned.state_raw) == ("net0", "Idle")
    assert rows["::1.123 "].local_interface is None  # If empty: the row ends in spaces


def test_tcp_rows() -> None:
    rows = Rows("an")
    idle = rows.records[
        17
    ]  # the first TCP row: "      *.*      *.*      0      0 49152      0 IDLE"
    assert (idle.proto, idle.ip_version, idle.local_address, idle.remote_address) == (
        "tcp",
        4,
        "*",
        "*",
    )
    assert (idle.local_port, idle.remote_port, idle.state) == (None, None, "IDLE")
    listen = rows["      *.22                 *.* "]
    assert (listen.local_address, listen.local_port, listen.state) == ("*", 22, "LISTEN")
    assert listen.extra == {"swind": 0, "rwind": 49152}
    assert rows["*.32773 "].state == "BOUND"
    syn = rows["SYN_RCVD"]
    assert (syn.state_raw, syn.state, syn.remote_address, syn.remote_port) == (
        "SYN_RCVD",
        "SYN-RECEIVED",
        "203.0.113.45",
        49822,
    )
    fin = rows["FIN_WAIT_1"]  # "... 64128   1460 49640      0 FIN_WAIT_1"
    assert (fin.state, fin.send_q, fin.recv_q) == ("FIN-WAIT-1", 1460, 0)
    assert fin.extra == {"swind": 64128, "rwind": 49640}
    v6 = rows["fe80::214:4fff:fe0a:1b2c.22 "]  # "... 64800 0 49680 0 ESTABLISHED net0"
    assert (v6.ip_version, v6.local_interface, v6.remote_port, v6.state) == (
        6,
        "net0",
        50012,
        "ESTABLISHED",
    )
    late = rows["2001:db8:10::10.80 "]  # "... TIME_WAIT   " with an empty If
    assert (late.state_raw, late.local_interface) == ("TIME_WAIT", None)


def test_names_and_overflowing_columns() -> None:
    rows = Rows("a")
    domain = rows["ns1.corp.example.net.domain Connected"]
    assert (domain.remote_address, domain.remote_service, domain.remote_port) == (
        "ns1.corp.example.net",
        "domain",
        53,
    )
    submission = rows["localhost.submission "]
    assert (submission.local_port, submission.local_service) == (587, "submission")
    long = rows["client-203-0-113-90.dsl.example.org.51000 64128"]
    assert (long.local_service, long.local_port) == ("http", 80)
    assert (long.remote_address, long.remote_port, long.state) == (
        "client-203-0-113-90.dsl.example.org",
        51000,
        "TIME-WAIT",
    )
    wide = Rows("an-wide")
    numbers = wide["64128 1048576 49640 2097152"]
    assert (numbers.local_port, numbers.send_q, numbers.recv_q) == (8080, 1048576, 2097152)
    assert numbers.extra == {"swind": 64128, "rwind": 49640}
    window = wide["1049800      0 1049800"]  # 7 digits in %5u
    assert (window.local_address, window.remote_port) == ("192.168.100.200", 2049)
    assert window.extra == {"swind": 1049800, "rwind": 1049800}
    v6 = wide["2001:db8:1234:5678:9abc:def0:1234:5678.22 "]
    assert (v6.local_address, v6.remote_address, v6.remote_port) == (
        "2001:db8:1234:5678:9abc:def0:1234:5678",
        "2001:db8:ffff:eeee:dddd:cccc:bbbb:aaaa",
        61000,
    )
    assert wide["fe80::214:4fff:fe0a:1b2c.22 "].local_interface == "e1000g0"


def test_sctp_rows() -> None:
    rows = Rows("an")
    listener = rows["*.2905 "]  # "      *.2905    0.0.0.0    0 0 102400 0  32/32  LISTEN"
    assert (listener.proto, listener.ip_version, listener.local_address, listener.local_port) == (
        "sctp",
        4,
        "*",
        2905,
    )
    assert (listener.remote_address, listener.remote_port) == ("0.0.0.0", None)
    assert (listener.state, listener.state_raw) == (None, "LISTEN")
    assert listener.extra == {"swind": 0, "rwind": 102400, "streams_in": 32, "streams_out": 32}
    peer = rows["192.168.1.60.40512"]
    assert (peer.remote_port, peer.state_raw, peer.extra["streams_out"]) == (
        40512,
        "ESTABLISHED",
        10,
    )


def test_unix_classic() -> None:
    rows = Rows("an")
    inetd = rows["ffffff0d4a2b3c08"]
    assert (inetd.proto, inetd.local_address, inetd.remote_address) == (
        "unix",
        "/var/run/.inetd.uds",
        None,
    )
    assert inetd.extra == {
        "address": "ffffff0d4a2b3c08",
        "type": "stream-ord",
        "vnode": "ffffff0d3e9f5a80",
        "conn": None,
    }
    pair = rows["(socketpair)"]
    assert (pair.extra["socketpair"], pair.local_address, pair.remote_address) == (True, None, None)
    client = rows["ffffff0d4a2b3448"]
    assert (client.local_address, client.remote_address, client.extra["conn"]) == (
        None,
        "/var/run/.inetd.uds",
        "ffffff0d3e9f5a80",
    )
    bare = rows["ffffff0d4a2b3a18"]
    assert (bare.local_address, bare.remote_address, bare.extra["vnode"]) == (None, None, None)


def test_illumos_layout() -> None:
    rows = Rows("an-illumos")
    assert rows["203.0.113.45.49822"].extra == {"swind": 64128, "rwind": 128872}
    assert rows["*.2905 "].proto == "sctp"  # after the blank line that follows the rule
    client = rows["ffffff0d4a2b3448"]  # aligned UNIX table, 7-zero null vnode
    assert (client.local_address, client.remote_address) == (None, "/var/run/.inetd.uds")
    assert (client.extra["vnode"], client.extra["conn"]) == (None, "ffffff0d3e9f5a80")
    assert rows["ffffff0d4a2b3828"].local_address == "/var/run/syslog_door"


def test_user_columns() -> None:
    rows = Rows("anu")
    httpd = [r for r in rows.records if r.program == "httpd"]  # one line per pid
    assert [(r.user, r.pid, r.local_port, r.state) for r in httpd] == [
        ("webservd", 1021, 80, "LISTEN"),
        ("webservd", 1022, 80, "LISTEN"),
    ]
    depot = rows["pkg-depot-conf"]
    assert (depot.user, depot.pid, depot.state, depot.extra["rwind"]) == (
        "alice",
        2301,
        "SYN-SENT",
        128872,
    )
    udp = rows["10.0.0.53.53"]
    assert (udp.proto, udp.user, udp.pid, udp.program, udp.remote_port, udp.state_raw) == (
        "udp",
        "root",
        1402,
        "sendmail",
        53,
        "Connected",
    )
    ntp = rows["fe80::214:4fff:fe0a:1b2c.123"]
    assert (ntp.ip_version, ntp.local_interface, ntp.program, ntp.state_raw) == (
        6,
        "vioif0",
        "ntpd",
        "Idle",
    )
    sctp = rows["sctpd"]
    assert (sctp.proto, sctp.user, sctp.pid, sctp.state_raw) == ("sctp", "root", 3001, "LISTEN")
    configd = rows["svc.configd"]
    assert (configd.proto, configd.pid, configd.local_address, configd.extra) == (
        "unix",
        402,
        None,
        {"type": "stream-ord"},
    )
    inetd = rows["inetd "]
    assert (inetd.local_address, inetd.remote_address, inetd.pid) == (
        "/var/run/.inetd.uds",
        None,
        389,
    )
    assert rows["nscd           (socketpair)"].extra == {"type": "stream-ord", "socketpair": True}


def test_v4compat_titles_and_unknown_states() -> None:
    records, diagnostics = run(
        [
            "",
            "TCP",
            "   Local Address        Remote Address    Swind Send-Q Rwind Recv-Q    State",
            "-------------------- -------------------- ----- ------ ----- ------ -----------",
            "10.0.0.1.22          10.0.0.2.5000        64128      0 49640      0 UnknownState(99)",
            "",
            "UDP: IPv6",
            "      *.*                                                           Unknown St  ",
        ]
    )
    assert diagnostics == []
    assert (records[0].ip_version, records[0].state, records[0].state_raw) == (
        4,
        None,
        "UnknownState(99)",
    )
    assert (records[1].ip_version, records[1].state_raw) == (6, "Unknown St")


def test_unknown_tcp_word_is_diagnosed() -> None:
    _, diagnostics = run(["TCP: IPv4", "      *.22    *.*   0 0 49152 0 NOT_A_STATE"])
    assert "unknown TCP state" in diagnostics[0].reason


def test_split_sctp() -> None:
    assert split_sctp("0.0.0.0") == ("0.0.0.0", None, None, None)
    assert split_sctp("::") == ("::", None, None, None)
    assert split_sctp("::ffff:10.0.0.1") == ("::ffff:10.0.0.1", None, None, None)
    assert split_sctp("192.168.1.60.40512")[:2] == ("192.168.1.60", 40512)
    assert split_sctp("      *.2905")[:2] == ("*", 2905)


def test_split_classic_paths() -> None:
    blank = " " * 15
    assert split_classic_paths("/tmp/s " + blank) == ("/tmp/s", None)
    assert split_classic_paths(blank + "/tmp/s ") == (None, "/tmp/s")
    assert split_classic_paths(blank + blank) == (None, None)
    assert split_classic_paths(" (socketpair)   (socketpair)  ") == ("(socketpair)", "(socketpair)")


@pytest.mark.parametrize("blank", ["\x85", "\u2028", "\u3000"])
def test_a_classic_unix_path_of_unicode_whitespace_is_one_unparsed_line(blank: str) -> None:
    """str.split() takes these for whitespace where the row has a word: a path of one of them
    once raised IndexError (found by the deep hypothesis profile).  No dialect prints them, and
    they could separate fields: the line is reported, naming the character (issue 16)."""
    records, diagnostics = run(
        [
            "Active UNIX domain sockets",
            "Address  Type          Vnode     Conn  Local Addr      Remote Addr",
            f"ffffff0d4a2b3c08 stream-ord ffffff0d3e9f5a80 00000000 {blank} /var/run/x",
        ]
    )
    assert records == []
    assert [(d.line, d.reason) for d in diagnostics] == [
        (3, f"Unicode whitespace U+{ord(blank):04X} in the line")
    ]


def test_rows_grepped_from_several_tables_take_the_ip_version_of_their_addresses() -> None:
    rows = Rows("an-grep-mixed")
    assert (rows["2001:db8:10::10.22 "].proto, rows["2001:db8:10::10.22 "].ip_version) == ("tcp", 6)
    assert rows["192.168.1.10.33012"].ip_version == 4
    v6_udp = rows["fe80::214:4fff:fe0a:1b2c.123"]
    assert (v6_udp.proto, v6_udp.ip_version, v6_udp.local_interface) == ("udp", 6, "net0")
    assert rows["10.0.0.53.53"].state_raw == "Connected" and rows["10.0.0.53.53"].state is None
    assert rows["*.161"].ip_version is None  # a wildcard tells no version, and no title does
    titled = Rows("an")
    assert titled["*.161"].ip_version == 4


def test_grepped_sctp_row_less_its_streams_is_no_tcp_row() -> None:
    """Grepped rows have no title: an SCTP row (addresses ``%-31s``) with its StrsI/O column
    gone is shaped as a TCP row, but its remote address begins where SCTP's does (deep
    hypothesis finding: it was read as TCP, ESTABLISHED)."""
    sctp = (
        "192.168.1.10.2905               192.168.1.60.40512              "
        "102400      0 102400      0  ESTABLISHED"
    )
    tcp = "127.0.0.1.32801      127.0.0.1.25         49152      0 49152      0 ESTABLISHED"
    result = parse(f"{sctp}\n{tcp}\n", "solaris-netstat")
    assert [(r.proto, r.local_port, r.state) for r in result.records] == [
        ("tcp", 32801, "ESTABLISHED")
    ]
    assert [(d.line, d.reason) for d in result.diagnostics] == [
        (1, "a TCP row at SCTP's column widths: an SCTP row with a column missing")
    ]
    # under the SCTP title the same line is a misplaced row; whole, it is SCTP
    whole = sctp.replace("0  ESTABLISHED", "0  10/10  ESTABLISHED")
    assert [r.proto for r in parse(whole + "\n", "solaris-netstat").records] == ["sctp"]


# -- a header naming a column the dialect does not know ----------------------------------------
_TITLE = re.compile("TCP|UDP|SCTP|Active UNIX")
_STATE = re.compile(r"(?<= )(?:Unbound|Idle|Connected|Unknown|[A-Z][A-Z0-9_]+)(?![^ ])")


def _with_unknown_column(text: str, before: str | None) -> tuple[str, int]:
    """``text`` with a column ``Send Buf`` (numbers) in every TCP, UDP and SCTP table, placed
    as printf would: before the State or the Remote Address column, or after the last one; and
    how many tables got it."""
    lines, tables = text.split("\n"), 0
    n = 0
    while n < len(lines) - 1:
        header, rule = lines[n], lines[n + 1]
        if not (header.lstrip().startswith("Local Address") and rule.startswith("-")):
            n += 1
            continue
        groups = [m.span() for m in re.finditer("-+", rule)]
        starts = [a for a, _ in groups[1:]] + [len(header)]
        names = [header[a:b].strip() for (a, _), b in zip(groups, starts)]
        at = groups[names.index(before)][0] if before in names else len(rule) + 1
        end = n + 2
        while end < len(lines) and not lines[end].strip():  # SCTP: a blank line under the rule
            end += 1
        while end < len(lines) and lines[end].strip() and not _TITLE.match(lines[end]):
            end += 1
        for row in range(n, end):
            line = lines[row]
            if not line.strip():
                continue
            value = {n: " Send Buf", n + 1: "---------"}.get(row, f"{262144 + row:>9}")
            if before is None:
                lines[row] = line.ljust(at) + value
                continue
            where = at  # in a row: where printf prints the column, after values wider than theirs
            if row > n + 1 and before == "State":
                where = [m.start() for m in _STATE.finditer(line)][-1]
            elif row > n + 1:
                where = max(at, line.index(" ", len(line) - len(line.lstrip())) + 1)
            lines[row] = line[:where] + value + " " + line[where:]
        tables += 1
        n = end
    return "\n".join(lines), tables


@pytest.mark.parametrize(
    ("case", "before"),
    [
        (case, before)
        for case in ("a", "an", "anu", "an-illumos", "an-wide", "an-P-tcp")
        for before in ("State", "Remote Address", None)
        if (case, before) != ("an-wide", None)  # where printf puts a last column after values
        # wider than theirs depends on each one's overflow: what the reader works out itself
    ],
)
def test_an_unknown_column_costs_no_row(case: str, before: str | None) -> None:
    """Rows under a header with an unknown column (before State, before the remote address, or
    last) give the records they give without it, the column's values in ``extra`` as printed,
    and one notice per table."""
    text = (FIXTURES / f"{case}.out").read_text()
    mutated, tables = _with_unknown_column(text, before)
    assert tables > 0
    plain, changed = parse(text, "solaris-netstat"), parse(mutated, "solaris-netstat")
    assert changed.diagnostics == []
    notices = [r for r in changed.records if r.kind == "notice"]
    assert len(notices) == tables
    assert {tuple(r.extra["columns"]) for r in notices} == {("Send Buf",)}
    sockets = [r for r in changed.records if r.kind != "notice"]
    assert len(sockets) == len(plain.records)
    for old, new in zip(plain.records, sockets):
        if old.proto == "unix":
            assert new == old
            continue
        assert new.extra.pop("Send Buf") == str(262144 + old.source["line"] - 1)
        assert new == old


def test_a_row_under_an_unknown_header_without_a_rule_is_reported() -> None:
    text = "UDP: IPv4\n   Local Address        Remote Address      State      Drops\n" + (
        "      *.111                               Idle           3\n"
    )
    result = parse(text, "solaris-netstat")
    assert [d.reason for d in result.diagnostics] == [
        "no dashed rule under the header to place its columns"
    ]
    assert result.records == []


def test_a_value_wider_than_its_column_pushes_the_others() -> None:
    """As printf prints: the columns after a value wider than its column move right by as
    much; a row whose values are not so placed is reported."""
    head = "TCP: IPv4\n   Local Address        Remote Address      State       Drops\n"
    rule = "-------------------- -------------------- ----------- -----\n"
    wide = "192.168.100.200.33333 10.0.0.53.53         ESTABLISHED     7\n"
    (record,) = [r for r in parse(head + rule + wide, "solaris-netstat").records if r.proto]
    assert (record.local_address, record.local_port, record.remote_port) == (
        "192.168.100.200",
        33333,
        53,
    )
    assert (record.state, record.extra) == ("ESTABLISHED", {"Drops": "7"})
    moved = "192.168.100.200.33333                     ESTABLISHED     7\n"
    result = parse(head + rule + moved, "solaris-netstat")
    assert [d.reason for d in result.diagnostics] == ["unknown TCP state '7'"]


@pytest.mark.parametrize(
    ("header", "rule", "row", "proto"),
    [
        (
            "   Local Address        Remote Address    Swind Send-Q Rwind Recv-Q    State    Zone",
            "-------------------- -------------------- ----- ------ ----- ------ ----------- ----",
            "10.0.0.5.22          10.0.0.9.51000       64128      0 49640      0 ESTABLISHED gz",
            "tcp",
        ),
        (
            "   Local Address        Remote Address      State      Zone",
            "-------------------- -------------------- ---------- ----",
            "      *.123                               Idle       gz",
            "udp",
        ),
    ],
)
def test_an_unknown_header_with_no_title_above_names_its_protocol(
    header: str, rule: str, row: str, proto: str
) -> None:
    result = parse(f"{header}\n{rule}\n{row}\n", "solaris-netstat")
    assert result.diagnostics == []
    notice, record = result.records
    assert (notice.kind, notice.extra["columns"], notice.source["line"]) == ("notice", ["Zone"], 2)
    assert (record.proto, record.extra["Zone"]) == (proto, "gz")
    if proto == "tcp":
        assert (record.state, record.send_q, record.recv_q) == ("ESTABLISHED", 0, 0)
        assert (record.extra["swind"], record.extra["rwind"]) == (64128, 49640)


def test_a_column_name_printed_twice_loses_neither_value() -> None:
    head = "UDP: IPv4\n   Local Address        Remote Address      State    Drops Drops\n"
    rule = "-------------------- -------------------- ---------- ----- -----\n"
    row = "      *.123                               Idle           3     4\n"
    result = parse(head + rule + row, "solaris-netstat")
    assert result.diagnostics == []
    notice, record = result.records
    assert notice.extra["columns"] == ["Drops", "Drops (column 5)"]
    assert record.extra == {"Drops": "3", "Drops (column 5)": "4"}
