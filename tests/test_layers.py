"""The architecture holds: the domain is pure; faces use the use cases, which use the sources
and the domain; no face imports another (only the command line starts the others); no
imports go round in a circle; the domain and the use cases type-check strictly."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT

PACKAGE = ROOT / "quicktest"
OUTSIDE_THE_DOMAIN = (
    "yaml",
    "sqlite3",
    "csv",
    "pydantic",
    "rich",
    "textual",
    "jinja2",
    "weasyprint",
    "platformdirs",
    "quicktest.sources",
    "quicktest.app",
    "quicktest.faces",
)


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, top_level_only: bool, type_only_too: bool = False) -> set[str]:
    """The quicktest modules a file imports (at module level only, or anywhere), with or
    without those made only for type checking; `from package import module` names both."""
    tree = ast.parse(path.read_text())
    found: set[str] = set()

    def visit(node: ast.AST, top: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                if type_only_too:
                    visit(child, top)
                continue
            inner = top and not isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.ImportFrom) and child.module and (inner or not top_level_only):
                found.add(child.module)
                found.update(f"{child.module}.{alias.name}" for alias in child.names)
            elif isinstance(child, ast.Import) and (inner or not top_level_only):
                found.update(alias.name for alias in child.names)
            visit(child, inner)

    visit(tree, True)
    return {name for name in found if name.startswith("quicktest")}


def _files(folder: str = "") -> list[Path]:
    return sorted((PACKAGE / folder).rglob("*.py"))


def test_the_domain_imports_nothing_from_outside_it():
    """Imported for real, in a fresh interpreter: nothing outside the standard library's
    pure parts comes along."""
    modules = [_module(p) for p in _files("domain")]
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in modules)
        + "print('\\n'.join(sys.modules))"
    )
    loaded = set(
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
        ).stdout.split()
    )
    leaked = sorted(
        name
        for name in loaded
        for outside in OUTSIDE_THE_DOMAIN
        if name == outside or name.startswith(outside + ".")
    )
    assert leaked == []


def _tool(name: str, *args: str) -> subprocess.CompletedProcess[str]:
    """A checking tool installed beside this Python, run on the project."""
    tool = Path(sys.executable).parent / name
    return subprocess.run([str(tool), *args], capture_output=True, text=True, cwd=ROOT)


def test_the_import_contracts_hold():
    """pyproject.toml's contracts: faces, then use cases, then sources, then the domain; no
    face imports the sources or another face; the domain imports no outside library. Every
    import counts, type-only and inside functions too."""
    checked = _tool("lint-imports", "--no-cache")
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_code_is_ruff_clean_and_formatted():
    for args in (("check", "--no-cache"), ("format", "--check", "--no-cache")):
        checked = _tool("ruff", *args, "quicktest", "tests", "benchmarks")
        assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_domain_and_the_use_cases_type_check_strictly():
    checked = _tool("mypy", "--no-incremental")
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_screens_do_not_import_each_other():
    for path in _files("faces/tui/screens"):
        imported = _imports(path, top_level_only=False)
        assert not any(i.startswith("quicktest.faces.tui.screens.") for i in imported), path


def test_no_import_cycle_not_even_type_only_or_inside_a_function():
    graph = {_module(p): _imports(p, top_level_only=False, type_only_too=True) for p in _files()}
    state: dict[str, str] = {}

    def walk(node: str, trail: list[str]) -> None:
        state[node] = "open"
        for target in graph.get(node, ()):
            target = target if target in graph else target.rsplit(".", 1)[0]
            if state.get(target) == "open":
                raise AssertionError(" -> ".join([*trail, node, target]))
            if target in graph and target not in state:
                walk(target, [*trail, node])
        state[node] = "done"

    for module in graph:
        if module not in state:
            walk(module, [])
