"""``Record.to_json`` and the JSON writer: compact JSON (nested values by orjson, or json where
orjson refuses them), read back as what ``json`` writes for ``to_dict()``: the values, not the
bytes."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

import netstat_normalizer as nn
from conftest import ROOT, case_id, command_of, fixture_cases
from netstat_normalizer.cli import main
from netstat_normalizer.model.record import Record, _fast_json
from netstat_normalizer.sinks.json import RecordWriter, block

ENCODE = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode


def _same_json(written: str, record: Record) -> None:
    assert json.loads(written) == json.loads(ENCODE(record.to_dict()))
    assert list(json.loads(written)) == list(record.to_dict())  # keys in field order


@pytest.mark.parametrize("case", fixture_cases(), ids=case_id)
def test_every_fixture_record_reads_back_as_json_writes_it(case: Path) -> None:
    result = nn.parse(case.read_bytes(), case.parent.name, str(case), command_of(case))
    for record in result.records:
        written = _fast_json()(record)  # the generated writer, no fallback
        assert "\n" not in written and ", " not in written[:20]  # one compact line
        _same_json(written, record)


@pytest.mark.parametrize(
    "record",
    [
        Record("x", host='a "quoted"\\ host\n', meta={"site": "ü"}, timer={"expires_s": 1.5}),
        Record(
            "x",
            extra={"flags": ["A", "B"], "n": None, 7: "int key", "t": (1, 2)},
            source={"path": "p", "member": "m", "line": 9},
        ),
        Record("x", pid=True, send_q=False),  # bools stay bools
        Record("x", recv_q="12"),  # another type than declared: written as it is
        Record("x", proto=5),
        Record("x"),  # no source
        Record("x", extra=[], timer={}),
        Record("x", inode=2**70),
        Record("x", extra={"big": 2**70}),  # beyond 64 bits: orjson refuses, json writes it
        Record("x", source={"path": "caf\udce9", "member": None, "line": 1}),  # undecodable
    ],
)
def test_odd_values_read_back_as_json_writes_them(record: Record) -> None:
    _same_json(record.to_json(), record)


def test_a_lone_surrogate_is_kept_for_the_output_stream_to_handle() -> None:
    assert "caf\udce9" in Record("x", host="caf\udce9").to_json()
    assert "caf\udce9" in Record("x", extra={"path": "caf\udce9"}).to_json()


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_the_writer_writes_blocks_that_read_back_as_the_records(fmt: str) -> None:
    records = [Record("x", pid=n) for n in range(RecordWriter.BLOCK * 2 + 3)]
    records[RecordWriter.BLOCK + 1].extra = {"big": 2**70}  # one record's extra by json
    out = io.StringIO()
    writer = RecordWriter(out, fmt)
    for record in records:
        writer.write(record)
    writer.close()
    text = out.getvalue()
    read = json.loads(text) if fmt == "json" else [json.loads(x) for x in text.splitlines()]
    assert read == [json.loads(ENCODE(r.to_dict())) for r in records]
    assert text.endswith("\n")


ODD_RECORDS = [
    Record("x", host='a "quoted"\\ host\n', meta={"site": "ü"}, timer={"expires_s": 1.5}),
    Record("x", extra={"flags": ["A", "B"], "n": None, 7: "int key", "t": (1, 2)}),
    Record("x", pid=True, send_q=False, recv_q="12", proto=5),
    Record("x", extra={"rows": [{"a": 1}, {"dialect": "y"}]}),  # looks like a record boundary
    Record("x", extra={"text": '},{"dialect":'}),
    Record("x", inode=2**70),
    Record("x", source={"path": "caf\udce9", "member": None, "line": 1}),
    Record("x", host="\x1b]0;title\x07\u2028"),
]


@pytest.mark.parametrize("odd", range(len(ODD_RECORDS)))
def test_a_block_with_an_odd_record_reads_back_as_its_records(odd: int) -> None:
    records = [Record("x", pid=1), ODD_RECORDS[odd], Record("x", pid=2)]
    written = block(records, "\n").split("\n")
    assert len(written) == 3
    for line, record in zip(written, records):
        _same_json(line, record)


def test_an_attribute_that_is_no_field_is_not_written() -> None:
    """orjson writes a record's ``__dict__``: a block holding a record given another attribute
    (Record has no ``__slots__``) is written by ``to_json``, the fields alone."""
    records = [Record("x", pid=1), Record("x", pid=2)]
    records[1].note = "mine"  # type: ignore[attr-defined]
    written = block(records, "\n").split("\n")
    assert [json.loads(line)["pid"] for line in written] == [1, 2]
    assert "note" not in written[1] and written[1] == records[1].to_json()


@pytest.mark.parametrize("case", fixture_cases(), ids=case_id)
def test_blocks_are_written_as_record_by_record(case: Path) -> None:
    """orjson's blocks are byte for byte what ``Record.to_json`` writes, on every fixture."""
    result = nn.parse(case.read_bytes(), case.parent.name, str(case), command_of(case))
    expected = ",\n".join(record.to_json() for record in result.records)
    assert block(result.records, ",\n") == expected


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
@pytest.mark.parametrize("encoding", ["utf-8", "UTF8", "latin-1"])
def test_a_utf8_stream_gets_the_same_bytes_through_its_buffer(fmt: str, encoding: str) -> None:
    """Blocks go to the binary buffer of a UTF-8 stream, in order with what is written as text
    (a block written record by record, the array's brackets)."""
    records = [Record("x", pid=n, host="hôte") for n in range(RecordWriter.BLOCK * 2 + 3)]
    records[RecordWriter.BLOCK + 1].extra = {"big": 2**70}  # this block by to_json, as text
    raw = io.BytesIO()
    out = io.TextIOWrapper(raw, encoding=encoding)
    text = io.StringIO()
    for stream in (out, text):
        writer = RecordWriter(stream, fmt)
        assert (writer.raw is not None) is (stream is out and encoding != "latin-1")
        for record in records:
            writer.write(record)
        writer.close()
    out.flush()
    assert raw.getvalue().decode(encoding) == text.getvalue()


def test_an_empty_json_array() -> None:
    out = io.StringIO()
    RecordWriter(out, "json").close()
    assert json.loads(out.getvalue()) == []


@pytest.mark.parametrize("case", fixture_cases(), ids=case_id)
@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_the_cli_writes_every_fixture_as_its_golden_records(
    case: Path, fmt: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    args = ["parse", "--format", fmt, "--jobs", "1", "--dialect", case.parent.name]
    command = command_of(case)
    args += [] if command is None else ["--command", command]
    main([*args, case.relative_to(ROOT).as_posix()])
    out = capsys.readouterr().out
    read = json.loads(out) if fmt == "json" else [json.loads(x) for x in out.splitlines()]
    assert read == json.loads(case.with_suffix(".json").read_text("utf-8"))["records"]
