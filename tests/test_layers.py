"""The package's layers: each subpackage imports only those below it, and no module imports itself
back through others (a cycle). Imports inside functions count too."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "parsers"
LAYERS = (
    ("errors", "options", "resources"),
    ("model",),
    ("io",),
    ("grammar",),
    ("dialects",),
    ("engine",),
    ("sinks",),
    ("batch",),
    ("analysis",),
    ("cli",),
    ("__init__", "__main__"),
)
"""Bottom first: a module may import its own layer's modules and those of the layers before."""
RANK = {name: rank for rank, names in enumerate(LAYERS) for name in names}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts.pop()
    return ".".join(parts)


def imports(path: Path, source: str | None = None) -> set[str]:
    """The package's modules ``path`` (or ``source`` as if at ``path``) imports, as dotted names
    below the package."""
    name = module_name(path)
    package = name.split(".") if path.name == "__init__.py" and name != "__init__" else []
    if not package:
        package = name.split(".")[:-1]
    found = set()
    text = path.read_text("utf-8") if source is None else source
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = [*base, *(node.module.split(".") if node.module else [])]
            elif node.module and node.module.startswith("netstat_normalizer"):
                target = node.module.split(".")[1:]
            else:
                continue
            if not target:  # from . import x: x is a module of the package or a name in it
                found.update(alias.name for alias in node.names if _exists(alias.name))
                target = ["__init__"]
            else:
                subs = [".".join([*target, a.name]) for a in node.names]
                found.update(s for s in subs if _exists(s))
            found.add(".".join(target))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("netstat_normalizer"):
                    found.add(".".join(alias.name.split(".")[1:]) or "__init__")
    found.discard(name)
    return found


def _exists(dotted: str) -> bool:
    base = PACKAGE.joinpath(*dotted.split("."))
    return base.with_suffix(".py").exists() or (base / "__init__.py").exists()


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def layer(name: str) -> int:
    return RANK[name.split(".")[0]]


@pytest.mark.parametrize("name", sorted(MODULES))
def test_imports_only_its_layer_and_those_below(name: str) -> None:
    above = sorted(t for t in imports(MODULES[name]) if layer(t) > layer(name))
    assert above == [], f"{name} (layer {layer(name)}) imports from a layer above it"


def test_every_module_is_in_a_layer() -> None:
    assert {n.split(".")[0] for n in MODULES} <= set(RANK)


def test_no_import_cycle() -> None:
    graph = {name: {t for t in imports(path) if t in MODULES} for name, path in MODULES.items()}
    # a package's __init__ importing its own modules is no cycle: leave packages out as targets
    # of their own members
    for name in graph:
        graph[name] = {t for t in graph[name] if not name.startswith(t + ".")}
    done: set[str] = set()

    def visit(node: str, stack: list[str]) -> None:
        if node in stack:
            cycle = [*stack[stack.index(node) :], node]
            raise AssertionError("import cycle: " + " -> ".join(cycle))
        if node in done:
            return
        for target in sorted(graph[node]):
            visit(target, [*stack, node])
        done.add(node)

    for name in sorted(graph):
        visit(name, [])


def test_the_walker_sees_an_upward_import_inside_a_function() -> None:
    # the reader's old lazy import of detect, which made a cycle through the dialects
    probe = PACKAGE / "io" / "reader.py"
    source = "def f():\n    from ..engine.detect import detect\n"
    found = imports(probe, source)
    assert found == {"engine.detect"}
    assert layer("engine.detect") > layer("io.reader")
