"""Bytes to text: BOMs, UTF-16 without a BOM, UTF-8, and legacy code pages chosen by evidence."""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable

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


def decode(
    data: bytes, encoding: str | None = None, score: Callable[[str], float] | None = None
) -> tuple[str, str]:
    """``(text, encoding)``. Undecodable bytes become lone surrogates (``ERRORS``), so the lines
    holding them can be reported rather than silently altered."""
    name = encoding or sniff(data, score)
    return data.decode(name, errors=ERRORS), name


_UNDECODABLE = re.compile("[\udc00-\udcff]")
"""What ``ERRORS`` makes of a byte its encoding cannot decode."""


def has_undecodable(line: str) -> bool:
    """True when ``line`` holds bytes its encoding could not decode."""
    return _UNDECODABLE.search(line) is not None
