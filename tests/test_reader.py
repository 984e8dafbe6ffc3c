"""Reading lines: encodings sniffed, line ends, bounded memory for overlong lines."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES
from netstat_normalizer.io.reader import CHUNK, MAX_LINE, OverlongLine, open_lines


def read(data: bytes, **options: object) -> tuple[str, list[str]]:
    encoding, lines = open_lines(io.BytesIO(data), **options)  # type: ignore[arg-type]
    return encoding, list(lines)


@pytest.mark.parametrize(
    ("data", "lines"),
    [
        (b"a\r\nb\rc\n\nd", ["a", "b", "c", "", "d"]),
        (b"a\n", ["a"]),
        (b"", []),
        (b"\r\n\r\n", ["", ""]),
    ],
)
def test_line_ends_as_universal_newlines(data: bytes, lines: list[str]) -> None:
    assert read(data) == ("utf-8", lines)


def test_crlf_split_across_chunks_is_one_line_end() -> None:
    data = b"x" * (CHUNK - 1) + b"\r\n" + b"y\r\n"
    assert read(data)[1] == ["x" * (CHUNK - 1), "y"]


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom_is_split_on_decoded_text(codec: str) -> None:
    text = "Aktive Verbindungen\r\n  TCP    0.0.0.0:135   ABHÖREN\r\n" * 3000  # > one chunk
    bom = b"\xff\xfe" if codec == "utf-16-le" else b"\xfe\xff"
    encoding, lines = read(bom + text.encode(codec))
    assert encoding == "utf-16"
    assert lines == text.splitlines()


def test_utf16_fixture_reads_as_the_text_it_holds() -> None:
    path = FIXTURES / "windows-netstat" / "ano-utf16.out"
    assert read(path.read_bytes())[1] == path.read_text("utf-16").splitlines()


def test_undecodable_bytes_stay_as_surrogates() -> None:
    assert read(b"caf\xe9 \xff\n", encoding="utf-8")[1] == ["caf\udce9 \udcff"]


def test_sniffing_does_not_cut_a_character_at_the_head_end() -> None:
    data = (b"x" * 99 + "é".encode() + b"\n") * 1000  # a character straddles 64 KiB
    encoding, lines = read(data)
    assert encoding == "utf-8" and lines[-1] == "x" * 99 + "é"


@pytest.mark.parametrize(("size", "overlong"), [(10, False), (11, True)])
def test_lines_at_the_limit(size: int, overlong: bool) -> None:
    lines = read(b"a\n" + b"y" * size + b"\nb", max_line=10)[1]
    assert lines[0] == "a" and lines[2] == "b"
    assert isinstance(lines[1], OverlongLine) is overlong
    assert lines[1] == "y" * size if not overlong else lines[1].length == size


def test_the_limit_counts_bytes_not_characters() -> None:
    lines = read(("é" * 6 + "\n").encode() + "é".encode("utf-16-le"), max_line=11)[1]
    assert isinstance(lines[0], OverlongLine) and lines[0].length == 12
    utf16 = read(b"\xff\xfe" + "abcdef\n".encode("utf-16-le"), max_line=11)[1]
    assert isinstance(utf16[0], OverlongLine) and utf16[0].length == 12


def test_an_overlong_line_keeps_its_head_only() -> None:
    lines = read(b"ab" * 3 * CHUNK + b"\nnext\n", max_line=1000)[1]
    assert lines[0] == "ab" * 100 and lines[0].length == 6 * CHUNK
    assert lines[1:] == ["next"]


def test_unknown_encoding_raises_lookup_error() -> None:
    with pytest.raises(LookupError):
        read(b"x\n", encoding="no-such-codec")


def parse_with_rss(path: Path) -> tuple[subprocess.CompletedProcess[str], int]:
    """``parse --format jsonl PATH`` in a new process; the process's peak RSS in KiB (from
    /proc: getrusage's would count the parent's before exec)."""
    probe = (
        "import re, sys; from netstat_normalizer.cli import main; code = main(sys.argv[1:]);"
        " status = open('/proc/self/status').read();"
        " print(re.search(r'VmHWM:\\s*(\\d+) kB', status)[1], file=sys.stderr); sys.exit(code)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, "parse", "--format", "jsonl", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    *diagnostics, rss = done.stderr.splitlines()
    done.stderr = "\n".join(diagnostics)
    return done, int(rss)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux's /proc")
def test_a_50_mb_line_streams_in_small_memory(tmp_path: Path) -> None:
    size = 50 << 20
    ss = (FIXTURES / "linux-ss" / "tan.out").read_bytes()
    short, long = tmp_path / "short.txt", tmp_path / "long.txt"
    short.write_bytes(ss + b"x\n" + ss.split(b"\n", 1)[1])
    with open(long, "wb") as file:
        file.write(ss)
        file.write(b"x" * size + b"\n")
        file.write(ss.split(b"\n", 1)[1])
    done, rss = parse_with_rss(long)
    assert done.returncode == 1
    line = ss.count(b"\n") + 1
    assert (
        done.stderr == f"{long}:{line}: line of {size} bytes, longer than {MAX_LINE}: {'x' * 200}"
    )
    assert len(done.stdout.splitlines()) == 2 * 57
    baseline = parse_with_rss(short)[1]  # the parser's own memory: grammars, dialects
    assert rss < baseline + 32 * 1024 and rss < 150 * 1024, (rss, baseline)
