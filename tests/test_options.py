"""One frozen ParseOptions for the API, the CLI, convert, parse --jobs and Dask."""

from __future__ import annotations

import dataclasses
import re

import pytest

import netstat_normalizer as nn
from conftest import FIXTURES, ROOT
from netstat_normalizer.engine import pipeline
from netstat_normalizer.options import ParseOptions

TANP = FIXTURES / "linux-ss" / "tanp.out"


def test_frozen_hashable_and_meta_as_pairs() -> None:
    options = ParseOptions(meta={"site": "paris", "host": "h"})  # type: ignore[arg-type]
    assert options.meta == (("site", "paris"), ("host", "h"))
    assert options.meta_dict() == {"site": "paris", "host": "h"}
    assert hash(options) == hash(ParseOptions(meta=(("site", "paris"), ("host", "h"))))
    with pytest.raises(dataclasses.FrozenInstanceError):
        options.dialect = "linux-ss"  # type: ignore[misc]


def test_marker_compiled_from_text_or_kept() -> None:
    assert ParseOptions().marker_regex() is None
    assert ParseOptions(marker="^=== ").marker_regex() == re.compile("^=== ")
    compiled = re.compile("^--- ", re.IGNORECASE)
    assert ParseOptions(marker=compiled).marker_regex() is compiled


def test_check_names_the_closest_dialect() -> None:
    assert pipeline.check(ParseOptions()) == ParseOptions()
    with pytest.raises(nn.UnknownDialectError, match="Did you mean 'linux-ss'"):
        pipeline.check(ParseOptions("linux_ss"))
    with pytest.raises(nn.UnknownDialectError):
        nn.iter_parse([], "linux_ss")


def test_parse_keywords_build_the_same_options() -> None:
    data = TANP.read_bytes()
    meta = {"site": "paris"}
    by_keywords = nn.parse(data, "linux-ss", "x.out", "ss -tanp", "utf-8", meta=meta, host="h1")
    options = ParseOptions("linux-ss", "ss -tanp", "utf-8", meta=(("site", "paris"),))
    by_options = pipeline.parse_with(data, options, path="x.out", host="h1")
    assert by_keywords == by_options
    assert {(r.host, r.meta["site"]) for r in by_options.records} == {("h1", "paris")}


def test_host_labels_records_meta_host_the_rest() -> None:
    options = ParseOptions(meta=(("host", "fallback"), ("site", "paris")))
    lines = TANP.read_text().splitlines()
    found = list(pipeline.iter_parse_with(lines, options, path="ss.txt", host="web-7"))
    assert {(r.host, r.meta["site"]) for r in found if isinstance(r, nn.Record)} == {
        ("web-7", "paris")
    }
    bare = list(pipeline.iter_parse_with(lines, options, path="ss.txt"))
    assert {r.host for r in bare if isinstance(r, nn.Record)} == {"fallback"}


def test_one_unknown_dialect_check() -> None:
    """The registry lookup in ``engine.pipeline`` is the only place that raises it."""
    package = ROOT / "parsers"
    raising = [
        str(path.relative_to(package))
        for path in sorted(package.rglob("*.py"))
        if "raise UnknownDialectError(" in path.read_text("utf-8")
    ]
    assert raising == ["engine/pipeline.py"]


def test_package_exports_options_and_the_calls_taking_them() -> None:
    options = nn.ParseOptions("linux-ss", meta={"site": "paris"})  # type: ignore[arg-type]
    text = TANP.read_text()
    result = nn.parse_with(text, options, path="tanp.out")
    assert result.dialect == "linux-ss" and result.records
    assert {r.meta["site"] for r in result.records} == {"paris"}
    streamed = [
        i for i in nn.iter_parse_with(text.splitlines(), options) if isinstance(i, nn.Record)
    ]
    assert [r.to_dict() for r in streamed] == [
        r.to_dict() for r in nn.parse_with(text, options).records
    ]
    assert {"ParseOptions", "parse_with", "iter_parse_with"} <= set(nn.__all__)
