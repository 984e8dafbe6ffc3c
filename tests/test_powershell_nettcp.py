"""The powershell-nettcp dialect: tables, lists and CSV reconstructed from published outputs."""

from __future__ import annotations

from pathlib import Path

import netstat_normalizer as nn
from netstat_normalizer.engine.detect import rank
from netstat_normalizer.io.reader import MAX_LINE

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


def test_a_port_past_65535_is_refused() -> None:
    rows = (FIXTURES / "csv.out").read_text().splitlines()
    at = next(n for n, row in enumerate(rows) if row[1:].split('","')[1:2] == ["49669"])
    fields = rows[at].split('","')
    fields[1] = "70000"  # LocalPort, a UInt16
    rows[at] = '","'.join(fields)
    found = nn.parse("\n".join(rows) + "\n", dialect="powershell-nettcp")
    assert [d.reason for d in found.diagnostics] == ["LocalPort 70000 is past 65535"]


def test_without_command_only_tcp_columns_say_tcp() -> None:
    udp_table = (FIXTURES / "udp.out").read_bytes()
    assert {r.proto for r in nn.parse(udp_table).records} == {None}
    assert {r.proto for r in nn.parse((FIXTURES / "csv.out").read_bytes()).records} == {"tcp"}


def test_headerless_csv_rows_detect_but_are_not_guessed() -> None:
    rows = (FIXTURES / "csv.out").read_text().splitlines()[2:]
    assert rank(rows)[0] == ("powershell-nettcp", 0.9)
    result = nn.parse("\n".join(rows))
    assert result.records == [] and len(result.diagnostics) == len(rows)


# -- ConvertTo-Json (issue 12) -----------------------------------------------------------------
def test_json_of_windows_powershell_51_fills_records_from_members() -> None:
    result = parse("json-ps51-utf16")
    assert result.encoding == "utf-16"
    assert [r.source["line"] for r in result.records] == [2, 85, 168, 251]
    first = result.records[0]
    assert (first.proto, first.local_address, first.local_port) == ("tcp", "192.168.1.23", 52547)
    assert (first.remote_address, first.remote_port, first.pid) == ("20.42.65.92", 443, 3880)
    assert (first.state, first.state_raw) == ("ESTABLISHED", None)  # a number, no word
    assert first.extra == {
        "cim": {
            "ServerName": "DESKTOP-7K2QF3M",
            "ClassName": "MSFT_NetTCPConnection",
            "EnabledDefault": 2,
            "TransitioningToState": 12,
            "RequestedState": 5,
        },
        "state_code": 5,
        "applied_setting_code": 0,
        "creation_time": "\\/Date(1796071267000)\\/",  # as printed
        "offload_state": "InHost",
    }
    time_wait = result.records[1]
    assert (time_wait.state, time_wait.pid, "applied_setting_code" in time_wait.extra) == (
        "TIME-WAIT",
        0,
        False,
    )
    assert result.lines == {"record": 333, "other": 1, "unparsed": 0}  # "]" ends the last


def test_json_of_powershell_7_select_and_udp() -> None:
    states = [r.state for r in parse("json-select-pwsh7").records]
    assert states == ["ESTABLISHED", "TIME-WAIT", "ESTABLISHED", "BOUND", "LISTEN"]
    udp = parse("udp-json-pwsh7").records
    assert [(r.proto, r.local_address, r.local_interface, r.pid) for r in udp][2] == (
        "udp",
        "fe80::5d3a:2c1b:9e4f:7a10",
        "12",
        4812,
    )
    (one,) = parse("udp-json-one-pwsh7").records  # one object: no array around it
    assert (one.local_port, one.pid, one.proto) == (1900, 4812, "udp")
    without_command = nn.parse((FIXTURES / "udp-json-pwsh7.out").read_bytes())
    assert {r.proto for r in without_command.records} == {None}


def test_json_is_detected_with_or_without_its_opening_bracket() -> None:
    text = (FIXTURES / "json-select-pwsh7.out").read_text()
    assert nn.detect(text).dialect == "powershell-nettcp"
    members = text.splitlines()[2:8]  # one object's members, cut from the document
    assert nn.detect("\n".join(members)).dialect == "powershell-nettcp"
    result = nn.parse("\n".join(members))
    assert result.records == [] and len(result.diagnostics) == 6
    assert "outside a connection object" in result.diagnostics[0].reason


def _json(*lines: str) -> nn.ParseResult:
    return nn.parse("\n".join(lines) + "\n", dialect="powershell-nettcp")


def test_json_nesting_mistakes_give_diagnostics_never_values() -> None:
    head = ["[", "  {", '    "LocalAddress": "::",']
    # a close lost: the next object is one of the document all the same
    lost = _json(*head, '    "LocalPort": 135', "  {", '    "LocalAddress": "0.0.0.0",', "  }", "]")
    found = [(r.local_address, r.local_port) for r in lost.records]
    assert found == [("::", 135), ("0.0.0.0", None)]
    # a key lost ("CimClass": {): a brace that stands in deeper than the objects opens none
    # (deep hypothesis finding: it began a record), and the lines below join no record
    keyless = _json(*head, "      {", '    "LocalPort": 135', "  }", "]")
    assert [(r.local_address, r.local_port) for r in keyless.records] == [("::", None)]
    assert [d.line for d in keyless.diagnostics] == [4, 5, 6]
    assert "not where the document's objects begin" in keyless.diagnostics[0].reason
    twice = _json(*head, '    "LocalAddress": "0.0.0.0"', "  }", "]")
    assert [r.local_address for r in twice.records] == ["::"] and len(twice.diagnostics) == 1
    outside = _json(*head, "  },", '  "LocalPort": 135', "]")
    assert "outside a connection object" in outside.diagnostics[0].reason
    unknown = _json(*head, '    "State": 13', "  }", "]")
    assert [r.state for r in unknown.records] == [None] and len(unknown.diagnostics) == 1
    udp_class = _json(
        *head,
        '    "State": 2,',
        '    "CimSystemProperties": {',
        '      "ClassName": "MSFT_NetUDPEndpoint"',
        "    }",
        "  }",
        "]",
    )
    assert "UDP class" in udp_class.diagnostics[0].reason
    promoted = _json(*head, '      "ClassName": "MSFT_NetTCPConnection"', "  }", "]")
    assert promoted.records[0].extra == {} and "nested object" in promoted.diagnostics[0].reason
    text_port = _json(*head, '    "LocalPort": "135"', "  }", "]")
    assert text_port.records[0].local_port is None and len(text_port.diagnostics) == 1


def test_a_header_name_wrapped_on_a_narrow_console() -> None:
    result = parse("table-wrapped-header-utf16")
    text = (FIXTURES / "table-wrapped-header-utf16.out").read_bytes().decode("utf-16")
    lines = text.split("\r\n")
    assert lines[1].endswith(" AppliedS") and lines[2].strip() == "etting"
    settings = [r.extra.get("applied_setting") for r in result.records][2:6]
    assert settings == ["Internet", None, "Internet", "Internet"]
    assert result.lines == {"record": 8, "other": 6, "unparsed": 0}
    header = "LocalAddress LocalPort State AppliedS"
    row = "192.168.1.23 52547 Established Internet"
    cut_short = nn.parse(f"{header}\n---- ---- ---- ----\n{row}\n", dialect="powershell-nettcp")
    assert cut_short.records == [] and [d.line for d in cut_short.diagnostics] == [3]
    wrong = nn.parse(f"{header}\nettings\n{row}\n", dialect="powershell-nettcp")
    assert "begins no column" in wrong.diagnostics[0].reason and wrong.records == []
    alone = nn.parse("etting\nettings\nFoo\n", dialect="powershell-nettcp")
    assert (alone.lines["other"], [d.line for d in alone.diagnostics]) == (1, [2, 3])
    assert rank([lines[1], lines[2], lines[4]])[0].dialect == "powershell-nettcp"


def test_format_table_wrap_continues_addresses_under_their_column() -> None:
    """PowerShell 7's TableWriter (-Wrap) cuts an address every 35 characters, the rest under it
    on the next line where its column begins, the line's end trimmed."""
    result = parse("table-wrap-pwsh7")
    assert result.lines == {"record": 12, "other": 4, "unparsed": 0}
    both = next(r for r in result.records if r.local_port == 52541)
    assert (both.local_address, both.remote_address) == (
        "2a01:cb04:809:b600:e1c4:7b1d:3f2a:9c01",
        "2a00:1450:4007:80c:8a2e:370:7334:1a2b",
    )
    # "bdef", letters only, is also how a wrapped header name's rest looks
    remote = next(r for r in result.records if r.local_port == 52538)
    assert remote.remote_address == "2606:4700:3033:1c42:b6c8:91a4:3f2e:bdef"
    assert (remote.state, remote.remote_scope, "remote_address_cut" in remote.extra) == (
        "TIME-WAIT",
        "other",
        False,
    )


WRAPPED = "2a01:cb04:809:b600:e1c4:7b1d:3f2a:9 52544     ::1" + " " * 32 + ROW[82:]


def test_windows_powershell_pads_the_rest_of_a_wrapped_row() -> None:
    """The older TableWriter.cs (PowerShell 6.0, as Windows PowerShell 5.1) pads every column of
    a wrapped row's next lines to its width, the last one too: trailing blanks."""
    more = "c01".ljust(35 + 10 + 36 + 11 + 12 + 15 + 14)
    (record,) = nn.parse(f"{HEADER}\r\n{RULE}\r\n{WRAPPED}\r\n{more}\r\n").records
    assert record.local_address == "2a01:cb04:809:b600:e1c4:7b1d:3f2a:9c01"


def test_the_rest_of_a_wrapped_value_must_stand_under_an_address_that_goes_on() -> None:
    cases = {
        " c01": "stands where no column begins",
        " " * 36 + "1": "under LocalPort, which has no value to go on",
        " " * 46 + "c01": "under RemoteAddress",  # "::1" does not fill its column: no more
        "c01" + " " * 43 + "2b": "under RemoteAddress",
        "c01" * 12: "wider than the LocalAddress column",
    }
    for more, reason in cases.items():
        result = nn.parse(f"{HEADER}\r\n{RULE}\r\n{WRAPPED}\r\n{more}\r\n")
        assert reason in result.diagnostics[0].reason
        assert result.records[0].local_address == "2a01:cb04:809:b600:e1c4:7b1d:3f2a:9"
    after_blank = nn.parse(f"{HEADER}\r\n{RULE}\r\n{WRAPPED}\r\n\r\nc01\r\n")
    assert "no table row above it" in after_blank.diagnostics[0].reason


def test_an_address_filling_its_column_may_go_on_and_says_so() -> None:
    """35 characters, no "...": whole, or (-Wrap) going on below; the next line tells."""
    alone = nn.parse(f"{HEADER}\r\n{RULE}\r\n{WRAPPED}\r\n{ROW}\r\n").records[0]
    assert (alone.local_address, alone.extra["cut"]) == (
        "2a01:cb04:809:b600:e1c4:7b1d:3f2a:9",
        ["local_address"],
    )
    joined = nn.parse(f"{HEADER}\r\n{RULE}\r\n{WRAPPED}\r\nc01\r\n").records[0]
    assert "cut" not in joined.extra


def _records(case: str) -> list[dict[str, object]]:
    return [{k: v for k, v in r.to_dict().items() if k != "source"} for r in parse(case).records]


def test_convertto_json_compress_reads_as_the_indented_document() -> None:
    """-Compress prints the same members without whitespace, the document on one line (5.1's
    pretty printer only adds whitespace to it): the same records, from one record line."""
    for compact, indented in [
        ("json-compress-ps51-utf16", "json-ps51-utf16"),
        ("udp-json-compress-pwsh7", "udp-json-pwsh7"),
        ("udp-json-one-compress-pwsh7", "udp-json-one-pwsh7"),
    ]:
        assert _records(compact) == _records(indented)
        assert parse(compact).lines == {"record": 1, "other": 0, "unparsed": 0}
    first = parse("json-compress-ps51-utf16").records[0]
    assert (first.extra["cim"]["ClassName"], first.extra["state_code"]) == (
        "MSFT_NetTCPConnection",
        5,
    )


def test_a_compressed_document_is_read_whole_or_not_at_all() -> None:
    good = '{"LocalAddress":"::","LocalPort":135,"OwningProcess":1072}'
    bad = '{"LocalAddress":"::","LocalPort":135,"OwningProcess":"x"}'
    result = nn.parse(f"[{good},{bad}]\r\n", dialect="powershell-nettcp")
    assert result.records == []
    assert result.diagnostics[0].reason == (
        "object 2 of the document: OwningProcess 'x' is no value this object prints"
    )
    broken = nn.parse(f"[{good},{good}\r\n", dialect="powershell-nettcp")
    assert broken.records == [] and "no JSON document" in broken.diagnostics[0].reason
    # the lines after it are read as before it
    after = nn.parse(f"[{good},{bad}]\r\n[{good}]\r\n", dialect="powershell-nettcp")
    assert [r.local_port for r in after.records] == [135]


def test_a_compressed_document_longer_than_a_line_may_be_is_reported() -> None:
    """A one-line document longer than MAX_LINE (1 MiB) is one unparsed line, never read."""
    one = '{"LocalAddress":"192.168.1.23","LocalPort":52547,"OwningProcess":3880}'
    document = "[" + ",".join([one] * (MAX_LINE // len(one) + 1)) + "]"
    result = nn.parse(f"{document}\r\n[{one}]\r\n".encode(), dialect="powershell-nettcp")
    assert result.lines == {"record": 1, "other": 0, "unparsed": 1}
    assert result.diagnostics[0].reason == f"line of {len(document)} bytes, longer than {MAX_LINE}"
    assert [r.local_port for r in result.records] == [52547]
