"""The ``netstat-normalizer`` command line.

Each command is a module with ``add(commands)`` (its arguments) and ``run(args)``; ``COMMANDS``
lists them in the order ``--help`` shows them.
"""

from __future__ import annotations

import argparse
import sys

from ..errors import NetstatNormalizerError
from . import capture, common, convert, detect, diff, parse, report, timeline

COMMANDS = (parse, convert, detect, capture, diff, timeline, report)
DESCRIPTION = "The netstat-normalizer command: parse, convert, detect, capture."


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return int(args.run(args))
    except (common.Usage, NetstatNormalizerError) as err:
        print(f"netstat-normalizer: {err}", file=sys.stderr)
        return common.EXIT_USAGE
    except BrokenPipeError:
        sys.stderr.close()
        return common.EXIT_OK
    except KeyboardInterrupt:
        return common.EXIT_INTERRUPTED


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="netstat-normalizer", description=DESCRIPTION)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.add(commands)
    return parser
