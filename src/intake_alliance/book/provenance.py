"""Where each glued value comes from, recorded in the kernel when a chapter glues it.

:func:`intake_alliance.book.gluing.glue` stores, beside the value, a small record under the output
metadata key :data:`METADATA_KEY`:

* ``kind``: ``printed`` (the paper's printed form, quoted: ``glue_published``), ``computed`` (a value the
  book recomputes under the key of the number the paper printed: ``glue_computed``), ``verdict`` (the audit's
  verdict on a printed number: ``glue_verdict``) or ``derived`` (any other value a chapter computes);
* ``key``: the row of ``reported_values.csv`` for the first three kinds; ``quotes``: the rows a glued phrase
  quotes as printed ("47.36% and 59.7%");
* ``functions``: the package's functions that computed the value (the nearest ones: called in the statement
  that glues it, or else in the statement that made the names it uses), each with its source file and line;
  ``uses``: the package's functions further back, whose results those took in;
* ``inputs``: the data files those functions read; ``settings``: the package's constants the chapter's code
  read on the way (``nesting.ICC_GRID``) and the statistics libraries' functions it called itself
  (``statsmodels: StratifiedTable``);
* ``random``: those of them that drew random numbers (through ``stats.checks.make_rng``, which notes it in the
  :mod:`~intake_alliance.ledger`), and ``simulated``: whether one of those makes up data (its name says so:
  ``simulate_*``, ``random_*``) rather than resampling or searching.

The functions are found by reading the chapter's code: the statement that glues the value, and, through the
names it uses, every earlier statement of the notebook that assigned them (a def-use walk over the cells the
kernel has run, with the names resolved in the kernel's namespace, so ``stats.cohen_kappa`` is the function
``intake_alliance.stats.agreement.cohen_kappa``). Formatting helpers (``book.gluing``, ``book.tables``, ``fmt_*``) are not counted: they
print a number, they do not compute it. The data files are the ones :func:`intake_alliance.data.load` saw
while those functions ran. The Sphinx extension :mod:`intake_alliance.book.sphinx.provenance` turns the record
into the card a reader opens beside the number, with the words of :mod:`intake_alliance.book.numbers`.
"""

from __future__ import annotations

import ast
import inspect
import linecache
import re
import sys
from pathlib import Path
from typing import Any

from .. import data, ledger
from ..paths import ROOT

__all__ = ["METADATA_KEY", "KINDS", "record"]

#: The output-metadata key of the record.
METADATA_KEY = "intake_alliance"
KINDS = ("printed", "computed", "verdict", "derived")
#: of the functions that drew random numbers (the ledger says which), one that makes up data says so in its name
#: (simulate_growth_curves, random_pattern_tables); the others resample or search (a bootstrap, sampled rosters)
_SIMULATES = re.compile(r"simulat|random")
#: the statistics libraries whose functions a card names when a chapter calls them itself
_LIBRARIES = {"statsmodels", "scipy", "pingouin", "sklearn", "krippendorff"}
#: the data package's doors: their input is named by their first argument, not by what they ever read
_DOORS = {"intake_alliance.data.load", "intake_alliance.data.reported", "intake_alliance.data.reported_value"}


def _qualified(fn: Any) -> str:
    """``module.qualname``: how the ledger and the records name a function."""
    return f"{fn.__module__}.{fn.__qualname__}"


def _function(obj: Any) -> Any | None:
    """The package function ``obj`` is, unwrapped, or None (formatting helpers and anything else)."""
    obj = inspect.unwrap(obj) if callable(obj) else obj
    module, name = getattr(obj, "__module__", "") or "", getattr(obj, "__qualname__", "")
    if not inspect.isfunction(obj) or not module.startswith("intake_alliance."):
        return None
    if module in ("intake_alliance.book.gluing", "intake_alliance.book.tables") or name.startswith("fmt_"):
        return None
    return obj


class _Flow:
    """Which package functions (and data files) each name of the notebook's namespace was computed from."""

    def __init__(self, namespace: dict[str, Any]) -> None:
        self.ns, self.env = namespace, {}

    def _lookup(self, node: ast.expr) -> Any | None:
        """The object a name or dotted name stands for, looked up only through modules (no attribute of a data
        object is ever evaluated), or None."""
        parts = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        obj = self.ns.get(node.id) if isinstance(node, ast.Name) else None
        for part in reversed(parts):
            obj = getattr(obj, part, None) if inspect.ismodule(obj) else None
        return obj

    def _library(self, node: ast.expr) -> str | None:
        """``statsmodels: StratifiedTable`` when ``node`` names a function or class of a statistics library."""
        obj = self._lookup(node)
        module = getattr(obj, "__module__", "") or ""
        if callable(obj) and module.split(".")[0] in _LIBRARIES:
            return f"{module.split('.')[0]}: {getattr(obj, '__qualname__', '')}"
        return None

    def _resolve(self, node: ast.expr) -> Any | None:
        return _function(self._lookup(node))

    def _constant(self, node: ast.Attribute) -> str | None:
        """``module.NAME`` when ``node`` reads a setting of the package (``nesting.ICC_GRID``), else None."""
        owner = self._lookup(node.value) if isinstance(node.ctx, ast.Load) else None
        if not inspect.ismodule(owner) or not owner.__name__.startswith("intake_alliance."):
            return None
        value = getattr(owner, node.attr, None)
        if value is None or callable(value) or inspect.ismodule(value):
            return None
        return f"{owner.__name__}.{node.attr}"

    def deps(self, node: ast.AST | None) -> set[tuple[str, Any]]:
        """``("function", f)`` for every package function behind ``node``, ``("file", path)`` for the data files
        named at a door of the data package, and ``("near", f)`` for the nearest ones: those called in ``node``
        itself or, when it calls none, the nearest ones of the names it uses."""
        out: set[tuple[str, Any]] = set()
        inherited: set[tuple[str, Any]] = set()
        walked = list(ast.walk(node)) if node is not None else []
        # a name that only picks a row or column (table.loc[..., theme]) chooses where the value is read, it
        # does not compute it
        index = {id(n) for s in walked if isinstance(s, ast.Subscript) for n in ast.walk(s.slice)
                 if isinstance(n, ast.Name)}
        for sub in walked:
            if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Load) and id(sub) not in index:
                inherited |= self.env.get(sub.id, set())
            elif isinstance(sub, ast.Attribute) and (setting := self._constant(sub)) is not None:
                out.add(("setting", setting))
            elif isinstance(sub, ast.Call) and (library := self._library(sub.func)) is not None:
                out.add(("library", library))
            elif isinstance(sub, ast.Call) and (fn := self._resolve(sub.func)) is not None:
                out |= {("function", fn), ("near", fn)}
                door = _qualified(fn)
                if door == "intake_alliance.data.load":  # the resource is its first argument
                    first = sub.args[0] if sub.args else None
                    files = (_resource_files(first.value) if isinstance(first, ast.Constant)
                             else data.files_read_by(door))  # a name computed at run time: any file it has read
                    out |= {("file", path) for path in files}
                elif door in _DOORS:
                    out |= {("file", path) for path in _resource_files("reported_values")}
        called = any(kind == "near" for kind, _ in out)
        return out | {d for d in inherited if d[0] != "near" or not called}

    def _bind(self, target: ast.AST, deps: set, replace: bool) -> None:
        for sub in ast.walk(target):
            if isinstance(sub, ast.Name):
                self.env[sub.id] = set(deps) if replace and isinstance(target, (ast.Name, ast.Tuple, ast.List)) \
                    else self.env.get(sub.id, set()) | deps

    def run(self, statements: list[ast.stmt]) -> None:
        for s in statements:
            if isinstance(s, ast.Assign):
                for target in s.targets:
                    self._bind(target, self.deps(s.value), replace=True)
            elif isinstance(s, (ast.AugAssign, ast.AnnAssign)):
                self._bind(s.target, self.deps(s.value), replace=False)
            elif isinstance(s, (ast.For, ast.AsyncFor)):
                self._bind(s.target, self.deps(s.iter), replace=True)
                self.run(s.body + s.orelse)
            elif isinstance(s, (ast.With, ast.AsyncWith)):
                for item in s.items:
                    if item.optional_vars is not None:
                        self._bind(item.optional_vars, self.deps(item.context_expr), replace=True)
                self.run(s.body)
            elif isinstance(s, (ast.If, ast.While)):
                self.run(s.body + s.orelse)
            elif isinstance(s, ast.Try):
                self.run(s.body + [h for x in s.handlers for h in x.body] + s.orelse + s.finalbody)
            elif isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self.env[s.name] = self.deps(s)
            elif isinstance(s, ast.Expr) and isinstance(s.value, ast.Call) \
                    and isinstance(s.value.func, ast.Attribute) and isinstance(s.value.func.value, ast.Name) \
                    and not inspect.ismodule(self.ns.get(s.value.func.value.id)):
                # a method that changes its object in place: table.update(...), rows.append(...); not a module's
                # function called for its effect (figures.setup())
                self._bind(s.value.func.value, self.deps(s.value), replace=False)


def _resource_files(name: str) -> list[str]:
    try:
        return [f"data/{r['path']}" for r in data.datapackage()["resources"] if r["name"] == name]
    except (OSError, ValueError, KeyError):
        return []


def _parse(source: str) -> list[ast.stmt]:
    try:
        return ast.parse(source).body
    except SyntaxError:
        return []


#: the walk over the cells that ran before the current one, kept between glue calls of one kernel
_EARLIER: dict[str, Any] = {}


def _cell_frame() -> Any | None:
    """The frame of the notebook's own code that (directly or through the package) called ``glue``."""
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_globals.get("__name__") == "__main__" and frame.f_code.co_filename in linecache.cache:
            return frame
        frame = frame.f_back
    return None


def _trace() -> tuple[list[Any], list[Any], list[str], list[str]]:
    """The package functions behind the value being glued now (the nearest ones, and those further back), the
    data files they read and the package settings the notebook used (empty outside a kernel)."""
    frame = _cell_frame()
    shell = sys.modules.get("IPython") and sys.modules["IPython"].get_ipython()
    if frame is None or shell is None:
        return [], [], [], []
    current = "".join(linecache.getlines(frame.f_code.co_filename))
    earlier = [source for source in shell.user_ns.get("_ih", [])[1:] if source != current]
    done = _EARLIER.get("sources", [])
    if _EARLIER.get("ns") is not shell.user_ns or earlier[:len(done)] != done:  # another kernel, or cells re-run
        _EARLIER.update(ns=shell.user_ns, sources=[], env={})
    flow = _Flow(shell.user_ns)
    flow.env = _EARLIER["env"]
    for source in earlier[len(_EARLIER["sources"]):]:  # the cells run since the last glue, once each
        flow.run(_parse(source))
    _EARLIER.update(sources=earlier, env=flow.env)
    flow.env = dict(flow.env)  # the current cell is walked on a copy: it may still be running
    statements = _parse(current)
    flow.run(statements)
    line = frame.f_lineno
    here = [s for s in ast.walk(ast.Module(body=statements, type_ignores=[]))
            if isinstance(s, ast.stmt) and not isinstance(s, (ast.For, ast.While, ast.If, ast.With, ast.Try,
                                                               ast.FunctionDef, ast.AsyncFunctionDef))
            and s.lineno <= line <= (s.end_lineno or s.lineno)]
    deps: set = set().union(*(flow.deps(s) for s in here)) if here else set()
    near = sorted({fn for kind, fn in deps if kind == "near"}, key=_qualified)
    further = sorted({fn for kind, fn in deps if kind == "function"} - set(near), key=_qualified)
    files = {f for kind, f in deps if kind == "file"}
    for fn in near + further:
        if _qualified(fn) not in _DOORS:
            files.update(data.files_read_by(_qualified(fn)))
    return near, further, sorted(files), sorted(f for kind, f in deps if kind in ("setting", "library"))


def _where(fn: Any) -> dict[str, Any]:
    try:
        path = inspect.getsourcefile(fn)
        line = inspect.getsourcelines(fn)[1]
        rel = Path(path).resolve().relative_to(ROOT).as_posix() if path else ""
    except (OSError, TypeError, ValueError):
        rel, line = "", 0
    return {"name": _qualified(fn), "path": rel, "line": line}


def record(kind: str, key: str | None = None, value: Any = None, quotes: list[str] | None = None) -> dict[str, Any]:
    """The record stored beside a glued value (see the module's description); ``value`` is the number as
    computed, kept for ``computed`` values at full precision."""
    if kind not in KINDS:
        raise ValueError(f"kind: expected one of {KINDS}, got {kind!r}")
    near, further, files, settings = _trace() if kind in ("computed", "derived") else ([], [], [], [])
    drew = [f for f in near + further if ledger.RANDOM in ledger.of(_qualified(f))]
    out: dict[str, Any] = {"kind": kind, "functions": [_where(f) for f in near], "uses": [_where(f) for f in further],
                           "inputs": files, "settings": settings, "random": [_where(f)["name"] for f in drew],
                           "simulated": any(_SIMULATES.search(f.__name__) for f in drew)}
    if key is not None:
        out["key"] = key
    if quotes:
        out["quotes"] = list(quotes)
    if value is not None:
        out["value"] = repr(float(value)) if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)
    return out
