"""Lark's built parsers are cached only in a folder of the user's own, never in the shared
temporary folder where another user could plant a pickle."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from netstat_normalizer.grammar import linegrammar
from netstat_normalizer.grammar.linegrammar import CACHE_FOLDER, LineGrammar, cache_file

SECTIONS = ("connections",)


def test_the_cache_lives_in_a_private_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    where = cache_file("windows_netstat", SECTIONS)
    assert isinstance(where, str) and Path(where).parent == tmp_path / CACHE_FOLDER
    assert (tmp_path / CACHE_FOLDER).stat().st_mode & 0o777 == 0o700
    first = LineGrammar("windows_netstat", SECTIONS)
    assert [p.name for p in (tmp_path / CACHE_FOLDER).iterdir()] == [Path(where).name]
    again = LineGrammar("windows_netstat", SECTIONS)  # read back from the cache
    line = "  TCP    0.0.0.0:135            0.0.0.0:0              LISTENING       1234"
    assert first.match(line, "connections") == again.match(line, "connections") is not None


def test_the_name_follows_the_sections_and_the_grammars(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    one = cache_file("bsd_netstat", ("inet",))
    assert one != cache_file("bsd_netstat", ("inet", "unix"))
    monkeypatch.setattr(linegrammar, "_grammars_digest", lambda: "an edited grammar")
    assert cache_file("bsd_netstat", ("inet",)) != one


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
