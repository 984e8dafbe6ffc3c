"""The columnar route (batch.bulk) against the row path: the same Parquet content, diagnostics and
line counts, over every fixture and over varied and mutated inputs of each recipe's dialect."""

from __future__ import annotations

import importlib.util
import io
import json
import random
import re
import sys
from pathlib import Path
from typing import Any

import pytest

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

from netstat_normalizer.batch import bulk, recipes  # noqa: E402
from netstat_normalizer.batch.convert import Settings, convert  # noqa: E402
from netstat_normalizer.engine.pipeline import iter_parse_stream  # noqa: E402
from netstat_normalizer.errors import NetstatNormalizerError  # noqa: E402
from netstat_normalizer.model.record import Diagnostic, Record  # noqa: E402
from netstat_normalizer.options import ParseOptions  # noqa: E402
from netstat_normalizer.sinks import columnar  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = sorted(
    p
    for p in (ROOT / "fixtures").glob("*/*")
    if p.suffix in (".out", ".txt", ".bin") and p.is_file()
)


def _varied() -> Any:
    spec = importlib.util.spec_from_file_location("varied", ROOT / "benchmarks" / "varied.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["varied"] = module
    spec.loader.exec_module(module)
    return module


VARIED = _varied()
INPUTS = [name for name, (_, dialect, _) in VARIED.INPUTS.items() if dialect in recipes.RECIPES]


def routes(data: bytes, options: ParseOptions) -> tuple[Any, Any, int]:
    """The columnar route's and the row path's (table, diagnostics, line counts) checked equal,
    or their errors; the route's table and diagnostics, and the rows it took.  Checked twice:
    reading lines in chunks as the route does, and in chunks of 3 lines, where rows taken in
    bulk (``Route._steady``) begin and end far more often."""
    found = _checked(data, options)
    chunk = bulk.STEADY_LINES
    bulk.STEADY_LINES = 3
    try:
        assert _checked(data, options)[1:] == found[1:]
    finally:
        bulk.STEADY_LINES = chunk
    return found


def _checked(data: bytes, options: ParseOptions) -> tuple[Any, Any, int]:
    try:
        return _routes(data, options)
    except (NetstatNormalizerError, LookupError) as err:
        with pytest.raises(type(err)) as found:
            list(iter_parse_stream(io.BytesIO(data), options, path="in.txt")[1])
        assert str(found.value) == str(err)
        return None, [], 0


def _routes(data: bytes, options: ParseOptions) -> tuple[Any, Any, int]:
    pieces: list[Any] = []
    found: list[Diagnostic] = []
    counts: dict[str, int] = {}
    made: list[bulk.Route] = []

    class Counting(bulk.Route):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            made.append(self)

    original = bulk.Route
    bulk.Route = Counting  # type: ignore[misc]
    try:
        _, items = bulk.parse_stream(
            io.BytesIO(data), options, pieces.append, path="in.txt", accounting=counts
        )
        for item in items:
            if isinstance(item, Record):
                pieces.append(columnar.record_batch([item]))
            else:
                found.append(item)
    finally:
        bulk.Route = original  # type: ignore[misc]
    ours = pa.Table.from_batches(pieces, schema=columnar.SCHEMA)
    expected: dict[str, int] = {}
    _, rows = iter_parse_stream(io.BytesIO(data), options, path="in.txt", accounting=expected)
    items = list(rows)
    theirs = columnar.to_table([i for i in items if isinstance(i, Record)])
    assert ours.schema == theirs.schema
    assert ours.equals(theirs), _first_difference(ours, theirs)
    assert found == [i for i in items if isinstance(i, Diagnostic)]
    assert counts == expected
    return ours, found, sum(route.taken for route in made)


def _first_difference(ours: Any, theirs: Any) -> str:
    if ours.num_rows != theirs.num_rows:
        return f"{ours.num_rows} rows, expected {theirs.num_rows}"
    a, b = ours.to_pylist(), theirs.to_pylist()
    at = next(i for i in range(len(a)) if a[i] != b[i])
    return str({k: (a[at][k], b[at][k]) for k in a[at] if a[at][k] != b[at][k]})


def _command(path: Path) -> str | None:
    cmd = path.with_suffix(".cmd")
    return cmd.read_text("utf-8").strip() if cmd.exists() else None


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_fixture_same_as_row_path(path: Path) -> None:
    routes(path.read_bytes(), ParseOptions(command=_command(path)))


@pytest.mark.parametrize("name", INPUTS)
def test_varied_rows_are_taken_and_same(name: str) -> None:
    text = VARIED.build(name, 600)
    table, found, taken = routes(text.encode(), ParseOptions())
    assert table.num_rows == 600 and not found
    if name == "ss -tani":  # a continuation line under each row: the row path reads them all
        assert taken == 0
    else:
        assert taken > 300  # the route typed most rows itself


def test_kernels_are_given_arrow_values(monkeypatch: Any) -> None:
    """A Python value given to a kernel has its type inferred at each call, and pyarrow's
    inference tries to import dateutil each time (60 us where it is not installed): every
    recipe's kernels are given Arrow scalars and arrays."""
    import builtins

    tried: list[str] = []
    original = builtins.__import__

    def watched(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.startswith("dateutil"):
            tried.append(name)
        return original(name, *args, **kwargs)

    texts = [VARIED.build(name, 300) for name in INPUTS]
    monkeypatch.setattr(builtins, "__import__", watched)
    for text in texts:
        routes(text.encode(), ParseOptions())
    assert tried == []


@pytest.mark.parametrize("name", INPUTS)
@pytest.mark.parametrize("seed", range(6))
def test_mutated_inputs_same(name: str, seed: int) -> None:
    """Varied rows with lines inserted, cut or changed: headers and titles again (a new
    capture), markers, blank lines, garbage, unknown state words, continuation-like lines."""
    lines = VARIED.build(name, 300).splitlines()
    rng = random.Random(seed)
    head = VARIED.build(name, 1).splitlines()[:-1]  # the lines above the rows
    for _ in range(12):
        at = rng.randrange(len(head), len(lines))
        row = lines[at]
        change = rng.choice(
            [
                "",
                "garbage here",
                "\t continued",
                row.replace("ESTABLISHED", "ESTABLISHEDX").replace("LISTEN", "LISTENX"),
                row[: len(row) // 2],
                *head,
                "== host web9 ==",
                row.replace(":", "%eth0:", 1),
                "\x1b[31m" + row,
            ]
        )
        lines.insert(at, change)
    data = ("\n".join(lines) + "\n").encode()
    routes(data, ParseOptions())
    routes(data, ParseOptions(marker=r"^== host (?P<host>\S+) ==$"))


_FOREIGN = re.compile(r"(?<= )((?:\d{1,3}\.){4}\d+) +(?=[A-Z_]*\s*$)")


@pytest.mark.parametrize("cut", [True, False], ids=["line cut", "address cut"])
@pytest.mark.parametrize("name", ["freebsd -an", "macos -an"])
def test_remote_addresses_cut_short_are_refused_as_by_the_row_path(name: str, cut: bool) -> None:
    """A foreign address cut short (``203.0`` of ``203.0.113.9.443``), the line ending there or
    not: the route does not take the row, and the row path reports it."""
    lines = VARIED.build(name, 400).splitlines()
    changed = 0
    for at in range(10, len(lines), 7):
        found = _FOREIGN.search(lines[at])
        if found is not None:
            address = found.group(1)
            short = address[: address.index(".", address.index(".") + 1)]  # two octets
            rest = "" if cut else " " * (len(address) - len(short)) + lines[at][found.end(1) :]
            lines[at] = lines[at][: found.start(1)] + short + rest
            changed += 1
    table, found_diagnostics, taken = routes(("\n".join(lines) + "\n").encode(), ParseOptions())
    assert changed > 10 and len(found_diagnostics) == changed
    assert all("is no endpoint" in d.reason for d in found_diagnostics)
    assert table.num_rows == 400 - changed and taken > 0


@pytest.mark.parametrize("name", ["freebsd -an", "macos -an"])
def test_kame_scoped_rows_are_taken_and_same(name: str) -> None:
    """Rows whose addresses carry a KAME zone (``fe80:1::1``, ``ff02:3::fb``, or a printed
    ``%em0`` that wins), mixed with others: the route types them as the row path does."""
    lines = (ROOT / "fixtures/freebsd-netstat/an-kame.out").read_text().splitlines()
    rows = lines[2:]
    varied = []
    for n in range(400):
        row = rows[n % len(rows)].replace(".22 ", f".{n + 1000} ")
        row = row.replace("fe80:1::", f"fe80:{n % 7:x}::").replace(
            "ff02:1::", f"ff0{n % 3}:{n % 5}::"
        )
        varied.append(row.replace("fe80:2::1.", "fe80::1%em0." if n % 2 else "fe80:2::1."))
    head = VARIED.build(name, 1).splitlines()[:-1]
    data = ("\n".join([*head, *varied]) + "\n").encode()
    table, found, taken = routes(data, ParseOptions())
    assert table.num_rows == 400 and not found and taken > 300
    assert {"1", "2", "em0", None} <= set(table.column("local_interface").to_pylist())


@pytest.mark.parametrize("name", ["tcp.out", "tcp6.out", "tcp-tcp6.out", "udp.out"])
def test_proc_tables_are_taken_and_same(name: str) -> None:
    """/proc/net tables repeated (each copy's local port another): IPv6 addresses, TIME-WAIT
    and request sockets (fewer fields) are typed by the route as by the row path; UDP rows are
    left to the row path."""
    path = ROOT / "fixtures/linux-proc-net" / name
    head, *rows = path.read_text().splitlines()
    copies = []
    for n in range(30):
        for row in rows:
            copies.append(re.sub(r":[0-9A-F]{4} ", f":{n:04X} ", row, count=1))
    data = ("\n".join([head, *copies]) + "\n").encode()
    table, found, taken = routes(data, ParseOptions(command=_command(path)))
    headers = sum("local_address" in row for row in copies)
    assert table.num_rows == len(copies) - headers and not found
    if name == "udp.out":
        assert taken == 0
        return
    assert taken > table.num_rows // 2
    versions = set(table.column("ip_version").to_pylist())
    assert versions == ({4, 6} if name == "tcp-tcp6.out" else {6 if "6" in name else 4})
    if name == "tcp.out":  # TIME-WAIT rows: a timer, extra without a socket's fields
        timers = {t["name"] for t in table.column("timer").to_pylist()}
        assert {"off", "timewait"} <= timers
        extras = {tuple(json.loads(e)) for e in table.column("extra").to_pylist()}
        assert ("sl", "ref", "pointer") in extras and len(extras) == 2


def test_proc_numbers_beyond_64_bits_are_left_to_the_row_path() -> None:
    """A kernel field of 19 digits or more (kept in ``extra``) is no int64: such rows go to the
    row path, which keeps them as printed numbers."""
    path = ROOT / "fixtures/linux-proc-net/tcp.out"
    head, row = path.read_text().splitlines()[:2]
    rows = [re.sub(r":[0-9A-F]{4} ", f":{n:04X} ", row, count=1) for n in range(300)]
    big = rows[150].split()
    big[10] = "9" * 19  # ref
    rows[150] = " ".join(big)
    table, found, taken = routes(("\n".join([head, *rows]) + "\n").encode(), ParseOptions())
    assert table.num_rows == 300 and not found and taken > 200
    assert json.loads(table.column("extra")[150].as_py())["ref"] == int("9" * 19)


def test_chunks_hold_few_characters() -> None:
    lines = [("x" * 100_000) if n % 7 else "short" for n in range(2_000)]
    chunks = list(bulk._chunks(enumerate(lines, 1)))
    assert [line for chunk in chunks for _, line in chunk] == lines
    assert all(len(chunk) <= bulk.STEADY_LINES for chunk in chunks)
    assert all(sum(len(t) for _, t in c[:-1]) < bulk.STEADY_CHARS for c in chunks)
    assert len(list(bulk._chunks(enumerate(["a"] * 1500, 1)))) == 3


def test_macos_lsof_rows_are_taken_and_same() -> None:
    """macOS lsof prints a kernel address as the device: kept in ``extra``, no inode."""
    path = ROOT / "fixtures/lsof/macos-i-n-P.out"
    head, *rows = path.read_text().splitlines()
    copies = [re.sub(r":(\d+)\b", f":{n}", row, count=1) for n in range(40) for row in rows]
    table, found, taken = routes(("\n".join([head, *copies]) + "\n").encode(), ParseOptions())
    assert table.num_rows == len(copies) and not found and taken > len(copies) // 2
    devices = [json.loads(e).get("device") for e in table.column("extra").to_pylist()]
    assert all(d.startswith("0x") for d in devices)
    assert set(table.column("inode").to_pylist()) == {None}


def test_convert_parquet_same_as_row_path(tmp_path: Path, monkeypatch: Any) -> None:
    """``convert --format parquet`` end to end, over fixtures and a varied input: the same
    files, summary and diagnostics with the route as with the row path alone."""
    sources = tmp_path / "in"
    sources.mkdir()
    for name in ("windows -aon", "freebsd -an", "netstat -lnp"):
        (sources / f"{name.split()[0]}.txt").write_text(VARIED.build(name, 20_000), "utf-8")
    for path in FIXTURES[:40]:
        (sources / f"{path.parent.name}-{path.name}").write_bytes(path.read_bytes())
    convert([str(sources)], Settings(str(tmp_path / "a"), "parquet"))
    monkeypatch.setattr(recipes, "RECIPES", {})
    monkeypatch.setattr(bulk, "RECIPES", {})
    convert([str(sources)], Settings(str(tmp_path / "b"), "parquet"))
    outputs = sorted((tmp_path / "a").rglob("*.parquet"))
    assert len(outputs) > 30
    for mine in outputs:
        theirs = tmp_path / "b" / mine.relative_to(tmp_path / "a")
        assert pq.read_table(mine).equals(pq.read_table(theirs)), mine.name
    for name in ("summary.json", "diagnostics.jsonl"):
        assert (tmp_path / "a" / name).read_text() == (tmp_path / "b" / name).read_text()
    summary = json.loads((tmp_path / "a" / "summary.json").read_text())
    assert summary["records"] > 60_000


def test_convert_parquet_pauses_the_collector_and_makes_no_cycles(
    tmp_path: Path, monkeypatch: Any
) -> None:
    """The collector is paused while a source is read into Parquet (and restored after): the
    route makes no cyclic garbage, so nothing is left for it to free."""
    import gc

    source = tmp_path / "in.txt"
    source.write_text(VARIED.build("freebsd -an", 20_000), "utf-8")
    settings = Settings(str(tmp_path / "out"), "parquet", force=True)
    convert([str(source)], settings)  # a first run loads what is loaded once
    seen: list[bool] = []
    add = columnar.ParquetSink.add_batch
    monkeypatch.setattr(
        columnar.ParquetSink,
        "add_batch",
        lambda sink, b: (seen.append(gc.isenabled()), add(sink, b)),
    )
    gc.collect()
    convert([str(source)], settings)
    assert seen and not any(seen) and gc.isenabled()
    assert gc.collect() < 100  # what a run leaves behind, whatever its rows


def test_pandas_not_imported(tmp_path: Path) -> None:
    """convert --format parquet does not import pandas (pyarrow would, for nothing)."""
    source = tmp_path / "w.txt"
    source.write_text(VARIED.build("windows -aon", 50), "utf-8")
    code = (
        "import sys; from netstat_normalizer.cli import main; "
        f"main(['convert', {str(source)!r}, '--out', {str(tmp_path / 'o')!r}, "
        "'--format', 'parquet']); print('pandas' in sys.modules)"
    )
    import subprocess

    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "False", done.stderr
    (output,) = (tmp_path / "o").rglob("w.txt.parquet")
    assert pq.read_table(output).num_rows == 50


ENDPOINTS = [
    "0.0.0.0:80", "[::]:135", "*:*", "app:postgresql", "10.1.2.3:22", "fe80::1%4:5", "a:b:7",
    "[fe80::1%4]:8", "[::1]:x", "[]:5", "[a]b:5", ":::22", "0.0.0.0:0080", "x:1234567890",
    "*.*", "*.22", "10.0.0.1.22", "::1.22", "[x].5", "h.", ".5", "*:", "²:80", "a:²",
    "10.2", "172.1", "10.2.3", "1.2.3.400.22", "01.2.3.4.5", "192.168.100..ssh", "1e100.net.443",
    "10.1.2.3:65535", "10.1.2.3:65536", "[::1]:70000", "1.2.3.4.70000", "1.2.3.4.065535", "h:99999",
]  # fmt: skip


@pytest.mark.parametrize("separator", [":", "."])
def test_endpoint_kernels_split_as_the_row_path(separator: str) -> None:
    from netstat_normalizer.model.addresses import split_colon, split_dot
    from netstat_normalizer.sinks.kernels import endpoints

    split = split_colon if separator == ":" else split_dot
    texts, refused = [], []
    for text in ENDPOINTS:
        try:
            split(text, "tcp")
            texts.append(text)
        except ValueError:  # a host of digits and dots that is no IPv4 address
            refused.append(text)
    found = endpoints(pa.array(texts), separator, split, "tcp")
    assert [list(c.to_pylist()) for c in found] == [
        list(values) for values in zip(*(split(t, "tcp") for t in texts))
    ]
    assert ("10.2" in refused and "192.168.100..ssh" not in refused) is (separator == ".")
    for text in refused:
        with pytest.raises(ValueError, match="is no endpoint"):
            endpoints(pa.array(["*.*", text]), separator, split, "tcp")


def test_scope_and_version_kernels_as_the_row_path() -> None:
    from netstat_normalizer.model.addresses import ip_version, scope_of
    from netstat_normalizer.sinks.kernels import ip_versions, scopes

    addresses = [
        "0.0.0.0", "127.0.0.1", "127.255.0.9", "10.0.0.1", "8.8.8.8", "::1", "*", None,
        "01.2.3.4", "169.254.1.1", "172.16.0.1", "172.32.0.1", "192.168.1.1", "fe80::1", "::",
        "255.255.255.255", "256.1.1.1", "1.2.3", "fd00::1", "::ffff:10.0.0.1", "host", "1.",
    ]  # fmt: skip
    assert scopes(pa.array(addresses, pa.string())).to_pylist() == list(map(scope_of, addresses))
    assert ip_versions(pa.array(addresses, pa.string())).to_pylist() == list(
        map(ip_version, addresses)
    )
    others = addresses[::-1]
    both = ip_versions(pa.array(addresses, pa.string()), pa.array(others, pa.string()))
    assert both.to_pylist() == [ip_version(a) or ip_version(b) for a, b in zip(addresses, others)]


def test_hex_and_json_kernels_as_the_row_path() -> None:
    from netstat_normalizer.sinks.kernels import hex_numbers, json_objects

    rng = random.Random(7)
    texts = ["".join(rng.choice("0123456789ABCDEF") for _ in range(13)) for _ in range(300)]
    column = pa.array([*texts, "0" * 13, "F" * 13])
    texts += ["0" * 13, "F" * 13]
    for start, stop in ((0, 8), (9, 13), (-4, 0), (0, 2), (3, 11)):
        assert hex_numbers(column, start, stop).to_pylist() == [
            int(t[start : stop or None], 16) for t in texts
        ]
    odd = ["00FF", None, "0G12", "é123", "12", "ab:cd", "", "7fff"]  # null where int() cannot
    sliced = pa.array(["FFFF", *odd], pa.string()).slice(1)
    assert hex_numbers(sliced, 0, 4).to_pylist() == [255, None, None, None, None, None, None, 32767]
    assert hex_numbers(sliced, -2, 0).to_pylist() == [255, None, 18, None, 18, 205, None, 255]
    assert hex_numbers(pa.array([], pa.string()), 0, 2).to_pylist() == []
    with pytest.raises(ValueError):
        hex_numbers(column, 0, 16)
    words = ["plain", 'qu"ote', "back\\slash", "tab\there", "\x01", "é\u2028", "", None, "x"]
    numbers = [0, -1, 2**40, 7, None, 3, 12, 5, 9]
    found = json_objects(["n", "w"], [pa.array(numbers, pa.int64()), pa.array(words)])
    expected = [  # a null leaves its key out, but the first's: no object
        None if n is None else columnar.json_text({"n": n} if w is None else {"n": n, "w": w})
        for n, w in zip(numbers, words)
    ]
    assert found.to_pylist() == expected
    assert json_objects(["w"], [pa.array(words)]).to_pylist() == [
        None if w is None else columnar.json_text({"w": w}) for w in words
    ]


@pytest.mark.parametrize("command", ["netstat -aeep", "netstat -aeepW", "netstat --wide -ap"])
def test_linux_cut_values_flagged_as_the_row_path(command: str) -> None:
    """Endpoints and programs filling their columns are flagged cut, unless -W: the route's
    recipe assumes no -W, and its probe rows refuse it under -W (the row path reads them)."""
    text = VARIED.build("netstat -aeep", 400)
    table, _, taken = routes(text.encode(), ParseOptions(command=command))
    cut = [json.loads(extra).get("cut") for extra in table.column("extra").to_pylist()]
    wide = "W" in command or "--wide" in command
    assert any(c and "local_address" in c for c in cut) is not wide
    assert taken > (100 if wide else 250)
