"""netstat-normalizer: netstat and ss output from many systems, as canonical typed records.

>>> result = parse(open("capture.txt", "rb").read())
>>> result.dialect, len(result.records), result.diagnostics
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .engine.detect import Detection, detect
from .engine.pipeline import (
    ParseResult,
    dialect_class,
    dialects,
    iter_parse,
    iter_parse_with,
    iter_records,
    parse,
    parse_with,
)
from .errors import DetectionError, NetstatNormalizerError, UnknownDialectError, UnparsedLineError
from .model.record import Diagnostic, Record
from .model.states import TcpState
from .options import ParseOptions

if TYPE_CHECKING:
    from .analysis.config import Config
    from .analysis.findings import findings
    from .analysis.knowledge import explain
    from .analysis.summary import summarize

    __version__: str

_LAZY = {
    "Config": ".analysis.config",
    "findings": ".analysis.findings",
    "explain": ".analysis.knowledge",
    "summarize": ".analysis.summary",
}
"""Names imported when first used, so that parsing does not wait for the analysis modules."""


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from .cli import package_version

        value: Any = package_version()
    elif name in _LAZY:
        value = getattr(import_module(_LAZY[name], __name__), name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


__all__ = [
    "Config",
    "Detection",
    "DetectionError",
    "Diagnostic",
    "NetstatNormalizerError",
    "ParseOptions",
    "ParseResult",
    "Record",
    "TcpState",
    "UnknownDialectError",
    "UnparsedLineError",
    "__version__",
    "detect",
    "dialect_class",
    "dialects",
    "explain",
    "findings",
    "iter_parse",
    "iter_parse_with",
    "iter_records",
    "parse",
    "parse_with",
    "summarize",
]
