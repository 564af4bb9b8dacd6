"""Environment files agree; the GitHub workflow is valid; the repository has its design-card layout."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import environment_checks
from intake_alliance.book import envfiles

ROOT = Path(__file__).resolve().parents[1]


def test_environment_files_agree() -> None:
    assert environment_checks.disagreements(ROOT) == []


def test_disagreement_is_detected(tmp_path: Path) -> None:
    for name in ("requirements.lock", "environment.yml", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    env = (tmp_path / "environment.yml").read_text()
    lock = envfiles.read_lock(ROOT / "requirements.lock")
    (tmp_path / "environment.yml").write_text(env.replace(f"pandas=={lock['pandas']}", "pandas==2.0.0"))
    problems = environment_checks.disagreements(tmp_path)
    assert any(p.startswith("pandas: requirements.lock pins") for p in problems)


def test_lock_outside_pyproject_range_is_detected(tmp_path: Path) -> None:
    for name in ("requirements.lock", "environment.yml", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    py = (tmp_path / "pyproject.toml").read_text()
    (tmp_path / "pyproject.toml").write_text(py.replace('"scipy>=1.13"', '"scipy>=99"'))
    assert any(p.startswith("scipy: locked at") for p in environment_checks.disagreements(tmp_path))


def test_lock_has_only_exact_pins() -> None:
    lock = envfiles.read_lock(ROOT / "requirements.lock")
    assert "jupyter-book" in lock and lock["jupyter-book"].startswith("1.")
    assert "irrcac" not in lock  # would pin scipy and pandas back


def test_github_workflow_is_valid() -> None:
    exe = Path(sys.executable).parent / "check-jsonschema"
    proc = subprocess.run([str(exe), "--builtin-schema", "vendor.github-workflows",
                           *map(str, sorted((ROOT / ".github" / "workflows").glob("*.yml")))],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_broken_workflow_is_rejected(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text("on: push\njobs:\n  build:\n    steps: 3\n")
    exe = Path(sys.executable).parent / "check-jsonschema"
    proc = subprocess.run([str(exe), "--builtin-schema", "vendor.github-workflows", str(bad)],
                          capture_output=True, text=True)
    assert proc.returncode != 0


@pytest.mark.parametrize("name", ["_config.yml", "_toc.yml", "intro.md", "notebooks", "src/intake_alliance", "data",
                                  "references.bib", "tests", "environment.yml", "pyproject.toml", "Makefile",
                                  "README.md", "LICENSE", ".ci/run", ".github/workflows"])
def test_layout(name: str) -> None:
    assert (ROOT / name).exists(), name


def test_readme_starts_with_the_two_commands() -> None:
    text = (ROOT / "README.md").read_text()
    first_block = text.split("```")[1]
    assert "make book" in first_block and "make test" in first_block
    assert "MIT" in text and "CC BY 4.0" in text


def test_build_environment_compares_installed_with_locked(tmp_path):
    from intake_alliance.book import envfiles

    env = envfiles.build_environment()
    assert set(envfiles.KEY_PACKAGES) <= set(env["component"])
    assert (env.loc[env["locked"] != "", "as locked"] == "yes").all()
    lock = tmp_path / "requirements.lock"
    lock.write_text("numpy==0.0.1\n")
    drifted = envfiles.build_environment(("numpy", "scipy"), lock=lock).set_index("component")
    assert drifted.loc["numpy", "as locked"] == "NO"
    assert drifted.loc["scipy", "locked"] == "" and drifted.loc["scipy", "as locked"] == ""


def test_build_environment_names_a_missing_package():
    import pytest

    from intake_alliance.book import envfiles

    with pytest.raises(ValueError, match="no-such-package-xyz"):
        envfiles.build_environment(("no-such-package-xyz",))
