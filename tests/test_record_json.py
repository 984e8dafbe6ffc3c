"""``Record.to_json`` writes what ``json`` writes for ``to_dict()``, without building the dict."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import netstat_normalizer as nn
from conftest import case_id, command_of, fixture_cases
from netstat_normalizer.model.record import Record, _fast_json

ENCODE = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode


@pytest.mark.parametrize("case", fixture_cases(), ids=case_id)
def test_every_fixture_record_is_written_as_json_writes_it(case: Path) -> None:
    result = nn.parse(case.read_bytes(), case.parent.name, str(case), command_of(case))
    for record in result.records:
        assert _fast_json(record) == ENCODE(record.to_dict())  # the generated writer, no fallback


@pytest.mark.parametrize(
    "record",
    [
        Record("x", host='a "quoted"\\ host\n', meta={"site": "ü"}, timer={"expires_s": 1.5}),
        Record(
            "x",
            extra={"flags": ["A", "B"], "n": None},
            source={"path": "p", "member": "m", "line": 9},
        ),
        Record("x", pid=True, send_q=False),  # bools are ints json writes as words
        Record("x", recv_q="12"),  # another type than declared: json writes it
        Record("x", proto=5),
        Record("x"),  # no source
        Record("x", extra=[], timer={}),
    ],
)
def test_odd_values_are_written_as_json_writes_them(record: Record) -> None:
    assert record.to_json() == ENCODE(record.to_dict())
    assert json.loads(record.to_json()) == json.loads(ENCODE(record.to_dict()))
