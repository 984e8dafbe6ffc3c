"""The ``netstat-normalizer`` command line.

Each command is a module with ``add(commands)`` (its arguments) and ``run(args)``; ``COMMANDS``
names them in the order ``--help`` shows them.  Only the module of the command run is imported
(all of them for the top-level help), so that ``parse`` does not wait for the analysis modules.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib import import_module
from typing import Any

from ..errors import NetstatNormalizerError
from . import common

COMMANDS = (
    "parse",
    "convert",
    "detect",
    "capture",
    "explain",
    "summary",
    "findings",
    "diff",
    "timeline",
    "report",
)
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
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("netstat-normalizer")
    except PackageNotFoundError:  # run from a source tree that is not installed
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = _parser(argv).parse_args(argv)
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


class _Version(argparse.Action):
    """``--version``, reading the package metadata only when asked."""

    def __init__(self, option_strings: Sequence[str], dest: str, **_: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *_: Any) -> None:
        print(f"{parser.prog} {package_version()}")
        parser.exit()


def _parser(argv: Sequence[str] = ()) -> argparse.ArgumentParser:
    """The argument parser, with the command ``argv`` names (every command when it names none
    or an unknown one, so that help and argparse's errors list them all)."""
    parser = argparse.ArgumentParser(
        prog="netstat-normalizer",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action=_Version)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")
    chosen = next((word for word in argv if not word.startswith("-")), None)
    for name in COMMANDS if chosen not in COMMANDS else (chosen,):
        import_module(f".{name}", __name__).add(commands)
    return parser
