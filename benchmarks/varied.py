"""Speed on varied rows, side by side with jc: every row's addresses, ports and pids differ.

    pip install '.[bench,parquet]'
    python benchmarks/varied.py [--rows N] [--repeat N] [--only NAME ...] [--skip PART ...]
                                [--big MiB] [--keep DIR]

Each input is a bundled real capture (``fixtures/``): its lines before the first row once, then
its socket rows (with their continuation lines, ss ``-i``) copied up to N rows, every copy's
numbers rewritten (``vary``): IPv4 octets, IPv6 groups, ports, pids, queues, inodes, fds, ``-i``
counters, each to another value of the same width that stays valid (an octet <= 255, a port
<= 65535, zero stays zero). So no cache of addresses or ports is what the numbers measure.
``build`` checks that our parser still reads every row as a record of its dialect.

Parts (``--skip`` any of them), each best of ``--repeat`` fresh processes, ours and jc in turn,
timed by CPU seconds (user + system: the machine may be shared, which stretches wall time), with
wall seconds beside; rows/s and "x jc" are per CPU second:

- ``parse``: in-process ``netstat_normalizer.parse(text)`` against jc's parser module's
  ``parse(text)`` (``jc.parse`` without the lookup), each library imported before the clock
  starts (its import is ``start``'s), and the floor ``for line in f: line.split()``: rows/s and
  peak RSS of the whole process.
- ``cli``: the commands end to end, file to JSON: ``netstat-normalizer parse --format jsonl FILE``
  against ``jc --netstat < FILE`` (or ``--ss``, ``--proc-net-tcp``, ``--lsof``); wall seconds,
  rows/s, peak RSS. Dialects jc does not read (Solaris, OpenBSD, AIX, sockstat, PowerShell) are
  timed alone.
- ``parquet``: ``netstat-normalizer convert FILE --out DIR --format parquet --jobs 1`` against
  jc's route to Parquet (``jc.parse`` then ``pyarrow.Table.from_pylist`` and ``write_table``).
- ``start``: the CLI on a one-row file, ours against jc's: wall seconds to the first byte
  written (the first record; jc writes all at its end), x jc by those.

``--big MiB`` also streams a file that big of varied ``ss -tanp`` rows through the CLI to JSONL
and reports its peak RSS. ``--keep DIR`` writes the built inputs there. A shared machine only
ever slows a run down, hence best of N; the figures still move by +-20% from minute to minute.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

ROOT = Path(__file__).resolve().parent.parent
INPUTS: dict[str, tuple[str, str, str | None]] = {  # name: (capture, dialect, jc parser)
    "netstat -lnp": ("linux-netstat/lnp.out", "linux-netstat", "netstat"),
    "netstat -aeep": ("linux-netstat/aeep.out", "linux-netstat", "netstat"),
    "ss -tanp": ("linux-ss/tanp.out", "linux-ss", "ss"),
    "ss -tulpen": ("linux-ss/tulpen.out", "linux-ss", "ss"),
    "ss -tani": ("linux-ss/tani.out", "linux-ss", "ss"),
    "windows -aon": ("windows-netstat/ano.out", "windows-netstat", "netstat"),
    "freebsd -an": ("freebsd-netstat/an.out", "freebsd-netstat", "netstat"),
    "macos -an": ("macos-netstat/an.out", "macos-netstat", "netstat"),
    "proc tcp": ("linux-proc-net/tcp.out", "linux-proc-net", "proc_net_tcp"),
    "lsof -i": ("lsof/i-n-P.out", "lsof", "lsof"),
    "solaris -an": ("solaris-netstat/an-f-inet.out", "solaris-netstat", None),
    "openbsd -an": ("openbsd-netstat/an.out", "openbsd-netstat", None),
    "aix -Aan": ("aix-netstat/Aan.out", "aix-netstat", None),
    "sockstat": ("freebsd-sockstat/46.out", "freebsd-sockstat", None),
    "powershell": ("powershell-nettcp/table.out", "powershell-nettcp", None),
}
"""The dialects jc reads are timed against it (its parser named); the others alone."""
PARTS = ("parse", "cli", "parquet", "start")

_IPV4 = re.compile(r"(?<![\w.])(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?!\w)")
_IPV6_GROUP = re.compile(r"(?<=:)([0-9a-f]{2,4})(?=[:\].%]|$)")
_PORT = re.compile(r"(?<=[\w\]*][:.])(\d+)$")
_NUMBER = re.compile(r"(?<![\w.:=,(/-])(\d+)(?![\w.])|(?<=[=:,(/])(\d{2,})(?![\w.])")
_WORD = re.compile(r"[A-Za-z_-]\d|\d[A-Za-z]")
_PROC_ENDPOINT = re.compile(r"([0-9A-F]{8}|[0-9A-F]{32}):([0-9A-F]{4})")
"""/proc/net's address:port, in hexadecimal."""


def _other(digits: str, seed: int, limit: int) -> str:
    """Another number of the same width, at most ``limit``: zero stays zero."""
    value = int(digits)
    width = len(digits)
    low, high = (1 if width == 1 else 10 ** (width - 1)), min(10**width - 1, limit)
    if value == 0 or high < low:
        return digits
    return str(low + (seed * 2654435761 + value * 40503) % (high - low + 1)).zfill(width)


def _number(digits: str, seed: int) -> str:
    """Another number of the same width; at most 65535 when it has five digits or fewer (it may
    be a port printed alone, as PowerShell's LocalPort)."""
    return _other(digits, seed, 65535 if len(digits) <= 5 else 2**31 - 1)


def _other_hex(group: str, seed: int) -> str:
    """Another hexadecimal group of the same width (zero and ``ffff`` kept)."""
    value = int(group, 16)
    if value == 0 or group == "ffff":
        return group
    low = 16 ** (len(group) - 1)
    return format(low + (seed * 2654435761 + value) % (16 ** len(group) - low), f"0{len(group)}x")


def vary(line: str, seed: int) -> str:
    """The line with its addresses, ports and numbers rewritten for copy ``seed``."""

    def octets(m: re.Match[str]) -> str:
        return m[1] + "".join("." + _other(g, seed + i, 255) for i, g in enumerate(m.groups()[1:]))

    def token(m: re.Match[str]) -> str:
        return "->".join(word(part) for part in m[0].split("->"))  # lsof: local->remote

    def word(text: str) -> str:
        if len(text) < 2 or (text[0] == "0" and len(text) == 2):
            return text  # /proc/net's state code (01-0B) stays
        if _PROC_ENDPOINT.fullmatch(text):
            return re.sub(r"[0-9A-F]{4}", lambda g: _other_hex(g[0].lower(), seed).upper(), text)
        endpoint = _IPV4.search(text) or text.count(":") >= 2 or text[0] in "*["
        if endpoint:
            port = _PORT.search(text)
            address, tail = (
                (text[: port.start()], _other(port[1], seed, 65535)) if port else (text, "")
            )
            address = _IPV4.sub(octets, address)
            if address.count(":") >= 2:
                address = _IPV6_GROUP.sub(lambda g: _other_hex(g[1], seed), address)
            return address + tail
        if _WORD.search(text) and not re.search(r"[=:]", text):
            return text  # tcp6, udp4: a word, not a number
        return _NUMBER.sub(lambda g: _number(g[g.lastindex or 0], seed), text)

    return re.sub(r"\S+", token, line)


def build(name: str, rows: int) -> str:
    """The capture's lines before its first row once, then its rows (each with its continuation
    lines) copied to ``rows``, every copy varied; checked to parse to ``rows`` records."""
    from netstat_normalizer import parse

    capture, dialect, _ = INPUTS[name]
    text = (ROOT / "fixtures" / capture).read_text("utf-8")
    lines = text.splitlines()
    records = [r for r in parse(text, dialect).records if r.kind == "socket" and r.proto != "unix"]
    starts = [r.source["line"] for r in records]
    blocks = []  # the first table's rows, each with its continuation lines (ss -i: a tab)
    for start, end in zip(starts, [*starts[1:], len(lines) + 1]):
        block = [lines[start - 1]]
        for line in lines[start : end - 1]:
            if not line.startswith("\t"):
                break
            block.append(line)
        blocks.append(block)
        if len(block) < end - start:
            break  # the table ends here
    body = [vary(line, n) for n in range(rows) for line in blocks[n % len(blocks)]]
    built = "\n".join(lines[: starts[0] - 1] + body) + "\n"
    check = parse(built, dialect)
    if len(check.records) != rows or check.diagnostics:
        problem = check.diagnostics[0] if check.diagnostics else len(check.records)
        raise SystemExit(f"{name}: the varied input does not parse to {rows} records: {problem}")
    return built


def built(name: str, rows: int, path: Path) -> None:
    """``build`` in another process, so this one stays small: a child's peak RSS starts from its
    parent's."""
    subprocess.run([sys.executable, __file__, "--build", name, str(rows), str(path)], check=True)


def in_process(kind: str, name: str, path: str) -> dict[str, float]:
    """One in-process run of ``kind`` over the file: rows and seconds."""
    import resource

    _, dialect, jc_parser = INPUTS[name]
    if kind == "floor":
        start, cpu = time.perf_counter(), time.process_time()
        with open(path, encoding="utf-8") as f:
            rows = sum(1 for line in f if line.split())
    else:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        if kind == "ours":  # the library imported before timing (start-up is ``start``'s)
            from netstat_normalizer import parse

            start, cpu = time.perf_counter(), time.process_time()
            rows = len(parse(text, dialect).records)
        else:
            from jc.lib import get_parser

            parser: Any = get_parser(str(jc_parser))
            start, cpu = time.perf_counter(), time.process_time()
            rows = len(list(parser.parse(text, quiet=True)))
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"rows": rows, "seconds": seconds, "cpu": cpu, "peak": peak}


def jc_parquet(name: str, path: str, out: str) -> None:
    """jc's route to Parquet: ``jc.parse``, then pyarrow (nested values as JSON text)."""
    import jc
    import pyarrow as pa
    import pyarrow.parquet as pq

    with open(path, encoding="utf-8") as f:
        rows = cast(list[dict[str, Any]], jc.parse(str(INPUTS[name][2]), f.read(), quiet=True))
    for row in rows:  # nested values as JSON text, as ours stores extra (ss: keyed by pid)
        row.update({k: json.dumps(v) for k, v in row.items() if isinstance(v, (dict, list))})
    pq.write_table(pa.Table.from_pylist(rows), out)


Timing = tuple[float, float, float]
"""Wall seconds, CPU seconds (user + system), peak RSS in MiB."""


def timed(command: list[str], stdin: str | None = None, first: bool = False) -> Timing | str:
    """A command's timing, output discarded; or why it failed.  ``first``: the wall seconds are
    those to the first byte it writes (its first record), not to its exit."""
    with open(stdin or os.devnull, "rb") as source, tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        out = subprocess.PIPE if first else subprocess.DEVNULL
        child = subprocess.Popen(command, stdin=source, stdout=out, stderr=errors)
        if child.stdout is not None:
            child.stdout.read(1)
            seconds = time.perf_counter() - start
            while child.stdout.read(1 << 16):
                pass
        _, status, usage = os.wait4(child.pid, 0)
        if child.stdout is None:
            seconds = time.perf_counter() - start
        errors.seek(0)
        error = errors.read()
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        return "failed: " + (error.decode(errors="replace").strip().splitlines() or ["?"])[-1][:60]
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def best(
    repeat: int, commands: dict[str, Callable[[], Timing | str]], by_wall: bool = False
) -> dict[str, Timing | str]:
    """The fastest (CPU; wall when ``by_wall``) of ``repeat`` runs of each command, run in turn
    (A B A B ...)."""
    at = 0 if by_wall else 1
    found: dict[str, Timing | str] = {}
    for _ in range(repeat):
        for label, run in commands.items():
            result = run()
            old = found.get(label)
            if isinstance(result, str):
                found.setdefault(label, result)
            elif not isinstance(old, tuple) or result[at] < old[at]:
                found[label] = result
    return found


def show(name: str, rows: int, found: dict[str, Timing | str], by_wall: bool = False) -> None:
    """One line per command: wall and CPU seconds, rows per CPU second, CPU ratio to jc (wall
    ratio when ``by_wall``), RSS."""
    base = found.get("jc")
    at = 0 if by_wall else 1
    for label, result in found.items():
        if isinstance(result, str):
            print(f"  {name:<15}{label:<7}{result}")
            continue
        wall, cpu, peak = result
        ratio = f"{base[at] / result[at]:7.2f}" if isinstance(base, tuple) else f"{'-':>7}"
        print(f"  {name:<15}{label:<7}{wall:8.3f}{cpu:8.3f}{rows / cpu:>11,.0f}{ratio}{peak:6.0f}")


def part_parse(name: str, path: str, rows: int, repeat: int) -> None:
    def run(kind: str) -> Callable[[], Timing | str]:
        def one() -> Timing | str:
            done = subprocess.run(
                [sys.executable, __file__, "--one", kind, name, path],
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode:
                return "failed: " + (done.stderr.strip().splitlines() or ["?"])[-1][:60]
            result = json.loads(done.stdout)
            return result["seconds"], result["cpu"], result["peak"]

        return one

    kinds = ("ours", "jc", "floor") if INPUTS[name][2] else ("ours", "floor")
    show(name, rows, best(repeat, {k: run(k) for k in kinds}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3, help="keep the fastest of N runs")
    parser.add_argument("--only", nargs="+", choices=INPUTS, metavar="NAME", default=list(INPUTS))
    parser.add_argument("--skip", nargs="+", choices=PARTS, default=[], metavar="PART")
    parser.add_argument("--big", type=int, metavar="MiB", help="also stream a file this big")
    parser.add_argument("--keep", metavar="DIR", help="write the built inputs there")
    parser.add_argument("--one", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--jc-parquet", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--build", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:
        name, rows, path = args.build
        Path(path).write_text(build(name, int(rows)), encoding="utf-8")
        return
    if args.one:
        print(json.dumps(in_process(*args.one)))
        return
    if args.jc_parquet:
        jc_parquet(*args.jc_parquet)
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        run(args, folder)


def run(args: argparse.Namespace, folder: Path) -> None:
    """The parts asked for, input by input."""
    ours = [sys.executable, "-m", "netstat_normalizer"]
    paths = {name: folder / (re.sub(r"\W", "", name) + ".txt") for name in args.only}
    for name, path in paths.items():
        built(name, args.rows, path)
    print(f"{args.rows:,} varied rows per input; fastest (CPU) of {args.repeat} runs")
    print(f"  {'input':<15}{'who':<7}{'wall s':>8}{'cpu s':>8}{'rows/s':>11}{'x jc':>7}{'MiB':>6}")
    if "parse" not in args.skip:
        print("parse(): in process; floor: for line in f: line.split()")
        for name, path in paths.items():
            part_parse(name, str(path), args.rows, args.repeat)
    if "cli" not in args.skip:
        print("CLI end to end, file to JSON (ours: --format jsonl)")
        for name, path in paths.items():
            mine = [*ours, "parse", "--format", "jsonl", "--jobs", "1", str(path)]
            versus(name, args.rows, args.repeat, mine, jc_command(name), path)
    if "parquet" not in args.skip:
        print("to Parquet: convert --format parquet against jc.parse + pyarrow")
        for name, path in paths.items():
            mine = [*ours, "convert", str(path), "--out", str(folder / "pq"), "--format"]
            mine += ["parquet", "--jobs", "1", "--force"]
            theirs = [__file__, "--jc-parquet", name, str(path), str(folder / "jc.parquet")]
            versus(name, args.rows, args.repeat, mine, theirs if INPUTS[name][2] else None, None)
    if "start" not in args.skip:
        print("start to first record: the CLI on a one-row file (wall s: to the first byte out)")
        for name in args.only:
            path = folder / "one.txt"
            built(name, 1, path)
            mine = [*ours, "parse", "--format", "jsonl", str(path)]
            versus(name, 1, args.repeat, mine, jc_command(name), path, first=True)
    if args.big:
        big(folder, args.big)


def jc_command(name: str) -> list[str] | None:
    """jc's command-line option for the input's parser (``--proc-net-tcp``); None: jc has none."""
    parser = INPUTS[name][2]
    return None if parser is None else ["--" + parser.replace("_", "-")]


def versus(
    name: str,
    rows: int,
    repeat: int,
    mine: list[str],
    theirs: list[str] | None,
    stdin: Path | None,
    first: bool = False,
) -> None:
    """Our command against jc's (``python -m jc`` + ``theirs``, or a script when it starts with
    a path; None: ours alone), reading ``stdin`` for jc when given; ``first``: timed to the
    first byte written (see ``timed``)."""
    commands: dict[str, Callable[[], Timing | str]] = {"ours": lambda: timed(mine, None, first)}
    if theirs is not None:
        jc = [sys.executable, *([] if theirs[0].endswith(".py") else ["-m", "jc"]), *theirs]
        commands["jc"] = lambda: timed(jc, None if stdin is None else str(stdin), first)
    show(name, rows, best(repeat, commands, by_wall=first), by_wall=first)


def big(folder: Path, mib: int) -> None:
    """Stream a file of ``mib`` MiB of varied ``ss -tanp`` rows to JSONL: seconds, peak RSS."""
    path = folder / "big.txt"
    built("ss -tanp", 20_000, folder / "block.txt")
    block = (folder / "block.txt").read_bytes()
    with path.open("wb") as out:
        while out.tell() < mib << 20:
            out.write(block)
    command = [sys.executable, "-m", "netstat_normalizer", "parse", "--format", "jsonl"]
    result = timed([*command, "--jobs", "1", "-"], str(path))
    print(f"{os.path.getsize(path) / 2**20:,.0f} MiB of ss -tanp to JSONL (stdin): {result}")
    path.unlink()


if __name__ == "__main__":
    main()
