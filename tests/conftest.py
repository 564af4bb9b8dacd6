"""Shared fixtures: paths, a throw-away copy of data/, and one full book build per session."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
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


def _build_command(out: Path, jobs: int) -> list[str]:
    if jobs > 1:
        return [sys.executable, "-m", "intake_alliance", "build-book", "--jobs", str(jobs), "--path-output", str(out)]
    return [str(Path(sys.executable).parent / "jupyter-book"), "build", str(ROOT), "--builder", "html",
            "-W", "-n", "--keep-going", "--path-output", str(out)]


def clean_env(**extra: str) -> dict[str, str]:
    """The environment of a build or CLI run: nothing inherited that would change what it produces."""
    env = {k: v for k, v in os.environ.items() if k not in BUILD_ENV_OVERRIDES}
    env.update(PYTHONHASHSEED="0", SOURCE_DATE_EPOCH=SOURCE_DATE_EPOCH, **extra)
    return env


def build_book_into(out: Path, jobs: int = 2) -> subprocess.CompletedProcess:
    """Run a clean build into ``out`` as ``make book`` does (notebooks executed in ``jobs`` processes first).

    ``jobs=1`` runs plain ``jupyter-book build``, where myst-nb executes the notebooks one by one.
    """
    return subprocess.run(_build_command(out, jobs), cwd=ROOT, env=clean_env(), capture_output=True, text=True,
                          timeout=1500)


# --- work started once per run, in the background ---------------------------------------------------
#
# The session's book build, the second clean build that the determinism tests compare with it, and the
# regeneration of data/derived/ are started as soon as the tests are collected (only those some selected
# test needs), each in its own process: the machine's cores build while the unit tests run, and each
# fixture below waits for its job. Nothing is written into the repository.


class Background:
    """A command started now, whose output goes to a log file; :meth:`result` waits for it."""

    def __init__(self, name: str, cmd: list[str], workdir: Path, env: dict[str, str]) -> None:
        self.name, self.workdir = name, workdir
        self.log = workdir / f"{name}.log"
        with self.log.open("w") as log:
            # its own process group, so that stop() reaches the workers, kernels and Sphinx it starts
            self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, start_new_session=True)

    def result(self, timeout: int = 1800) -> tuple[int, str]:
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.stop()
            pytest.fail(f"background job {self.name} did not finish in {timeout} s:\n{self.log.read_text()[-4000:]}")
        return code, self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        """Kill the job and everything it started (its process group and any session a child opened)."""
        import psutil

        try:
            tree = [psutil.Process(self.proc.pid)] + psutil.Process(self.proc.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            tree = []
        for proc in tree:
            try:
                proc.kill()
            except psutil.NoSuchProcess:
                pass
        psutil.wait_procs(tree, timeout=10)
        self.proc.wait()


_JOBS: dict[str, Background] = {}
_WORKDIR: list[Path] = []
_LOCK = threading.Lock()
_CLOSED: list[bool] = []  # set when the session ends: nothing starts after that


def _start(name: str) -> Background | None:
    with _LOCK:
        if _CLOSED:
            return _JOBS.get(name)
        return _start_locked(name)


def _start_locked(name: str) -> Background:
    if name not in _JOBS:
        if not _WORKDIR:
            _WORKDIR.append(Path(tempfile.mkdtemp(prefix="intake-alliance-tests-")))
        work = _WORKDIR[0] / name
        work.mkdir()
        if name == "book":
            cmd = _build_command(work, 2)
        elif name == "second_book":
            cmd = _build_command(work, 1)
        else:  # the derived tables, regenerated from the committed published values
            cmd = [sys.executable, "-m", "intake_alliance", "derive", "--into", str(work / "data"), "--quiet"]
        _JOBS[name] = Background(name, cmd, work, clean_env())
    return _JOBS[name]


#: Fixtures that wait for a background job: tests using them run after all the others, so that the unit
#: tests use the cores while the books build (pytest keeps the collection order otherwise).
_WAITS = {"built_book", "second_build", "regenerated", "site_copy"}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--order", default="file", metavar="file|reverse|random:SEED",
                     help="run the tests in file order (default), reversed, or shuffled with a seed: the suite "
                          "must not depend on the order (tests that wait for a background build still run last)")


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list) -> None:
    order = config.getoption("order")
    if order == "reverse":
        items.reverse()
    elif order.startswith("random:"):
        random.Random(order.removeprefix("random:")).shuffle(items)
    elif order != "file":
        raise pytest.UsageError(f"--order must be file, reverse or random:SEED; got {order!r}")
    items.sort(key=lambda item: bool(_WAITS & set(getattr(item, "fixturenames", ()))))  # stable: keeps the order


def pytest_collection_finish(session: pytest.Session) -> None:
    """Once every plugin has selected (-k, -m, --lf): start only what the selected tests need.

    The book builds start at once; the derive regeneration (two more processes) starts when the first
    build is done, so that at most three processes compete for the cores while notebooks execute.
    """
    items = session.items
    needed = set().union(*(set(getattr(item, "fixturenames", ())) for item in items)) if items else set()
    if session.config.option.collectonly:
        return
    book = "built_book" in needed and not os.environ.get("BUILT_BOOK")
    if book:
        _start("book")
    if "second_build" in needed:
        _start("second_book")
    if "regenerated" in needed:
        if book:
            first = _JOBS["book"]
            threading.Thread(target=lambda: (first.proc.wait(), _start("derived")), daemon=True).start()
        else:
            _start("derived")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    with _LOCK:
        _CLOSED.append(True)
    for job in list(_JOBS.values()):
        job.stop()
    for work in _WORKDIR:
        shutil.rmtree(work, ignore_errors=True)


@pytest.fixture(scope="session")
def built_book() -> Path:
    """The whole book, built once per run as ``make book`` does, into a temporary folder; its html folder.

    For quick iteration on the site tests only, ``BUILT_BOOK=/path/to/_build/html`` reuses an existing build.
    Tests must not change it: :func:`site_copy` gives a private copy.
    """
    reuse = os.environ.get("BUILT_BOOK")
    if reuse:
        if not (Path(reuse) / "intro.html").is_file():
            pytest.fail(f"BUILT_BOOK={reuse} is not the html folder of a built book")
        stale = Path(reuse) / "BUILD_NOT_CURRENT.txt"
        if stale.exists():
            pytest.fail(f"BUILT_BOOK={reuse}: refused: {stale.read_text().strip()}")
        return Path(reuse)
    job = _start("book")
    code, log = job.result()
    out = job.workdir
    if code != 0:
        reports = "\n".join(p.read_text() for p in (out / "_build" / "html" / "reports").glob("**/*.log"))
        pytest.fail(f"jupyter-book build failed ({code}):\n{log[-6000:]}\n{reports[-4000:]}")
    assert not (out / "_build" / "html" / "BUILD_NOT_CURRENT.txt").exists(), "a successful build leaves no marker"
    return out / "_build" / "html"


def _finished(name: str, what: str) -> Path:
    """Wait for background job ``name``; fail naming ``what`` with its log if it failed; return its folder."""
    job = _start(name)
    code, log = job.result()
    if code != 0:
        pytest.fail(f"{what} failed ({code}):\n{log[-6000:]}")
    return job.workdir


@pytest.fixture(scope="session")
def second_build() -> Path:
    """A second clean build, plain ``jupyter-book build`` (myst-nb executes the notebooks one by one); its _build."""
    return _finished("second_book", "the second (plain jupyter-book) build") / "_build"


@pytest.fixture(scope="session")
def regenerated() -> Path:
    """``data/derived/`` regenerated once per run (``derive --into``) from the committed published values."""
    return _finished("derived", "derive --into") / "data"


@pytest.fixture()
def site_copy(built_book: Path, tmp_path: Path) -> Path:
    """A private copy of the session build's ``_build`` folder (for tests that print or rebuild it)."""
    dst = tmp_path / "_build"
    shutil.copytree(built_book.parent, dst, symlinks=True)
    return dst
