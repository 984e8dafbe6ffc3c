"""Growth of parse time on pathological input: each case at sizes n, 2n, 4n and 8n.

    python benchmarks/pathological.py [--n N] [--only TEXT] [--audit]

For every dialect, a real row (from the bundled fixtures) is grown into near-miss rows, long runs
of spaces or tabs, long tokens, many columns, nested parentheses and many colons, and parsed whole
with ``parse``; the ss detail parser (``ss_fields.parse_fields``) gets its own cases.  Each line
prints the time at n and the growth factor of each doubling: about 2 is linear, about 4 quadratic.
A case slower than ``LIMIT`` seconds is not grown further (marked ``stopped``).

``--audit`` times every regex on its own, the way the code applies it: each grammar terminal (as
Lark's lexer matches it), each fast-path section regex and each module-level regex of the
package, on strings built from a unit repeated n and 4n times between a prefix and a suffix, and
prints those whose time grows more than ``AUDIT_RATIO`` times (4 is linear, 16 quadratic).
"""

from __future__ import annotations

import argparse
import importlib
import itertools
import pkgutil
import re
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from types import ModuleType

import netstat_normalizer as nn
from netstat_normalizer.dialects import ss_fields
from netstat_normalizer.grammar.linegrammar import line_grammar

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SAMPLES = (  # dialect, fixture, the protocol (or record kind) of the row grown
    ("linux-netstat", "antp.out", "tcp"),
    ("linux-netstat", "ie.out", "interface"),
    ("linux-ss", "tanp.out", "tcp"),
    ("linux-ss", "xa.out", "unix"),
    ("windows-netstat", "ano.out", "tcp"),
    ("solaris-netstat", "an.out", "tcp"),
    ("solaris-netstat", "an.out", "unix"),
    ("freebsd-netstat", "an.out", "tcp"),
    ("macos-netstat", "an.out", "tcp"),
)
LIMIT = 2.0
AUDIT_RATIO = 8.0

Case = tuple[str, Callable[[int], str]]


def sample_row(dialect: str, fixture: str, proto: str) -> tuple[str, str]:
    """The fixture's lines up to its first row of ``proto`` (or kind), and that row."""
    text = (FIXTURES / dialect / fixture).read_text("utf-8")
    result = nn.parse(text, dialect=dialect)
    first = next(r for r in result.records if proto in (r.proto, r.kind)).source["line"]
    lines = text.splitlines()
    return "\n".join(lines[: first - 1]) + "\n", lines[first - 1]


def row_cases(row: str) -> list[Case]:
    """Ways to grow one row to size n."""
    head, _, tail = row.partition(" ")
    words = row.split()
    return [
        ("near-miss: row + ' x' * n", lambda n: row + " x" * n),
        ("many columns: row + ' 0' * n", lambda n: row + " 0" * n),
        ("spaces: n spaces after the first column", lambda n: head + " " * n + tail),
        ("tabs: n tabs after the first column", lambda n: head + "\t" * n + tail),
        ("spaces then garbage: row + n spaces + '!'", lambda n: row + " " * n + "!"),
        *(
            (
                f"cut row: {k} columns + n spaces + '!'",
                lambda n, k=k: " ".join(words[:k]) + " " * n + "!",
            )
            for k in (2, 5)
        ),
        ("long token: first column * n", lambda n: head * n + " " + tail),
        ("long digits: row + ' ' + '1' * n + 'x'", lambda n: row + " " + "1" * n + "x"),
        ("parens: row + ' users:' + '(' * n", lambda n: row + " users:" + "(" * n),
        ("paren words: row + ' (' * n", lambda n: row + " (" * n),
        ("colons: row + ' ' + ':' * n", lambda n: row + " " + ":" * n),
        ("dots: row + ' ' + '1.' * n", lambda n: row + " " + "1." * n),
        ("one long line: 'a' * n", lambda n: "a" * n),
    ]


DETAIL_CASES: list[Case] = [
    ("users: n processes", lambda n: "users:(" + '("a",pid=1,fd=2),' * n + ")"),
    ("users: n open parens", lambda n: "users:" + "(" * n),
    ("users: unclosed quote", lambda n: 'users:(("' + "a" * n),
    ("timer: n dots", lambda n: "timer:(on," + "." * n + ")"),
    ("timer: n digits, no unit", lambda n: "timer:(on," + "1" * n + "x,0)"),
    ("skmem: n counters, unclosed", lambda n: "skmem:(" + "r0," * n),
    ("n fields 'k:('", lambda n: "k:( " * n),
    ("n quoted fields", lambda n: 'k:("a ' * n),
]


def timed(work: Callable[[], object]) -> float:
    """The best of three runs, in seconds (one run when it is slow)."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
        if best > LIMIT / 4:
            break
    return best


def growth(label: str, run: Callable[[str], object], make: Callable[[int], str], n: int) -> None:
    """Print the time at n and the growth factor of each doubling up to 8n."""
    run(make(1))  # load grammars and caches first
    times: list[float] = []
    for size in (n, 2 * n, 4 * n, 8 * n):
        text = make(size)
        times.append(timed(lambda text=text: run(text)))
        if times[-1] > LIMIT:
            break
    factors = " ".join(f"{b / a:5.1f}" for a, b in itertools.pairwise(times))
    stopped = "  stopped" if len(times) < 4 else ""
    print(f"  {times[0] * 1000:8.2f} ms  x{factors}{stopped}  {label}", flush=True)


def run_cases(n: int, only: str | None) -> None:
    for dialect, fixture, proto in SAMPLES:
        if only and only not in dialect:
            continue
        header, row = sample_row(dialect, fixture, proto)
        print(f"{dialect}: parse(lines before + a {proto} row of {fixture}, grown)")
        for label, make in row_cases(row):
            run = partial(_parse, header, dialect)
            growth(label, run, make, n)
    if not only or "linux-netstat" in only:
        print("linux-netstat: an ifconfig detail line (netstat -ie), grown")
        text = (FIXTURES / "linux-netstat" / "ie.out").read_text("utf-8")
        header = "\n".join(text.splitlines()[:2]) + "\n"
        run = partial(_parse, header, "linux-netstat")
        growth("words in parentheses: 'inet' + ' (' * n", run, lambda n: "  inet" + " (" * n, n)
    if not only or "ss" in only:
        print("linux-ss: ss_fields.parse_fields")
        for label, make in DETAIL_CASES:
            growth(label, _detail, make, n)
        print("auto-detection: parse(line)")
        growth(
            "one long line: 'tcp ' + '1.1.1.1:1 ' * n", _detect, lambda n: "tcp " + "1:1 " * n, n
        )


def _parse(header: str, dialect: str, line: str) -> object:
    return nn.parse(header + line, dialect=dialect)


def _detail(text: str) -> object:
    try:
        return ss_fields.parse_fields(text)
    except Exception as err:  # a malformed field is expected here; only the time counts
        return err


def _detect(text: str) -> object:
    try:
        return nn.parse(text)
    except nn.DetectionError as err:
        return err


# -- audit: every regex on its own -------------------------------------------------------------
UNITS = (" ", "  ", "\t", "1", "a", "A", "A_", "1 ", "a ", "0 0 ", " 1", ":", "x:", "1:", ".")
UNITS += ("1.", "a.", "(", "( ", "a:(", 'a:("', ")", '"', "1/", "-", "-1", "[", "] ", "*", ",")
PREFIXES = (
    "",
    "a",
    "1",
    "A",
    "(",
    "tcp ",
    "1/",
    "users:(",
    "timer:(on,",
    "skmem:(",
    "u_str 0 0 /p",
)
SUFFIXES = ("", "\x00", "!", " x", ")", ":", " 1 x 1")


def regexes() -> list[tuple[str, re.Pattern[str], str]]:
    """Every regex of the package with how the code applies it: match, fullmatch or findall."""
    found = []
    for dialect in nn.dialects():
        cls = nn.dialect_class(dialect)
        grammar = line_grammar(cls.grammar, cls.sections)
        found += [
            (f"{cls.grammar}.lark {t.name}", re.compile(t.pattern.to_regexp()), "match")
            for t in grammar.lark.terminals
        ]
        found += [
            (f"{dialect} fast path [{section}]", regex, "match")
            for section in grammar.sections
            for regex in [grammar.whole(section)[0]]
        ]
    found += [
        (f"{m.__name__}.{name}", value, HOW.get(name, "search"))
        for m in modules()
        for name, value in vars(m).items()
        if isinstance(value, re.Pattern)
    ]
    found += [
        (f"{ss_fields.__name__}.{name}", re.compile(value.pattern), "match")
        for name, value in vars(ss_fields).items()
        if hasattr(value, "re_match")
    ]
    return list({label: (label, rx, how) for label, rx, how in found}.values())


HOW = {
    **dict.fromkeys(("_FIELD", "_PROCESS_RE", "_COUNTER", "_IFCONFIG_WORDS"), "findall"),
    **dict.fromkeys(("_DOTTED_QUAD", "_POINTER", "_NUMBER", "_DURATION", "_RATE"), "fullmatch"),
}
"""How the code applies a module's regex, by name (others: ``search``, the costliest)."""


def modules() -> list[ModuleType]:
    """Every module of the package that imports (optional dependencies may be missing)."""
    found = []
    for info in pkgutil.walk_packages(nn.__path__, nn.__name__ + "."):
        if info.name.endswith("__main__"):
            continue
        try:
            found.append(importlib.import_module(info.name))
        except ImportError:
            continue
    return found


def audit(n: int) -> None:
    print(f"regexes whose time grows more than {AUDIT_RATIO}x from size {n} to {4 * n}:")
    flagged = 0
    for label, regex, how in regexes():
        apply = getattr(regex, how)
        worst = (0.0, "")
        for prefix, unit, suffix in itertools.product(PREFIXES, UNITS, SUFFIXES):
            small = timed(partial(apply, prefix + unit * n + suffix))
            if small < 1e-4:
                continue
            large = timed(partial(apply, prefix + unit * 4 * n + suffix))
            worst = max(worst, (large / small, f"{prefix!r} + {unit!r} * n + {suffix!r}"))
        if worst[0] > AUDIT_RATIO:
            flagged += 1
            print(f"  x{worst[0]:6.1f}  {label} ({how}): {worst[1]}", flush=True)
    print(f"{len(regexes())} regexes, {flagged} flagged")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=2000, help="the first size (default 2000)")
    parser.add_argument("--only", help="only dialects whose name contains this")
    parser.add_argument("--audit", action="store_true", help="audit every regex on its own")
    args = parser.parse_args(argv)
    if args.audit:
        audit(min(args.n, 400))
    else:
        run_cases(args.n, args.only)
    return 0


if __name__ == "__main__":
    sys.exit(main())
