"""Fleet outliers: a port listening on fewer than a share of the hosts of its group."""

from __future__ import annotations

import re
from collections.abc import Mapping

from .snapshot import ListenerKey

GROUP = r"^(?P<group>.*?)[-_.]?\d*$"
"""Hosts are grouped by their name without trailing digits: web-1 and web-2 are ``web``."""
SHARE = 60.0
"""A port is an outlier when fewer than this percentage of its group's hosts listen on it."""


def group_of(host: str, pattern: str = GROUP) -> str:
    """The group ``pattern``'s group ``group`` finds in ``host`` (the host itself otherwise)."""
    found = re.search(pattern, host)
    return found["group"] if found and found["group"] else host


def outliers(
    listeners: Mapping[str, set[ListenerKey]], pattern: str = GROUP, share: float = SHARE
) -> list[dict[str, object]]:
    """Per group of two hosts or more, each (proto, port) some but fewer than ``share`` percent
    of its hosts listen on (any address), with the hosts that do."""
    groups: dict[str, list[str]] = {}
    for host in sorted(listeners):
        groups.setdefault(group_of(host, pattern), []).append(host)
    found: list[dict[str, object]] = []
    for group, hosts in sorted(groups.items()):
        if len(hosts) < 2:
            continue
        ports: dict[tuple[str | None, int | None], list[str]] = {}
        for host in hosts:
            for proto, port in sorted({(k[0], k[2]) for k in listeners[host]}, key=str):
                ports.setdefault((proto, port), []).append(host)
        for (proto, port), having in sorted(ports.items(), key=str):
            percent = 100 * len(having) / len(hosts)
            if percent < share:
                found.append(
                    {
                        "group": group,
                        "proto": proto,
                        "port": port,
                        "hosts": having,
                        "group_hosts": len(hosts),
                        "percent": round(percent, 1),
                    }
                )
    return found
