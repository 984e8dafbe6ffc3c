"""The knowledge tables and ``explain``: every state and rule explained in English and Korean,
any printed spelling resolved, RFC 9293's transitions, the ephemeral ranges."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

import netstat_normalizer as nn
from conftest import FIXTURES
from netstat_normalizer import dialects
from netstat_normalizer.analysis import knowledge
from netstat_normalizer.analysis.knowledge import UnknownWordError, explain
from netstat_normalizer.model.states import TCP_STATES, TcpState, canonical_state
from netstat_normalizer.resources import read_text

HANGUL = re.compile("[\uac00-\ud7a3]")


@pytest.mark.parametrize(
    ("word", "state"),
    [
        ("TIME_WAIT", "TIME-WAIT"),
        ("TimeWait", "TIME-WAIT"),
        ("time wait", "TIME-WAIT"),
        ("time-wait", "TIME-WAIT"),
        ("SYN_RCVD", "SYN-RECEIVED"),
        ("SYN-RECV", "SYN-RECEIVED"),
        ("syn_received", "SYN-RECEIVED"),
        ("LISTENING", "LISTEN"),
        ("ABHÖREN", "LISTEN"),
        ("ESTAB", "ESTABLISHED"),
        ("FIN_WAIT1", "FIN-WAIT-1"),
        ("FinWait2", "FIN-WAIT-2"),
        ("CLOSE", "CLOSED"),
        ("DELETE_TCB", "DELETE-TCB"),
        ("01", "ESTABLISHED"),
        ("06", "TIME-WAIT"),
        ("0A", "LISTEN"),
        ("0a", "LISTEN"),
        ("0B", "CLOSING"),
    ],
)
def test_canonical_state_takes_any_spelling(word: str, state: str) -> None:
    assert canonical_state(word) == state


@pytest.mark.parametrize("word", ["", "FOO", "0C", "7", "LISTENER", "TIME"])
def test_canonical_state_refuses_other_words(word: str) -> None:
    assert canonical_state(word) is None


def test_every_printed_word_resolves_to_its_table_state() -> None:
    for printed, state in TCP_STATES.items():
        assert canonical_state(printed) == state
        assert canonical_state(printed.lower()) == state


def test_every_state_has_meaning_lasts_and_piles_in_both_languages() -> None:
    assert set(knowledge.states()) == {s.value for s in TcpState}
    assert set(knowledge.piles()) == {s.value for s in TcpState}
    for state in TcpState:
        for lang in ("en", "ko"):
            answer = explain(state.value, lang=lang)
            for text in (answer["meaning"], answer["lasts"], *answer["piles"].values()):
                assert text.strip()
                assert bool(HANGUL.search(text)) == (lang == "ko"), (state, lang, text)
            assert all(
                bool(HANGUL.search(t["governs"])) == (lang == "ko") for t in answer["tunables"]
            )
        assert answer["sources"]


def test_every_rule_has_texts_in_both_languages_and_real_states() -> None:
    for rule, table in knowledge.rules().items():
        assert table["explain_en"] and not HANGUL.search(table["explain_en"])
        assert HANGUL.search(table["explain_ko"]), rule
        assert table["sources"]
        assert all(canonical_state(s) == s for s in table["states"]), rule


def test_transitions_are_rfc_9293s() -> None:
    rows = knowledge.transitions()
    text = read_text(knowledge.__package__, "data/transitions.tsv")
    assert text.splitlines()[0] == "from\tto\tevent"
    pairs = {(r["from"], r["to"]) for r in rows}
    assert all(canonical_state(a) == a and canonical_state(b) == b for a, b in pairs)
    for pair in [
        ("CLOSED", "LISTEN"),
        ("CLOSED", "SYN-SENT"),
        ("LISTEN", "SYN-RECEIVED"),
        ("SYN-SENT", "SYN-RECEIVED"),  # simultaneous open
        ("SYN-SENT", "ESTABLISHED"),
        ("SYN-RECEIVED", "ESTABLISHED"),
        ("ESTABLISHED", "FIN-WAIT-1"),
        ("ESTABLISHED", "CLOSE-WAIT"),
        ("FIN-WAIT-1", "FIN-WAIT-2"),
        ("FIN-WAIT-1", "CLOSING"),  # simultaneous close
        ("FIN-WAIT-2", "TIME-WAIT"),
        ("CLOSING", "TIME-WAIT"),
        ("CLOSE-WAIT", "LAST-ACK"),
        ("LAST-ACK", "CLOSED"),
        ("TIME-WAIT", "CLOSED"),
    ]:
        assert pair in pairs
    assert {b for a, b in pairs if a == "TIME-WAIT"} == {"CLOSED"}
    assert ("CLOSE-WAIT", "TIME-WAIT") not in pairs
    assert ("LISTEN", "ESTABLISHED") not in pairs


def test_ephemeral_ranges() -> None:
    sizes = {os: last - first + 1 for os, (first, last) in knowledge.ephemeral_ranges().items()}
    assert sizes == {
        "linux": 28232,
        "windows": 16384,
        "macos": 16384,
        "solaris": 32768,
        "freebsd": 55536,
        "openbsd": 48128,
        "netbsd": 16384,
        "aix": 32768,
    }
    assert set(knowledge.systems().values()) == set(sizes)


def test_explain_a_state() -> None:
    answer = explain("SYN_RCVD")
    assert set(answer) >= {"state", "spellings", "meaning", "side", "next", "lasts", "tunables"}
    assert answer["state"] == "SYN-RECEIVED"
    assert answer["side"] == "passive-open"
    assert answer["spellings"]["freebsd-netstat"] == ["SYN_RCVD"]
    assert answer["spellings"]["linux-ss"] == ["SYN-RECV"]
    assert "SYN_RECEIVED" in answer["spellings"]["windows-netstat"]
    assert answer["spellings"]["linux-proc-net"] == ["03"]
    assert {n["state"] for n in answer["next"]} == {"ESTABLISHED", "FIN-WAIT-1", "LISTEN", "CLOSED"}
    linux = {t["name"]: t["default"] for t in answer["tunables"] if t["os"] == "linux"}
    assert linux["net.ipv4.tcp_synack_retries"] == "5"
    assert "SYN flood" in answer["piles"]["means"]
    assert [p["text"][:12] for p in answer["pitfalls"]] == ["grep :80 als"]
    tw = explain("TIME-WAIT", lang="ko")["pitfalls"]
    assert len(tw) == 2 and all(HANGUL.search(p["text"]) for p in tw)


def test_explain_filters_tunables_by_os_or_dialect() -> None:
    linux = explain("TIME-WAIT", os="linux-ss")["tunables"]
    assert {t["os"] for t in linux} == {"linux"}
    assert "TCP_TIMEWAIT_LEN" in {t["name"] for t in linux}
    solaris = explain("time_wait", os="solaris")["tunables"]
    assert (solaris[0]["name"], solaris[0]["default"]) == ("tcp_time_wait_interval", "60000 ms")
    windows = explain("TIME_WAIT", os="windows")["tunables"]
    assert "TcpTimedWaitDelay" in {t["name"] for t in windows}
    assert explain("CLOSE-WAIT", os="linux")["tunables"] == []  # no timer ends it


def test_explain_a_rule() -> None:
    answer = explain("close-wait-pile", lang="ko")
    assert answer["rule"] == "close-wait-pile"
    assert answer["defaults"] == {"enabled": True, "warning": 100, "critical": 1000}
    assert HANGUL.search(answer["explain"])


def test_explain_refuses_unknown_words_with_a_hint() -> None:
    with pytest.raises(UnknownWordError, match="Did you mean 'close-wait-pile'"):
        explain("close-wait-piles")
    with pytest.raises(UnknownWordError, match="OS"):
        explain("LISTEN", os="plan9")
    with pytest.raises(UnknownWordError, match="language"):
        explain("LISTEN", lang="fr")


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "netstat_normalizer", *args]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def test_cli_explain_json_and_text() -> None:
    done = cli("explain", "ABHÖREN", "--format", "json", "--lang", "ko")
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["state"] == "LISTEN"
    assert "ABHÖREN" in answer["spellings"]["windows-netstat"]
    done = cli("explain", "0A", "--os", "linux")
    assert done.returncode == 0
    assert done.stdout.startswith("LISTEN (passive-open): ")
    assert "net.core.somaxconn = 4096" in done.stdout
    done = cli("explain", "BOGUS")
    assert done.returncode == 2
    assert "Unknown state or rule 'BOGUS'" in done.stderr


def test_every_dialect_has_its_system() -> None:
    """A new dialect needs a row in analysis/data/systems.tsv (its OS: tunables, port range)."""
    assert set(knowledge.systems()) == set(dialects())


def test_no_claim_that_macos_hides_time_wait() -> None:
    """A published macOS 10.14.6 ``netstat`` (jc's tests) prints a TIME_WAIT row, as the bundled
    reconstructions do: no pitfall nor pile says macOS lists none."""
    told = explain("TIME-WAIT")
    texts = [p["text"] for p in told["pitfalls"]] + [told["piles"]["means"]]
    assert not [text for text in texts if "macOS" in text]
    records = nn.parse((FIXTURES / "macos-netstat" / "an.out").read_bytes()).records
    assert "TIME-WAIT" in {r.state for r in records}
