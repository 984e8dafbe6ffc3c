"""Protocol words: one table (``protocols.tsv``), which the grammars' terminals agree with."""

from __future__ import annotations

import re

import pytest

from netstat_normalizer.dialects import DIALECTS
from netstat_normalizer.model.protocols import ProtocolWord, protocol_words


def terminal(dialect: str, name: str) -> re.Pattern[str]:
    lines = DIALECTS[dialect].line_grammar()
    (pattern,) = (t.pattern.to_regexp() for t in lines.lark.terminals if t.name == name)
    return re.compile(pattern)


def alternatives(pattern: re.Pattern[str]) -> set[str]:
    """The words of a terminal written ``(?:a|b|c)`` followed by suffixes."""
    found = re.match(r"(?:u_)?\(\?:([\w|]+)\)", pattern.pattern)
    assert found is not None, pattern.pattern
    prefix = "u_" if pattern.pattern.startswith("u_") else ""
    return {prefix + w for w in found[1].split("|")}


def test_ss_netids_are_the_tables_words() -> None:
    words = set(protocol_words("linux-ss"))
    netids = alternatives(terminal("linux-ss", "NETID")) | alternatives(
        terminal("linux-ss", "UNIX_NETID")
    )
    assert netids == words
    assert protocol_words("linux-ss")["u_dgr"] == ProtocolWord("unix", "dgram")
    assert protocol_words("linux-ss")["nl"] == ProtocolWord("netlink", None)


def test_linux_netstat_protocols_are_the_tables_words() -> None:
    inet = terminal("linux-netstat", "INET_PROTO")
    words = set(protocol_words("linux-netstat"))
    assert words == {"tcp", "udp", "udpl", "raw", "sctp"}
    for word in words:
        assert inet.fullmatch(word) and inet.fullmatch(word + "6"), word
    assert protocol_words("linux-netstat")["udpl"].protocol == "udplite"


@pytest.mark.parametrize("dialect", ["freebsd-netstat", "macos-netstat"])
def test_bsd_protocols_are_the_tables_words(dialect: str) -> None:
    inet = terminal(dialect, "INET_PROTO")
    words = set(protocol_words(dialect))
    # sctp and mptcp have terminals (and tables) of their own
    assert alternatives(inet) == words - {"sctp", "mptcp"}
    for word in words - {"sctp", "mptcp"}:
        assert all(inet.fullmatch(word + suffix) for suffix in ("", "4", "6", "46")), word
    assert protocol_words(dialect)["icm"].protocol == "icmp"


def test_a_dialect_not_listed_prints_no_protocol_word() -> None:
    assert protocol_words("no-such-dialect") == {}
