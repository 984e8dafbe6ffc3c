"""``scripts/update_services.py`` makes ``services.tsv`` from netbase's /etc/services and
/etc/protocols."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from conftest import ROOT
from netstat_normalizer.model import addresses

SCRIPT = ROOT / "scripts" / "update_services.py"
SERVICES_TEXT = """\
# Network services, Internet style

tcpmux		1/tcp				# TCP port service multiplexer
discard		9/tcp		sink null
ssh		22/tcp				# SSH Remote Login Protocol
"""
PROTOCOLS_TEXT = """\
# Internet (IP) protocols
ip	0	IP		# internet protocol, pseudo protocol number
ipv6-icmp 58	IPv6-ICMP	# ICMP for IPv6
"""


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("update_services", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_rows_from_sample_files(tmp_path: Path) -> None:
    services, protocols = tmp_path / "services", tmp_path / "protocols"
    services.write_text(SERVICES_TEXT)
    protocols.write_text(PROTOCOLS_TEXT)
    out = tmp_path / "services.tsv"
    args = ["--services", str(services), "--protocols", str(protocols), "--out", str(out)]
    assert _script().main(args) == 0
    lines = out.read_text("utf-8").splitlines()
    assert [line for line in lines if not line.startswith("#")] == [
        "tcpmux\t1\ttcp",
        "discard\t9\ttcp",
        "sink\t9\ttcp",
        "null\t9\ttcp",
        "ssh\t22\ttcp",
        "ip\t0\tip",
        "IP\t0\tip",
        "ipv6-icmp\t58\tip",
        "IPv6-ICMP\t58\tip",
    ]


def test_shipped_table_has_the_scripts_header() -> None:
    shipped = (ROOT / "parsers" / "model" / "data" / "services.tsv").read_text("utf-8")
    assert shipped.startswith(_script().HEADER)
    assert addresses.services()["ssh", "tcp"] == 22
    assert addresses.services()["ipv6-icmp", "ip"] == 58
