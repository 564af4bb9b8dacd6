"""Shared fixtures: paths, a throw-away copy of data/, and one full book build per session."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

# Build matplotlib's font cache now, in the test process: on a fresh machine the first kernel
# would otherwise announce it on stderr, and that line would appear in one build and not the other.
import matplotlib.font_manager  # noqa: F401,E402

# Property tests draw the same examples on every run: a CI failure can be reproduced, and CI
# cannot fail on an example that no earlier run drew.
from hypothesis import settings  # noqa: E402

settings.register_profile("project", derandomize=True, deadline=None)
settings.load_profile("project")

#: Variables that would change what a build produces; the test builds never inherit them.
BUILD_ENV_OVERRIDES = ("BOOK_REPOSITORY_URL", "BOOK_REPOSITORY_BRANCH", "INTAKE_ALLIANCE_DATA", "BUILT_BOOK")
#: The fixed build date (1 January 2026) that makes builds byte-identical; the Makefile uses the same.
SOURCE_DATE_EPOCH = "1767225600"

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.fixture()
def data_copy(tmp_path: Path) -> Path:
    """A private copy of data/ that a test may corrupt."""
    dst = tmp_path / "data"
    shutil.copytree(ROOT / "data", dst)
    return dst


def build_book_into(out: Path, jobs: int = 2) -> subprocess.CompletedProcess:
    """Run a clean build into ``out`` as ``make book`` does (notebooks executed in ``jobs`` processes first).

    ``jobs=1`` runs plain ``jupyter-book build``, where myst-nb executes the notebooks one by one.
    """
    env = {k: v for k, v in os.environ.items() if k not in BUILD_ENV_OVERRIDES}
    env.update(PYTHONHASHSEED="0", SOURCE_DATE_EPOCH=SOURCE_DATE_EPOCH)
    if jobs > 1:
        cmd = [sys.executable, "-m", "intake_alliance", "build-book", "--jobs", str(jobs), "--path-output", str(out)]
    else:
        cmd = [str(Path(sys.executable).parent / "jupyter-book"), "build", str(ROOT), "--builder", "html",
               "-W", "-n", "--keep-going", "--path-output", str(out)]
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1500)


@pytest.fixture(scope="session")
def built_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the whole book once into a temporary directory; return its html folder.

    For quick iteration on the site tests only, ``BUILT_BOOK=/path/to/_build/html`` reuses an existing build.
    """
    reuse = os.environ.get("BUILT_BOOK")
    if reuse:
        if not (Path(reuse) / "intro.html").is_file():
            pytest.fail(f"BUILT_BOOK={reuse} is not the html folder of a built book")
        stale = Path(reuse) / "BUILD_NOT_CURRENT.txt"
        if stale.exists():
            pytest.fail(f"BUILT_BOOK={reuse}: refused: {stale.read_text().strip()}")
        return Path(reuse)
    out = tmp_path_factory.mktemp("book")
    proc = build_book_into(out)
    if proc.returncode != 0:
        reports = "\n".join(p.read_text() for p in (out / "_build" / "html" / "reports").glob("**/*.log"))
        pytest.fail(f"jupyter-book build failed ({proc.returncode}):\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}\n{reports[-4000:]}")
    assert not (out / "_build" / "html" / "BUILD_NOT_CURRENT.txt").exists(), "a successful build leaves no marker"
    return out / "_build" / "html"
