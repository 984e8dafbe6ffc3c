"""The protocol words each dialect prints (``tcp``, ``icm``, ``u_str``...) and what they name."""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

from ..resources import read_text


class ProtocolWord(NamedTuple):
    """A printed protocol word's meaning: the protocol, and the socket type an ss Netid tells."""

    protocol: str
    socket_type: str | None


def _load() -> dict[str, dict[str, ProtocolWord]]:
    """Dialect -> its printed words -> their meanings; ValueError when a dialect's rows of one
    word disagree."""
    table: dict[str, dict[str, ProtocolWord]] = {}
    text = read_text(__package__, "data/protocols.tsv")
    for line in text.splitlines():
        if line and not line.startswith("#"):
            printed, protocol, by, socket_type = line.split("\t")
            meaning = ProtocolWord(protocol, socket_type or None)
            for dialect in by.split():
                if table.setdefault(dialect, {}).setdefault(printed, meaning) != meaning:
                    raise ValueError(f"protocols.tsv: two meanings of {printed!r} in {dialect}")
    return table


_TABLE = _load()


@cache
def protocol_words(dialect: str) -> dict[str, ProtocolWord]:
    """The protocol words ``dialect`` prints -> their meanings (empty for a dialect not listed)."""
    return dict(_TABLE.get(dialect, {}))
