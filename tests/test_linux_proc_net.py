"""The linux-proc-net dialect: real /proc/net captures and synthetic rows."""

from __future__ import annotations

from pathlib import Path

import netstat_normalizer as nn

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
