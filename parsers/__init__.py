"""netstat-normalizer: netstat and ss output from many systems, as canonical typed records.

>>> result = parse(open("capture.txt", "rb").read())
>>> result.dialect, len(result.records), result.diagnostics
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from .analysis.config import Config
from .analysis.findings import findings
from .analysis.knowledge import explain
from .analysis.summary import summarize
from .engine.detect import Detection, detect
from .engine.pipeline import (
    ParseResult,
    dialect_class,
    dialects,
    iter_parse,
    iter_records,
    parse,
)
from .errors import DetectionError, NetstatNormalizerError, UnknownDialectError, UnparsedLineError
from .model.record import Diagnostic, Record
from .model.states import TcpState

try:
    __version__ = version("netstat-normalizer")
except PackageNotFoundError:  # a source tree that is not installed
    __version__ = "unknown"

__all__ = [
    "Config",
    "Detection",
    "DetectionError",
    "Diagnostic",
    "NetstatNormalizerError",
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
    "iter_records",
    "parse",
    "summarize",
]
