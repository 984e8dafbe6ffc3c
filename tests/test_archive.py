"""Walking sources: order, output names, archive members, and the limits and refusals."""

from __future__ import annotations

import gzip
import io
import os
import stat
import zipfile
from pathlib import Path

import pytest

from netstat_normalizer.io import archive
from netstat_normalizer.io.archive import Archive, Problem, Source, SourceError, output_name, walk
from trees import write_tar


def describe(items: list[Source | Archive | Problem]) -> list[tuple[str, ...]]:
    """Each item as a tuple: its type, path, member (or suffix) and name (or reason)."""
    rows: list[tuple[str, ...]] = []
    for item in items:
        if isinstance(item, Problem):
            rows.append(("problem", item.path, str(item.member), item.reason))
        elif isinstance(item, Archive):
            rows.append(("tar", item.path, item.suffix, item.name))
        else:
            rows.append((item.kind, item.path, str(item.member), item.name))
    return rows


def members(tar: Archive, **limits: int) -> list[tuple[str, ...]]:
    """A tar archive's members as ``(name, bytes)``, or its problems as ``(member, reason)``."""
    found: list[tuple[str, ...]] = []
    for entry in tar.members(**limits):
        if isinstance(entry, Problem):
            found.append((str(entry.member), entry.reason))
        else:
            try:
                found.append((entry[0].name, entry[1].read().decode()))
            except archive.read_errors() as err:
                found.append((str(entry[0].member), archive.reason_of(err)))
    return found


def test_walk_order_and_output_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "in" / "sub").mkdir(parents=True)
    for name in ("b.txt", "a.txt", "sub/c.txt"):
        (tmp_path / "in" / name).write_text("x")
    (tmp_path / "in" / "d.txt.gz").write_bytes(gzip.compress(b"x"))
    (tmp_path / "in" / ".gz").write_bytes(gzip.compress(b"x"))
    with zipfile.ZipFile(tmp_path / "in" / "e.ZIP", "w") as zipped:
        zipped.writestr("./m/one.txt", "1")
        zipped.writestr("m/", "")
        zipped.writestr("two.txt", "2")
    write_tar(tmp_path / "in" / "f.tgz", {"x": b"x"})
    up = f"../{tmp_path.name}/in/b.txt"
    assert describe(list(walk(["in", "in/a.txt", f"{tmp_path}/in/b.txt", up]))) == [
        (".gz", "in/.gz", "None", "in/.gz"),
        ("plain", "in/a.txt", "None", "in/a.txt"),
        ("plain", "in/b.txt", "None", "in/b.txt"),
        (".gz", "in/d.txt.gz", "None", "in/d.txt"),
        ("zip", "in/e.ZIP", "./m/one.txt", "in/e.ZIP/m/one.txt"),
        ("zip", "in/e.ZIP", "two.txt", "in/e.ZIP/two.txt"),
        ("tar", "in/f.tgz", ".tgz", "in/f.tgz"),
        ("plain", "in/sub/c.txt", "None", "in/sub/c.txt"),
        ("plain", "in/a.txt", "None", "in/a.txt"),
        ("plain", f"{tmp_path}/in/b.txt", "None", f"{str(tmp_path)[1:]}/in/b.txt"),
        ("plain", up, "None", f"{tmp_path.name}/in/b.txt"),
    ]


@pytest.mark.parametrize(
    ("path", "name"),
    [("/abs/x", "abs/x"), ("../../x", "x"), ("./a/./b//c", "a/b/c"), ("a/../b", "b")],
)
def test_output_names_stay_relative(path: str, name: str) -> None:
    assert output_name(path) == name


def test_special_files_loops_and_dangling_links_are_reported(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    os.mkfifo(tmp_path / "in" / "fifo")
    (tmp_path / "in" / "gone").symlink_to(tmp_path / "nowhere")
    (tmp_path / "in" / "loop").symlink_to(tmp_path / "in")
    (tmp_path / "in" / "out").mkdir()
    (tmp_path / "in" / "out" / "x").write_text("x")
    (tmp_path / "in" / "real").mkdir()
    (tmp_path / "in" / "real" / "y").write_text("y")
    (tmp_path / "in" / "same").symlink_to(tmp_path / "in" / "real")
    root = str(tmp_path / "in")
    assert describe(list(walk([root], skip=f"{root}/out"))) == [
        ("problem", f"{root}/fifo", "None", "not a regular file (FIFO)"),
        ("problem", f"{root}/gone", "None", "cannot read: No such file or directory"),
        ("problem", f"{root}/loop", "None", "symbolic link loop: folder already being read"),
        ("plain", f"{root}/real/y", "None", f"{root[1:]}/real/y"),
        ("plain", f"{root}/same/y", "None", f"{root[1:]}/same/y"),
    ]


def test_unsafe_zip_members_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.zip"
    with zipfile.ZipFile(path, "w") as zipped:
        zipped.writestr("../evil", "x")
        zipped.writestr("/abs", "x")
        zipped.writestr("a/../../b", "x")
        zipped.writestr("..\\win", "x")
        zipped.writestr("C:/drive", "x")
        link = zipfile.ZipInfo("link")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        zipped.writestr(link, "/etc/passwd")
        zipped.writestr("ok", "x")
        zipped.writestr("./ok", "x")
    where = str(path)
    assert describe(list(walk([where]))) == [
        ("problem", where, "../evil", "'..' in path"),
        ("problem", where, "/abs", "absolute path"),
        ("problem", where, "a/../../b", "'..' in path"),
        ("problem", where, "..\\win", "'..' in path"),
        ("problem", where, "C:/drive", "absolute path"),
        ("problem", where, "link", "not a regular file (symbolic link)"),
        ("zip", where, "ok", f"{where[1:]}/ok"),
        ("problem", where, "./ok", "duplicate member name"),
    ]


def test_zip_member_over_the_limit_fails_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "a.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("big", b"\0" * 5000)
    (source,) = walk([str(path)])
    assert isinstance(source, Source)
    with pytest.raises(SourceError, match=r"a.zip\[big\]: member of 5000 bytes, more than 4999"):
        source.open(limit=4999).__enter__()
    with source.open(limit=5000) as stream:
        assert stream.read() == b"\0" * 5000


def test_a_gzip_bomb_stops_while_streaming(tmp_path: Path) -> None:
    path = tmp_path / "bomb.txt.gz"
    path.write_bytes(gzip.compress(b"\0" * (8 << 20)))
    (source,) = walk([str(path)])
    assert isinstance(source, Source)
    read = 0
    with pytest.raises(SourceError) as raised, source.open(limit=1 << 20) as stream:
        while chunk := stream.read(1 << 16):
            read += len(chunk)
    assert read == 1 << 20
    assert str(raised.value) == (
        f"{path}: decompresses to more than {1 << 20} bytes (MAX_SOURCE_BYTES)"
    )


def test_corrupt_gzip_raises_a_read_error(tmp_path: Path) -> None:
    data = gzip.compress(b"x\n" * 1000)
    (tmp_path / "crc.gz").write_bytes(data[:-8] + b"\0\0\0\0" + data[-4:])
    (tmp_path / "cut.gz").write_bytes(data[:-20])
    for name in ("crc.gz", "cut.gz"):
        (source,) = walk([str(tmp_path / name)])
        assert isinstance(source, Source)
        with pytest.raises(archive.read_errors()), source.open() as stream:
            stream.read()


def test_tar_members_refused_limited_and_read(tmp_path: Path) -> None:
    path = tmp_path / "a.tar.xz"
    write_tar(path, {"web/ss": b"ss", "big": b"b" * 100, "./web//ss": b"again"}, specials=True)
    (tar,) = walk([str(path)])
    assert isinstance(tar, Archive)
    name = str(path)[1:]
    assert members(tar, limit=99) == [
        (f"{name}/web/ss", "ss"),
        ("big", "member of 100 bytes, more than 99 (MAX_SOURCE_BYTES)"),
        ("./web//ss", "duplicate member name"),
        ("web-3/link", "not a regular file (symbolic link)"),
        ("web-3/hard", "not a regular file (hard link)"),
        ("dev/null", "not a regular file (character device)"),
        ("dev/fifo", "not a regular file (FIFO)"),
    ]
    assert members(tar, total=50)[-1] == (
        "None",
        "decompresses to more than 50 bytes (MAX_ARCHIVE_BYTES)",
    )


def test_truncated_tar_reports_what_it_read_then_fails(tmp_path: Path) -> None:
    path = tmp_path / "a.tar.gz"
    one, two = os.urandom(20000).hex(), os.urandom(20000).hex()
    write_tar(path, {"one": one.encode(), "two": two.encode()})
    data = path.read_bytes()
    (tar,) = walk([str(path)])
    assert isinstance(tar, Archive)
    cut = "cannot read: Compressed file ended before the end-of-stream marker was reached"
    path.write_bytes(data[:-30])  # in the end-of-archive padding
    assert members(tar) == [(f"{tar.name}/one", one), (f"{tar.name}/two", two), ("None", cut)]
    path.write_bytes(data[: len(data) * 3 // 4])  # in the second member
    assert members(tar) == [(f"{tar.name}/one", one), ("two", cut), ("None", cut)]


def test_archives_with_too_many_members_fail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(archive, "MAX_MEMBERS", 2)
    with zipfile.ZipFile(tmp_path / "a.zip", "w") as zipped:
        for name in "abc":
            zipped.writestr(name, name)
    write_tar(tmp_path / "b.tar", {name: name.encode() for name in "abc"})
    found = list(walk([str(tmp_path)]))
    assert [(type(f).__name__, getattr(f, "reason", None)) for f in found] == [
        ("Source", None),
        ("Source", None),
        ("Problem", "more than 2 members"),
        ("Archive", None),
    ]
    assert members(found[3])[-1] == ("None", "more than 2 members")  # type: ignore[arg-type]


def test_a_corrupt_zip_is_one_problem(tmp_path: Path) -> None:
    (tmp_path / "a.zip").write_bytes(b"PK\x03\x04 not really")
    (problem,) = walk([str(tmp_path / "a.zip")])
    assert problem == Problem(
        str(tmp_path / "a.zip"), None, "cannot read: File is not a zip file", True
    )


def test_limited_stream_counts_every_read() -> None:
    stream = archive._Limited(io.BytesIO(b"abcdef"), 5, "x", "LIMIT")
    assert stream.read(5) == b"abcde"
    with pytest.raises(SourceError, match="x: decompresses to more than 5 bytes"):
        stream.read(1)
    with pytest.raises(SourceError):
        stream.read()
