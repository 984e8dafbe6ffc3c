"""The ``netstat-normalizer`` command line.

Each command is a module with ``add(commands)`` (its arguments) and ``run(args)``; ``COMMANDS``
lists them in the order ``--help`` shows them.
"""

from __future__ import annotations

import argparse
import sys
from importlib.metadata import PackageNotFoundError, version

from ..errors import NetstatNormalizerError
from . import (
    capture,
    common,
    convert,
    detect,
    diff,
    explain,
    findings,
    parse,
    report,
    summary,
    timeline,
)

COMMANDS = (parse, convert, detect, capture, explain, summary, findings, diff, timeline, report)
DESCRIPTION = """\
Read netstat and ss output of Linux, Windows, macOS, FreeBSD and Solaris and write canonical
records (JSON, JSON Lines, a table or CSV), every input line accounted for."""
EPILOG = """\
which command do I want:
  parse     captured output you have: files, archives, stdin
  capture   this machine's sockets, now (runs ss or netstat)
  convert   many files, folders or archives into one output file each (a fleet)
  detect    which system and tool a file came from
  explain   what a state (any spelling) or a findings rule means
  summary   counts per capture: states, listeners, peers, TIME-WAIT; OpenMetrics
  findings  piles and leaks worth a look (CLOSE-WAIT, SYN-RECEIVED...), Nagios status
  diff      what changed between two captures (added, removed sockets)
  timeline  how a fleet's captures evolve over time, with findings
  report    one offline HTML page of a fleet's captures

examples:
  netstat-normalizer capture --format table
  netstat-normalizer capture --format table --state ESTABLISHED --port 443
  netstat-normalizer parse --format table --fields state,remote_address,remote_port,program ss.txt
  ssh web3 'ss -tanp' | netstat-normalizer parse --format jsonl --command 'ss -tanp' -
  netstat-normalizer convert fleet/ logs/day1.tar.gz --out json/
  netstat-normalizer explain SYN_RCVD --lang ko
  netstat-normalizer findings --format nagios ss.txt
  netstat-normalizer COMMAND --help    (each command's options, examples and exit status)

exit status: 0 all lines accounted for; 1 some lines not parsed (reported on stderr);
2 usage error, or an input unreadable or not recognised; 130 interrupted.
"""


def package_version() -> str:
    """The installed package's version (from its metadata)."""
    try:
        return version("netstat-normalizer")
    except PackageNotFoundError:  # run from a source tree that is not installed
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return int(args.run(args))
    except (common.Usage, NetstatNormalizerError) as err:
        common.say(err)
        return common.EXIT_USAGE
    except BrokenPipeError:
        sys.stderr.close()
        return common.EXIT_OK
    except KeyboardInterrupt:
        return common.EXIT_INTERRUPTED


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="netstat-normalizer",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {package_version()}")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.add(commands)
    return parser
