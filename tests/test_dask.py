"""Fixtures read on a two-process local Dask cluster give what a single-process ``parse`` gives."""

from __future__ import annotations

import gzip
import io
import json
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import netstat_normalizer as nn
from conftest import FIXTURES, fixture_cases

pytest.importorskip("dask.bag")
pytest.importorskip("dask.dataframe")
pytest.importorskip("pyarrow")
distributed = pytest.importorskip("distributed")
fsspec = pytest.importorskip("fsspec")

import dask  # noqa: E402
import pyarrow as pa  # noqa: E402

from netstat_normalizer.batch import dask as nd  # noqa: E402
from netstat_normalizer.batch.convert import Done, Settings, convert  # noqa: E402
from netstat_normalizer.sinks import columnar  # noqa: E402

PATHS = [str(case) for case in fixture_cases()]
TANP = FIXTURES / "linux-ss" / "tanp.out"


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


@pytest.fixture(scope="module")
def expected() -> list[nn.Record]:
    """Every fixture's records from a single-process ``parse``, in file order."""
    return [r for p in PATHS for r in nn.parse(Path(p).read_bytes(), path=p).records]


@pytest.mark.filterwarnings("ignore:Computing mixed collections")
def test_records_and_dataframe_match_parse(client: Any, expected: list[nn.Record]) -> None:
    bag, frame = nd.read_records(PATHS), nd.read_dataframe(str(FIXTURES / "*" / "*.out"))
    assert bag.npartitions == frame.npartitions == len(PATHS)
    with distributed.get_task_stream() as tasks:
        records, computed = dask.compute(bag, frame, optimize_graph=False)
    parses = [t["key"] for t in tasks.data if str(t["key"]).startswith("parse-netstat-")]
    assert len(parses) == len(set(parses)) == len(PATHS)  # each file parsed once, for both
    assert records == [r.to_dict() for r in expected]
    assert computed.dtypes.equals(frame.dtypes)
    table = pa.Table.from_pandas(computed, schema=columnar.SCHEMA, preserve_index=False)
    assert table.equals(columnar.to_table(expected))


def test_gzip_and_undetectable_files(client: Any, tmp_path: Path) -> None:
    raw = TANP.read_bytes() + b"this is garbage here\n"
    packed, junk = tmp_path / "tanp.out.gz", tmp_path / "junk.txt"
    packed.write_bytes(gzip.compress(raw))
    junk.write_bytes(b"hello world\n")
    paths = [str(packed), str(junk)]
    expected = nn.parse(raw, path=str(packed))
    assert [d.line for d in expected.diagnostics] == [59]
    records, diagnostics = dask.compute(nd.read_records(paths), nd.read_diagnostics(paths))
    assert records == [r.to_dict() for r in expected.records]
    assert diagnostics[-1].pop("reason").startswith("no dialect recognises this text")
    assert diagnostics == [
        expected.diagnostics[0].to_dict(),
        {"path": str(junk), "member": None, "line": None, "text": None},
    ]
    assert len(nd.read_dataframe(paths).compute()) == len(expected.records)


@pytest.mark.filterwarnings("ignore:Running on a single-machine scheduler")
def test_memory_url_and_shared_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    memory = fsspec.filesystem("memory")
    memory.pipe("/netstat-normalizer-test/tanp.out", TANP.read_bytes())
    path = "memory:///netstat-normalizer-test/tanp.out"
    expected = nn.parse(TANP.read_bytes(), path=path, command="ss -tanp")
    calls: list[str | None] = []
    parse = nd.pipeline.iter_parse_stream

    def counting_parse(*args: Any, **kwargs: Any) -> Any:
        calls.append(kwargs["path"])
        return parse(*args, **kwargs)

    monkeypatch.setattr(nd.pipeline, "iter_parse_stream", counting_parse)
    try:
        url = "memory://netstat-normalizer-test/*.out"
        records, diagnostics = dask.compute(
            nd.read_records(url, command="ss -tanp"),
            nd.read_diagnostics(url, command="ss -tanp"),
            scheduler="sync",  # the memory filesystem is per process
        )
    finally:
        memory.rm("/netstat-normalizer-test", recursive=True)
    assert records == [r.to_dict() for r in expected.records]
    assert diagnostics == []
    assert calls == [path]


def test_bad_arguments_fail_before_any_task(tmp_path: Path) -> None:
    with pytest.raises(nn.UnknownDialectError, match="linux-ss"):
        nd.read_records(PATHS, dialect="linux_ss")
    with pytest.raises(TypeError):
        nd.read_dataframe(PATHS, encodnig="cp850")
    with pytest.raises(FileNotFoundError, match="no file matches"):
        nd.read_diagnostics(str(tmp_path / "*.out"))


def test_archives_read_as_convert_reads_them(client: Any, tmp_path: Path) -> None:
    """A .tar.gz archive's members (one unsafe: skipped) and a .gz file give, through Dask, the
    records and diagnostics ``convert`` writes for them, in the same order."""
    netstat = FIXTURES / "linux-netstat" / "antp.out"
    logs, day = tmp_path / "logs.tar.gz", tmp_path / "day.txt.gz"
    with tarfile.open(logs, "w:gz") as tar:
        for name, data in (
            ("web-1/ss.txt", TANP.read_bytes() + b"this is garbage here\n"),
            ("web-2/netstat.txt", netstat.read_bytes()),
        ):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        link = tarfile.TarInfo("web-3/link")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        tar.addfile(link)
    day.write_bytes(gzip.compress(netstat.read_bytes()))
    paths = [str(logs), str(day)]

    report = convert(paths, Settings(str(tmp_path / "out")))
    assert report.exit_status == 1  # the garbage line, the skipped link
    written = [
        json.loads(line)
        for outcome in report.outcomes
        if isinstance(outcome, Done)
        for line in (tmp_path / "out" / outcome.state["output"]).read_text().splitlines()
    ]
    problems = (tmp_path / "out" / "diagnostics.jsonl").read_text().splitlines()

    records, diagnostics = dask.compute(nd.read_records(paths), nd.read_diagnostics(paths))
    assert [json.loads(json.dumps(r)) for r in records] == written
    assert {r["source"]["member"] for r in written} == {"web-1/ss.txt", "web-2/netstat.txt", None}
    assert diagnostics == [json.loads(line) for line in problems]
    assert [(d["member"], d["line"]) for d in diagnostics] == [
        ("web-1/ss.txt", 59),
        ("web-3/link", None),
    ]
