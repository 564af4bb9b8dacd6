"""A build that cannot lie: rebuilds in the same folder after changes, failing notebooks, Ctrl-C, CLI errors.

The rebuild test works on a two-notebook book of the repository's shape (tests/support.py: its own
``src/`` package on ``PYTHONPATH``, its own ``data/`` package), so that changes to a package or the data
are built in seconds without touching the repository; the real book's unchanged and forced rebuilds run
on a copy of the session's build.
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

from conftest import ROOT, clean_env
from intake_alliance import data
from intake_alliance.book.execution import FAILED_MARKER
from support import mini_book

MARKER = "QZX marker sentence for the rebuild test"


def _env() -> dict[str, str]:
    return clean_env(NO_COLOR="1")


def _cli(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None, timeout: int = 900):
    return subprocess.run([sys.executable, "-m", "intake_alliance", *args], cwd=cwd, env=env or _env(),
                          capture_output=True, text=True, timeout=timeout)


@pytest.mark.slow
def test_rebuild_shows_valid_changes_and_fails_on_broken_ones(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            capfd: pytest.CaptureFixture[str]) -> None:
    """``build_book`` on a two-page book of the repository's shape: what changed under data/ or src/ is seen."""
    from intake_alliance.book.execution import build_book

    book = mini_book(tmp_path / "book")
    monkeypatch.setenv("PYTHONPATH", str(book / "src"))  # the kernels import the book's own package
    lab = book / "_build" / "html" / "lab.html"

    assert build_book(root=book) == 0, capfd.readouterr()
    assert "The client arrived early." in lab.read_text(encoding="utf-8")
    capfd.readouterr()
    assert build_book(root=book) == 0  # nothing changed: nothing executed, the page kept
    assert "executed 0 notebook" in capfd.readouterr().out

    # a site missing a part it needs is not current: deleting the notebook cache forces execution again
    shutil.rmtree(book / "_build" / ".jupyter_cache")
    capfd.readouterr()
    assert build_book(root=book) == 0
    assert "executed 2 notebook(s)" in capfd.readouterr().out

    # a change only Sphinx reads (a page's prose, the build date) is rendered: never skipped as "current"
    intro = book / "intro.md"
    intro.write_text(intro.read_text(encoding="utf-8") + f"\n{MARKER} in the prose.\n", encoding="utf-8")
    capfd.readouterr()
    assert build_book(root=book) == 0
    out = capfd.readouterr().out
    assert "executed 0 notebook(s) in 2 processes" in out and "Sphinx not run" not in out  # cache reused
    assert f"{MARKER} in the prose." in (book / "_build" / "html" / "intro.html").read_text(encoding="utf-8")
    monkeypatch.setenv("BOOK_REPOSITORY_URL", "https://example.org/intake")
    capfd.readouterr()
    assert build_book(root=book) == 0
    assert "Sphinx not run" not in capfd.readouterr().out
    monkeypatch.delenv("BOOK_REPOSITORY_URL")

    # a valid data change (an edited vignette, re-hashed) shows on the rebuilt page
    vignettes = book / "data" / "vignettes.csv"
    package = book / "data" / "datapackage.json"
    original, original_package = vignettes.read_bytes(), package.read_bytes()
    vignettes.write_text(f"vignette_id,text\nV01,{MARKER}.\n", encoding="utf-8")
    data.rehash(root=book / "data")
    assert build_book(root=book) == 0, capfd.readouterr()
    assert MARKER in lab.read_text(encoding="utf-8"), "the rebuilt page still shows the old vignette"

    # a breaking change under src/ fails the build, in the parallel pre-execution and in Sphinx alike
    code = book / "src" / "minibook" / "__init__.py"
    code_before = code.read_bytes()
    code.write_bytes(code_before + b"\nraise RuntimeError('broken on purpose by the rebuild test')\n")
    for jobs in (2, 1):
        capfd.readouterr()
        assert build_book(root=book, jobs=jobs) != 0, f"--jobs {jobs}: a broken package gave a green build"
        out = capfd.readouterr()
        assert "broken on purpose" in out.out + out.err
        if jobs == 2:
            assert "lab.ipynb, cell 2" in out.err  # notebook and cell are named
        assert not (book / "_build" / ".inputs.sha256").exists(), "a failed build left its inputs recorded"
        assert (book / "_build" / "html" / FAILED_MARKER).exists(), "a failed build left the site looking current"

    # reverting both changes brings the old page back
    code.write_bytes(code_before)
    vignettes.write_bytes(original)
    package.write_bytes(original_package)
    assert build_book(root=book) == 0, capfd.readouterr()
    assert MARKER not in lab.read_text(encoding="utf-8"), "the reverted vignette still shows the edited text"
    assert "The client arrived early." in lab.read_text(encoding="utf-8")


@pytest.mark.slow
def test_an_unchanged_rebuild_of_the_book_executes_and_rewrites_nothing(site_copy: Path) -> None:
    """The real book, rebuilt with nothing changed: no notebook runs, no page or download is written again."""
    html = site_copy / "html"
    before = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in html.rglob("*")
              if p.is_file() and p.suffix in (".html", ".pdf", ".csv", ".qdpx")}
    proc = _cli("build-book", "--jobs", "2", "--path-output", str(site_copy.parent), timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "Sphinx not run" in proc.stdout
    # --force runs Sphinx over the same inputs: every notebook comes from the cache, the pages come out the
    # same bytes, and the downloads (handouts, projects) are not laid out again
    proc = _cli("build-book", "--jobs", "2", "--force", "--path-output", str(site_copy.parent), timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "executed 0 notebook(s) in 2 processes" in proc.stdout and "Sphinx not run" not in proc.stdout
    changed = [p.relative_to(html).as_posix() for p, (mtime, raw) in before.items()
               if p.read_bytes() != raw or (p.parent.name == "downloads" and p.stat().st_mtime_ns != mtime)]
    assert changed == [], changed


def _interrupt(args: list[str], after: float, env: dict[str, str], cwd: Path = ROOT) -> tuple[int, str, float]:
    """Start a command in its own process group, send Ctrl-C (SIGINT to the group) after ``after`` s."""
    # SIGINT back to its default first: a shell starts background jobs (pytest ... &) with SIGINT ignored, and
    # the command would inherit that and never see this Ctrl-C; a user at a terminal always has the default.
    proc = subprocess.Popen([sys.executable, "-m", "intake_alliance", *args], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
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
    code, out, _ = _interrupt(["build-book", "--jobs", str(jobs), "--path-output", str(tmp_path)], after, _env())
    assert code == 130, out[-2000:]
    assert "Traceback" not in out and "interrupted" in out
    assert not (tmp_path / "_build" / ".inputs.sha256").exists()


@pytest.mark.slow
def test_ctrl_c_stops_verify_quickly() -> None:
    code, out, _ = _interrupt(["verify"], 8, _env())
    assert code == 130, out[-2000:]
    assert "Traceback" not in out and "interrupted" in out and "VERIFIED" not in out


@pytest.mark.slow
def test_ctrl_c_stops_derive_without_partial_files(data_copy: Path) -> None:
    before = {p.name: p.read_bytes() for p in (data_copy / "derived").iterdir()}
    code, out, _ = _interrupt(["derive"], 6, {**_env(), "INTAKE_ALLIANCE_DATA": str(data_copy)})
    assert code == 130, out[-2000:]
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
    # argparse prints its usage (however many lines) and one error line; ours one line
    message = [ln for ln in proc.stderr.strip().splitlines() if not ln.startswith(("usage:", " "))]
    assert len(message) == 1, proc.stderr


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
    with pytest.raises(ValueError, match="reported_values.csv"):
        build_book(root=tmp_path)
    assert not (tmp_path / "_build" / ".jupyter_cache").exists()  # named by the data check, before any notebook ran
    assert (old_site / FAILED_MARKER).exists()
    proc = subprocess.run(["make", "-s", "-f", str(ROOT / "Makefile"), "serve", "PYTHON=false"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0 and "refused" in proc.stdout + proc.stderr


def test_jobs_cannot_smuggle_options_into_the_build() -> None:
    proc = subprocess.run(["make", "-s", "-n", "-f", str(ROOT / "Makefile"), "book", 'JOBS=2";touch /tmp/x;"'],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    build = [line for line in proc.stdout.splitlines() if "build-book" in line]  # (make may also show the venv step)
    assert build and '--jobs "$JOBS"' in build[0] and "touch" not in build[0]  # the value never reaches the shell
