"""Reading input lines with bounded memory."""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterator
from typing import Protocol

from .decode import ERRORS, check_encoding, sniff

MAX_LINE = 1 << 20
"""The longest line read whole, in bytes (1 MiB); a longer line is reported and skipped."""

SNIFF_BYTES = 1 << 16
"""How much of the input the encoding is sniffed from (64 KiB)."""

CHUNK = 1 << 16
"""How many bytes are read and decoded at a time."""

HEAD_CHARS = 200
"""How many characters of an overlong line are kept, for its diagnostic."""


class ByteStream(Protocol):
    """What input is read from: a binary file, a decompressing stream, an archive member."""

    def read(self, size: int = -1, /) -> bytes: ...


_LINE_END = re.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> list[str]:
    """The lines of a text in memory, split where ``open_lines`` splits a stream: at ``\n``,
    ``\r\n`` or ``\r`` only (``str.splitlines`` also splits at ``\x0c``, ``\x85``...); by
    ``str.split`` when the text holds no ``\r`` (ten times faster than the regex)."""
    lines = _LINE_END.split(text) if "\r" in text else text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return lines


class OverlongLine(str):
    """Stands for a line longer than ``MAX_LINE``: holds its first characters, and its length."""

    length: int

    def __new__(cls, head: str, length: int) -> OverlongLine:
        line = super().__new__(cls, head)
        line.length = length
        return line


def open_lines(
    stream: ByteStream,
    encoding: str | None = None,
    max_line: int = MAX_LINE,
    score: Callable[[str], float] | None = None,
) -> tuple[str, Iterator[str]]:
    """``(encoding, lines)`` of a binary stream, streaming: lines without their ends (``\\n``,
    ``\\r\\n`` or ``\\r``), an ``OverlongLine`` for each line longer than ``max_line`` bytes.

    The encoding is ``encoding``, else sniffed from the first ``SNIFF_BYTES`` (``score`` rates a
    legacy code page's decoding, e.g. ``engine.detect.confidence``).  Undecodable bytes
    become lone surrogates (``decode.ERRORS``).  ``decode.EncodingError`` (a LookupError) for
    an encoding that is unknown or cannot decode a capture.
    """
    if encoding is not None:
        check_encoding(encoding)
    head = _read_head(stream)
    name = encoding or sniff(_whole_lines(head), score=score)
    return name, _lines(head, stream, name, max_line)


def _read_head(stream: ByteStream) -> bytes:
    parts = []
    size = 0
    while size < SNIFF_BYTES:
        part = stream.read(SNIFF_BYTES - size)
        if not part:
            break
        parts.append(part)
        size += len(part)
    return b"".join(parts)


def _whole_lines(head: bytes) -> bytes:
    """A full head cut after its last line end, so no multibyte character is cut in two."""
    cut = head.rfind(b"\n") + 1 if len(head) >= SNIFF_BYTES else 0
    return head[:cut] if cut > 0 else head


def _chunks(head: bytes, stream: ByteStream) -> Iterator[bytes]:
    if head:
        yield head
    read = getattr(stream, "read1", stream.read)
    while chunk := read(CHUNK):
        yield chunk


def _lines(head: bytes, stream: ByteStream, encoding: str, max_line: int) -> Iterator[str]:
    decoder = codecs.getincrementaldecoder(encoding)(errors=ERRORS)
    size = _sizer(encoding)
    line = _Line(max_line, size)
    carry = ""
    for chunk in _chunks(head, stream):
        text = carry + decoder.decode(chunk)
        carry = "\r" if text.endswith("\r") else ""  # its "\n" may be in the next chunk
        yield from line.feed(text[: len(text) - len(carry)])
    text = carry + decoder.decode(b"", final=True)
    yield from line.feed(text)
    yield from line.end()


class _Line:
    """Splits decoded text into lines, holding at most ``max_line`` bytes of a line."""

    def __init__(self, max_line: int, size: Callable[[str], int]) -> None:
        self.max_line = max_line
        self.size = size
        self.short = max_line // 4
        """A line of at most this many characters fits, whatever its characters' sizes."""
        self.parts: list[str] = []
        self.length = 0
        self.head: str | None = None
        """The start of the current line once it is known to be overlong."""

    def feed(self, text: str) -> Iterator[str]:
        """The lines ``text`` completes."""
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        *complete, rest = text.split("\n")
        for piece in complete:
            if self.parts or self.head is not None or len(piece) > self.short:
                self.add(piece)
                piece = self.take()
            yield piece
        self.add(rest)

    def add(self, piece: str) -> None:
        if not piece:
            return
        self.length += self.size(piece)
        if self.head is not None:
            return
        self.parts.append(piece)
        if self.length > self.max_line:
            self.head = "".join(self.parts)[:HEAD_CHARS]
            self.parts = []

    def take(self) -> str:
        line = (
            OverlongLine(self.head, self.length) if self.head is not None else "".join(self.parts)
        )
        self.parts, self.length, self.head = [], 0, None
        return line

    def end(self) -> Iterator[str]:
        """The last line, when the input does not end with a line end."""
        if self.parts or self.head is not None:
            yield self.take()


def _sizer(encoding: str) -> Callable[[str], int]:
    """How many bytes a text takes in ``encoding`` (an undecodable byte counts 2 in UTF-16)."""
    info = codecs.lookup(encoding)
    utf16 = info.name.startswith("utf-16")
    codec = "utf-16-le" if utf16 else "utf-8" if info.name == "utf-8-sig" else info.name
    errors = "surrogatepass" if utf16 else ERRORS
    unit = 2 if utf16 else 1

    def size(text: str) -> int:
        return len(text) * unit if text.isascii() else len(text.encode(codec, errors))

    return size
