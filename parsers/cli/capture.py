"""``capture``: run this machine's ss or netstat and convert its output."""

from __future__ import annotations

import argparse
import io
import os
import shutil
import socket
import subprocess
import sys
from datetime import datetime, timezone

from ..engine.detect import confidence
from ..engine.pipeline import iter_parse
from ..io.reader import open_lines
from . import common

PROC_FILES = ("tcp", "tcp6", "udp", "udp6")
"""What ``--using proc`` reads (a kernel without IPv6 has no tcp6 and udp6: they are left out)."""
TOOLS: dict[str, dict[str, tuple[tuple[str, ...], str]]] = {
    "linux": {
        "ss": (("-a", "-n", "-p", "-e", "-o", "-i", "-m"), "linux-ss"),
        "netstat": (("-a", "-n", "-p", "-e", "-e", "-o"), "linux-netstat"),
        "proc": (tuple(f"/proc/net/{name}" for name in PROC_FILES), "linux-proc-net"),
    },
    "win32": {"netstat": (("-a", "-n", "-o"), "windows-netstat")},
    "darwin": {"netstat": (("-a", "-n", "-v"), "macos-netstat")},
    "freebsd": {"netstat": (("-A", "-a", "-n"), "freebsd-netstat")},
    "sunos": {"netstat": (("-a", "-n"), "solaris-netstat")},
}
"""Per system (``sys.platform`` without its version): each tool ``capture`` may run, first
preferred, with the flags that say the most, and the dialect of its output."""
PROGRAMS = {"proc": "cat"}
"""Tools that are no program of that name: the program that runs them."""

EPILOG = """\
what it runs (the first installed, unless --using says which):
  Linux    ss -a -n -p -e -o -i -m   (all sockets: processes, timers, TCP internals, memory)
           netstat -a -n -p -e -e -o
           (--using proc: cat /proc/net/tcp tcp6 udp udp6, for machines without ss or netstat)
  Windows  netstat -a -n -o          macOS    netstat -a -n -v
  FreeBSD  netstat -A -a -n          Solaris  netstat -a -n
Arguments after -- replace the flags (capture -- -tlnp runs ss -tlnp). Records carry host (this
machine's name) and captured_at (now, ISO 8601, UTC). -p needs root to see other users' processes.

examples:
  netstat-normalizer capture --format table
  netstat-normalizer capture --format table --state established --port 443
                                       # the ESTABLISHED connections to (or from) port 443
  netstat-normalizer capture --using netstat --format jsonl
  netstat-normalizer capture --fields proto,local_port,program -- -tlnp   # TCP listeners

exit status:
  0  every line of the tool's output was accounted for
  1  some lines were not parsed (each reported on stderr)
  2  usage error, no tool installed, or the tool failed
"""


def add(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    capture = commands.add_parser(
        "capture",
        help="run this machine's ss (or netstat) and convert its output",
        description="Run this machine's ss or netstat and convert its output to records.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    capture.add_argument(
        "--using",
        choices=sorted({tool for tools in TOOLS.values() for tool in tools}),
        help="the tool to run (default: the first installed)",
    )
    common.output_options(capture)
    capture.add_argument(
        "flags", nargs="*", metavar="-- FLAGS", help="the tool's flags instead of the default ones"
    )
    capture.set_defaults(run=run)


def tools() -> dict[str, tuple[tuple[str, ...], str]]:
    """The tools of this system."""
    system = next((name for name in TOOLS if sys.platform.startswith(name)), None)
    if system is None:
        raise common.Usage(f"capture does not know this system ({sys.platform})")
    return TOOLS[system]


def run(args: argparse.Namespace) -> int:
    known = tools()
    if args.using is not None and args.using not in known:
        raise common.Usage(f"--using {args.using}: not on this system ({', '.join(known)})")
    names = [args.using] if args.using else list(known)
    tool = next((name for name in names if shutil.which(PROGRAMS.get(name, name))), None)
    if tool is None:
        raise common.Usage(f"{' nor '.join(names)} is installed")
    flags, dialect = known[tool]
    given = args.flags or [f for f in flags if not f.startswith("/proc/") or os.path.exists(f)]
    command = [PROGRAMS.get(tool, tool), *given]
    shown = " ".join(command)
    done = subprocess.run(command, capture_output=True, check=False)
    if done.returncode != 0:
        raise common.Usage(f"{shown} failed: {done.stderr.decode(errors='replace').strip()}")
    stamp = datetime.now(timezone.utc).isoformat(timespec="seconds")
    lines = open_lines(io.BytesIO(done.stdout), score=confidence)[1]
    items = iter_parse(
        lines,
        dialect,
        f"<{shown}>",
        shown,
        host=socket.gethostname(),
        meta={"captured_at": stamp},
    )
    status = common.emit(items, args)
    for said in done.stderr.decode(errors="replace").splitlines():
        if said.strip():  # the tool's own warnings ("not all processes could be identified")
            common.say(f"{shown}: {said.strip()}")
    return status
