"""Which dialect a text is in, with a confidence, in the manner of pygments' ``analyse_text``.

Each dialect scores a sample of lines in [0, 1]: the share of its non-blank lines that the dialect's
grammar accepts (fast path, any section), plus a bonus when one of them is a title or header, which
say more than rows; a dialect whose grammar accepts only its ``weak_kinds`` scores 0.
The best score wins; ties go to the higher ``priority``, then the name.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import islice
from typing import NamedTuple

from ..dialects import DIALECTS, Dialect
from ..errors import DetectionError
from ..grammar.linegrammar import LineError

SAMPLE_LINES = 200
"""How many non-blank lines detection reads."""

_MARKER_KINDS = ("title", "header")


class Detection(NamedTuple):
    """A dialect name and how sure detection is of it, in [0, 1]."""

    dialect: str
    confidence: float


def sample(lines: Iterable[str]) -> list[str]:
    """The first non-blank lines, without line ends."""
    stripped = (line.rstrip("\r\n") for line in lines)
    return list(islice((line for line in stripped if line.strip()), SAMPLE_LINES))


def score(dialect: type[Dialect], lines: list[str]) -> float:
    """How well ``dialect``'s grammar accepts ``lines``, in [0, 1]; 0 on any failure."""
    if not lines:
        return 0.0
    try:
        grammar = dialect.line_grammar()
        matched = 0
        marked = strong = False
        for line in lines:
            for section in dialect.sections:
                found = grammar.match(line, section)
                if found is not None:
                    matched += 1
                    marked = marked or found[0].endswith(_MARKER_KINDS)
                    strong = strong or found[0] not in dialect.weak_kinds
                    break
    except Exception:  # a dialect that fails on odd input simply does not claim it
        return 0.0
    if not strong:
        return 0.0
    return min(1.0, 0.9 * matched / len(lines) + (0.1 if marked else 0.0))


def rank(lines: Iterable[str]) -> list[Detection]:
    """Every dialect with its score, best first."""
    found = sample(lines)
    scores = {d: score(d, found) for d in DIALECTS.values()}
    best = sorted(scores, key=lambda d: (-scores[d], -d.priority, d.name))
    return [Detection(d.name, round(scores[d], 3)) for d in best]


def closeness(dialect: type[Dialect], lines: list[str]) -> float:
    """How far into the lines the dialect's LALR parser gets before failing, on average."""
    grammar = dialect.line_grammar()
    reached = 0.0
    for line in lines[:20]:
        best = 0
        for section in dialect.sections:
            try:
                grammar.parse_exact(line, section)
            except LineError as err:
                best = max(best, err.column - 1)
            else:
                best = len(line)
        reached += best / max(len(line), 1)
    return reached / max(len(lines[:20]), 1)


def confidence(text: str) -> float:
    """How well the best dialect recognises ``text``, in [0, 1] (0 when none does)."""
    try:
        return detect(text).confidence
    except DetectionError:
        return 0.0


def detect(text: str | Iterable[str]) -> Detection:
    """The most likely dialect of ``text``; DetectionError, naming the closest dialects, when no
    dialect accepts any line."""
    lines = sample(text.splitlines() if isinstance(text, str) else text)
    ranked = rank(lines)
    if ranked and ranked[0].confidence > 0:
        return ranked[0]
    near = sorted(DIALECTS.values(), key=lambda d: (-closeness(d, lines), d.name))[:2]
    names = " and ".join(d.name for d in near)
    raise DetectionError(
        f"no dialect recognises this text (no line parses as netstat/ss output); closest: {names}"
    )
