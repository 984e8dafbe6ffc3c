"""The parse options: one frozen value shared by the API, the CLI, ``convert``, ``parse --jobs``
and the Dask reader.  What differs per input (its path, archive member, host) is no option.

The dialect name is checked against the registry where the registry is known:
``engine.pipeline.check``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class ParseOptions:
    """How input is parsed; every field's default is what ``parse`` does unasked."""

    dialect: str = "auto"
    """A registered dialect name, or ``auto``: detect each capture's."""
    command: str | None = None
    """The command that produced the input (``ss -tan``), a hint."""
    encoding: str | None = None
    """The input's encoding; None: detected."""
    marker: str | re.Pattern[str] | None = None
    """A regex whose matching lines separate captures (named groups ``host``, ``time``)."""
    host_from_path: str | None = None
    """A regex searched in ``path`` (``path/member`` for an archive member), whose group ``host``
    labels the records of that input."""
    meta: tuple[tuple[str, str], ...] = ()
    """Fields for every record: ``host`` and ``captured_at`` fill those fields where nothing
    else does, the others go to the record's ``meta`` (a mapping is accepted too)."""

    def __post_init__(self) -> None:
        if isinstance(self.meta, Mapping):
            object.__setattr__(self, "meta", tuple(self.meta.items()))

    def marker_regex(self) -> re.Pattern[str] | None:
        """``marker``, compiled."""
        return re.compile(self.marker) if isinstance(self.marker, str) else self.marker

    def meta_dict(self) -> dict[str, str]:
        """``meta`` as a dict."""
        return dict(self.meta)
