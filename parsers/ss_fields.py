"""ss's per-socket detail fields: a small language of their own.

``users:(("nginx",pid=1,fd=6),("nginx",pid=2,fd=6)) uid:33 ino:1234 sk:1f cgroup:/x v6only:0 <->``,
``timer:(keepalive,1min2sec,0)``, ``skmem:(r0,rb131072,...)`` and the ``-i`` line's ``ts sack cubic
wscale:7,7 rtt:0.03/0.015 send 123bps bbr:(bw:1bps,...)`` all become one dict.

The text is split into fields by one linear tokenizer; the parenthesised sub-languages (users,
timer, skmem) are pyparsing elements, each a single anchored ``Regex``.  Like the line grammars'
fast path, a field is matched with the element's own compiled pattern, and pyparsing runs only on
a field that does not match, to say why: a pyparsing call costs about 15 us, and every ``ss -p``
row carries such fields.
"""

from __future__ import annotations

import re
from typing import Any

import pyparsing as pp

_PROCESS = r'\("{}",pid={},fd={}\)'
_PROCESS_RE = re.compile(_PROCESS.format(r'((?:[^"\\]|\\.)*)', r"(\d+)", r"(\d+)"))
_ONE_PROCESS = _PROCESS.format(r'(?:[^"\\]|\\.)*', r"\d+", r"\d+")

USERS = pp.Regex(r"users:\((?:" + _ONE_PROCESS + r",?)+\)\Z")
"""``users:(("name",pid=N,fd=N),...)``: the processes holding the socket."""
TIMER = pp.Regex(r"timer:\((?P<name>\w+),(?P<expires>[\w.]*),(?P<retransmits>\d+)\)\Z")
"""``timer:(name,expires,retransmits)``; expires is empty when the timer is due, and read by
``duration`` (a pattern for its syntax here would backtrack quadratically on ``1.1.1.1...``)."""
SKMEM = pp.Regex(r"skmem:\((?P<body>[a-z]+\d+(?:,[a-z]+\d+)*)\)\Z")
"""``skmem:(r0,rb131072,...)``: socket memory counters."""

_FIELD = re.compile(
    r'[\w-]+:\((?:[^()"]|"(?:[^"\\]|\\.)*"|\((?:[^()"]|"(?:[^"\\]|\\.)*")*\))*\)|\S+'
)
_SPACED = frozenset(("send", "pacing_rate", "delivery_rate"))
_FLAG = re.compile(r"[\w<>.-]+")
"""A bare word: ``ts``, ``sack``, ``cubic``, ``<->``..."""
_RATE = re.compile(r"\d+(?:\.\d+)?[KMGT]?bps(?:/\d+(?:\.\d+)?[KMGT]?bps)?")
"""``send``'s, ``pacing_rate``'s and ``delivery_rate``'s value (pacing may add ``/max``)."""
_AS_TEXT = frozenset(("sk", "cgroup", "wscale", "rtt"))
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_DURATION = re.compile(r"(?:(\d+)min)?(?:(\d+)(?:sec|\.))?(?:(\d+)ms)?")
_COUNTER = re.compile(r"([a-z]+)(\d+)")


def parse_fields(text: str) -> dict[str, Any]:
    """The fields in ``text`` as a dict; raises ``pyparsing.ParseException`` on a malformed one."""
    fields: dict[str, Any] = {}
    tokens = iter(_FIELD.findall(text))
    for token in tokens:
        key, colon, value = token.partition(":")
        if not (colon and key):
            if _RATE.fullmatch(token):
                raise ValueError(f"a rate with no name before it: {token!r}")
            if not _FLAG.fullmatch(token):
                raise ValueError(f"not a field: {token!r}")
            if token in _SPACED:
                rate = next(tokens, "")
                if not _RATE.fullmatch(rate):
                    raise ValueError(f"{token} followed by {rate!r}, not a rate")
                fields[token] = rate
            else:
                fields.setdefault("flags", []).append(token)
        elif key == "users":
            _match(USERS, token)
            processes = _PROCESS_RE.findall(token)
            fields["users"] = [{"program": p, "pid": int(i), "fd": int(f)} for p, i, f in processes]
        elif key == "timer":
            timer = _match(TIMER, token)
            fields["timer"] = {
                "name": timer["name"],
                "expires_s": duration(timer["expires"]),
                "retransmits": int(timer["retransmits"]),
            }
        elif key == "skmem":
            body = _match(SKMEM, token)["body"]
            fields["skmem"] = {k: int(v) for k, v in _COUNTER.findall(body)}
        else:
            fields[key] = value if key in _AS_TEXT else _typed(value)
    return fields


def _match(element: pp.Regex, token: str) -> re.Match[str]:
    """The element's pattern matched on the token; pyparsing's ParseException when it fails."""
    found = element.re.match(token)
    if found is None:
        element.parse_string(token)  # the same pattern fails again: raises, saying where and why
    return found  # type: ignore[return-value]


def duration(text: str) -> float | None:
    """ss's timer text in seconds: ``1min2sec``, ``52sec``, ``228ms``, ``1.388ms`` (= 1.388 s)."""
    if not text:
        return None
    found = _DURATION.fullmatch(text)
    if found is None:
        raise ValueError(f"not an ss duration: {text!r}")
    minutes, seconds, millis = found.groups()
    return int(minutes or 0) * 60 + int(seconds or 0) + int(millis or 0) / 1000


def _typed(value: str) -> Any:
    if value.isdigit() and value.isascii():
        return int(value)
    if _NUMBER.fullmatch(value):
        return float(value) if "." in value else int(value)
    return value
