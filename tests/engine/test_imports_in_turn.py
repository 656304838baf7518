"""Every import that may first load a module in a session's thread does it inside `with ONE_AT_A_TIME:`
(dsconv/__init__.py): a class opening its links at once on a fresh server got "_DeadlockError: deadlock detected by
_ModuleLock('dsconv.costs.arithmetic')" on the Speed lab and the Parameter lab (8 of 16 first runs, in one of four
bursts beside a busy CPU), where one session ran dsconv/costs/__init__.py while another imported
dsconv.costs.arithmetic by name. Read from the source (ast): which code runs in which thread is not left to luck."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]  # run by Streamlit in a session's thread
# Code that runs in a process of its own (benchmarks, the arena's training child, the training CLI): one thread.
OWN_PROCESS = ("dsconv/bench/", "dsconv/arena/child.py", "dsconv/training/cli.py")
MODULES = [path for path in sorted([*(ROOT / "dsconv").rglob("*.py"), *(ROOT / "dsconv_ui").rglob("*.py"),
                                    *SCRIPTS])
           if not str(path.relative_to(ROOT)).startswith(OWN_PROCESS)]


def in_turn(node: ast.With) -> bool:
    return any(isinstance(item.context_expr, ast.Name) and item.context_expr.id == "ONE_AT_A_TIME"
               for item in node.items)


def imports_outside_the_lock(tree: ast.AST, top_level: bool) -> list[tuple[int, str]]:
    """(line, module) of each import not inside `with ONE_AT_A_TIME:`: in functions, of any module but the standard
    library's and Streamlit's (loaded with the server); with `top_level` (a page), every import at the top too."""
    found = []

    def visit(node: ast.AST, in_function: bool, locked: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                module = child.module if isinstance(child, ast.ImportFrom) else child.names[0].name
                first = (module or "").split(".")[0]
                own = module == "__future__" or (not in_function and module == "dsconv"
                                                 and [alias.name for alias in child.names] == ["ONE_AT_A_TIME"])
                outside = first not in sys.stdlib_module_names and first != "streamlit"
                if not locked and not own and (outside if in_function else top_level):
                    found.append((child.lineno, module))
            visit(child, in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)),
                  locked or (isinstance(child, ast.With) and in_turn(child)))

    visit(tree, False, False)
    return found


@pytest.mark.parametrize("path", MODULES, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_import_in_a_sessions_thread_takes_its_turn(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assert imports_outside_the_lock(tree, top_level=path in SCRIPTS) == []


def test_the_check_finds_an_import_outside_the_lock():
    page = ast.parse("from __future__ import annotations\nimport streamlit as st\n"
                     "def f():\n    import keras\n    with ONE_AT_A_TIME:\n        import h5py\n")
    assert imports_outside_the_lock(page, top_level=True) == [(2, "streamlit"), (4, "keras")]
    assert imports_outside_the_lock(page, top_level=False) == [(4, "keras")]
