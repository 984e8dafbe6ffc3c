"""Bytes to text: BOMs, UTF-16 without a BOM, UTF-8, and legacy code pages chosen by evidence."""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from functools import cache

from ..errors import NetstatNormalizerError

LEGACY = ("cp850", "cp437", "cp866", "cp932", "cp936", "cp949", "cp950", "cp1252")
"""Code pages tried, in this order, when the bytes are not UTF-8 (Windows OEM pages first)."""

ERRORS = "netstat-normalizer-bytes"
"""The codec error handler input is decoded with: like ``surrogateescape`` (byte ``b`` becomes
U+DC00 + ``b``, and back when encoding), but for any byte, so that UTF-16 text cut inside a
character or holding a lone surrogate decodes too."""


def _bytes_as_surrogates(err: UnicodeError) -> tuple[str | bytes, int]:
    if isinstance(err, UnicodeDecodeError):
        return "".join(chr(0xDC00 + b) for b in err.object[err.start : err.end]), err.end
    if isinstance(err, UnicodeEncodeError):
        chars = err.object[err.start : err.end]
        if all("\udc00" <= c <= "\udcff" for c in chars):
            return bytes(ord(c) - 0xDC00 for c in chars), err.end
    raise err


codecs.register_error(ERRORS, _bytes_as_surrogates)

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def sniff(data: bytes, score: Callable[[str], float] | None = None) -> str:
    """The encoding of ``data``: a BOM's, UTF-16's (NUL-padded ASCII), UTF-8, else the legacy
    code page whose decoding ``score`` (how well the text parses) likes best."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    head = data[:4096]
    if len(head) >= 4 and head[1::2].count(0) > len(head) // 4:
        return "utf-16-le"
    if len(head) >= 4 and head[0::2].count(0) > len(head) // 4:
        return "utf-16-be"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    candidates = []
    for name in LEGACY:
        try:
            text = data[:65536].decode(name)
        except UnicodeDecodeError:
            continue
        candidates.append((score(text) if score else 0.0, -LEGACY.index(name), name))
    return max(candidates)[2] if candidates else "utf-8"


class EncodingError(NetstatNormalizerError, LookupError):
    """An encoding that does not exist, or cannot decode a capture (``idna``, ``punycode``,
    ``rot13``, ``base64``...)."""


_PROBE = "Proto Recv-Q Local Address\r\ntcp 0 0 127.0.0.1:22 ÉCOUTE\n"
"""A capture's text: each encoding offered must decode it back, bytes it cannot as surrogates."""


@cache
def check_encoding(name: str) -> str:
    """``name``'s canonical name when it is a text encoding a capture can be decoded with (by
    ``ERRORS``, piecewise); EncodingError (a LookupError) otherwise."""
    try:
        info = codecs.lookup(name)
    except LookupError:
        raise EncodingError(f"unknown encoding {name!r}") from None
    try:
        data = _PROBE.encode(name, "replace")
        decoder = codecs.getincrementaldecoder(name)(errors=ERRORS)
        text = "".join(decoder.decode(data[i : i + 1]) for i in range(len(data)))
        text += decoder.decode(b"\xff", final=True)
        ok = text.startswith(_PROBE.replace("É", "?")) or text.startswith(_PROBE)
    except Exception:
        ok = False
    if not ok or not getattr(info, "_is_text_encoding", True):
        raise EncodingError(f"{name!r} is not a text encoding a capture can be decoded with")
    return info.name


def without_surrogates(text: str) -> str:
    """``text`` with each lone surrogate (an undecodable byte of a file name) as its escape
    ``\\udcXX``, as the JSON outputs write it: valid UTF-8, for Parquet."""
    if text.isascii() or not _SURROGATE.search(text):
        return text
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


_SURROGATE = re.compile("[\ud800-\udfff]")


def decode(
    data: bytes, encoding: str | None = None, score: Callable[[str], float] | None = None
) -> tuple[str, str]:
    """``(text, encoding)``. Undecodable bytes become lone surrogates (``ERRORS``), so the lines
    holding them can be reported rather than silently altered.  EncodingError (a LookupError)
    for an ``encoding`` that is none or cannot decode a capture."""
    if encoding is not None:
        check_encoding(encoding)
    name = encoding or sniff(data, score)
    return data.decode(name, errors=ERRORS), name


_UNDECODABLE = re.compile("[\udc00-\udcff]")
"""What ``ERRORS`` makes of a byte its encoding cannot decode."""


def has_undecodable(line: str) -> bool:
    """True when ``line`` holds bytes its encoding could not decode."""
    return _UNDECODABLE.search(line) is not None
