"""The data files shipped in the package's folders (tables, grammars, schemas).

Read straight from disk where the package is installed as files, the usual case; through
``importlib.resources`` otherwise (say, from a zip archive).  Importing that module, and the
``tempfile`` and ``zipfile`` it brings, would cost every short run about 15 ms.
"""

from __future__ import annotations

import os
from importlib import import_module


def read_bytes(package: str, name: str) -> bytes:
    """The bytes of the data file ``name`` (a relative path with ``/``) of ``package``."""
    folder = _folder(package)
    if folder is None:
        from importlib.resources import files

        return files(package).joinpath(name).read_bytes()
    with open(os.path.join(folder, *name.split("/")), "rb") as file:
        return file.read()


def read_text(package: str, name: str) -> str:
    """The text (UTF-8) of the data file ``name`` of ``package``."""
    return read_bytes(package, name).decode("utf-8")


def file_names(package: str) -> list[str]:
    """The names of the files directly in ``package``'s folder, sorted."""
    folder = _folder(package)
    if folder is None:
        from importlib.resources import files

        return sorted(item.name for item in files(package).iterdir() if item.is_file())
    with os.scandir(folder) as entries:
        return sorted(entry.name for entry in entries if entry.is_file())


def _folder(package: str) -> str | None:
    """The folder ``package`` is in on disk; None when it is not a folder (a zip archive)."""
    spec = import_module(package).__spec__
    for folder in (spec.submodule_search_locations or []) if spec else []:
        if os.path.isdir(folder):
            return str(folder)
    return None
