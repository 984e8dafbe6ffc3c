"""The ss detail fields' shortcuts (split at whitespace, cached parses) must change no result."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

import pyparsing as pp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import netstat_normalizer as nn
from conftest import FIXTURES
from netstat_normalizer.dialects.ss_fields import _FIELD, _USUAL, _tokens, parse_fields, read_tokens

_PIECES = [
    'users:(("nginx",pid=1,fd=8),("nginx",pid=2,fd=8))',
    'users:(("Web Content",pid=7,fd=8))',
    'users:(("a\\"b c",pid=1,fd=2))',
    'users:(("a))b",pid=3,fd=4))',
    'users:(("x",pid=1,fd=2),)',
    'users:(("x",pid=1))',
    "timer:(keepalive,1min2sec,0)",
    "timer:(on,1.388ms,3)",
    "timer:((x))",
    "skmem:(r0,rb131072,t0)",
    "skmem:(r0,rb)",
    "bbr:(bw:1bps,mrtt:0.1)",
    "ino:5",
    "sk:1f",
    "<->",
    "cubic",
    "send",
    "1bps",
    "(",
    ")",
    '"',
    "a(b",
    "x)",
    ":",
    ",",
]


def _texts() -> st.SearchStrategy[str]:
    gaps = st.sampled_from(["", " ", "  ", "\t"])
    return st.lists(st.tuples(st.sampled_from(_PIECES), gaps), min_size=1, max_size=8).map(
        lambda parts: "".join(p + g for p, g in parts).strip()
    )


@settings(max_examples=600, deadline=None)
@given(text=_texts())
def test_tokens_are_the_patterns(text: str) -> None:
    for warm in (*text.split(), *_FIELD.findall(text), text):  # cache whatever parses
        with contextlib.suppress(pp.ParseException, ValueError):
            parse_fields(warm)
    assert _tokens(text) == _FIELD.findall(text)


_USUAL_SLOTS = [  # the usual fields in ss's order, as printed and slightly off
    [
        'users:(("python3",pid=58693,fd=70))',
        'users:(("Web Content",pid=7,fd=8))',
        'users:(("a\\"b",pid=1,fd=2))',
        'users:(("",pid=0,fd=0))',
        'users:(("x",pid=\u0661,fd=2))',  # an Arabic-Indic digit
        'users:(("x",pid=1,fd=2),("y",pid=3,fd=4))',
        'users:(("x",pid=1,fd=2),)',
        'users:(("x",pid=1,fd=2)("y",pid=3,fd=4))',
    ],
    [
        "timer:(keepalive,1min2sec,0)",
        "timer:(on,9.501sec,3)",
        "timer:(on,,0)",
        "timer:(on,1x,0)",
        "timer:(ON,1sec,0)",
    ],
    ["uid:1000", "uid:-1"],
    ["ino:61744", "ino:0x1"],
    ["sk:10e6", "sk:G"],
    ["cgroup:/system.slice/ssh.service", "cgroup:/a:b", "cgroup:/é"],
    ["v6only:1", "v6only:2"],
    ["<->", "-->", "ts"],
]


@st.composite
def _usual_texts(draw: st.DrawFn) -> str:
    """Each slot's field or none, in order and spaced as ss prints them (each slot's first
    field), or each with any of its fields, two neighbours swapped, variously spaced."""
    if draw(st.booleans()):
        pieces = [draw(st.sampled_from(["", slot[0]])) for slot in _USUAL_SLOTS]
        return " ".join(p for p in pieces if p) + draw(st.sampled_from(["", "  "]))
    gaps = st.sampled_from([" ", " ", "  ", "\t", "\u3000", ""])
    pieces = [draw(st.sampled_from(["", *slot])) for slot in _USUAL_SLOTS]
    pieces = [p for p in pieces if p]
    if len(pieces) > 1 and draw(st.booleans()):
        at = draw(st.integers(0, len(pieces) - 2))
        pieces[at : at + 2] = pieces[at + 1], pieces[at]
    return "".join(p + draw(gaps) for p in pieces)


def _outcome(read: Callable[[str], dict[str, object]], text: str) -> object:
    """The fields in their order (records keep it), or the kind of error."""
    try:
        return list(read(text).items())
    except ValueError as err:
        return type(err)


@settings(max_examples=1500, deadline=None)
@given(text=_usual_texts())
def test_the_usual_layout_reads_as_the_tokens_do(text: str) -> None:
    assert _outcome(parse_fields, text) == _outcome(read_tokens, text)


def _applied(text: str, direct: bool) -> object:
    """The record ``_add_details`` makes of a row with these details: its usual case applied
    directly, or through ``parse_fields``' dict."""
    from netstat_normalizer.dialects import linux_ss
    from netstat_normalizer.model.record import Record

    record = Record("linux-ss", extra={"type": "stream"})
    kept = linux_ss.usual_fields
    if not direct:
        linux_ss.usual_fields = lambda text: None  # type: ignore[assignment]
    try:
        linux_ss.LinuxSs()._add_details(record, text)
    except linux_ss.RowError as err:
        return str(err)
    finally:
        linux_ss.usual_fields = kept
    return record.to_json()


@settings(max_examples=800, deadline=None)
@given(text=_usual_texts())
def test_the_usual_details_set_the_record_as_the_fields_do(text: str) -> None:
    assert _applied(text, direct=True) == _applied(text, direct=False)


def _details(line: str) -> str:
    """A fixture row's detail fields: from the first of the usual ones on."""
    return line[min(line.find(k) for k in _FIRST if k in line) + 1 :]


_FIRST = (" users:(", " timer:(", " uid:", " ino:")


def test_the_usual_layout_is_taken_at_once() -> None:
    lines = [
        _details(line)
        for case in (FIXTURES / "linux-ss").glob("*.out")
        for line in case.read_text().splitlines()
        if any(k in line for k in _FIRST)
    ]
    usual = [text for text in lines if _USUAL(" " + text)]
    assert len(usual) > 0.9 * len(lines) > 300
    for text in usual:
        assert _outcome(parse_fields, text) == _outcome(read_tokens, text)


def test_cached_fields_are_fresh_copies() -> None:
    text = 'users:(("a",pid=1,fd=2)) timer:(on,1sec,0) skmem:(r0,rb1) ts'
    first, second = parse_fields(text), parse_fields(text)
    assert first == second
    for key in ("users", "timer", "skmem", "flags"):
        assert first[key] is not second[key]
    assert first["users"][0] is not second["users"][0]
    alone = 'users:(("a",pid=1,fd=2))'
    assert parse_fields(alone)["users"][0] is not parse_fields(alone)["users"][0]


@pytest.mark.parametrize("details", ['users:(("a",pid=1,fd=2))', "timer:(on,1sec,0) ts <->"])
def test_records_share_no_container(details: str) -> None:
    row = f"ESTAB 0 0 10.0.0.1:22 10.0.0.2:5000 {details}\n"
    text = "State Recv-Q Send-Q Local Address:Port Peer Address:Port Process\n" + row * 2
    first, second = nn.parse(text, "linux-ss").records
    assert first.extra == second.extra and first.extra is not second.extra
    assert first.timer is None or first.timer is not second.timer
    for key, value in first.extra.items():
        assert not isinstance(value, (list, dict)) or value is not second.extra[key]
