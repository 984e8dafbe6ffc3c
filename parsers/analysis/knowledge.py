"""What the states mean and what piles of them tell: the tables in ``data/``, read once, and
``explain``, which answers for a state word in any spelling or for a rule id."""

from __future__ import annotations

import difflib
import sys
from functools import cache
from typing import Any

from ..errors import NetstatNormalizerError
from ..model.states import canonical_state
from ..resources import read_bytes, read_text

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

LANGS = ("en", "ko")


class UnknownWordError(NetstatNormalizerError, LookupError):
    """A word that is neither a state (in any spelling) nor a rule id, or an unknown OS."""

    def __init__(self, what: str, word: str, known: list[str]) -> None:
        close = difflib.get_close_matches(word, known, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else f" Known: {', '.join(known)}."
        super().__init__(f"Unknown {what} {word!r}.{hint}")


def read_toml(data: bytes | str) -> dict[str, Any]:
    """A TOML document as a dict (tomllib, or tomli on Python 3.10)."""
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    return tomllib.loads(text)


def _rows(package: str, name: str) -> list[list[str]]:
    """The rows of a TSV file in ``package``'s ``data/``, ``#`` lines being comments."""
    text = read_text(package, f"data/{name}")
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]


def _table(package: str, name: str) -> list[dict[str, str]]:
    """A TSV table whose first row names the columns."""
    header, *rows = _rows(package, name)
    return [dict(zip(header, row, strict=True)) for row in rows]


@cache
def states() -> dict[str, dict[str, str]]:
    """Canonical state -> its row of ``states.tsv`` (meaning, side, lasts, ...)."""
    return {row["state"]: row for row in _table(__package__, "states.tsv")}


@cache
def transitions() -> list[dict[str, str]]:
    """RFC 9293's transitions: ``from``, ``to``, ``event``."""
    return _table(__package__, "transitions.tsv")


@cache
def piles() -> dict[str, dict[str, str]]:
    """Canonical state -> what many of it mean and what to look at next."""
    return {row["state"]: row for row in _table(__package__, "piles.tsv")}


@cache
def pitfalls() -> list[dict[str, str]]:
    """Ways counts go wrong, each naming the states it concerns (``*``: every state)."""
    return _table(__package__, "pitfalls.tsv")


@cache
def tunables() -> list[dict[str, str]]:
    """Timers and limits per OS, each naming the states it concerns."""
    return _table(__package__, "tunables.tsv")


@cache
def systems() -> dict[str, str]:
    """Dialect -> operating system."""
    return {row["dialect"]: row["os"] for row in _table(__package__, "systems.tsv")}


@cache
def ephemeral_ranges() -> dict[str, tuple[int, int]]:
    """OS -> its default ephemeral port range (first, last)."""
    rows = _table(__package__, "ephemeral.tsv")
    return {row["os"]: (int(row["first"]), int(row["last"])) for row in rows}


def ephemeral_range(dialect: str) -> tuple[str, int, int] | None:
    """The OS a dialect's output comes from and its default ephemeral port range (first,
    last); None when unknown."""
    system = systems().get(dialect)
    if system is None or system not in ephemeral_ranges():
        return None
    return (system, *ephemeral_ranges()[system])


@cache
def rules() -> dict[str, dict[str, Any]]:
    """Rule id -> its defaults, states, texts and sources (``rules.toml``)."""
    return read_toml(read_bytes(__package__, "data/rules.toml"))


@cache
def spellings() -> dict[str, dict[str, list[str]]]:
    """Canonical state -> dialect -> the words that dialect prints for it (/proc codes too)."""
    found: dict[str, dict[str, list[str]]] = {state: {} for state in states()}
    model = __package__.rsplit(".", 1)[0] + ".model"
    for printed, canonical, dialects in _rows(model, "tcp_states.tsv"):
        for dialect in dialects.split():
            found[canonical].setdefault(dialect, []).append(printed)
    return found


def os_of(name: str | None) -> str | None:
    """The OS of a dialect or OS name (``linux-ss`` -> ``linux``); None for None."""
    if name is None:
        return None
    if name in systems():
        return systems()[name]
    known = sorted(set(systems().values()))
    if name not in known:
        raise UnknownWordError("OS", name, known + sorted(systems()))
    return name


def _lang(lang: str) -> str:
    if lang not in LANGS:
        raise UnknownWordError("language", lang, list(LANGS))
    return lang


def explain(word: str, os: str | None = None, lang: str = "en") -> dict[str, Any]:
    """What a state (any spelling any dialect prints, or a /proc code) or a rule id means.

    For a state: ``state``, ``spellings`` (by dialect), ``meaning``, ``side``, ``next`` (the
    states RFC 9293 allows next, with the event), ``lasts``, ``tunables`` (of ``os`` only when
    given), ``piles``, ``pitfalls`` (how counts of it go wrong) and ``sources``.  For a rule:
    ``rule``, ``defaults``, ``states``, ``explain`` and ``sources``.  Texts in ``lang`` (``en``
    or ``ko``).
    """
    lang = _lang(lang)
    system = os_of(os)
    if word in rules():
        return explain_rule(word, lang)
    state = canonical_state(word)
    if state is None:
        raise UnknownWordError("state or rule", word, sorted(states()) + sorted(rules()))
    row = states()[state]
    pile = piles()[state]
    return {
        "state": state,
        "spellings": spellings()[state],
        "meaning": row[f"meaning_{lang}"],
        "side": row["side"],
        "next": [
            {"state": t["to"], "event": t["event"]} for t in transitions() if t["from"] == state
        ],
        "lasts": row[f"lasts_{lang}"],
        "tunables": [
            {
                "os": t["os"],
                "name": t["name"],
                "default": t["default"],
                "governs": t[f"governs_{lang}"],
                "source": t["source"],
            }
            for t in tunables()
            if state in t["states"].split() and system in (None, t["os"])
        ],
        "piles": {"means": pile[f"means_{lang}"], "next": pile[f"next_{lang}"]},
        "pitfalls": [
            {"text": p[lang], "source": p["source"]}
            for p in pitfalls()
            if p["states"] == "*" or state in p["states"].split()
        ],
        "sources": row["sources"],
    }


def explain_rule(rule: str, lang: str = "en") -> dict[str, Any]:
    """A rule's defaults, states, text and sources."""
    table = rules()[rule]
    text_keys = {"states", "sources", *(f"explain_{code}" for code in LANGS)}
    return {
        "rule": rule,
        "defaults": {key: value for key, value in table.items() if key not in text_keys},
        "states": table["states"],
        "explain": table[f"explain_{_lang(lang)}"],
        "sources": table["sources"],
    }
