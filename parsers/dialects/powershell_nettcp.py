"""PowerShell ``Get-NetTCPConnection`` and ``Get-NetUDPEndpoint``: table, list, CSV and JSON output.

Grammar: ``grammars/powershell_nettcp.lark``.  Input is text (UTF-16 from Windows PowerShell's
``>`` is decoded before).  The header (table, CSV) says which columns a row has; list output
gives one ``Name : value`` line per property, an object starting at ``LocalAddress``.  Rows do
not name their protocol: it comes from the command (``Get-NetUDPEndpoint``), else from TCP-only
columns (RemoteAddress, State...), else stays null.  An address PowerShell cut to its column
(``2600:6c63:...:72...``) is kept as printed, flagged ``extra["<side>_address_cut"]``.
``Format-Table -Wrap`` goes on with such an address on the next lines, each piece where its
column begins (``cell_more``): the pieces are joined; an address filling its column is named in
``extra.cut`` until a next line goes on with it (it may be whole, or its rest lost).

``ConvertTo-Json`` output (Windows PowerShell 5.1 and PowerShell 7) is read line by line: each
``{`` that opens an object of the document starts a record, each member fills it (strings kept
as printed between their quotes); the dialect keeps the nesting (``_nest``).  ``-Compress``
prints the same members with no whitespace, the document on one line: its pieces are read as
those lines are (``json_document``), a record per object, the line whole or not at all (one
longer than ``MAX_LINE`` is reported unread).  Enumerations
print as numbers, named through ``data/powershell_enums.tsv``: ``State``'s gives the state
(``state_raw`` stays None: no word is printed; the number is ``extra.state_code``),
``OffloadState``'s ``extra.offload_state``; ``AppliedSetting`` stays a number
(``extra.applied_setting_code``).  The CIM properties no view prints (``Caption``,
``InstanceID``, ``EnabledDefault``...; ``data/powershell_properties.tsv``, any other member is
reported) go to ``extra.cim`` when not null, with the class and server of
``CimSystemProperties`` (the class tells TCP from UDP); ``CimClass`` and
``CimInstanceProperties`` (the class's description, and the properties once more as text) are
read as lines of the record and not kept.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from typing import Any

from ..model.addresses import MAX_PORT, Endpoint, ip_version, scope_of
from ..model.record import Record
from ..resources import read_text
from .base import CONTINUES, Dialect, RowError

_FIELDS = {
    "LocalAddress": "local_address",
    "LocalPort": "local_port",
    "RemoteAddress": "remote_address",
    "RemotePort": "remote_port",
    "State": "state_raw",
    "OwningProcess": "pid",
    "AppliedSetting": "applied_setting",
    "CreationTime": "creation_time",
    "OffloadState": "offload_state",
}
"""Property -> record field, or key in ``extra``."""
_TCP_ONLY = frozenset(("RemoteAddress", "RemotePort", "State", "AppliedSetting", "OffloadState"))
_ROW_COLUMNS: tuple[str, ...] = (
    "LocalAddress",
    "LocalPort",
    "RemoteAddress",
    "RemotePort",
    "State",
)
_ROW_COLUMNS += ("AppliedSetting", "OwningProcess")
_CUT = ("...", "…")
_WRAPPED_ORDER = ("LocalAddress", "RemoteAddress")
_WRAPPED = frozenset(_WRAPPED_ORDER)
"""The columns whose values Format-Table -Wrap may continue on the next lines (wider than
their 35 characters: IPv6 addresses)."""
_WORD = re.compile(r"\S+")


def _enums() -> dict[str, dict[int, str]]:
    """Property -> number -> name, from ``data/powershell_enums.tsv``."""
    found: dict[str, dict[int, str]] = {}
    text = read_text(__package__, "data/powershell_enums.tsv")
    for line in text.splitlines():
        if line and not line.startswith("#"):
            prop, number, name = line.split("\t")
            found.setdefault(prop, {})[int(number)] = name
    return found


_ENUMS = _enums()
_PROPERTIES = frozenset(
    line
    for line in read_text(__package__, "data/powershell_properties.tsv").splitlines()
    if line and not line.startswith("#")
)
"""The members of a connection object (``data/powershell_properties.tsv``)."""
_NESTED = {
    "CimClass": frozenset(
        (
            "CimSuperClassName",
            "CimSuperClass",
            "CimClassProperties",
            "CimClassQualifiers",
            "CimClassMethods",
            "CimSystemProperties",
        )
    ),
    "CimSystemProperties": frozenset(("Namespace", "ServerName", "ClassName", "Path")),
}
"""The members of the objects nested in a JSON connection object (at ConvertTo-Json's default
depth, their own values are text)."""
_INNER = frozenset().union(*_NESTED.values())
"""Members of the nested objects only (``CimSystemProperties`` opens one at the top)."""
_KEPT = frozenset(("ServerName", "ClassName"))
"""Members of ``CimSystemProperties`` kept in ``extra.cim``."""
_TEXT = frozenset(("LocalAddress", "RemoteAddress", "CreationTime"))
"""Properties JSON prints as strings (the others of ``_FIELDS`` as numbers)."""
_CLASSES = {"MSFT_NetTCPConnection": "tcp", "MSFT_NetUDPEndpoint": "udp"}
_OBJECT = "{"
"""The ``_nest`` entry of a connection object (other entries: a nested member's key, ``[``)."""


_PIECE = re.compile(
    r'\s*(?:("(?:[^"\\]|\\.)*")\s*:|("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?'
    r"|true|false|null|\[\s*\]|\{\s*\})|([\[\]{},]))"
)
"""A key and its colon, a scalar (or an empty array or object), or a bracket or comma of a
JSON text, each as printed."""


def _pieces(text: str) -> Iterator[tuple[str, list[str | None]]]:
    """The line kinds and values of the indented layouts' lines for a one-line JSON text (valid
    JSON): ``[`` or ``{`` alone opens, a key with its value (``{`` or ``[`` opening a nested
    one), an array's element, a bracket closing."""
    key: str | None = None
    for found in _PIECE.finditer(text):
        name, scalar, mark = found.groups()
        if name is not None:
            key = name + ":"
        elif mark == ",":
            continue
        elif key is not None:  # a member's value
            yield "json_member", [key, scalar or mark, None]
            key = None
        elif mark in ("]", "}"):
            yield "json_close", [mark, None]
        elif mark is not None:
            yield "json_open", [mark]
        else:
            yield "json_item", [scalar, None]


class PowershellNettcp(Dialect):
    name = "powershell-nettcp"
    grammar = "powershell_nettcp"
    sections = ("table", "list", "csv", "json")
    weak_kinds = frozenset(
        (
            "list_field",
            "header_more",
            "cell_more",
            "json_member",
            "json_open",
            "json_close",
            "json_item",
        )
    )
    continuations = frozenset(
        ("list_field", "cell_more", "json_address", "json_member", "json_close", "json_item")
    )
    table_fields = ("said", "columns", "wrapped", "_starts", "_nest", "_indent")
    _starts: tuple[int, ...] = ()
    """Where each column of the table header above begins (its name's first character)."""
    _printed: dict[str, str | None] = {}  # noqa: RUF012 (replaced, never changed)
    """The values of the table row above as printed, which the pieces of ``cell_more`` end."""
    _indent = 0
    """How far the document's objects' ``{`` stand in (ConvertTo-Json indents them by level)."""
    _nest: tuple[str, ...] = ()
    """The JSON containers open at this line, outermost first: ``[`` (an array), ``{`` (a
    connection object), or a nested member's key (``CimClass``)."""

    def __init__(self, path: str | None = None, command: str | None = None, **options: Any) -> None:
        super().__init__(path, command, **options)
        said = (command or "").lower()
        self.said = (
            "udp" if "netudpendpoint" in said else "tcp" if "nettcpconnection" in said else None
        )
        """The protocol the command names."""
        self.columns: tuple[str, ...] | None = None
        """The columns of the table or CSV header above; None before one, () while the names
        of a wrapped header are not all read."""
        self.wrapped: list[str] | None = None
        """The names of a wrapped header as read so far."""
        self.seen: set[str] = set()
        """The properties of the list object being read."""

    # -- lines that are no records ------------------------------------------------------------
    def table_header(self, values: list[str]) -> None:
        self.enter("table")
        self.wrapped, self._last = None, None
        self._starts = tuple(m.start() for m in _WORD.finditer(self.text))
        words = values[0].split()
        if words[-1] not in _FIELDS:  # a name wrapped over more lines: rows wait for its end
            self.columns, self.wrapped = (), words
            self._unwrap([])
            return
        self.columns = tuple(words)
        self._check_columns()

    def header_more(self, values: list[str]) -> object:
        pieces = values[0].split()
        if self.wrapped and self.columns == ():
            self._unwrap(pieces)
        elif self.columns and self._last is not None:  # "ef": the rest of an address above
            return self.cell_more(values)
        elif not all(any(n.endswith(p) and n != p for n in _FIELDS) for p in pieces):
            raise RowError("a line of header names with no wrapped name above it")
        # else the rest of wrapped names whose header line is not there: no columns known
        return None

    def _unwrap(self, pieces: list[str]) -> None:
        """Add a header line's pieces, in order, to the names not yet whole; the columns are
        known once every name is (RowError for a piece that makes no column's name)."""
        assert self.wrapped is not None
        words = self.wrapped = list(self.wrapped)
        open_ = [i for i, w in enumerate(words) if w not in _FIELDS]
        if pieces and len(pieces) != len(open_):
            raise RowError(f"{len(pieces)} wrapped pieces under {len(open_)} wrapped names")
        for i, piece in zip(open_, pieces):
            words[i] += piece
        for word in words:
            if not any(name.startswith(word) for name in _FIELDS):
                raise RowError(f"{word!r} begins no column's name")
        if all(w in _FIELDS for w in words):
            self.columns, self.wrapped = tuple(words), None
            self._check_columns()

    def type_title(self, values: list[str]) -> None:
        self.enter("csv")
        self.columns = None

    def csv_header(self, values: list[str]) -> None:
        self.enter("csv")
        self.columns = tuple(next(csv.reader([values[0]])))
        if len(set(self.columns)) != len(self.columns):
            raise RowError("a CSV header naming a column twice")

    def blank(self) -> None:
        if self.section in ("list", "table"):
            self._last = None  # a blank line ends a list object, or a table row's pieces

    def _check_columns(self) -> None:
        assert self.columns is not None
        if len(set(self.columns)) != len(self.columns):
            raise RowError("a header naming a column twice")
        order = [_ROW_COLUMNS.index(c) for c in self.columns if c in _ROW_COLUMNS]
        if order != sorted(order) or len(order) != len(self.columns) or order[:2] != [0, 1]:
            raise RowError("a table header this view never prints")

    # -- records -------------------------------------------------------------------------------
    def row(self, v: list[Any]) -> Record:
        if self.columns is None:
            present = dict(zip(_ROW_COLUMNS, v))
        else:
            printed = [c for c, value in zip(_ROW_COLUMNS, v) if value is not None]
            missing = [c for c in printed if c not in self.columns]
            if missing:
                raise RowError(f"a {missing[0]} value under a header without that column")
            present = dict(zip(_ROW_COLUMNS, v))
            present = {c: present[c] for c in self.columns}
            lost = [c for c, value in present.items() if value is None and c != "AppliedSetting"]
            if lost:  # only AppliedSetting is ever blank
                raise RowError(f"no {lost[0]} value under a header with that column")
        self._printed = present
        return self._may_go_on(self._build(present))

    def cell_more(self, values: list[str]) -> object:
        """Format-Table -Wrap: the rest of the addresses of the row above, each piece where its
        column begins; the address is typed again whole."""
        record = self._last
        if record is None or record.kind != "socket" or not self._starts or not self.columns:
            raise RowError("the rest of a wrapped value with no table row above it")
        whole: dict[str, str] = {}
        for found in _WORD.finditer(self.text):
            if found.start() not in self._starts:
                raise RowError(f"{found[0]!r} stands where no column begins")
            column = self.columns[self._starts.index(found.start())]
            if not self._fills(column):  # only a value filling its column whole goes on
                raise RowError(f"{found[0]!r} under {column}, which has no value to go on")
            if len(found[0]) > self._width(column):
                raise RowError(f"{found[0]!r}, wider than the {column} column")
            whole[column] = f"{self._printed[column]}{found[0]}"
        self._printed = {**self._printed, **whole}
        for column, value in whole.items():  # once every piece is read right
            self._fill(record, column, value)
        self._may_go_on(record)
        return CONTINUES

    def _width(self, column: str) -> int:
        """The width of a table column but the last (0: no width known)."""
        if not self.columns or column not in self.columns:
            return 0
        at = self.columns.index(column)
        return self._starts[at + 1] - self._starts[at] - 1 if at + 1 < len(self._starts) else 0

    def _fills(self, column: str) -> bool:
        """Whether the row above's address in ``column`` fills its column to the end of its last
        line, uncut: Format-Table -Wrap may go on with it on the next line."""
        printed = self._printed.get(column)
        width = self._width(column)
        return (
            column in _WRAPPED
            and bool(printed)
            and bool(width)
            and not len(printed or "") % width
            and not (printed or "").endswith(_CUT)
        )

    def _may_go_on(self, record: Record) -> Record:
        """Name in ``extra.cut`` the addresses the next line may go on with (kept as printed:
        a value filling its column may be cut), as Linux netstat names its own."""
        cut = [_FIELDS[c] for c in _WRAPPED_ORDER if self._fills(c)]
        if cut:
            record.extra["cut"] = cut
        else:
            record.extra.pop("cut", None)
        return record

    def csv_row(self, values: list[str]) -> Record:
        if self.columns is None:
            raise RowError("a CSV row with no CSV header above it")
        cells = next(csv.reader([values[0]]))
        if len(cells) != len(self.columns):
            raise RowError(f"{len(cells)} values under a header of {len(self.columns)} columns")
        return self._build(dict(zip(self.columns, cells)))

    def list_first(self, v: list[Any]) -> Record:
        self.enter("list")
        self.seen = {"LocalAddress"}
        return self._build({"LocalAddress": v[1]})

    def list_field(self, v: list[Any]) -> object:
        key = v[0].partition(" ")[0]
        if self._last is None:
            raise RowError(f"property {key!r} with no LocalAddress above it")
        if key in self.seen:
            raise RowError(f"a second {key!r} for one object")
        self.seen.add(key)
        self._fill(self._last, key, v[1])
        return CONTINUES

    # -- ConvertTo-Json -----------------------------------------------------------------------
    def json_open(self, v: list[Any]) -> Record | None:
        nest = self._nest
        if v[0] == "[" and not nest:
            self.enter("json")
            self._nest = ("[",)
            return None
        if v[0] == "{" and nest[:1] in ((), ("[",)):
            # an object of the document; a close the line above lacked is not waited for, but
            # then the brace must stand where the document's objects do (else a key was lost)
            indent = len(self.text) - len(self.text.lstrip())
            if len(nest) > 1 and indent != self._indent:
                raise RowError("'{' alone inside an object, not where the document's objects begin")
            self._indent = indent
            self.enter("json")
            self._nest = (*nest[:1], _OBJECT)
            self.seen = set()
            return self._build({})
        raise RowError(f"{v[0]!r} alone where no object of the document begins")

    def json_address(self, v: list[Any]) -> object:
        return self.json_member(['"LocalAddress":', *v[1:]])

    def json_member(self, v: list[Any]) -> object:
        key, value = json.loads(v[0][:-1]), v[1]
        nest = self._nest
        if key not in _NESTED.get(nest[-1] if nest else "", ()) and _OBJECT in nest:
            nest = nest[: nest.index(_OBJECT) + 1]  # a member of the object: a close was lost
        record = self._last
        if not nest or record is None or nest[-1] not in (_OBJECT, *_NESTED):
            raise RowError(f"member {key!r} outside a connection object")
        if nest[-1] == _OBJECT and key in _INNER and not (key in _NESTED and value == "{"):
            raise RowError(f"{key!r}, a member of a nested object, outside it")
        if nest[-1] == _OBJECT and key not in _PROPERTIES:
            raise RowError(f"{key!r} is no property of a connection object")
        if value in ("{", "["):
            if nest[-1] != _OBJECT:
                raise RowError(f"{key!r} opens a value deeper than ConvertTo-Json's default")
            self._nest = (*nest, key if value == "{" else "[")
            self._member(record, key)
            return CONTINUES
        self._nest = nest
        scalar = self._scalar(key, value)
        if nest[-1] == _OBJECT:
            self._member(record, key)
            self._json_value(record, key, scalar)
        elif key in _KEPT and nest[-1] == "CimSystemProperties" and scalar is not None:
            record.extra.setdefault("cim", {})[key] = scalar
            if key == "ClassName" and scalar in _CLASSES:
                self._said_by_class(record, _CLASSES[scalar])
        return CONTINUES

    def json_document(self, v: list[Any]) -> list[Record]:
        """ConvertTo-Json -Compress: each piece of the one-line document handled as its line in
        the indented layouts is (the same members, printed alike), a record per object."""
        try:
            json.loads(v[0])
        except ValueError as err:
            raise RowError(f"no JSON document: {err}") from None
        saved = (self.section, self.table, self._nest, self._last, self.seen)
        self._nest, records = (), []
        try:
            for kind, values in _pieces(v[0]):
                result = getattr(self, kind)(values)
                if type(result) is Record:
                    records.append(result)
                    self._last = result
        except RowError as err:
            self.section, self.table, self._nest, self._last, self.seen = saved
            where = f"object {len(records)} of the document: " if records else ""
            raise RowError(f"{where}{err}") from None
        return records

    def json_item(self, v: list[Any]) -> object:
        if not self._nest or self._nest[-1] != "[" or self._last is None or len(self._nest) < 2:
            raise RowError("an array element outside an array of a connection object")
        self._scalar("element", v[0])
        return CONTINUES

    def json_close(self, v: list[Any]) -> object:
        nest = self._nest
        closes = "[" if v[0] == "]" else "{"
        if not nest or (nest[-1] == "[") != (closes == "["):
            raise RowError(f"{v[0]!r} closes nothing open")
        self._nest = nest[:-1]
        if nest == ("[",):  # the document's array: its end, after the last object's
            return None if self._last is None else CONTINUES
        if self._last is None:
            raise RowError(f"{v[0]!r} closes an object whose lines were not read")
        return CONTINUES

    def _member(self, record: Record, key: str) -> None:
        if key in self.seen:
            raise RowError(f"a second {key!r} for one object")
        self.seen.add(key)

    @staticmethod
    def _scalar(key: str, text: str) -> Any:
        try:
            value = json.loads(text)
        except ValueError:
            raise RowError(f"{key} {text!r} is no JSON value") from None
        if isinstance(value, (dict, list)) and value:
            raise RowError(f"{key} {text!r} is no value of one line")
        if isinstance(value, str):
            return text[1:-1]  # as printed: 5.1 writes a date "\/Date(1796071267000)\/"
        return value if not isinstance(value, (dict, list)) else None

    def _json_value(self, record: Record, key: str, value: Any) -> None:
        """A member of the connection object: a field of the record, or ``extra.cim``."""
        if value is None:
            return
        if isinstance(value, bool) or (key in _FIELDS and isinstance(value, float)):
            raise RowError(f"{key} {value!r} is no value this object prints")
        if key == "AppliedSetting":
            if not isinstance(value, int):
                raise RowError(f"AppliedSetting {value!r} is no number")
            record.extra["applied_setting_code"] = value
        elif key == "State":  # a number, no word: state_raw stays None
            if not isinstance(value, int) or value not in _ENUMS[key]:
                raise RowError(f"State {value!r} is no number of a State name")
            self._fill(record, key, _ENUMS[key][value])
            record.state_raw = None
            record.extra["state_code"] = value
        elif key in _ENUMS:
            names = _ENUMS[key]
            if not isinstance(value, int) or value not in names:
                raise RowError(f"{key} {value!r} is no number of a {key} name")
            self._fill(record, key, names[value])
        elif key in _FIELDS:
            if isinstance(value, str) != (key in _TEXT):
                raise RowError(f"{key} {value!r} is no value this object prints")
            self._fill(record, key, str(value))
        else:
            record.extra.setdefault("cim", {})[key] = value

    def _said_by_class(self, record: Record, proto: str) -> None:
        """The protocol ``CimSystemProperties.ClassName`` names, unless the command said
        another (RowError) or the record's columns did."""
        said = self.said or record.proto
        if said is not None and said != proto:
            raise RowError(f"a {proto.upper()} class in {said.upper()} output")
        if proto == "udp" and any(
            f is not None for f in (record.remote_address, record.remote_port, record.state)
        ):
            raise RowError("a UDP class for an object with TCP properties")
        record.proto = proto

    # -- typing values -------------------------------------------------------------------------
    def _build(self, present: dict[str, str | None]) -> Record:
        record = self.socket(
            self.said, None, Endpoint(None, None, None, None), Endpoint(None, None, None, None)
        )
        for key, value in present.items():
            self._fill(record, key, value)
        return record

    def _fill(self, record: Record, key: str, value: str | None) -> None:
        """Set the record field a property maps to; unknown properties go to ``extra``."""
        if value == "" or value is None:
            value = None
        field = _FIELDS.get(key)
        if key in _TCP_ONLY and self.said is None:
            record.proto = "tcp"
        if key in _TCP_ONLY and self.said == "udp" and value is not None:
            raise RowError(f"a {key} in Get-NetUDPEndpoint output")
        if value is None:
            return
        if field in ("local_address", "remote_address"):
            side = field.partition("_")[0]
            if value.endswith(_CUT):
                record.extra[f"{side}_address_cut"] = True
            address, _, zone = value.partition("%")
            setattr(record, field, address)
            setattr(record, f"{side}_interface", zone or None)
            setattr(record, f"{side}_scope", scope_of(address))  # Record sets it when built
            record.ip_version = record.ip_version or ip_version(address.rstrip(".…"))
        elif field in ("local_port", "remote_port", "pid"):
            if not (value.isascii() and value.isdigit()):
                raise RowError(f"{key} {value!r} is no number")
            if field != "pid" and int(value) > MAX_PORT:  # a UInt16 property
                raise RowError(f"{key} {value} is past {MAX_PORT}")
            setattr(record, field, int(value))
        elif field == "state_raw":
            record.state_raw = value
            record.state = self.tcp_state(value)
        else:
            record.extra[field or key] = value
