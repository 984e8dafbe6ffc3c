"""The public API and the command line, end to end."""

from __future__ import annotations

import json

import pytest

import netstat_normalizer as nn
from conftest import FIXTURES, run
from netstat_normalizer.cli import main

SS = FIXTURES / "linux-ss" / "tanp.out"
NETSTAT = FIXTURES / "linux-netstat" / "antp.out"


def test_parse_detects_and_types_records() -> None:
    result = nn.parse(SS.read_bytes(), path="x")
    assert result.dialect == "linux-ss" and result.encoding == "utf-8"
    listen = next(r for r in result.records if r.local_port == 22 and r.state == "LISTEN")
    assert (listen.proto, listen.state_raw, listen.local_address) == ("tcp", "LISTEN", "127.0.0.1")
    assert listen.program == "sshd" and isinstance(listen.pid, int)
    line = SS.read_text().splitlines()[listen.source["line"] - 1]
    assert line.startswith("LISTEN") and "127.0.0.1:22 " in line and f"pid={listen.pid}," in line


def test_iter_records_streams_and_raises_on_unparsed_without_a_handler() -> None:
    lines = iter(NETSTAT.read_text().splitlines())
    first = next(nn.iter_records(lines))
    assert first.dialect == "linux-netstat" and first.proto == "tcp"
    bad = ["tcp 0 0 1.2.3.4:5 6.7.8.9:10 ESTABLISHED", "tcp zero 0 1.2.3.4:5 6.7.8.9:10 LISTEN"]
    with pytest.raises(
        nn.UnparsedLineError, match=":2: field 2 \\(column 5\\): expected a number, got 'zero'"
    ):
        list(nn.iter_records(bad, dialect="linux-netstat"))
    seen: list[nn.Diagnostic] = []
    records = list(nn.iter_records(bad, dialect="linux-netstat", on_diagnostic=seen.append))
    assert len(records) == 1 and seen[0].line == 2 and seen[0].text == bad[1]


def test_unknown_state_word_is_a_diagnostic_not_a_record() -> None:
    result = nn.parse("tcp 0 0 1.2.3.4:5 6.7.8.9:10 ESTABLISHD\n", dialect="linux-netstat")
    assert result.records == []
    assert result.diagnostics[0].reason == "unknown TCP state 'ESTABLISHD'"


def test_continuation_without_a_record_is_reported() -> None:
    result = nn.parse("\t skmem:(r0,rb1)\n", dialect="linux-ss")
    assert result.lines == {"record": 0, "other": 0, "unparsed": 1}


def test_command_hint_names_the_protocol() -> None:
    text = (FIXTURES / "linux-ss" / "tan-state-established.out").read_text()
    without = nn.parse(text, dialect="linux-ss").records[0]
    with_hint = nn.parse(text, dialect="linux-ss", command="ss -tan state established").records[0]
    assert (without.proto, without.state) == (None, None)
    assert (with_hint.proto, with_hint.state) == ("tcp", "ESTABLISHED")


def test_undecodable_bytes_are_reported() -> None:
    data = b"tcp 0 0 1.2.3.4:5 6.7.8.9:10 ESTABLISHED\ntcp 0 0 1.2.3.4:5 \xff\xfe:10 LISTEN\n"
    result = nn.parse(data, dialect="linux-netstat", encoding="utf-8")
    assert len(result.records) == 1
    assert result.diagnostics[0].reason == "bytes the encoding cannot decode"


def test_detect_api() -> None:
    assert nn.detect(NETSTAT.read_text()).dialect == "linux-netstat"
    with pytest.raises(nn.DetectionError, match="closest: "):
        nn.detect("hello\nworld\n")
    near_ss = "LISTEN 0 128 127.0.0.1:22 0.0.0.0:* 5 6 7 8 9 10 11\n"
    with pytest.raises(nn.DetectionError, match="closest: linux-ss"):
        nn.detect(near_ss)


def test_cli_json_array_and_jsonl() -> None:
    done = run("parse", str(SS))
    assert done.returncode == 0, done.stderr
    records = json.loads(done.stdout)
    assert len(records) == 57 and records[0]["dialect"] == "linux-ss"
    lines = run("parse", "--format", "jsonl", str(NETSTAT)).stdout.splitlines()
    assert json.loads(lines[0])["proto"] == "tcp" and len(lines) == 57


def test_cli_reads_stdin_and_reports_unparsed_lines() -> None:
    done = run(
        "parse", "--format", "jsonl", stdin=b"garbage\ntcp 0 0 1.2.3.4:5 6.7.8.9:10 ESTABLISHED\n"
    )
    assert done.returncode == 1
    assert len(done.stdout.splitlines()) == 1
    assert done.stderr.decode().startswith("<stdin>:1: field 1 (column 1): expected ")


def test_cli_strict_stops_at_the_first_unparsed_line() -> None:
    done = run(
        "parse",
        "--strict",
        "--dialect",
        "linux-netstat",
        stdin=b"x\ntcp 0 0 1.2.3.4:5 6.7.8.9:10 LISTEN\n",
    )
    assert done.returncode == 1 and json.loads(done.stdout) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["parse", "--dialect", "linux-nestat", "x"], "Did you mean 'linux-netstat'?"),
        (["parse", "/no/such/file"], "/no/such/file: cannot read: No such file"),
    ],
)
def test_cli_usage_errors_exit_2(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(args) == 2
    assert message in capsys.readouterr().err


def test_cli_detect() -> None:
    done = run("detect", str(SS), str(NETSTAT))
    assert done.stdout.decode().splitlines() == [
        f"{SS}\tlinux-ss\t1.0",
        f"{NETSTAT}\tlinux-netstat\t1.0",
    ]


def test_parse_leaves_its_records_to_the_oldest_generation() -> None:
    """parse() builds its records with the cyclic collector paused, then moves them to the
    oldest generation: no young collection walks them again; the collector is on again, and
    what another caller froze stays frozen."""
    import gc

    from netstat_normalizer.model.record import Record

    text = SS.read_text() * 40
    gc.collect()
    assert gc.isenabled() and gc.get_freeze_count() == 0
    records = nn.parse(text).records
    assert len(records) > 400 and gc.isenabled()
    young = [o for g in (0, 1) for o in gc.get_objects(generation=g) if type(o) is Record]
    assert young == [] and gc.get_freeze_count() == 0
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        again = nn.parse(text).records
        assert gc.get_freeze_count() == frozen and len(again) == len(records)
    finally:
        gc.unfreeze()
