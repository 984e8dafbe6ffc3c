"""Errors the public API raises; each message says what to do."""

from __future__ import annotations

import difflib


class NetstatNormalizerError(Exception):
    """Base of this package's errors."""


class UnknownDialectError(NetstatNormalizerError, ValueError):
    """A dialect name that is not registered."""

    def __init__(self, name: str, known: list[str]) -> None:
        close = difflib.get_close_matches(name, known, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else f" Known: {', '.join(known)}."
        super().__init__(f"Unknown dialect {name!r}.{hint}")


class DetectionError(NetstatNormalizerError, ValueError):
    """No dialect recognises the text."""


class UnparsedLineError(NetstatNormalizerError, ValueError):
    """A line could not be parsed (raised in strict mode)."""
