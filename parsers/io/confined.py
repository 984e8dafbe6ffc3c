"""Files under one folder, reached without following symbolic links.

``Confined`` opens its root once (the root itself may be a link: the user named it) and reaches
every path below it one component at a time, relative to the folder above (``dir_fd``) and with
``O_NOFOLLOW``: a symbolic link planted anywhere below the root, by the input's names or by
another user, makes the operation fail with ``LinkError`` instead of writing, renaming or
deleting at the link's target.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Iterator

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


class LinkError(OSError):
    """A symbolic link (or a file) where a folder, or a file not to be followed, belongs."""

    def __init__(self, code: int, path: str, what: str) -> None:
        super().__init__(code, f"{path!r} {what}")
        self.path = path
        """The path, relative to the root."""
        self.what = what
        """``is a symbolic link`` or ``is not a folder``."""


class Confined:
    """A root folder; paths below it are ``/``-separated and relative to it."""

    def __init__(self, root: str) -> None:
        self.root = root
        self.fd = os.open(root, os.O_RDONLY | _DIRECTORY | _CLOEXEC)

    def close(self) -> None:
        os.close(self.fd)

    def __enter__(self) -> Confined:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def folder(self, path: str, create: bool = False) -> Iterator[int]:
        """A descriptor of the folder ``path`` (``""`` for the root), made when ``create``;
        LinkError when a component is a symbolic link or no folder."""
        fd = os.dup(self.fd)
        try:
            done: list[str] = []
            for part in _parts(path):
                done.append(part)
                inner = _step(fd, part, create, "/".join(done))
                os.close(fd)
                fd = inner
            yield fd
        finally:
            os.close(fd)

    def open(self, path: str, flags: int, mode: int = 0o666) -> int:
        """``os.open`` of ``path``, its last component not followed either."""
        where, name = _split(path)
        with self.folder(where) as fd:
            try:
                return os.open(name, flags | _NOFOLLOW | _CLOEXEC, mode, dir_fd=fd)
            except OSError as err:
                if err.errno == errno.ELOOP:
                    raise LinkError(errno.ELOOP, path, "is a symbolic link") from None
                raise

    def is_file(self, path: str) -> bool:
        """Whether ``path`` is a regular file (not a link to one)."""
        where, name = _split(path)
        try:
            with self.folder(where) as fd:
                return stat.S_ISREG(os.stat(name, dir_fd=fd, follow_symlinks=False).st_mode)
        except OSError:
            return False

    def replace(self, source: str, target: str) -> None:
        """Rename ``source`` to ``target`` (both relative to the root), making ``target``'s
        folders; a link at ``target`` is replaced, not followed."""
        where, name = _split(source)
        there, new = _split(target)
        with self.folder(where) as fd, self.folder(there, create=True) as to:
            os.replace(name, new, src_dir_fd=fd, dst_dir_fd=to)

    def remove(self, path: str) -> None:
        """Remove the file (or link) ``path``; nothing if it is absent."""
        where, name = _split(path)
        try:
            with self.folder(where) as fd:
                os.unlink(name, dir_fd=fd)
        except FileNotFoundError:
            pass

    def clear(self, path: str) -> None:
        """Remove the folder ``path`` and all it holds (links removed, never followed)."""
        where, name = _split(path)
        with self.folder(where) as fd:
            _remove_tree(fd, name)


def _parts(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p not in ("", ".")]
    if ".." in parts:
        raise ValueError(f"'..' in {path!r}")
    return parts


def _split(path: str) -> tuple[str, str]:
    parts = _parts(path)
    return "/".join(parts[:-1]), parts[-1]


def _step(fd: int, part: str, create: bool, shown: str) -> int:
    """Open folder ``part`` of folder ``fd``, without following a link (``shown`` names it)."""
    if create:
        with contextlib.suppress(FileExistsError):
            os.mkdir(part, dir_fd=fd)
    try:
        return os.open(part, os.O_RDONLY | _DIRECTORY | _NOFOLLOW | _CLOEXEC, dir_fd=fd)
    except OSError as err:
        if err.errno not in (errno.ELOOP, errno.ENOTDIR):
            raise
        if stat.S_ISLNK(os.stat(part, dir_fd=fd, follow_symlinks=False).st_mode):
            raise LinkError(errno.ELOOP, shown, "is a symbolic link") from None
        raise LinkError(errno.ENOTDIR, shown, "is not a folder") from None


def _remove_tree(parent: int, name: str) -> None:
    try:
        info = os.stat(name, dir_fd=parent, follow_symlinks=False)
    except FileNotFoundError:
        return
    if not stat.S_ISDIR(info.st_mode):
        os.unlink(name, dir_fd=parent)
        return
    fd = os.open(name, os.O_RDONLY | _DIRECTORY | _NOFOLLOW | _CLOEXEC, dir_fd=parent)
    try:
        for entry in os.listdir(fd):
            _remove_tree(fd, entry)
    finally:
        os.close(fd)
    os.rmdir(name, dir_fd=parent)
