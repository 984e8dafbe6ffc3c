"""Test helpers: source trees of captures in every container ``convert`` reads, and output trees."""

from __future__ import annotations

import bz2
import gzip
import io
import json
import lzma
import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import netstat_normalizer as nn
from conftest import FIXTURES

SS = FIXTURES / "linux-ss" / "tan.out"
NETSTAT = FIXTURES / "linux-netstat" / "antp.out"
WINDOWS = FIXTURES / "windows-netstat" / "ano.out"
FREEBSD = FIXTURES / "freebsd-netstat" / "an.out"
MACOS = FIXTURES / "macos-netstat" / "an.out"
SOLARIS = FIXTURES / "solaris-netstat" / "an.out"
UTF16 = FIXTURES / "windows-netstat" / "ano-utf16.out"

MARKER = r"^=== (?P<host>\S+) (?P<time>\S+) ===$"


def multi_capture() -> bytes:
    """Two captures, each after a marker line: a Linux ss one, then a Windows netstat one."""
    return (
        b"=== web-3 2024-03-01T10:00:00Z ===\n"
        + SS.read_bytes()
        + b"=== win-7 2024-03-01T10:05:00Z ===\n"
        + WINDOWS.read_bytes().replace(b"\r\n", b"\n")
    )


def records(data: bytes, path: str = "x") -> int:
    """How many records ``parse`` finds in ``data``, which must parse cleanly."""
    result = nn.parse(data, path=path)
    assert result.lines["unparsed"] == 0, result.diagnostics[:3]
    return len(result.records)


def build(root: Path) -> dict[str, int]:
    """A source tree under ``root/src`` with every container; the outputs (relative to the output
    folder, format ``jsonl``) a ``convert src`` run from ``root`` writes, with their record counts.
    Besides them the tree holds sources that fail or are skipped (see ``PROBLEMS``)."""
    src = root / "src"
    (src / "linux" / "deep" / "er").mkdir(parents=True)
    (src / "linux" / "ss.txt").write_bytes(SS.read_bytes())
    (src / "linux" / "deep" / "er" / "netstat.txt").write_bytes(NETSTAT.read_bytes())
    (src / "windows-utf16.txt").write_bytes(UTF16.read_bytes())
    (src / "multi.log").write_bytes(multi_capture())
    (src / "zipped").mkdir()
    (src / "zipped" / "win.txt.gz").write_bytes(gzip.compress(WINDOWS.read_bytes(), mtime=0))
    (src / "zipped" / "bsd.txt.bz2").write_bytes(bz2.compress(FREEBSD.read_bytes()))
    (src / "zipped" / "mac.txt.xz").write_bytes(lzma.compress(MACOS.read_bytes()))
    (src / "zipped" / "corrupt.txt.gz").write_bytes(bad_crc(gzip.compress(SS.read_bytes())))
    with zipfile.ZipFile(src / "bundle.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("web-1/ss.txt", SS.read_bytes())
        archive.writestr("solaris.txt", SOLARIS.read_bytes())
        archive.writestr("../evil.txt", SS.read_bytes())
        archive.writestr("/abs.txt", SS.read_bytes())
    logs = src / "logs"
    logs.mkdir()
    members = {"web-3/ss.txt": SS.read_bytes(), "web-3/netstat.txt": NETSTAT.read_bytes()}
    write_tar(logs / "day1.tar", members, specials=True)
    write_tar(logs / "day1.tar.gz", members)
    write_tar(logs / "day1.tar.bz2", {"web-4/bsd.txt": FREEBSD.read_bytes()})
    write_tar(logs / "day1.tar.xz", {"web-5/mac.txt": MACOS.read_bytes()})
    (logs / "gone.txt").symlink_to(root / "nowhere")
    os.mkfifo(logs / "pipe")
    (logs / "loop").symlink_to(logs)
    expected = {
        "src/bundle.zip/web-1/ss.txt": SS,
        "src/bundle.zip/solaris.txt": SOLARIS,
        "src/linux/deep/er/netstat.txt": NETSTAT,
        "src/linux/ss.txt": SS,
        "src/windows-utf16.txt": UTF16,
        "src/zipped/win.txt": WINDOWS,
        "src/zipped/bsd.txt": FREEBSD,
        "src/zipped/mac.txt": MACOS,
    }
    counts = {f"{name}.jsonl": records(path.read_bytes()) for name, path in expected.items()}
    for archive in ("day1.tar", "day1.tar.gz"):
        counts[f"src/logs/{archive}/web-3/ss.txt.jsonl"] = records(SS.read_bytes())
        counts[f"src/logs/{archive}/web-3/netstat.txt.jsonl"] = records(NETSTAT.read_bytes())
    counts["src/logs/day1.tar.bz2/web-4/bsd.txt.jsonl"] = records(FREEBSD.read_bytes())
    counts["src/logs/day1.tar.xz/web-5/mac.txt.jsonl"] = records(MACOS.read_bytes())
    counts["src/multi.log.jsonl"] = records(SS.read_bytes()) + records(WINDOWS.read_bytes())
    return counts


PROBLEMS = [
    ("src/bundle.zip", "../evil.txt", "'..' in path", False),
    ("src/bundle.zip", "/abs.txt", "absolute path", False),
    ("src/logs/day1.tar", "web-3/link", "not a regular file (symbolic link)", False),
    ("src/logs/day1.tar", "web-3/hard", "not a regular file (hard link)", False),
    ("src/logs/day1.tar", "dev/null", "not a regular file (character device)", False),
    ("src/logs/day1.tar", "dev/fifo", "not a regular file (FIFO)", False),
    ("src/logs/gone.txt", None, "cannot read: No such file or directory", True),
    ("src/logs/loop", None, "symbolic link loop: folder already being read", False),
    ("src/logs/pipe", None, "not a regular file (FIFO)", False),
    ("src/zipped/corrupt.txt.gz", None, "cannot read: CRC check failed", True),
]
"""The sources of ``build``'s tree that are not converted: path, member, reason, failed."""


def bad_crc(data: bytes) -> bytes:
    """A gzip stream whose CRC says 0 (the trailer: CRC32, then the size)."""
    return data[:-8] + b"\0\0\0\0" + data[-4:]


def write_tar(path: Path, members: dict[str, bytes], specials: bool = False) -> None:
    """A tar archive (compressed as its suffix says) of ``members``; with ``specials``, links,
    a device and a FIFO too."""
    mode = {".gz": "w:gz", ".bz2": "w:bz2", ".xz": "w:xz"}.get(path.suffix, "w")
    with tarfile.open(path, mode) as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        if specials:
            for name, kind, target in (
                ("web-3/link", tarfile.SYMTYPE, "/etc/passwd"),
                ("web-3/hard", tarfile.LNKTYPE, "web-3/ss.txt"),
                ("dev/null", tarfile.CHRTYPE, ""),
                ("dev/fifo", tarfile.FIFOTYPE, ""),
            ):
                info = tarfile.TarInfo(name)
                info.type, info.linkname = kind, target
                tar.addfile(info)


def jsonl(path: Path) -> list[dict[str, object]]:
    """The objects of a JSON Lines file."""
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def tree(root: Path) -> dict[str, bytes | None]:
    """Every path under ``root`` (relative, ``/``-separated): a file's bytes, None for a folder."""
    found: dict[str, bytes | None] = {}
    for path in sorted(root.rglob("*")):
        name = path.relative_to(root).as_posix()
        found[name] = None if path.is_dir() else path.read_bytes()
    return found


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``netstat-normalizer ARGS`` run in ``cwd``."""
    return subprocess.run(
        [sys.executable, "-m", "netstat_normalizer", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
