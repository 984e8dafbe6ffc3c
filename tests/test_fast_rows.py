"""Rows read in one step (``Dialect.fast_row``) give what the general path gives: the same
records (to_json), diagnostics, line counts and dialect, on every fixture, on made-up rows of
every spelling the fast regexes take or nearly take, and on mutated fixture lines."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import netstat_normalizer as nn
from netstat_normalizer.dialects import DIALECTS
from netstat_normalizer.dialects.base import Dialect
from netstat_normalizer.model.addresses import scope_of, v4_scopes
from netstat_normalizer.model.record import RECORD_FIELDS, Record, record_maker

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CASES = sorted(p for p in FIXTURES.glob("*/*.out"))

MANY = settings(max_examples=300, deadline=None)
"""Hypothesis's settings here: no deadline, as a first example may build a grammar or regex."""


def _general(
    data: str | bytes, dialect: str = "auto", command: str | None = None
) -> nn.ParseResult:
    """``parse`` with every dialect's fast rows turned off."""
    kept = {cls: cls.__dict__.get("_fast") for cls in DIALECTS.values()}
    for cls in kept:
        cls._fast = False
    try:
        return nn.parse(data, dialect, command=command)
    finally:
        for cls, fast in kept.items():
            if fast is None:
                del cls._fast
            else:
                cls._fast = fast


def _same(data: str | bytes, dialect: str = "auto", command: str | None = None) -> nn.ParseResult:
    fast, general = nn.parse(data, dialect, command=command), _general(data, dialect, command)
    assert [r.to_json() for r in fast.records] == [r.to_json() for r in general.records]
    assert [r.to_dict() for r in fast.records] == [r.to_dict() for r in general.records]
    assert fast.diagnostics == general.diagnostics
    assert (fast.lines, fast.dialect) == (general.lines, general.dialect)
    return fast


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_fixtures_read_alike(case: Path) -> None:
    _same(case.read_bytes())


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many records fast rows build (one count per dialect run)."""
    counts: list[int] = []

    def counting(original: object) -> object:
        def fast_row(self: Dialect) -> object:
            found = original(self)  # type: ignore[operator]
            if found is None:
                return None
            counts.append(0)

            def build(match: object, line: int) -> Record | None:
                made = found.build(match, line)
                counts[-1] += made is not None
                return made

            return type(found)(found.match, build)

        return fast_row

    for name in ("windows-netstat", "freebsd-netstat", "linux-ss", "linux-proc-net", "lsof"):
        cls = DIALECTS[name]
        monkeypatch.setattr(cls, "fast_row", counting(cls.fast_row))
    return counts


@pytest.mark.parametrize(
    ("case", "rows"),
    [
        ("windows-netstat/ano", 24),
        ("freebsd-netstat/an", 27),
        ("macos-netstat/an", 23),
        ("linux-ss/tulpen", 18),  # a Netid column; two rows print an IPv4 zone (%lo)
        ("linux-ss/tanpeo", 55),  # none, the table TCP's from its first LISTEN row on
        ("linux-ss/tunap", 62),
        ("linux-proc-net/tcp", 40),  # all but 4 TIME-WAIT and request sockets
        ("linux-proc-net/tcp-tcp6", 52),  # IPv6 rows too, but 5 of those sockets
        ("linux-proc-net/udp", 0),  # no TCP rows: none
        ("lsof/i-n-P", 58),
        ("lsof/i-P", 5),  # most rows print names (no -n): the general path reads them
        ("lsof/macos-i-n-P", 24),  # DEVICE a kernel address
        ("lsof/iUDP-n-P", 7),
    ],
)
def test_plain_rows_take_the_fast_path(case: str, rows: int, built: list[int]) -> None:
    found = _same((FIXTURES / f"{case}.out").read_bytes())
    assert sum(built) == rows and len(found.records) >= sum(built), built


_OCTET = st.sampled_from(["0", "10", "127", "169", "172", "192", "254", "255", "256", "01", "999"])
_V4 = st.lists(_OCTET | st.integers(0, 300).map(str), min_size=3, max_size=5).map(".".join)
_V6 = st.sampled_from(
    ["::", "::1", "fe80::1", "fe80:1::1", "ff02::1", "2001:db8::5", "fd00::1", "::ffff:10.1.2.3"]
)
_ZONE = st.sampled_from(["", "%4", "%em0", "%", "%lo0.1"])
_PORT = st.sampled_from(["0", "22", "65535", "99999", "*", "0080", "http", ""])
_COLON = st.one_of(
    st.tuples(_V4, _PORT).map(":".join),
    st.tuples(_V6, _ZONE, _PORT).map(lambda t: f"[{t[0]}{t[1]}]:{t[2]}"),
    st.tuples(_V6, _PORT).map(":".join),
    st.sampled_from(["*:*", "*:80", "[::]", "host:http", "[::1:80"]),
)
_DOT = st.one_of(
    st.tuples(_V4, _PORT).map(".".join),
    st.tuples(_V6, _ZONE, _PORT).map(lambda t: f"{t[0]}{t[1]}.{t[2]}"),
    st.sampled_from(["*.*", "*.22", "FE80::1.22", "host.ssh"]),
)
_STATE = st.sampled_from(
    ["LISTENING", "ESTABLISHED", "LISTEN", "TIME_WAIT", "SYN_RCVD", "BOGUS", "Listen", "CLOSED*"]
)
_GAP = st.sampled_from([" ", "   ", "\t", "  \t "])


@MANY
@given(
    st.sampled_from(["TCP", "UDP", "tcp"]),
    _COLON,
    _COLON,
    st.none() | _STATE,
    st.none() | st.sampled_from(["4", "0", "123456", "InHost", "12a"]),
    _GAP,
)
def test_windows_rows_read_alike(
    proto: str, local: str, remote: str, state: str | None, pid: str | None, gap: str
) -> None:
    row = "  ".join(w for w in (proto, local, remote, state, pid) if w is not None)
    text = "\nActive Connections\n\n  Proto  Local Address  Foreign Address  State  PID\n"
    text += f"  {row}\n  {row.replace('  ', gap, 1)}  \n"
    _same(text, "windows-netstat")


@MANY
@given(
    st.sampled_from(["tcp4", "tcp6", "tcp46", "tcp", "udp4", "udp46", "icm4"]),
    st.sampled_from(["0 0", "12 -1", "0", "1 2 3", "99999999999 0"]),
    _DOT,
    _DOT,
    st.none() | _STATE,
    st.sampled_from(["freebsd-netstat", "macos-netstat"]),
    _GAP,
)
def test_bsd_rows_read_alike(
    proto: str, queues: str, local: str, remote: str, state: str | None, name: str, gap: str
) -> None:
    row = " ".join(w for w in (proto, queues, local, remote, state) if w is not None)
    header = "Proto Recv-Q Send-Q Local Address          Foreign Address        (state)"
    if name == "macos-netstat":
        header = header.replace(" Local", "  Local")
    text = f"Active Internet connections (including servers)\n{header}\n{row}\n"
    text += f"{row.replace(' ', gap, 1)} \n"
    _same(text, name)


@MANY
@given(
    st.sampled_from(["tcp", "udp", "raw", "u_str", "TCP", None]),
    st.sampled_from(["ESTAB", "LISTEN", "UNCONN", "TIME-WAIT", "SYN-RECV", "ESTABLISHED", "X"]),
    st.sampled_from(["0 0", "12 0", "0", "1 2 3", "99999999999 0", "-1 0"]),
    _COLON,
    _COLON,
    st.sampled_from(
        [
            "",
            'users:(("sshd",pid=1,fd=3))',
            'users:(("a b",pid=1,fd=3)) ino:5 sk:1f cgroup:/x <->',
            "timer:(keepalive,1min2sec,0) uid:1000 ino:0 sk:2 v6only:1",
            "cubic rtt:0.1/0.05",
            "users:((",
            "ino:x sk:1",
            "<->",
            "x",
            "ino:5 sk:1 <->    ",  # padded: the details end at their last character
            "cgroup:/a\tb",
        ]
    ),
    st.sampled_from(["", "tcp"]),
    _GAP,
)
def test_ss_rows_read_alike(
    netid: str | None,
    state: str,
    queues: str,
    local: str,
    remote: str,
    details: str,
    command: str,
    gap: str,
) -> None:
    row = " ".join(w for w in (netid, state, queues, local, remote, details) if w)
    header = "State Recv-Q Send-Q Local Address:Port Peer Address:Port Process"
    if netid is not None:
        header = f"Netid {header}"
    text = f"{header}\nLISTEN 0 0 0.0.0.0:1 0.0.0.0:*\n{row}\n{row.replace(' ', gap, 1)} \n"
    if netid is not None:
        text = text.replace("\nLISTEN", "\ntcp LISTEN")
    assert DIALECTS["linux-ss"]._fast
    fast = nn.parse(text, "linux-ss", command=f"ss -{command}an" if command else None)
    general = _general_with(text, command)
    assert [r.to_json() for r in fast.records] == [r.to_json() for r in general.records]
    assert fast.diagnostics == general.diagnostics


def _general_with(text: str, command: str) -> nn.ParseResult:
    cls = DIALECTS["linux-ss"]
    kept, cls._fast = cls._fast, False
    try:
        return nn.parse(text, "linux-ss", command=f"ss -{command}an" if command else None)
    finally:
        cls._fast = kept


def _mutants(line: str, rng: random.Random) -> Iterator[str]:
    for _ in range(6):
        at = rng.randrange(len(line) + 1)
        yield line[:at] + rng.choice("0 9.:[]*%\tX-") + line[at:]
        yield line[:at] + line[at + 1 :]


@MANY
@given(
    st.sampled_from(["python3", "a\\x20b", "x(y", "é", "launchd"]),
    st.sampled_from(["1", "8247", "012", "99999999999"]),
    st.sampled_from(["root", "_mdnsresponder", "u\\x41"]),
    st.sampled_from(["4u", "10r", "3uW", "cwd", "7"]),
    st.sampled_from(["IPv4", "IPv6", "IPv5"]),
    st.sampled_from(["340844", "0x5a9c0e6b2c4f7d11", "0", "0123", "0xZ"]),
    st.sampled_from(["0t0", "0x10", "12", "t0"]),
    st.sampled_from(["TCP", "UDP", "SCTP", "tcp"]),
    _COLON,
    st.none() | _COLON | st.just(""),
    st.none() | _STATE.map("({})".format) | st.sampled_from(["(Idle)", "(CLOSE_WAIT)", "()"]),
    _GAP,
)
def test_lsof_rows_read_alike(
    command: str,
    pid: str,
    user: str,
    fd: str,
    family: str,
    device: str,
    size_off: str,
    proto: str,
    local: str,
    remote: str | None,
    state: str | None,
    gap: str,
) -> None:
    name = local if remote is None else f"{local}->{remote}"
    words = (command, pid, user, fd, family, device, size_off, proto, name, state)
    row = " ".join(w for w in words if w is not None)
    text = f"COMMAND PID USER FD TYPE DEVICE SIZE/OFF NODE NAME\n{row}\n"
    text += f"{row.replace(' ', gap, 1)} \n"
    _same(text, "lsof")


@pytest.mark.parametrize(
    "row",
    [
        "python3 8247 root 4u IPv4 0123 0t0 TCP 127.0.0.1:22->10.0.0.1:5000 (ESTABLISHED)",
        "python3 8247 root 4u IPv4 0 0t0 TCP 127.0.0.1:22 (LISTEN)",
        "a\\x20b 1 u\\x41 4u IPv6 0x5a9c0e6b2c4f7d11 0t0 TCP [fe80::1%en0]:22 (LISTEN)",
        "python3 1 root 4u IPv4 340844 0t0 UDP 127.0.0.1:53 (Idle)",
        "python3 1 root 4u IPv4 340844 0t0 TCP 127.0.0.1:53",
        "python3 1 root 4u IPv6 340844 0t0 UDP *:*",
        "python3 1 root 4u IPv4 340844 0t0 TCP 127.0.0.1:22-> (ESTABLISHED)",
    ],
)
def test_lsof_edge_rows_read_alike(row: str) -> None:
    _same(f"COMMAND PID USER FD TYPE DEVICE SIZE/OFF NODE NAME\n{row}\n", "lsof")


_LONG = " " * (1 << 20)


@pytest.mark.parametrize(
    ("dialect", "text"),
    [
        (
            "lsof",
            "COMMAND PID USER FD TYPE DEVICE SIZE/OFF NODE NAME\n"
            f"cmd 1 root 4u IPv4 1 0t0 TCP 1.2.3.4:5{_LONG}(LISTEN)\n",
        ),
        (
            "linux-ss",
            "Netid State Recv-Q Send-Q Local Address:Port Peer Address:Port Process\n"
            f"tcp LISTEN 0 128 0.0.0.0:22{_LONG}0.0.0.0:*\n"
            f"tcp LISTEN 0 128 0.0.0.0:22 0.0.0.0:* ino:1{_LONG}sk:1\n",
        ),
    ],
    ids=["lsof", "ss"],
)
def test_an_overlong_padded_row_is_left_to_the_general_path(dialect: str, text: str) -> None:
    found = _same(text, dialect)
    assert not found.records and found.diagnostics
    assert all("longer than" in d.reason for d in found.diagnostics)


@pytest.mark.parametrize(
    "case",
    [
        "windows-netstat/ano",
        "windows-netstat/anob",
        "freebsd-netstat/an",
        "macos-netstat/an",
        "linux-ss/tulpen",
        "linux-ss/tanpeo",
        "lsof/i-n-P",
        "lsof/macos-i-n-P",
    ],
)
def test_mutated_rows_read_alike(case: str) -> None:
    rng = random.Random(case)
    lines = (FIXTURES / f"{case}.out").read_text("utf-8").splitlines()
    rows = [i for i, line in enumerate(lines) if line.strip()[:3].lower() in ("tcp", "udp")]
    rows += [i for i, line in enumerate(lines) if line[:1].isupper() and line[:5] != "State"]
    if case.startswith("lsof/"):
        rows = list(range(1, len(lines)))  # every line under the header
    for i in rows[:40]:
        for mutant in _mutants(lines[i], rng):
            _same("\n".join([*lines[:i], mutant, *lines[i + 1 :]]) + "\n")


def test_a_marker_on_a_plain_row_still_separates_captures(monkeypatch: pytest.MonkeyPatch) -> None:
    text = (FIXTURES / "windows-netstat/ano.out").read_text("utf-8")
    marker = r"^  TCP    0\.0\.0\.0:135 "
    fast = nn.parse(text, "windows-netstat", marker=marker)
    assert len(fast.records) == len(nn.parse(text, "windows-netstat").records) - 1
    assert {r.capture for r in fast.records} == {1}  # the marker is the first row
    monkeypatch.setattr(DIALECTS["windows-netstat"], "_fast", False)
    general = nn.parse(text, "windows-netstat", marker=marker)
    assert [r.to_json() for r in fast.records] == [r.to_json() for r in general.records]
    assert fast.lines == general.lines


@given(st.tuples(*[st.integers(0, 255)] * 4))
def test_v4_scopes_agree_with_scope_of(octets: tuple[int, int, int, int]) -> None:
    address = ".".join(map(str, octets))
    table = v4_scopes()
    key = str(octets[0]) if str(octets[0]) in table else f"{octets[0]}.{octets[1]}"
    assert (table[key] or scope_of(address)) == scope_of(address)
    assert table[key] in (None, scope_of(address))


def test_record_maker_sets_the_fields_named_and_none_else() -> None:
    names = ("dialect", "proto", "local_address", "extra", "source", "local_scope")
    values = ("x", "tcp", "10.0.0.1", {}, {"path": None, "member": None, "line": 3}, "private")
    made = record_maker(names)(*values)
    assert type(made) is Record
    assert made.to_dict() == dict.fromkeys(RECORD_FIELDS) | dict(zip(names, values))
    with pytest.raises(ValueError, match="not Record fields"):
        record_maker(("proto", "dialect"))


_HEX = st.sampled_from(["0100007F", "00000000", "FFFFFFFF", "0A00A8C0", "0100007f", "0100007"])
_HEX6 = st.sampled_from(["0000000000000000FFFF00000100007F", "000080FE00000000FF005450B6AD1DFE"])
_HEXPORT = st.sampled_from(["0016", "0000", "FFFF", "1f90", "016"])


@MANY
@given(
    st.tuples(_HEX | _HEX6, _HEXPORT).map(":".join),
    st.tuples(_HEX | _HEX6, _HEXPORT).map(":".join),
    st.sampled_from(["01", "0A", "06", "0C", "FF", "1"]),
    st.sampled_from(["00000000:00000000", "00000001:0000A000", "0:0"]),
    st.sampled_from(["00:00000000 00000000", "02:000000A0 00000003", "07:00000001 0000000Z"]),
    st.sampled_from(["0 0 24522 1", "1000 0 0 3", "٣ 0 1 1", "0 0 012 1"]),
    st.sampled_from(["00000000ec1372e1", "ec1372e1", "EC1372E1", "0"]),
    st.sampled_from(["100 0 0 10 0", "100 0 0 10 -1", "20 4 1 10 -1 7", "", "5"]),
    _GAP,
    st.sampled_from(["", "tcp", "udp"]),
)
def test_proc_rows_read_alike(
    local: str,
    remote: str,
    state: str,
    queues: str,
    timer: str,
    numbers: str,
    pointer: str,
    tail: str,
    gap: str,
    file: str,
) -> None:
    row = " ".join(
        w for w in ("1:", local, remote, state, queues, timer, numbers, pointer, tail) if w
    )
    header = (
        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  "
        "timeout inode"
    )
    text = f"{header}\n   0: {row}\n {row.replace(' ', gap, 1)} \n"
    _same(text, "linux-proc-net", f"cat /proc/net/{file}" if file else None)
