"""The package's layers, as its folders show them, import only downward, with no cycle.

Every import counts: at the top of a module, inside a function (a lazy import) and under
`if TYPE_CHECKING:` (a cycle for the type checker and the reader is still a cycle).
`from package import name` is an import of the submodule when `name` is one."""

from __future__ import annotations

import ast
from pathlib import Path

import lerld

PACKAGE = Path(lerld.__file__).parent

# Bottom to top. A module may import from its own layer and the layers before it.
LAYERS = (
    "core",
    "profile",
    "stores",
    "project",
    "sparql",
    "publish",
    "web",
    "serve",
    "tools",
    "cli",
)


def module_names() -> dict[str, Path]:
    names = {}
    for path in PACKAGE.rglob("*.py"):
        parts = ["lerld", *path.relative_to(PACKAGE).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The lerld modules that the module imports, anywhere in its body."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                origin = ".".join([*base, *([node.module] if node.module else [])])
            else:
                origin = node.module or ""
            targets = [
                f"{origin}.{alias.name}" if f"{origin}.{alias.name}" in modules else origin
                for alias in node.names
            ]
        else:
            continue
        for target in targets:
            while target and target not in modules:  # import a.b.c where only a.b is ours
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def layer_of(name: str) -> int:
    parts = name.split(".")
    if len(parts) == 1:  # lerld/__init__.py: the version, imported by every layer
        return 0
    return LAYERS.index(parts[1])


def graph() -> dict[str, set[str]]:
    modules = module_names()
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_every_module_belongs_to_a_layer():
    unplaced = [
        name for name in module_names() if name != "lerld" and name.split(".")[1] not in LAYERS
    ]
    assert unplaced == []


def test_imports_go_only_downward():
    upward = sorted(
        f"{name} ({LAYERS[layer_of(name)]}) imports {target} ({LAYERS[layer_of(target)]})"
        for name, targets in graph().items()
        for target in targets
        if layer_of(target) > layer_of(name)
    )
    assert upward == []


def test_no_import_cycles():
    assert cycles(graph()) == []


def test_the_walker_sees_lazy_typed_and_relative_imports(tmp_path):
    """The checks above would pass on a walker that sees nothing: it must see every form."""
    source = tmp_path / "sample.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from lerld.project.validation import Report\n"
        "def f():\n    from lerld.web import http\n    import lerld.stores.oxigraph\n"
        "from ..core import terms\n",
        encoding="utf-8",
    )
    found = imports_of("lerld.stores.sample", source, module_names())
    assert found == {
        "lerld.project.validation",
        "lerld.web.http",
        "lerld.stores.oxigraph",
        "lerld.core.terms",
    }
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
