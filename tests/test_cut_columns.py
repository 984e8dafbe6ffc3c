"""Values cut to a column's width are kept as printed and named in ``extra.cut`` (Linux net-tools
netstat without -W, Solaris -u columns)."""

from __future__ import annotations

from pathlib import Path

import netstat_normalizer as nn

FIXTURES = Path(__file__).parent.parent / "fixtures"


def records(case: str, command: str | None = None) -> list[nn.Record]:
    path = FIXTURES / case
    result = nn.parse(path.read_bytes(), dialect=path.parent.name, command=command)
    assert result.diagnostics == []
    return result.records


def by_line(found: list[nn.Record], line: int) -> nn.Record:
    (record,) = (r for r in found if r.source["line"] == line)
    return record


def test_linux_endpoint_cut_to_23_characters_stays_as_printed() -> None:
    found = records("linux-netstat/a.out", "netstat -a")
    listener = next(r for r in found if r.local_address == "app-backend-")
    assert (listener.local_service, listener.local_port) == ("postgresql", 5432)
    assert listener.extra["cut"] == ["local_address"]
    peer = next(r for r in found if r.remote_address == "app-backend-")
    assert peer.extra["cut"] == ["remote_address"]  # its local "localhost:33522" is not full
    assert (peer.local_address, peer.local_port) == ("localhost", 33522)


def test_linux_wide_output_is_never_cut_but_program_names_are() -> None:
    found = records("linux-netstat/tapW.out", "netstat -tapW")
    assert not any("address" in c for r in found for c in r.extra.get("cut", []))
    sshd = next(r for r in found if r.program == "sshd: /usr/sb")
    assert sshd.extra["cut"] == ["program"]  # "PID/name" is cut to 19 characters
    python = next(r for r in found if r.program == "python3")
    assert "cut" not in python.extra


HEADER = (
    "Active Internet connections (servers and established)\n"
    "Proto Recv-Q Send-Q Local Address           Foreign Address         State      \n"
)


def test_linux_a_full_endpoint_with_an_18_character_service_flags_the_port_too() -> None:
    row = "tcp        0      0 hsta:service-name-18-ch 0.0.0.0:*               LISTEN     \n"
    (record,) = nn.parse(HEADER + row, command="netstat -ta").records
    assert record.local_address == "hsta"
    assert record.extra["cut"] == ["local_address", "local_port"]
    (wide,) = nn.parse(HEADER + row, command="netstat -taW").records
    assert "cut" not in wide.extra


def test_linux_an_endpoint_shorter_than_its_column_is_not_flagged() -> None:
    row = "tcp        0      0 hst:service-name-18-ch  0.0.0.0:*               LISTEN     \n"
    (record,) = nn.parse(HEADER + row, command="netstat -ta").records
    assert record.extra == {}


def test_solaris_user_and_command_filling_their_columns() -> None:
    found = records("solaris-netstat/anu.out")
    depot = next(r for r in found if r.program == "pkg-depot-conf")
    assert depot.extra["cut"] == ["program"]
    web = next(r for r in found if r.user == "webservd")
    assert web.extra["cut"] == ["user"]
    assert "cut" not in next(r for r in found if r.program == "rpcbind").extra


def test_solaris_unknown_udp_state_cut_to_ten() -> None:
    text = (
        "UDP: IPv6\n"
        "   Local Address                     Remote Address                   State      If\n"
        "      *.5353                                                        Unknown St \n"
    )
    (record,) = nn.parse(text, dialect="solaris-netstat").records
    assert (record.state, record.state_raw, record.extra) == (
        None,
        "Unknown St",
        {"cut": ["state_raw"]},
    )
