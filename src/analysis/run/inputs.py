"""What each build step reads, worked out from the code: the package modules it imports (the import graph,
read with ``ast``, imports inside functions included) and the processed tables those modules load.

The notebook cache key (runner.py) and the Makefile's prerequisites (``python -m analysis.run.inputs make``)
are built from this, so a step reruns when, and only when, something it reads has changed. Standard library
only: ``make`` runs it with the system Python, and a no-op ``analysis run`` must not import pandas.
"""

from __future__ import annotations

import ast
import functools
import json
import sys
from collections.abc import Iterable
from pathlib import Path

PKG = Path(__file__).resolve().parents[1]  # src/analysis
PACKAGE = PKG.name
# the first module of each stage; the stage's code is everything these import, transitively
STAGE_ROOTS = {
    "data": ("analysis.data.process",),
    "assess": ("analysis.assess.stage",),
    "site": ("analysis.site.build",),
}
REPORT_PACKAGE = "analysis.report"  # every module of it is a root of the notebooks' code
KERNEL_MODULES = ("analysis.run.kernel_state",)  # the warm kernel imports it (warm.py) before every notebook
LOADERS = ("load_processed",)  # a call ``load_processed("facts", ...)`` reads data/processed/facts.csv
ALL_TABLES = "*"


def module_file(name: str, pkg: Path = PKG) -> Path | None:
    """The source file of a module of the package (``analysis.report.charts`` -> .../report/charts.py), or
    None when ``name`` is not one."""
    parts = name.split(".")
    if parts[0] != pkg.name:
        return None
    base = pkg.joinpath(*parts[1:])
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def _stamp(path: Path) -> tuple[str, int, int]:
    st = path.stat()
    return str(path), st.st_mtime_ns, st.st_size


@functools.lru_cache(maxsize=512)
def _scan(stamp: tuple, name: str, is_package: bool) -> tuple[frozenset[str], frozenset[str]]:
    """(modules named by the imports, processed tables loaded) of one source file, read once per version."""
    tree = ast.parse(Path(stamp[0]).read_bytes(), filename=stamp[0])
    here = name if is_package else name.rpartition(".")[0]  # the package relative imports start from
    names, tables = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = here.split(".")[: len(here.split(".")) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            names.add(base)
            names |= {f"{base}.{a.name}" for a in node.names}  # ``from analysis.report import charts``
        elif isinstance(node, ast.Call):
            func = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if func in LOADERS and node.args:
                arg = node.args[0]
                tables.add(arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else ALL_TABLES)
    return frozenset(n for n in names if n.split(".")[0] == PACKAGE), frozenset(tables)


def _scan_module(name: str, pkg: Path) -> tuple[frozenset[str], frozenset[str]]:
    path = module_file(name, pkg)
    return _scan(_stamp(path), name, path.name == "__init__.py")


def closure(roots: Iterable[str], pkg: Path = PKG) -> list[str]:
    """Every package module the ``roots`` import, directly or not, with the packages that hold them (Python
    runs each ``__init__.py`` on the way), sorted."""
    seen: set[str] = set()
    todo = [r for r in roots]
    while todo:
        name = todo.pop()
        if name in seen or module_file(name, pkg) is None:
            continue
        seen.add(name)
        parts = name.split(".")
        todo += [".".join(parts[:i]) for i in range(1, len(parts))]
        todo += sorted(_scan_module(name, pkg)[0])
    return sorted(seen)


def package_modules(package: str, pkg: Path = PKG) -> list[str]:
    """The modules of one package of ours (``analysis.report`` -> analysis.report.charts, ...)."""
    folder = module_file(package, pkg).parent
    return sorted(f"{package}.{p.stem}" if p.stem != "__init__" else package for p in folder.glob("*.py"))


def data_files(modules: Iterable[str], pkg: Path = PKG) -> list[Path]:
    """The files shipped in the package that the ``modules`` can read: every non-Python file whose nearest
    enclosing package (the folder with an ``__init__.py``) is one of them (``analysis/messages/*.yaml``
    belongs to ``analysis``; a template folder inside ``analysis/site`` to ``analysis.site``)."""
    wanted = set(modules)
    out = []
    for path in pkg.rglob("*"):
        if not path.is_file() or path.suffix in (".py", ".pyc") or "__pycache__" in path.parts:
            continue
        folder = path.parent
        while folder != pkg and not (folder / "__init__.py").is_file():
            folder = folder.parent
        owner = ".".join((pkg.name, *folder.relative_to(pkg).parts))
        if owner in wanted:
            out.append(path)
    return sorted(out)


def source_files(modules: Iterable[str], pkg: Path = PKG) -> list[Path]:
    """The source files of the ``modules`` and the data files they can read."""
    modules = list(modules)
    return sorted({module_file(m, pkg) for m in modules} | set(data_files(modules, pkg)))


def tables_read(modules: Iterable[str], pkg: Path = PKG) -> set[str]:
    """The processed tables the ``modules`` load by name; ``{"*"}`` when one is loaded by a computed name."""
    out: set[str] = set()
    for m in modules:
        out |= _scan_module(m, pkg)[1]
    return out


def notebook_imports(notebook: Path) -> set[str]:
    """The package modules the code cells of a notebook import."""
    nb = json.loads(Path(notebook).read_text(encoding="utf-8"))
    names = set()
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        src = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        try:
            tree = ast.parse("\n".join(ln for ln in src.splitlines() if not ln.lstrip().startswith(("%", "!"))))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names |= {node.module, *(f"{node.module}.{a.name}" for a in node.names)}
    return {n for n in names if n.split(".")[0] == PACKAGE}


def notebook_modules(notebook: Path, pkg: Path = PKG) -> list[str]:
    """What a notebook kernel imports of the package: the report package, the notebook's own imports and the
    warm kernel's helper, with all they import."""
    return closure([*package_modules(REPORT_PACKAGE, pkg), *notebook_imports(notebook), *KERNEL_MODULES], pkg)


def stage_files(stage: str, pkg: Path = PKG) -> list[Path]:
    """The package files one stage (``data``, ``assess``, ``site``) runs on."""
    return source_files(closure(STAGE_ROOTS[stage], pkg), pkg)


def make_rules(root: Path) -> str:
    """Makefile variables naming each stage's source files (relative to the project ``root``), for the
    Makefile to include: ``DATA_SRC``, ``ASSESS_SRC``, ``REPORT_SRC``, ``SITE_SRC``."""
    root = Path(root).resolve()
    lists = {f"{s.upper()}_SRC": stage_files(s) for s in STAGE_ROOTS}
    nbs = sorted((root / "notebooks").glob("*.ipynb"))
    lists["REPORT_SRC"] = sorted({p for nb in nbs for p in source_files(notebook_modules(nb))})

    def rel(p: Path) -> str:
        p = p.resolve()
        return p.relative_to(root).as_posix() if p.is_relative_to(root) else p.as_posix()

    lines = ["# generated by `python -m analysis.run.inputs make` from the import graph: do not edit"]
    # $(wildcard): a module deleted since this was written drops out instead of stopping make
    lines += [f"{var} := $(wildcard {' '.join(rel(p) for p in files)})" for var, files in lists.items()]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # python -m analysis.run.inputs make [ROOT]
    if sys.argv[1:2] != ["make"]:
        sys.exit("usage: python -m analysis.run.inputs make [PROJECT_ROOT]")
    sys.stdout.write(make_rules(Path(sys.argv[2] if len(sys.argv) > 2 else ".")))
