"""The cases of an attack run against SECURITY.md (issue 16), each the whole class of its attack:
writes outside ``--out``, silent losses, hangs, unbounded memory, crashes."""

from __future__ import annotations

import contextlib
import errno
import io
import json
import os
import re
import signal
import subprocess
import sys
import tarfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import netstat_normalizer as nn
from conftest import FIXTURES
from netstat_normalizer.batch import convert as convert_module
from netstat_normalizer.batch import inputs, parallel
from netstat_normalizer.batch.convert import ConvertError, Settings, convert
from netstat_normalizer.cli import main
from netstat_normalizer.dialects.base import MAX_CONTINUATIONS
from netstat_normalizer.engine import captures
from netstat_normalizer.io.archive import Archive, Problem, read_errors, reason_of, walk
from netstat_normalizer.io.reader import split_lines
from netstat_normalizer.options import ParseOptions
from trees import SS, bad_crc, jsonl, tree, write_tar

LINUX = sys.platform.startswith("linux")
SS_HEADER = "State  Recv-Q Send-Q Local Address:Port  Peer Address:Port Process\n"
SS_ROW = 'ESTAB  0      0      127.0.0.1:22        127.0.0.1:50000 users:(("sshd",pid=7,fd=3))'


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Fail (rather than hang) when the block takes longer than ``seconds``."""

    def late(signum: int, frame: object) -> None:
        raise TimeoutError(f"took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, late)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def run(*argv: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


# -- writes and deletions outside --out ---------------------------------------------------------
def test_a_failing_source_under_a_symlinked_output_folder_deletes_nothing_outside(
    here: Path,
) -> None:
    Path("src").mkdir()
    Path("src/ok.txt").write_bytes(SS.read_bytes())
    Path("src/x.txt.gz").write_bytes(bad_crc(__import__("gzip").compress(SS.read_bytes())))
    Path("elsewhere").mkdir()
    victim = Path("elsewhere/x.txt.jsonl")
    victim.write_text("precious")
    Path("out").mkdir()
    Path("out/src").symlink_to(here / "elsewhere")
    report = convert(["src"], Settings("out"))
    assert victim.read_text() == "precious"
    assert sorted(p.name for p in Path("elsewhere").iterdir()) == ["x.txt.jsonl"]
    reasons = {(p.path, p.reason) for p in report.problems}
    assert ("src/ok.txt", "cannot write src/ok.txt.jsonl: 'src' is a symbolic link") in reasons
    assert report.exit_status == 1 and Path("out/summary.json").exists()


@pytest.mark.parametrize(
    "link",
    [
        ".netstat-normalizer",
        ".netstat-normalizer/tmp",
        ".netstat-normalizer/state",
        ".netstat-normalizer/lock",
    ],
)
def test_a_link_where_the_tools_own_files_belong_is_refused(
    here: Path, link: str, capsys: pytest.CaptureFixture[str]
) -> None:
    Path("ss.txt").write_bytes(SS.read_bytes())
    Path("elsewhere/tmp").mkdir(parents=True)
    Path("elsewhere/tmp/keep").write_text("precious")
    Path("out/.netstat-normalizer").mkdir(parents=True)
    if link == ".netstat-normalizer":
        os.rmdir("out/.netstat-normalizer")
    Path("out", link).symlink_to(here / "elsewhere" / ("" if link.endswith("r") else "tmp"))
    before = tree(here / "elsewhere")
    code, _, err = run("convert", "ss.txt", "--out", "out", capsys=capsys)
    assert code == 2 and "Traceback" not in err
    assert f"out/{link} is a symbolic link" in err
    assert tree(here / "elsewhere") == before


def test_a_symlinked_folder_in_the_state_is_not_followed(here: Path) -> None:
    Path("sub").mkdir()
    Path("sub/ss.txt").write_bytes(SS.read_bytes())
    assert convert(["sub"], Settings("out")).exit_status == 0
    Path("elsewhere").mkdir()
    state = Path("out/.netstat-normalizer/state/sub")
    for entry in state.iterdir():
        entry.rename(Path("elsewhere") / entry.name)
    state.rmdir()
    state.symlink_to(here / "elsewhere")
    before = tree(here / "elsewhere")
    report = convert(["sub"], Settings("out", force=True))
    assert tree(here / "elsewhere") == before
    assert [p.reason for p in report.problems] == [
        "cannot write sub/ss.txt.jsonl: '.netstat-normalizer/state/sub' is a symbolic link"
    ]


# -- data lost or wrong -------------------------------------------------------------------------
def test_resume_never_pairs_an_old_output_with_a_new_state(
    here: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Killed between the state's rename and the output's, in a run with changed options: the
    rerun converts the source again."""
    Path("ss.txt").write_bytes(SS.read_bytes())
    assert convert(["ss.txt"], Settings("out")).exit_status == 0
    real = os.replace

    def killed(src: str, dst: str, **fds: int) -> None:
        if dst == "ss.txt.jsonl":
            raise KeyboardInterrupt
        real(src, dst, **fds)

    monkeypatch.setattr(convert_module.os, "replace", killed)
    changed = Settings("out", parse=ParseOptions(meta=(("site", "paris"),)))
    assert convert(["ss.txt"], changed).interrupted
    monkeypatch.setattr(convert_module.os, "replace", real)
    report = convert(["ss.txt"], changed)
    assert report.outcomes[0].parsed  # type: ignore[union-attr]
    assert {r["meta"]["site"] for r in jsonl(Path("out/ss.txt.jsonl"))} == {"paris"}


UNICODE_SPACES = ["\x85", "\u2028", "\u2029", "\xa0", "\u2003", "\u3000", "\u1680", "\u202f"]


@pytest.mark.parametrize("space", UNICODE_SPACES, ids=lambda c: f"U+{ord(c):04X}")
def test_unicode_whitespace_never_separates_fields(
    space: str, here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = SS_HEADER + SS_ROW.split(" users")[0] + space + SS_ROW + "\n" + SS_ROW + "\n"
    result = nn.parse(text, dialect="linux-ss")
    assert [r.source["line"] for r in result.records] == [3]
    (diagnostic,) = result.diagnostics
    assert diagnostic.line == 2 and f"U+{ord(space):04X}" in diagnostic.reason
    Path("x.txt").write_text(text, encoding="utf-8")
    code, out, _ = run("parse", "--strict", "--format", "jsonl", "x.txt", capsys=capsys)
    assert code == 1 and out == ""


@pytest.mark.parametrize("end", ["\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028"])
def test_lines_end_only_at_cr_lf_and_crlf(end: str) -> None:
    """SECURITY.md: a line ends at ``\\n``, ``\\r\\n`` or ``\\r``; other characters
    ``str.splitlines`` splits at stay in the line, which becomes one diagnostic."""
    text = SS_HEADER + SS_ROW + end + SS_ROW + "\r\r\n" + SS_ROW + "\r"
    assert len(split_lines(text)) == 4
    result = nn.parse(text, dialect="linux-ss")
    assert result.lines == {"record": 1, "other": 2, "unparsed": 1}
    assert [d.line for d in result.diagnostics] == [2]
    assert [r.source["line"] for r in result.records] == [4]
    lines = list(nn.io.reader.open_lines(io.BytesIO(text.encode()))[1])  # type: ignore[attr-defined]
    assert lines == split_lines(text)


def tar_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def read_members(path: Path) -> list[tuple[str, str]]:
    (archive,) = walk([str(path)])
    assert isinstance(archive, Archive)
    found = []
    with deadline(20):
        for entry in archive.members():
            if isinstance(entry, Problem):
                found.append((str(entry.member), entry.reason))
            else:
                try:
                    found.append((entry[0].member or "", entry[1].read().decode()))
                except read_errors() as err:
                    found.append((entry[0].member or "", reason_of(err)))
    return found


def test_corrupt_tars_fail_and_say_so(tmp_path: Path) -> None:
    data = tar_bytes({"a": b"x" * 600, "b": b"y" * 10, "c": b"z"})
    second = 512 + 1024  # a's header and its two blocks of data
    cases = {
        "cut-in-header": data[: second + 100],
        "garbage-header": data[:second] + os.urandom(512) + data[second + 512 :],
        "short-size": data[:124] + b"%011o\0" % 100 + data[136:],
    }
    for name, corrupt in cases.items():
        if name == "short-size":  # the checksum of the header with its new size
            header = bytearray(corrupt[:512])
            header[148:156] = b" " * 8
            header[148:156] = b"%06o\0 " % sum(header)
            corrupt = bytes(header) + corrupt[512:]
        path = tmp_path / f"{name}.tar"
        path.write_bytes(corrupt)
        found = read_members(path)
        assert found[0][0] == "a", name
        assert found[-1][0] == "None" and found[-1][1].startswith("cannot read: "), (name, found)


# -- hangs --------------------------------------------------------------------------------------
@pytest.mark.parametrize("size", [1 << 70, 10**12, 15 << 30, 3 << 20])
@pytest.mark.parametrize("form", [tarfile.GNU_FORMAT, tarfile.PAX_FORMAT])
def test_a_tar_declaring_a_huge_member_fails_at_once(tmp_path: Path, size: int, form: int) -> None:
    info = tarfile.TarInfo("huge")
    info.size = size
    path = tmp_path / "huge.tar"
    path.write_bytes(info.tobuf(form) + b"x" * 1000)
    with deadline(10):
        found = read_members(path)
        reason = found[-1][1]
        assert found[-1][0] == "None" and ("cannot read" in reason or "declares" in reason), found
        report = convert([str(path)], Settings(str(tmp_path / "out"), limit=1 << 20))
    assert report.exit_status == 1


def test_a_file_shrinking_while_chunks_are_planned_is_no_hang(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_bytes(b"a\n" * 1000)
    with deadline(10):
        assert parallel._line_numbers(str(path), [500, 5000]) is None
        with open(path, "rb") as raw:
            assert parallel._cuts(raw, 100_000, 4000, "linux-ss", "row", "utf-8") == []


def test_cr_cr_lf_lines_are_numbered_alike_in_chunks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = SS.read_text().splitlines()
    text = "\r\r\n".join(lines[:2] + lines[2:] * 40) + "\r\r\n"
    path = tmp_path / "big.txt"
    path.write_text(text, newline="")
    monkeypatch.setattr(inputs, "CHUNK_BYTES", 4096)
    assert len(parallel._plan(str(path), ParseOptions(), jobs=2)) > 2
    one = run("parse", "--jobs", "1", "--format", "jsonl", str(path), capsys=capsys)
    two = run("parse", "--jobs", "2", "--format", "jsonl", str(path), capsys=capsys)
    assert two == one
    assert json.loads(one[1].splitlines()[-1])["source"]["line"] == len(split_lines(text)) - 1


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(p) for p in (task / "children").read_text().split()]
    return found


def ours(folder: Path) -> list[Path]:
    """The scratch folders of parse in ``folder`` (lark may keep its grammar cache there)."""
    return list(folder.glob("netstat-normalizer-*"))


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


@pytest.mark.skipif(not LINUX, reason="parent-death signal and /proc: Linux")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_stopping_parse_jobs_stops_its_workers_and_removes_its_scratch(
    tmp_path: Path, sig: signal.Signals
) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    command = [sys.executable, "-m", "netstat_normalizer", "parse", "--jobs", "2"]
    with subprocess.Popen(
        [*command, "/dev/zero", str(SS)],
        env={**os.environ, "TMPDIR": str(scratch)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    ) as parse:
        end = time.monotonic() + 30
        while len(workers := children(parse.pid)) < 2 or not ours(scratch):
            assert time.monotonic() < end, "no workers"
            time.sleep(0.05)
        time.sleep(0.3)  # busy reading /dev/zero
        parse.send_signal(sig)
        _, err = parse.communicate(timeout=30)
    end = time.monotonic() + 10
    while any(alive(w) for w in workers) or ours(scratch):
        assert time.monotonic() < end, (ours(scratch), [w for w in workers if alive(w)])
        time.sleep(0.05)
    assert b"Traceback" not in err


# -- memory -------------------------------------------------------------------------------------
class Counted(str):
    """A line that counts how many of its kind are alive at once."""

    alive = peak = 0

    def __new__(cls, text: str) -> Counted:
        Counted.alive += 1
        Counted.peak = max(Counted.peak, Counted.alive)
        return super().__new__(cls, text)

    def __del__(self) -> None:
        Counted.alive -= 1


def test_blank_lines_before_detection_are_not_held() -> None:
    def lines() -> Iterator[str]:
        for number in range(300_000):
            yield Counted("\n" if number % 2 else "   \t \n")
        yield from SS.read_text().splitlines()

    Counted.alive = Counted.peak = 0
    assert sum(1 for _ in nn.iter_records(lines())) == 57
    assert Counted.peak < 10, Counted.peak


def test_the_detection_head_is_bounded_whatever_it_holds() -> None:
    def lines() -> Iterator[str]:
        yield SS_HEADER
        for _ in range(1_000):
            yield Counted("x " * 450_000 + "\n")  # long lines, detection reads non-blank ones
        for _ in range(10_000):
            yield Counted("\n")

    Counted.alive = Counted.peak = 0
    blank, head = captures._head([], lines(), None)
    assert blank == 0 and len(head) == 3 and Counted.peak == 2  # 64 lines: 57 MiB
    Counted.alive = Counted.peak = 0
    blank, head = captures._head([], iter([SS_HEADER] + [Counted("\n")] * 10_000), None)
    assert blank == 0 and len(head) == captures.DETECT_MAX_LINES


def test_continuation_lines_are_bounded_and_the_rest_reported() -> None:
    detail = "\t cubic wscale:7,7 rto:204 rtt:0.1/0.05 mss:65483 cwnd:10 lastsnd:1"
    extra = 10
    text = SS_HEADER + SS_ROW + "\n" + (detail + "\n") * (MAX_CONTINUATIONS + extra) + SS_ROW
    result = nn.parse(text, dialect="linux-ss")
    assert len(result.records) == 2
    assert result.lines == {"record": 2 + MAX_CONTINUATIONS, "other": 1, "unparsed": extra}
    assert {d.reason for d in result.diagnostics} == {
        f"more than {MAX_CONTINUATIONS} continuation lines for one record"
    }
    assert result.diagnostics[0].line == 2 + MAX_CONTINUATIONS + 1


# -- crashes ------------------------------------------------------------------------------------
def test_names_too_long_for_an_output_fail_alone(here: Path) -> None:
    Path("src").mkdir()
    long = "n" * 250 + ".txt"
    Path("src", long).write_bytes(SS.read_bytes())
    Path("src/ok.txt").write_bytes(SS.read_bytes())
    write_tar(Path("src/a.tar"), {"d/" + "m" * 4100: SS.read_bytes(), "ok": SS.read_bytes()})
    report = convert(["src"], Settings("out"))
    assert [(p.path, p.member, p.reason) for p in report.problems] == [
        ("src/a.tar", "d/" + "m" * 4100, f"cannot write src/a.tar/d/{'m' * 4100}.jsonl: "
         "File name too long"),
        (f"src/{long}", None, f"cannot write src/{long}.jsonl: File name too long"),
    ]  # fmt: skip
    assert len(jsonl(Path("out/src/ok.txt.jsonl"))) == 57
    assert len(jsonl(Path("out/src/a.tar/ok.jsonl"))) == 57
    assert json.loads(Path("out/summary.json").read_text())["files"] == 2


def test_a_member_whose_output_is_a_folder_of_another_is_skipped(here: Path) -> None:
    for number, order in enumerate((["x.jsonl/y", "x"], ["x", "x.jsonl/y"])):
        write_tar(Path("a.tar"), dict.fromkeys(order, SS.read_bytes()))
        report = convert(["a.tar"], Settings(f"out{number}"))
        (problem,) = report.problems
        assert problem.member == order[1] and "is taken by an earlier source" in problem.reason
        assert not problem.failed and len(report.outcomes) == 2


def test_parquet_takes_names_that_are_not_utf8(here: Path) -> None:
    parquet = pytest.importorskip("pyarrow.parquet")
    name = os.fsdecode(b"caf\xe9.txt")
    Path(name).write_bytes(SS.read_bytes())
    write_tar(Path("a.tar"), {name: SS.read_bytes()})
    report = convert([name, "a.tar"], Settings("out", format="parquet"))
    assert report.exit_status == 0, report.problems
    with open(os.path.join("out", name + ".parquet"), "rb") as file:  # pyarrow wants UTF-8 names
        table = parquet.read_table(file)
    assert table.column("source").to_pylist()[0]["path"] == "caf\\udce9.txt"


def digit_runs(line: str) -> list[re.Match[str]]:
    return list(re.finditer(r"\d+", line))


@pytest.mark.parametrize("dialect", nn.dialects())
def test_numbers_of_more_than_4300_digits_are_unparsed_lines(dialect: str) -> None:
    case = sorted((FIXTURES / dialect).glob("*.out"))[0]
    text = nn.parse(case.read_bytes()).records and case.read_bytes().decode("utf-8", "replace")
    result = nn.parse(text, dialect=dialect)
    lines = split_lines(text)
    tried = 0
    for record in result.records[:3]:
        number = record.source["line"]
        for run_ in digit_runs(lines[number - 1]):
            line = lines[number - 1]
            long = line[: run_.start()] + "7" * 5000 + line[run_.end() :]
            changed = "\n".join([*lines[: number - 1], long, *lines[number:]])
            found = nn.parse(changed, dialect=dialect)
            assert number in [d.line for d in found.diagnostics]
            assert "digits" in next(d.reason for d in found.diagnostics if d.line == number)
            tried += 1
    assert tried > 0


def test_unusable_output_folders_are_usage_errors(
    here: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    Path("ss.txt").write_bytes(SS.read_bytes())
    Path("file").write_text("x")
    Path("tmpfile/.netstat-normalizer").mkdir(parents=True)
    Path("tmpfile/.netstat-normalizer/tmp").write_text("x")
    for out in ("file", "file/out", "tmpfile"):
        code, _, err = run("convert", "ss.txt", "--out", out, capsys=capsys)
        assert code == 2 and "Traceback" not in err and err.startswith("netstat-normalizer: ")
    real = os.mkdir

    def read_only(path: object, *args: object, **kwargs: object) -> None:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), path)

    monkeypatch.setattr(os, "mkdir", read_only)
    code, _, err = run("convert", "ss.txt", "--out", "ro", capsys=capsys)
    monkeypatch.setattr(os, "mkdir", real)
    assert code == 2 and "Read-only file system" in err


def test_a_full_disk_is_said_and_the_run_finishes(
    here: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    Path("a.txt").write_bytes(SS.read_bytes())
    Path("b.txt").write_bytes(SS.read_bytes())
    writer = convert_module.RecordWriter
    real = writer.flush

    def full(self: object) -> None:
        if getattr(self, "pending", None) and "a.txt" in str(self.pending[0]):  # type: ignore[attr-defined]
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(self)  # type: ignore[arg-type]

    monkeypatch.setattr(writer, "flush", full)
    code, _, err = run("convert", "a.txt", "b.txt", "--out", "out", "--jobs", "1", capsys=capsys)
    assert code == 1 and "Traceback" not in err
    assert "a.txt: cannot write a.txt.jsonl: No space left on device" in err
    summary = json.loads(Path("out/summary.json").read_text())
    assert summary["files"] == 1 and summary["failed"][0]["path"] == "a.txt"
    assert not list(Path("out/.netstat-normalizer").glob("tmp/*"))


@pytest.mark.skipif(not LINUX or os.geteuid() != 0, reason="mounts a small tmpfs: root on Linux")
def test_a_really_full_disk(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Path("out").mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", "out"]).returncode:
        pytest.skip("cannot mount a tmpfs")
    try:
        Path("big.txt").write_bytes(SS.read_bytes() * 20)
        Path("small.txt").write_bytes(b"\n".join(SS.read_bytes().splitlines()[:2]) + b"\n")
        code, _, err = run("convert", "big.txt", "small.txt", "--out", "out", capsys=capsys)
        assert code == 1 and "Traceback" not in err
        assert "big.txt: cannot write big.txt.jsonl: No space left on device" in err
        assert json.loads(Path("out/summary.json").read_text())["files"] == 1
    finally:
        subprocess.run(["umount", "out"], check=True)


def test_parse_of_a_folder_in_parallel_is_no_crash(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``parse DIR FILE --jobs 2`` once raised IsADirectoryError; a folder's files are read now,
    as with one process."""
    Path("d").mkdir()
    Path("d/ss.txt").write_bytes(SS.read_bytes())
    one = run("parse", "--jobs", "1", "--format", "jsonl", "d", str(SS), capsys=capsys)
    two = run("parse", "--jobs", "2", "--format", "jsonl", "d", str(SS), capsys=capsys)
    assert two == one and one[0] == 0 and len(one[1].splitlines()) == 2 * 57


@pytest.mark.parametrize("encoding", ["idna", "punycode", "rot13", "hex", "base64"])
def test_only_text_encodings_are_accepted(
    encoding: str, here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(LookupError):
        nn.parse(SS.read_bytes(), encoding=encoding)
    for jobs in ("1", "2"):
        code, out, err = run("parse", "--jobs", jobs, "--encoding", encoding, str(SS), str(SS),
                             capsys=capsys)  # fmt: skip
        assert code == 2 and out in ("", "[]\n") and "Traceback" not in err, err
        assert f"{encoding!r} is not a text encoding" in err
    code, _, err = run("convert", str(SS), "--out", "out", "--encoding", encoding, capsys=capsys)
    assert code == 2 and "Traceback" not in err and not Path("out").exists()


# -- smaller ------------------------------------------------------------------------------------
@pytest.mark.parametrize("char", ["\ud800", "\udbff", "\udfff"])
def test_a_lone_surrogate_is_an_unparsed_line(char: str) -> None:
    result = nn.parse(SS_HEADER + SS_ROW.replace("sshd", "ss" + char) + "\n")
    assert result.records == [] and result.lines["unparsed"] == 1
    assert f"U+{ord(char):04X}" in result.diagnostics[0].reason


def test_a_member_with_a_colon_is_no_absolute_path(here: Path) -> None:
    write_tar(Path("a.tar"), {"x:y": SS.read_bytes(), "C:/abs": SS.read_bytes()})
    report = convert(["a.tar"], Settings("out"))
    assert [(p.member, p.reason) for p in report.problems] == [("C:/abs", "absolute path")]
    assert len(jsonl(Path("out/a.tar/x:y.jsonl"))) == 57


@pytest.mark.skipif(not LINUX, reason="signals")
def test_sigterm_cleans_up_like_sigint(tmp_path: Path) -> None:
    (tmp_path / "big").mkdir()
    for number in range(4):
        (tmp_path / "big" / f"{number}.txt").write_bytes(SS.read_bytes() * 25)
    command = [sys.executable, "-m", "netstat_normalizer", "convert", "big", "--out", "out"]
    with subprocess.Popen(
        [*command, "--jobs", "2"], cwd=tmp_path, stderr=subprocess.PIPE, text=True
    ) as job:
        end = time.monotonic() + 30
        while not list((tmp_path / "out").glob(".netstat-normalizer/tmp/*")):
            assert job.poll() is None and time.monotonic() < end
            time.sleep(0.005)
        job.send_signal(signal.SIGTERM)
        _, err = job.communicate(timeout=30)
    assert job.returncode == 128 + signal.SIGTERM and "Traceback" not in err
    assert "interrupted: " in err
    assert not (tmp_path / "out" / ".netstat-normalizer" / "tmp").exists()


def test_convert_refuses_to_start_on_a_file(here: Path) -> None:
    Path("out").write_text("x")
    with pytest.raises(ConvertError):
        convert([str(SS)], Settings("out"))


# -- the classes of attack, swept ---------------------------------------------------------------
def test_a_link_anywhere_under_out_is_never_followed(here: Path) -> None:
    """Every file and folder of a finished tree, in turn replaced by a link to a copy outside,
    with the sources converting or failing: nothing outside changes."""
    Path("src/d").mkdir(parents=True)
    Path("src/d/ok.txt").write_bytes(SS.read_bytes())
    write_tar(Path("src/a.tar"), {"m/x.txt": SS.read_bytes()})
    assert convert(["src"], Settings("ref")).exit_status == 0
    names = sorted(p.relative_to("ref").as_posix() for p in Path("ref").rglob("*"))
    assert len(names) > 15
    for name in names:
        for failing in (False, True):
            for folder in ("out", "outside"):
                __import__("shutil").rmtree(folder, ignore_errors=True)
            __import__("shutil").copytree("ref", "out")
            Path("outside").mkdir()
            target, mirror = Path("out", name), here / "outside" / "mirror"
            if target.is_dir():
                target.rename(mirror)
            else:
                mirror.write_bytes(target.read_bytes())
                target.unlink()
            target.symlink_to(mirror)
            Path("src/d/ok.txt").write_bytes(b"" if failing else SS.read_bytes())
            before = tree(here / "outside")
            with contextlib.suppress(ConvertError):
                convert(["src"], Settings("out", force=True))
            assert tree(here / "outside") == before, (name, failing)


def test_corrupt_tars_never_hang_nor_lose_members_silently(tmp_path: Path) -> None:
    """Tars cut, with bytes flipped or overwritten anywhere: each is read at once, and when a
    member is missing a problem says why."""
    rng = __import__("random").Random(7)
    whole = tar_bytes({"a": b"x" * 700, "b": b"y" * 1500, "c": b"z" * 10})
    path = tmp_path / "f.tar"
    for case in range(300):
        data = bytearray(whole)
        if case % 3 == 0:
            data = data[: rng.randrange(len(data))]
        elif case % 3 == 1:
            for _ in range(rng.randint(1, 8)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        else:
            at = rng.randrange(len(data))
            data[at : at + rng.randint(1, 600)] = rng.randbytes(rng.randint(0, 600))
        path.write_bytes(data)
        (archive,) = walk([str(path)])
        read, problems = [], []
        with deadline(5):
            for entry in archive.members():  # type: ignore[union-attr]
                if isinstance(entry, Problem):
                    problems.append(entry.reason)
                    continue
                try:
                    entry[1].read()
                    read.append(entry[0].member)
                except read_errors() as err:
                    problems.append(reason_of(err))
        if len(read) < 3:
            assert problems, (case, read)


ALL_SPACES = [c for c in map(chr, range(0x110000)) if c.isspace() and c not in " \t\n\r"]


def _first_spaced_row(dialect: str) -> tuple[list[str], int, str]:
    """The lines of the dialect's first fixture holding a row whose fields are split by spaces
    (a CSV row has none), the row's number and text."""
    for case in sorted((FIXTURES / dialect).glob("*.out")):
        found = nn.parse(case.read_bytes())
        lines = split_lines(case.read_bytes().decode(found.encoding or "utf-8"))
        for record in found.records:
            number = record.source["line"]
            line = lines[number - 1]
            if " " in line.strip():
                return lines, number, line
    raise AssertionError(f"no fixture of {dialect} has a row with spaces")


@pytest.mark.parametrize("dialect", nn.dialects())
def test_no_unicode_whitespace_separates_fields_in_any_dialect(dialect: str) -> None:
    """Each of the 25 characters ``str.isspace`` knows beyond space, tab and line ends, put for
    a space of a row: the row is an unparsed line, never a record."""
    lines, number, line = _first_spaced_row(dialect)
    at = line.index(" ", len(line) - len(line.lstrip()))
    assert len(ALL_SPACES) == 25
    for space in ALL_SPACES:
        changed = [*lines[: number - 1], line[:at] + space + line[at + 1 :], *lines[number:]]
        result = nn.parse("\n".join(changed), dialect=dialect)
        assert number not in [r.source["line"] for r in result.records], repr(space)
        assert number in [d.line for d in result.diagnostics], repr(space)
