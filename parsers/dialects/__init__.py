"""The dialect registry: one line per dialect, looked up by name."""

from __future__ import annotations

from .aix_netstat import AixNetstat
from .base import Dialect
from .freebsd_netstat import FreebsdNetstat
from .freebsd_sockstat import FreebsdSockstat
from .linux_netstat import LinuxNetstat
from .linux_proc_net import LinuxProcNet
from .linux_ss import LinuxSs
from .lsof import Lsof
from .macos_netstat import MacosNetstat
from .openbsd_netstat import NetbsdNetstat, OpenbsdNetstat
from .powershell_nettcp import PowershellNettcp
from .solaris_netstat import SolarisNetstat
from .windows_netstat import WindowsNetstat

__all__ = ["DIALECTS", "Dialect"]

DIALECTS: dict[str, type[Dialect]] = {
    d.name: d
    for d in (
        FreebsdNetstat,
        FreebsdSockstat,
        MacosNetstat,
        LinuxNetstat,
        LinuxProcNet,
        LinuxSs,
        Lsof,
        PowershellNettcp,
        SolarisNetstat,
        WindowsNetstat,
        OpenbsdNetstat,
        NetbsdNetstat,
        AixNetstat,
    )
}
