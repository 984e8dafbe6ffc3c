"""The windows-netstat dialect on its fixtures and on synthetic lines."""

from __future__ import annotations

from pathlib import Path

import pytest

import netstat_normalizer as nn
from netstat_normalizer.dialects import DIALECTS
from netstat_normalizer.grammar.linegrammar import LineError
from netstat_normalizer.model.record import Diagnostic, Record
from netstat_normalizer.model.states import TCP_STATES

FIXTURES = Path(__file__).parent.parent / "fixtures" / "windows-netstat"
CODECS = {
    "an-de": "cp850", "ano-de": "cp850", "ano-fr": "cp850", "ano-es": "cp850", "ano-it": "cp850",
    "ano-pt": "cp850", "ano-ru": "cp866", "ano-ja": "cp932", "ano-zh": "cp936", "ano-ko": "cp949",
    "tn-zh": "cp936",
    "ano-utf16": "utf-16", "ano-de-utf16": "utf-16",
}  # fmt: skip
CASES = sorted(p.stem for p in FIXTURES.glob("*.out"))


def text(case: str) -> str:
    return (FIXTURES / f"{case}.out").read_bytes().decode(CODECS.get(case, "utf-8"))


def run(lines: list[str]) -> tuple[list[Record], list[Diagnostic]]:
    results = list(DIALECTS["windows-netstat"]().run(lines))
    records = [r for r in results if isinstance(r, Record)]
    return records, [r for r in results if isinstance(r, Diagnostic)]


def parse(case: str) -> list[Record]:
    records, diagnostics = run(text(case).splitlines(keepends=True))
    assert diagnostics == []
    return records


def find(records: list[Record], local: str, port: int) -> Record:
    (found,) = (r for r in records if r.local_address == local and r.local_port == port)
    return found


@pytest.mark.parametrize("case", CASES)
def test_fast_path_agrees_with_lalr(case: str) -> None:
    grammar = DIALECTS["windows-netstat"]().lines
    for line in text(case).splitlines():
        if line.strip():
            try:
                exact = grammar.parse_exact(line, "connections")
            except LineError:
                exact = None
            assert grammar.match(line, "connections") == exact, line


@pytest.mark.parametrize(
    ("case", "count"),
    [("a", 12), ("an", 24), ("ano", 24), ("anob", 18), ("anobv-xp", 6), ("aonq", 9),
     ("ano-ipv6-zone", 10), ("ano-findstr", 9), ("ano-utf16", 24), ("an-de", 23), ("ano-de", 22),
     ("ano-de-utf16", 22), ("ano-de-mangled", 22), ("ano-fr", 24), ("ano-es", 24), ("ano-it", 24),
     ("ano-pt", 24), ("ano-ru", 24), ("ano-ja", 24), ("ano-zh", 24), ("ano-ko", 24),
     ("nat", 12), ("oat", 8), ("tn-zh", 4), ("ano-es-mangled", 24)],
)  # fmt: skip
def test_every_line_is_understood(case: str, count: int) -> None:
    assert len(parse(case)) == count


def test_ano_row() -> None:
    r = parse("ano")[0]
    assert (r.dialect, r.proto, r.ip_version) == ("windows-netstat", "tcp", 4)
    assert (r.local_address, r.local_port, r.remote_address, r.remote_port) == (
        "0.0.0.0",
        135,
        "0.0.0.0",
        0,
    )
    assert (r.state, r.state_raw, r.pid) == ("LISTEN", "LISTENING", 1088)
    assert r.source["line"] == 5


def test_ano_states_and_pid_zero() -> None:
    records = parse("ano")
    assert find(records, "192.168.1.23", 50418).state == "TIME-WAIT"
    assert find(records, "192.168.1.23", 50418).pid == 0
    assert find(records, "192.168.1.23", 3389).state == "SYN-RECEIVED"
    assert find(records, "192.168.1.23", 50435).state == "FIN-WAIT-2"
    assert find(records, "192.168.1.23", 50440).state == "LAST-ACK"


def test_udp_rows_have_no_state_and_a_wildcard_remote() -> None:
    udp = find(parse("ano"), "fe80::1c2d:3e4f:5a6b:7c8d", 1900)
    assert (udp.proto, udp.ip_version, udp.local_interface, udp.pid) == ("udp", 6, "12", 4576)
    assert (udp.remote_address, udp.remote_port, udp.state, udp.state_raw) == (
        "*",
        None,
        None,
        None,
    )
    plain = find(parse("an"), "0.0.0.0", 123)  # "*:*" then 20 trailing spaces, no PID
    assert (plain.proto, plain.remote_address, plain.state_raw, plain.pid) == (
        "udp",
        "*",
        None,
        None,
    )


def test_ipv6_listeners() -> None:
    r = find(parse("ano"), "::", 135)
    assert (r.ip_version, r.remote_address, r.remote_port, r.state) == (6, "::", 0, "LISTEN")


def test_names_and_services_without_n() -> None:
    records = parse("a")
    r = find(records, "192.168.1.23", 50412)
    assert (r.remote_address, r.remote_service, r.remote_port) == (
        "fileserver",
        "microsoft-ds",
        445,
    )
    r = find(records, "0.0.0.0", 135)
    assert (r.remote_address, r.remote_port, r.ip_version) == ("WKS-LAB07", 0, 4)
    assert find(records, "192.168.1.23", 50420).remote_address == "a203-0-113-9.deploy.example.net"


def test_zones_push_columns() -> None:
    records = parse("ano-ipv6-zone")
    r = find([r for r in records if r.proto == "tcp"], "fe80::1", 53)
    assert (r.proto, r.local_interface, r.state, r.pid) == ("tcp", "4", "LISTEN", 3012)
    r = find(records, "fe80::a1b2:c3d4:e5f6:789", 50550)
    assert (r.remote_address, r.remote_port, r.remote_interface) == (
        "fe80::2233:44ff:fe55:6677",
        445,
        "17",
    )
    assert (r.state, r.pid) == ("ESTABLISHED", 4)
    r = find(records, "2001:db8:85a3:1:2:8a2e:370:7334", 50601)
    assert (r.remote_address, r.state, r.pid) == ("2001:db8:ffff:1::443", "TIME-WAIT", 0)


def test_b_owner_lines_belong_to_the_row_above() -> None:
    records = parse("anob")
    r = find(records, "0.0.0.0", 135)
    assert (r.pid, r.program, r.extra) == (1088, "svchost.exe", {"service": "RpcSs"})
    r = find(records, "0.0.0.0", 445)
    assert (r.program, r.extra) == (None, {"owner_unavailable": True})
    assert find(records, "192.168.1.23", 50440).program == "Widget Service Host.exe"
    time_wait = find(records, "192.168.1.23", 50418)
    assert (time_wait.pid, time_wait.program, time_wait.extra) == (0, None, {})
    quic = find(records, "0.0.0.0", 50001)
    assert (quic.proto, quic.remote_address, quic.remote_port, quic.state) == (
        "udp",
        "203.0.113.60",
        443,
        None,
    )
    assert quic.program == "firefox.exe"
    assert find(records, "fe80::1c2d:3e4f:5a6b:7c8d", 1900).extra == {"service": "SSDPSRV"}


def test_xp_components() -> None:
    records = parse("anobv-xp")
    r = records[0]
    assert (r.local_port, r.pid, r.program) == (135, 952, "svchost.exe")
    assert r.extra == {
        "components": [
            "C:\\WINDOWS\\system32\\WS2_32.dll",
            "C:\\WINDOWS\\system32\\RPCRT4.dll",
            "c:\\windows\\system32\\rpcss.dll",
            "C:\\WINDOWS\\system32\\svchost.exe",
        ],
        "unknown_components": True,
    }
    assert (records[1].program, records[1].extra) == ("System", {})
    assert records[3].extra["components"][-1] == "C:\\Program Files\\Example\\client.exe"
    assert (records[5].proto, records[5].program) == ("udp", "lsass.exe")


def test_bound() -> None:
    records = parse("aonq")
    r = find(records, "0.0.0.0", 49670)
    assert (r.state, r.state_raw, r.remote_address, r.remote_port, r.pid) == (
        "BOUND",
        "BOUND",
        "0.0.0.0",
        0,
        5560,
    )
    assert find(records, "::", 49672).state == "BOUND"


def test_header_cut_off() -> None:
    records = parse("ano-findstr")
    assert {r.state for r in records} == {"LISTEN"}
    assert records[0].source["line"] == 1


@pytest.mark.parametrize("case", ["an-de", "ano-de", "ano-de-utf16"])
def test_german_states(case: str) -> None:
    states = {r.state_raw: r.state for r in parse(case) if r.proto == "tcp"}
    assert states["ABHÖREN"] == "LISTEN"
    assert states["HERGESTELLT"] == "ESTABLISHED"
    assert states["WARTEND"] == "TIME-WAIT"
    assert states["SYN_GESENDET"] == "SYN-SENT"
    assert states["SYN_EMPFANGEN"] == "SYN-RECEIVED"
    assert states["FIN_WARTEN_1"] == "FIN-WAIT-1"
    assert states["FIN_WARTEN_2"] == "FIN-WAIT-2"


def test_schliessen_warten_at_line_end() -> None:
    r = find(parse("an-de"), "192.168.1.23", 50420)
    assert (r.state, r.state_raw) == ("CLOSE-WAIT", "SCHLIESSEN_WARTEN")


def test_mangled_german_state() -> None:
    r = parse("ano-de-mangled")[0]
    assert (r.state, r.state_raw, r.pid) == ("LISTEN", "ABH™REN", 1088)


@pytest.mark.parametrize("word", ["ABH™REN", "ABH\x99REN", "ABH\ufffdREN", "ABH?REN", "ABHREN"])
def test_mangled_abhoeren_in_state_table(word: str) -> None:
    assert TCP_STATES[word] == "LISTEN"


@pytest.mark.parametrize(
    "case", ["ano-fr", "ano-es", "ano-it", "ano-pt", "ano-ru", "ano-ja", "ano-zh", "ano-ko"]
)
def test_localized_tables_keep_english_states(case: str) -> None:
    records = parse(case)
    r = find(records, "192.168.1.23", 50433)
    assert (r.proto, r.state, r.state_raw, r.pid) == ("tcp", "FIN-WAIT-1", "FIN_WAIT_1", 11872)
    assert records[-1].local_interface == "12"


def classify(line: str) -> str:
    return DIALECTS["windows-netstat"]().classify(line)[0]


RU = "  Имя    Локальный адрес        Внешний адрес          Состояние"
ZH = "  协议  本地地址          外部地址        状态"
KO = "  프로토콜  로컬 주소              외부 주소              상태"
JA = "  プロトコル  ローカル アドレス      外部アドレス           状態"
FR = "  Proto  Adresse locale         Adresse distante       État"
ES = "  Proto  Dirección local        Dirección remota       Estado"
PT = "  Proto  Endereço local         Endereço externo       Estado"


def mangle(line: str, codepage: str, wrong: str) -> str:
    return line.encode(codepage).decode(wrong, "replace")


# Titles and headers in a console code page read in the wrong one, as listed in the research notes
@pytest.mark.parametrize(
    ("line", "kind"),
    [
        (mangle("Conexões ativas", "cp850", "cp1252"), "title"),
        (mangle("Conexões ativas", "cp850", "utf-8"), "title"),
        (mangle(FR, "cp850", "cp1252"), "header"),
        (mangle(FR + "            PID", "cp850", "latin-1"), "header"),
        (mangle(ES, "cp850", "cp1252"), "header"),
        (mangle(ES, "cp850", "utf-8"), "header"),
        (mangle(PT, "cp850", "cp1252"), "header"),
        (mangle(RU, "cp866", "cp1252"), "header"),
        (mangle(RU, "cp866", "cp1251"), "header"),
        (mangle(JA, "cp932", "cp1252"), "header"),
        (mangle(ZH, "cp936", "cp1252"), "header"),
        (mangle(ZH, "cp936", "utf-8"), "header"),
        (mangle(KO, "cp949", "cp1252"), "header"),
        (mangle(KO + "            PID", "cp949", "utf-8"), "header"),
        ("The requested operation requires elevation.", "warning"),
        (" Impossible d\u2019obtenir les informations de propri\u00e9taire", "no_owner"),
        ("  \\SystemRoot\\System32\\mswsock.dll", "owner_component"),
    ],
)
def test_line_kinds(line: str, kind: str) -> None:
    assert classify(line) == kind


ROW = "  TCP    0.0.0.0:135            0.0.0.0:0              LISTENING       1088\r\n"


def test_delete_tcb_and_crlf() -> None:
    records, diagnostics = run(
        ["  TCP    10.0.0.5:50000         10.0.0.9:443           DELETE_TCB      0\r\n"]
    )
    assert diagnostics == []
    assert (records[0].state, records[0].state_raw, records[0].pid) == (
        "DELETE-TCB",
        "DELETE_TCB",
        0,
    )


def test_owner_lines_never_overwrite_one_another() -> None:
    records, diagnostics = run(
        [ROW, "  RpcSs\r\n", "  Dnscache\r\n", " [svchost.exe]\r\n", " [lsass.exe]\r\n"]
    )
    assert (records[0].program, records[0].extra) == ("svchost.exe", {"service": "RpcSs"})
    assert [d.reason for d in diagnostics] == [
        "a second service for one connection",
        "a second owner for one connection",
    ]


def test_owner_line_without_a_row() -> None:
    lines = ["\r\n", "Active Connections\r\n", "\r\n", " [svchost.exe]\r\n", ROW]
    records, diagnostics = run(lines)
    assert len(records) == 1
    assert [(d.line, d.reason) for d in diagnostics] == [
        (4, "owner line with no connection above it")
    ]


def test_unknown_state_and_udp_state_are_diagnosed() -> None:
    records, diagnostics = run([
        "  TCP    0.0.0.0:1              0.0.0.0:0              LAUSCHEN        4\r\n",
        "  UDP    0.0.0.0:2              *:*                    LISTENING       4\r\n",
    ])  # fmt: skip
    assert records == []
    assert [d.reason for d in diagnostics] == [
        "unknown TCP state 'LAUSCHEN'",
        "UDP row with a state 'LISTENING'",
    ]


def test_offload_state_after_the_state() -> None:
    records = parse("nat")
    assert find(records, "192.0.2.15", 1033).extra == {"offload_state": "Offloaded"}
    assert find(records, "0.0.0.0", 80).extra == {"offload_state": "InHost"}
    udp = find(records, "127.0.0.1", 1029)
    assert (udp.proto, udp.state, udp.extra) == ("udp", None, {})


def test_offload_state_after_pid_and_tab() -> None:
    records = parse("oat")
    r = find(records, "192.0.2.20", 5985)
    assert (r.state, r.pid, r.extra) == ("TIME-WAIT", 0, {"offload_state": "InHost"})
    assert find(records, "0.0.0.0", 123).pid == 1620


def test_offload_state_zh_header_and_mangled_es_header() -> None:
    assert {r.extra["offload_state"] for r in parse("tn-zh")} == {"InHost"}
    assert "Direcci\u00a2n" in text("ano-es-mangled")
    assert [r.to_dict() for r in parse("ano-es-mangled")] == [r.to_dict() for r in parse("ano-es")]


def test_offload_word_on_a_udp_row_is_refused() -> None:
    records, diagnostics = run(["  UDP    0.0.0.0:500            *:*                    InHost"])
    assert records == [] and "UDP row" in diagnostics[0].reason


@pytest.mark.parametrize(
    "row",
    [
        "  TCP    0.0.0.0:80             dc01:0                 InHost       4536\tInHost      ",
        "  TCP    0.0.0.0:80             dc01:0                 InHost      ",
        "  TCP    0.0.0.0:80             dc01:0                 InHost 4536",
    ],
)
def test_an_offload_word_in_the_state_column_is_no_state(row: str) -> None:
    """A -t row whose state was lost or swapped for the offload word (deep hypothesis finding):
    the offload word is never a state, so the row is refused, by the fast path and LALR alike."""
    lines = DIALECTS["windows-netstat"]().lines
    try:
        exact = lines.parse_exact(row, "connections")
    except LineError:
        exact = None
    assert lines.match(row, "connections") == exact
    records, diagnostics = run([row])
    assert records == [] and len(diagnostics) == 1


def test_headerless_offload_rows_are_detected() -> None:
    rows = "".join(
        f"  TCP    {local:21}  {'192.0.2.132:9091':21}  {state:12}    {'InHost':12}\r\n"
        for local, state in (
            ("192.0.2.182:51725", "ESTABLISHED"),
            ("192.0.2.182:51726", "CLOSE_WAIT"),
        )
    )  # netstat -tn | findstr 9091
    assert nn.detect(rows).dialect == "windows-netstat"
    result = nn.parse(rows)
    assert [(r.state, r.extra) for r in result.records] == [
        ("ESTABLISHED", {"offload_state": "InHost"}),
        ("CLOSE-WAIT", {"offload_state": "InHost"}),
    ]
