"""Where the time of a book build goes, measured in one run.

Measured (wall clock, time.perf_counter), each into its own temporary folder:

1. clean build, plain ``jupyter-book build`` (myst-nb executes the notebooks one by one);
2. no-change rebuild of that same folder (everything cached);
3. each notebook executed alone with nbclient, as myst-nb does it (kernel start included);
4. the stock Sphinx build with execution off (``execute_notebooks: off`` in a
   temporary copy of _config.yml): rendering only;
5. clean build as ``make book`` runs it: ``python -m intake_alliance build-book
   --jobs 2``, the notebooks executed in two processes into the cache first.

The floor of a serial clean build is (4) + the sum of (3): the ratio clean/floor
says how much the build costs beyond executing and rendering.

Run from the repository root with the package importable, e.g.
    .venv/bin/python bench/build_time.py
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from intake_alliance.book import execution

ROOT = Path(__file__).resolve().parents[1]
JB = str(Path(sys.executable).parent / "jupyter-book")
ENV = dict(os.environ, PYTHONHASHSEED="0", SOURCE_DATE_EPOCH="1767225600")


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=ENV, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return seconds


def jb(out: Path, config: Path | None = None) -> list[str]:
    cmd = [JB, "build", str(ROOT), "--builder", "html", "--keep-going", "--path-output", str(out)]
    if config is None:
        cmd[5:5] = ["-W", "-n"]
    else:  # without executed notebooks the glued values are missing: warnings, not errors, here
        cmd += ["--config", str(config)]
    return cmd


def main() -> None:
    os.environ.update(ENV)  # notebooks executed in this process (step 3) see the same seeds
    print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, {platform.machine()}")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        clean = timed(jb(tmp / "serial"))
        rebuild = timed(jb(tmp / "serial"))

        alone = {}
        for path in execution.book_notebooks(ROOT):
            ex = execution.execute_one(path, execution.execution_timeout(ROOT))
            if ex.error:
                sys.exit(f"{path.name} failed:\n{ex.error}")
            alone[path.relative_to(ROOT).as_posix()] = ex.seconds

        cfg = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
        cfg["execute"]["execute_notebooks"] = "off"
        conf = tmp / "_config.off.yml"
        conf.write_text(yaml.safe_dump(cfg), encoding="utf-8")
        off = timed(jb(tmp / "off", conf))

        parallel = timed([sys.executable, "-m", "intake_alliance", "build-book", "--jobs", "2",
                          "--path-output", str(tmp / "parallel")])

    floor = off + sum(alone.values())
    print(f"\n{'measurement':58s} {'seconds':>8s}")
    print(f"{'1. clean build, myst-nb executes one by one':58s} {clean:8.1f}")
    print(f"{'2. no-change rebuild':58s} {rebuild:8.1f}")
    for name, s in alone.items():
        print(f"{'3. ' + name + ' alone (nbclient)':58s} {s:8.1f}")
    print(f"{'   all notebooks, one after the other':58s} {sum(alone.values()):8.1f}")
    print(f"{'4. Sphinx build with execution off':58s} {off:8.1f}")
    print(f"{'5. clean build, make book (2 processes execute first)':58s} {parallel:8.1f}")
    print(f"\nfloor (4 + sum of 3): {floor:.1f} s; clean/floor = {clean / floor:.2f}; "
          f"parallel clean/floor = {parallel / floor:.2f}; parallel saves {clean - parallel:.1f} s "
          f"({100 * (clean - parallel) / clean:.0f} %)")


if __name__ == "__main__":
    main()
