"""``timeline`` spread over a Dask cluster, one host per task (the ``dask`` extra).

A host's connections never meet another host's, so each host's captures (text files, read with
``parse``'s options, or the project's Parquet output) go to one task that runs the ``Timeline``
there; the tasks' items, host after host, are those a single process yields for each host, in
the same order (``tests/test_timeline_dask.py`` checks it).  A host's files must reach its task
in time order, as for one process.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from typing import Any

from ..engine.detect import confidence
from ..engine.pipeline import iter_parse
from ..io.reader import open_lines
from ..model.record import Record
from .columns import is_parquet, read_records
from .timeline import Timeline


def host_timeline(
    files: Sequence[str],
    config: dict[str, dict[str, Any]] | None = None,
    options: Mapping[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """One host's timeline items from its files (on a worker); ``options`` are ``iter_parse``'s
    keyword arguments (``dialect``, ``command``, ``marker``...). Unparsed lines are skipped."""
    options = dict(options or {})

    def records() -> Any:
        for path in files:
            if is_parquet(path):
                yield from read_records([path])
                continue
            with open(path, "rb") as raw:
                lines = open_lines(raw, options.get("encoding"), score=confidence)[1]
                parse = {k: v for k, v in options.items() if k != "encoding"}
                for item in iter_parse(lines, path=path, **parse):
                    if isinstance(item, Record):
                        yield item

    return list(Timeline(config).run(records()))


def timeline_bag(
    hosts: Mapping[str, Sequence[str]],
    config: dict[str, dict[str, Any]] | None = None,
    options: Mapping[str, Any] | None = None,
) -> Any:
    """A Dask bag of timeline items, one partition per host (``hosts``: name -> its files in
    time order), in the order of ``hosts``."""
    db = importlib.import_module("dask.bag")
    groups = [list(files) for files in hosts.values()]
    bag = db.from_sequence(groups, npartitions=max(1, len(groups)))
    return bag.map(host_timeline, config, options).flatten()
