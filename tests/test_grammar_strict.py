"""Every grammar passes Lark's strict mode: no two terminals a lexer state may meet collide."""

from __future__ import annotations

from pathlib import Path

import pytest
from lark import Lark
from lark.exceptions import LexError

from netstat_normalizer.dialects import DIALECTS
from netstat_normalizer.grammar.linegrammar import LineGrammar

pytest.importorskip("interegular")  # what strict mode finds collisions with

GRAMMARS = {(d.grammar, d.sections): name for name, d in sorted(DIALECTS.items())}


@pytest.mark.parametrize(("grammar", "sections"), list(GRAMMARS), ids=list(GRAMMARS.values()))
def test_grammar_is_strict(grammar: str, sections: tuple[str, ...]) -> None:
    assert LineGrammar(grammar, sections, strict=True).lark.options.strict


def test_strict_mode_finds_a_collision() -> None:
    grammar = "start: A | B\nA: /a+/\nB: /a+b?/\n"
    Lark(grammar, parser="lalr")
    with pytest.raises(LexError, match=r"[Cc]ollision"):
        Lark(grammar, parser="lalr", strict=True)


def test_every_described_terminal_exists() -> None:
    """``grammar/data/terminals.tsv`` describes only terminals some grammar has."""
    from importlib.resources import files

    names = {t.name for d in DIALECTS.values() for t in d(None).lines.lark.terminals}
    table = files("netstat_normalizer.grammar").joinpath("data/terminals.tsv").read_text("utf-8")
    rows = [line.split("\t")[0] for line in table.splitlines() if line and line[0] != "#"]
    assert rows
    assert [name for name in rows if name not in names] == []


def test_a_plain_build_skips_the_collision_search(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only strict builds search for collisions (seconds per grammar with interegular); the
    switch is put back afterwards."""
    import interegular
    import lark.lexer

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("collision search in a plain build")

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(interegular.Comparator, "from_regexes", refuse)
    grammar = LineGrammar("windows_netstat", ("connections",))
    assert grammar.lark.options.strict is False
    assert grammar.match("  TCP    0.0.0.0:135   0.0.0.0:0   LISTENING", "connections") == (
        "row",
        ["TCP", "0.0.0.0:135", "0.0.0.0:0", "LISTENING", None, None],
    )
    assert lark.lexer.has_interegular is True
    with pytest.raises(AssertionError, match="plain build"):
        LineGrammar("windows_netstat", ("connections",), strict=True).lark  # noqa: B018
