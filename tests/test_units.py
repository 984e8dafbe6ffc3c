"""Unit tests of the small pieces: endpoints, services, timers, programs, the state table."""

from __future__ import annotations

import pytest

from netstat_normalizer.dialects.linux_netstat import parse_timer, split_program
from netstat_normalizer.dialects.linux_ss import protocol_from_command, state_from_command
from netstat_normalizer.dialects.ss_fields import duration, parse_fields
from netstat_normalizer.errors import UnknownDialectError
from netstat_normalizer.model.addresses import Endpoint, ip_version, split_colon, split_dot
from netstat_normalizer.model.states import TCP_STATES, TcpState


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0.0.0.0:22", Endpoint("0.0.0.0", 22, None, None)),
        ("0.0.0.0:*", Endpoint("0.0.0.0", None, None, None)),
        ("[::]:22", Endpoint("::", 22, None, None)),
        (":::22", Endpoint("::", 22, None, None)),
        ("::1:631", Endpoint("::1", 631, None, None)),
        ("*:80", Endpoint("*", 80, None, None)),
        ("[::ffff:127.0.0.1]:80", Endpoint("::ffff:127.0.0.1", 80, None, None)),
        ("127.0.0.53%lo:53", Endpoint("127.0.0.53", 53, None, "lo")),
        ("[fe80::1%4]:53", Endpoint("fe80::1", 53, None, "4")),
        ("[fe80::1]%eth0:123", Endpoint("fe80::1", 123, None, "eth0")),
        ("localhost:ssh", Endpoint("localhost", 22, "ssh", None)),
        ("localhost.localdoma:nosuchsvc", Endpoint("localhost.localdoma", None, "nosuchsvc", None)),
        ("0.0.0.0:\u00b280", Endpoint("0.0.0.0", None, "\u00b280", None)),  # isdigit, not int
    ],
)
def test_split_colon(text: str, expected: Endpoint) -> None:
    assert split_colon(text, "tcp") == expected


def test_service_names_depend_on_protocol_and_raw_uses_ip_protocols() -> None:
    assert split_colon("0.0.0.0:bootpc", "udp").port == 68
    assert split_colon("[::]:ipv6-icmp", "ip").port == 58


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("192.168.1.5.22", Endpoint("192.168.1.5", 22, None, None)),
        ("*.22", Endpoint("*", 22, None, None)),
        ("*.*", Endpoint("*", None, None, None)),
        ("      *.*", Endpoint("*", None, None, None)),
        ("::1.631", Endpoint("::1", 631, None, None)),
        ("fe80::1%lo0.123", Endpoint("fe80::1", 123, None, "lo0")),
        ("localhost.smtp", Endpoint("localhost", 25, "smtp", None)),
    ],
)
def test_split_dot(text: str, expected: Endpoint) -> None:
    assert split_dot(text, "tcp") == expected


@pytest.mark.parametrize(
    ("address", "version"),
    [
        ("10.0.0.1", 4),
        ("::1", 6),
        ("*", None),
        ("localhost", None),
        (None, None),
        ("1\u00b2.0.0.1", None),
    ],
)
def test_ip_version(address: str | None, version: int | None) -> None:
    assert ip_version(address) == version


def test_net_tools_timer() -> None:
    assert parse_timer("keepalive (7175.56/0/0)") == {
        "name": "keepalive",
        "expires_s": 7175.56,
        "retransmits": 0,
        "probes": 0,
    }
    assert parse_timer("on (1.52/3/0)")["retransmits"] == 3


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("52sec", 52.0),
        ("228ms", 0.228),
        ("092ms", 0.092),
        ("1.388ms", 1.388),
        ("9.501sec", 9.501),  # iproute2's 2024 fix of the line above
        ("1min2sec", 62.0),
        ("119min", 7140.0),
        ("", None),
    ],
)
def test_ss_durations(text: str, seconds: float | None) -> None:
    assert (
        duration(text) == pytest.approx(seconds) if seconds is not None else duration(text) is None
    )


@pytest.mark.parametrize("text", ["52sec.", "1.sec", "9.501", "1min.5ms", "5sec5sec"])
def test_ss_durations_refuse(text: str) -> None:
    with pytest.raises(ValueError, match="not an ss duration"):
        duration(text)


def test_ss_fields() -> None:
    fields = parse_fields(
        'users:(("nginx",pid=7287,fd=8),("Web Content",pid=7286,fd=8)) uid:33 ino:14711 sk:10a '
        "cgroup:/system.slice v6only:1 <-> timer:(keepalive,,0)"
    )
    assert fields["users"] == [
        {"program": "nginx", "pid": 7287, "fd": 8},
        {"program": "Web Content", "pid": 7286, "fd": 8},
    ]
    assert fields["uid"] == 33 and fields["ino"] == 14711 and fields["sk"] == "10a"
    assert fields["cgroup"] == "/system.slice" and fields["v6only"] == 1
    assert fields["timer"] == {"name": "keepalive", "expires_s": None, "retransmits": 0}
    assert fields["flags"] == ["<->"]


def test_ss_info_fields() -> None:
    fields = parse_fields(
        "skmem:(r0,rb131072,t0) ts sack cubic wscale:7,7 rto:204 send 1bps minrtt:0.011"
    )
    assert fields["skmem"] == {"r": 0, "rb": 131072, "t": 0}
    assert fields["flags"] == ["ts", "sack", "cubic"]
    assert fields["wscale"] == "7,7" and fields["rto"] == 204 and fields["send"] == "1bps"
    assert fields["minrtt"] == 0.011


def test_ss_mptcp_subflow_flags_keep_the_bare_words() -> None:
    """ss -i prints "flags:Jjecv" for an MPTCP subflow; it once replaced the bare words' list."""
    fields = parse_fields("tcp-ulp-mptcp flags:Jjecv token:0000(id:0)/0000(id:0) seq:1 ts")
    assert fields["flags"] == ["tcp-ulp-mptcp", "ts"]
    assert fields["subflow_flags"] == "Jjecv" and fields["seq"] == 1
    assert parse_fields("flags:5") == {"subflow_flags": "5"}


@pytest.mark.parametrize("stray", ["1", "2.5", "12ab"])
def test_ss_bare_number_is_no_flag(stray: str) -> None:
    """A number with no field name before it (a mutated capture: ``unacked:2 1``) is no flag:
    it was kept as ``flags: ['1']``, a value no line printed (deep hypothesis finding)."""
    assert parse_fields("unacked:2 ts") == {"unacked": 2, "flags": ["ts"]}
    with pytest.raises(ValueError, match="not a field"):
        parse_fields(f"unacked:2 {stray}")


def test_malformed_ss_users_field_raises() -> None:
    with pytest.raises(Exception, match="users"):
        parse_fields('users:(("x",pid=1))')


def test_split_program() -> None:
    assert split_program("6492/sshd: kbrazil") == (6492, "sshd: kbrazil")
    assert split_program("-") == (None, None)
    assert split_program(None) == (None, None)


def test_ss_command_hints() -> None:
    assert protocol_from_command("ss -tan") == "tcp"
    assert protocol_from_command("ss -f netlink -a") == "netlink"
    assert protocol_from_command("ss -tunap") is None
    assert state_from_command("ss -tan state established") == "ESTABLISHED"
    assert state_from_command("ss -tano") is None


def test_state_table_covers_every_dialect_word() -> None:
    expected = {
        "ESTAB": "ESTABLISHED",
        "SYN_RECV": "SYN-RECEIVED",
        "SYN-RECV": "SYN-RECEIVED",
        "SYN_RCVD": "SYN-RECEIVED",
        "SYN_RECEIVED": "SYN-RECEIVED",
        "FIN_WAIT1": "FIN-WAIT-1",
        "FIN_WAIT_1": "FIN-WAIT-1",
        "CLOSE": "CLOSED",
        "UNCONN": "CLOSED",
        "LISTENING": "LISTEN",
        "IDLE": "IDLE",
        "BOUND": "BOUND",
        "DELETE_TCB": "DELETE-TCB",
    }
    for word, state in expected.items():
        assert TCP_STATES[word] == state
    assert set(TCP_STATES.values()) <= {s.value for s in TcpState}


def test_unknown_dialect_suggests_the_closest() -> None:
    assert "Did you mean 'linux-netstat'?" in str(
        UnknownDialectError("linux-nestat", ["linux-netstat", "linux-ss"])
    )
