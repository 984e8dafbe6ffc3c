"""Canonical TCP states (RFC 9293) and the table mapping every printed state word onto them."""

from __future__ import annotations

from enum import Enum
from importlib.resources import files


class TcpState(str, Enum):
    """RFC 9293 connection states, plus the implementation states it folds into CLOSED."""

    LISTEN = "LISTEN"
    SYN_SENT = "SYN-SENT"
    SYN_RECEIVED = "SYN-RECEIVED"
    ESTABLISHED = "ESTABLISHED"
    FIN_WAIT_1 = "FIN-WAIT-1"
    FIN_WAIT_2 = "FIN-WAIT-2"
    CLOSE_WAIT = "CLOSE-WAIT"
    CLOSING = "CLOSING"
    LAST_ACK = "LAST-ACK"
    TIME_WAIT = "TIME-WAIT"
    CLOSED = "CLOSED"
    BOUND = "BOUND"
    IDLE = "IDLE"
    DELETE_TCB = "DELETE-TCB"

    @classmethod
    def _missing_(cls, value: object) -> TcpState | None:
        """``TcpState("TIME_WAIT")``, ``TcpState("estab")``: any spelling ``state_named`` knows."""
        found = state_named(value) if isinstance(value, str) else None
        return None if found is None else cls(found)


def _load() -> dict[str, str]:
    table: dict[str, str] = {}
    text = files(__package__).joinpath("data/tcp_states.tsv").read_text("utf-8")
    for line in text.splitlines():
        if line and not line.startswith("#"):
            printed, canonical, _ = line.split("\t")
            table[printed] = TcpState(canonical).value
    return table


TCP_STATES: dict[str, str] = _load()
"""Printed state word -> canonical state, for every dialect (the one place states are mapped)."""


def state_named(word: str) -> str | None:
    """The canonical state a person means by ``word``, spelt as any system prints it or as RFC
    9293 names it, in any case, with ``_`` or ``-`` (``TIME_WAIT``, ``time-wait``, ``ESTAB``,
    ``LISTENING``, ``ABHÖREN``); None for no state."""
    word = word.strip()
    upper = word.upper()
    for spelling in (word, upper, upper.replace("_", "-"), upper.replace("-", "_")):
        if spelling in TCP_STATES:
            return TCP_STATES[spelling]
        if spelling in _CANONICAL:
            return spelling
    return None


_CANONICAL = frozenset(state.value for state in TcpState)
