"""``summarize`` and ``summary``: counts equal the kernel's, listeners, inbound and outbound,
TIME-WAIT per destination, --by, --where, the formats and OpenMetrics read back."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from prometheus_client.openmetrics.parser import text_string_to_metric_families

import netstat_normalizer as nn
from conftest import FIXTURES
from netstat_normalizer.analysis.openmetrics import openmetrics
from netstat_normalizer.analysis.summary import summarize
from scenario import FILES, MARKER, PILES, kernel_counts, scenario_records

TANP = FIXTURES / "linux-ss" / "tanp.out"


def tanp_records() -> list[nn.Record]:
    return nn.parse(TANP.read_text(), "linux-ss", path=str(TANP), command="ss -tanp").records


@pytest.mark.parametrize("name", FILES)
def test_counts_equal_the_kernels(name: str) -> None:
    summaries = list(summarize(scenario_records(name)))
    counts = kernel_counts()
    assert [s["capture"] for s in summaries] == list(range(len(counts))) == [0, 1, 2, 3]
    for summary, kernel in zip(summaries, counts, strict=True):
        assert kernel["before"] == kernel["after"]  # nothing moved while ss ran
        expected = {state: n for state, n in kernel["after"].items() if n}
        assert summary["states"] == expected
        assert summary["records"] == sum(expected.values())
        assert summary["host"] == "scenario"
        assert summary["captured_at"].startswith("20")


def test_scenario_summary_of_the_piles() -> None:
    healthy, piles, *_ = summarize(scenario_records("ss-tanp.txt.gz"), top=3)
    assert healthy["states_raw"] == {"ESTAB": 10, "LISTEN": 1}
    assert healthy["inbound"] == {"count": 5, "states": {"ESTABLISHED": 5}}
    assert healthy["outbound"] == {"count": 5, "states": {"ESTABLISHED": 5}}
    (web,) = healthy["listeners"]
    assert (web["address"], web["port"], web["scope"], web["program"]) == (
        "0.0.0.0",
        8080,
        "wildcard",
        "web-server",
    )
    listeners = {li["port"]: li for li in piles["listeners"]}
    assert listeners[9000]["connections"] == {"CLOSE-WAIT": 150}
    assert listeners[9000]["program"] == "cw-server"
    assert listeners[9100]["connections"] == {"SYN-RECEIVED": 120}
    assert (listeners[9200]["queue"], listeners[9200]["backlog"]) == (3, 2)
    assert listeners[9300]["connections"] == {}  # every connection to it was closed
    assert piles["outbound"]["states"]["TIME-WAIT"] == 3000
    assert piles["outbound"]["states"]["SYN-SENT"] == 27
    assert piles["outbound"]["states"]["FIN-WAIT-2"] == 150
    assert piles["top"]["peers"] == [{"address": "127.0.0.1", "count": 3583}]
    assert piles["top"]["remote_ports"][0] == {"port": 9300, "count": 3000}
    tw = piles["time_wait"]
    assert tw["count"] == 3000
    assert tw["ephemeral_range"] == {"os": "linux", "first": 32768, "last": 60999, "ports": 28232}
    assert tw["destinations"] == [
        {"remote_address": "127.0.0.1", "remote_port": 9300, "count": 3000, "share": 0.1063}
    ]


def test_where_is_exact_and_takes_any_state_spelling() -> None:
    records = tanp_records()
    (only,) = summarize(records, where=["local_port=80"])
    assert [li["port"] for li in only["listeners"]] == [80]
    assert only["records"] == 2  # the listener and its one connection, not :8080's
    spellings = [
        next(summarize(records, where=[f"state={w}"]))["states"]
        for w in ("time_wait", "TIME-WAIT", "TimeWait", "06")
    ]
    assert spellings == [{"TIME-WAIT": 3}] * 4
    (both,) = summarize(records, where=["state=fin_wait1", "remote_port=7003"])
    assert both["states"] == {"FIN-WAIT-1": 3}
    assert list(summarize(records, where=["pid=1"])) == []
    with pytest.raises(ValueError, match="wants a number"):
        list(summarize(records, where=["local_port=http"]))
    with pytest.raises(nn.NetstatNormalizerError, match="Unknown field 'colour'"):
        list(summarize(records, where=["colour=red"]))


def test_by_groups_and_counts_every_record() -> None:
    records = scenario_records("ss-tanp.txt.gz")
    groups = list(summarize(records, by=["capture", "state"]))
    assert sum(g["count"] for g in groups) == len(records)
    assert groups[0] == {
        "capture": 1,
        "state": "TIME-WAIT",
        "count": 3000,
        "states": {"TIME-WAIT": 3000},
    }
    by_program = {
        g["program"]: g["count"]
        for g in summarize(records, by=["program"], where=["capture=1", "state=LISTEN"])
    }
    assert by_program == {
        "web-server": 1,
        "cw-server": 1,
        "synrecv-server": 1,
        "backlog-server": 1,
        "tw-server": 1,
    }


def test_openmetrics_reads_back_with_timestamps_for_archived_captures() -> None:
    text = "".join(openmetrics(summarize(scenario_records("ss-tanp.txt.gz"))))
    assert text.endswith("# EOF\n")
    (family,) = text_string_to_metric_families(text)
    assert family.name == "node_tcp_connection_states"
    assert family.type == "gauge"
    samples = family.samples
    assert len(samples) == 4 * 11
    assert {s.labels["host"] for s in samples} == {"scenario"}
    assert all(s.timestamp is not None for s in samples)
    series = {}
    for s in samples:
        series.setdefault(s.labels["state"], []).append(s.value)
    assert series["time_wait"] == [0, 3000, 3000, 3000]
    assert series["syn_recv"] == [0, 120, 120, 64]
    assert series["established"] == [10, 136, 136, 136]
    assert series["close"] == [0, 0, 0, 0]


def test_openmetrics_without_timestamps_for_a_live_capture() -> None:
    records = tanp_records()
    for record in records:
        record.host = "web-1"
    text = "".join(openmetrics(summarize(records)))
    (family,) = text_string_to_metric_families(text)
    assert all(s.timestamp is None for s in family.samples)
    values = {s.labels["state"]: s.value for s in family.samples}
    assert values["listen"] == 15
    assert values["established"] == 24
    assert values["syn_recv"] == 1
    assert text.count("\n") == 2 + 11 + 1


def cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "netstat_normalizer", *args]
    return subprocess.run(command, input=stdin, capture_output=True, text=True, check=False)


def unzipped(tmp_path: Path, name: str) -> str:
    import gzip

    target = tmp_path / name.removesuffix(".gz")
    target.write_bytes(gzip.decompress((PILES / name).read_bytes()))
    return str(target)


def test_cli_summary_json_equals_the_library(tmp_path: Path) -> None:
    path = unzipped(tmp_path, "netstat-antp.txt.gz")
    done = cli("summary", "--format", "json", "--capture-marker", MARKER, path)
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout)
    assert [s["states"] for s in got] == [
        {state: n for state, n in k["after"].items() if n} for k in kernel_counts()
    ]


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_cli_summary_reads_its_own_json_output(tmp_path: Path, fmt: str) -> None:
    path = unzipped(tmp_path, "ss-tanp.txt.gz")
    parsed = cli("parse", "--jobs", "1", "--format", fmt, "--capture-marker", MARKER, path)
    assert parsed.returncode == 0, parsed.stderr
    again = cli("summary", "--format", "json", "-", stdin=parsed.stdout)
    direct = cli("summary", "--format", "json", "--capture-marker", MARKER, path)
    assert again.returncode == direct.returncode == 0, again.stderr
    assert json.loads(again.stdout) == json.loads(direct.stdout)


def test_cli_summary_csv_table_and_by() -> None:
    done = cli("summary", "--format", "csv", str(TANP), "--command", "ss -tanp")
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert {r["state"]: int(r["count"]) for r in rows}["ESTABLISHED"] == 24
    assert {r["path"] for r in rows} == {str(TANP)}
    done = cli("summary", "--by", "state", "--where", "local_port=22", str(TANP))
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[0].split() == ["2", "state=CLOSE-WAIT", "CLOSE-WAIT", "2"]
    done = cli("summary", str(TANP), "--top", "2")
    assert "127.0.0.1:3306" in done.stdout and "queue 2/1" in done.stdout
    assert "TIME-WAIT: 3 (ephemeral range 32768-60999: 28232 ports)" in done.stdout


def test_cli_summary_usage_errors() -> None:
    assert cli("summary", "--where", "nofield=1", str(TANP)).returncode == 2
    assert cli("summary", "--where", "local_port", str(TANP)).returncode == 2
    assert cli("summary", "--by", "nofield", str(TANP)).returncode == 2


def test_cli_summary_reports_unparsed_lines(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"dialect": "linux-ss", "state": "LISTEN"}\n{"oops"\n')
    done = cli("summary", "--format", "json", str(path))
    assert done.returncode == 1
    assert f"{path}:2: not a JSON record" in done.stderr
    assert json.loads(done.stdout)[0]["states"] == {"LISTEN": 1}


def test_cli_summary_reads_parquet(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    from netstat_normalizer.sinks.columnar import write_parquet

    records = scenario_records("netstat-antp.txt.gz")
    write_parquet(records, tmp_path / "antp.parquet")
    done = cli("summary", "--format", "json", str(tmp_path / "antp.parquet"))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == list(summarize(records))


def test_cli_openmetrics_host_of_a_live_capture_from_meta() -> None:
    parsed = cli("parse", "--format", "jsonl", "--command", "ss -tanp", str(TANP))
    lines = [json.loads(line) for line in parsed.stdout.splitlines()]
    for line in lines:
        line["source"]["path"] = "<ss -tanp>"  # as `capture` names its source
    live = "".join(json.dumps(line) + "\n" for line in lines)
    done = cli("summary", "--format", "openmetrics", "-", stdin=live)
    (family,) = text_string_to_metric_families(done.stdout)
    assert {s.labels["host"] for s in family.samples} == {""}
    done = cli("summary", "--format", "openmetrics", "--meta", "host=web-7", "-", stdin=live)
    (family,) = text_string_to_metric_families(done.stdout)
    assert {s.labels["host"] for s in family.samples} == {"web-7"}
    assert all(s.timestamp is None for s in family.samples)


def test_by_and_where_reach_into_source_and_meta() -> None:
    records = tanp_records()
    for record in records:
        record.meta = {"site": "paris"}
    (group,) = summarize(records, by=["source.path", "meta.site"], where=["state=listen"])
    assert group == {
        "source.path": str(TANP),
        "meta.site": "paris",
        "count": 15,
        "states": {"LISTEN": 15},
    }
    (line,) = summarize(records, where=["source.line=11"])
    assert line["listeners"][0]["port"] == 3306


def test_cli_summary_reads_what_parse_reads(tmp_path: Path) -> None:
    import tarfile

    archive = tmp_path / "fleet.tgz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(TANP, arcname="web-1/ss.txt")
    done = cli("summary", "--format", "json", str(PILES / "ss-tanp.txt.gz"), str(archive))
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout)
    members = [(s["source"]["member"], s["capture"], s["host"]) for s in got]
    assert members == [*((None, n, "scenario") for n in range(4)), ("web-1/ss.txt", 0, None)]
    assert got[4]["states"]["ESTABLISHED"] == 24  # markers split captures without an option
    done = cli("summary", "--format", "csv", str(tmp_path / "missing.txt"), str(TANP))
    assert done.returncode == 2
    assert "missing.txt: cannot read" in done.stderr
    assert "ESTABLISHED,24" in done.stdout
