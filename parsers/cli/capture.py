"""``capture``: run the local ss (or netstat) and convert its output."""

from __future__ import annotations

import argparse
import shutil
import subprocess

from ..engine.pipeline import iter_parse
from ..io.decode import ERRORS
from . import common

CAPTURE_COMMANDS = (
    ["ss", "-a", "-n", "-p", "-e", "-o", "-i", "-m"],
    ["netstat", "-a", "-n", "-p", "-e", "-e", "-o"],
)
"""What ``capture`` runs: the first one installed, with the flags that say the most."""


def add(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    capture = commands.add_parser(
        "capture", help="run the local ss (or netstat) and emit its records"
    )
    common.output_options(capture)
    capture.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    command = next((c for c in CAPTURE_COMMANDS if shutil.which(c[0])), None)
    if command is None:
        raise common.Usage("neither ss nor netstat is installed")
    done = subprocess.run(command, capture_output=True, text=True, errors=ERRORS, check=False)
    if done.returncode != 0:
        raise common.Usage(f"{' '.join(command)} failed: {done.stderr.strip()}")
    dialect = "linux-ss" if command[0] == "ss" else "linux-netstat"
    items = iter_parse(
        done.stdout.splitlines(), dialect, f"<{' '.join(command)}>", " ".join(command)
    )
    return common.emit(items, args.format, args.strict)
