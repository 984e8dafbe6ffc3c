"""ss's per-socket detail fields: a small language of their own.

``users:(("nginx",pid=1,fd=6),("nginx",pid=2,fd=6)) uid:33 ino:1234 sk:1f cgroup:/x v6only:0 <->``,
``timer:(keepalive,1min2sec,0)``, ``skmem:(r0,rb131072,...)`` and the ``-i`` line's ``ts sack cubic
wscale:7,7 rtt:0.03/0.015 send 123bps bbr:(bw:1bps,...)`` all become one dict.

The text is split into fields by one linear tokenizer; the parenthesised sub-languages (users,
timer, skmem) are each a single anchored pattern.  Like the line grammars' fast path, a field is
matched with ``re``, and pyparsing (a pyparsing ``Regex`` of the same pattern) is imported and run
only on a field that does not match, to say where and why: a pyparsing call costs about 15 us,
every ``ss -p`` row carries such fields, and importing pyparsing costs more than the rest of the
start-up.  As the same users:(...) and timer:(...) texts recur row after row, each
distinct one is parsed once (into a bounded cache) and handed out as a fresh copy.
"""

from __future__ import annotations

import re
from typing import Any

_PROCESS = r'\("{}",pid={},fd={}\)'
_QUOTED = r'[^"\\]*(?:\\.[^"\\]*)*'
"""A quoted name's text: any character but a quote or a backslash, or one escaped (unrolled:
twice as fast as an alternation taken for each character)."""
_PROCESS_RE = re.compile(_PROCESS.format(f"({_QUOTED})", r"(\d+)", r"(\d+)"))
_ONE_PROCESS = _PROCESS.format(_QUOTED, r"\d+", r"\d+")

USERS = re.compile(r"users:\((?:" + _ONE_PROCESS + r",?)+\)\Z")
"""``users:(("name",pid=N,fd=N),...)``: the processes holding the socket."""
_ONE_USER = re.compile(r"users:\(" + _PROCESS_RE.pattern + r"\)\Z")
"""``users:`` of one process, the usual case: read at once (rows' pids vary, so no cache)."""
TIMER = re.compile(r"timer:\((?P<name>\w+),(?P<expires>[\w.]*),(?P<retransmits>\d+)\)\Z")
"""``timer:(name,expires,retransmits)``; expires is empty when the timer is due, and read by
``duration`` (a pattern for its syntax here would backtrack quadratically on ``1.1.1.1...``)."""
SKMEM = re.compile(r"skmem:\((?P<body>[a-z]+\d+(?:,[a-z]+\d+)*)\)\Z")
"""``skmem:(r0,rb131072,...)``: socket memory counters."""

_FIELD = re.compile(
    r'[\w-]+:\((?:[^()"]|"(?:[^"\\]|\\.)*"|\((?:[^()"]|"(?:[^"\\]|\\.)*")*\))*\)|\S+'
)
_PARENTHESISED = re.compile(_FIELD.pattern.partition("|\\S+")[0])
"""``_FIELD``'s parenthesised field alone."""
_SPACED = frozenset(("send", "pacing_rate", "delivery_rate"))
_FLAG = re.compile(r"[^\W\d][\w.-]*|[<>.-]+")
"""A bare word, a letter first (``ts``, ``sack``, ``cubic``), or an arrow (``<->``): never a
number, which ss prints only after a field's name."""
_RATE = re.compile(r"\d+(?:\.\d+)?(?:e\+\d+)?[kKMGT]?bps(?:/\d+(?:\.\d+)?(?:e\+\d+)?[kKMGT]?bps)?")
"""``send``'s, ``pacing_rate``'s and ``delivery_rate``'s value (pacing may add ``/max``): older
ss prints ``%.1fK``, newer ``%.3gK`` or ``%.3gk`` and ``T`` (``1e+03k`` just under a mega)."""
_PAIR = re.compile(r"(\w+)=(\w+)")
"""A netlink socket's ``sk=0 cb=0 groups=0x00000000`` (``ss -e``): hex words, kept as text."""
_AS_TEXT = frozenset(("sk", "cgroup", "wscale", "rtt"))
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_DURATION = re.compile(r"(?:(\d+)min)?(?:(\d+)(?:sec|\.))?(?:(\d+)ms|(?<=\.)(\d+)sec)?")
_COUNTER = re.compile(r"([a-z]+)(\d+)")

_CACHE_SIZE = 4096
_PARSED: dict[str, tuple[str, Any]] = {}
"""users:, timer: and skmem: fields parsed before: text -> key, value (handed out as copies)."""
_FLAGS: set[str] = set()
"""Bare words found to be flags before."""


_PLAIN_NAME = r'[^"\\()\x00-\x1f\x7f]*'
_PLAIN_PROCESS = _PROCESS.format(_PLAIN_NAME, "[0-9]+", "[0-9]+")
_PLAIN_PROCESS_RE = re.compile(_PROCESS.format(f"({_PLAIN_NAME})", "([0-9]+)", "([0-9]+)"))
_USUAL = re.compile(
    rf"(?: +users:\(({_PLAIN_PROCESS}(?:,{_PLAIN_PROCESS})*)\))?"
    r"(?: +timer:\(([a-z]+),([0-9a-z.]*),([0-9]+)\))?"
    r"(?: +uid:([0-9]+))?(?: +ino:([0-9]+) +sk:([0-9a-f]+)(?: +cgroup:([!-~]+))?)?"
    r"(?: +v6only:([01]))?(?: +(<->|<--|-->|---))? *"
).fullmatch
"""The fields in the order ss prints them for -p, -e and -o (``users``, ``timer``,
``uid``, ``ino``, ``sk``, ``cgroup``, ``v6only``, the shutdown arrow), matched at once on the
text after a space: most rows' details (``test_ss_speedpaths`` checks it reads as the tokens do)."""


def parse_fields(text: str) -> dict[str, Any]:
    """The fields in ``text`` as a dict; raises ``ValueError`` (``FieldError`` for a malformed
    users, timer or skmem field) on a malformed one."""
    usual = usual_fields(text)
    if usual is None:
        return read_tokens(text)
    *values, arrow = usual
    fields = {key: value for key, value in zip(_USUAL_KEYS, values) if value is not None}
    if arrow is not None:
        fields["flags"] = [arrow]
    return fields


_USUAL_KEYS = ("users", "timer", "uid", "ino", "sk", "cgroup", "v6only")
"""The fields of ``usual_fields`` before the shutdown arrow, as ``parse_fields`` names them."""


def usual_fields(text: str) -> tuple[Any, ...] | None:
    """The usual fields (``_USUAL``) as the tokens give them: users, timer, uid, ino, sk,
    cgroup, v6only and the shutdown arrow, each None when absent; None for other text, or a
    timer ``duration`` refuses."""
    found = _USUAL(" " + text)
    if found is None:
        return None
    users, timer, expires, retransmits, uid, ino, sk, cgroup, v6only, arrow = found.groups()
    if timer is not None:
        try:
            seconds = duration(expires)
        except ValueError:
            return None
        timer = {"name": timer, "expires_s": seconds, "retransmits": int(retransmits)}
    return (
        None
        if users is None
        else [
            {"program": p, "pid": int(i), "fd": int(f)}
            for p, i, f in _PLAIN_PROCESS_RE.findall(users)
        ],
        timer,
        None if uid is None else int(uid),
        None if ino is None else int(ino),
        sk,
        cgroup,
        None if v6only is None else int(v6only),
        arrow,
    )


def read_tokens(text: str) -> dict[str, Any]:
    """``parse_fields``, token by token: any text."""
    found = _PARSED.get(text)
    if found is not None:  # one field alone, as ss -p prints its users:(...)
        return {found[0]: _copy(found[1])}
    fields: dict[str, Any] = {}
    tokens = iter(_tokens(text))
    for token in tokens:
        key, colon, value = token.partition(":")
        if not (colon and key):
            if (pair := _PAIR.fullmatch(token)) is not None:
                fields[pair[1]] = pair[2]
            elif token in _SPACED:
                rate = next(tokens, "")
                if not _RATE.fullmatch(rate):
                    raise ValueError(f"{token} followed by {rate!r}, not a rate")
                fields[token] = rate
            else:
                if token not in _FLAGS:
                    _check_flag(token)
                fields.setdefault("flags", []).append(token)
        elif key == "users" and (one := _ONE_USER.match(token)) is not None:
            fields[key] = [{"program": one[1], "pid": int(one[2]), "fd": int(one[3])}]
        elif key in _PARSERS:
            found = _PARSED.get(token) or _remember(_PARSED, token, (key, _PARSERS[key](token)))
            fields[key] = _copy(found[1])
        elif key in _AS_TEXT:
            fields[key] = value
        elif key == "flags":  # an MPTCP subflow's (ss -i): "flags" is the bare words' list
            fields["subflow_flags"] = value
        else:
            fields[key] = int(value) if value.isdigit() and value.isascii() else _typed(value)
    return fields


def _tokens(text: str) -> list[str]:
    """``_FIELD.findall(text)``, mostly without running it: the text's whitespace-separated pieces
    are its fields unless one holds a parenthesis and is neither a field parsed before nor one
    whole parenthesised field (the pattern takes the pieces of ``users:(("Web Content",pid=1,
    fd=2))`` whole; it ends a parenthesised field at its first unbalanced ``)``, so a piece that
    is one whole field is one of the pattern's)."""
    pieces = text.split()
    if "(" in text:
        for piece in pieces:
            if "(" in piece and piece not in _PARSED and not _PARENTHESISED.fullmatch(piece):
                return _FIELD.findall(text)
    return pieces


def _copy(template: Any) -> Any:
    """A fresh copy of a cached field value: a users tuple of dicts (as a list), or a dict."""
    return [p.copy() for p in template] if type(template) is tuple else template.copy()


def _check_flag(token: str) -> None:
    """Raise ValueError unless a bare word is a flag."""
    if _RATE.fullmatch(token):
        raise ValueError(f"a rate with no name before it: {token!r}")
    if not _FLAG.fullmatch(token):
        raise ValueError(f"not a field: {token!r}")
    if len(_FLAGS) >= _CACHE_SIZE:
        _FLAGS.clear()
    _FLAGS.add(token)


def _remember(cache: dict[str, Any], key: str, value: Any) -> Any:
    """Store ``value`` in a bounded cache (emptied when full) and return it."""
    if len(cache) >= _CACHE_SIZE:
        cache.clear()
    cache[key] = value
    return value


def _users(token: str) -> tuple[dict[str, Any], ...]:
    _match(USERS, token)
    return tuple(
        {"program": p, "pid": int(i), "fd": int(f)} for p, i, f in _PROCESS_RE.findall(token)
    )


def _timer(token: str) -> dict[str, Any]:
    timer = _match(TIMER, token)
    return {
        "name": timer["name"],
        "expires_s": duration(timer["expires"]),
        "retransmits": int(timer["retransmits"]),
    }


def _skmem(token: str) -> dict[str, int]:
    return {k: int(v) for k, v in _COUNTER.findall(_match(SKMEM, token)["body"])}


_PARSERS = {"users": _users, "timer": _timer, "skmem": _skmem}
"""The parenthesised fields' parsers; a field's text fully matches its element when cached."""


class FieldError(ValueError):
    """A users, timer or skmem field its pattern does not match; the message is pyparsing's."""


def _match(pattern: re.Pattern[str], token: str) -> re.Match[str]:
    """The pattern matched on the token; FieldError, saying where and why, when it fails."""
    found = pattern.match(token)
    if found is None:
        raise FieldError(_explain(pattern, token))
    return found


def _explain(pattern: re.Pattern[str], token: str) -> str:
    """pyparsing's account of why the pattern does not match the token (imported only here)."""
    import pyparsing as pp

    try:
        pp.Regex(pattern.pattern).parse_string(token)
    except pp.ParseException as err:
        return str(err)
    return f"{token!r} does not match {pattern.pattern!r}"  # pyparsing disagrees: say so


def duration(text: str) -> float | None:
    """ss's timer text in seconds: ``1min2sec``, ``52sec``, ``228ms``, ``1.388ms`` (= 1.388 s,
    as ss printed it until a 2024 fix), ``1.388sec`` (since)."""
    if not text:
        return None
    found = _DURATION.fullmatch(text)
    if found is None:
        raise ValueError(f"not an ss duration: {text!r}")
    minutes, seconds, millis, fraction = found.groups()
    return int(minutes or 0) * 60 + int(seconds or 0) + int(millis or fraction or 0) / 1000


def _typed(value: str) -> Any:
    """A value as a number when it reads as one (plain digits are turned by the caller)."""
    if _NUMBER.fullmatch(value):
        return float(value) if "." in value else int(value)
    return value
