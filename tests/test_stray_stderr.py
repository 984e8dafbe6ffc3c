"""busybox netstat's captures, and tools' own messages on stderr merged into a capture."""

from __future__ import annotations

from pathlib import Path

import pytest

import netstat_normalizer as nn

FIXTURES = Path(__file__).parent.parent / "fixtures"


@pytest.mark.parametrize(
    "line",
    [
        "netstat: showing only processes with your user ID",
        "netstat: /proc/net/tcp6: No such file or directory",
        "netstat: no support for `AF INET6 (tcp)' on this system.",
    ],
)
def test_netstat_messages_are_recognised_lines(line: str) -> None:
    row = "tcp        0      0 127.0.0.1:22            0.0.0.0:*               LISTEN      -"
    result = nn.parse(f"{line}\n{row}\n", dialect="linux-netstat")
    assert result.lines == {"record": 1, "other": 1, "unparsed": 0}


@pytest.mark.parametrize(
    "line",
    [
        "Cannot open netlink socket: Protocol not supported",
        "RTNETLINK answers: Invalid argument",
    ],
)
def test_iproute2_messages_are_recognised_lines(line: str) -> None:
    header = "State  Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess"
    row = "LISTEN 0      128          0.0.0.0:80         0.0.0.0:*"
    result = nn.parse(f"{header}\n{line}\n{row}\n")
    assert result.dialect == "linux-ss"
    assert result.lines == {"record": 1, "other": 2, "unparsed": 0}


def test_busybox_prints_ipv6_sockets_as_tcp_and_udp() -> None:
    case = FIXTURES / "linux-netstat" / "busybox-tunl.out"
    records = nn.parse(case.read_bytes(), dialect="linux-netstat").records
    v6 = [r for r in records if r.local_address and ":" in r.local_address]
    assert v6 and {(r.proto, r.ip_version) for r in v6} == {("tcp", 6), ("udp", 6)}


def test_a_capture_of_only_messages_has_no_records_and_no_diagnostics() -> None:
    case = FIXTURES / "linux-netstat" / "busybox-tuln-noproc.out"
    result = nn.parse(case.read_bytes())
    assert (result.dialect, result.records, result.diagnostics) == ("linux-netstat", [], [])
