"""The linux-proc-net dialect: real /proc/net captures and synthetic rows."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Any

from hypothesis import assume, given, settings
from hypothesis import strategies as st

import netstat_normalizer as nn
from netstat_normalizer.dialects.linux_proc_net import LinuxProcNet

FIXTURES = Path(__file__).parent.parent / "fixtures" / "linux-proc-net"
TCP_HEADER = (
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout"
    " inode"
)
UDP_HEADER = TCP_HEADER + " ref pointer drops"
LISTEN = (
    "   5: 0100007F:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0"
    " 24522 1 00000000ec1372e1 100 0 0 10 0"
)
UDP = (
    " 4052: 3500007F:0035 00000000:0000 07 00000000:000009C0 00:00000000 00000000     0        0"
    " 25924 2 000000003c88a865 0"
)


def parse(case: str) -> nn.ParseResult:
    command = (FIXTURES / f"{case}.cmd").read_text().strip()
    return nn.parse((FIXTURES / f"{case}.out").read_bytes(), command=command)


def test_tcp_rows_decode_hex_addresses_ports_queues_and_timers() -> None:
    records = parse("tcp").records
    # the zero-window probe: 0100007F:B926 0200007F:1538 01 0000C800:00000000 04:00000071
    probe = next(r for r in records if r.timer and r.timer["name"] == "probe")
    assert (probe.local_address, probe.local_port) == ("127.0.0.1", 0xB926)
    assert (probe.remote_address, probe.remote_port) == ("127.0.0.2", 5432)
    assert (probe.state, probe.state_raw) == ("ESTABLISHED", "01")
    assert (probe.send_q, probe.recv_q) == (51200, 0)
    assert probe.timer == {"name": "probe", "expires_s": 1.13, "retransmits": 0, "probes": 0}
    time_wait = next(r for r in records if r.state_raw == "06")
    assert time_wait.inode == 0 and set(time_wait.extra) == {"sl", "ref", "pointer"}
    request = next(r for r in records if r.state_raw == "03")  # a SYN-RECV request socket
    assert request.state == "SYN-RECEIVED" and set(request.extra) == {"sl", "ref", "pointer"}
    rfc = {"LISTEN", "SYN-SENT", "SYN-RECEIVED", "ESTABLISHED", "FIN-WAIT-1", "FIN-WAIT-2"}
    rfc |= {"CLOSE-WAIT", "CLOSING", "LAST-ACK", "TIME-WAIT"}
    assert {r.state for r in records} == rfc


def test_ipv6_words_are_little_endian_and_mapped_addresses_print_as_ipv4() -> None:
    records = parse("tcp6").records
    assert {r.local_address for r in records} == {"::1", "::", "::ffff:127.0.0.1"}
    assert all(r.ip_version == 6 and r.proto == "tcp" for r in records)


def test_udp_and_raw_rows_take_their_protocol_from_the_command_only() -> None:
    assert {r.proto for r in parse("udp").records} == {"udp"}
    assert {r.proto for r in parse("raw6").records} == {"raw"}
    assert {r.proto for r in parse("udp-raw-grep").records} == {None}  # udp or raw: unknowable
    assert all(r.state is None for r in parse("udp").records)
    rows = nn.parse(f"{UDP_HEADER}\n{UDP}\n", dialect="linux-proc-net").records
    assert rows[0].proto is None and rows[0].state_raw == "07" and rows[0].recv_q == 2496


def test_tcp_rows_are_tcp_without_command_or_header() -> None:
    (record,) = nn.parse(LISTEN + "\n").records
    assert (record.dialect, record.proto, record.state, record.local_port) == (
        "linux-proc-net",
        "tcp",
        "LISTEN",
        22,
    )


def test_rows_of_the_other_shape_under_a_header_are_rejected() -> None:
    result = nn.parse(f"{TCP_HEADER}\n{UDP}\n{UDP_HEADER}\n{LISTEN}\n", dialect="linux-proc-net")
    assert result.records == []
    assert [d.line for d in result.diagnostics] == [2, 4]


def test_unix_rows() -> None:
    records = parse("unix").records
    listening = next(r for r in records if r.local_address == "/tmp/my app/control socket")
    assert listening.extra["accepting"] and listening.extra["type"] == "STREAM"
    assert any(r.local_address and r.local_address.startswith("@") for r in records)
    assert all(r.proto == "unix" and r.state is None for r in records)


def plain_reading(line: str) -> dict[str, Any]:
    """A TCP, UDP or raw row read the plain way (split, ``int``, ``ipaddress``), the reference
    for the dialect's row handler and its shortcuts (IPv4 words, idle queues and timers)."""
    words = line.split()

    def endpoint(text: str) -> tuple[str, int | None]:
        hexed, port = text.split(":")
        raw = b"".join(bytes.fromhex(hexed[i : i + 8])[::-1] for i in range(0, len(hexed), 8))
        ip = ipaddress.ip_address(raw)
        mapped = ip.ipv4_mapped if isinstance(ip, ipaddress.IPv6Address) else None
        return str(ip) if mapped is None else f"::ffff:{mapped}", int(port, 16) or None

    (local, local_port), (remote, remote_port) = endpoint(words[1]), endpoint(words[2])
    send_q, recv_q = (int(q, 16) for q in words[4].split(":"))
    code, when = (int(t, 16) for t in words[5].split(":"))
    names = ["off", "on", "keepalive", "timewait", "probe"]
    extra: dict[str, Any] = {"sl": int(words[0][:-1]), "ref": int(words[10]), "pointer": words[11]}
    if len(words) == 17:
        keys = ("rto", "ato", "quick_pingpong", "cwnd", "ssthresh")
        extra.update(zip(keys, map(int, words[12:])))
    elif len(words) == 13:
        extra["drops"] = int(words[12])
    return {
        "ip_version": 4 if len(words[1]) == 13 else 6,
        "local": (local, local_port),
        "remote": (remote, remote_port),
        "state_raw": words[3],
        "queues": (recv_q, send_q),
        "timer": {
            "name": names[code] if code < len(names) else f"unkn-{code}",
            "expires_s": when / 100,
            "retransmits": int(words[6], 16),
            "probes": int(words[8]),
        },
        "user": words[7],
        "inode": int(words[9]),
        "extra": extra,
    }


def as_read(record: nn.Record) -> dict[str, Any]:
    return {
        "ip_version": record.ip_version,
        "local": (record.local_address, record.local_port),
        "remote": (record.remote_address, record.remote_port),
        "state_raw": record.state_raw,
        "queues": (record.recv_q, record.send_q),
        "timer": record.timer,
        "user": record.user,
        "inode": record.inode,
        "extra": record.extra,
    }


def read_rows(lines: list[str], header: str | None = None) -> list[nn.Record]:
    dialect = LinuxProcNet()
    results = list(dialect.run([header, *lines] if header else lines))
    return [r for r in results if isinstance(r, nn.Record)]


def test_every_fixture_row_reads_as_the_plain_reading() -> None:
    lines = [
        line
        for case in FIXTURES.glob("*.out")
        if case.stem != "unix"
        for line in case.read_text().splitlines()
        if line.split() and line.split()[0] != "sl"
    ]
    records = read_rows(lines)
    assert len(records) == len(lines) > 100
    for line, record in zip(lines, records):
        assert as_read(record) == plain_reading(line), line


def _hex(digits: int) -> st.SearchStrategy[str]:
    return st.integers(0, 16**digits - 1).map(lambda n: f"{n:0{digits}X}")


_WORD = st.sampled_from(["00000000", "0100007F", "FFFF0000", "FFFFFFFF"]) | _hex(8)
_V6 = st.lists(_WORD, min_size=4, max_size=4).map("".join) | st.tuples(
    st.sampled_from(["0000000000000000FFFF0000", "000000000000000000000000", "000080FE00000000"]),
    _WORD,
).map("".join)
_IDLE = st.just("00000000")
_TAIL = st.sampled_from(["", " 0"]) | st.tuples(
    st.integers(0, 9999),
    st.integers(0, 99),
    st.integers(0, 9),
    st.integers(0, 99),
    st.integers(-1, 99),
).map(lambda t: " " + " ".join(map(str, t)))


@settings(max_examples=300, deadline=None)
@given(
    st.booleans(),
    st.tuples(_WORD, _WORD, _V6, _V6),
    st.tuples(_hex(4), _hex(4)),
    st.sampled_from(["01", "03", "05", "06", "0A", "07", "0B"]),
    st.tuples(_IDLE | _hex(8), _IDLE | _hex(8)),
    st.tuples(st.sampled_from(["00", "01", "02", "04", "FF"]) | _hex(2), _IDLE | _hex(8)),
    st.tuples(_IDLE | _hex(8), st.integers(0, 65535), st.integers(0, 9), st.integers(0, 99999)),
    _TAIL,
)
def test_varied_rows_read_as_the_plain_reading(
    v6: bool,
    words: tuple[str, str, str, str],
    ports: tuple[str, str],
    state: str,
    queues: tuple[str, str],
    timer: tuple[str, str],
    numbers: tuple[str, int, int, int],
    tail: str,
) -> None:
    local, remote = (words[2], words[3]) if v6 else (words[0], words[1])
    line = (
        f"  12: {local}:{ports[0]} {remote}:{ports[1]} {state} {queues[0]}:{queues[1]}"
        f" {timer[0]}:{timer[1]} {numbers[0]} {numbers[1]:5} {numbers[2]:8} {numbers[3]} 2"
        f" 00000000a6bcaf32{tail}"
    )
    records = read_rows([line])
    assume(records)  # not a TIME-WAIT or request socket's shape in another state
    assert as_read(records[0]) == plain_reading(line)


def test_a_unix_path_that_is_the_inode_again_is_not_told_apart() -> None:
    """af_unix.c's unix_seq_show prints " %s" of a bound sun_path as given: a relative path may
    be a number (bind("4242") in the working directory), read as the path.  A path equal to the
    row's own inode is that, or the inode printed twice (a damaged line): not told apart, the
    line is unparsed with the reason.  netstat -x prints the same path after the inode."""
    row = "00000000d6690c35: 00000003 00000000 00000000 0005 03 342843"
    header = "Num       RefCount Protocol Flags    Type St Inode Path"
    result = nn.parse(f"{header}\n{row} 4242\n{row} 342843\n", dialect="linux-proc-net")
    assert [(r.local_address, r.inode) for r in result.records] == [("4242", 342843)]
    assert [d.line for d in result.diagnostics] == [3]
    assert "inode printed again, or a relative path" in result.diagnostics[0].reason
    netstat = [
        "Active UNIX domain sockets (servers and established)",
        "Proto RefCnt Flags       Type       State         I-Node   Path",
        "unix  2      [ ACC ]     STREAM     LISTENING     29258    4242",
        "unix  2      [ ACC ]     STREAM     LISTENING     29258    29258",
    ]
    result = nn.parse("\n".join(netstat) + "\n", dialect="linux-netstat")
    assert [r.local_address for r in result.records] == ["4242"]
    assert [d.line for d in result.diagnostics] == [4]
