"""Wall time of ``python -m intake_alliance derive``, table by table, and whether the output is byte-identical.

Regenerates every table of ``data/derived/`` into a temporary copy of the data
folder (``data/derived/`` itself is never touched), prints the wall time of
each table and the total, and compares each file byte for byte with the
committed one. Issue 18 asks for about 60 s in total on a 2-core machine.

Run with the package importable, e.g.
    .venv/bin/python bench/derive_time.py [--tables NAME ...]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import tempfile
import time
from pathlib import Path

from intake_alliance import data
from intake_alliance.study import derive


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", nargs="+", default=list(derive.TABLES), choices=derive.TABLES)
    args = parser.parse_args()
    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPU(s)")
    with tempfile.TemporaryDirectory() as tmp:
        stage = Path(tmp) / "data"
        stage.mkdir()
        shutil.copy2(data.data_dir() / "datapackage.json", stage / "datapackage.json")
        start = time.perf_counter()
        done = derive.derive_tables(stage, tuple(args.tables), progress=False)
        total = time.perf_counter() - start
        diffs = derive.compare_tables(stage, None, tuple(args.tables))
    for d in done:
        print(f"{d.name:<32} {d.seconds:8.1f} s   {'byte-identical' if not diffs[d.name] else 'DIFFERS':<15}"
              f"{d.solves:4d} integer solves, {d.lp_solves:4d} relaxations, {d.by_witness:4d} answered by a witness")
        for line in diffs[d.name]:
            print(f"    {line}")
    print(f"{'total (wall time)':<32} {total:8.1f} s")
    print("(after the reconstruction the tables are built in two processes, so their times overlap)")
    return 0 if not any(diffs.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
