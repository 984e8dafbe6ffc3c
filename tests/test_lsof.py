"""The lsof dialect: real Linux captures (made with the /proc/net ones), a macOS reconstruction."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

import netstat_normalizer as nn
from netstat_normalizer.dialects.lsof import Lsof
from netstat_normalizer.model.addresses import split_colon

FIXTURES = Path(__file__).parent.parent / "fixtures"


def records(dialect: str, case: str) -> list[nn.Record]:
    command = (FIXTURES / dialect / f"{case}.cmd").read_text().strip()
    result = nn.parse((FIXTURES / dialect / f"{case}.out").read_bytes(), command=command)
    assert result.dialect == dialect and not result.diagnostics
    return result.records


def test_linux_inodes_are_those_of_proc_net_for_the_same_sockets() -> None:
    proc = {
        (
            r.proto,
            "*" if r.local_address == "0.0.0.0" else r.local_address,
            r.local_port,
            r.remote_port,
        ): r.inode
        for case in ("tcp", "udp")
        for r in records("linux-proc-net", case)
    }
    lsof = records("lsof", "i4-n-P")
    assert len(lsof) > 20
    for r in lsof:
        assert proc[r.proto, r.local_address, r.local_port, r.remote_port] == r.inode


def test_states_endpoints_and_escaped_commands() -> None:
    rows = records("lsof", "i-n-P")
    assert {r.state_raw for r in rows if r.proto == "tcp"} >= {"LISTEN", "ESTABLISHED", "FIN_WAIT2"}
    assert all(r.state is None and r.state_raw is None for r in rows if r.proto == "udp")
    (firefox,) = (r for r in rows if r.program == "Web Co")  # printed "Web\x20Co"
    (named,) = (r for r in records("lsof", "i-P") if r.program == "Web Co")
    assert (firefox.user, firefox.extra["fd"]) == ("root", "13u")
    assert (firefox.pid, firefox.inode) == (named.pid, named.inode)
    v6 = next(r for r in rows if r.local_address == "::1" and r.remote_port == 8080)
    assert (v6.ip_version, v6.remote_address, v6.state) == (6, "::1", "ESTABLISHED")
    wildcard = next(r for r in rows if r.local_port == 443 and r.state == "LISTEN")
    assert (wildcard.local_address, wildcard.remote_address) == ("*", None)


def test_macos_devices_are_kernel_addresses_not_inodes() -> None:
    rows = records("lsof", "macos-i-n-P")
    assert all(r.inode is None and r.extra["device"].startswith("0x") for r in rows)
    assert {r.user for r in rows} == {"root", "_mdnsresponder", "alice"}


def test_merged_stderr_warnings_are_recognised() -> None:
    header = "COMMAND     PID   USER   FD   TYPE DEVICE SIZE/OFF NODE NAME"
    text = (
        "lsof: WARNING: can't stat() fuse.gvfsd-fuse file system /run/user/1000/gvfs\n"
        "      Output information may be incomplete.\n"
        f"{header}\n"
        "sshd      11986   root    3u  IPv4  24522      0t0  TCP 127.0.0.1:22 (LISTEN)\n"
    )
    result = nn.parse(text)
    assert (result.dialect, result.lines) == ("lsof", {"record": 1, "other": 3, "unparsed": 0})


def endpoints(record: nn.Record) -> tuple[tuple[object, ...], tuple[object, ...]]:
    fields = ("address", "port", "service", "interface")
    return (
        tuple(getattr(record, f"local_{f}") for f in fields),
        tuple(getattr(record, f"remote_{f}") for f in fields),
    )


def split_as_split_colon(name: str, proto: str) -> tuple[tuple[object, ...], tuple[object, ...]]:
    local, arrow, remote = name.partition("->")
    there = split_colon(remote, proto) if arrow else (None, None, None, None)
    return tuple(split_colon(local, proto)), tuple(there)


def test_every_fixture_row_splits_its_endpoints_as_split_colon() -> None:
    rows = [
        line.split()
        for case in (FIXTURES / "lsof").glob("*.out")
        for line in case.read_text().splitlines()[1:]
    ]
    for words in rows:
        (record,) = Lsof().run([" ".join(words)])
        assert isinstance(record, nn.Record)
        assert endpoints(record) == split_as_split_colon(words[8], words[7].lower())


_HOST = st.sampled_from(
    ["10.0.0.1", "*", "[::1]", "[fe80::1%eth0]", "fe80::1%4", "::1", "localhost", "a:b"]
) | st.text(alphabet="0123456789abcdef:.%[]*", min_size=1, max_size=10)
_PORT = st.sampled_from(["0", "22", "*", "ssh", "http", "\u00b2", "\u0660", "0080"]) | st.text(
    alphabet="0123456789*x", min_size=1, max_size=6
)


@settings(max_examples=500, deadline=None)
@given(_HOST, _PORT, st.none() | st.tuples(_HOST, _PORT), st.sampled_from(["TCP", "UDP"]))
def test_varied_endpoints_split_as_split_colon(
    host: str, port: str, remote: tuple[str, str] | None, proto: str
) -> None:
    name = f"{host}:{port}" + ("" if remote is None else f"->{remote[0]}:{remote[1]}")
    line = f"python3 3241 root 4u IPv6 204532 0t0 {proto} {name}"
    (found,) = Lsof().run([line])
    if isinstance(found, nn.Record):  # else the grammar rejects the name (a space, a "(")
        assert endpoints(found) == split_as_split_colon(name, proto.lower())
