"""The fast path of a line grammar, worked out from its Lark grammar as data (a ``Plan``).

Each section's line kinds become one anchored regex: every expansion of the kinds joined as a
trie of terminals, each terminal matched atomically as Lark's lexer matches it, so there is no
second copy of the grammar.  A shared prefix is matched once, and an empty group marks where each
expansion ends (it is the last group to close, so ``lastindex`` names it).  A line is tried only
against the expansions whose first terminal may begin with its first character (``firsts`` reads
that from the terminal's regex): the plan maps each ASCII character to the regex of those.

The plan is plain JSON data, so that ``linegrammar`` keeps it in the user's cache and a later run
needs neither Lark nor this module.
"""

from __future__ import annotations

import re
import sys
from typing import Any, TypedDict

from lark import Lark
from lark.grammar import NonTerminal, Terminal

from .firsts import may_start
from .regexes import Code, code_of

NATIVE_ATOMIC = sys.version_info >= (3, 11)
"""Atomic groups and possessive repeats are in ``re`` from Python 3.11."""
NEVER = -1
"""In a plan's fetched groups: the group that never takes part (Lark's None placeholder)."""


class Regex(TypedDict):
    """One regex of the fast path: its text, and for each expansion in it (whose end is the
    group named ``e<i>``, ``i`` its place here) the kind and the groups holding its values."""

    regex: str
    code: Code | None
    """What compiling ``regex`` makes (``regexes.code_of``), so that it is not compiled again."""
    ends: list[tuple[str, list[int]]]


class Alone(TypedDict):
    regex: str
    code: Code | None


class SectionPlan(TypedDict):
    whole: int
    """The regex for any line (an index into ``Plan.regexes``)."""
    firsts: dict[str, int]
    """ASCII character -> the regex for lines beginning with it (after blanks); empty when the
    section is not narrowed (see ``_narrows``)."""


class Plan(TypedDict):
    """A line grammar's fast path, as data."""

    blanks: str
    """The ASCII characters that may stand between tokens (the ``%ignore``'d class)."""
    gap: str
    """The regex of what may stand between tokens."""
    kinds: dict[str, list[str]]
    """Section -> the line kinds its start rule lists, in order."""
    patterns: dict[str, list[str]]
    """Kind -> the regexes of its expansions when each is one terminal (a title), else none."""
    starts: dict[str, str]
    """Kind with patterns -> the ASCII characters a line of it may begin with (after blanks)."""
    alone: dict[str, Alone]
    """Kind with patterns -> the regex of a line that is one of them, blanks around."""
    sections: dict[str, SectionPlan]
    regexes: list[Regex]


def plan(lark: Lark, name: str, sections: tuple[str, ...]) -> Plan:
    """The fast path of every section of the grammar ``name`` that Lark has loaded."""
    rules: dict[str, list[Any]] = {}
    for rule in lark.rules:
        rules.setdefault(rule.origin.name, []).append(rule)
    terminals = {t.name: t.pattern.to_regexp() for t in lark.terminals}
    gap, blanks = _gap_of(lark, name, terminals)
    regexes: list[Regex] = []
    numbered: dict[tuple[str, frozenset[str] | None], int] = {}

    def regex(section: str, firsts: frozenset[str] | None, gap: str) -> int:
        if (section, firsts) not in numbered:
            numbered[section, firsts] = len(regexes)
            regexes.append(_section_regex(section, rules, terminals, gap, firsts))
        return numbered[section, firsts]

    planned: dict[str, SectionPlan] = {}
    for section in sections:
        narrows = _narrows(section, rules, terminals, blanks)
        gap_here = gap + "+" if narrows else gap
        whole = regex(section, None, gap_here)
        firsts: dict[str, int] = {}
        heads = [
            rule.expansion[0].name
            for kind in _kinds(section, rules)
            for rule in rules[kind]
            if rule.expansion
        ]
        for char in map(chr, range(128) if narrows else ()):
            if char not in blanks:
                names = frozenset(n for n in heads if may_start(terminals[n], char))
                firsts[char] = regex(section, names, gap_here)
        planned[section] = {"whole": whole, "firsts": firsts}
    kinds = {section: _kinds(section, rules) for section in sections}
    patterns = {
        kind: _patterns(rules[kind], terminals) for listed in kinds.values() for kind in listed
    }
    starts = {
        kind: "".join(c for c in map(chr, range(128)) if any(may_start(p, c) for p in found))
        for kind, found in patterns.items()
        if found
    }
    alone: dict[str, Alone] = {}
    for kind, found in patterns.items():
        if found:
            text = gap + "(?:" + "|".join(f"(?:{p})" for p in found) + ")" + gap + r"\Z"
            alone[kind] = {"regex": text, "code": code_of(text)}
    return {
        "blanks": blanks,
        "gap": gap,
        "kinds": kinds,
        "patterns": patterns,
        "starts": starts,
        "alone": alone,
        "sections": planned,
        "regexes": regexes,
    }


def _gap_of(lark: Lark, name: str, terminals: dict[str, str]) -> tuple[str, str]:
    """What may stand between tokens, and its (ASCII) characters: the %ignore'd character
    class, any number of times.  It must be one character class repeated (``/[ \\t]+/``),
    so that it can never backtrack into a token and the fast path stays linear."""
    (ignore,) = (terminals[name] for name in lark.lexer_conf.ignore)
    if not re.fullmatch(r"\[[^\]]+\]\+", ignore):
        raise ValueError(f"{name}: %ignore must be a repeated character class")
    blanks = "".join(filter(re.compile(ignore).fullmatch, map(chr, range(128))))
    return ignore[:-1] + "*", blanks


def _narrows(
    section: str, rules: dict[str, list[Any]], terminals: dict[str, str], blanks: str
) -> bool:
    """Whether no terminal of the section may begin with a blank (the usual case; decided on
    Python 3.11+).  Then a shorter gap can never let a token match, so the gap is possessive
    (a line the fast path rejects is rejected sooner), and the first token begins at the
    line's first character that is no blank, which narrows the line kinds to try."""
    names = {s.name for k in _kinds(section, rules) for r in rules[k] for s in r.expansion}
    return NATIVE_ATOMIC and not any(may_start(terminals[name], blanks) for name in names)


def _patterns(rules: list[Any], terminals: dict[str, str]) -> list[str]:
    """The regexes of a line kind whose expansions are each one terminal, else none."""
    found = []
    for rule in rules:
        if len(rule.expansion) != 1 or not isinstance(rule.expansion[0], Terminal):
            return []
        found.append(terminals[rule.expansion[0].name])
    return found


class _Node:
    """A trie node: expansions that share a prefix of terminals share its regex and groups."""

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        self.ends: list[str] = []
        self.group = 0


def _section_regex(
    section: str,
    rules: dict[str, list[Any]],
    terminals: dict[str, str],
    gap: str,
    firsts: frozenset[str] | None = None,
) -> Regex:
    """One anchored regex for all expansions of a section's line kinds, as a trie of terminals
    (a last group that never takes part stands for Lark's None placeholders); ``firsts``, when
    given, keeps only the expansions beginning with those terminals (and empty ones)."""
    root = _Node()
    paths: list[tuple[str, list[_Node], list[bool], Any]] = []
    for kind in _kinds(section, rules):
        for rule in rules[kind]:
            if firsts is not None and rule.expansion and rule.expansion[0].name not in firsts:
                continue
            node, path, kept = root, [], []
            for symbol in rule.expansion:
                if not isinstance(symbol, Terminal):
                    raise ValueError(f"rule {kind!r} must be flat, found {symbol.name!r}")
                node = node.children.setdefault(symbol.name, _Node())
                path.append(node)
                kept.append(not symbol.filter_out)
            node.ends.append(f"e{len(paths)}")
            paths.append((kind, path, kept, rule.options.empty_indices))
    text = _emit(root, terminals, gap, [0]) + r"\Z|(?!)()"
    ends = [
        (kind, _fetched([n.group for n, k in zip(path, kept) if k], empty, kept))
        for kind, path, kept, empty in paths
    ]
    return {"regex": text, "code": code_of(text), "ends": ends}


def _emit(node: _Node, terminals: dict[str, str], gap: str, counter: list[int]) -> str:
    """The regex of a trie node's children, numbering capture groups in the order they open."""
    branches = []
    for name, child in node.children.items():
        counter[0] += 1
        child.group = counter[0]
        token = _atomic(terminals[name], child.group)
        counter[0] += re.compile(terminals[name]).groups
        branches.append(token + _emit(child, terminals, gap, counter))
    for label in node.ends:
        counter[0] += 1
        branches.append(f"(?P<{label}>)")
    return gap + "(?:" + "|".join(branches) + ")"


def _kinds(name: str, rules: dict[str, list[Any]]) -> list[str]:
    """The line kinds under ``name``: rules reached through single-rule alternatives."""
    if not all(
        len(r.expansion) == 1 and isinstance(r.expansion[0], NonTerminal) for r in rules[name]
    ):
        return [name]
    return [kind for r in rules[name] for kind in _kinds(r.expansion[0].name, rules)]


def _fetched(groups: list[int], empty_indices: tuple[bool, ...], kept: list[bool]) -> list[int]:
    """The groups holding an expansion's values: its kept terminals' groups, with ``NEVER``
    where Lark puts a None placeholder."""
    if not any(empty_indices):
        return groups
    symbols, found = iter(kept), iter(groups)
    return [NEVER if empty else next(found) for empty in empty_indices if empty or next(symbols)]


def _atomic(pattern: str, number: int) -> str:
    """Match ``pattern`` atomically, as a lexer does, capturing it as group ``number``."""
    if NATIVE_ATOMIC:
        return f"(?>({pattern}))"
    return f"(?=({pattern}))\\{number}"
