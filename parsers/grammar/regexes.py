"""Regexes compiled once and kept as data, so that a later run does not compile them again.

CPython's regex compiler is written in Python: compiling the fast paths detection tries on a
line takes 20-30 ms, more than the rest of a short run.  ``code_of`` keeps what the compiler makes
of a pattern (the engine's code, its groups and flags) as plain data, and ``compile`` hands it
back to the engine (``_sre.compile``, which validates the code it is given).  These are CPython
internals: where they are missing or differ, ``code_of`` gives None and ``compile`` falls back to
``re.compile``, and a plan is kept per Python build (``BUILD``), whose internals do not change.
"""

from __future__ import annotations

import binascii
import re
import sys
import zlib
from array import array
from typing import Any, TypedDict

try:
    import _sre  # type: ignore[import-not-found]
    from re import _compiler, _parser  # type: ignore[attr-defined]
except ImportError:  # Python 3.10 names them sre_compile and sre_parse; other Pythons
    _sre = None

BUILD = f"{sys.implementation.name} {sys.version} {getattr(_sre, 'MAGIC', None)}"
"""The Python build whose regex engine the kept code is for."""


class Code(TypedDict):
    """A compiled pattern, as data."""

    code: str
    """The engine's code: unsigned words, deflated, base64."""
    flags: int
    groups: int
    names: dict[str, int]
    pattern: int
    """A checksum of the pattern the code is for."""


def code_of(pattern: str) -> Code | None:
    """What compiling ``pattern`` makes, as data (None where the internals are not as
    expected, or do not give back what ``re.compile`` gives)."""
    if _sre is None:
        return None
    try:
        parsed = _parser.parse(pattern, 0)
        words = array("I", _compiler._code(parsed, 0))
        found: Code = {
            "code": binascii.b2a_base64(zlib.compress(words.tobytes()), newline=False).decode(),
            "flags": parsed.state.flags,
            "groups": parsed.state.groups - 1,
            "names": dict(parsed.state.groupdict),
            "pattern": zlib.crc32(pattern.encode()),
        }
        kept, fresh = compile(pattern, found), re.compile(pattern)
    except Exception:  # internals not as expected: compile it each time
        return None
    same = (kept.groups, kept.groupindex, kept.flags) == (
        fresh.groups,
        fresh.groupindex,
        fresh.flags,
    )
    return found if same and words.itemsize == _sre.CODESIZE else None


def compile(pattern: str, code: Any) -> re.Pattern[str]:
    """``pattern`` compiled, from its ``code`` (see ``code_of``) when it is given, else by
    ``re.compile``; ValueError for code that is not ``pattern``'s or that the engine refuses."""
    if code is None or _sre is None:
        return re.compile(pattern)
    try:
        if code["pattern"] != zlib.crc32(pattern.encode()):
            raise ValueError("code of another pattern")
        words = array("I", zlib.decompress(binascii.a2b_base64(code["code"])))
        names = {str(name): int(number) for name, number in code["names"].items()}
        index: list[str | None] = [None] * (int(code["groups"]) + 1)
        for name, number in names.items():
            index[number] = name
        found = _sre.compile(
            pattern, int(code["flags"]), words.tolist(), int(code["groups"]), names, tuple(index)
        )
    except Exception as err:
        raise ValueError(f"damaged code: {err}") from None
    if not isinstance(found, re.Pattern) or found.pattern != pattern:
        raise ValueError("damaged code")
    return found
