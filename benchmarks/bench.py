"""Rows per second on 200,000-row inputs built from real captures, against a ``str.split`` floor.

    python benchmarks/bench.py [--rows N] [--jc]

Each input repeats the data rows of a bundled real capture (its header kept once) up to N rows.
"ours" streams the text through ``iter_parse`` to typed records; "split" is a loop of
``line.split()`` into a dict per row, the floor of Python work per row; "jc" (with ``--jc``, when jc
is installed: ``pip install '.[bench]'``) is the incumbent parser on the same text. Peak RSS is
the process's, measured in a fresh subprocess per run.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
INPUTS = {  # name: (fixture, dialect, jc parser)
    "netstat -antp": ("linux-netstat/antp.out", "linux-netstat", "netstat"),
    "netstat -aeep": ("linux-netstat/aeep.out", "linux-netstat", "netstat"),
    "ss -tanp": ("linux-ss/tanp.out", "linux-ss", "ss"),
    "ss -tulpen": ("linux-ss/tulpen.out", "linux-ss", "ss"),
}


def build(fixture: str, rows: int) -> str:
    """The capture's header lines once, then its data rows repeated to ``rows`` rows."""
    lines = (FIXTURES / fixture).read_text().splitlines()
    head = [line for line in lines if line.startswith(("Active", "Proto", "Netid", "State"))]
    body = [line for line in lines if line not in head and line.strip()]
    return "\n".join(head + [body[i % len(body)] for i in range(rows)]) + "\n"


def run_one(kind: str, name: str, rows: int) -> dict[str, float]:
    fixture, dialect, jc_parser = INPUTS[name]
    text = build(fixture, rows)
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--jc", action="store_true", help="also run jc")
    parser.add_argument("--one", nargs=2, metavar=("KIND", "INPUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one[0], args.one[1], args.rows)))
        return
    kinds = ["ours", "split"] + (["jc"] if args.jc else [])
    print(f"{'input':<16}{'parser':<8}{'rows/s':>12}{'vs split':>10}{'peak MiB':>10}")
    for name in INPUTS:
        found = {}
        for kind in kinds:
            done = subprocess.run(
                [sys.executable, __file__, "--rows", str(args.rows), "--one", kind, name],
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode != 0:  # a competitor that fails on real input is a finding
                last = done.stderr.strip().splitlines()[-1:] or ["?"]
                print(f"{name:<16}{kind:<8}{'failed: ' + last[0][:60]:>40}")
                continue
            found[kind] = json.loads(done.stdout)
        for kind, r in found.items():
            ratio = r["rows_per_s"] / found["split"]["rows_per_s"]
            print(
                f"{name:<16}{kind:<8}{r['rows_per_s']:>12,.0f}{ratio:>10.2f}{r['peak_mib']:>10.0f}"
            )


if __name__ == "__main__":
    main()
