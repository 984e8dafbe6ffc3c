"""``convert``: trees of captures in every container to one output each, resumably."""

from __future__ import annotations

import gzip
import json
import os
import pty
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import netstat_normalizer as nn
from netstat_normalizer.batch.convert import Settings, convert
from netstat_normalizer.cli import main
from netstat_normalizer.options import ParseOptions
from trees import MARKER, NETSTAT, PROBLEMS, SS, build, cli, jsonl, multi_capture, tree

BIG_FILES = 6
BIG_COPIES = 400
"""The big tree: files of this many ss captures each (about a third of a second of parsing each, so
that a signal sent when the first output appears finds the run still going)."""


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("convert")


@pytest.fixture(scope="module")
def counts(root: Path) -> dict[str, int]:
    return build(root)


@pytest.fixture(scope="module")
def first(root: Path, counts: dict[str, int]) -> subprocess.CompletedProcess[str]:
    """The reference run: one process."""
    return cli(
        "convert", "src", "--out", "out", "--jobs", "1", "--capture-marker", MARKER, cwd=root
    )


def outputs(out: Path) -> dict[str, list[dict[str, object]]]:
    """The records of each output under ``out``, by name."""
    found = {}
    for name, data in tree(out).items():
        if data is not None and name.startswith("src/"):
            found[name] = [json.loads(line) for line in data.splitlines()]
    return found


def test_outputs_mirror_the_sources_with_the_records_parse_finds(
    root: Path, counts: dict[str, int], first: subprocess.CompletedProcess[str]
) -> None:
    assert first.returncode == 1  # sources failed and were skipped
    found = outputs(root / "out")
    assert {name: len(records) for name, records in found.items()} == counts
    ss = nn.parse(SS.read_bytes(), path="src/linux/ss.txt").records
    assert found["src/linux/ss.txt.jsonl"] == [r.to_dict() for r in ss]
    member = nn.iter_parse(
        NETSTAT.read_text().splitlines(), path="src/logs/day1.tar.gz", member="web-3/netstat.txt"
    )
    assert found["src/logs/day1.tar.gz/web-3/netstat.txt.jsonl"] == [r.to_dict() for r in member]
    labels = {
        (r["capture"], r["host"], r["captured_at"], r["dialect"])
        for r in found["src/multi.log.jsonl"]
    }
    assert labels == {
        (0, "web-3", "2024-03-01T10:00:00+00:00", "linux-ss"),
        (1, "win-7", "2024-03-01T10:05:00+00:00", "windows-netstat"),
    }


def test_nothing_is_written_outside_the_output_folder(
    root: Path, first: subprocess.CompletedProcess[str]
) -> None:
    assert sorted(p.name for p in root.iterdir() if p.name.startswith(("src", "out"))) == [
        "out",
        "src",
    ]
    assert not list(root.glob("**/evil*")) and not list(root.glob("**/abs*"))
    assert not (root / "out" / ".netstat-normalizer" / "tmp").exists()
    assert sorted(p.name for p in (root / "out").iterdir()) == [
        ".netstat-normalizer",
        "diagnostics.jsonl",
        "src",
        "summary.json",
    ]


def test_diagnostics_and_summary(
    root: Path, counts: dict[str, int], first: subprocess.CompletedProcess[str]
) -> None:
    diagnostics = jsonl(root / "out" / "diagnostics.jsonl")
    assert [(d["path"], d["member"], d["line"], d["text"]) for d in diagnostics] == [
        (path, member, None, None) for path, member, _, _ in PROBLEMS
    ]
    for entry, (_, _, reason, _) in zip(diagnostics, PROBLEMS):
        assert entry["reason"].startswith(reason)
    summary = json.loads((root / "out" / "summary.json").read_text())
    records = [r for rs in outputs(root / "out").values() for r in rs]
    captures = {(r["source"]["path"], r["source"]["member"], r["capture"]) for r in records}
    assert {k: v for k, v in summary.items() if k not in ("failed", "skipped", "states")} == {
        "files": len(counts),
        "captures": len(captures),
        "records": sum(counts.values()),
        "diagnostics": 0,
        "lines": {
            "record": sum(counts.values()),
            "other": summary["lines"]["other"],
            "unparsed": 0,
        },
        "dialects": {
            "freebsd-netstat": 36 * 2,
            "linux-netstat": 57 * 3,
            "linux-ss": 57 * 5,
            "macos-netstat": 68 * 2,
            "solaris-netstat": 54,
            "windows-netstat": 24 * 3,
        },
    }
    assert summary["lines"]["other"] > 0
    assert sum(summary["states"].values()) == sum(1 for r in records if r["state"])
    assert summary["states"]["LISTEN"] == sum(1 for r in records if r["state"] == "LISTEN")
    assert [(e["path"], e["member"]) for e in summary["failed"]] == [
        (path, member) for path, member, _, failed in PROBLEMS if failed
    ]
    assert [(e["path"], e["member"], e["reason"]) for e in summary["skipped"]] == [
        (path, member, reason) for path, member, reason, failed in PROBLEMS if not failed
    ]
    assert first.stderr.splitlines()[-1] == (
        f"netstat-normalizer: {len(counts)} sources in out ({len(counts)} converted now),"
        " 0 unparsed lines, 2 failed, 8 skipped"
    )
    assert "\r" not in first.stderr  # no progress when stderr is no terminal


def test_parallel_run_writes_the_same_bytes(
    root: Path, first: subprocess.CompletedProcess[str]
) -> None:
    done = cli(
        "convert", "src", "--out", "out2", "--jobs", "2", "--capture-marker", MARKER, cwd=root
    )
    assert done.returncode == 1
    assert tree(root / "out2") == tree(root / "out")
    assert done.stderr.replace("out2", "out") == first.stderr


def test_rerun_skips_complete_outputs_and_force_rewrites_them(
    root: Path, counts: dict[str, int], first: subprocess.CompletedProcess[str]
) -> None:
    shutil.copytree(root / "out", root / "out3")
    args = ("convert", "src", "--out", "out3", "--capture-marker", MARKER)
    again = cli(*args, cwd=root)
    assert again.returncode == 1 and f"({0} converted now)" in again.stderr
    assert tree(root / "out3") == tree(root / "out")
    forced = cli(*args, "--force", cwd=root)
    assert f"({len(counts)} converted now)" in forced.stderr
    assert tree(root / "out3") == tree(root / "out")
    changed = cli(*args, "--meta", "site=paris", cwd=root)
    assert f"({len(counts)} converted now)" in changed.stderr
    assert all(r["meta"] == {"site": "paris"} for rs in outputs(root / "out3").values() for r in rs)


# -- interrupted runs ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tree of BIG_FILES files, converted once uninterrupted into ``ref`` (stderr on a
    terminal, so with progress lines, kept in ``ref.tty``)."""
    root = tmp_path_factory.mktemp("big")
    (root / "big").mkdir()
    for number in range(BIG_FILES):
        (root / "big" / f"{number}.txt").write_bytes(SS.read_bytes() * BIG_COPIES)
    leader, follower = pty.openpty()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "netstat_normalizer",
            "convert",
            "big",
            "--out",
            "ref",
            "--jobs",
            "2",
        ],
        cwd=root,
        stderr=follower,
        check=False,
    )
    os.close(follower)
    (root / "ref.tty").write_bytes(os.read(leader, 1 << 16))
    os.close(leader)
    assert done.returncode == 0
    return root


def _default_sigint() -> None:
    """In the child: Ctrl-C's default action, even where the tests run with SIGINT ignored (a
    background job of a non-interactive shell), so that Python raises KeyboardInterrupt."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def interrupt(root: Path, out: str, sig: signal.Signals) -> subprocess.CompletedProcess[str]:
    """Convert ``big`` into ``out`` and send ``sig`` as soon as the first output is there."""
    command = [sys.executable, "-m", "netstat_normalizer", "convert", "big", "--out", out]
    with subprocess.Popen(
        [*command, "--jobs", "2"],
        cwd=root,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_default_sigint,
    ) as run:
        deadline = time.monotonic() + 60
        while not list((root / out).glob("big/*.jsonl")):
            assert run.poll() is None and time.monotonic() < deadline, "no output appeared"
            time.sleep(0.005)
        run.send_signal(sig)
        _, stderr = run.communicate()
    return subprocess.CompletedProcess(command, run.returncode, "", stderr)


def test_progress_is_shown_on_a_terminal(big: Path) -> None:
    shown = (big / "ref.tty").read_text()
    assert f"/{BIG_FILES} files, " in shown and " records/s, " in shown and " files/s" in shown


def test_rerun_after_sigkill_ends_with_the_uninterrupted_tree(big: Path) -> None:
    killed = interrupt(big, "killed", signal.SIGKILL)
    assert killed.returncode == -signal.SIGKILL
    assert not (big / "killed" / "summary.json").exists()
    rerun = cli("convert", "big", "--out", "killed", "--jobs", "2", cwd=big)
    assert rerun.returncode == 0
    converted = int(rerun.stderr.split("(")[1].split()[0])
    assert 0 < converted < BIG_FILES  # the killed run had done some, not all
    assert tree(big / "killed") == tree(big / "ref")


def test_sigint_removes_temporary_files_and_exits_130(big: Path) -> None:
    stopped = interrupt(big, "stopped", signal.SIGINT)
    assert stopped.returncode == 130
    assert "interrupted: " in stopped.stderr and "run the same command again" in stopped.stderr
    assert "Traceback" not in stopped.stderr
    ref = tree(big / "ref")
    left = tree(big / "stopped")
    assert not (big / "stopped" / ".netstat-normalizer" / "tmp").exists()
    for name, data in left.items():
        if data is not None and name.startswith("big/"):
            assert data == ref[name]  # complete, or absent
    assert cli("convert", "big", "--out", "stopped", cwd=big).returncode == 0
    assert tree(big / "stopped") == ref


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT], ids=["SIGKILL", "SIGINT"])
@pytest.mark.parametrize("delay", [0.02, 0.3, 0.9, 1.6])
def test_an_interruption_at_any_moment_leaves_only_complete_outputs(
    big: Path, sig: signal.Signals, delay: float
) -> None:
    """Killed or interrupted after ``delay`` seconds (before, during or after the first outputs):
    every output left equals the uninterrupted run's, and a rerun completes the same tree."""
    out = f"at-{sig.name}-{delay}"
    command = [sys.executable, "-m", "netstat_normalizer", "convert", "big", "--out", out]
    with subprocess.Popen(command, cwd=big, stderr=subprocess.DEVNULL) as run:
        time.sleep(delay)
        run.send_signal(sig)
        run.wait()
    ref = tree(big / "ref")
    for name, data in tree(big / out).items():
        if data is not None and name.startswith("big/"):
            assert data == ref[name], name
    assert cli("convert", "big", "--out", out, cwd=big).returncode == 0
    assert tree(big / out) == ref


# -- options and failures, in-process -----------------------------------------------------------
def test_a_decompression_bomb_fails_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("in").mkdir()
    Path("in/bomb.txt.gz").write_bytes(gzip.compress(b"\0" * (4 << 20)))
    Path("in/ok.txt").write_bytes(SS.read_bytes())
    report = convert(["in"], Settings("out", limit=1 << 20))
    assert report.exit_status == 1
    reason = f"decompresses to more than {1 << 20} bytes (MAX_SOURCE_BYTES)"
    assert f"netstat-normalizer: in/bomb.txt.gz: {reason}" in capsys.readouterr().err
    assert jsonl(Path("out/diagnostics.jsonl")) == [
        {"path": "in/bomb.txt.gz", "member": None, "line": None, "text": None, "reason": reason}
    ]
    assert sorted(p.as_posix() for p in Path("out/in").iterdir()) == ["out/in/ok.txt.jsonl"]


def test_unparsed_lines_are_diagnostics_and_exit_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("x.txt").write_bytes(SS.read_bytes() + b"garbage here\n")
    Path("clean.txt").write_bytes(SS.read_bytes())
    assert main(["convert", "clean.txt", "--out", "clean", "--jobs", "1"]) == 0
    assert main(["convert", "x.txt", "--out", "out", "--jobs", "1"]) == 1
    (diagnostic,) = jsonl(Path("out/diagnostics.jsonl"))
    line = SS.read_bytes().count(b"\n") + 1
    assert diagnostic["path"] == "x.txt" and diagnostic["line"] == line
    assert diagnostic["text"] == "garbage here" and diagnostic["reason"].startswith(
        "field 1 (column 1): expected "
    )
    summary = json.loads(Path("out/summary.json").read_text())
    assert summary["lines"]["unparsed"] == summary["diagnostics"] == 1


def test_output_names_that_clash_are_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("x.txt", "summary"):
        Path(name).write_bytes(SS.read_bytes())
    Path("x.txt.gz").write_bytes(gzip.compress(SS.read_bytes()))
    report = convert(["x.txt", "x.txt.gz", "summary", "x.txt"], Settings("out", format="json"))
    assert [(p.path, p.reason) for p in report.problems] == [
        ("x.txt.gz", "output name 'x.txt.json' is taken by an earlier source"),
        ("summary", "output name 'summary.json' is reserved"),
        ("x.txt", "output name 'x.txt.json' is taken by an earlier source"),
    ]
    assert len(json.loads(Path("out/x.txt.json").read_text())) == 57


def test_the_output_folder_is_not_read_as_a_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("ss.txt").write_bytes(SS.read_bytes())
    for _ in range(2):
        assert convert(["."], Settings("out")).exit_status == 0
    assert sorted(p.relative_to("out").as_posix() for p in Path("out").glob("*")) == [
        ".netstat-normalizer",
        "diagnostics.jsonl",
        "ss.txt.jsonl",
        "summary.json",
    ]


def test_host_from_path_and_meta(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("web-9").mkdir()
    Path("web-9/ss.txt").write_bytes(SS.read_bytes())
    Path("bare.txt").write_bytes(SS.read_bytes())
    options = ParseOptions(
        host_from_path=r"(?P<host>web-\d+)",
        meta=(("site", "paris"), ("captured_at", "2024-01-01T00:00:00")),
    )
    settings = Settings("out", parse=options)
    assert convert(["web-9", "bare.txt"], settings).exit_status == 0
    found = outputs(Path("out")) | {"src/bare": jsonl(Path("out/bare.txt.jsonl"))}
    web = jsonl(Path("out/web-9/ss.txt.jsonl"))
    assert {(r["host"], r["captured_at"], str(r["meta"])) for r in web} == {
        ("web-9", "2024-01-01T00:00:00", "{'site': 'paris'}")
    }
    assert {r["host"] for r in found["src/bare"]} == {None}
    done = cli(
        "parse", "--format", "jsonl", "--host-from-path", r"(?P<host>web-\d+)", "web-9/ss.txt",
        "--meta", "host=fallback", "--meta", "dc=1", cwd=tmp_path,
    )  # fmt: skip
    assert {(r["host"], str(r["meta"])) for r in map(json.loads, done.stdout.splitlines())} == {
        ("web-9", "{'dc': '1'}")
    }


def test_parse_splits_captures_at_markers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "multi.log").write_bytes(multi_capture())
    args = ["parse", "--format", "jsonl", "--capture-marker", MARKER, str(tmp_path / "multi.log")]
    assert main(args) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["capture"], r["host"]) for r in records] == [(0, "web-3")] * 57 + [(1, "win-7")] * 24


def test_parquet_outputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parquet = pytest.importorskip("pyarrow.parquet")
    monkeypatch.chdir(tmp_path)
    Path("ss.txt").write_bytes(SS.read_bytes())
    assert convert(["ss.txt"], Settings("out", format="parquet")).exit_status == 0
    table = parquet.read_table("out/ss.txt.parquet")
    assert table.num_rows == 57 and table.column("local_port").to_pylist()[0] == 80


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--capture-marker", "("], "--capture-marker: bad regex '('"),
        (["--host-from-path", "web"], "--host-from-path needs a group named host"),
        (["--meta", "novalue"], "--meta wants KEY=VALUE, not 'novalue'"),
        (["--jobs", "0"], "--jobs wants a number of processes"),
        (["--dialect", "linux-sss"], "Did you mean 'linux-ss'?"),
        (["--encoding", "nope"], "unknown encoding 'nope'"),
    ],
)
def test_usage_errors_exit_2(
    args: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["convert", str(SS), "--out", str(tmp_path / "out"), *args]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_a_value_too_large_for_parquet_fails_its_source_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A pid past 2**63 (no system has one) has no Parquet column to go in: its source fails
    with the reason, the others are converted, nothing is half written.  A port past 65535 is
    no port: kept as printed, as a service name is."""
    pq = pytest.importorskip("pyarrow.parquet")
    monkeypatch.chdir(tmp_path)
    Path("in").mkdir()
    windows = "\nActive Connections\n\n  Proto  Local Address  Foreign Address  State  PID\n"
    row = "  TCP  0.0.0.0:99999999999  0.0.0.0:0  LISTENING  4\n"
    Path("in/port.txt").write_text(windows + row)
    lsof = (SS.parent.parent / "lsof" / "i-n-P.out").read_text().splitlines()
    command, _, rest = lsof[1].split(None, 2)
    row = f"{command} 99999999999999999999 {rest}"
    Path("in/pid.txt").write_text("\n".join([lsof[0], row, *lsof[2:]]) + "\n")
    Path("in/ok.txt").write_bytes(SS.read_bytes())
    report = convert(["in"], Settings("out", format="parquet"), jobs=1)
    assert report.exit_status == 1
    (failed,) = jsonl(Path("out/diagnostics.jsonl"))
    assert failed["path"] == "in/pid.txt" and "too large for its Parquet column" in failed["reason"]
    assert "Traceback" not in capsys.readouterr().err
    names = sorted(p.name for p in Path("out/in").iterdir())
    assert names == ["ok.txt.parquet", "port.txt.parquet"]
    (port,) = pq.read_table("out/in/port.txt.parquet").to_pylist()
    assert (port["local_port"], port["local_service"], port["pid"]) == (None, "99999999999", 4)
