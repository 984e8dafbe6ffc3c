"""``timeline`` on Dask, one host per task, gives each host's items as one process does."""

from __future__ import annotations

from typing import Any

import pytest

from fleet import HOSTS, SCENARIO, path, records

pytest.importorskip("dask.bag")
from netstat_normalizer.analysis.spread import timeline_bag
from netstat_normalizer.analysis.timeline import Timeline

OPTIONS = {"dialect": "linux-ss", "command": SCENARIO["command"], "marker": SCENARIO["marker"]}


@pytest.mark.parametrize("scheduler", ["sync", "processes"])
def test_dask_timeline_equals_one_process(scheduler: str) -> None:
    one = list(Timeline().run(r for host in HOSTS for r in records(host)))
    bag = timeline_bag({host: [str(path(host))] for host in HOSTS}, None, OPTIONS)
    spread: list[dict[str, Any]] = bag.compute(scheduler=scheduler)
    assert spread == [item for host in HOSTS for item in one if item["host"] == host]
    assert {item["type"] for item in spread} == {"connection", "counts", "finding"}
