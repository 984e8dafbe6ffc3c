"""How fast ``summarize`` and ``findings`` go over many records, and that memory stays flat.

    python benchmarks/bench_analysis.py [--records 1000000] [--captures 10]

The records are made on the fly (never held): varied addresses, ports, pids and states in the
proportions of a busy host (mostly ESTABLISHED and TIME-WAIT, some CLOSE-WAIT, SYN-SENT...),
split into captures.  Reported: the time to make them alone, and to make and analyse them; the
analysis rate is records / (total - making), by the wall clock and per CPU second (the machine
may be shared: the CPU time is what the analysis itself cost).  Peak memory (tracemalloc) shows
that nothing grows with the number of captures (the same records per capture, 10 times as many
captures).
"""

from __future__ import annotations

import argparse
import os
import time
import tracemalloc
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from typing import Any

from netstat_normalizer.analysis.findings import findings
from netstat_normalizer.analysis.summary import summarize
from netstat_normalizer.model.record import Record

STATES = (
    ("ESTABLISHED", "ESTAB", 50),
    ("TIME-WAIT", "TIME-WAIT", 30),
    ("CLOSE-WAIT", "CLOSE-WAIT", 6),
    ("SYN-SENT", "SYN-SENT", 3),
    ("SYN-RECEIVED", "SYN-RECV", 3),
    ("FIN-WAIT-1", "FIN-WAIT-1", 2),
    ("FIN-WAIT-2", "FIN-WAIT-2", 3),
    ("LAST-ACK", "LAST-ACK", 1),
    ("CLOSING", "CLOSING", 1),
    ("LISTEN", "LISTEN", 1),
)
CYCLE = [(state, raw) for state, raw, weight in STATES for _ in range(weight)]


def records(total: int, captures: int) -> Iterator[Record]:
    """``total`` varied records in ``captures`` captures of one host, one file."""
    per_capture = max(1, total // captures)
    for n in range(total):
        state, raw = CYCLE[(n * 37) % len(CYCLE)]
        capture = n // per_capture
        listening = state == "LISTEN"
        yield Record(
            dialect="linux-ss",
            capture=capture,
            host="bench",
            captured_at=f"2026-12-01T00:{capture % 60:02d}:00+00:00",
            proto="tcp",
            ip_version=4,
            local_address=f"10.0.{n % 7}.{n % 251}",
            local_port=(n % 50) + 8000 if listening or n % 3 == 0 else 32768 + n % 28000,
            remote_address="0.0.0.0" if listening else f"10.{n % 13}.{n % 97}.{n % 239}",
            remote_port=None if listening else (80, 443, 5432, 6379)[n % 4] + n % 3,
            state=state,
            state_raw=raw,
            recv_q=n % 5,
            send_q=128 if listening else n % 7,
            pid=1000 + n % 97 if state not in ("TIME-WAIT",) else None,
            program=f"app{n % 11}" if state != "TIME-WAIT" else None,
            source={"path": "bench.txt", "member": None, "line": n + 1},
        )


def drain(items: Iterable[Any]) -> int:
    return sum(1 for _ in items)


def peak(run: Callable[[], int]) -> float:
    """The peak of traced memory while ``run`` runs, in MiB."""
    tracemalloc.start()
    run()
    top = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return top / 2**20


def run(analyse: Callable[[Iterable[Record]], Iterable[Any]], total: int, captures: int) -> int:
    return drain(analyse(records(total, captures)))


def clocks() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--captures", type=int, default=10)
    args = parser.parse_args()
    total, captures = args.records, args.captures
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    wall, cpu = clocks()
    drain(records(total, captures))
    making = (time.perf_counter() - wall, time.process_time() - cpu)
    print(f"making     {making[0]:6.2f} s ({making[1]:.2f} s CPU) for {total:,} records")
    for label, analyse in (("summary", summarize), ("findings", findings)):
        wall, cpu = clocks()
        produced = drain(analyse(records(total, captures)))
        spent = (time.perf_counter() - wall - making[0], time.process_time() - cpu - making[1])
        print(
            f"{label:<10} {spent[0]:6.2f} s ({spent[1]:.2f} s CPU) analysing: "
            f"{total / spent[0]:>9,.0f} records/s ({total / spent[1]:,.0f} per CPU second), "
            f"{produced} results"
        )
    per = 5_000  # records per capture: the same, in 4 and in 40 captures
    for label, analyse in (("summary", summarize), ("findings", findings)):
        few, many = (peak(partial(run, analyse, per * n, n)) for n in (4, 40))
        print(f"{label:<10} peak memory {few:.1f} MiB over 4 captures, {many:.1f} MiB over 40")


if __name__ == "__main__":
    main()
