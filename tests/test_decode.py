"""Bytes are decoded by evidence: BOMs, UTF-16, UTF-8, and the code page that parses best."""

from __future__ import annotations

import pytest

import netstat_normalizer as nn
from conftest import FIXTURES
from netstat_normalizer.io.decode import sniff

WINDOWS = FIXTURES / "windows-netstat"


@pytest.mark.parametrize(
    ("case", "encoding", "listening"),
    [
        ("ano-de", "cp850", "ABHÖREN"),
        ("ano-de-utf16", "utf-16", "ABHÖREN"),
        ("ano-de-mangled", "utf-8", "ABH™REN"),
        ("ano-ru", "cp866", "LISTENING"),
        ("ano-ja", "cp932", "LISTENING"),
        ("ano-zh", "cp936", "LISTENING"),
        ("ano-ko", "cp949", "LISTENING"),
        ("ano-utf16", "utf-16", "LISTENING"),
    ],
)
def test_localized_captures_decode_and_parse(case: str, encoding: str, listening: str) -> None:
    result = nn.parse((WINDOWS / f"{case}.out").read_bytes())
    assert (result.dialect, result.encoding) == ("windows-netstat", encoding)
    assert result.diagnostics == []
    row = next(r for r in result.records if r.state_raw == listening)
    assert row.state == "LISTEN"


def test_utf16_without_bom_and_utf8_bom() -> None:
    text = "  TCP    0.0.0.0:135            0.0.0.0:0              LISTENING       1088\r\n"
    assert sniff(text.encode("utf-16-le")) == "utf-16-le"
    assert sniff(text.encode("utf-8-sig")) == "utf-8-sig"
    assert nn.parse(text.encode("utf-16-le")).records[0].pid == 1088


def test_forced_encoding_wins() -> None:
    data = (WINDOWS / "ano-de.out").read_bytes()
    forced = nn.parse(data, encoding="cp1252")
    assert forced.encoding == "cp1252"
    assert any(r.state_raw == "ABH™REN" and r.state == "LISTEN" for r in forced.records)


def test_utf16_cut_inside_a_character_or_with_a_lone_surrogate_decodes() -> None:
    data = "Active Connections\r\n".encode("utf-16-le")
    cut = nn.parse(data + b"\x00")
    assert cut.lines == {"record": 0, "other": 1, "unparsed": 1}
    assert cut.diagnostics[0].text == "\udc00"
    rows = (FIXTURES / "windows-netstat" / "ano-de-utf16.out").read_bytes()
    lone = nn.parse(rows[:40] + b"\x00\xd8" + rows[40:])
    assert [(d.line, d.reason) for d in lone.diagnostics] == [
        (2, "bytes the encoding cannot decode")
    ]
    assert len(lone.records) == len(nn.parse(rows).records)
