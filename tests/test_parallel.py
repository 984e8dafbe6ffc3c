"""``parse --jobs``: several files, or a big one in chunks, give one process's output exactly."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from conftest import FIXTURES
from netstat_normalizer import cli
from netstat_normalizer.batch import inputs, parallel
from netstat_normalizer.io.decode import decode
from netstat_normalizer.options import ParseOptions

BIG = {  # fixture: why it is a hard case for cutting
    "linux-netstat/antp.out": "plain rows",
    "linux-ss/tan.out": "TCP learnt from the first TCP-only state (no Netid column, no hint)",
    "linux-ss/taniepm.out": "rows with indented continuation lines",
    "windows-netstat/anob.out": "rows with owner lines below them",
    "freebsd-netstat/an.out": "dot-port addresses",
    "macos-netstat/anv.out": "wide macOS rows",
    "solaris-netstat/an-P-tcp.out": "Solaris TCP table",
}


def _repeated(fixture: str, copies: int) -> str:
    """The capture's lines up to its last row's, then its rows and their continuations repeated:
    one table, many rows."""
    text = decode((FIXTURES / fixture).read_bytes())[0]
    lines = text.splitlines()
    title = next(i for i, line in enumerate(lines) if line.strip())
    body = [line for line in lines[title + 2 :] if line.strip()]
    return "\n".join(lines[: title + 2] + body * copies) + "\n"


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = cli.main(argv)
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize("fixture", sorted(BIG), ids=lambda f: f.split(".")[0])
@pytest.mark.parametrize("fmt", ["jsonl", "json"])
def test_a_big_file_in_chunks_gives_one_process_output(
    fixture: str, fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    path = tmp_path / "big.txt"
    path.write_text(_repeated(fixture, 60), encoding="utf-8")
    monkeypatch.setattr(inputs, "CHUNK_BYTES", 4096)
    plan = parallel._plan(str(path), ParseOptions(), jobs=2)
    one = _run(["parse", "--jobs", "1", "--format", fmt, str(path)], capsys)
    two = _run(["parse", "--jobs", "2", "--format", fmt, str(path)], capsys)
    assert two == one
    assert len(plan) > 2, "the file is cut"
    assert [t.first for t in plan] == sorted({t.first for t in plan})
    assert parallel._consistent([parallel._run((task, str(tmp_path))) for task in plan])


def test_chunks_of_different_tables_fall_back_to_one_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    path = tmp_path / "tables.txt"
    path.write_text(_repeated("solaris-netstat/an.out", 30), encoding="utf-8")
    monkeypatch.setattr(inputs, "CHUNK_BYTES", 4096)
    plan = parallel._plan(str(path), ParseOptions(), jobs=2)
    assert not parallel._consistent([parallel._run((task, str(tmp_path))) for task in plan])
    one = _run(["parse", "--jobs", "1", "--format", "jsonl", str(path)], capsys)
    assert _run(["parse", "--jobs", "2", "--format", "jsonl", str(path)], capsys) == one


def test_chunks_meeting_a_capture_fall_back_to_one_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    """A log of repeated captures: each chunk meets the next capture's title, so the file is
    parsed again in one piece (captures numbered from the file's start)."""
    capture = decode((FIXTURES / "linux-netstat/antp.out").read_bytes())[0]
    path = tmp_path / "log.txt"
    path.write_text(capture * 40, encoding="utf-8")
    monkeypatch.setattr(inputs, "CHUNK_BYTES", 4096)
    one = _run(["parse", "--jobs", "1", "--format", "jsonl", str(path)], capsys)
    two = _run(["parse", "--jobs", "2", "--format", "jsonl", str(path)], capsys)
    assert two == one
    assert '"capture":39' in one[1]


def test_several_files_side_by_side_in_order(tmp_path: Path, capsys) -> None:
    paths = []
    for i, fixture in enumerate(sorted(BIG)):
        path = tmp_path / f"{i}.txt"
        path.write_bytes((FIXTURES / fixture).read_bytes())
        paths.append(str(path))
    bad = tmp_path / "bad.txt"
    bad.write_text(_repeated("linux-ss/tan.out", 1) + "garbage here\n", encoding="utf-8")
    paths.append(str(bad))
    one = _run(["parse", "--jobs", "1", "--format", "json", *paths], capsys)
    two = _run(["parse", "--jobs", "2", "--format", "json", *paths], capsys)
    assert two == one
    assert one[0] == 1 and "bad.txt" in one[2] and "garbage here" in one[2]


def test_strict_and_stdin_stay_in_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    args = cli._parser().parse_args(["parse", "--jobs", "2", "--strict", "a", "b"])
    assert not cli.parse.in_parallel(args)
    args = cli._parser().parse_args(["parse", "--jobs", "2", "-", "b"])
    assert not cli.parse.in_parallel(args)
    monkeypatch.setattr(inputs, "CHUNK_BYTES", 1)
    args = cli._parser().parse_args(["parse", "--jobs", "2", str(FIXTURES / "linux-ss/tan.out")])
    assert cli.parse.in_parallel(args)


def test_concatenation_writes_a_json_array(tmp_path: Path) -> None:
    records = tmp_path / "r.jsonl"
    records.write_text('{"a": 1}\n{"a": 2}\n')
    problems = tmp_path / "d.txt"
    problems.write_text("")
    out = io.StringIO()
    joined = parallel._Concatenation(out, "json")
    joined.copy(parallel.Outcome(str(records), str(problems), status=0))
    joined.close()
    assert out.getvalue() == '[\n{"a": 1},\n{"a": 2}\n]\n'
