"""The columnar schema, and every fixture's records through Parquet and back."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import netstat_normalizer as nn
from conftest import ROOT, case_id, fixture_cases
from netstat_normalizer.model.record import RECORD_FIELDS

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

from netstat_normalizer.sinks import columnar  # noqa: E402

TIMER_KEYS = [f.name for f in columnar.SCHEMA.field("timer").type]


def records_of(case: Path) -> list[nn.Record]:
    path = case.relative_to(ROOT).as_posix()
    return nn.parse(case.read_bytes(), dialect=case.parent.name, path=path).records


def as_record_dict(row: dict[str, Any]) -> dict[str, Any]:
    """A row read back from Parquet in ``Record.to_dict()``'s form."""
    return {**row, "meta": dict(row["meta"]), "extra": json.loads(row["extra"])}


def expected_dict(record: nn.Record) -> dict[str, Any]:
    """``record.to_dict()`` with a timer's absent optional keys (``probes``) as null."""
    data = record.to_dict()
    if data["timer"] is not None:
        data["timer"] = {**dict.fromkeys(TIMER_KEYS), **data["timer"]}
    return data


def round_trip(records: list[nn.Record], path: Path) -> Any:
    assert columnar.write_parquet(records, path) == len(records)
    table = pq.read_table(path)
    assert table.schema.equals(columnar.SCHEMA)
    assert [f.metadata for f in table.schema] == [f.metadata for f in columnar.SCHEMA]
    assert table.num_rows == len(records)
    assert [as_record_dict(row) for row in table.to_pylist()] == [expected_dict(r) for r in records]
    return table


def test_schema_follows_record_and_json_schema() -> None:
    schema = columnar.SCHEMA
    assert tuple(schema.names) == RECORD_FIELDS
    assert schema.field("local_port").type == pa.int32()
    assert schema.field("ip_version").type == pa.int32()
    assert schema.field("pid").type == pa.int64()
    assert schema.field("meta").type == pa.map_(pa.string(), pa.string())
    assert schema.field("extra").type == pa.string()
    assert b"JSON" in schema.field("extra").metadata[b"description"]
    timer = schema.field("timer").type
    assert [(f.name, f.type, f.nullable) for f in timer] == [
        ("name", pa.string(), False),
        ("expires_s", pa.float64(), True),
        ("retransmits", pa.int64(), False),
        ("probes", pa.int64(), True),
    ]
    assert [f.name for f in schema.field("source").type] == ["path", "member", "line"]
    assert not schema.field("dialect").nullable
    assert schema.field("host").nullable


@pytest.mark.parametrize("case", fixture_cases(), ids=case_id)
def test_fixture_round_trips_through_parquet(case: Path, tmp_path: Path) -> None:
    round_trip(records_of(case), tmp_path / "records.parquet")


def test_batches_bound_row_groups(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(columnar, "BATCH_ROWS", 500)
    records = [r for case in fixture_cases() for r in records_of(case)]
    path = tmp_path / "all.parquet"
    round_trip(records, path)
    assert pq.ParquetFile(path).metadata.num_row_groups == -(-len(records) // 500)
    assert columnar.to_table(iter(records)).equals(pq.read_table(path))


def test_meta_is_a_map(tmp_path: Path) -> None:
    record = records_of(ROOT / "fixtures" / "linux-ss" / "tanp.out")[0]
    record = dataclasses.replace(record, meta={"dc": "eu-1", "rack": "b7"})
    round_trip([record], tmp_path / "meta.parquet")


def test_empty_input_writes_the_schema(tmp_path: Path) -> None:
    path = tmp_path / "empty.parquet"
    assert columnar.write_parquet(iter([]), path) == 0
    table = pq.read_table(path)
    assert table.num_rows == 0
    assert table.schema.equals(columnar.SCHEMA)
    assert columnar.to_table([]).equals(columnar.SCHEMA.empty_table())


def test_package_import_does_not_load_pyarrow_or_dask() -> None:
    code = "import sys, netstat_normalizer; print(sorted({'pyarrow', 'dask'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
