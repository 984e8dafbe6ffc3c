"""``findings``: the rules fire on the scenario's piles as expected and not on its healthy
capture; settings per host glob and --set; evidence; the Nagios line and exit codes."""

from __future__ import annotations

import dataclasses
import gzip
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import netstat_normalizer as nn
from conftest import FIXTURES, command_of, fixture_cases
from netstat_normalizer.analysis.config import Config, ConfigError
from netstat_normalizer.analysis.findings import EVIDENCE, findings
from netstat_normalizer.analysis.knowledge import UnknownWordError, rules
from netstat_normalizer.model.record import Record
from scenario import FILES, MARKER, PILES, expected_findings, scenario_records

SETTINGS = (PILES / "findings.toml").read_bytes()


def found(name: str, config: Config | None = None) -> list[dict[str, Any]]:
    return list(findings(scenario_records(name), config or Config.from_toml(SETTINGS)))


def by_capture(results: list[dict[str, Any]]) -> dict[str, list[list[Any]]]:
    grouped: dict[str, list[list[Any]]] = {}
    for f in results:
        grouped.setdefault(str(f["capture"]), []).append([f["rule"], f["severity"], f["value"]])
    return grouped


@pytest.mark.parametrize("name", FILES)
def test_rules_fire_on_the_scenario_as_expected(name: str) -> None:
    assert by_capture(found(name)) == expected_findings()[name]


@pytest.mark.parametrize("name", FILES)
def test_nothing_alarms_on_the_healthy_capture(name: str) -> None:
    healthy = [f for f in found(name) if f["capture"] == 0]
    assert [f["severity"] for f in healthy] == ["info"]  # its wildcard listener, no more


def test_a_finding_carries_subject_thresholds_evidence_and_explanation() -> None:
    results = found("ss-tanp.txt.gz")
    pile = next(f for f in results if f["rule"] == "close-wait-pile")
    assert pile["host"] == "scenario"
    assert pile["capture"] == 1
    assert pile["captured_at"].startswith("20")
    assert (pile["value"], pile["threshold"]) == (150, 100)
    assert pile["thresholds"] == {"warning": 100, "critical": 1000}
    assert pile["subject"] == "local port 9000 (cw-server): 150 of 150"
    assert pile["explain"] == rules()["close-wait-pile"]["explain_en"]
    assert len(pile["evidence"]) == EVIDENCE
    with gzip.open(PILES / "ss-tanp.txt.gz", "rt") as file:
        lines = file.read().splitlines()
    for cited in pile["evidence"]:
        assert cited["source"]["path"] == "ss-tanp.txt.gz"
        line = lines[cited["source"]["line"] - 1]
        assert line.startswith("CLOSE-WAIT") and cited["local"] == "127.0.0.1:9000"
        assert cited["remote"].split(":")[0] == "127.0.0.1"
        assert cited["remote"] in line
    syn = next(f for f in results if f["rule"] == "syn-received-pile")
    assert syn["detail"] == {
        "backlog": 128,
        "peers": 1,
        "top_peer": "127.0.0.1",
        "top_peer_count": 120,
        "one_peer": True,
    }
    tw = next(f for f in results if f["rule"] == "time-wait-pressure")
    assert tw["subject"] == "destination 127.0.0.1:9300: 3000 of 5000 ephemeral ports"
    assert (tw["threshold"], tw["thresholds"]) == (2500, {"warning": 2500, "critical": 3500})
    leak = results[-1]
    assert leak["rule"] == "close-wait-leak" and leak["capture"] == 3
    assert leak["detail"]["seconds"] >= 5
    ko = list(findings(scenario_records("ss-tanp.txt.gz")[:12], lang="ko"))
    assert ko[0]["explain"] == rules()["wildcard-listener"]["explain_ko"]


def test_defaults_judge_time_wait_against_linuxs_range_and_need_two_minutes() -> None:
    rules_fired = {f["rule"] for f in found("ss-tanp.txt.gz", Config())}
    assert "time-wait-pressure" not in rules_fired  # 3000 of 28,232 ports
    assert "close-wait-leak" not in rules_fired  # the captures span seconds, not 120 s


def test_a_leak_needs_capture_times() -> None:
    records = [dataclasses.replace(r, captured_at=None) for r in scenario_records("ss-tanp.txt.gz")]
    config = Config.from_toml(SETTINGS)
    assert not [f for f in findings(records, config) if f["rule"] == "close-wait-leak"]


def test_settings_per_host_glob_and_set() -> None:
    config = Config.from_toml(
        b"""
["close-wait-pile"]
warning = 200
[hosts."scen*"."close-wait-pile"]
warning = 140
critical = 150
[hosts."web-*"."close-wait-pile"]
enabled = false
""",
        ["syn-sent-pile.warning=30", 'wildcard-listener.allow=["8080"]'],
    )
    assert config.settings("close-wait-pile", "scenario")["warning"] == 140
    assert config.settings("close-wait-pile", "web-1")["enabled"] is False
    assert config.settings("close-wait-pile", None)["warning"] == 200
    results = found("ss-tanp.txt.gz", config)
    pile = [f for f in results if f["rule"] == "close-wait-pile"]
    assert {(f["severity"], f["threshold"]) for f in pile} == {("critical", 150)}
    assert not [f for f in results if f["rule"] in ("syn-sent-pile", "wildcard-listener")]


@pytest.mark.parametrize(
    ("text", "sets", "message"),
    [
        (b"[nosuch]\nwarning = 1\n", [], "Unknown rule"),
        (b'["orphans"]\nwarnin = 1\n', [], "Did you mean 'warning'"),
        (b'["orphans"]\nwarning = "many"\n', [], "wants a int"),
        (b"[orphans\n", [], "config:"),
        (b"", ["orphans.warning"], "RULE.KEY=VALUE"),
        (b"", ["orphans.critical=lots"], "wants a int"),
    ],
)
def test_bad_settings_are_refused(text: bytes, sets: list[str], message: str) -> None:
    with pytest.raises((ConfigError, UnknownWordError), match=message):
        Config.from_toml(text, sets)


def test_config_as_plain_tables() -> None:
    records = scenario_records("ss-tanp.txt.gz")
    quiet = {rule: {"enabled": False} for rule in rules() if rule != "syn-sent-pile"}
    loud = {**quiet, "syn-sent-pile": {"warning": 10, "critical": 25}}
    assert {(f["rule"], f["severity"]) for f in findings(records, loud)} == {
        ("syn-sent-pile", "critical")
    }


def test_orphans_only_where_owners_are_shown() -> None:
    records = scenario_records("ss-tanp.txt.gz")
    stripped = [dataclasses.replace(r, pid=None, program=None) for r in records]
    assert "orphans" in {f["rule"] for f in findings(records)}
    assert "orphans" not in {f["rule"] for f in findings(stripped)}


def test_listen_queue_full_on_the_real_full_backlog() -> None:
    record = Record(
        dialect="linux-ss", proto="tcp", local_address="0.0.0.0", local_port=80,
        remote_address="0.0.0.0", state="LISTEN", recv_q=0, send_q=0,
    )  # fmt: skip
    assert not [f for f in findings([record]) if f["rule"] == "listen-queue-full"]
    nearly = dataclasses.replace(record, recv_q=105, send_q=128)
    (full,) = [f for f in findings([nearly]) if f["rule"] == "listen-queue-full"]
    assert (full["severity"], full["threshold"]) == ("warning", 103)


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "netstat_normalizer", *args]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def unzipped(tmp_path: Path) -> str:
    target = tmp_path / "ss-tanp.txt"
    target.write_bytes(gzip.decompress((PILES / "ss-tanp.txt.gz").read_bytes()))
    return str(target)


def test_cli_findings_json_and_table(tmp_path: Path) -> None:
    path = unzipped(tmp_path)
    common = ["--capture-marker", MARKER, "--config", str(PILES / "findings.toml"), path]
    done = cli("findings", "--format", "json", *common)
    assert done.returncode == 0, done.stderr
    assert by_capture(json.loads(done.stdout)) == expected_findings()["ss-tanp.txt.gz"]
    done = cli("findings", *common)
    lines = done.stdout.splitlines()
    assert len(lines) == 1 + 3 * 8 + 1
    assert lines[2].startswith("WARNING  syn-received-pile  scenario capture 1: listener port")


def test_cli_findings_nagios(tmp_path: Path) -> None:
    path = unzipped(tmp_path)
    done = cli("findings", "--format", "nagios", "--capture-marker", MARKER, path)
    assert done.returncode == 2
    status, perf = done.stdout.strip().split(" | ")
    assert status.startswith("NETSTAT CRITICAL - 3 critical, 15 warning: listen-queue-full")
    assert "'close-wait-pile'=150;100;1000" in perf.split()
    assert "'listen-queue-full'=3;2;2" in perf.split()
    text = Path(path).read_text()
    healthy = tmp_path / "healthy.txt"  # the scenario's first capture
    healthy.write_text(text[: text.index("\n===") + 1])
    done = cli("findings", "--format", "nagios", "--capture-marker", MARKER, str(healthy))
    assert (done.returncode, done.stdout) == (0, "NETSTAT OK - no warning (1 info)\n")
    quiet = ["--set", "wildcard-listener.enabled=false", "--capture-marker", MARKER]
    done = cli("findings", "--format", "nagios", *quiet, str(healthy))
    assert (done.returncode, done.stdout) == (0, "NETSTAT OK - no findings\n")
    done = cli("findings", "--format", "nagios", "--set", "nosuch.warning=1", str(healthy))
    assert done.returncode == 3
    assert done.stdout.startswith("NETSTAT UNKNOWN - Unknown rule")
    done = cli("findings", "--format", "nagios", str(tmp_path / "missing.txt"))
    assert done.returncode == 3
    healthy.write_text("")
    done = cli("findings", "--format", "nagios", str(healthy))
    assert (done.returncode, done.stdout) == (3, "NETSTAT UNKNOWN - no records read\n")


def test_no_false_alarm_on_the_dialect_fixtures() -> None:
    """The per-dialect fixtures hold a few sockets in every state: no pile there. The one alarm
    is real: capture_linux.py fills 127.0.0.1:3306's backlog of 1 (Recv-Q 2, Send-Q 1)."""
    alarms = set()
    for case in fixture_cases():
        result = nn.parse(case.read_bytes(), dialect=case.parent.name, command=command_of(case))
        for f in findings(result.records):
            if f["severity"] != "info":
                alarms.add((case.parent.name, f["rule"], f["subject"].split(" (")[0]))
    assert alarms == {("linux-ss", "listen-queue-full", "listener 127.0.0.1:3306")}


def test_wildcard_listeners_tcp_and_udp_and_the_allowlist() -> None:
    path = FIXTURES / "linux-ss" / "tulpen.out"
    records = nn.parse(path.read_text(), "linux-ss", command="ss -tulpen").records
    subjects = [f["subject"] for f in findings(records) if f["rule"] == "wildcard-listener"]
    assert subjects == [
        "tcp 0.0.0.0:80 (nginx)",
        "tcp *:443 (python3)",
        "udp 0.0.0.0:123 (python3)",
        "udp *:5353 (python3)",
    ]
    allow = {"wildcard-listener": {"allow": ["123", "nginx", "*:443"]}}
    kept = [f["subject"] for f in findings(records, allow) if f["rule"] == "wildcard-listener"]
    assert kept == ["udp *:5353 (python3)"]
