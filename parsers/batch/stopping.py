"""Stopping a run cleanly: SIGTERM handled as Ctrl-C is, and workers that die with their parent."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sys
import threading
from collections.abc import Iterator


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised in the main process as Ctrl-C's KeyboardInterrupt is, so that the same
    clean-up runs (temporary files and scratch folders removed, workers stopped)."""

    signal = signal.SIGTERM


def stop_signal(err: KeyboardInterrupt) -> int:
    """The signal that stopped a run: SIGTERM or SIGINT."""
    return int(getattr(err, "signal", signal.SIGINT))


@contextlib.contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """While inside, SIGTERM raises ``Terminated`` (in the main thread; elsewhere nothing)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: object) -> None:
        raise Terminated

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def die_with_parent(parent: int | None) -> None:
    """In a forked worker: leave Ctrl-C to the main process, take SIGTERM's default (the main
    process's handler is inherited), and on Linux be killed when the main process dies."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if parent is not None and sys.platform.startswith("linux"):
        _on_parent_death(signal.SIGKILL)
        if os.getppid() != parent:  # the main process died before prctl
            os._exit(1)


@contextlib.contextmanager
def janitor(folder: str) -> Iterator[None]:
    """While inside, a small process (Linux) that removes ``folder`` when the main process dies,
    even by SIGKILL: it only waits for the parent-death signal, so it always gets it."""
    if not sys.platform.startswith("linux"):
        yield
        return
    parent = os.getpid()
    child = os.fork()
    if child == 0:  # pragma: no cover (the forked process)
        try:

            def clean(signum: int, frame: object) -> None:
                shutil.rmtree(folder, ignore_errors=True)
                os._exit(0)

            signal.signal(signal.SIGTERM, clean)
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            _on_parent_death(signal.SIGTERM)
            if os.getppid() != parent:
                clean(signal.SIGTERM, None)
            while True:
                signal.pause()
        finally:
            os._exit(0)
    try:
        yield
    finally:
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)


def _on_parent_death(sig: int) -> None:
    import ctypes

    ctypes.CDLL(None).prctl(1, sig)  # PR_SET_PDEATHSIG
