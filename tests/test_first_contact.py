"""What a new user hit first (issue 13): each case fails without its fix."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import netstat_normalizer as nn
from conftest import FIXTURES, run
from netstat_normalizer.dialects.ss_fields import parse_fields

SS = FIXTURES / "linux-ss" / "tanp.out"
NETSTAT = FIXTURES / "linux-netstat" / "antp.out"
NETLINK_E = (
    "State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess"
    + " " * 21
    + "\nUNCONN 0      0                  0:0                *     sk=0 cb=0 groups=0x00000000"
    + "\nUNCONN 4352   0                  4:9611             *     sk=0 cb=0 groups=0x00000010\n"
)
"""``ss -ean -f netlink`` on Debian 12 (iproute2 6.1), recorded on this machine."""


# -- capture on a stock machine ---------------------------------------------------------------
def test_ss_netlink_details_are_fields() -> None:
    assert parse_fields("sk=0 cb=0 groups=0x00000010") == {
        "sk": "0",
        "cb": "0",
        "groups": "0x00000010",
    }


def test_ss_e_netlink_rows_parse() -> None:
    result = nn.parse(NETLINK_E, command="ss -ean -f netlink")
    assert result.diagnostics == []
    assert [r.extra["groups"] for r in result.records] == ["0x00000000", "0x00000010"]
    assert result.lines == {"record": 2, "other": 1, "unparsed": 0}


@pytest.mark.skipif(not (shutil.which("ss") or shutil.which("netstat")), reason="no ss/netstat")
def test_capture_on_this_machine_accounts_for_every_line() -> None:
    done = run("capture", "--format", "jsonl")
    said = done.stderr.decode().splitlines()  # the tool's own warnings only (RTNETLINK answers)
    assert done.returncode == 0 and all(line.startswith("netstat-normalizer: ") for line in said)
    records = [json.loads(line) for line in done.stdout.splitlines()]
    assert records and {r["dialect"] for r in records} <= {"linux-ss", "linux-netstat"}


def test_diagnostics_drop_trailing_padding() -> None:
    diagnostic = nn.Diagnostic("x.txt", 3, "garbage" + " " * 450, "unexpected 'garbage'")
    assert str(diagnostic) == "x.txt:3: unexpected 'garbage': garbage"


# -- terminal injection ----------------------------------------------------------------------
def test_control_characters_are_escaped_on_stderr() -> None:
    text = b"x\033]0;title\007 \033[2J nul\0\ntcp 0 0 1.2.3.4:5 6.7.8.9:10 ESTABLISHED\n"
    done = run("parse", "--dialect", "linux-netstat", stdin=text)
    assert done.returncode == 1
    err = done.stderr.decode()
    assert not any((c < " " and c != "\n") or "\x7f" <= c <= "\x9f" for c in err), err
    assert "\\x1b]0;title\\x07 \\x1b[2J nul\\x00" in err
    c1 = nn.Diagnostic(None, 1, "a\x9b2Jb\tc\x7f", "control character U+009B in the line")
    assert str(c1) == "<input>:1: control character U+009B in the line: a\\x9b2Jb\\tc\\x7f"


def test_error_messages_escape_control_characters(tmp_path: Path) -> None:
    odd = tmp_path / "a\033[2Jb.txt"
    odd.write_text("hello\n")
    done = run("parse", str(odd))
    assert "\033" not in done.stderr.decode() and "a\\x1b[2Jb.txt" in done.stderr.decode()


# -- errors name the file ----------------------------------------------------------------------
def test_detection_error_names_the_path() -> None:
    with pytest.raises(nn.DetectionError) as caught:
        nn.parse("hello\nworld\n", path="notes.txt")
    assert caught.value.path == "notes.txt" and "notes.txt" in str(caught.value)
    with pytest.raises(nn.DetectionError) as caught:
        list(nn.iter_parse(["hello"], path="notes.txt"))
    assert caught.value.path == "notes.txt"


# -- one bad input among several ---------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["jsonl", "json"])
def test_one_bad_input_among_several(tmp_path: Path, fmt: str) -> None:
    bad = tmp_path / "ls.bin"
    bad.write_bytes(Path(sys.executable).read_bytes()[:20000])
    missing = tmp_path / "missing.txt"
    args = ["parse", "--format", fmt, str(SS), str(bad), str(missing), str(NETSTAT)]
    one, two = run(*args, "--jobs", "1"), run(*args, "--jobs", "2")
    for done in (one, two):
        assert done.returncode == 2
        err = done.stderr.decode()
        assert f"{bad}: no dialect recognises" in err and f"{missing}: cannot read" in err
        assert "Traceback" not in err
    assert one.stdout == two.stdout and one.stderr == two.stderr
    if fmt == "json":
        records = json.loads(one.stdout)
    else:
        records = [json.loads(line) for line in one.stdout.splitlines()]
    paths = [r["source"]["path"] for r in records]
    assert paths.count(str(SS)) == 57 and paths.count(str(NETSTAT)) == 57


def test_exit_code_is_the_worst_of_all_inputs(tmp_path: Path) -> None:
    unparsed = tmp_path / "unparsed.txt"
    unparsed.write_text(NETSTAT.read_text() + "tcp zero 0 1.2.3.4:5 6.7.8.9:10 LISTEN\n")
    for jobs in ("1", "2"):
        assert run("parse", "--jobs", jobs, str(unparsed), str(SS)).returncode == 1
        assert run("parse", "--jobs", jobs, str(SS), "/no/such").returncode == 2


# -- detect reports every file -----------------------------------------------------------------
def test_detect_reports_every_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    prose = tmp_path / "prose.txt"
    prose.write_text("hello\nworld\n")
    done = run("detect", str(SS), str(empty), str(prose), str(NETSTAT))
    assert done.stdout.decode().splitlines() == [
        f"{SS}\tlinux-ss\t1.0",
        f"{empty}\t-\t0.0",
        f"{prose}\t-\t0.0",
        f"{NETSTAT}\tlinux-netstat\t1.0",
    ]
    err = done.stderr.decode()
    assert f"{empty}: empty" in err and f"{prose}: no dialect recognises" in err
    assert done.returncode == 2
    parsed = run("parse", str(empty))
    assert parsed.returncode == 0 and parsed.stdout == b"[]\n"
    assert f"{empty}: empty" in parsed.stderr.decode()


# -- usage errors, not tracebacks --------------------------------------------------------------
@pytest.mark.parametrize("out", ["/dev/null", "file"])
def test_convert_out_must_be_a_folder(tmp_path: Path, out: str) -> None:
    if out == "file":
        (tmp_path / "file").write_text("x")
        out = str(tmp_path / "file")
    done = run("convert", str(SS), "--out", out)
    assert done.returncode == 2 and b"Traceback" not in done.stderr
    assert f"--out {out}: not a folder" in done.stderr.decode()


def test_meta_captured_at_must_be_a_time() -> None:
    done = run("parse", "--meta", "captured_at=yesterday", str(SS))
    assert done.returncode == 2 and "captured_at" in done.stderr.decode()
    done = run("parse", "--format", "jsonl", "--meta", "captured_at=2024-05-06 07:08:09", str(SS))
    assert json.loads(done.stdout.splitlines()[0])["captured_at"] == "2024-05-06T07:08:09"


# -- reasons in the words of the table ----------------------------------------------------------
UNIX_TABLE = (
    "Active UNIX domain sockets (servers and established)\n"
    "Proto RefCnt Flags       Type       State         I-Node   Path\n"
    "unix  2      [ ACC ]     STREAM     LISTENING     20066    /run/x\n"
)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (UNIX_TABLE + "tcp   xx yy  zz\n", "field 2 (column 7): expected a number, got 'xx'"),
        ("tcp 0 0 xx 0.0.0.0:* LISTEN\n", "field 4 (column 9): expected ADDRESS:PORT, got 'xx'"),
        ("tcp 0 0\n", "line ends after field 3: expected ADDRESS:PORT"),
    ],
)
def test_unparsed_reasons_speak_the_tables_words(text: str, reason: str) -> None:
    (diagnostic,) = nn.parse(text, dialect="linux-netstat").diagnostics
    assert diagnostic.reason == reason


# -- normalized scopes ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("address", "scope"),
    [
        ("0.0.0.0", "wildcard"),
        ("::", "wildcard"),
        ("*", "wildcard"),
        ("127.0.0.53", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("fe80::1", "link-local"),
        ("169.254.7.1", "link-local"),
        ("10.1.2.3", "private"),
        ("172.31.0.1", "private"),
        ("192.168.1.1", "private"),
        ("fd12::1", "private"),
        ("172.32.0.1", "other"),
        ("2001:4860::8888", "other"),
        ("/run/systemd/notify", None),
        ("localhost", None),
        ("1.2.3.4\x00", None),
        ("\udcff", None),
        ("01.2.3.4", None),
        (None, None),
    ],
)
def test_address_scope(address: str | None, scope: str | None) -> None:
    from netstat_normalizer.model.addresses import scope_of

    assert scope_of(address) == scope


def test_records_carry_scopes_whatever_the_spelling() -> None:
    windows = nn.parse((FIXTURES / "windows-netstat" / "ano.out").read_bytes()).records
    linux = nn.parse(SS.read_bytes()).records
    old_ss = nn.parse(
        "State Recv-Q Send-Q Local Address:Port Peer Address:Port\nLISTEN 0 128 *:22 *:*\n",
        dialect="linux-ss",
    ).records
    for records in (windows, linux, old_ss):
        listener = next(r for r in records if r.state == "LISTEN")
        assert (listener.local_scope, listener.remote_scope) == ("wildcard", "wildcard")
    assert old_ss[0].to_dict()["local_scope"] == "wildcard"
    unix = nn.parse((FIXTURES / "linux-ss" / "xa.out").read_bytes()).records[0]
    assert (unix.proto, unix.local_scope, unix.remote_scope) == ("unix", None, None)


# -- compressed files and archives ---------------------------------------------------------------
def test_parse_reads_compressed_files_and_archive_members(tmp_path: Path) -> None:
    import gzip
    import tarfile

    packed = tmp_path / "ss.txt.gz"
    packed.write_bytes(gzip.compress(SS.read_bytes()))
    archive = tmp_path / "day.tar.xz"
    with tarfile.open(archive, "w:xz") as tar:
        tar.add(NETSTAT, arcname="web-1/netstat.txt")
    done = run("parse", "--format", "jsonl", "--jobs", "1", str(packed), str(archive))
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(records) == 114
    assert records[0]["source"] == {"path": str(packed), "member": None, "line": 2}
    assert records[-1]["source"]["member"] == "web-1/netstat.txt"
    two = run("parse", "--format", "jsonl", "--jobs", "2", str(packed), str(archive))
    assert (two.stdout, two.stderr, two.returncode) == (done.stdout, done.stderr, 0)


def test_a_file_object_names_its_records_and_diagnostics(tmp_path: Path) -> None:
    path = tmp_path / "netstat.txt"
    path.write_text(NETSTAT.read_text() + "tcp zero 0 1.2.3.4:5 6.7.8.9:10 LISTEN\n")
    seen: list[nn.Diagnostic] = []
    with open(path) as lines:
        records = list(nn.iter_records(lines, on_diagnostic=seen.append))
    assert {r.source["path"] for r in records} == {str(path)}
    assert str(seen[0]).startswith(f"{path}:60: field 2")
    assert str(nn.parse("garbage\n", dialect="linux-netstat").diagnostics[0]).startswith(
        "<input>:1"
    )


def test_stdin_is_named_one_way() -> None:
    done = run("parse", "--format", "jsonl", "-", stdin=SS.read_bytes() + b"garbage\n")
    assert json.loads(done.stdout.splitlines()[0])["source"]["path"] == "<stdin>"
    assert done.stderr.decode().startswith("<stdin>:59: ")


# -- output for people -----------------------------------------------------------------------------
def test_table_csv_and_fields() -> None:
    table = run("parse", "--format", "table", str(SS)).stdout.decode().splitlines()
    assert table[0].split() == [
        "PROTO", "LOCAL_ADDRESS", "LOCAL_PORT", "REMOTE_ADDRESS", "REMOTE_PORT", "STATE", "PID",
        "PROGRAM",
    ]  # fmt: skip
    assert len(table) == 58 and len({line.index("LISTEN") for line in table[1:3]}) == 1
    rows = run("parse", "--format", "csv", "--fields", "state,local_port,source.line", str(SS))
    lines = rows.stdout.decode().splitlines()
    assert lines[0] == "state,local_port,source.line" and lines[1] == "LISTEN,80,2"
    chosen = run("parse", "--format", "jsonl", "--fields", "proto,local_scope", str(SS))
    assert json.loads(chosen.stdout.splitlines()[0]) == {"proto": "tcp", "local_scope": "wildcard"}
    bad = run("parse", "--fields", "proto,nope", str(SS))
    assert bad.returncode == 2 and b"unknown field 'nope'" in bad.stderr


def test_established_connections_to_port_443_from_help_alone(tmp_path: Path) -> None:
    help_text = run("parse", "--help").stdout.decode() + run("--help").stdout.decode()
    assert "--state ESTABLISHED --port 443" in help_text
    capture = tmp_path / "ss.txt"
    capture.write_text(
        "Netid State Recv-Q Send-Q Local Address:Port Peer Address:Port\n"
        "tcp ESTAB 0 0 10.0.0.5:51000 93.184.216.34:443\n"
        "tcp TIME-WAIT 0 0 10.0.0.5:51001 93.184.216.34:443\n"
        "tcp ESTAB 0 0 10.0.0.5:51002 93.184.216.34:80\n"
    )
    for spelling in ("ESTABLISHED", "estab", "Established"):
        done = run("parse", "--format", "jsonl", "--state", spelling, "--port", "443", str(capture))
        (record,) = map(json.loads, done.stdout.splitlines())
        assert record["remote_port"] == 443 and record["state"] == "ESTABLISHED"
    waiting = run("parse", "--format", "jsonl", "--state", "time_wait", str(capture))
    assert len(waiting.stdout.splitlines()) == 1
    assert run("parse", "--state", "ESTABLISHD", str(capture)).returncode == 2


def test_state_spellings() -> None:
    from netstat_normalizer.model.states import state_named

    assert state_named("TIME_WAIT") == state_named("time-wait") == "TIME-WAIT"
    assert state_named("SYN_RECV") == state_named("syn-received") == "SYN-RECEIVED"
    assert state_named("fin_wait1") == "FIN-WAIT-1" and state_named("ABHÖREN") == "LISTEN"
    assert state_named("nonsense") is None
    assert nn.TcpState("TIME_WAIT") is nn.TcpState.TIME_WAIT  # the API takes any spelling too
    assert nn.TcpState("estab") is nn.TcpState.ESTABLISHED
    with pytest.raises(ValueError):
        nn.TcpState("nonsense")


# -- help and version ----------------------------------------------------------------------------
def test_version_and_help() -> None:
    from importlib.metadata import version

    assert nn.__version__ == version("netstat-normalizer")
    assert run("--version").stdout.decode() == f"netstat-normalizer {nn.__version__}\n"
    for command in ([], ["parse"], ["convert"], ["detect"], ["capture"]):
        text = run(*command, "--help").stdout.decode()
        assert "``" not in text and "exit status" in text
    assert "ss -a -n -p -e -o -i -m" in run("capture", "--help").stdout.decode()


# -- capture: options, labels, other systems ---------------------------------------------
@pytest.mark.parametrize(
    ("platform", "fixture", "flags"),
    [
        ("win32", "windows-netstat/ano.out", ["netstat", "-a", "-n", "-o"]),
        ("darwin", "macos-netstat/anv.out", ["netstat", "-a", "-n", "-v"]),
        ("freebsd14", "freebsd-netstat/Aan.out", ["netstat", "-A", "-a", "-n"]),
        ("sunos5", "solaris-netstat/an.out", ["netstat", "-a", "-n"]),
    ],
)
def test_capture_on_other_systems_from_recorded_outputs(
    platform: str,
    fixture: str,
    flags: list[str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from netstat_normalizer.cli import capture, main

    ran: list[list[str]] = []

    def fake_run(command: list[str], **_: object) -> subprocess.CompletedProcess[bytes]:
        ran.append(command)
        return subprocess.CompletedProcess(command, 0, (FIXTURES / fixture).read_bytes(), b"")

    monkeypatch.setattr(capture.sys, "platform", platform)
    monkeypatch.setattr(capture.shutil, "which", lambda name: f"/bin/{name}")
    monkeypatch.setattr(capture.subprocess, "run", fake_run)
    monkeypatch.setattr(capture.socket, "gethostname", lambda: "box-1")
    assert main(["capture", "--format", "jsonl"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert ran == [flags]
    expected = nn.parse((FIXTURES / fixture).read_bytes()).records
    assert [r["local_port"] for r in records] == [r.local_port for r in expected]
    assert {r["dialect"] for r in records} == {expected[0].dialect}
    assert {r["host"] for r in records} == {"box-1"}
    assert all(r["captured_at"].endswith("+00:00") for r in records)


def test_capture_using_and_flags(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    from netstat_normalizer.cli import capture, main

    ran: list[list[str]] = []

    def fake_run(command: list[str], **_: object) -> subprocess.CompletedProcess[bytes]:
        ran.append(command)
        return subprocess.CompletedProcess(command, 0, NETSTAT.read_bytes(), b"")

    monkeypatch.setattr(capture.sys, "platform", "linux")
    monkeypatch.setattr(capture.shutil, "which", lambda name: f"/bin/{name}")
    monkeypatch.setattr(capture.subprocess, "run", fake_run)
    assert main(["capture", "--using", "netstat", "--format", "jsonl", "--", "-antp"]) == 0
    assert ran == [["netstat", "-antp"]]
    assert len(capsys.readouterr().out.splitlines()) == 57
    with pytest.raises(SystemExit):  # argparse: no such tool
        main(["capture", "--using", "lsof"])


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="no /proc/net/tcp")
def test_capture_using_proc_on_this_machine() -> None:
    import socket

    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        done = run("capture", "--using", "proc", "--format", "jsonl")
    assert done.returncode == 0, done.stderr.decode()
    records = [json.loads(line) for line in done.stdout.splitlines()]
    assert {r["dialect"] for r in records} == {"linux-proc-net"}
    assert {r["proto"] for r in records} <= {"tcp", "udp"}
    assert all(r["host"] and r["captured_at"] for r in records)
    assert records[0]["source"]["path"].startswith("<cat /proc/net/tcp")
    mine = [r for r in records if r["local_port"] == port]
    assert [(r["local_address"], r["state"], r["state_raw"]) for r in mine] == [
        ("127.0.0.1", "LISTEN", "0A")
    ]


def test_detect_reads_what_parse_reads(tmp_path: Path) -> None:
    import gzip
    import zipfile

    packed = tmp_path / "ss.txt.gz"
    packed.write_bytes(gzip.compress(SS.read_bytes()))
    archive = tmp_path / "day.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.write(NETSTAT, "web-1/netstat.txt")
    done = run("detect", str(packed), str(archive), str(tmp_path / "missing"))
    assert done.stdout.decode().splitlines() == [
        f"{packed}\tlinux-ss\t1.0",
        f"{archive}[web-1/netstat.txt]\tlinux-netstat\t1.0",
        f"{tmp_path / 'missing'}\t-\t0.0",
    ]
    assert done.returncode == 2 and f"{tmp_path / 'missing'}: cannot read" in done.stderr.decode()


def test_table_holds_one_block_at_a_time_and_widths_only_grow(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import io

    from netstat_normalizer.sinks.table import TableWriter

    records = nn.parse(SS.read_text()).records
    whole, blocks = io.StringIO(), io.StringIO()
    one = TableWriter(whole)
    for record in records:
        one.write(record)
    one.close()
    monkeypatch.setattr(TableWriter, "BLOCK", 10)
    small = TableWriter(blocks)
    for record in records[:8]:
        small.write(record)
    assert blocks.getvalue() == "" and len(small.rows) == 9  # the header and 8 rows, held
    for record in records[8:]:
        small.write(record)
        assert len(small.rows) < 10
    small.close()
    lines, cut = whole.getvalue().splitlines(), blocks.getvalue().splitlines()
    assert len(lines) == len(cut) == len(records) + 1
    assert [line.split() for line in cut] == [line.split() for line in lines]
    starts = [[i for i, c in enumerate(line) if c != " " and (i == 0 or line[i - 1] == " ")]
              for line in cut[:10]]  # fmt: skip
    assert len({tuple(s[:3]) for s in starts}) == 1  # the first block is aligned as a whole
    assert len(max(cut, key=len)) <= len(max(lines, key=len))
