"""``timeline`` over many captures of many connections: records per second and peak memory.

    python benchmarks/bench_timeline.py [--captures 100] [--connections 10000] [--text]

A made-up host churns like a busy server: ``--connections`` connections per capture, every one
with its own addresses and ports; between two captures 5% of the ESTABLISHED ones close (the
peer first: CLOSE-WAIT, then LAST-ACK; or this side: FIN-WAIT-2, then TIME-WAIT), closed ones
leave after a capture or two, and new ones take their place, so identities keep changing and
states keep moving. Records are built lazily, capture by capture; "build" is the time to build
them alone, "timeline" the time the Timeline adds (total minus build), its rate the records it
took per second, all in CPU seconds of the process (the machine may be shared). ``--text``
writes the same captures as ``ss -tanp`` output with markers and times the ``timeline``
command's path (parse + timeline) on it. Each run is a fresh subprocess, so its peak RSS is its
own; run two capture counts to see that memory follows the connections alive, not the captures.
Measured, not asserted.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from netstat_normalizer.analysis.timeline import Timeline
from netstat_normalizer.engine.pipeline import iter_parse
from netstat_normalizer.model.record import Record

RAW = {
    "ESTABLISHED": "ESTAB",
    "CLOSE-WAIT": "CLOSE-WAIT",
    "LAST-ACK": "LAST-ACK",
    "FIN-WAIT-2": "FIN-WAIT-2",
    "TIME-WAIT": "TIME-WAIT",
}
NEXT = {"CLOSE-WAIT": "LAST-ACK", "FIN-WAIT-2": "TIME-WAIT", "LAST-ACK": None, "TIME-WAIT": None}
MARKER = r"^=== (?P<host>\S+) (?P<time>\S+) ==="


def captures(count: int, connections: int, seed: int = 7) -> Iterator[tuple[int, str, list]]:
    """Per capture: its number, its time and its rows (state, local, lport, remote, rport, pid)."""
    rng = random.Random(seed)

    def fresh() -> list:
        return [
            "ESTABLISHED",
            f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}",
            rng.choice((443, 8080, 5432, 6379)),
            f"172.{rng.randrange(16, 32)}.{rng.randrange(256)}.{rng.randrange(1, 255)}",
            rng.randrange(32768, 61000),
            rng.randrange(1000, 60000),
        ]

    rows = [fresh() for _ in range(connections)]
    for n in range(count):
        yield n, f"2024-05-01T{n // 60:02d}:{n % 60:02d}:00+00:00", rows
        for i, row in enumerate(rows):
            state = row[0]
            if state == "ESTABLISHED":
                if rng.random() < 0.05:
                    row[0] = rng.choice(("CLOSE-WAIT", "FIN-WAIT-2"))
            elif NEXT[state] is None or rng.random() < 0.5:
                rows[i] = fresh()
            else:
                row[0] = NEXT[state]


def records(count: int, connections: int) -> Iterator[Record]:
    for n, stamp, rows in captures(count, connections):
        for line, (state, local, lport, remote, rport, pid) in enumerate(rows, 2):
            orphan = state in ("TIME-WAIT", "FIN-WAIT-2")
            yield Record(
                "linux-ss",
                n,
                "bench",
                stamp,
                {},
                "socket",
                "tcp",
                4,
                local,
                lport,
                None,
                None,
                remote,
                rport,
                None,
                None,
                state,
                RAW[state],
                0,
                0,
                None if orphan else pid,
                None if orphan else "server",
                source={"path": "bench", "member": None, "line": line},
            )


def text(count: int, connections: int, out: Path) -> int:
    """The captures as ``ss -tanp`` output with markers; returns the number of rows."""
    rows_written = 0
    with out.open("w") as f:
        for _, stamp, rows in captures(count, connections):
            f.write(f"=== bench {stamp} ===\n")
            f.write("State      Recv-Q Send-Q Local Address:Port  Peer Address:Port Process\n")
            for state, local, lport, remote, rport, pid in rows:
                owner = (
                    ""
                    if state in ("TIME-WAIT", "FIN-WAIT-2")
                    else (f'users:(("server",pid={pid},fd=9))')
                )
                f.write(
                    f"{RAW[state]:<10} 0      0      {local}:{lport} {remote}:{rport} {owner}\n"
                )
            rows_written += len(rows)
    return rows_written


def measure(count: int, connections: int, from_text: bool) -> dict[str, float]:
    n = count * connections
    result: dict[str, float] = {"records": n}
    if from_text:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "bench.txt"
            text(count, connections, path)
            result["text_mib"] = round(path.stat().st_size / 2**20, 1)
            start = time.process_time()
            with path.open() as f:
                parsed = sum(
                    1 for _ in iter_parse(f, "linux-ss", str(path), "ss -tanp", marker=MARKER)
                )
            result["parse_s"] = round(time.process_time() - start, 2)
            start = time.process_time()
            with path.open() as f:
                items = iter_parse(f, "linux-ss", str(path), "ss -tanp", marker=MARKER)
                kinds = _consume(Timeline().run(r for r in items if isinstance(r, Record)))
            total = time.process_time() - start
            assert parsed == n, (parsed, n)
            result.update(
                parse_and_timeline_s=round(total, 2),
                end_to_end_records_per_s=round(n / total),
                timeline_records_per_s=round(n / (total - result["parse_s"])),
            )
    else:
        start = time.process_time()
        for _ in records(count, connections):
            pass
        build = time.process_time() - start
        start = time.process_time()
        kinds = _consume(Timeline().run(records(count, connections)))
        total = time.process_time() - start
        result.update(
            build_s=round(build, 2),
            build_and_timeline_s=round(total, 2),
            timeline_s=round(total - build, 2),
            timeline_records_per_s=round(n / (total - build)),
        )
    result.update(kinds)
    result["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return result


def _consume(items: Iterator[dict]) -> dict[str, float]:
    kinds: dict[str, float] = {"connection": 0, "counts": 0, "finding": 0}
    for item in items:
        kinds[item["type"]] += 1
    return {f"{kind}_items": count for kind, count in kinds.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--captures", type=int, default=100)
    parser.add_argument("--connections", type=int, default=10_000)
    parser.add_argument("--text", action="store_true", help="from ss -tanp text (parse + timeline)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.captures, args.connections, args.text)))
        return
    argv = [sys.executable, __file__, "--child", "--captures", str(args.captures)]
    argv += ["--connections", str(args.connections)] + (["--text"] if args.text else [])
    out = subprocess.run(argv, check=True, capture_output=True, text=True).stdout
    for key, value in json.loads(out).items():
        print(f"{key:>28}: {value}")


if __name__ == "__main__":
    main()
