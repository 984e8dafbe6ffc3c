"""Start-up: what the CLI imports before its first record, and the lazily imported pyparsing."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import FIXTURES
from netstat_normalizer.dialects.ss_fields import FieldError, parse_fields

_IMPORTED_AFTER = """
import sys
from netstat_normalizer.cli import main
main(["parse", "--format", "jsonl", sys.argv[1]])
print(" ".join(sorted(m for m in ("pyparsing", "pyarrow", "jc", "lark") if m in sys.modules)))
"""


def _imported(case: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", _IMPORTED_AFTER, str(FIXTURES / case)],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.splitlines()[-1]


@pytest.mark.parametrize(
    "case", ["windows-netstat/ano.out", "linux-netstat/antp.out", "linux-ss/tanp.out"]
)
def test_pyparsing_is_not_imported_for_well_formed_input(case: str) -> None:
    """Nor Lark: the fast path takes every line, from the plan the first run keeps."""
    _imported(case)
    assert _imported(case) == ""


def test_a_malformed_field_is_explained_by_pyparsing() -> None:
    with pytest.raises(FieldError, match=r"Expected Re:.*found 'users'  \(at char 0\)"):
        parse_fields('users:(("a",pid=x,fd=1))')
