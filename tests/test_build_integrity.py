"""A build that cannot lie: rebuilds in the same folder after changes, failing notebooks, Ctrl-C, CLI errors.

The rebuild tests work on a copy of the repository's tracked files, with the copy's
``src/`` first on ``PYTHONPATH`` (the kernels inherit it), so that a change to the
package or the data can be made without touching the repository.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import BUILD_ENV_OVERRIDES, ROOT, SOURCE_DATE_EPOCH

MARKER = "QZX marker sentence for the rebuild test"


def _env(copy: Path | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in BUILD_ENV_OVERRIDES}
    env.update(PYTHONHASHSEED="0", SOURCE_DATE_EPOCH=SOURCE_DATE_EPOCH, NO_COLOR="1")
    if copy is not None:
        env["PYTHONPATH"] = str(copy / "src")
    return env


def _cli(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None, timeout: int = 900):
    return subprocess.run([sys.executable, "-m", "intake_alliance", *args], cwd=cwd, env=env or _env(),
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def repo_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's tracked files (as they are in the working tree), copied to a temporary folder."""
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    dst = tmp_path_factory.mktemp("repo")
    for name in filter(None, files.decode().split("\0")):
        src = ROOT / name
        if src.is_file():
            (dst / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst / name)
    return dst


def _build(copy: Path, jobs: int = 2) -> subprocess.CompletedProcess:
    return _cli("build-book", "--jobs", str(jobs), cwd=copy, env=_env(copy), timeout=1500)


@pytest.mark.slow
def test_rebuild_shows_valid_changes_and_fails_on_broken_ones(repo_copy: Path) -> None:
    copy = repo_copy
    lab = copy / "_build" / "html" / "notebooks" / "07_coding_lab.html"
    first = _build(copy)
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    assert MARKER not in lab.read_text(encoding="utf-8")

    # a valid data change (an edited vignette, re-hashed) shows on the rebuilt page
    vignettes = copy / "data" / "teaching" / "vignettes.csv"
    package = copy / "data" / "datapackage.json"
    original, original_package = vignettes.read_bytes(), package.read_bytes()
    text = original.decode("utf-8")
    first_line_end = text.index("\n", text.index("\nV01,") + 1)
    row = text[text.index("\nV01,") + 1:first_line_end]
    vignettes.write_text(text.replace(row, row.replace("client,", f"client,{MARKER}. ", 1)), encoding="utf-8")
    assert _cli("rehash", cwd=copy, env=_env(copy)).returncode == 0
    second = _build(copy)
    assert second.returncode == 0, second.stdout[-3000:] + second.stderr[-3000:]
    assert MARKER in lab.read_text(encoding="utf-8"), "the rebuilt coding lab still shows the old vignette"

    # a breaking change under src/ fails the build, in the parallel pre-execution and in Sphinx alike
    plots = copy / "src" / "intake_alliance" / "figures" / "style.py"
    plots_before = plots.read_bytes()
    plots.write_bytes(plots_before + b"\nraise RuntimeError('broken on purpose by the rebuild test')\n")
    for jobs in (2, 1):
        broken = _build(copy, jobs=jobs)
        out = broken.stdout + broken.stderr
        assert broken.returncode != 0, f"--jobs {jobs}: a broken package gave a green build\n{out[-3000:]}"
        assert "broken on purpose" in out
        if jobs == 2:
            assert "notebooks/07_coding_lab.ipynb, cell" in broken.stderr  # notebook and cell are named
    assert not (copy / "_build" / ".inputs.sha256").exists(), "a failed build left its inputs recorded"

    # reverting both changes brings the old page back
    plots.write_bytes(plots_before)
    vignettes.write_bytes(original)
    package.write_bytes(original_package)
    last = _build(copy)
    assert last.returncode == 0, last.stdout[-3000:] + last.stderr[-3000:]
    assert MARKER not in lab.read_text(encoding="utf-8"), "the reverted vignette still shows the edited text"

    # and with nothing changed, the rebuild is quick and keeps the pages
    again = _build(copy)
    assert again.returncode == 0 and "executed 0 notebook" in again.stdout


def _interrupt(args: list[str], after: float, env: dict[str, str], cwd: Path = ROOT) -> tuple[int, str, float]:
    """Start a command in its own process group, send Ctrl-C (SIGINT to the group) after ``after`` s."""
    proc = subprocess.Popen([sys.executable, "-m", "intake_alliance", *args], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    time.sleep(after)
    assert proc.poll() is None, "the command finished before it could be interrupted"
    sent = time.monotonic()
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    return proc.returncode, out + err, time.monotonic() - sent


@pytest.mark.slow
@pytest.mark.parametrize("jobs, after", [(2, 12), (1, 15)], ids=["during pre-execution", "during the Sphinx build"])
def test_ctrl_c_stops_build_book_quickly(tmp_path: Path, jobs: int, after: int) -> None:
    # No traceback from anyone: not from us, and not from a kernel that outlived the process that started it.
    code, out, took = _interrupt(["build-book", "--jobs", str(jobs), "--path-output", str(tmp_path)], after, _env())
    assert code == 130, out[-2000:]
    assert took < 10, f"build-book took {took:.1f} s to stop"
    assert "Traceback" not in out and "interrupted" in out
    assert not (tmp_path / "_build" / ".inputs.sha256").exists()


@pytest.mark.slow
def test_ctrl_c_stops_verify_quickly() -> None:
    code, out, took = _interrupt(["verify"], 8, _env())
    assert code == 130, out[-2000:]
    assert took < 10, f"verify took {took:.1f} s to stop"
    assert "Traceback" not in out and "interrupted" in out and "VERIFIED" not in out


@pytest.mark.slow
def test_ctrl_c_stops_derive_without_partial_files(data_copy: Path) -> None:
    before = {p.name: p.read_bytes() for p in (data_copy / "derived").iterdir()}
    code, out, took = _interrupt(["derive"], 6, {**_env(), "INTAKE_ALLIANCE_DATA": str(data_copy)})
    assert code == 130, out[-2000:]
    assert took < 15, f"derive took {took:.1f} s to stop"
    assert "Traceback" not in out and "interrupted" in out
    after = {p.name: p.read_bytes() for p in (data_copy / "derived").iterdir()}
    assert after == before, "an interrupted derive changed data/derived/"
    assert not list(data_copy.parent.glob(".derive-*")), "an interrupted derive left its staging folder"


@pytest.mark.parametrize("args, named", [
    (["build-book", "--jobs", "0"], "--jobs"),
    (["verify", "--jobs", "-1"], "--jobs"),
    (["site-weight", "/nonexistent/html"], "html_dir"),
    (["check-links", "/nonexistent/html"], "html_dir"),
    (["verify", "--data-root", "/nonexistent/data"], "/nonexistent/data"),
])
def test_user_errors_are_one_line_with_status_2(args: list[str], named: str) -> None:
    proc = _cli(*args, timeout=120)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    assert named in proc.stderr
    assert len(proc.stderr.strip().splitlines()) <= 3  # argparse prints usage + one line; ours one line


def test_tampered_data_root_is_refused_before_any_notebook_runs(data_copy: Path) -> None:
    path = data_copy / "published" / "reported_values.csv"
    path.write_text(path.read_text().replace("43.1%", "43.2%"))
    proc = _cli("verify", "--data-root", str(data_copy), timeout=120)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "reported_values.csv" in proc.stderr and "sha256" in proc.stderr
    debug = _cli("--debug", "verify", "--data-root", str(data_copy), timeout=120)
    assert "Traceback" in debug.stderr  # --debug shows it


def test_inputs_hash_covers_src_and_data(tmp_path: Path) -> None:
    from intake_alliance.book.execution import inputs_hash

    for top in ("src", "data"):
        (tmp_path / top).mkdir()
        (tmp_path / top / "a.txt").write_text("one")
    before = inputs_hash(tmp_path)
    (tmp_path / "data" / "a.txt").write_text("two")
    assert inputs_hash(tmp_path) != before
    (tmp_path / "data" / "a.txt").write_text("one")
    assert inputs_hash(tmp_path) == before
    (tmp_path / "src" / "b.py").write_text("")
    assert inputs_hash(tmp_path) != before


def test_a_failed_build_marks_the_old_site_and_serve_refuses_it(tmp_path: Path) -> None:
    """A tampered data file stops the build in seconds, before any notebook, and the old site is marked."""
    from intake_alliance.book.execution import FAILED_MARKER, build_book

    shutil.copytree(ROOT / "data", tmp_path / "data")
    old_site = tmp_path / "_build" / "html"
    old_site.mkdir(parents=True)
    (old_site / "intro.html").write_text("<p>yesterday's site</p>")
    path = tmp_path / "data" / "published" / "reported_values.csv"
    path.write_text(path.read_text().replace("43.1%", "43.2%"))
    start = time.perf_counter()
    with pytest.raises(ValueError, match="reported_values.csv"):
        build_book(root=tmp_path)
    assert time.perf_counter() - start < 60  # named by the data check, not after every notebook ran
    assert (old_site / FAILED_MARKER).exists()
    proc = subprocess.run(["make", "-s", "-f", str(ROOT / "Makefile"), "serve", "PYTHON=false"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0 and "refused" in proc.stdout + proc.stderr


def test_jobs_cannot_smuggle_options_into_the_build() -> None:
    proc = subprocess.run(["make", "-s", "-n", "-f", str(ROOT / "Makefile"), "book", 'JOBS=2";touch /tmp/x;"'],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert '--jobs "$JOBS"' in proc.stdout and "touch" not in proc.stdout  # the value never reaches the shell
