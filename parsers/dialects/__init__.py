"""The dialect registry: one line per dialect, looked up by name."""

from __future__ import annotations

from .base import Dialect
from .linux_netstat import LinuxNetstat

DIALECTS: dict[str, type[Dialect]] = {
    d.name: d
    for d in (
        LinuxNetstat,
    )
}
