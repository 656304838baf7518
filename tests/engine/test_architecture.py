"""The engine's shape: packages that do not import each other in circles, pages that import from packages' public
surfaces, and no Streamlit inside dsconv. Read from the source (every import counts: those inside functions and
under TYPE_CHECKING too)."""

from __future__ import annotations

import ast
from collections import defaultdict

import pytest

from conftest import ROOT

PACKAGES = ("costs", "sliding", "training", "arena", "speed", "quiz", "images", "figures", "profile")


def module_name(path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in (ROOT / "dsconv").rglob("*.py")}


def imported(path) -> set[str]:
    """Every dsconv module `path` imports, anywhere in it (a `from package import module` names the module)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("dsconv")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("dsconv"):
            for alias in node.names:
                child = f"{node.module}.{alias.name}"
                found.add(child if child in MODULES else node.module)
    return found & set(MODULES)


def unit(module: str) -> str:
    """The package a module belongs to (dsconv.costs.network -> dsconv.costs), or the core module itself."""
    parts = module.split(".")
    return ".".join(parts[:2]) if len(parts) > 1 and parts[1] in PACKAGES + ("bench",) else module


def cycle(graph: dict[str, set[str]]) -> list[str]:
    """One cycle of the directed graph, or []."""
    state, stack = {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        state[node] = "done"
        stack.pop()
        return []

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return []


def test_the_engine_is_made_of_the_named_packages_and_a_handful_of_core_modules():
    packages = sorted(p.name for p in (ROOT / "dsconv").iterdir() if (p / "__init__.py").exists())
    assert packages == sorted(PACKAGES + ("bench",))
    core = sorted(p.stem for p in (ROOT / "dsconv").glob("*.py") if p.stem != "__init__")
    assert len(core) <= 6, core


def test_no_two_packages_import_each_other_in_a_circle():
    graph = defaultdict(set)
    for module, path in MODULES.items():
        for other in imported(path):
            if unit(other) != unit(module):
                graph[unit(module)].add(unit(other))
    assert cycle(graph) == []


def test_no_two_modules_import_each_other_in_a_circle():
    graph = {module: {other for other in imported(path) if not MODULES[other].name == "__init__.py"}
             for module, path in MODULES.items()}
    assert cycle(graph) == []
    for module, path in MODULES.items():  # a module never reaches back into its own package's public surface
        if path.name != "__init__.py" and unit(module) != module:
            assert unit(module) not in imported(path), f"{module} imports its own package {unit(module)}"


def test_pages_import_from_packages_not_from_their_modules():
    for path in [ROOT / "app.py", *ROOT.glob("pages/*.py"), *ROOT.glob("dsconv_ui/*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("dsconv."):
                assert node.module.count(".") == 1, f"{path.name} imports from the deep module {node.module}"


def test_the_engine_never_imports_streamlit():
    for module, path in MODULES.items():
        names = {alias.name.split(".")[0] for node in ast.walk(ast.parse(path.read_text()))
                 if isinstance(node, (ast.Import, ast.ImportFrom))
                 for alias in (node.names if isinstance(node, ast.Import) else [ast.alias(node.module or "")])}
        assert "streamlit" not in names or module.startswith("dsconv.bench"), module


def test_every_name_the_figures_package_lists_is_read_from_its_module():
    """dsconv.figures loads its names lazily (PEP 562): each listed name must resolve, and every lazy name be listed."""
    import dsconv.figures as figures

    assert set(figures.__all__) == {*figures._HOMES, *figures._NAMESPACES}
    for name in figures.__all__:
        assert getattr(figures, name) is not None, name
    with pytest.raises(AttributeError, match="no attribute 'not_a_figure'"):
        figures.not_a_figure  # noqa: B018
