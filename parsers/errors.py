"""Errors the public API raises; each message says what to do."""

from __future__ import annotations


class NetstatNormalizerError(Exception):
    """Base of this package's errors."""


class UnknownDialectError(NetstatNormalizerError, ValueError):
    """A dialect name that is not registered."""

    def __init__(self, name: str, known: list[str]) -> None:
        import difflib  # only for this message

        close = difflib.get_close_matches(name, known, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else f" Known: {', '.join(known)}."
        super().__init__(f"Unknown dialect {name!r}.{hint}")


class DetectionError(NetstatNormalizerError, ValueError):
    """No dialect recognises the text; the message names ``path`` when there is one."""

    def __init__(self, reason: str, path: str | None = None) -> None:
        super().__init__(f"{path}: {reason}" if path is not None else reason)
        self.reason = reason
        self.path = path

    def __reduce__(self) -> tuple[type[DetectionError], tuple[str, str | None]]:
        return type(self), (self.reason, self.path)  # pickled across processes whole


class UnparsedLineError(NetstatNormalizerError, ValueError):
    """A line could not be parsed (raised in strict mode)."""
