"""The ss detail fields' shortcuts (split at whitespace, cached parses) must change no result."""

from __future__ import annotations

import contextlib

import pyparsing as pp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import netstat_normalizer as nn
from netstat_normalizer.dialects.ss_fields import _FIELD, _tokens, parse_fields

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
