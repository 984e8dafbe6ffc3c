"""``timeline``: connections followed over the real fleet captures and over made-up ones."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest

from fleet import HOSTS, done, path, records, times
from netstat_normalizer.analysis.timeline import OutOfOrder, Timeline
from netstat_normalizer.analysis.transitions import possible
from netstat_normalizer.cli import main
from netstat_normalizer.model.record import Record


def run(*hosts: str, config: dict[str, dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    return list(Timeline(config).run(r for host in hosts for r in records(host)))


def test_each_close_wait_connection_has_its_age_bounds() -> None:
    items = run("web-1")
    at = times("web-1")
    waiting = {
        c["remote_port"]: c
        for c in items
        if c["type"] == "connection" and c["states"][-1] == "CLOSE-WAIT"
    }
    closed = {
        capture: [p for e in done("web-1", capture, "client-closed") for p in e["ports"]]
        for capture in range(len(at))
    }
    assert sorted(waiting) == sorted(p for ports in closed.values() for p in ports)
    for capture, ports in closed.items():
        for port in ports:
            c = waiting[port]
            assert c["local_port"] == 8080 and c["program"] == "app"
            assert datetime.fromisoformat(c["entered"][-1]).timestamp() == at[capture]
            assert c["last_capture"] == len(at) - 1 and c["ended"] is None
            assert c["age_s"]["lower"] == at[-1] - at[c["first_capture"]]
            upper = at[-1] - at[c["first_capture"] - 1] if c["first_capture"] else None
            assert c["age_s"]["upper"] == upper
    first = waiting[closed[0][0]]
    assert first["age_s"] == {"lower": at[-1] - at[0], "upper": None}
    late = waiting[closed[3][0]]  # connected and closed just before capture 3
    assert (late["first_capture"], late["states"]) == (3, ["CLOSE-WAIT"])
    assert late["age_s"] == {"lower": at[4] - at[3], "upper": at[4] - at[2]}


def test_a_tuple_reused_after_time_wait_is_a_new_connection() -> None:
    port80 = [
        c
        for c in run("web-1")
        if c["type"] == "connection" and (c["local_port"], c["remote_port"]) == (80, 40000)
    ]
    assert [(c["states"], c["ended"], c["reuses"]) for c in port80] == [
        (["ESTABLISHED", "TIME-WAIT"], "reused", None),
        (["ESTABLISHED"], None, "TIME-WAIT"),
    ]
    assert [(c["first_capture"], c["last_capture"]) for c in port80] == [(0, 1), (2, 4)]


def test_every_connection_moves_as_rfc_9293_allows() -> None:
    connections = [c for c in run(*HOSTS) if c["type"] == "connection"]
    assert len(connections) > 50
    for c in connections:
        assert all(possible(a, b) for a, b in zip(c["states"], c["states"][1:]))
        assert c["captures"] == c["last_capture"] - c["first_capture"] + 1


def test_counts_per_capture_equal_the_records() -> None:
    counts = [i for i in run("db-1") if i["type"] == "counts"]
    assert [c["capture"] for c in counts] == list(range(len(times("db-1"))))
    for row in counts:
        states = [r.state for r in records("db-1") if r.capture == row["capture"]]
        assert row["states"] == {s: states.count(s) for s in sorted(set(states))}


def test_rules_over_time_fire_on_the_troubled_hosts_only() -> None:
    found = {(f["host"], f["rule"]): f for f in run(*HOSTS) if f["type"] == "finding"}
    assert sorted(found) == [
        ("db-1", "close-wait-leak"),
        ("db-1", "fin-wait-2-stale"),
        ("web-1", "close-wait-leak"),
        ("web-1", "listener-flap"),
    ]
    leak = found["web-1", "close-wait-leak"]
    assert (leak["subject"], leak["value"]) == (
        "local port 8080 (app)",
        len(done("web-1", 0, "client-closed")[0]["ports"]),
    )
    assert leak["slope_per_min"] > 0
    at = times("web-1")
    assert leak["detail"] == {"min_span_s": 120, "oldest_s": at[-1] - at[0]}
    assert found["db-1", "close-wait-leak"]["slope_per_min"] == 0
    flap = found["web-1", "listener-flap"]
    assert (flap["subject"], flap["value"]) == ("tcp 127.0.0.1:7000", 3)
    stale = found["db-1", "fin-wait-2-stale"]  # db-1 runs with tcp_fin_timeout = 300
    assert stale["value"] == 1 and stale["evidence"][0]["remote"] == "127.0.0.1:8125"
    assert stale["detail"]["tcp_fin_timeout_s"] == 60 and stale["detail"]["longest_s"] > 60


def test_thresholds_are_settings() -> None:
    config = {"close-wait-leak": {"min_span_s": 60}, "listener-flap": {"changes": 4}}
    found = {
        (f["host"], f["rule"]): f for f in run("web-1", config=config) if f["type"] == "finding"
    }
    assert sorted(found) == [("web-1", "close-wait-leak")]
    assert found["web-1", "close-wait-leak"]["value"] == 4  # CLOSE-WAIT for 96 s counts now


def _row(capture: int, state: str, remote_port: int, when: str | None) -> Record:
    return Record(
        "linux-ss",
        capture=capture,
        host="h",
        captured_at=when,
        proto="tcp",
        local_address="10.0.0.1",
        local_port=443,
        remote_address="10.0.0.2",
        remote_port=remote_port,
        state=state,
    )


def test_skipped_states_are_one_connection_an_impossible_step_two() -> None:
    rows = [
        _row(0, "SYN-RECEIVED", 5000, "2024-01-01T00:00:00+00:00"),
        _row(1, "TIME-WAIT", 5000, "2024-01-01T00:01:00+00:00"),
        _row(2, "SYN-RECEIVED", 5000, "2024-01-01T00:02:00+00:00"),
    ]
    connections = [i for i in Timeline().run(rows) if i["type"] == "connection"]
    assert [(c["states"], c["reuses"], c["age_s"]) for c in connections] == [
        (["SYN-RECEIVED", "TIME-WAIT"], None, {"lower": 60.0, "upper": None}),
        (["SYN-RECEIVED"], "TIME-WAIT", {"lower": 0.0, "upper": 60.0}),
    ]


def test_without_times_ages_are_unknown_and_captures_still_count() -> None:
    rows = [_row(n, "CLOSE-WAIT", 5000, None) for n in range(3)]
    items = list(Timeline().run(rows))
    (c,) = [i for i in items if i["type"] == "connection"]
    assert (c["captures"], c["age_s"]) == (3, {"lower": None, "upper": None})
    assert c["first_seen"] == "<stdin>@0"
    assert not [i for i in items if i["type"] == "finding"]


def test_memory_holds_only_the_latest_capture() -> None:
    def churn() -> Any:  # each capture: 50 connections, half of them new
        for n in range(40):
            for k in range(50):
                yield _row(n, "ESTABLISHED", 1000 + n * 25 + k, None)

    timeline = Timeline()
    ended = 0
    for item in timeline.run(churn()):
        if item["type"] == "connection" and item["ended"] == "gone":
            ended += 1
            assert len(timeline.hosts["h"].active) <= 75
    assert ended == 39 * 25


def test_cli_timeline_formats(capsys: pytest.CaptureFixture[str]) -> None:
    files = [str(path(h)) for h in HOSTS]
    assert main(["timeline", *files, "--format", "jsonl"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert {line["type"] for line in lines} == {"connection", "counts", "finding"}
    assert main(["timeline", *files, "--format", "json", "--set", "listener-flap.changes=9"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert sorted(out) == ["connections", "counts", "findings"]
    assert len(out["connections"]) == sum(line["type"] == "connection" for line in lines)
    assert "listener-flap" not in {f["rule"] for f in out["findings"]}
    assert main(["timeline", files[0], "--set", "nope.x=1"]) == 2
    assert "--set wants RULE.KEY=VALUE" in capsys.readouterr().err


def test_captures_out_of_time_order_are_refused(tmp_path: Any) -> None:
    rows = [_row(1, "ESTABLISHED", 5000, "2024-01-01T00:01:00+00:00")]
    rows.append(_row(2, "ESTABLISHED", 5000, "2024-01-01T00:00:00+00:00"))
    with pytest.raises(OutOfOrder, match=r"h: capture <stdin>@2 .* is older than the one before"):
        list(Timeline().run(rows))
    text = path("web-1").read_text("utf-8").split("=== web-1 ")
    later, earlier = tmp_path / "later.txt", tmp_path / "earlier.txt"
    later.write_text("=== web-1 " + text[2])
    earlier.write_text("=== web-1 " + text[1])
    assert main(["timeline", str(later), str(earlier)]) == 2
