"""Files holding several captures: repeated captures, marker lines, mixed dialects."""

from __future__ import annotations

from itertools import permutations
from pathlib import Path

import pytest

from conftest import case_id, command_of, fixture_cases
from netstat_normalizer import DetectionError, iter_parse, parse
from netstat_normalizer.dialects import DIALECTS
from netstat_normalizer.engine.captures import iso_time
from netstat_normalizer.io.decode import decode

MARKER = r"^=== (?P<host>\S+) (?P<time>.+) ===$"
_CAPTURE_FIELDS = ("capture", "host", "captured_at", "meta", "source")


def _text(case: Path) -> str:
    text = decode(case.read_bytes())[0]
    return text if text.endswith("\n") else text + "\n"


def _opens(case: Path) -> bool:
    """Whether the capture's first line is a title, header or warning, which can split it."""
    parser = DIALECTS[case.parent.name](None)
    first = next(line for line in _text(case).splitlines() if line.strip())
    for section in parser.sections:
        found = parser.lines.match(first, section)
        if found is not None:
            return found[0].endswith(("title", "header", "warning"))
    return False


def _clean(case: Path) -> bool:
    result = parse(_text(case), case.parent.name, command=command_of(case))
    return bool(result.records) and not result.diagnostics


def _values(records: list) -> list[dict]:
    return [{k: v for k, v in r.to_dict().items() if k not in _CAPTURE_FIELDS} for r in records]


# a dialect whose titles and headers recur within a capture (OpenBSD) is split by markers only
REPEATABLE = [
    c for c in fixture_cases() if _opens(c) and _clean(c) and not DIALECTS[c.parent.name].repeats
]
ONE_PER_DIALECT = {c.parent.name: c for c in reversed(REPEATABLE)}


@pytest.mark.parametrize("case", REPEATABLE, ids=case_id)
def test_a_capture_repeated_is_split_at_its_opening_line(case: Path) -> None:
    text = _text(case)
    single = parse(text, case.parent.name, command=command_of(case))
    result = parse(text * 3, case.parent.name, command=command_of(case))
    n = len(single.records)
    assert [r.capture for r in result.records] == [0] * n + [1] * n + [2] * n
    assert _values(result.records) == _values(single.records) * 3
    lines = len(text.splitlines())
    assert [r.source["line"] for r in result.records[n:]] == [
        r.source["line"] + lines * k for k in (1, 2) for r in single.records
    ]
    assert sum(result.lines.values()) == 3 * lines


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (a, b)
        for a, b in permutations(sorted(ONE_PER_DIALECT), 2)
        if (DIALECTS[a].kin or a) != (DIALECTS[b].kin or b)  # FreeBSD and macOS need markers
        # NetBSD and AIX print Linux's title word for word (NetBSD its IPv4 header too): a
        # short capture of theirs before a long Linux one, detected as Linux, leaves its title
        # in an empty first capture; markers separate them
        and not ({a, b} & {"netbsd-netstat", "aix-netstat"} and "linux-netstat" in (a, b))
    ],
)
def test_captures_of_two_dialects_follow_each_other(first: str, second: str) -> None:
    one, two = ONE_PER_DIALECT[first], ONE_PER_DIALECT[second]
    text = _text(one) + _text(two)
    result = parse(text)
    before, after = parse(_text(one)).records, parse(_text(two)).records
    assert not result.diagnostics
    assert [r.capture for r in result.records] == [0] * len(before) + [1] * len(after)
    assert _values(result.records) == _values(before + after)
    assert sum(result.lines.values()) == len(text.splitlines())


def test_markers_label_captures_of_any_dialect() -> None:
    cases = list(ONE_PER_DIALECT.values())
    times = ["2024-03-01T10:00:00Z", "Fri Mar  1 10:05:00 UTC 2024", "1709287500"]
    text = "".join(
        f"=== host-{i} {times[i % 3]} ===\n" + _text(case) for i, case in enumerate(cases)
    )
    accounting: dict[str, int] = {}
    items = list(
        iter_parse(text.splitlines(), marker=MARKER, meta={"site": "eu-1"}, accounting=accounting)
    )
    assert all(hasattr(i, "capture") for i in items), [
        i for i in items if not hasattr(i, "capture")
    ]
    for i, case in enumerate(cases):
        records = [r for r in items if r.capture == i]
        assert _values(records) == _values(parse(_text(case)).records)
        assert {r.host for r in records} == {f"host-{i}"}
        assert {r.dialect for r in records} == {case.parent.name}
    assert {r.captured_at for r in items} == {
        "2024-03-01T10:00:00+00:00",
        "2024-03-01T10:05:00+00:00",
    }
    assert all(r.meta == {"site": "eu-1"} for r in items)
    assert sum(accounting.values()) == len(text.splitlines())
    assert accounting["other"] >= len(cases)


def test_marker_host_wins_over_host_and_meta() -> None:
    capture = _text(ONE_PER_DIALECT["linux-ss"])
    text = capture + "=== web-9 2024-03-01T10:00:00Z ===\n" + capture
    records = list(
        iter_parse(
            text.splitlines(),
            marker=MARKER,
            host="from-path",
            meta={"host": "from-meta", "captured_at": "2020-01-01T00:00:00"},
        )
    )
    first = [r for r in records if r.capture == 0]
    second = [r for r in records if r.capture == 1]
    assert {(r.host, r.captured_at) for r in first} == {("from-path", "2020-01-01T00:00:00")}
    assert {(r.host, r.captured_at) for r in second} == {("web-9", "2024-03-01T10:00:00+00:00")}
    assert all(r.meta == {} for r in records)


def test_a_bad_marker_time_and_an_unknown_capture_are_diagnostics() -> None:
    good = _text(ONE_PER_DIALECT["linux-netstat"])
    text = good + "=== db someday ===\nthis is no netstat\n\n=== db 1709287500 ===\n" + good
    accounting: dict[str, int] = {}
    items = list(iter_parse(text.splitlines(), marker=MARKER, accounting=accounting))
    problems = [(i.line, i.reason) for i in items if not hasattr(i, "capture")]
    at = len(good.splitlines()) + 1
    assert problems == [
        (at, "capture marker time 'someday' is not a recognised time"),
        (at + 1, "no dialect recognises this capture"),
    ]
    assert sorted({r.capture for r in items if hasattr(r, "capture")}) == [0, 2]
    assert sum(accounting.values()) == len(text.splitlines())


def test_an_unknown_first_capture_without_markers_is_a_detection_error() -> None:
    with pytest.raises(DetectionError):
        parse("this is no netstat\nnor this\n")


def test_a_blank_text_has_no_dialect() -> None:
    result = parse("\n\n")
    assert (result.dialect, result.records, result.lines["other"]) == (None, [], 2)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-01T10:00:00Z", "2024-03-01T10:00:00+00:00"),
        ("2024-03-01 10:00:00", "2024-03-01T10:00:00"),
        ("Fri, 01 Mar 2024 10:00:00 +0100", "2024-03-01T10:00:00+01:00"),
        ("Fri Mar  1 10:00:00 UTC 2024", "2024-03-01T10:00:00+00:00"),
        ("Fri Mar  1 10:00:00 2024", "2024-03-01T10:00:00"),
        ("1709287200", "2024-03-01T10:00:00+00:00"),
        ("yesterday", None),
    ],
)
def test_iso_time(text: str, expected: str | None) -> None:
    assert iso_time(text) == expected
