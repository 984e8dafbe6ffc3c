"""Input sources: files in folders, compressed files and archive members, read defensively.

``walk`` turns the paths given to ``convert`` into sources in a deterministic order (the paths as
given, each folder's entries sorted by name, archive members in archive order), and reports what it
will not read as ``Problem``: special files, symbolic link loops, unreadable or corrupt archives,
unsafe archive members (absolute paths, ``..``, links, devices, FIFOs).  Each source has an output
name: its path with any leading ``/`` and ``..`` dropped, a single-file compression suffix dropped,
archive members under a folder named after their archive (``logs/day1.tar.gz/web-3/ss.txt``).
Reading stops at the limits below, which bound the work and memory any input can cost.
"""

from __future__ import annotations

import io
import os
import posixpath
import re
import stat
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import IO, TYPE_CHECKING

from ..errors import DetectionError, NetstatNormalizerError
from .reader import ByteStream

if TYPE_CHECKING:  # tarfile, zipfile and lzma: imported when an input needs them
    import tarfile
    import zipfile

MAX_SOURCE_BYTES = 1 << 30
"""The most bytes one compressed file or archive member may decompress to (1 GiB).  Checked
against a member's declared size before reading it (zip and tar readers never yield more than it),
and counted while streaming a ``.gz``, ``.bz2`` or ``.xz`` file, whose reading stops with an error
naming it as soon as the limit is passed: a decompression bomb costs bounded work and no memory."""

MAX_ARCHIVE_BYTES = 16 << 30
"""The most bytes one archive may decompress to in all (16 GiB): counted while streaming a tar
archive, summed over a zip archive's declared member sizes; members past it are not read."""

MAX_MEMBERS = 100_000
"""The most members read from one archive; the archive fails past it (an archive of countless
empty members costs no bytes, but work and output files)."""

Opener = Callable[[], AbstractContextManager[IO[bytes]]]
"""What opens a file's raw (maybe compressed) bytes: a local file by default, any fsspec file."""

Decompressor = Callable[[IO[bytes]], AbstractContextManager[ByteStream]]
"""A decompressing reader over a raw stream."""


def _gunzip(raw: IO[bytes]) -> AbstractContextManager[ByteStream]:
    import gzip  # imported for a .gz input only, as bz2: a plain input needs neither

    return gzip.GzipFile(fileobj=raw, mode="rb")


def _bunzip(raw: IO[bytes]) -> AbstractContextManager[ByteStream]:
    import bz2

    return bz2.BZ2File(raw)


def _unxz(raw: IO[bytes]) -> AbstractContextManager[ByteStream]:
    import lzma

    return lzma.LZMAFile(raw)


SINGLE: dict[str, Decompressor] = {
    ".gz": _gunzip,
    ".bz2": _bunzip,
    ".xz": _unxz,
}
"""Single-file compressions, by file name suffix."""

TARS: dict[str, Decompressor] = {
    ".tar": lambda raw: raw,
    ".tgz": SINGLE[".gz"],
    ".tar.gz": SINGLE[".gz"],
    ".tbz2": SINGLE[".bz2"],
    ".tar.bz2": SINGLE[".bz2"],
    ".txz": SINGLE[".xz"],
    ".tar.xz": SINGLE[".xz"],
}
"""Tar archives and their compressions, by file name suffix."""


class SourceError(NetstatNormalizerError):
    """A source that cannot be read whole (over a limit); the message names it."""

    def __init__(self, where: str, reason: str) -> None:
        super().__init__(f"{where}: {reason}")
        self.reason = reason


@cache
def read_errors() -> tuple[type[Exception], ...]:
    """What reading a corrupt, truncated or unreadable source raises (a function: the classes
    of tarfile, zipfile and lzma are looked up when an error is caught, not at start-up)."""
    import lzma
    import tarfile
    import zipfile

    return (
        OSError,
        EOFError,
        zlib.error,
        lzma.LZMAError,
        tarfile.TarError,
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,  # zipfile: an unsupported compression method
    )


@cache
def _archive_errors() -> tuple[type[Exception], ...]:
    """What reading an archive through raises: a read error, or a limit passed."""
    return (*read_errors(), SourceError)


@cache
def source_errors() -> tuple[type[Exception], ...]:
    """What reading and parsing one source may raise that fails only that source: a read error,
    a limit passed, a text no dialect recognises."""
    return (*read_errors(), NetstatNormalizerError)


@dataclass(frozen=True)
class Problem:
    """A source or archive not converted, and why; ``failed`` when it could not be read, else it
    was refused on purpose (skipped)."""

    path: str
    member: str | None
    reason: str
    failed: bool


@dataclass(frozen=True)
class Source:
    """One input to convert: a file, a compressed file or an archive member."""

    path: str
    """The path as given (or found in a given folder); the archive's for a member."""
    member: str | None
    """The archive member's name as the archive spells it, else None."""
    name: str
    """The output's path relative to the output folder, without the format's suffix."""
    kind: str = "plain"
    """``plain``, ``.gz``, ``.bz2``, ``.xz``, ``zip`` or ``tar``."""
    index: int = 0
    """A zip member's index in its archive."""

    @property
    def where(self) -> str:
        """``path`` or ``path[member]``, as diagnostics show it."""
        return self.path if self.member is None else f"{self.path}[{self.member}]"

    @contextmanager
    def open(
        self, limit: int = MAX_SOURCE_BYTES, opener: Opener | None = None
    ) -> Iterator[ByteStream]:
        """The source's bytes (not for tar members, which ``Archive.members`` yields opened);
        ``opener`` opens the file's raw bytes (default: the local file ``path``)."""
        if self.kind == "zip":
            with _zip_of(self.path, opener) as archive:
                info = archive.infolist()[self.index]
                problem = _size_problem(info.file_size, limit)
                if problem is not None:
                    raise SourceError(self.where, problem[0])
                with archive.open(info) as stream:
                    yield stream
        elif self.kind in SINGLE:
            with _raw(self.path, opener) as raw, SINGLE[self.kind](raw) as stream:
                yield _Limited(stream, limit, self.where, "MAX_SOURCE_BYTES")
        else:
            with _raw(self.path, opener) as stream:
                yield stream


@dataclass(frozen=True)
class Archive:
    """A tar archive: its members are known only by reading it through, once, in order."""

    path: str
    name: str
    """The folder the members' outputs go in."""
    suffix: str

    def members(
        self,
        limit: int = MAX_SOURCE_BYTES,
        total: int = MAX_ARCHIVE_BYTES,
        opener: Opener | None = None,
    ) -> Iterator[tuple[Source, IO[bytes]] | Problem]:
        """Each member opened, or the Problem with it, in archive order; a Problem with no
        member when the archive cannot be read further.  A member's stream is valid until the
        next one is asked for.  ``opener`` opens the archive's raw bytes (default: ``path``)."""
        try:
            with _raw(self.path, opener) as file, TARS[self.suffix](file) as raw:
                stream = _Limited(raw, total, self.path, "MAX_ARCHIVE_BYTES", strict_end=True)
                import tarfile

                with tarfile.open(fileobj=stream, mode="r|", tarinfo=_strict_info()) as tar:
                    yield from self._read(tar, limit, total)
        except _archive_errors() as err:
            yield Problem(self.path, None, reason_of(err), failed=True)

    def _read(
        self, tar: tarfile.TarFile, limit: int, total: int
    ) -> Iterator[tuple[Source, IO[bytes]] | Problem]:
        seen: set[str] = set()
        for count, info in enumerate(tar):
            if count >= MAX_MEMBERS:
                yield Problem(self.path, None, f"more than {MAX_MEMBERS} members", failed=True)
                return
            if info.offset_data + info.size > total:  # tarfile would skip to its end, forever
                reason = f"member {info.name!r} declares {info.size} bytes, past MAX_ARCHIVE_BYTES"
                yield Problem(self.path, None, reason, failed=True)
                return
            if info.isdir():
                continue
            problem = _tar_problem(info, limit) or _member_problem(info.name, seen)
            if problem is not None:
                yield Problem(self.path, info.name, *problem)
                continue
            name = f"{self.name}/{_clean(info.name)}"
            data = tar.extractfile(info)
            assert data is not None  # a regular file
            yield Source(self.path, info.name, name, "tar"), data


def walk(paths: Iterable[str], skip: str | None = None) -> Iterator[Source | Archive | Problem]:
    """The sources in ``paths`` (files and folders), in order; folders' entries sorted by name,
    symbolic links followed except into a loop; the folder ``skip`` (the output) left out."""
    avoid = _identity(skip) if skip is not None else None
    for path in paths:
        yield from _visit(path, (), avoid)


def reason_of(err: BaseException) -> str:
    """A read error as a diagnostic's reason."""
    if isinstance(err, (SourceError, DetectionError)):
        return err.reason
    if isinstance(err, NetstatNormalizerError):
        return str(err)
    if isinstance(err, OSError) and err.strerror:
        return f"cannot read: {err.strerror}"
    return f"cannot read: {err or type(err).__name__}"


def _visit(
    path: str, ancestors: tuple[tuple[int, int], ...], avoid: tuple[int, int] | None
) -> Iterator[Source | Archive | Problem]:
    try:
        info = os.stat(path)
    except OSError as err:
        yield Problem(path, None, reason_of(err), failed=True)
        return
    if stat.S_ISREG(info.st_mode):
        yield from sources(path)
    elif not stat.S_ISDIR(info.st_mode):
        yield Problem(path, None, f"not a regular file ({_kind(info.st_mode)})", failed=False)
    elif (key := (info.st_dev, info.st_ino)) in ancestors:
        yield Problem(path, None, "symbolic link loop: folder already being read", failed=False)
    elif key != avoid:
        try:
            names = sorted(os.listdir(path))
        except OSError as err:
            yield Problem(path, None, reason_of(err), failed=True)
            return
        for entry in names:
            yield from _visit(os.path.join(path, entry), (*ancestors, key), avoid)


def sources(path: str, opener: Opener | None = None) -> Iterator[Source | Archive | Problem]:
    """The sources in the file ``path`` (named by its suffix): itself, decompressed, or the
    members of a zip archive, or the tar archive whose members ``opened`` reads; ``opener``
    opens its raw bytes (default: the local file)."""
    lower = path.lower()
    name = output_name(path)
    tar = next((s for s in TARS if lower.endswith(s)), None)
    if tar is not None:
        yield Archive(path, name, tar)
    elif lower.endswith(".zip"):
        yield from _zip_members(path, name, opener)
    else:
        single = next((s for s in SINGLE if lower.endswith(s)), None)
        if single is not None and len(posixpath.basename(name)) > len(single):
            name = name[: -len(single)]
        yield Source(path, None, name, single or "plain")


def _zip_members(path: str, name: str, opener: Opener | None) -> Iterator[Source | Problem]:
    import zipfile

    try:
        with _raw(path, opener) as file, zipfile.ZipFile(file) as archive:
            infos = archive.infolist()
    except read_errors() as err:
        yield Problem(path, None, reason_of(err), failed=True)
        return
    seen: set[str] = set()
    declared = 0
    for index, info in enumerate(infos):
        if index >= MAX_MEMBERS:
            yield Problem(path, None, f"more than {MAX_MEMBERS} members", failed=True)
            return
        declared += info.file_size
        if declared > MAX_ARCHIVE_BYTES:
            reason = f"members declare more than {MAX_ARCHIVE_BYTES} bytes (MAX_ARCHIVE_BYTES)"
            yield Problem(path, None, reason, failed=True)
            return
        if info.is_dir():
            continue
        problem = _zip_problem(info) or _member_problem(info.filename, seen)
        if problem is not None:
            yield Problem(path, info.filename, *problem)
        else:
            member = f"{name}/{_clean(info.filename)}"
            yield Source(path, info.filename, member, "zip", index)


def _zip_problem(info: zipfile.ZipInfo) -> tuple[str, bool] | None:
    mode = info.external_attr >> 16  # Unix mode, when the zip was made on Unix
    if stat.S_IFMT(mode) not in (0, stat.S_IFREG):
        return f"not a regular file ({_kind(mode)})", False
    if info.flag_bits & 0x1:
        return "encrypted member", True
    return None


def _tar_problem(info: tarfile.TarInfo, limit: int) -> tuple[str, bool] | None:
    if not info.isreg():
        return f"not a regular file ({_tar_kinds().get(info.type, 'special file')})", False
    return _size_problem(info.size, limit)


def _size_problem(size: int, limit: int) -> tuple[str, bool] | None:
    if size > limit:
        return f"member of {size} bytes, more than {limit} (MAX_SOURCE_BYTES)", True
    return None


_DRIVE = re.compile(r"[A-Za-z]:[/\\]")
"""A Windows path's drive and root (``C:/``, ``c:\\``)."""


def _member_problem(name: str, seen: set[str]) -> tuple[str, bool] | None:
    """Why a member's name is refused: absolute, with ``..``, empty, or seen before; on Windows,
    with a ``:`` (a drive or a stream there); ``x:y`` is a plain name elsewhere."""
    parts = name.replace("\\", "/").split("/")
    if name.startswith(("/", "\\")) or _DRIVE.match(name):
        return "absolute path", False
    if os.name == "nt" and ":" in name:
        return "':' in path", False
    if ".." in parts:
        return "'..' in path", False
    clean = _clean(name)
    if not clean:
        return "empty name", False
    if clean in seen:
        return "duplicate member name", False
    seen.add(clean)
    return None


def _clean(name: str) -> str:
    """A member name without empty and ``.`` parts, ``/``-separated."""
    return "/".join(p for p in name.replace("\\", "/").split("/") if p not in ("", "."))


def output_name(path: str) -> str:
    """``path`` as a relative, ``/``-separated path: leading ``/`` and ``..`` parts dropped."""
    parts = os.path.normpath(path).replace(os.sep, "/").split("/")
    return "/".join(p for p in parts if p not in ("", ".", ".."))


@cache
def _tar_kinds() -> dict[bytes, str]:
    import tarfile

    return {
        tarfile.SYMTYPE: "symbolic link",
        tarfile.LNKTYPE: "hard link",
        tarfile.CHRTYPE: "character device",
        tarfile.BLKTYPE: "block device",
        tarfile.FIFOTYPE: "FIFO",
    }


def _kind(mode: int) -> str:
    tests = (
        (stat.S_ISLNK, "symbolic link"),
        (stat.S_ISCHR, "character device"),
        (stat.S_ISBLK, "block device"),
        (stat.S_ISFIFO, "FIFO"),
        (stat.S_ISSOCK, "socket"),
        (stat.S_ISDIR, "folder"),
    )
    return next((name for test, name in tests if test(mode)), "special file")


def _identity(path: str) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def opened(
    item: Source | Archive, limit: int = MAX_SOURCE_BYTES, opener: Opener | None = None
) -> Iterator[tuple[Source, AbstractContextManager[ByteStream]] | Problem]:
    """Each source of ``item`` with what opens its bytes (a tar member's stream is one, valid
    until the next is asked for), or the Problem with it, in order: the one way sources are
    read, by ``convert`` and the Dask reader alike."""
    if isinstance(item, Source):
        yield item, item.open(limit, opener)
    else:
        yield from item.members(limit, opener=opener)


def _raw(path: str, opener: Opener | None) -> AbstractContextManager[IO[bytes]]:
    return open(path, "rb") if opener is None else opener()


@contextmanager
def _zip_of(path: str, opener: Opener | None) -> Iterator[zipfile.ZipFile]:
    """The zip archive ``path``: kept open for a local file (see ``_zip``), else opened anew."""
    if opener is None:
        yield _zip(path)
        return
    import zipfile

    with opener() as file, zipfile.ZipFile(file) as archive:
        yield archive


@lru_cache(maxsize=1)
def _zip(file: str) -> zipfile.ZipFile:
    """The open zip archive ``file``: a worker reads many members of the same archive in turn,
    and opening one reads its whole directory."""
    import zipfile

    return zipfile.ZipFile(file)


@cache
def _strict_info() -> type[tarfile.TarInfo]:
    """TarInfo reading a header strictly: tarfile takes a header cut short or garbage, after the
    first, for the archive's end, and the members after it would be lost without a word."""
    import tarfile

    corrupt = (tarfile.TruncatedHeaderError, tarfile.InvalidHeaderError)  # type: ignore[attr-defined]

    class StrictInfo(tarfile.TarInfo):
        @classmethod
        def fromtarfile(cls, tar: tarfile.TarFile) -> StrictInfo:
            try:
                return super().fromtarfile(tar)
            except corrupt as err:
                raise tarfile.ReadError(f"corrupt archive: {err} at byte {tar.offset}") from None

    return StrictInfo


class Guarded(io.RawIOBase):
    """A source's stream whose read errors (``read_errors``) are SourceErrors naming it: told
    apart from the errors of writing its output."""

    def __init__(self, inner: ByteStream, where: str) -> None:
        self.inner = inner
        self.where = where

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        try:
            data = self.inner.read(len(buffer))
        except SourceError:
            raise
        except read_errors() as err:
            raise SourceError(self.where, reason_of(err)) from None
        buffer[: len(data)] = data
        return len(data)


class _Limited(io.RawIOBase):
    """A stream that fails with SourceError once more than ``limit`` bytes were read from it;
    with ``strict_end``, also when read again after its end (tarfile skipping a member that
    declares more bytes than there are would read on forever)."""

    def __init__(
        self, inner: ByteStream, limit: int, where: str, name: str, strict_end: bool = False
    ) -> None:
        self.inner = inner
        self.limit = limit
        self.where = where
        self.name_of_limit = name
        self.count = 0
        self.strict_end = strict_end
        self.ended = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self.ended and self.strict_end:
            raise SourceError(self.where, "cannot read: truncated archive (ends inside a member)")
        want = min(len(buffer), self.limit + 1 - self.count)
        data = self.inner.read(want) if want > 0 else b""
        self.ended = want > 0 and not data
        self.count += len(data)
        if self.count > self.limit:
            reason = f"decompresses to more than {self.limit} bytes ({self.name_of_limit})"
            raise SourceError(self.where, reason)
        buffer[: len(data)] = data
        return len(data)
