"""The freebsd-sockstat dialect: layouts emulated from sockstat.c's display()."""

from __future__ import annotations

from pathlib import Path

import netstat_normalizer as nn

FIXTURES = Path(__file__).parent.parent / "fixtures" / "freebsd-sockstat"
HEADER_S = (
    "USER     COMMAND    PID   FD  PROTO  LOCAL ADDRESS         FOREIGN ADDRESS       "
    "PATH STATE   CONN STATE  "
)


def records(case: str) -> list[nn.Record]:
    result = nn.parse((FIXTURES / f"{case}.out").read_bytes())
    assert result.dialect == "freebsd-sockstat" and not result.diagnostics
    return result.records


def test_rows_owners_and_endpoints() -> None:
    rows = records("46")
    ssh = next(r for r in rows if r.program == "sshd" and r.remote_port == 52114)
    assert (ssh.user, ssh.pid, ssh.extra["fd"], ssh.proto, ssh.ip_version) == (
        "alice",
        48213,
        5,
        "tcp",
        4,
    )
    assert (ssh.local_address, ssh.local_port, ssh.remote_address) == (
        "192.0.2.10",
        22,
        "198.51.100.7",
    )
    v6 = next(r for r in rows if r.local_address == "::1")
    assert (v6.local_port, v6.ip_version, v6.remote_address, v6.remote_port) == (5432, 6, "*", None)
    dual = next(r for r in rows if r.local_port == 3000 and r.remote_port is None)
    assert (dual.user, dual.ip_version) == ("1001", None)  # tcp46, an unnamed uid
    orphans = [r for r in rows if r.pid is None]
    assert len(orphans) == 2 and all(r.user is None and r.program is None for r in orphans)


def test_states_only_where_the_protocol_prints_them() -> None:
    rows = records("46ls") + records("46cs")
    assert {r.state for r in rows if r.proto == "tcp"} == {
        "LISTEN",
        "ESTABLISHED",
        "CLOSE-WAIT",
        "SYN-SENT",
        "TIME-WAIT",
    }
    assert all(r.state_raw is None for r in rows if r.proto == "udp")
    bad = nn.parse(
        f"{HEADER_S}\nroot     syslogd      812 7   udp4   *:514                 *:*      LISTEN\n",
        dialect="freebsd-sockstat",
    )
    assert bad.records == [] and len(bad.diagnostics) == 1


def test_unix_rows_and_old_layout() -> None:
    rows = records("all")
    client = next(r for r in rows if r.program == "php-fpm" and r.proto == "unix")
    assert (client.local_address, client.remote_address) == (None, "/tmp/.s.PGSQL.5432")
    assert next(r for r in rows if r.local_address == "/var/run/log").extra["type"] == "dgram"
    old = records("46-freebsd11")
    assert len(old) == 23 and old[0].pid == 1021 and old[0].local_port == 22


def test_wide_and_headerless() -> None:
    assert {r.ip_version for r in records("6w")} == {6, None}
    assert len(records("4q")) == 20
    line = "root     sshd        1021 5   tcp4   *:22                  *:*                LISTEN"
    (record,) = nn.parse(line + "\n").records
    assert (record.dialect, record.state) == ("freebsd-sockstat", "LISTEN")
