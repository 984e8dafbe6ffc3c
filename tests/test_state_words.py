"""Each dialect reads only the TCP state words its system prints (``tcp_states.tsv``)."""

from __future__ import annotations

import pytest

import netstat_normalizer as nn
from netstat_normalizer.dialects import DIALECTS
from netstat_normalizer.dialects.base import RowError
from netstat_normalizer.model.states import PRINTED_BY, TCP_STATES, states_printed_by

ACCEPTED = {
    "linux-netstat": {"ESTABLISHED": "ESTABLISHED", "CLOSE": "CLOSED", "FIN_WAIT1": "FIN-WAIT-1"},
    "linux-ss": {"ESTAB": "ESTABLISHED", "UNCONN": "CLOSED", "SYN-RECV": "SYN-RECEIVED"},
    "windows-netstat": {"LISTENING": "LISTEN", "ABHÖREN": "LISTEN", "DELETE_TCB": "DELETE-TCB"},
    "freebsd-netstat": {"LISTEN": "LISTEN", "SYN_RCVD": "SYN-RECEIVED", "CLOSED": "CLOSED"},
    "macos-netstat": {"TIME_WAIT": "TIME-WAIT", "FIN_WAIT_2": "FIN-WAIT-2"},
    "solaris-netstat": {"IDLE": "IDLE", "BOUND": "BOUND", "CLOSED": "CLOSED"},
}
REFUSED = {
    "linux-netstat": ("ESTAB", "LISTENING", "CLOSED", "FIN_WAIT_1"),
    "linux-ss": ("ESTABLISHED", "LISTENING", "CLOSE", "TIME_WAIT"),
    "windows-netstat": ("ESTAB", "LISTEN", "CLOSE", "IDLE"),
    "freebsd-netstat": ("ESTAB", "LISTENING", "BOUND", "HERGESTELLT"),
    "macos-netstat": ("UNCONN", "DELETE_TCB", "FIN_WAIT1"),
    "solaris-netstat": ("LISTENING", "SYN-SENT", "DELETE_TCB"),
}


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_words_the_dialect_prints_are_accepted(name: str) -> None:
    dialect = DIALECTS[name]()
    for word, state in ACCEPTED[name].items():
        assert dialect.tcp_state(word) == state


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_words_of_other_systems_are_refused(name: str) -> None:
    dialect = DIALECTS[name]()
    for word in REFUSED[name]:
        with pytest.raises(RowError, match=f"^state word '{word}' is not printed by {name}$"):
            dialect.tcp_state(word)
    with pytest.raises(RowError, match=r"^unknown TCP state 'ESTABLISHD'$"):
        dialect.tcp_state("ESTABLISHD")


def test_every_word_is_printed_by_a_registered_dialect() -> None:
    for word, printers in PRINTED_BY.items():
        assert printers & set(DIALECTS), word
    assert set(TCP_STATES) == {w for d in DIALECTS for w in states_printed_by(d)}


def test_a_windows_row_saying_estab_is_a_diagnostic() -> None:
    text = (
        "  TCP    10.0.0.5:49702         10.0.0.9:443           ESTABLISHED\n"
        "  TCP    10.0.0.5:49703         10.0.0.9:443           ESTAB\n"
    )
    result = nn.parse(text, dialect="windows-netstat")
    assert [r.state for r in result.records] == ["ESTABLISHED"]
    assert [(d.line, d.reason) for d in result.diagnostics] == [
        (2, "state word 'ESTAB' is not printed by windows-netstat")
    ]


def test_an_ss_row_saying_listening_is_a_diagnostic() -> None:
    text = (
        "State  Recv-Q Send-Q Local Address:Port Peer Address:Port\n"
        "LISTEN 0      128          0.0.0.0:22        0.0.0.0:*\n"
        "LISTENING 0   128          0.0.0.0:23        0.0.0.0:*\n"
    )
    result = nn.parse(text, dialect="linux-ss", command="ss -tln")
    assert [r.local_port for r in result.records] == [22]
    assert [d.reason for d in result.diagnostics] == [
        "state word 'LISTENING' is not printed by linux-ss"
    ]


def test_freebsd_keeps_reading_a_hidden_state_mark() -> None:
    text = (
        "Proto Recv-Q Send-Q Local Address          Foreign Address        (state)\n"
        "tcp4       0      0 10.0.0.1.22            10.0.0.2.5000          ESTABLISHED*\n"
        "tcp4       0      0 10.0.0.1.22            10.0.0.2.5001          LISTENING*\n"
    )
    result = nn.parse(text, dialect="freebsd-netstat")
    assert [(r.state, r.state_raw) for r in result.records] == [("ESTABLISHED", "ESTABLISHED*")]
    assert [d.reason for d in result.diagnostics] == [
        "state word 'LISTENING' is not printed by freebsd-netstat"
    ]
