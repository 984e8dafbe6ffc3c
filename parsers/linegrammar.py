"""A dialect's Lark grammar of single lines, with a regex fast path compiled from it.

A grammar has one start rule per *section* (a kind of table: ``inet``, ``unix``, ``route``...),
each listing the line kinds that may appear there (``inet: inet_row | any_table``).  A line kind is
a flat sequence of terminals, optionally with ``[...]`` and ``(a | b)``.  Parsing a line in a
section yields ``(kind, values)``: the kind's rule name and the text of its kept terminals, ``None``
where an optional part is absent (Lark's ``maybe_placeholders``).

The fast path joins every expansion of a section's kinds into one anchored regex, each terminal
matched atomically as Lark's lexer matches it, so there is no second copy of the grammar.  A line
the fast path does not match goes to the LALR parser, which either parses it or says why not.
"""

from __future__ import annotations

import re
import sys
from functools import cache
from typing import Any

from lark import Lark, Token, Transformer, UnexpectedInput
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedToken
from lark.grammar import NonTerminal, Terminal

Parsed = tuple[str, list[str | None]]
"""A parsed line: the line kind and its values."""

_NATIVE_ATOMIC = sys.version_info >= (3, 11)
_Expansion = tuple[str, tuple[int, ...], "tuple[int, ...] | None"]
"""An expansion's kind, the groups to fetch (after 0 and its own) and its placeholder template."""


class _KindTuples(Transformer[Token, Any]):
    """Turns each line-kind rule into ``(kind, values)`` during the LALR parse, building no tree."""

    def __default__(self, data: Any, children: list[Any], meta: Any) -> Any:
        if len(children) == 1 and isinstance(children[0], tuple):
            return children[0]  # a section or a group of kinds: pass the line's kind through
        return str(data), [None if c is None else str(c) for c in children]


class LineError(ValueError):
    """A line the grammar does not accept; the message says where and why."""

    def __init__(self, message: str, column: int) -> None:
        super().__init__(message)
        self.column = column


class LineGrammar:
    """One dialect's line grammar: ``match`` is the fast path, ``parse_exact`` the reference."""

    def __init__(self, name: str, sections: tuple[str, ...], *, strict: bool = False) -> None:
        self.name = name
        self.sections = sections
        self.lark = Lark.open_from_package(
            "netstat_normalizer.grammars",
            f"{name}.lark",
            parser="lalr",
            lexer="contextual",
            start=list(sections),
            maybe_placeholders=True,
            transformer=_KindTuples(),
            strict=strict,
            cache=True,
        )
        rules: dict[str, list[Any]] = {}
        for rule in self.lark.rules:
            rules.setdefault(rule.origin.name, []).append(rule)
        terminals = {t.name: t.pattern.to_regexp() for t in self.lark.terminals}
        self._compiled = {
            section: _compile_section(section, rules, terminals, self._gap(terminals))
            for section in sections
        }

    def _gap(self, terminals: dict[str, str]) -> str:
        """What may stand between tokens: the %ignore'd character class, any number of times.

        It must be one character class repeated (``/[ \\t]+/``), so that the gap can never
        backtrack into a token and the fast path stays linear.
        """
        (ignore,) = (terminals[name] for name in self.lark.lexer_conf.ignore)
        if not re.fullmatch(r"\[[^\]]+\]\+", ignore):
            raise ValueError(f"{self.name}: %ignore must be a repeated character class")
        return ignore[:-1] + "*"

    def match(self, line: str, section: str) -> Parsed | None:
        """The fast path: ``(kind, values)``, or None when the line needs the LALR parser."""
        regex, expansions = self._compiled[section]
        m = regex.match(line)
        if m is None:
            return None
        kind, fetch, template = expansions[m.lastgroup]  # type: ignore[index]
        found = m.group(*fetch)[2:]
        if template is None:
            return kind, list(found)
        return kind, [None if i < 0 else found[i] for i in template]

    def parse_exact(self, line: str, section: str) -> Parsed:
        """Parse one line with the LALR parser (the reference the fast path must agree with)."""
        try:
            result: Parsed = self.lark.parse(line, start=section)
        except UnexpectedInput as err:
            raise LineError(_explain(err, line), getattr(err, "column", 1) or 1) from None
        return result


class _Node:
    """A trie node: expansions that share a prefix of terminals share its regex and groups."""

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        self.ends: list[str] = []
        self.group = 0


def _compile_section(
    section: str, rules: dict[str, list[Any]], terminals: dict[str, str], gap: str
) -> tuple[re.Pattern[str], dict[str, _Expansion]]:
    """One anchored regex for all expansions of a section's line kinds, as a trie of terminals:
    a prefix several expansions share is matched once, and an empty group named after the
    expansion marks where it ends (it is the last group to close, so ``lastgroup`` names it)."""
    root = _Node()
    paths: dict[str, tuple[str, list[_Node], list[bool], Any]] = {}
    for kind in _kinds(section, rules):
        for rule in rules[kind]:
            node, path, kept = root, [], []
            for symbol in rule.expansion:
                if not isinstance(symbol, Terminal):
                    raise ValueError(f"rule {kind!r} must be flat, found {symbol.name!r}")
                node = node.children.setdefault(symbol.name, _Node())
                path.append(node)
                kept.append(not symbol.filter_out)
            label = f"e{len(paths)}"
            node.ends.append(label)
            paths[label] = (kind, path, kept, rule.options.empty_indices)
    counter = [0]
    body = _emit(root, terminals, gap, counter)
    expansions = {
        label: (kind, (0, 0, *(n.group for n, k in zip(path, kept) if k)), _template(empty, kept))
        for label, (kind, path, kept, empty) in paths.items()
    }
    return re.compile(body + r"\Z"), expansions


def _emit(node: _Node, terminals: dict[str, str], gap: str, counter: list[int]) -> str:
    """The regex of a trie node's children, numbering capture groups in the order they open."""
    branches = []
    for name, child in node.children.items():
        counter[0] += 1
        child.group = counter[0]
        token = _atomic(terminals[name], child.group)
        counter[0] += re.compile(terminals[name]).groups
        branches.append(gap + token + _emit(child, terminals, gap, counter))
    for label in node.ends:
        counter[0] += 1
        branches.append(f"{gap}(?P<{label}>)")
    return "(?:" + "|".join(branches) + ")"


def _kinds(name: str, rules: dict[str, list[Any]]) -> list[str]:
    """The line kinds under ``name``: rules reached through single-rule alternatives."""
    if not all(
        len(r.expansion) == 1 and isinstance(r.expansion[0], NonTerminal) for r in rules[name]
    ):
        return [name]
    return [kind for r in rules[name] for kind in _kinds(r.expansion[0].name, rules)]


def _template(empty_indices: tuple[bool, ...], kept: list[bool]) -> tuple[int, ...] | None:
    """Where Lark puts None placeholders among the kept values, or None when it puts none."""
    if not any(empty_indices):
        return None
    template: list[int] = []
    symbols = iter(kept)
    index = 0
    for empty in empty_indices:
        if empty:
            template.append(-1)
        elif next(symbols):
            template.append(index)
            index += 1
    return tuple(template)


def _atomic(pattern: str, number: int) -> str:
    """Match ``pattern`` atomically, as a lexer does, capturing it as group ``number``."""
    if _NATIVE_ATOMIC:
        return f"(?>({pattern}))"
    return f"(?=({pattern}))\\{number}"


def _explain(err: UnexpectedInput, line: str) -> str:
    column = getattr(err, "column", None) or 1
    if isinstance(err, UnexpectedEOF) or (
        isinstance(err, UnexpectedToken) and err.token.type == "$END"
    ):
        return f"line ends early, expected {_expected(err.expected)}"
    if isinstance(err, UnexpectedToken):
        return (
            f"unexpected {str(err.token)!r} at column {column}, expected {_expected(err.expected)}"
        )
    if isinstance(err, UnexpectedCharacters):
        found = line[err.pos_in_stream : err.pos_in_stream + 12]
        return f"unexpected {found!r} at column {column}"
    return f"cannot parse at column {column}"


def _expected(terminals: Any) -> str:
    names = sorted({"a keyword" if t.startswith("__") else t.lower() for t in terminals})
    return " or ".join(names) if len(names) < 4 else ", ".join(names[:3]) + ", ..."


@cache
def line_grammar(name: str, sections: tuple[str, ...]) -> LineGrammar:
    """The (cached) line grammar in ``grammars/<name>.lark`` with these start sections."""
    return LineGrammar(name, sections)
