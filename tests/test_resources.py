"""Data files are read straight from the package's folders, and through importlib.resources when
the package is not in a folder (a zip archive): both give the same bytes."""

from __future__ import annotations

import sys
import zipfile
from importlib.resources import files
from pathlib import Path

import pytest

from netstat_normalizer.resources import file_names, read_bytes, read_text


def test_on_disk_reads_what_importlib_resources_reads() -> None:
    for package, name in [
        ("netstat_normalizer.model", "data/tcp_states.tsv"),
        ("netstat_normalizer.grammars", "linux_ss.lark"),
    ]:
        assert read_bytes(package, name) == files(package).joinpath(name).read_bytes()
    grammars = file_names("netstat_normalizer.grammars")
    assert "linux_ss.lark" in grammars and "__init__.py" in grammars
    assert grammars == sorted(grammars)


def test_a_package_in_a_zip_archive_is_read_through_importlib_resources(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = tmp_path / "zipped.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("zipped_pkg/__init__.py", "")
        zipped.writestr("zipped_pkg/data/table.tsv", "word\tLISTEN\n")
        zipped.writestr("zipped_pkg/notes.txt", "é")
    monkeypatch.syspath_prepend(str(archive))
    try:
        assert read_text("zipped_pkg", "data/table.tsv") == "word\tLISTEN\n"
        assert read_bytes("zipped_pkg", "notes.txt") == "é".encode()
        assert file_names("zipped_pkg") == ["__init__.py", "notes.txt"]
    finally:
        sys.modules.pop("zipped_pkg", None)


def test_a_missing_file_is_an_os_error() -> None:
    with pytest.raises(FileNotFoundError):
        read_text("netstat_normalizer.model", "data/no_such_table.tsv")
