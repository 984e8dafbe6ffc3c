"""What a Windows ``netstat -aon`` row costs at the least, next to what it costs in ``iter_parse``.

    python benchmarks/floor.py [--rows N]

Per row, in microseconds (process time, best of 5, one process): the ``str.split`` loop of
``bench.py``; the grammar's fast-path regex alone; the regex and its values; one ``Record``;
a fused loop doing only a row's real work (regex, values, endpoints, state, pid, record: no
checks, no accounting, no generator); and ``Dialect.run``.  Issue 4 asks for half the split
loop's rows/s, i.e. at most twice its time per row: this shows which parts of a typed,
grammar-checked row alone already exceed that.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from bench import build

from netstat_normalizer.dialects import DIALECTS
from netstat_normalizer.model.addresses import ip_version, split_colon
from netstat_normalizer.model.record import Record
from netstat_normalizer.model.states import TCP_STATES


def per_row(work: Callable[[], object], rows: int) -> float:
    """Microseconds per row of ``work``, best of 5."""
    best = float("inf")
    for _ in range(5):
        start = time.process_time()
        work()
        best = min(best, time.process_time() - start)
    return best / rows * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    rows = parser.parse_args().rows
    lines = build("windows -aon", rows).splitlines()
    dialect = DIALECTS["windows-netstat"]()
    list(dialect.run(lines[:10]))  # compiles the fast path for rows
    regex, expansions = dialect.lines._by_first["connections"]["T"]  # rows begin TCP or UDP
    labels = dialect._labels
    columns = ("proto", "recv_q", "send_q", "local", "remote", "state")
    here, there = split_colon("0.0.0.0:135"), split_colon("0.0.0.0:0")

    def split() -> None:
        for line in lines:
            dict(zip(columns, line.split()))

    def regex_alone() -> None:
        for line in lines:
            regex.match(line)

    def regex_values() -> None:
        for line in lines:
            if m := regex.match(line):
                expansions[m.lastindex][1](m)  # type: ignore[index]

    def records() -> None:
        fields = (*labels, "socket", "tcp", 4, *here, *there, "LISTEN", "LISTENING", None, None)
        for number, _ in enumerate(lines, 1):
            source = {"path": None, "member": None, "line": number}
            Record(*fields, 1712, None, None, None, None, {}, source)

    def fused() -> None:
        for number, line in enumerate(lines, 1):
            m = regex.match(line)
            if m is None or expansions[m.lastindex][0] != "row":  # type: ignore[index]
                continue
            printed, local, remote, state_raw, pid = expansions[m.lastindex][1](m)  # type: ignore[index]
            proto = printed.lower()
            here, there = split_colon(local, proto), split_colon(remote, proto)
            Record(
                *labels,
                "socket",
                proto,
                ip_version(here.address) or ip_version(there.address),
                *here,
                *there,
                TCP_STATES[state_raw] if state_raw else None,
                state_raw,
                None,
                None,
                None if pid is None else int(pid),
                None,
                None,
                None,
                None,
                {},
                {"path": None, "member": None, "line": number},
            )

    def run() -> None:
        for _ in DIALECTS["windows-netstat"]().run(lines):
            pass

    print(f"windows -aon, {rows:,} rows: microseconds per row")
    for name, work in (
        ("str.split loop", split),
        ("fast-path regex alone", regex_alone),
        ("regex and its values", regex_values),
        ("one Record", records),
        ("fused row (no checks)", fused),
        ("Dialect.run", run),
    ):
        print(f"  {name:<24}{per_row(work, rows):6.2f}")


if __name__ == "__main__":
    main()
