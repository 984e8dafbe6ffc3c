"""Adversarial inputs: empty, headers only, huge lines, binary, deep nesting, unknown encodings.

The small ones are files in ``fixtures/adversarial/`` (not ``*.out``, so the golden tests leave
them alone); the large ones are made here.  These tests check results, never time: the growth of
parse time is measured in ``benchmarks/pathological.py``.
"""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from test_robustness import HEADERS

import netstat_normalizer as nn
from conftest import FIXTURES
from netstat_normalizer import cli
from netstat_normalizer.io.reader import MAX_LINE, OverlongLine, open_lines, split_lines

ADVERSARIAL = sorted((FIXTURES / "adversarial").iterdir())
SS_HEADER = "State  Recv-Q Send-Q Local Address:Port  Peer Address:Port Process\n"
SS_ROW = "ESTAB  0      0      127.0.0.1:22        127.0.0.1:50000"
NETSTAT_ROW = "tcp        0      0 127.0.0.1:22            127.0.0.1:50000         ESTABLISHED"


def accounted(text: str, result: nn.ParseResult) -> None:
    """Every line counted once, one diagnostic per unparsed line, each on its own line."""
    total = len(split_lines(text))
    assert sum(result.lines.values()) == total
    assert result.lines["unparsed"] == len(result.diagnostics)
    numbers = [d.line for d in result.diagnostics]
    assert len(set(numbers)) == len(numbers) and all(1 <= n <= total for n in numbers)


def run_cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = cli.main(list(args))
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("path", ADVERSARIAL, ids=lambda p: p.name)
@pytest.mark.parametrize("dialect", ["auto", *nn.dialects()])
def test_adversarial_file_parses_or_is_undetectable(path: Path, dialect: str) -> None:
    data = path.read_bytes()
    try:
        result = nn.parse(data, dialect=dialect)
    except nn.DetectionError:
        assert dialect == "auto"
        return
    accounted(data.decode(result.encoding or "utf-8", "surrogateescape"), result)


@pytest.mark.parametrize("path", ADVERSARIAL, ids=lambda p: p.name)
def test_adversarial_file_on_the_command_line(path: Path) -> None:
    code, out, err = run_cli("parse", str(path))
    assert "Traceback" not in err
    if code == 2:
        assert "no dialect recognises" in err
        return
    unparsed = [line for line in err.splitlines() if not line.startswith("netstat-normalizer: ")]
    assert code == (1 if unparsed else 0)  # an empty file is said to be so, exit 0
    records = json.loads(out)
    if code == 0:
        assert len(records) == len(nn.parse(path.read_bytes()).records)


def test_empty_input_has_no_lines() -> None:
    for text in ("", b""):
        result = nn.parse(text)
        assert (result.records, result.diagnostics) == ([], [])
        assert result.lines == {"record": 0, "other": 0, "unparsed": 0}


@pytest.mark.parametrize("dialect", nn.dialects())
def test_headers_alone_are_other_lines(dialect: str) -> None:
    text = "\n".join(HEADERS[dialect]) + "\n"
    result = nn.parse(text, dialect=dialect)
    # a header with columns the dialect does not know adds a notice, no socket
    assert [r for r in result.records if r.kind != "notice"] == []
    assert result.lines == {"record": 0, "other": len(HEADERS[dialect]), "unparsed": 0}


def test_a_50_mb_line_is_skipped_by_the_reader() -> None:
    data = (NETSTAT_ROW + " " + "x" * 50_000_000 + "\n" + NETSTAT_ROW + "\n").encode()
    for dialect in ("auto", *nn.dialects()):
        _, lines = open_lines(io.BytesIO(data), encoding="utf-8")
        items = list(nn.iter_parse(lines, dialect))
        assert items[0] == nn.Diagnostic(
            None,
            1,
            items[0].text,
            f"line of {len(data) - len(NETSTAT_ROW) - 2} bytes, longer than {MAX_LINE}",
        )
        if dialect in ("auto", "linux-netstat"):
            assert [i.local_port for i in items[1:]] == [22]


def test_an_overlong_line_is_one_diagnostic() -> None:
    items = list(nn.iter_parse([OverlongLine("tcp 0 0", 50_000_000), NETSTAT_ROW], "linux-netstat"))
    assert [type(i).__name__ for i in items] == ["Diagnostic", "Record"]
    assert items[0].reason == f"line of 50000000 bytes, longer than {MAX_LINE}"
    assert items[1].local_port == 22


def test_a_50_mb_line_parsed_as_text_is_one_unparsed_line() -> None:
    text = NETSTAT_ROW + " " + "x" * 50_000_000 + "\n" + NETSTAT_ROW + "\n"
    result = nn.parse(text, dialect="windows-netstat")
    assert [d.line for d in result.diagnostics] == [1, 2]
    result = nn.parse(text[-2_000_000:], dialect="linux-netstat")
    assert [r.local_port for r in result.records] == [22]
    assert [d.line for d in result.diagnostics] == [1]


@pytest.mark.parametrize("dialect", ["auto", *nn.dialects()])
def test_a_line_of_100000_columns_is_one_unparsed_line(dialect: str) -> None:
    text = NETSTAT_ROW + " 0" * 100_000 + "\n" + NETSTAT_ROW + "\n"
    result = nn.parse(text, dialect=dialect)
    accounted(text, result)
    assert 1 in {d.line for d in result.diagnostics}
    if result.dialect == "linux-netstat":
        assert [r.source["line"] for r in result.records] == [2]


@pytest.mark.parametrize("field", ["users:", "skmem:", "timer:", "users:(("])
def test_deeply_nested_ss_fields_are_diagnosed(field: str) -> None:
    text = SS_HEADER + SS_ROW + " " + field + "(" * 100_000 + "\n" + SS_ROW + "\n"
    result = nn.parse(text, dialect="linux-ss")
    accounted(text, result)
    assert [d.line for d in result.diagnostics] == [2]
    assert [r.source["line"] for r in result.records] == [3]


def test_an_unknown_ss_field_keeps_its_text() -> None:
    text = SS_HEADER + SS_ROW + " bbr:" + "(" * 100_000 + "\n"
    assert nn.parse(text, dialect="linux-ss").records[0].extra == {"bbr": "(" * 100_000}


def test_random_bytes_parse_or_are_undetectable() -> None:
    data = bytes(range(256)) * 4000
    with pytest.raises(nn.DetectionError):
        nn.parse(data)
    result = nn.parse(data, dialect="linux-ss")
    accounted(data.decode(result.encoding or "utf-8", "surrogateescape"), result)
    assert result.records == []


def test_an_unknown_encoding() -> None:
    data = (NETSTAT_ROW + "\n").encode("cp500")
    with pytest.raises(nn.DetectionError):
        nn.parse(data)
    with pytest.raises(LookupError):
        nn.parse(data, encoding="klingon")
    code, out, err = run_cli("parse", "--encoding", "klingon", str(ADVERSARIAL[0]))
    assert (code, out) == (2, "") and "klingon" in err and "Traceback" not in err


# -- open issues in files of others: each test fails until its fix lands -------------------------
def test_ss_details_of_an_unparsed_row_do_not_join_the_row_above() -> None:
    text = (
        SS_HEADER
        + SS_ROW
        + "\n\t skmem:(r0,rb1)\n"
        + SS_ROW.replace(" 0 ", " x ")
        + "\n\t skmem:(r0,rb2)\n"
    )
    result = nn.parse(text, dialect="linux-ss")
    assert result.records[0].extra["skmem"] == {"r": 0, "rb": 1}


def test_ss_rate_fields_take_only_rates() -> None:
    result = nn.parse(SS_HEADER + SS_ROW + " send lastsnd:1\n", dialect="linux-ss")
    assert result.diagnostics or "send" not in result.records[0].extra


@pytest.mark.parametrize(
    ("details", "rates"),
    [  # as newer ss prints rates (%.3g, lower-case k, T) beside the older %.1fK
        (
            " cubic send 499kbps pacing_rate 999kbps delivery_rate 625kbps",
            ("499kbps", "999kbps", "625kbps"),
        ),
        (
            " bbr send 1.2Tbps pacing_rate 1e+03kbps delivery_rate 8.0Kbps",
            ("1.2Tbps", "1e+03kbps", "8.0Kbps"),
        ),
    ],
)
def test_ss_rates_as_each_release_prints_them(details: str, rates: tuple[str, ...]) -> None:
    result = nn.parse(SS_HEADER + SS_ROW + details + "\n", dialect="linux-ss")
    assert result.diagnostics == []
    extra = result.records[0].extra
    assert (extra["send"], extra["pacing_rate"], extra["delivery_rate"]) == rates


def test_a_rate_without_its_name_is_no_flag() -> None:
    result = nn.parse(SS_HEADER + SS_ROW + " bbr 67161025641bps lastsnd:2392\n", dialect="linux-ss")
    assert result.diagnostics or "67161025641bps" not in result.records[0].extra.get("flags", [])


def test_api_and_cli_count_lines_alike() -> None:
    path = FIXTURES / "adversarial" / "unicode-line-breaks.txt"
    api = nn.parse(path.read_bytes())
    _, out, _ = run_cli("parse", str(path))
    assert len(json.loads(out)) == len(api.records)


def test_undetectable_input_writes_no_output() -> None:
    code, out, _ = run_cli("parse", str(FIXTURES / "adversarial" / "random.bin"))
    assert (code, out) == (2, "[]\n")  # well-formed JSON still


def test_utf16_cut_in_a_character_is_no_decoding_error() -> None:
    with pytest.raises(nn.DetectionError):  # the one line is an undecodable byte: no dialect
        nn.parse(b"\xfe\xff\x00")


def test_a_nul_byte_makes_a_row_unparsed() -> None:
    result = nn.parse((NETSTAT_ROW.replace(":22 ", ":2\x002 ") + "\n").encode())
    assert result.records == []
