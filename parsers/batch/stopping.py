"""Stopping a run cleanly: SIGTERM handled as Ctrl-C is, and workers that die with their parent."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator


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


def die_with_parent(parent: int | None, on_term: Callable[[], None] | None = None) -> None:
    """In a forked worker: leave Ctrl-C to the main process, and on Linux get SIGTERM when it
    dies (even by SIGKILL); ``on_term`` runs at SIGTERM, then the worker exits at once."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def term(signum: int, frame: object) -> None:
        if on_term is not None:
            on_term()
        os._exit(128 + signal.SIGTERM)

    signal.signal(signal.SIGTERM, term)
    if parent is not None and sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        if os.getppid() != parent:  # the main process died before prctl
            term(signal.SIGTERM, None)
