"""Rows per second and peak memory on 200,000-row inputs built from real captures, against jc and a
``str.split`` floor; the end-to-end CLI against jc's; linearity; a big streamed file.

    pip install '.[bench]'                  # jc, the incumbent
    python benchmarks/bench.py [--rows N] [--repeat N] [--no-jc] [--cli] [--linear] [--big MiB]

Each input repeats the rows of a real capture (its title and header kept once) up to N rows:
Linux captures bundled in ``fixtures/``; Windows, FreeBSD and macOS ones from ``../shared/corpus``
when it is there (else the bundled reconstructions). "ours" streams the lines through
``iter_parse`` to typed records; "split" is a loop of ``line.split()`` into a dict per row, the
floor of Python work per row; "jc" is ``jc.parse`` on the same text. Every run is a fresh
subprocess, so its peak RSS is its own. ``--cli`` times ``netstat-normalizer parse --format
jsonl FILE`` against ``jc --netstat`` / ``jc --ss`` (file to JSON, output discarded);
``--linear`` compares N/10 rows with N; ``--big`` streams a file of that many MiB to JSONL and
reports peak RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "jc"
INPUTS = {  # name: (bundled capture, real capture in the corpus or None, dialect, jc parser)
    "netstat -antp": ("linux-netstat/antp.out", None, "linux-netstat", "netstat"),
    "netstat -aeep": ("linux-netstat/aeep.out", None, "linux-netstat", "netstat"),
    "ss -tanp": ("linux-ss/tanp.out", None, "linux-ss", "ss"),
    "ss -tulpen": ("linux-ss/tulpen.out", None, "linux-ss", "ss"),
    "windows -aon": (
        "windows-netstat/ano.out",
        "windows/windows-10/netstat-aon.out",
        "windows-netstat",
        "netstat",
    ),
    "freebsd -an": (
        "freebsd-netstat/an.out",
        "freebsd12/netstat-an.out",
        "freebsd-netstat",
        "netstat",
    ),
    "macos -an": ("macos-netstat/an.out", "osx-10.14.6/netstat.out", "macos-netstat", "netstat"),
}


def capture_of(name: str) -> Path:
    """The real capture an input is built from: the corpus's when present, else the bundled."""
    bundled, corpus, _, _ = INPUTS[name]
    if corpus is not None and (CORPUS / corpus).exists():
        return CORPUS / corpus
    return ROOT / "fixtures" / bundled


def build(name: str, rows: int) -> str:
    """The capture's lines before its first row once, then its socket rows repeated to ``rows``."""
    from netstat_normalizer import parse
    from netstat_normalizer.io.decode import decode

    text = decode(capture_of(name).read_bytes())[0]
    lines = text.splitlines()
    result = parse(text, INPUTS[name][2])
    starts = [r.source["line"] for r in result.records if r.kind == "socket" and r.proto != "unix"]
    head = lines[: starts[0] - 1]
    body = [lines[n - 1] for n in starts]
    return "\n".join(head + [body[i % len(body)] for i in range(rows)]) + "\n"


def run_one(kind: str, name: str, rows: int) -> dict[str, float]:
    text = build(name, rows)
    dialect, jc_parser = INPUTS[name][2:]
    start = time.perf_counter()
    if kind == "ours":
        from netstat_normalizer import iter_parse

        count = sum(1 for _ in iter_parse(text.splitlines(), dialect))
    elif kind == "split":
        names = ("proto", "recv_q", "send_q", "local", "remote", "state")
        rows_seen = [dict(zip(names, line.split())) for line in text.splitlines()]
        count = len(rows_seen)
    else:
        import jc

        count = len(jc.parse(jc_parser, text, quiet=True))
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"rows": count, "seconds": seconds, "rows_per_s": count / seconds, "peak_mib": peak}


def subrun(*args: str) -> dict[str, float] | str:
    """``run_one`` in a fresh interpreter: its result, or the last line of its error."""
    done = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:  # a competitor that fails on real input is a finding
        return "failed: " + (done.stderr.strip().splitlines()[-1:] or ["?"])[0][:50]
    return json.loads(done.stdout)


def fastest(repeat: int, *args: str) -> dict[str, float] | str:
    """The fastest of ``repeat`` runs of ``subrun`` (a shared machine only ever slows a run)."""
    runs = [subrun(*args) for _ in range(repeat)]
    done = [r for r in runs if isinstance(r, dict)]
    return max(done, key=lambda r: r["rows_per_s"]) if done else runs[0]


def table(rows: int, with_jc: bool, repeat: int) -> None:
    print(f"rows per input: {rows:,}; the fastest of {repeat} run(s) each")
    print(f"{'input':<15}{'parser':<7}{'rows/s':>10}{'x jc':>7}{'x split':>9}{'peak MiB':>10}")
    for name in INPUTS:
        kinds = ("ours", "split", "jc") if with_jc else ("ours", "split")
        found = {k: fastest(repeat, "--rows", str(rows), "--one", k, name) for k in kinds}
        jc_rate = found["jc"]["rows_per_s"] if isinstance(found.get("jc"), dict) else None
        for kind, r in found.items():
            if isinstance(r, str):
                print(f"{name:<15}{kind:<7}  {r}")
                continue
            vs_jc = f"{r['rows_per_s'] / jc_rate:7.2f}" if jc_rate else f"{'-':>7}"
            vs_split = r["rows_per_s"] / found["split"]["rows_per_s"]  # type: ignore[index]
            print(
                f"{name:<15}{kind:<7}{r['rows_per_s']:>10,.0f}{vs_jc}{vs_split:>9.2f}"
                f"{r['peak_mib']:>10.0f}"
            )


def timed_command(command: list[str], stdin: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of a command reading ``stdin``, output discarded."""
    wrapper = (
        "import resource, subprocess, sys, time; t = time.perf_counter(); "
        "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True); "
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    with stdin.open("rb") as source:
        done = subprocess.run(
            [sys.executable, "-c", wrapper, *command], stdin=source, capture_output=True, check=True
        )
    seconds, peak = done.stdout.decode().split()[-2:]
    return float(seconds), int(peak) / 1024


def cli(rows: int) -> None:
    print(f"\nend to end, file to JSON ({rows:,} rows): seconds, rows/s, peak MiB")
    ours = [sys.executable, "-m", "netstat_normalizer", "parse", "--format", "jsonl"]
    with tempfile.TemporaryDirectory() as tmp:
        for name in INPUTS:
            path = Path(tmp) / "input.txt"
            path.write_text(build(name, rows))
            jc_flag = "--" + INPUTS[name][3]
            for label, command in (
                ("ours", [*ours, "--dialect", INPUTS[name][2], "-"]),
                ("jc", ["jc", jc_flag]),
            ):
                try:
                    seconds, peak = timed_command(command, path)
                except subprocess.CalledProcessError:
                    print(f"{name:<15}{label:<7}  failed")
                    continue
                print(f"{name:<15}{label:<7}{seconds:8.2f}{rows / seconds:>10,.0f}{peak:>8.0f}")


def linear(rows: int) -> None:
    print("\nlinearity: seconds for N/10 and N rows (ours), and their ratio")
    for name in INPUTS:
        small = subrun("--rows", str(rows // 10), "--one", "ours", name)
        large = subrun("--rows", str(rows), "--one", "ours", name)
        assert isinstance(small, dict) and isinstance(large, dict)
        ratio = large["seconds"] / small["seconds"]
        print(f"{name:<15}{small['seconds']:8.3f}{large['seconds']:8.3f}  x{ratio:.1f}")


def big(mib: int) -> None:
    """Stream a file of ``mib`` MiB of ``ss -tanp`` rows to JSONL; report time and peak RSS."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.txt"
        block = build("ss -tanp", 10_000).encode()
        with path.open("wb") as out:
            while out.tell() < mib << 20:
                out.write(block)
        size = os.path.getsize(path)
        command = [sys.executable, "-m", "netstat_normalizer", "parse", "--format", "jsonl", "-"]
        seconds, peak = timed_command(command, path)
        print(
            f"\n{size / 2**20:,.0f} MiB of ss -tanp to JSONL: {seconds:.0f} s, "
            f"peak RSS {peak:.0f} MiB"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--no-jc", action="store_true", help="skip jc")
    parser.add_argument("--repeat", type=int, default=1, help="keep the fastest of N runs")
    parser.add_argument("--cli", action="store_true", help="also time the CLIs end to end")
    parser.add_argument("--linear", action="store_true", help="also compare N/10 rows with N")
    parser.add_argument("--big", type=int, metavar="MiB", help="also stream a file this big")
    parser.add_argument("--one", nargs=2, metavar=("KIND", "INPUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one[0], args.one[1], args.rows)))
        return
    table(args.rows, not args.no_jc, args.repeat)
    if args.cli:
        cli(args.rows)
    if args.linear:
        linear(args.rows)
    if args.big:
        big(args.big)


if __name__ == "__main__":
    main()
