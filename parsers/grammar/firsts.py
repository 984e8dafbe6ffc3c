"""Which ASCII characters a match of a regex may begin with, read from the pattern's text.

The fast path tries a line only against the line kinds whose first terminal may begin with the
line's first character.  This reads that from a terminal's regex with the public ``re`` API only:
the pattern is split into atoms, groups, alternatives and repeats here, and each atom (a literal,
an escape, a class, ``.``) is compiled alone and tried on the 128 ASCII characters.  What it does
not follow counts as "may begin with any character": a backreference or named character where it
may begin the match, and inline flags, comments or conditionals anywhere.  So the answer is never
too narrow: at worst a line is tried against more line kinds.
"""

from __future__ import annotations

import re
from functools import cache
from typing import NamedTuple

ASCII = frozenset(map(chr, range(128)))

_QUANTIFIER = re.compile(r"[*+?]|\{(\d*)(?:,(\d*))?\}")
_ZERO_WIDTH_ESCAPES = frozenset("AZbB")


class Firsts(NamedTuple):
    """The ASCII characters a match may begin with, and whether a match may be empty."""

    chars: frozenset[str]
    empty: bool


_UNSURE = Firsts(ASCII, True)


class _Unsure(Exception):
    """Raised inside the reader for a construct it does not follow."""


@cache
def firsts(pattern: str) -> Firsts:
    """What a match of ``pattern`` may begin with (all of ASCII, and empty, when unsure)."""
    try:
        reader = _Reader(pattern)
        found = reader.alternatives()
        if reader.at < len(pattern):
            raise _Unsure
    except (_Unsure, re.error, IndexError):
        return _UNSURE
    return found


def may_start(pattern: str, chars: str) -> bool:
    """Whether a match of ``pattern`` may begin with one of ``chars`` (ASCII) or be empty."""
    found = firsts(pattern)
    return found.empty or not found.chars.isdisjoint(chars)


@cache
def _atom_chars(atom: str) -> frozenset[str]:
    """The ASCII characters a one-character atom (``a``, ``\\d``, ``[^x]``, ``.``) matches."""
    compiled = re.compile(atom)
    return frozenset(c for c in ASCII if compiled.fullmatch(c))


class _Reader:
    """A recursive-descent reader of a regex's structure, computing ``Firsts`` as it goes."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.at = 0

    def peek(self, text: str) -> bool:
        return self.pattern.startswith(text, self.at)

    def alternatives(self) -> Firsts:
        chars: set[str] = set()
        empty = False
        while True:
            found = self.sequence()
            chars |= found.chars
            empty = empty or found.empty
            if not self.peek("|"):
                return Firsts(frozenset(chars), empty)
            self.at += 1

    def sequence(self) -> Firsts:
        """Items up to ``|``, ``)`` or the end: the first characters of those that may begin
        the match, narrowed by a lookahead that comes before them."""
        chars: set[str] = set()
        allowed = ASCII
        open_ = True  # every item so far may be empty
        while self.at < len(self.pattern) and not self.peek("|") and not self.peek(")"):
            item, kind = self.item()
            if not open_:
                continue
            if kind == "lookahead":
                if not item.empty:
                    allowed = allowed & item.chars
            elif kind == "consumes":
                chars |= item.chars & allowed
                open_ = item.empty
        return Firsts(frozenset(chars), open_)

    def item(self) -> tuple[Firsts, str]:
        """One atom or group, with its repeat: its ``Firsts`` and whether it ``consumes``
        characters, is a positive ``lookahead``, or is another ``zero-width`` assertion."""
        found, kind = self.atom()
        quantifier = _QUANTIFIER.match(self.pattern, self.at)
        if quantifier is None:
            return found, kind
        self.at = quantifier.end()
        if self.peek("?") or self.peek("+"):
            self.at += 1  # lazy or possessive: the same characters may begin it
        text = quantifier[0]
        least = 0 if text in "*?" else 1 if text == "+" else int(quantifier[1] or 0)
        return Firsts(found.chars, found.empty or least == 0), kind

    def atom(self) -> tuple[Firsts, str]:
        char = self.pattern[self.at]
        if char == "(":
            return self.group()
        if char in "^$":
            self.at += 1
            return Firsts(frozenset(), True), "zero-width"
        if char == "[":
            return Firsts(_atom_chars(self.character_class()), False), "consumes"
        if char == "\\":
            return self.escape()
        if char in "*+?{" and _QUANTIFIER.match(self.pattern, self.at):
            raise _Unsure  # a repeat with nothing to repeat
        self.at += 1
        return Firsts(_atom_chars(re.escape(char) if char != "." else "."), False), "consumes"

    def group(self) -> tuple[Firsts, str]:
        kinds = {"(?:": "consumes", "(?>": "consumes", "(?=": "lookahead"}
        kinds |= {"(?!": "zero-width", "(?<=": "zero-width", "(?<!": "zero-width"}
        opening = next((k for k in kinds if self.peek(k)), None)
        if opening is None and self.peek("(?P="):  # a named backreference
            self.at = self.pattern.index(")", self.at) + 1
            return _UNSURE, "consumes"
        if opening is None and self.peek("(?P<"):
            opening = self.pattern[self.at : self.pattern.index(">", self.at) + 1]
            kind = "consumes"
        elif opening is None and self.peek("(?"):
            raise _Unsure  # inline flags, a comment, a conditional
        elif opening is None:
            opening, kind = "(", "consumes"
        else:
            kind = kinds[opening]
        self.at += len(opening)
        inner = self.alternatives()
        if not self.peek(")"):
            raise _Unsure
        self.at += 1
        return inner, kind

    def character_class(self) -> str:
        """The text of the class starting here: ``]`` right after ``[`` or ``[^`` is a member."""
        start = self.at
        self.at += 1
        if self.peek("^"):
            self.at += 1
        if self.peek("]"):
            self.at += 1
        while not self.peek("]"):
            if self.peek("["):
                raise _Unsure  # nested sets are reserved syntax
            self.at += 2 if self.peek("\\") else 1
            if self.at >= len(self.pattern):
                raise _Unsure
        self.at += 1
        return self.pattern[start : self.at]

    def escape(self) -> tuple[Firsts, str]:
        letter = self.pattern[self.at + 1]
        if letter in _ZERO_WIDTH_ESCAPES:
            self.at += 2
            return Firsts(frozenset(), True), "zero-width"
        if letter.isdigit() or letter == "N":  # a backreference, an octal or a named character
            end = self.pattern.index("}", self.at) + 1 if letter == "N" else self.at + 2
            while letter != "N" and end < len(self.pattern) and self.pattern[end].isdigit():
                end += 1
            self.at = end
            return _UNSURE, "consumes"
        width = {"x": 4, "u": 6, "U": 10}.get(letter, 2)
        text = self.pattern[self.at : self.at + width]
        self.at += width
        return Firsts(_atom_chars(text), False), "consumes"
