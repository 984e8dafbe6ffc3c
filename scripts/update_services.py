"""Regenerate ``parsers/model/data/services.tsv`` from Debian's netbase files.

Source: the ``netbase`` package of Debian (``apt-get install netbase``), whose ``/etc/services``
lists the well-known IANA service names (https://www.iana.org/assignments/service-names-port-numbers)
and whose ``/etc/protocols`` lists the IP protocol numbers
(https://www.iana.org/assignments/protocol-numbers).  Each service name and each of its aliases
becomes a row ``name<TAB>port<TAB>tcp|udp|...``; each protocol name and alias a row
``name<TAB>number<TAB>ip`` (raw sockets print these in place of a port).  Rows keep the files'
order; comments and blank lines are dropped.

    python scripts/update_services.py                       # /etc/services, /etc/protocols
    python scripts/update_services.py --services S --protocols P --out FILE
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Iterator
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "parsers" / "model" / "data" / "services.tsv"
HEADER = (
    "# Well-known service names (IANA, as Debian's netbase ships them in /etc/services) and,"
    " under\n"
    "# 'ip', IP protocol names (/etc/protocols) that raw sockets print in place of a port.\n"
    "# Regenerate with scripts/update_services.py.\n"
    "# name\tport\tprotocol\n"
)


def _fields(lines: Iterable[str]) -> Iterator[list[str]]:
    """Each entry's fields, comments dropped."""
    for line in lines:
        fields = line.partition("#")[0].split()
        if fields:
            yield fields


def service_rows(lines: Iterable[str]) -> Iterator[tuple[str, int, str]]:
    """``(name, port, protocol)`` for each name and alias of ``/etc/services``'s entries."""
    for name, where, *aliases in _fields(lines):
        port, slash, protocol = where.partition("/")
        if not slash or not port.isdigit():
            raise ValueError(f"not a port/protocol: {where!r}")
        for each in (name, *aliases):
            yield each, int(port), protocol


def protocol_rows(lines: Iterable[str]) -> Iterator[tuple[str, int, str]]:
    """``(name, number, "ip")`` for each name and alias of ``/etc/protocols``'s entries."""
    for name, number, *aliases in _fields(lines):
        if not number.isdigit():
            raise ValueError(f"not a protocol number: {number!r}")
        for each in (name, *aliases):
            yield each, int(number), "ip"


def table(services: str, protocols: str) -> str:
    """The text of ``services.tsv`` from the texts of ``/etc/services`` and ``/etc/protocols``."""
    rows = [*service_rows(services.splitlines()), *protocol_rows(protocols.splitlines())]
    return HEADER + "".join(f"{name}\t{port}\t{proto}\n" for name, port, proto in rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", default="/etc/services", type=Path)
    parser.add_argument("--protocols", default="/etc/protocols", type=Path)
    parser.add_argument("--out", default=OUT, type=Path)
    args = parser.parse_args(argv)
    text = table(args.services.read_text("utf-8"), args.protocols.read_text("utf-8"))
    args.out.write_text(text, "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
