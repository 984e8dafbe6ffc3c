"""The dialect registry: one line per dialect, looked up by name."""

from __future__ import annotations

from .base import Dialect
from .linux_netstat import LinuxNetstat
from .linux_ss import LinuxSs
from .solaris_netstat import SolarisNetstat
from .windows_netstat import WindowsNetstat

DIALECTS: dict[str, type[Dialect]] = {
    d.name: d
    for d in (
        LinuxNetstat,
        LinuxSs,
        SolarisNetstat,
        WindowsNetstat,
    )
}
