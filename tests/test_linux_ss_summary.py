"""linux-ss: ``ss -s`` summaries as records; a table's protocol inferred from TCP-only details."""

from __future__ import annotations

from pathlib import Path

import netstat_normalizer as nn

FIXTURES = Path(__file__).parent.parent / "fixtures" / "linux-ss"

OLD_SUMMARY = (
    "Total: 1104 (kernel 1162)\n"
    "TCP:   20 (estab 6, closed 1, orphaned 0, synrecv 0, timewait 1/0), ports 0\n"
    "\n"
    "Transport Total     IP        IPv6\n"
    "*\t  1162      -         -        \n"
    "UDP\t  10        6         4        \n"
)


def parse(text: str | bytes, command: str | None = None) -> nn.ParseResult:
    result = nn.parse(text, command=command)
    assert result.dialect == "linux-ss" and result.diagnostics == []
    return result


def test_summary_capture_counts() -> None:
    records = parse((FIXTURES / "s.out").read_bytes()).records
    assert {r.kind for r in records} == {"summary"}
    tcp, *transports = records
    counts = {"total": 57, "estab": 26, "closed": 5, "orphaned": 1, "timewait": 4, "sockets": 95}
    assert (tcp.proto, tcp.extra) == ("tcp", {"summary": "tcp", **counts})
    by_name = {r.extra["transport"]: r for r in transports}
    assert list(by_name) == ["RAW", "UDP", "TCP", "INET", "FRAG"]
    assert (by_name["TCP"].proto, by_name["TCP"].extra["ip"], by_name["TCP"].extra["ipv6"]) == (
        "tcp",
        40,
        12,
    )
    assert by_name["INET"].proto is None and by_name["INET"].extra["total"] == 62
    assert {r.extra["sockets"] for r in records} == {95}
    assert [r.source["line"] for r in records] == [2, 5, 6, 7, 8, 9]


def test_older_summary_kernel_slab_ports_and_dashes() -> None:
    tcp, star, udp = parse(OLD_SUMMARY).records
    assert (udp.extra["sockets"], udp.extra["sockets_kernel"]) == (1104, 1162)
    assert tcp.extra["synrecv"] == 0 and tcp.extra["ports"] == 0
    assert (tcp.extra["timewait"], tcp.extra["timewait_slab"]) == (1, 0)
    assert (star.proto, star.extra["total"], star.extra["ip"], star.extra["ipv6"]) == (
        None,
        1162,
        None,
        None,
    )
    assert (udp.proto, udp.extra["ip"]) == ("udp", 6)


def test_socket_table_after_a_summary() -> None:
    text = OLD_SUMMARY + (FIXTURES / "tan.out").read_text()
    records = parse(text, "ss -tan").records
    sockets = [r for r in records if r.kind == "socket"]
    assert len(records) - len(sockets) == 3 and sockets and {r.proto for r in sockets} == {"tcp"}


def test_keepalive_timer_is_evidence_of_tcp() -> None:
    records = parse((FIXTURES / "tno-state-established.out").read_bytes()).records
    first = next(i for i, r in enumerate(records) if r.timer is not None)
    assert records[first].timer["name"] == "keepalive"  # type: ignore[index]
    assert {r.proto for r in records[:first]} == {None}  # before the evidence: unknown
    assert {r.proto for r in records[first:]} == {"tcp"}
    with_command = parse(
        (FIXTURES / "tno-state-established.out").read_bytes(), "ss -tno state established"
    )
    assert {(r.proto, r.state) for r in with_command.records} == {("tcp", "ESTABLISHED")}


def test_tcp_info_line_is_evidence_of_tcp() -> None:
    records = parse((FIXTURES / "tni-state-established.out").read_bytes()).records
    assert len(records) == 24 and {r.proto for r in records} == {"tcp"}
    assert {r.state for r in records} == {None}  # the state filter is not known without the command
    assert records[0].extra["cwnd"] == 10


def test_no_inference_from_words_that_are_not_fields() -> None:
    text = (
        "State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process\n"
        'UNCONN 0      0          127.0.0.1:5353      0.0.0.0:*     users:(("cubic",pid=7,fd=3))\n'
        "UNCONN 0      0          127.0.0.1:5354      0.0.0.0:*     \n"
        "\t skmem:(r0,rb212992,t0,tb212992,f0,w0,o0,bl0,d0)\n"
    )
    records = parse(text).records
    assert [r.proto for r in records] == [None, None]


def test_tcp_details_type_the_rows_state() -> None:
    text = (
        "State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process\n"
        "UNCONN 0      0          127.0.0.1:5353      0.0.0.0:*\n\t cubic rtt:0.1/0.05 cwnd:10\n"
    )
    (record,) = parse(text).records  # ss prints a closed TCP socket UNCONN
    assert (record.proto, record.state, record.state_raw) == ("tcp", "CLOSED", "UNCONN")
