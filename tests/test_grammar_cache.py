"""Lark's built parsers and the fast path's plans are cached only in a folder of the user's own,
never in the shared temporary folder where another user could plant a file; a plan that is
corrupt or stale is built again."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from netstat_normalizer.grammar import linegrammar
from netstat_normalizer.grammar.linegrammar import (
    CACHE_FOLDER,
    LineGrammar,
    cache_file,
    kept_regex,
    plan_file,
)

SECTIONS = ("connections",)
LINE = "  TCP    0.0.0.0:135            0.0.0.0:0              LISTENING       1234"
ROW = ("row", ["TCP", "0.0.0.0:135", "0.0.0.0:0", "LISTENING", "1234", None])


def test_the_cache_lives_in_a_private_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    where = cache_file("windows_netstat", SECTIONS)
    assert isinstance(where, str) and Path(where).parent == tmp_path / CACHE_FOLDER
    assert (tmp_path / CACHE_FOLDER).stat().st_mode & 0o777 == 0o700
    plan = plan_file("windows_netstat", SECTIONS)
    assert isinstance(plan, str) and Path(plan).parent == tmp_path / CACHE_FOLDER
    first = LineGrammar("windows_netstat", SECTIONS)
    found = sorted(p.name for p in (tmp_path / CACHE_FOLDER).iterdir())
    regexes = Path(plan).name.replace(".json", ".regexes.json")
    assert found == sorted([Path(where).name, Path(plan).name, regexes])
    assert Path(plan).stat().st_mode & 0o777 == 0o600
    assert (tmp_path / CACHE_FOLDER / regexes).stat().st_mode & 0o777 == 0o600
    again = LineGrammar("windows_netstat", SECTIONS)  # read back from the cache
    assert first.match(LINE, "connections") == again.match(LINE, "connections") == ROW


def test_the_name_follows_the_sections_and_the_grammars(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    one = cache_file("bsd_netstat", ("inet",))
    assert one != cache_file("bsd_netstat", ("inet", "unix"))
    plan = plan_file("bsd_netstat", ("inet",))
    assert plan != plan_file("bsd_netstat", ("inet", "unix"))
    monkeypatch.setattr(linegrammar, "_grammars_digest", lambda: "an edited grammar")
    assert cache_file("bsd_netstat", ("inet",)) != one
    assert plan_file("bsd_netstat", ("inet",)) != plan


def test_the_plan_follows_the_code_and_lark(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    plan = plan_file("bsd_netstat", ("inet",))
    monkeypatch.setattr(linegrammar, "_code_digest", lambda: "an edited fast path")
    assert plan_file("bsd_netstat", ("inet",)) != plan
    monkeypatch.undo()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(linegrammar, "_lark_stamp", lambda: "another lark")
    assert plan_file("bsd_netstat", ("inet",)) != plan


def _corrupt(plan: Path, how: str) -> None:
    regexes = plan.with_name(plan.name.replace(".json", ".regexes.json"))
    if how == "truncated":
        plan.write_bytes(plan.read_bytes()[:100])
    elif how == "not a plan":
        plan.write_text('{"sections": 3}')
    elif how == "no regexes":
        regexes.unlink()
    elif how == "regexes not a list":
        regexes.write_text("{}")
    else:
        data = json.loads(regexes.read_text())
        for regex in data:
            if how == "bad regex":
                regex["regex"] = "(" + regex["regex"]
            elif how == "bad code":
                regex["code"]["code"] = regex["code"]["code"][8:]
            else:  # groups that the regex does not have
                regex["ends"] = [[kind, [*groups, 9999]] for kind, groups in regex["ends"]]
        regexes.write_text(json.dumps(data))


CORRUPTIONS = [
    "truncated",
    "not a plan",
    "no regexes",
    "regexes not a list",
    "bad regex",
    "bad code",
    "bad groups",
]


@pytest.mark.parametrize("how", CORRUPTIONS)
def test_a_corrupt_plan_is_built_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    LineGrammar("windows_netstat", SECTIONS)
    plan = Path(str(plan_file("windows_netstat", SECTIONS)))
    kept = {p.name: p.read_bytes() for p in plan.parent.glob("*.json")}
    _corrupt(plan, how)
    again = LineGrammar("windows_netstat", SECTIONS)
    assert again.match(LINE, "connections") == ROW
    assert {p.name: p.read_bytes() for p in plan.parent.glob("*.json")} == kept  # rewritten
    assert [p.name for p in plan.parent.iterdir() if p.name.endswith(".partial")] == []


def test_the_fast_path_needs_no_lark(tmp_path: Path) -> None:
    """A run whose lines all take the fast path never imports Lark (once the plans are kept);
    a line that needs the parser loads it."""
    check = (
        "import sys, netstat_normalizer as nn\n"
        "nn.parse(sys.argv[1].encode())\n"
        "print('lark' in sys.modules)\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    command = [sys.executable, "-c", check]
    cold = subprocess.run([*command, LINE], env=env, capture_output=True, text=True, check=True)
    warm = subprocess.run([*command, LINE], env=env, capture_output=True, text=True, check=True)
    bad = subprocess.run(
        [*command, LINE + "\n  TCP    x"], env=env, capture_output=True, text=True, check=True
    )
    assert (cold.stdout, warm.stdout, bad.stdout) == ("True\n", "False\n", "True\n")


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX owners")
def test_no_cache_where_others_may_write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    folder = tmp_path / CACHE_FOLDER
    folder.mkdir(mode=0o777)
    folder.chmod(0o777)
    assert cache_file("windows_netstat", SECTIONS) is False
    folder.chmod(0o700)
    assert isinstance(cache_file("windows_netstat", SECTIONS), str)


def test_no_cache_where_the_folder_is_a_link_or_cannot_be_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / CACHE_FOLDER).symlink_to(elsewhere)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home"))
    assert cache_file("windows_netstat", SECTIONS) is False
    (tmp_path / "file").write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "file"))
    assert cache_file("windows_netstat", SECTIONS) is False


def test_files_unused_for_a_month_go_when_a_plan_is_built(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    folder = tmp_path / CACHE_FOLDER
    folder.mkdir(mode=0o700)
    month = (linegrammar.KEPT_UNUSED_DAYS + 1) * 86400
    old = [
        "windows_netstat-0123456789abcdef.plan6.json",
        "windows_netstat-0123456789abcdef.plan6.regexes.json",
        "bsd_netstat-fedcba9876543210.pickle",
        "bsd_netstat-fedcba9876543210.plan5.json.123.partial",
    ]
    recent = "linux_ss-00112233aabbccdd.plan6.json"
    foreign = "notes.txt"
    for name in [*old, recent, foreign]:
        (folder / name).write_text("{}")
    for name in [*old, foreign]:
        stamp = (folder / name).stat().st_mtime - month
        os.utime(folder / name, (stamp, stamp))
    LineGrammar("windows_netstat", SECTIONS)  # no plan kept for this code: built, then pruned
    names = {p.name for p in folder.iterdir()}
    assert not names & set(old) and {recent, foreign} <= names
    plan = Path(str(plan_file("windows_netstat", SECTIONS)))
    stamp = plan.stat().st_mtime - month
    os.utime(plan, (stamp, stamp))
    LineGrammar("windows_netstat", SECTIONS)  # read back: marked as used
    assert plan.stat().st_mtime > stamp + month - 60


def test_a_row_regex_is_kept_compiled_and_compiled_anew_when_damaged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    pattern = r"(TCP|UDP) +([0-9.]+):([0-9]+)(?: +([A-Z_]+))?"
    first = kept_regex(pattern)
    (kept,) = (tmp_path / CACHE_FOLDER).iterdir()
    assert kept.name.startswith("row-") and kept.stat().st_mode & 0o777 == 0o600
    assert kept_regex(pattern).fullmatch("TCP 10.0.0.1:22 LISTEN").groups() == (
        first.fullmatch("TCP 10.0.0.1:22 LISTEN").groups()  # type: ignore[union-attr]
    )
    other = r"(TCP|UDP) +([0-9.]+):([0-9]+)"
    assert kept_regex(other).pattern == other  # another pattern, another file
    assert len(list((tmp_path / CACHE_FOLDER).iterdir())) == 2
    for damage in ("not json", json.dumps({"code": "AAAA", "flags": 32, "groups": 4})):
        kept.write_text(damage)
        again = kept_regex(pattern)
        assert again.pattern == pattern and again.fullmatch("UDP 0.0.0.0:53") is not None


def test_a_row_regex_is_compiled_each_time_without_a_cache_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    folder = tmp_path / CACHE_FOLDER
    folder.mkdir(mode=0o777)
    folder.chmod(0o777)
    assert kept_regex("a+").fullmatch("aaa") is not None
    assert list(folder.iterdir()) == []
