"""Records read back from the project's own JSON output (``parse --format json`` or ``jsonl``):
one record per line, as ``RecordWriter`` writes them.  (Parquet: ``columns.read_records``.)"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import fields

from ..model.record import Diagnostic, Record

_FIELDS = frozenset(f.name for f in fields(Record) if f.init)
"""The keys a record is built from (``local_scope`` and ``remote_scope`` are derived)."""


def looks_like_json(line: str) -> bool:
    """Whether a file whose first non-blank line is ``line`` holds JSON records."""
    return line.lstrip().startswith(("{", "["))


def read_json_records(lines: Iterable[str], path: str | None) -> Iterator[Record | Diagnostic]:
    """Records from JSON Lines or a JSON array written one record per line; a line that is no
    record becomes a diagnostic."""
    for number, line in enumerate(lines, 1):
        text = line.strip().removeprefix("[").removesuffix("]").removesuffix(",").strip()
        if not text:
            continue
        try:
            fields = json.loads(text)
            if not isinstance(fields, dict) or not isinstance(fields.get("dialect"), str):
                raise ValueError("not a record")
            yield Record(**{k: v for k, v in fields.items() if k in _FIELDS})
        except (ValueError, TypeError) as err:
            reason = f"not a JSON record ({err})" if isinstance(err, ValueError) else "not a record"
            yield Diagnostic(path, number, line.rstrip("\n"), reason)
