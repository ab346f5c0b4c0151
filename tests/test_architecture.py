"""The house rules a newcomer can rely on, checked on the package's source (ast, no imports run):
small modules and functions, stages that import only downward, no import hidden inside a function."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "src" / "analysis"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 80
# stages in the order data flows; a module may import its own stage and any earlier one, never a later one.
# Modules directly in the package (config, catalogue, numbers, markup, ...) are shared by every stage.
STAGES = ["data", "assess", "report", "run", "site"]
# the command line dispatches to every stage, and imports a command's stage only when that command runs
LAZY_IMPORTS_ALLOWED = {"cli.py"}
# single imports kept inside a function for start-up time, not to hide a cycle (each with its reason)
LAZY_IMPORT = {("run/runner.py", "analysis.run.warm"): "imports papermill: a no-op `make report` must not pay for it"}


def _modules() -> list[Path]:
    return sorted(p for p in PKG.rglob("*.py") if "__pycache__" not in p.parts)


def _rel(p: Path) -> str:
    return p.relative_to(PKG).as_posix()


def _stage(module: str) -> str | None:
    """'analysis.report.charts' -> 'report'; a shared module -> None."""
    parts = module.split(".")
    return parts[1] if len(parts) > 2 and parts[1] in STAGES else None


def _imported(node: ast.AST, here: str) -> list[str]:
    """The project modules an import statement names (relative imports resolved against ``here``)."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name.startswith("analysis")]
    if isinstance(node, ast.ImportFrom):
        if node.level:
            base = here.split(".")[: -node.level]
            mod = ".".join(base + ([node.module] if node.module else []))
        else:
            mod = node.module or ""
        if mod.startswith("analysis"):
            return [f"{mod}.{a.name}" if _is_package(f"{mod}.{a.name}") else mod for a in node.names]
    return []


def _is_package(module: str) -> bool:
    rel = Path(*module.split(".")[1:])
    return (PKG / rel).is_dir() or (PKG / rel).with_suffix(".py").exists()


def _dotted(p: Path) -> str:
    rel = p.relative_to(PKG).with_suffix("")
    parts = ["analysis", *rel.parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@pytest.mark.parametrize("path", _modules(), ids=_rel)
def test_module_is_small(path):
    n = len(path.read_text(encoding="utf-8").splitlines())
    assert n <= MAX_MODULE_LINES, f"{_rel(path)} has {n} lines (at most {MAX_MODULE_LINES}): split it by what it does"


@pytest.mark.parametrize("path", _modules(), ids=_rel)
def test_functions_are_short(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    long = [(n.name, n.end_lineno - n.lineno + 1) for n in ast.walk(tree)
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.end_lineno - n.lineno + 1 > MAX_FUNCTION_LINES]
    assert not long, f"{_rel(path)}: functions over {MAX_FUNCTION_LINES} lines: {long}"


@pytest.mark.parametrize("path", _modules(), ids=_rel)
def test_stages_import_only_downward(path):
    here = _dotted(path)
    mine = _stage(here + ".x") if path.name == "__init__.py" else _stage(here)
    if mine is None:  # a shared module imports no stage at all
        bad = [m for n in ast.walk(ast.parse(path.read_text(encoding="utf-8"))) for m in _imported(n, here)
               if _stage(m) is not None and path.name != "cli.py" and _rel(path) != "__main__.py"]
        assert not bad, f"{_rel(path)} is shared by every stage but imports {bad}"
        return
    later = set(STAGES[STAGES.index(mine) + 1:])
    bad = [m for n in ast.walk(ast.parse(path.read_text(encoding="utf-8"))) for m in _imported(n, here)
           if _stage(m) in later]
    assert not bad, f"{_rel(path)} (stage {mine}) imports a later stage: {bad}"


@pytest.mark.parametrize("path", [p for p in _modules() if p.name not in LAZY_IMPORTS_ALLOWED], ids=_rel)
def test_no_project_import_hidden_in_a_function(path):
    here = _dotted(path)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    hidden = []
    for fn in ast.walk(tree):
        if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            hidden += [(fn.name, m) for n in ast.walk(fn) for m in _imported(n, here)
                       if (_rel(path), m) not in LAZY_IMPORT]
    assert not hidden, f"{_rel(path)} imports project modules inside functions (a hidden cycle?): {hidden}"


def test_the_checks_see_the_package():  # the scans above would pass vacuously on an empty or moved package
    mods = _modules()
    assert len(mods) > 30 and any(p.name == "forecast.py" for p in mods)
    assert _stage("analysis.report.charts") == "report" and _stage("analysis.config") is None
