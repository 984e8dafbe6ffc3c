"""Canonical TCP states (RFC 9293) and the table mapping every printed state word onto them."""

from __future__ import annotations

from enum import Enum
from functools import cache

from ..resources import read_text


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


def _load() -> tuple[dict[str, str], dict[str, frozenset[str]]]:
    """The table: printed word -> canonical state, and -> the dialects that print it.  A word
    may have several rows (one per dialect added), which must agree on its state."""
    states: dict[str, str] = {}
    printers: dict[str, frozenset[str]] = {}
    text = read_text(__package__, "data/tcp_states.tsv")
    for line in text.splitlines():
        if line and not line.startswith("#"):
            printed, canonical, by = line.split("\t")
            state = TcpState(canonical).value
            if states.setdefault(printed, state) != state:
                raise ValueError(f"tcp_states.tsv: {printed!r} is {states[printed]} and {state}")
            printers[printed] = printers.get(printed, frozenset()) | frozenset(by.split())
    return states, printers


TCP_STATES, PRINTED_BY = _load()
"""Printed state word -> canonical state, for every dialect (the one place states are mapped);
printed state word -> the dialects that print it."""


@cache
def states_printed_by(dialect: str) -> dict[str, str]:
    """Printed state word -> canonical state, for the words ``dialect`` prints."""
    return {word: state for word, state in TCP_STATES.items() if dialect in PRINTED_BY[word]}


def _spelling(word: str) -> str:
    """A state word without case, ``_``, ``-`` or spaces: ``TIME_WAIT``, ``TimeWait``, ``time wait``
    all become ``timewait``."""
    return word.casefold().replace("_", "").replace("-", "").replace(" ", "")


_SPELLINGS: dict[str, str] = {
    **{_spelling(state.value): state.value for state in TcpState},
    **{_spelling(printed): canonical for printed, canonical in TCP_STATES.items()},
}


def canonical_state(word: str) -> str | None:
    """The canonical state of any spelling a dialect prints (``SYN_RCVD``, ``LISTENING``,
    ``ABHÖREN``, ``TimeWait``, ``time-wait``, the /proc/net/tcp code ``0A``, in any case); None
    for a word that is no TCP state."""
    return _SPELLINGS.get(_spelling(word.strip()))


state_named = canonical_state
"""The same lookup under the name ``parse --state`` and ``TcpState("time_wait")`` use."""
