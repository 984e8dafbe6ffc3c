"""Endpoints as most rows print them, for the regexes of ``FastRow``: split and typed by the match.

An endpoint's regex has six groups: an IPv4 address (each number 0-255 without a leading zero,
as ``inet_pton`` takes it) and how it begins (a key of ``v4_scopes``), an IPv6 address and its
zone, ``*``, and the port (a number or ``*``).  Each spelling is one that ``split_colon``
(``colon``) or ``split_dot`` (``dot``) splits into the address as printed, the port as a number
(None for ``*``), no service and the zone as the interface; any other spelling leaves the row to
the general path.
"""

from __future__ import annotations

from functools import cache

from ..model.addresses import PORT_PATTERN, scope_of, v4_scopes

_OCTET = r"(?>1[0-9]{0,2}|2(?:[0-4][0-9]?|5[0-5]?|[6-9])?|[3-9][0-9]?|0)"
_ZONE = r"(?:%([0-9A-Za-z]{1,16}+))?"
_PORT = rf"((?>{PORT_PATTERN})|\*)"


@cache
def _ipv4() -> str:
    """An IPv4 address, and its ``v4_scopes`` key (looked ahead): its first number, or its first
    two where the first does not decide its scope."""
    decided = v4_scopes()
    undecided = sorted((str(n) for n in range(256) if str(n) not in decided), key=len)
    key = rf"(?:{'|'.join(undecided[::-1])})\.{_OCTET}(?=\.)|{_OCTET}"
    return rf"((?=({key}))" + r"\.".join([_OCTET] * 4) + ")"


def colon() -> str:
    """``10.0.0.1:22``, ``[fe80::1%4]:22``, ``*:*`` (Windows)."""
    v6 = rf"\[([0-9a-fA-F]{{0,4}}:[0-9a-fA-F:.]{{1,45}}+){_ZONE}\]"
    return rf"(?:{_ipv4()}|{v6}|(\*)):{_PORT}"


def dot() -> str:
    """``10.0.0.1.22``, ``::1.631``, ``*.*`` (BSD): no link-local or multicast IPv6 address,
    whose scope a KAME kernel may write into it (``fe80:1::1``, see ``kame_zone``)."""
    v6 = rf"(?!fe[89ab]|ff[01])([0-9a-f]{{0,4}}:[0-9a-f:]{{1,45}}+){_ZONE}"
    return rf"(?:{_ipv4()}|{v6}|(\*))\.{_PORT}"


Ends = tuple[
    int | None, str | None, int | None, str | None, str | None, int | None, str | None, str | None,
    str | None,
]  # fmt: skip
"""IP version; local address, port, zone; remote address, port, zone; local and remote scope."""


def end(groups: tuple[str | None, ...]) -> tuple[str | None, int | None, str | None, str | None]:
    """One endpoint's six groups (``colon()`` or ``dot()``) as a record holds them: its address,
    port (None for ``*``), zone and scope (as ``ends`` gives them)."""
    v4, key, v6, zone, star, port = groups
    return (
        v4 or v6 or star,
        None if port == "*" else int(port),  # type: ignore[arg-type]
        zone,
        (v4_scopes()[key] or scope_of(v4)) if v4 else scope_of(v6 or "*"),  # type: ignore[index]
    )


def ends(groups: tuple[str | None, ...]) -> Ends:
    """Two endpoints' twelve groups (``colon()`` or ``dot()`` each) as a record holds them: the
    IP version of the first address that tells it, each endpoint's address, port (None for
    ``*``) and zone, then their scopes (``v4_scopes``' where an IPv4 address's beginning
    decides it, else ``scope_of``'s)."""
    l4, lkey, l6, lzone, lstar, lport, r4, rkey, r6, rzone, rstar, rport = groups
    scopes = v4_scopes()
    return (
        4 if l4 else 6 if l6 else 4 if r4 else 6 if r6 else None,
        l4 or l6 or lstar,
        None if lport == "*" else int(lport),  # type: ignore[arg-type]
        lzone,
        r4 or r6 or rstar,
        None if rport == "*" else int(rport),  # type: ignore[arg-type]
        rzone,
        (scopes[lkey] or scope_of(l4)) if l4 else scope_of(l6 or "*"),  # type: ignore[index]
        (scopes[rkey] or scope_of(r4)) if r4 else scope_of(r6 or "*"),  # type: ignore[index]
    )
