"""The powershell-nettcp dialect: tables, lists and CSV reconstructed from published outputs."""

from __future__ import annotations

from pathlib import Path

import netstat_normalizer as nn
from netstat_normalizer.engine.detect import rank

FIXTURES = Path(__file__).parent.parent / "fixtures" / "powershell-nettcp"
HEADER = (
    "LocalAddress                        LocalPort RemoteAddress                       RemotePort"
    " State       AppliedSetting OwningProcess"
)
RULE = (
    "------------                        --------- -------------                       ----------"
    " -----       -------------- -------------"
)
ROW = (
    "192.168.0.236                       65292     95.100.100.200                      443       "
    " Established Internet       12172"
)


def parse(case: str) -> nn.ParseResult:
    command = (FIXTURES / f"{case}.cmd").read_text().strip()
    result = nn.parse((FIXTURES / f"{case}.out").read_bytes(), command=command)
    assert result.dialect == "powershell-nettcp" and not result.diagnostics
    return result


def test_table_rows_states_and_pids() -> None:
    (record,) = nn.parse(f"\r\n{HEADER}\r\n{RULE}\r\n{ROW}\r\n\r\n\r\n").records
    assert (record.proto, record.local_address, record.local_port) == (
        "tcp",
        "192.168.0.236",
        65292,
    )
    assert (record.remote_address, record.remote_port, record.state) == (
        "95.100.100.200",
        443,
        "ESTABLISHED",
    )
    assert (record.pid, record.extra) == (12172, {"applied_setting": "Internet"})
    states = {r.state_raw: r.state for r in parse("table").records}
    assert states["Bound"] == "BOUND" and states["FinWait2"] == "FIN-WAIT-2"


def test_cut_addresses_are_kept_as_printed_and_flagged() -> None:
    records = parse("table").records
    cut = next(r for r in records if r.remote_address and r.remote_address.endswith("..."))
    assert cut.remote_address == "2606:2800:11f:85d:13e0:11e9:1a6:..."
    assert cut.extra["remote_address_cut"] and cut.extra["local_address_cut"]
    assert cut.ip_version == 6
    zoned = next(r for r in records if r.local_interface)
    assert (zoned.local_address, zoned.local_interface) == ("fe80::5d3a:2c1b:9e4f:7a10", "12")


def test_utf16_redirect_without_the_column_that_did_not_fit() -> None:
    result = parse("table-narrow-utf16")
    assert result.encoding == "utf-16"
    assert all(r.pid is None for r in result.records)
    row_with_pid = "0.0.0.0          135       0.0.0.0         0          Listen         1072"
    header = "LocalAddress LocalPort RemoteAddress RemotePort State AppliedSetting"
    bad = nn.parse(f"{header}\n{row_with_pid}\n", dialect="powershell-nettcp")
    assert bad.records == [] and len(bad.diagnostics) == 1


def test_list_objects_end_at_blank_lines() -> None:
    records = parse("list").records
    assert [r.source["line"] for r in records] == [2, 12, 22, 32]
    first = records[0]
    assert (first.pid, first.state, first.extra["creation_time"]) == (
        3880,
        "ESTABLISHED",
        "11/30/2026 9:41:07 PM",
    )
    orphan = nn.parse("State          : Listen\n", dialect="powershell-nettcp")
    assert orphan.records == [] and len(orphan.diagnostics) == 1


def test_csv_rows_follow_their_header_and_the_command_names_udp() -> None:
    tcp = parse("csv").records
    assert len(tcp) == 20 and tcp[0].state == "LISTEN" and tcp[0].pid == 3104
    udp = parse("udp-csv-pwsh7").records
    assert {r.proto for r in udp} == {"udp"} and all(r.state is None for r in udp)
    assert {r.proto for r in parse("udp").records} == {"udp"}
    headless = nn.parse('"0.0.0.0","5353","2344"\n', dialect="powershell-nettcp")
    assert headless.records == [] and "no CSV header" in headless.diagnostics[0].reason


def test_without_command_only_tcp_columns_say_tcp() -> None:
    udp_table = (FIXTURES / "udp.out").read_bytes()
    assert {r.proto for r in nn.parse(udp_table).records} == {None}
    assert {r.proto for r in nn.parse((FIXTURES / "csv.out").read_bytes()).records} == {"tcp"}


def test_headerless_csv_rows_detect_but_are_not_guessed() -> None:
    rows = (FIXTURES / "csv.out").read_text().splitlines()[2:]
    assert rank(rows)[0] == ("powershell-nettcp", 0.9)
    result = nn.parse("\n".join(rows))
    assert result.records == [] and len(result.diagnostics) == len(rows)
