"""What tests/test_environment.py checks of the three environment files (tests only)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from intake_alliance.book.envfiles import _pins, read_lock
from intake_alliance.paths import ROOT


def read_environment(path: str | Path = ROOT / "environment.yml") -> tuple[str, dict[str, str]]:
    """Return the Python version and the pip pins of ``environment.yml``."""
    path = Path(path)
    env = yaml.safe_load(path.read_text(encoding="utf-8"))
    python, pip_lines = None, None
    for dep in env.get("dependencies", []):
        if isinstance(dep, str) and dep.startswith("python"):
            python = dep.split("=", 1)[1].lstrip("=") if "=" in dep else ""
        elif isinstance(dep, dict) and "pip" in dep:
            pip_lines = dep["pip"]
    if python is None or pip_lines is None:
        raise ValueError(f"{path.name}: needs a 'python=X.Y' dependency and a 'pip:' section")
    return python, _pins(pip_lines, f"{path.name} (pip section)")


def read_pyproject(path: str | Path = ROOT / "pyproject.toml") -> tuple[str, list[Requirement]]:
    """Return ``requires-python`` and the requirements of ``pyproject.toml``: runtime and every extra (the lock pins both)."""
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    project = data["project"]
    extras = [r for reqs in project.get("optional-dependencies", {}).values() for r in reqs]
    return project["requires-python"], [Requirement(r) for r in project["dependencies"] + extras]


def disagreements(root: str | Path = ROOT) -> list[str]:
    """Return one message per package on which the three environment files disagree."""
    root = Path(root)
    lock = read_lock(root / "requirements.lock")
    python, env = read_environment(root / "environment.yml")
    requires_python, reqs = read_pyproject(root / "pyproject.toml")
    problems = []
    for req in reqs:
        name = canonicalize_name(req.name)
        if name not in lock:
            problems.append(f"{name}: required by pyproject.toml but missing from requirements.lock")
        elif not req.specifier.contains(Version(lock[name]), prereleases=True):
            problems.append(f"{name}: locked at {lock[name]}, outside pyproject.toml's range {req.specifier}")
    for name in sorted(set(lock) | set(env)):
        if name not in env:
            problems.append(f"{name}: in requirements.lock ({lock[name]}) but not in environment.yml")
        elif name not in lock:
            problems.append(f"{name}: in environment.yml ({env[name]}) but not in requirements.lock")
        elif lock[name] != env[name]:
            problems.append(f"{name}: requirements.lock pins {lock[name]}, environment.yml pins {env[name]}")
    from packaging.specifiers import SpecifierSet

    if not SpecifierSet(requires_python).contains(Version(python + ".0" if python.count(".") == 1 else python)):
        problems.append(f"python: environment.yml asks for {python}, pyproject.toml requires {requires_python}")
    return problems
