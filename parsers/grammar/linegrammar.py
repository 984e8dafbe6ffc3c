"""A dialect's Lark grammar of single lines, with a regex fast path compiled from it.

A grammar has one start rule per *section* (a kind of table: ``inet``, ``unix``, ``route``...),
each listing the line kinds that may appear there (``inet: inet_row | any_table``).  A line kind is
a flat sequence of terminals, optionally with ``[...]`` and ``(a | b)``.  Parsing a line in a
section yields ``(kind, values)``: the kind's rule name and the text of its kept terminals, ``None``
where an optional part is absent (Lark's ``maybe_placeholders``).

The fast path joins every expansion of a section's kinds into one anchored regex, each terminal
matched atomically as Lark's lexer matches it, so there is no second copy of the grammar; a line
is tried only against the expansions whose first terminal may begin with its first character
(``firsts`` reads that from the terminal's regex).
A line the fast path does not match goes to the LALR parser, which either parses it or says why
not.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import sys
from collections.abc import Callable
from functools import cache
from importlib.resources import files
from operator import itemgetter
from typing import Any, cast

import lark
from lark import Lark, Token, Transformer, UnexpectedInput
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedToken
from lark.grammar import NonTerminal, Terminal

from .firsts import may_start

Parsed = tuple[str, list[str | None]]
"""A parsed line: the line kind and its values."""

_NATIVE_ATOMIC = sys.version_info >= (3, 11)
"""Atomic groups and possessive repeats are in ``re`` from Python 3.11."""
_Expansion = tuple[str, Callable[[re.Match[str]], tuple[str | None, ...]]]
"""An expansion's kind, and what fetches its values from a match (None for placeholders)."""
_Section = tuple[re.Pattern[str], dict[int, _Expansion]]
"""A section's fast path: its regex, and its expansions by the group that ends them."""


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
        """``strict``: Lark's check that no two terminals collide (needs ``interegular``), made on
        a fresh build, never on a cached one."""
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
            cache=False if strict else cache_file(name, sections),
        )
        self._rules: dict[str, list[Any]] = {}
        for rule in self.lark.rules:
            self._rules.setdefault(rule.origin.name, []).append(rule)
        self._terminals = {t.name: t.pattern.to_regexp() for t in self.lark.terminals}
        self._gap, self.blanks = self._gap_of()
        self._narrowing: dict[str, bool] = {}
        self._compiled: dict[tuple[str, frozenset[str] | None], _Section] = {}
        self._by_first: dict[str, dict[str, _Section]] = {section: {} for section in sections}
        """Each section's fast path for lines beginning (after blanks) with an ASCII character."""

    def _gap_of(self) -> tuple[str, str]:
        """What may stand between tokens, and its (ASCII) characters: the %ignore'd character
        class, any number of times.  It must be one character class repeated (``/[ \\t]+/``),
        so that it can never backtrack into a token and the fast path stays linear."""
        (ignore,) = (self._terminals[name] for name in self.lark.lexer_conf.ignore)
        if not re.fullmatch(r"\[[^\]]+\]\+", ignore):
            raise ValueError(f"{self.name}: %ignore must be a repeated character class")
        blanks = "".join(filter(re.compile(ignore).fullmatch, map(chr, range(128))))
        return ignore[:-1] + "*", blanks

    def _narrows(self, section: str) -> bool:
        """Whether no terminal of the section may begin with a blank (the usual case; decided on
        Python 3.11+).  Then a shorter gap can never let a token match, so the gap is possessive
        (a line the fast path rejects is rejected sooner), and the first token begins at the
        line's first character that is no blank, which narrows the line kinds to try."""
        if section not in self._narrowing:
            names = {
                s.name
                for k in _kinds(section, self._rules)
                for r in self._rules[k]
                for s in r.expansion
            }
            self._narrowing[section] = _NATIVE_ATOMIC and not any(
                may_start(self._terminals[name], self.blanks) for name in names
            )
        return self._narrowing[section]

    def whole(self, section: str) -> _Section:
        """The section's fast path for any line (compiled on first use)."""
        return self._compile(section, None)

    def _compile(self, section: str, firsts: frozenset[str] | None) -> _Section:
        """The section's fast path; with ``firsts``, only its line kinds beginning with one of
        those terminals, in the same order (so the first kind to match is the same)."""
        if (section, firsts) not in self._compiled:
            gap = self._gap + "+" if self._narrows(section) else self._gap
            self._compiled[section, firsts] = _compile_section(
                section, self._rules, self._terminals, gap, firsts
            )
        return self._compiled[section, firsts]

    def match(self, line: str, section: str) -> Parsed | None:
        """The fast path: ``(kind, values)``, or None when the line needs the LALR parser."""
        try:
            regex, expansions = self._by_first[section][line.lstrip(self.blanks)[:1]]
        except KeyError:
            regex, expansions = self._for_first(line.lstrip(self.blanks)[:1], section)
        m = regex.match(line)
        if m is None:
            return None
        kind, fetch = expansions[m.lastindex]  # type: ignore[index]
        return kind, list(fetch(m))

    def _for_first(self, first: str, section: str) -> _Section:
        """The fast path for lines beginning with ``first``: narrowed to the line kinds whose
        first terminal may begin with it when it is ASCII (and kept, so at most 128 per
        section), else the whole section's."""
        if not first.isascii():
            return self.whole(section)
        if first and self._narrows(section):
            firsts = frozenset(
                name
                for kind in _kinds(section, self._rules)
                for rule in self._rules[kind]
                if rule.expansion
                and may_start(self._terminals[name := rule.expansion[0].name], first)
            )
            found = self._compile(section, firsts)
        else:
            found = self.whole(section)
        self._by_first[section][first] = found
        return found

    def kinds(self, section: str) -> list[str]:
        """The line kinds a section's start rule lists, in order."""
        return _kinds(section, self._rules)

    def patterns(self, kind: str) -> list[str]:
        """The regexes of a line kind whose expansions are each one terminal (a title, a
        header), else none."""
        found = []
        for rule in self._rules[kind]:
            if len(rule.expansion) != 1 or not isinstance(rule.expansion[0], Terminal):
                return []
            found.append(self._terminals[rule.expansion[0].name])
        return found

    def parse_exact(self, line: str, section: str) -> Parsed:
        """Parse one line with the LALR parser (the reference the fast path must agree with)."""
        try:
            result = cast(Parsed, self.lark.parse(line, start=section))
        except UnexpectedInput as err:
            err = self._furthest(line, section, err)
            raise LineError(_explain(err, line), getattr(err, "column", 1) or 1) from None
        return result

    def _furthest(self, line: str, section: str, err: UnexpectedInput) -> UnexpectedInput:
        """The section's error, unless it is at the line's first field and another section (in
        their order) gets past it from a first field that names a row (a terminal of raised
        priority: ``tcp``, ``unix``, ``TCP``): a row of another table than the current one is
        then told what is wrong in its own terms."""
        if _reach(err, line) > len(line) - len(line.lstrip(self.blanks)) + 1:
            return err
        for other in self.sections:
            if other == section:
                continue
            try:
                self.lark.parse(line, start=other)
            except UnexpectedInput as found:
                if _reach(found, line) > _reach(err, line) and self._named(found):
                    return found
        return err

    def _named(self, err: UnexpectedInput) -> bool:
        """Whether the parser had read a row's naming first field when it met ``err``."""
        parser = getattr(err, "interactive_parser", None)
        stack = parser.parser_state.value_stack if parser is not None else []
        first = stack[0] if stack else None
        if not isinstance(first, Token):
            return False
        terminal = next((t for t in self.lark.terminals if t.name == first.type), None)
        return terminal is not None and terminal.priority > 1


class _Node:
    """A trie node: expansions that share a prefix of terminals share its regex and groups."""

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        self.ends: list[str] = []
        self.group = 0


def _compile_section(
    section: str,
    rules: dict[str, list[Any]],
    terminals: dict[str, str],
    gap: str,
    firsts: frozenset[str] | None = None,
) -> _Section:
    """One anchored regex for all expansions of a section's line kinds, as a trie of terminals:
    a prefix several expansions share is matched once, and an empty group marks where each
    expansion ends (it is the last group to close, so ``lastindex`` names it).  A last group that
    never takes part stands for Lark's None placeholders.  ``firsts``, when given, keeps only the
    expansions beginning with those terminals."""
    root = _Node()
    paths: dict[str, tuple[str, list[_Node], list[bool], Any]] = {}
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
            label = f"e{len(paths)}"
            node.ends.append(label)
            paths[label] = (kind, path, kept, rule.options.empty_indices)
    counter = [0]
    regex = re.compile(_emit(root, terminals, gap, counter) + r"\Z|(?!)()")
    expansions = {
        regex.groupindex[label]: (
            kind,
            _fetcher([n.group for n, k in zip(path, kept) if k], empty, kept, regex.groups),
        )
        for label, (kind, path, kept, empty) in paths.items()
    }
    return regex, expansions


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


def _fetcher(
    groups: list[int], empty_indices: tuple[bool, ...], kept: list[bool], never: int
) -> Callable[[re.Match[str]], tuple[str | None, ...]]:
    """What fetches an expansion's values from a match: its kept terminals' groups, with the
    group that ``never`` takes part where Lark puts a None placeholder."""
    if any(empty_indices):
        symbols, found = iter(kept), iter(groups)
        groups = [
            never if empty else next(found) for empty in empty_indices if empty or next(symbols)
        ]
    if len(groups) > 1:
        return itemgetter(*groups)
    if groups:
        (only,) = groups
        return lambda m: (m[only],)
    return lambda m: ()


def _atomic(pattern: str, number: int) -> str:
    """Match ``pattern`` atomically, as a lexer does, capturing it as group ``number``."""
    if _NATIVE_ATOMIC:
        return f"(?>({pattern}))"
    return f"(?=({pattern}))\\{number}"


def _reach(err: UnexpectedInput, line: str) -> int:
    """How far into the line the parser got before ``err`` (a column)."""
    if isinstance(err, UnexpectedEOF) or getattr(getattr(err, "token", None), "type", "") == "$END":
        return len(line) + 1
    return getattr(err, "column", None) or 1


def _explain(err: UnexpectedInput, line: str) -> str:
    """Why a line is rejected, in the words of the tables: which field (and column) holds what
    instead of what (``field 4 (column 9): expected ADDRESS:PORT, got 'xx'``)."""
    column = getattr(err, "column", None) or 1
    if isinstance(err, UnexpectedEOF) or (
        isinstance(err, UnexpectedToken) and err.token.type == "$END"
    ):
        return f"line ends after field {len(line.split())}: expected {_expected(err.expected)}"
    field = len(line[: column - 1].split()) + 1
    where = f"field {field} (column {column})"
    if isinstance(err, UnexpectedToken):
        return f"{where}: expected {_expected(err.expected)}, got {str(err.token)!r}"
    if isinstance(err, UnexpectedCharacters):
        found = line[column - 1 :].split(maxsplit=1)[0][:40] if line[column - 1 :].strip() else ""
        allowed = getattr(err, "allowed", None)
        if allowed:
            return f"{where}: expected {_expected(allowed)}, got {found!r}"
        return f"{where}: cannot read {found!r}"
    return f"cannot parse at column {column}"


def _expected(terminals: Any) -> str:
    """The terminals' descriptions (``data/terminals.tsv``): rows' fields first, then lines."""
    names = {_describe(t) for t in terminals}
    lines = sorted(n for n in names if n.endswith(" line"))
    fields = sorted(names.difference(lines))
    said = fields + lines
    return " or ".join(said) if len(said) < 4 else ", ".join(said[:3]) + " or ..."


def _describe(terminal: str) -> str:
    if terminal in _TERMINALS:
        return _TERMINALS[terminal]
    if terminal.endswith("HEADER"):
        return "a header line"
    if terminal.endswith("TITLE"):
        return "a title line"
    if terminal == "WARNING":
        return "a warning line"
    return "a keyword" if terminal.startswith("__") else terminal.lower()


def _load_terminals() -> dict[str, str]:
    text = files(__package__).joinpath("data/terminals.tsv").read_text("utf-8")
    rows = (line.split("\t") for line in text.splitlines() if line and not line.startswith("#"))
    return {name: description for name, description in rows}


_TERMINALS = _load_terminals()
"""Terminal name -> what it stands for, in the tables' words."""


CACHE_FOLDER = "netstat-normalizer"
"""Lark's built parsers are kept in this folder of ``$XDG_CACHE_HOME`` (else ``~/.cache``)."""


def cache_file(name: str, sections: tuple[str, ...]) -> str | bool:
    """Where Lark keeps the built parser of ``name`` with these sections: a file in the user's own
    cache folder, named by a digest of every grammar file, the sections and the Lark and Python
    versions (so an edited imported grammar is never read stale); False (no cache) when that
    folder cannot be made or others may write to it.  Lark's own default, a predictable name in
    the shared temporary folder, would unpickle a file another local user could plant there."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = os.path.join(base, CACHE_FOLDER)
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        info = os.lstat(folder)
    except OSError:
        return False
    owner = os.getuid() if hasattr(os, "getuid") else None
    if not stat.S_ISDIR(info.st_mode) or info.st_mode & 0o022 or owner is None:
        return False
    if info.st_uid != owner:
        return False
    key = f"{_grammars_digest()} {sections} {lark.__version__} {sys.version_info[:2]}"
    return os.path.join(folder, f"{name}-{hashlib.sha256(key.encode()).hexdigest()[:24]}.pickle")


@cache
def _grammars_digest() -> str:
    """A digest of every grammar file the package ships."""
    digest = hashlib.sha256()
    for item in sorted(files("netstat_normalizer.grammars").iterdir(), key=lambda i: i.name):
        if item.name.endswith(".lark"):
            digest.update(item.name.encode() + b"\0" + item.read_bytes())
    return digest.hexdigest()


@cache
def line_grammar(name: str, sections: tuple[str, ...]) -> LineGrammar:
    """The (cached) line grammar in ``grammars/<name>.lark`` with these start sections."""
    return LineGrammar(name, sections)
