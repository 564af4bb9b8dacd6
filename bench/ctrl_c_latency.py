"""How long ``build-book``, ``verify`` and ``derive`` take to stop after Ctrl-C.

Each command is started in its own process group, as a terminal would run it, and sent SIGINT (what Ctrl-C
sends to the group) a few seconds in; the time from the signal to the process's exit is printed, with the
exit status (130 expected) and whether any traceback reached the output. The tests check the behaviour
(status, no traceback, no partial files); the seconds are measured here, where a loaded machine cannot fail
a build.

    .venv/bin/python bench/ctrl_c_latency.py
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: (label, arguments, seconds before Ctrl-C, needs a private data copy)
CASES = [
    ("build-book --jobs 2 (pre-execution)", ["build-book", "--jobs", "2"], 12, False),
    ("build-book --jobs 1 (Sphinx/myst-nb)", ["build-book", "--jobs", "1"], 15, False),
    ("verify", ["verify"], 8, False),
    ("derive", ["derive"], 6, True),
]


def interrupt(args: list[str], after: float, env: dict[str, str]) -> tuple[int, float, bool]:
    proc = subprocess.Popen([sys.executable, "-m", "intake_alliance", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    time.sleep(after)
    sent = time.monotonic()
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    return proc.returncode, time.monotonic() - sent, "Traceback" in out + err


def main() -> None:
    print(f"{'command':<38} {'stopped after':>14} {'status':>7}  traceback")
    for label, args, after, private_data in CASES:
        with tempfile.TemporaryDirectory() as tmp:
            env = {**os.environ, "PYTHONHASHSEED": "0"}
            if args[0] == "build-book":
                args = [*args, "--path-output", tmp]
            if private_data:
                shutil.copytree(ROOT / "data", Path(tmp) / "data")
                env["INTAKE_ALLIANCE_DATA"] = str(Path(tmp) / "data")
            code, took, traceback = interrupt(args, after, env)
        print(f"{label:<38} {took:>12.1f} s {code:>7}  {'YES' if traceback else 'no'}")


if __name__ == "__main__":
    main()
