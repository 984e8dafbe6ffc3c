"""FreeBSD ``netstat``: Internet and SCTP sockets, UNIX sockets, interfaces (-i) and routes (-r).

Grammar: ``grammars/freebsd_netstat.lark``, importing the rows it shares with macOS from
``grammars/bsd_netstat.lark``. Rows are named and typed from the
columns of the header above them, so one row rule serves -A (``Tcpcb`` -> ``extra.pcb``), -T
(``rexmit``, ``ooorcv``, ``zero_win`` in extra), -x (socket buffer counts, and ``extra.timers``
in seconds) and -P (``extra.log_id``, None for ``-``). Addresses are ``host.port`` split on the
last dot; a host or service cut to the column width is kept as printed (an unknown service gives
port None; a port -A may have cut gives port None, see ``cut_endpoint``).

Protocol names are printed cut to three characters plus ``4``, ``6`` or ``46``: ``tcp46`` is a
dual-stack socket, recorded with ``ip_version`` None and ``extra.dual_stack`` True; a name with
no version (``tcp``) takes the version of its addresses when they show one. Kernel pointers (pcb,
UNIX socket addresses, vnodes) stay hex strings, None where the kernel printed ``0``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from itertools import pairwise
from typing import Any, ClassVar, NamedTuple

from ..grammar.linegrammar import kept_regex
from ..model.addresses import Endpoint, ip_version, split_dot
from ..model.protocols import protocol_words
from ..model.record import Record, record_maker
from .base import CONTINUES, NO_ENDPOINT, Dialect, FastRow, RowError, Values
from .plain import dot, ends

_BASE_PROTO = {
    word: found.protocol
    for dialect in ("freebsd-netstat", "macos-netstat")
    for word, found in protocol_words(dialect).items()
}
"""A printed protocol less its 4, 6 or 46 -> the protocol (``protocols.tsv``)."""
_FAMILIES = {"Internet": 4, "Internet6": 6}


def _pointer(text: str) -> str | None:
    return None if text == "0" else text


def unix_record(dialect: Dialect, v: Values, none: str) -> Record:
    """A row of the BSD UNIX-domain table (Address Type Recv-Q Send-Q Vnode Conn Refs Nextref
    Addr), its kernel pointers as printed, None where ``none`` is printed."""
    address, kind, recv_q, send_q, vnode, conn, refs, nextref, path = v
    pointers = (None if p == none else p for p in (vnode, conn, refs, nextref))
    extra = {"address": address, "type": kind, **dict(zip(_UNIX_POINTERS, pointers))}
    return dialect.record(
        proto="unix", local_address=path, recv_q=int(recv_q), send_q=int(send_q), extra=extra
    )


_UNIX_POINTERS = ("vnode", "conn", "refs", "nextref")


def _optional(text: str) -> str | None:
    return None if text == "-" else text


def typed(kind: Callable[[str], Any], word: str, key: str) -> Any:
    """``kind(word)``; RowError when the word is no such value (a column moved or mangled)."""
    try:
        return kind(word)
    except ValueError:
        raise RowError(f"{word!r} is no {key} value") from None


def dotted(text: str, proto: str) -> Endpoint:
    """``split_dot``; RowError for an endpoint no netstat prints (an address cut short)."""
    try:
        return split_dot(text, proto)
    except ValueError as err:
        raise RowError(str(err)) from None


Column = tuple[str, Callable[[str], Any]]
"""A header column: its value's key (``pid`` goes to the record, others to extra) and type."""


def split_proto(printed: str) -> tuple[str, str]:
    """``"tcp46"`` -> ("tcp", "46"); ``"icm4"`` -> ("icmp", "4"); ``"tcp"`` -> ("tcp", "")."""
    name = printed.rstrip("46")
    return _BASE_PROTO.get(name, name), printed[len(name) :]


def header_words(text: str) -> list[str]:
    """A header's column names, multi-word names joined by ``-`` (``Local-Address``)."""
    return _joined(text).split()


def _joined(text: str) -> str:
    """``text`` with the multi-word column names joined by ``-``, each in its place."""
    for words in ("Local Address", "Foreign Address", "Log ID"):
        text = text.replace(words, words.replace(" ", "-"))
    return text


# -- what makes ``inet_row`` a straight line of lookups -----------------------------------------
Tail = tuple[tuple[str, str, Callable[[str], Any]], ...]
"""The columns after the state as (group, key, type), see ``tail_of``."""


def tail_of(columns: Iterable[Column]) -> Tail:
    """Columns with their key's group split off: ``timers.2msl`` -> ("timers", "2msl", float);
    a column the dialect does not know keeps the header's name whole (``rcv.wnd``, ``.``)."""
    found = []
    for key, kind in columns:
        group, _, name = ("", "", key) if kind is _as_printed else key.rpartition(".")
        found.append((group, name, kind))
    return tuple(found)


class InetProto(NamedTuple):
    """What a printed protocol name (``tcp46``) tells, see ``_PROTOS``."""

    proto: str
    version: str
    ip_version: int | None
    """From the name; None for dual stack, and for no version (then the addresses tell)."""
    lookup: str
    """The protocol its services are looked up under: tcp, udp or any ("")."""


_PROTOS: dict[str, InetProto] = {}
"""Printed protocol name -> what it tells (the names are few), filled by ``_new_proto``."""


def _new_proto(printed: str) -> InetProto:
    """``_PROTOS[printed]``, made."""
    proto, version = split_proto(printed)
    lookup = proto if proto in ("tcp", "udp") else ""
    number = int(version) if version in ("4", "6") else None
    found = _PROTOS[printed] = InetProto(proto, version, number, lookup)
    return found


@cache
def _plain() -> Callable[[str], re.Match[str] | None]:
    """An Internet row as ``-an`` prints it (``inet_row``'s plain case): TCP or UDP, two queue
    counts, two endpoints (``plain.dot``), a state word without ``*`` or none, nothing after.
    Compiled on first use, then kept (``kept_regex``)."""
    count = r" {1,64}+(-?[0-9]{1,10}+)"
    return kept_regex(
        rf" {{0,8}}+((?:tcp|udp)(?:46|4|6)?){count}{count} {{1,64}}+{dot()} {{1,64}}+{dot()}"
        r"(?: {1,64}+([A-Z][A-Z0-9_]{0,30}[A-Z0-9]))? {0,64}+"
    ).fullmatch


_MAKE = record_maker(
    (
        *("dialect", "capture", "host", "captured_at", "meta", "kind", "proto", "ip_version"),
        *("local_address", "local_port", "local_interface"),
        *("remote_address", "remote_port", "remote_interface"),
        *("state", "state_raw", "recv_q", "send_q", "extra", "source"),
        *("local_scope", "remote_scope"),
    )
)


class FreebsdNetstat(Dialect):
    name = "freebsd-netstat"
    grammar = "freebsd_netstat"
    kin = "bsd_netstat"
    sections: ClassVar[tuple[str, ...]] = ("inet", "sctp", "unix", "iface", "route")
    priority = 10

    INET_PREFIX: ClassVar[tuple[str, ...]] = ("Tcpcb",)
    """Header columns that may precede ``Proto`` (-A)."""
    INET_TAIL: ClassVar[dict[str, Column]] = {
        **{
            name: (name.lower().replace("-", "_"), int)
            for count in ("MBUF", "CLUS", "HIWA", "LOWA", "BCNT", "BMAX")
            for name in (f"R-{count}", f"S-{count}")
        },
        **{
            name: ("timers." + name, float)
            for name in ("rexmt", "persist", "keep", "2msl", "delack", "rcvtime")
        },
        "Log-ID": ("log_id", _optional),
    }
    """Columns after the state: header word -> (key, type); ``timers.x`` goes to extra["timers"]."""
    TCP_ONLY: ClassVar[frozenset[str]] = frozenset(
        key for key, _ in INET_TAIL.values() if key.startswith("timers.") or key == "log_id"
    )
    """Keys of the columns printed for TCP rows only (other rows stop before them)."""

    weak_kinds = frozenset(("sctp_more",))
    continuations = weak_kinds
    opens: ClassVar[Mapping[str, str]] = {"listen_header": "inet"}
    table_fields: ClassVar[tuple[str, ...]] = (
        *("_prefix", "_middle", "_tail_tcp", "_tail_other"),
        *("_iface_columns", "_route_columns", "_family", "_guessing", "_spans"),
    )
    _prefix: tuple[str, ...] | None = ()
    """The header's columns before ``Proto`` (-A); None under a header this system does not
    print."""
    _middle: tuple[str, ...] = ("recv_q", "send_q")
    _tail_tcp: Tail = ()
    _tail_other: Tail = ()
    """The columns after the state of TCP rows, and of others (none of ``TCP_ONLY``)."""
    _iface_columns: tuple[str, ...] = ()
    _route_columns: tuple[str, ...] = ()
    _family: int | None = None
    _guessing: bool = True
    """No Internet header seen yet: a row's columns after the state are guessed (``guess_tail``)."""
    _spans: tuple[tuple[str, int, int], ...] = ()
    """Where each column after the state stands in the header above (key, start, end), when the
    header has a column the dialect does not know: a row whitespace cannot split is cut there
    (``cut``)."""

    # -- lines that are no records (titles, other headers: the base's defaults) ---------------
    def family(self, v: Values) -> None:
        self.enter("route")
        self._family = _FAMILIES.get(v[0][:-1])

    def inet_header(self, v: Values) -> None:
        self._prefix, self._spans = None, ()
        words = header_words(v[0])
        proto = words.index("Proto")
        if tuple(words[:proto]) not in ((), self.INET_PREFIX):
            raise RowError(f"{' '.join(words[:proto])!r} is no {self.name} column")
        self._prefix = tuple(words[:proto])
        if words[proto + 1] == "Recv-Q":
            self._middle = ("recv_q", "send_q")
        else:
            self._middle = ("rexmit", "ooorcv", "zero_win")
        rest = words[proto + len(self._middle) + 3 :]
        if rest[:1] == ["(state)"]:
            rest = rest[1:]
        unknown = [w for w in rest if w not in self.INET_TAIL]
        columns = [self.INET_TAIL.get(w, (w, _as_printed)) for w in rest]
        if unknown:
            self.notice("columns this dialect does not know, kept as printed", columns=unknown)
            places = list(_WORD.finditer(_joined(self.text)))[-len(rest) :]
            self._spans = tuple((k, m.start(), m.end()) for (k, _), m in zip(columns, places))
        self._tail_tcp = tail_of(columns)
        self._tail_other = tail_of(c for c in columns if c[0] not in self.TCP_ONLY)
        self._guessing = False
        self.enter("inet")

    def iface_header(self, v: Values) -> None:
        words = v[0].split()
        self._iface_columns = tuple(w.lower() for w in words[words.index("Address") + 1 :])
        self.enter("iface")

    def route_header(self, v: Values) -> None:
        words = v[0].split()
        self._route_columns = tuple(w.lower() for w in words[words.index("Flags") + 1 : -2])
        self.enter("route")

    # -- records -------------------------------------------------------------------------------
    def inet_row(self, v: Values) -> Record:
        """Named and typed by the header's columns (``inet_header``); a plain row, without
        pointers or columns after the state, is a straight line of cached lookups."""
        pcb, flowhash, printed, n1, n2, n3, local, remote, state_raw, tail = v
        prefix = self._prefix
        if prefix is None:
            raise RowError(f"row under a header {self.name} does not print")
        proto, version, number, lookup = _PROTOS.get(printed) or _new_proto(printed)
        extra: dict[str, Any] = {} if pcb is None and not prefix else self.pointers(pcb, flowhash)
        middle = self._middle
        recv_q: int | None
        send_q: int | None
        if n3 is None and n1 is not None and n2 is not None and len(middle) == 2:
            recv_q, send_q = int(n1), int(n2)
        else:
            recv_q = send_q = None
            numbers = [n for n in (n1, n2, n3) if n is not None]
            if len(middle) == 3 and len(numbers) in (0, 3):
                extra.update(zip(middle, map(int, numbers), strict=False))
            else:
                raise RowError(f"{len(numbers)} queue numbers where the header has {len(middle)}")
        columns = self._tail_tcp if proto == "tcp" else self._tail_other
        pid = program = None
        if tail is not None or columns:
            if tail is not None and not columns and self._guessing:
                columns = self.guess_tail(tail)
            for (group, key, kind), word in self.tail_values(tail, columns):
                value = typed(kind, word, key)
                if key == "pid":
                    pid = value
                elif key == "process:pid":
                    program, pid = value
                elif group:
                    extra.setdefault(group, {})[key] = value
                else:
                    extra[key] = value
        if prefix:
            here = self.cut_endpoint(local, lookup, "local", extra)
            there = self.cut_endpoint(remote, lookup, "remote", extra)
        else:
            here, there = dotted(local, lookup), dotted(remote, lookup)
        if local[:3] in _SCOPED or remote[:3] in _SCOPED:
            here, there = kame_zone(here), kame_zone(there)
        if version == "46":
            extra["dual_stack"] = True
        elif number is None:
            number = self.ip_version(version, here, there)
        state = None
        if proto == "tcp" and state_raw:
            # a state word, maybe marked hidden with "*"
            state = self.tcp_states.get(state_raw) or self.tcp_state(state_raw.rstrip("*"))
        return Record(  # positionally, as ``socket`` builds it: the hot path
            *self._labels,
            "socket",
            proto,
            number,
            *here,
            *there,
            state,
            state_raw,
            recv_q,
            send_q,
            pid,
            program,
            None,
            None,
            None,
            extra,
            {"path": self.path, "member": self.member, "line": self.line},
        )

    def fast_row(self) -> FastRow | None:
        """``inet_row``'s plain case in one step, under a header of no columns but the queues
        (``-an``; see ``plain``): a TCP row with a known state word or none (else ``inet_row``
        reads the line, or says what is wrong)."""
        if (
            self._prefix != ()
            or self._middle != ("recv_q", "send_q")
            or self._tail_tcp
            or self._tail_other
            or not self.reads("inet_row")
        ):
            return None
        name, capture, host, captured_at, meta = self._labels
        states, path, member, make = self.tcp_states, self.path, self.member, _MAKE
        protos = _PROTOS

        def build(found: re.Match[str], line: int) -> Record | None:
            groups = found.groups()
            printed, n1, n2, word = groups[0], groups[1], groups[2], groups[15]
            proto, version, number, _ = protos.get(printed) or _new_proto(printed)
            state = None
            if word is not None and proto == "tcp" and (state := states.get(word)) is None:
                return None
            told, la, lp, lz, ra, rp, rz, ls, rs = ends(groups[3:15])
            extra: dict[str, Any] = {}
            if version == "46":
                extra["dual_stack"] = True
            elif number is None:
                number = told
            return make(
                name,
                capture,
                host,
                captured_at,
                meta,
                "socket",
                proto,
                number,
                la,
                lp,
                lz,
                ra,
                rp,
                rz,
                state,
                word,
                int(n1),
                int(n2),
                extra,
                {"path": path, "member": member, "line": line},
                ls,
                rs,
            )

        return FastRow(_plain(), build)

    def listen_row(self, v: Values) -> Record:
        pcb, printed, unix, queues, local = v
        qlen, incqlen, maxqlen = map(int, queues.split("/"))
        extra: dict[str, Any] = {"qlen": qlen, "incqlen": incqlen, "maxqlen": maxqlen}
        if pcb is not None:
            extra["pcb"] = _pointer(pcb)
        if unix:
            return self.record(proto="unix", local_address=local, extra=extra)
        proto, version = split_proto(printed)
        here = dotted(local, proto)
        return self.socket(proto, self.ip_version(version, here), here, NO_ENDPOINT, extra=extra)

    def sctp_row(self, v: Values) -> Record:
        printed, kind, local, remote, state_raw = v
        if local is not None and (remote is None) != (state_raw == "LISTEN"):
            raise RowError("only a listening SCTP socket prints no foreign address")
        _, version = split_proto(printed)
        here = dotted(local, "sctp") if local else None
        there = dotted(remote, "sctp") if remote else None
        extra: dict[str, Any] = {"type": kind}
        if version == "46":
            extra["dual_stack"] = True
        self._last = self.socket(
            "sctp",
            self.ip_version(version, here, there),
            here or NO_ENDPOINT,
            there or NO_ENDPOINT,
            state_raw=state_raw,
            extra=extra,
        )
        return self._last

    def sctp_more(self, v: Values) -> object:
        """Another address of the association above, as printed (local, foreign or both)."""
        if self._last is None or self._last.proto != "sctp":
            raise RowError("address line with no SCTP association above it")
        self._last.extra.setdefault("more_addresses", []).extend(a for a in v if a)
        return CONTINUES

    def unix_row(self, v: Values) -> Record:
        return unix_record(self, v, "0")

    def iface_row(self, v: Values) -> Record:
        name, mtu, network, address, *counts = v
        counts = [c for c in counts if c is not None]
        if address is None and not network.startswith("<Link#"):
            raise RowError(f"no address for network {network!r}")  # only link rows may lack one
        if len(counts) != len(self._iface_columns):
            raise RowError(f"{len(counts)} counters, header: {len(self._iface_columns)}")
        extra: dict[str, Any] = {"iface": name.rstrip("*")}
        if name.endswith("*"):
            extra["down"] = True
        extra.update(mtu=_count(mtu), network=network, address=address)
        extra.update(zip(self._iface_columns, map(_count, counts), strict=True))
        link = network.startswith("<Link#")
        return self.record(
            kind="interface", ip_version=None if link else ip_version(address), extra=extra
        )

    def route_row(self, v: Values) -> Record:
        destination, gateway, flags, n1, n2, n3, netif, expire = v
        numbers = [int(n) for n in (n1, n2, n3) if n is not None]
        if len(numbers) != len(self._route_columns):
            raise RowError(f"{len(numbers)} numbers, header: {len(self._route_columns)}")
        extra: dict[str, Any] = {"destination": destination, "gateway": gateway, "flags": flags}
        extra.update(zip(self._route_columns, numbers, strict=True))
        extra["netif"] = netif
        extra["expire"] = int(expire) if expire and expire != "!" else None
        if expire == "!":
            extra["expired"] = True
        return self.record(kind="route", ip_version=self._family, extra=extra)

    # -- helpers -------------------------------------------------------------------------------
    def tail_values(self, tail: str | None, columns: Tail) -> Iterable[tuple[Any, str]]:
        """Each column after the state with its value: split at whitespace (``_values``), else,
        under a header with a column the dialect does not know, cut at the header's positions
        (``cut_at``)."""
        try:
            return zip(columns, _values(tail, columns), strict=True)
        except RowError:
            if not self._spans:
                raise
        places = {key: (start, end) for key, start, end in self._spans}
        line = self.text.rstrip()
        start = len(line) - len(tail or "")
        return cut_at(line, start, [(*c, *places[c[1]]) for c in columns])

    def guess_tail(self, tail: str) -> Tail:
        """The columns after the state of a row read with no header above it (grepped): none
        this system is known to print alone, so the row is rejected (macOS overrides)."""
        raise RowError(f"values after the addresses ({tail!r}) with no header naming them")

    def pointers(self, pcb: str | None, flowhash: str | None) -> dict[str, Any]:
        """The extra fields of a row's pointers (-A); RowError when the header has others."""
        pointers = [p for p in (pcb, flowhash) if p is not None]
        prefix = self._prefix or ()
        if len(pointers) != len(prefix):
            raise RowError(f"{len(pointers)} pointers where the header has {len(prefix)}")
        extra = {}
        if pointers:
            extra["pcb"] = _pointer(pointers[0])
        if flowhash is not None:
            extra["flowhash"] = flowhash
        return extra

    @staticmethod
    def ip_version(version: str, *ends: Endpoint | None) -> int | None:
        """4 or 6 from the protocol's suffix; None for dual stack; else from the addresses."""
        if version in ("4", "6"):
            return int(version)
        if version == "46":
            return None
        return next((ip_version(e.address) for e in ends if e and ip_version(e.address)), None)

    def cut_endpoint(self, text: str, proto: str, side: str, extra: dict[str, Any]) -> Endpoint:
        """``dotted``, except that with -A (18-wide columns) a port of fewer than 5 digits in a
        full column may be cut (``198.51.100.23.4102`` for port 41022): its port is then None and
        the digits printed go to ``extra["<side>_port_printed"]``.  A full column is printed
        ``%-18.18s `` (inet.c): one space after it, then the next column or the line's end; a
        value followed by more spaces is wider than its column (something precedes it, as in
        ``192.168.100.200.22`` followed by three spaces), not cut; its port is read as printed."""
        end = dotted(text, proto)
        port = text.rpartition(".")[2]
        if self._prefix and len(text) >= 18 and port.isascii() and port.isdigit() and len(port) < 5:
            at = self.text.find(text) if side == "local" else self.text.rfind(text)
            after = self.text[at + len(text) : at + len(text) + 2]
            if after[:1] != " " or after[1:] != " ":  # the column's one separating space
                extra[f"{side}_port_printed"] = port
                end = end._replace(port=None)
        return end


_SCOPED = frozenset(("fe8", "fe9", "fea", "feb", "ff0", "ff1"))
"""How link-local unicast and link- or interface-local multicast addresses begin."""
_KAME = re.compile(r"(?:fe[89ab][0-9a-f]|ff[0-9a-f][12]):([0-9a-f]{1,4}):", re.IGNORECASE)


def kame_zone(end: Endpoint) -> Endpoint:
    """A KAME scoped address as the kernel holds it, the zone (interface index) embedded in
    its second 16-bit word (``fe80:1::20c:29ff``, printed by FreeBSD's netstat -n): the
    address stays as printed, the index (``1``) fills the interface when none is printed."""
    found = _KAME.match(end.address or "")
    if found is None or end.interface is not None or not int(found[1], 16):
        return end
    return end._replace(interface=str(int(found[1], 16)))


def _as_printed(text: str) -> str:
    """The value of a column the dialect does not know: the text as printed."""
    return text


def _values(tail: str | None, columns: Tail) -> list[str]:
    """The values of ``columns`` in ``tail``, split at whitespace.  When there are more words
    than columns, some values hold spaces (macOS 26 ``Autodesk Fusion:22712``): a column named
    ``a:b`` (known or not) takes the words up to the first holding a colon, as printed, unless
    the first is a number (a column moved).  RowError when the words are not so placed."""
    words = tail.split() if tail else []
    if len(words) == len(columns):
        return words
    text = tail or ""
    found = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    values = []
    at = 0
    for _, key, _ in columns:
        last = at
        if ":" in key:
            while last < len(words) - 1 and ":" not in words[last]:
                last += 1
            if last > at and words[at].isdigit():
                raise RowError(f"a number ({words[at]}) begins the {key} value: a column moved")
        if at >= len(words):
            break
        values.append(text[found[at][0] : found[last][1]])
        at = last + 1
    if len(values) != len(columns) or at != len(words):
        raise RowError(f"{len(words)} values after the addresses, header: {len(columns)}")
    return values


_WORD = re.compile(r"\S+")


Placed = list[tuple[str, str, Callable[[str], Any], int, int]]
"""Columns after the state as (group, key, type) and where the header prints their names."""


def cut_at(line: str, start: int, columns: Placed) -> list[tuple[Any, str]]:
    """Each column with its value in ``line`` from ``start``, cut at the header's positions: a
    word under one column's name is that column's; a word under none (a value wider than its
    name, left or right aligned) joins the column it meets, by single spaces before the first
    name or past the last, and between two columns where one gap of two or more spaces tells
    where a value ends; each value must begin where its name begins
    (left aligned) or end where it ends (right aligned), else a value wider than its column has
    pushed the others; a row ending before the last columns (unknown ones) prints none of them
    (as FreeBSD's TCP-only columns).  RowError where the positions do not tell."""
    words = [(m.start(), m.end()) for m in _WORD.finditer(line, start)]
    under: list[int | None] = []
    for a, b in words:
        names = [i for i, c in enumerate(columns) if a < c[4] and b > c[3]]
        if len(names) > 1:
            keys = " and ".join(columns[i][1] for i in names)
            raise RowError(f"{line[a:b]!r} stands under two columns ({keys})")
        under.append(names[0] if names else None)
    placed = [i for i in under if i is not None]
    if words and not placed:
        raise RowError("values under no column of the header")
    if placed != sorted(placed):
        raise RowError("values out of the order of the header's columns")
    count = len(set(placed))
    for i, (_, key, kind, begins, _) in enumerate(columns):
        if i not in placed and not (i >= count and kind is _as_printed and begins >= len(line)):
            raise RowError(f"no value under the {key} column")
    if not count:
        return []
    owners = _owners(line, words, under, columns)
    values = []
    for i in range(count):
        mine = [w for w, owner in zip(words, owners, strict=True) if owner == i]
        (begins, _), (_, ends) = mine[0], mine[-1]
        if begins != columns[i][3] and ends != columns[i][4]:
            what = f"the {columns[i][1]} value {line[begins:ends]!r}"
            raise RowError(f"{what} neither begins nor ends where its name does: a column moved")
        values.append((columns[i][:3], line[begins:ends]))
    return values


def _owners(
    line: str, words: list[tuple[int, int]], under: list[int | None], columns: Placed
) -> list[int]:
    """The column of each word (``cut_at``): those under no column's name go to the one they
    meet."""
    placed = [n for n, i in enumerate(under) if i is not None]
    owners = [i or 0 for i in under]  # words before the first name: the first column's
    first, last = placed[0], placed[-1]
    owners[last + 1 :] = [owners[last]] * (len(words) - last - 1)
    for n in (*range(first), *range(last, len(words) - 1)):
        if words[n + 1][0] - words[n][1] > 1:  # a wide gap at either end: no one value
            a, b = (words[0][0], words[n][1]) if n < first else (words[n + 1][0], len(line))
            raise RowError(f"{line[a:b]!r} stands under no column of the header")
    # a value reaches past its name's end when aligned left, before its start when right
    _, key, _, begins, ends = columns[owners[first]]
    if first and (words[first][1] != ends or words[first][0] == begins):
        raise RowError(f"{line[words[0][0] : words[first][0]]!r} before the {key} column")
    _, key, _, begins, ends = columns[owners[last]]
    mine = [n for n in placed if owners[n] == owners[last]]
    if last < len(words) - 1 and (words[mine[0]][0] != begins or words[last][1] == ends):
        raise RowError(f"{line[words[last + 1][0] :]!r} past the {key} column")
    for left, right in pairwise(placed):
        before, after = owners[left], owners[right]
        if before == after or right == left + 1:
            owners[left + 1 : right] = [before] * (right - left - 1)
            continue
        gaps = [words[n + 1][0] - words[n][1] for n in range(left, right)]
        wide = [n for n, gap in enumerate(gaps) if gap > 1]
        if len(wide) != 1:
            between = line[words[left + 1][0] : words[right - 1][1]]
            keys = columns[before][1], columns[after][1]
            raise RowError(f"{between!r} may end the {keys[0]} value or begin {keys[1]}")
        cut = left + 1 + wide[0]
        owners[left + 1 : cut] = [before] * (cut - left - 1)
        owners[cut:right] = [after] * (right - cut)
    return owners


def _count(text: str) -> int | None:
    return None if text == "-" else int(text)
