"""``diff`` on the real fleet captures: exactly the listeners started and stopped between two
captures, as the capture script logged them."""

from __future__ import annotations

import json

import pytest

from fleet import HOSTS, SCENARIO, done, path, records
from netstat_normalizer.analysis.diff import diff
from netstat_normalizer.analysis.snapshot import snapshots
from netstat_normalizer.cli import main

PAIRS = [
    (host, capture)
    for host in HOSTS
    for capture in range(1, len(SCENARIO["hosts"][host]["before_capture"]))
]


def expected(host: str, capture: int) -> dict[str, set[tuple[str, int]]]:
    """The listener events the log of what was done before ``capture`` calls for."""
    started = {(e["address"], e["port"]) for e in done(host, capture, "listener-started")}
    stopped = {(e["address"], e["port"]) for e in done(host, capture, "listener-stopped")}
    added, removed = started - stopped, stopped - started
    rebound = {a for a in added for r in removed if a[1] == r[1]}
    return {
        "listener-added": added - rebound,
        "listener-removed": {r for r in removed if r[1] not in {a[1] for a in rebound}},
        "listener-scope-changed": rebound,
        "listener-owner-changed": started & stopped,
    }


@pytest.mark.parametrize(("host", "capture"), PAIRS, ids=[f"{h}@{c}" for h, c in PAIRS])
def test_diff_lists_the_listeners_started_and_stopped(host: str, capture: int) -> None:
    captures = list(snapshots(records(host)))
    events = diff(captures[capture - 1], captures[capture]).events
    found = {
        name: {(e["local_address"], e["local_port"]) for e in events if e["event"] == name}
        for name in expected(host, capture)
    }
    assert found == expected(host, capture)


def test_a_restart_names_both_owners_and_a_rebind_both_scopes() -> None:
    captures = list(snapshots(records("web-1")))
    restart = next(
        e for e in diff(captures[1], captures[2]).events if e["event"] == "listener-owner-changed"
    )
    pids = [e["pid"] for e in done("web-1", 2, "listener-started") if e["service"] == "sshd"]
    assert restart["after"] == [{"program": "sshd", "pid": pids[0]}]
    assert restart["before"][0]["program"] == "sshd" and restart["before"][0]["pid"] != pids[0]
    rebind = next(
        e for e in diff(captures[2], captures[3]).events if e["event"] == "listener-scope-changed"
    )
    assert (rebind["before"]["scope"], rebind["after"]["scope"]) == ("loopback", "wildcard")
    assert (rebind["before"]["local_address"], rebind["local_address"]) == ("127.0.0.1", "0.0.0.0")


def test_state_changes_and_counts_between_captures() -> None:
    captures = list(snapshots(records("web-1")))
    result = diff(captures[0], captures[1])
    closed = done("web-1", 1, "client-closed")[0]["ports"]
    changed = {
        (e["remote_port"], e["before"], e["after"])
        for e in result.events
        if e["event"] == "state-changed" and e["local_port"] == 8080
    }
    assert changed == {(port, "ESTABLISHED", "CLOSE-WAIT") for port in closed}
    for state, count in result.states.items():
        before = sum(r.state == state for r in captures[0].records)
        after = sum(r.state == state for r in captures[1].records)
        assert count == {"before": before, "after": after, "delta": after - before}


def test_cli_diff_json(capsys: pytest.CaptureFixture[str]) -> None:
    web = str(path("web-1"))
    assert main(["diff", f"{web}@0", f"{web}@1", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["old"], out["new"]) == (f"{web}@0", f"{web}@1")
    added = [e for e in out["events"] if e["event"] == "listener-added"]
    assert added == [
        {
            "event": "listener-added",
            "proto": "tcp",
            "local_address": "0.0.0.0",
            "local_port": 443,
            "remote_address": None,
            "remote_port": None,
            "before": None,
            "after": {
                "local_address": "0.0.0.0",
                "scope": "wildcard",
                "owners": [{"program": "nginx", "pid": added[0]["after"]["owners"][0]["pid"]}],
            },
        }
    ]
    assert main(["diff", f"{web}@0", f"{web}@1"]) == 0
    table = capsys.readouterr().out
    assert "listener-removed         tcp 127.0.0.1:7000" in table


def test_cli_diff_of_a_missing_capture_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    web = str(path("web-1"))
    assert main(["diff", f"{web}@0", f"{web}@9"]) == 2
    assert f"{web}: no capture 9" in capsys.readouterr().err
