"""The analysis commands read the project's own Parquet output as they read text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fleet import HOSTS, records
from netstat_normalizer.analysis.timeline import Timeline

pytest.importorskip("pyarrow")
from netstat_normalizer.analysis.columns import read_records, state_counts
from netstat_normalizer.cli import main
from netstat_normalizer.sinks.columnar import write_parquet


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("parquet")
    for host in HOSTS:
        write_parquet(records(host), out / f"{host}.parquet")
    return out


def test_timeline_from_parquet_equals_timeline_from_text(folder: Path) -> None:
    from_text = list(Timeline().run(r for host in HOSTS for r in records(host)))
    from_parquet = list(Timeline().run(read_records([str(folder)])))
    assert from_parquet == from_text
    assert any(item["type"] == "finding" for item in from_parquet)


def test_state_counts_by_arrow_equal_the_timeline_counts(folder: Path) -> None:
    counts = [i for i in Timeline().run(read_records([str(folder)])) if i["type"] == "counts"]
    by_arrow = state_counts([str(folder)])
    assert [(c["host"], c["capture"], c["states"]) for c in by_arrow] == [
        (c["host"], c["capture"], c["states"]) for c in counts
    ]


def test_cli_diff_reads_a_parquet_file(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    web = folder / "web-1.parquet"
    assert main(["diff", f"{web}@0", f"{web}@1", "--format", "json"]) == 0
    events = json.loads(capsys.readouterr().out)["events"]
    listeners = {(e["event"], e["local_port"]) for e in events if e["event"].startswith("list")}
    assert listeners == {("listener-added", 443), ("listener-removed", 7000)}
