"""PowerShell ``Get-NetTCPConnection`` and ``Get-NetUDPEndpoint``: table, list and CSV output.

Grammar: ``grammars/powershell_nettcp.lark``.  Input is text (UTF-16 from Windows PowerShell's
``>`` is decoded before).  The header (table, CSV) says which columns a row has; list output
gives one ``Name : value`` line per property, an object starting at ``LocalAddress``.  Rows do
not name their protocol: it comes from the command (``Get-NetUDPEndpoint``), else from TCP-only
columns (RemoteAddress, State...), else stays null.  An address PowerShell cut to its column
(``2600:6c63:...:72...``) is kept as printed, flagged ``extra["<side>_address_cut"]``.
"""

from __future__ import annotations

import csv
from typing import Any

from ..model.addresses import Endpoint, ip_version, scope_of
from ..model.record import Record
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


class PowershellNettcp(Dialect):
    name = "powershell-nettcp"
    grammar = "powershell_nettcp"
    sections = ("table", "list", "csv")
    weak_kinds = frozenset(("list_field",))
    continuations = frozenset(("list_field",))
    table_fields = ("said", "columns")

    def __init__(self, path: str | None = None, command: str | None = None, **options: Any) -> None:
        super().__init__(path, command, **options)
        said = (command or "").lower()
        self.said = (
            "udp" if "netudpendpoint" in said else "tcp" if "nettcpconnection" in said else None
        )
        """The protocol the command names."""
        self.columns: tuple[str, ...] | None = None
        """The columns of the table or CSV header above; None before one."""
        self.seen: set[str] = set()
        """The properties of the list object being read."""

    # -- lines that are no records ------------------------------------------------------------
    def table_header(self, values: list[str]) -> None:
        self.enter("table")
        self.columns = tuple(values[0].split())
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
        if self.section == "list":
            self._last = None  # a blank line ends a list object

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
        return self._build(present)

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
            setattr(record, field, int(value))
        elif field == "state_raw":
            record.state_raw = value
            record.state = self.tcp_state(value)
        else:
            record.extra[field or key] = value
