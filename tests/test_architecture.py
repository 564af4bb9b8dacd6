"""The package's shape (issue 15): four layers importing one way, readable sizes, a repository that stands alone."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

PACKAGE = ROOT / "src" / "intake_alliance"
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
MAX_MODULE_LINES = 800
MAX_FUNCTION_CODE_LINES = 60


def _lint_imports(cwd: Path, src: Path) -> subprocess.CompletedProcess:
    env = {"PATH": str(Path(sys.executable).parent), "PYTHONPATH": str(src), "HOME": str(cwd)}
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=300)


def test_the_layers_import_one_way() -> None:
    proc = _lint_imports(ROOT, ROOT / "src")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "4 kept, 0 broken" in proc.stdout


@pytest.mark.parametrize("module, line, contract", [
    ("stats/checks.py", "from intake_alliance import data", "stats is general"),
    ("stats/power.py", "import matplotlib.pyplot", "stats is general"),
    ("study/design.py", "from intake_alliance.figures import PALETTE", "Layers"),
    ("study/frequencies.py", "import seaborn", "only figures draw"),
    ("data.py", "from intake_alliance.stats import grim", "data, paths and ledger"),
])
def test_a_wrong_import_breaks_a_contract(tmp_path: Path, module: str, line: str, contract: str) -> None:
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copytree(PACKAGE, tmp_path / "src" / "intake_alliance", ignore=shutil.ignore_patterns("__pycache__"))
    target = tmp_path / "src" / "intake_alliance" / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}  # noqa\n", encoding="utf-8")
    proc = _lint_imports(tmp_path, tmp_path / "src")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    broken = [ln for ln in proc.stdout.splitlines() if ln.endswith("BROKEN")]
    assert any(contract in ln for ln in broken), proc.stdout


def test_the_four_layers_exist() -> None:
    for layer in ("stats", "study", "figures", "book", "book/sphinx"):
        assert (PACKAGE / layer / "__init__.py").is_file(), layer
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert top == ["__init__.py", "__main__.py", "data.py", "ledger.py", "paths.py"], top


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", _modules(), ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_no_module_is_too_long(path: Path) -> None:
    n = len(path.read_text(encoding="utf-8").splitlines())
    assert n <= MAX_MODULE_LINES, f"{path.relative_to(ROOT)} has {n} lines (limit {MAX_MODULE_LINES}): split it"


def code_lines(func: ast.FunctionDef, lines: list[str]) -> int:
    """Lines of a function's body that hold code: no docstring, comment or blank line."""
    body = func.body
    skip: set[int] = set()
    first = body[0]
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
        skip = set(range(first.lineno, first.end_lineno + 1))
    return sum(1 for i in range(body[0].lineno, func.end_lineno + 1)
               if i not in skip and lines[i - 1].strip() and not lines[i - 1].strip().startswith("#"))


def test_code_lines_counts_code_only() -> None:
    src = 'def f():\n    """Doc\n    string."""\n    # a comment\n\n    x = 1\n    return x\n'
    func = ast.parse(src).body[0]
    assert code_lines(func, src.splitlines()) == 2


def test_no_function_is_too_long() -> None:
    long = []
    for path in _modules():
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = code_lines(node, lines)
                if n > MAX_FUNCTION_CODE_LINES:
                    long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({n} lines of code)")
    assert long == [], long


def test_nothing_reads_or_mentions_a_folder_outside_the_repository() -> None:
    outside = "../" + "shared"  # spelled in two parts so that this file does not match itself
    hits = []
    for top in ("src", "tests", "notebooks"):
        for path in (ROOT / top).rglob("*"):
            if path.is_file() and path.suffix in (".py", ".ipynb", ".md", ".csv", ".json", ".yml", ".toml"):
                if outside in path.read_text(encoding="utf-8", errors="replace"):
                    hits.append(path.relative_to(ROOT).as_posix())
    assert hits == []


def test_the_book_pages_come_from_the_toc_only() -> None:
    from intake_alliance import paths
    from intake_alliance.book import execution

    pages = [p.relative_to(ROOT).as_posix() for p in paths.toc_files(ROOT)]
    assert pages[0] == "intro.md" and "notebooks/07_coding_lab.ipynb" in pages
    assert set(execution.book_notebooks(ROOT)) <= set(paths.toc_files(ROOT))


def _import_edges() -> dict[str, set[str]]:
    """Every import between the package's modules, those inside function bodies included (ast, not grimp)."""
    modules = {".".join(p.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__"): p
               for p in _modules()}
    edges: dict[str, set[str]] = {m: set() for m in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(up + ([base] if base else []))
                targets = [f"{base}.{a.name}" for a in node.names] + [base]
            for target in targets:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                # a package's __init__ is not an edge of its own submodules' imports of siblings
                if target and target != name and not name.startswith(target + "."):
                    edges[name].add(target)
    return edges


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in edges:
        if v not in index:
            visit(v)
    return out


def test_cycles_are_found_by_the_measure() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_the_import_graph_has_no_cycle_even_through_imports_inside_functions() -> None:
    edges = _import_edges()
    assert "intake_alliance.study.reconstruct" in edges["intake_alliance.study.solving"]  # the measure sees edges
    assert "intake_alliance.book.handouts" in edges["intake_alliance.book.sphinx.teaching_downloads"]  # and lazy ones
    assert _cycles(edges) == []


def _private_uses(path: Path) -> list[str]:
    """Underscore names a module takes from another module of the package: imported, or read as ``mod._name``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found, module_aliases = [], set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module != "__future__":
            inside = node.level > 0 or (node.module or "").startswith("intake_alliance")
            parts = (node.module or "").split(".")
            if inside and any(p.startswith("_") and not p.startswith("__") for p in parts):
                found.append(f"{path.name}:{node.lineno} imports from private module {node.module}")
            for alias in node.names:
                if inside and alias.name.startswith("_") and not alias.name.startswith("__"):
                    found.append(f"{path.name}:{node.lineno} imports {alias.name}")
                elif inside:
                    module_aliases.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            module_aliases.update(a.asname or a.name.split(".")[0] for a in node.names
                                  if a.name.startswith("intake_alliance"))
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in module_aliases
                and node.attr.startswith("_") and not node.attr.startswith("__")):
            found.append(f"{path.name}:{node.lineno} reads {node.value.id}.{node.attr}")
    return found


def test_private_uses_are_found_by_the_measure(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text("from .coding import _prepare, table\nfrom ..stats import _checks\n"
                     "from . import reconstruct as rc\nx = rc._triplets(1)\n", encoding="utf-8")
    assert len(_private_uses(probe)) == 3


def test_no_module_takes_a_private_name_from_another() -> None:
    hits = [hit for path in _modules() for hit in _private_uses(path)]
    assert hits == [], hits
