"""The architecture holds: the domain is pure, sources import no face, no face imports
another (only the command line starts the others), and no module imports go round in a
circle."""

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
    "quicktest.faces",
    "quicktest.services",
)


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, top_level_only: bool) -> set[str]:
    """The quicktest modules a file imports (at module level only, or anywhere), leaving out
    imports made only for type checking."""
    tree = ast.parse(path.read_text())
    found: set[str] = set()

    def visit(node: ast.AST, top: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                continue
            inner = top and not isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.ImportFrom) and child.module and (inner or not top_level_only):
                found.add(child.module)
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


def test_domain_and_sources_import_no_face_and_faces_no_other_face():
    for path in _files():
        module = _module(path)
        imported = _imports(path, top_level_only=False)
        if module.startswith("quicktest.domain"):
            assert all(i.startswith("quicktest.domain") for i in imported), (module, imported)
        if module.startswith("quicktest.sources") or module == "quicktest.services":
            assert not any(i.startswith("quicktest.faces") for i in imported), (module, imported)
        if module.startswith("quicktest.faces.") and not module.startswith("quicktest.faces.cli"):
            face = module.split(".")[2]
            others = [
                i  # a face is a folder; a module beside the folders is shared by them all
                for i in imported
                if i.startswith("quicktest.faces.")
                and i.split(".")[2] != face
                and (PACKAGE / "faces" / i.split(".")[2]).is_dir()
            ]
            assert others == [], (module, others)


def test_screens_do_not_import_each_other():
    for path in _files("faces/tui/screens"):
        imported = _imports(path, top_level_only=False)
        assert not any(i.startswith("quicktest.faces.tui.screens.") for i in imported), path


def test_no_module_level_import_cycle():
    graph = {_module(p): _imports(p, top_level_only=True) for p in _files()}
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
