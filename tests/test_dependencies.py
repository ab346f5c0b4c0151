"""Every third-party package the code imports is declared in pyproject.toml and pinned in requirements.lock."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ("src", "tests", "benchmarks", "scripts")


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_name(spec: str) -> str:
    return _norm(re.split(r"[\s\[<>=!~;]", spec.strip(), maxsplit=1)[0])


def _imported_modules() -> dict[str, set[str]]:
    """Top-level module -> files importing it (absolute imports; relative ones are the package's own)."""
    found: dict[str, set[str]] = {}
    for folder in FOLDERS:
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                         [node.module] if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module
                         else [])
                for n in names:
                    found.setdefault(n.split(".")[0], set()).add(str(path.relative_to(ROOT)))
    return found


def _local_modules() -> set[str]:
    """Modules of this project: the package, and the scripts and helpers its folders import from each other."""
    local = {p.name for p in (ROOT / "src").iterdir() if p.is_dir()}
    for folder in FOLDERS:
        local |= {p.stem for p in (ROOT / folder).rglob("*.py")}
    return local


def test_every_imported_package_is_declared_and_pinned():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {_requirement_name(s) for s in pyproject["dependencies"]}
    declared |= {_requirement_name(s) for extra in pyproject["optional-dependencies"].values() for s in extra}
    pinned = {_requirement_name(line) for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines()
              if line.strip() and not line.startswith("#")}
    dists = packages_distributions()
    third_party = {m: files for m, files in _imported_modules().items()
                   if m not in sys.stdlib_module_names and m not in _local_modules()}
    assert {"pandas", "babel", "playwright"} <= set(third_party)  # the scan sees the imports
    problems = []
    for module, files in sorted(third_party.items()):
        names = {_norm(d) for d in dists.get(module, [])}
        if not names:
            problems.append(f"{module}: imported by {sorted(files)[0]}, but no installed distribution provides it")
            continue
        if not names & declared:
            problems.append(f"{module} ({', '.join(sorted(names))}): not declared in pyproject.toml")
        if not names & pinned:
            problems.append(f"{module} ({', '.join(sorted(names))}): not pinned in requirements.lock")
    assert not problems, "\n".join(problems)
