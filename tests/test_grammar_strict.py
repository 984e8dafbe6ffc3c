"""Every grammar passes Lark's strict mode: no two terminals a lexer state may meet collide."""

from __future__ import annotations

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
