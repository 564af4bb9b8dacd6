"""The derived tables are regenerated and proven byte for byte on every run (issue 18).

The regeneration takes about a minute, so it runs once per session, in the background from the start
(``regenerated`` in conftest.py, shared with the verifier's test), and every test here compares against it. A one-byte edit of a committed table, with the data package re-hashed so
that only the regeneration can notice, must be caught and located by file and row.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from intake_alliance import data
from intake_alliance.study import derive, solving
from intake_alliance.study import reconstruct as rc
from support import lp_bounds

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_every_derived_table_is_reproduced_byte_for_byte(regenerated: Path) -> None:
    diffs = derive.compare_tables(regenerated, None)
    assert set(diffs) == set(derive.TABLES)
    assert all(not lines for lines in diffs.values()), diffs


@pytest.mark.slow
def test_a_one_byte_edit_of_a_committed_table_is_caught(regenerated: Path, tmp_path: Path) -> None:
    copy = tmp_path / "data"
    shutil.copytree(data.data_dir(), copy)
    table = copy / "derived" / "cooccurrence_bounds.csv"
    lines = table.read_text(encoding="utf-8").splitlines(keepends=True)
    row = 7
    fields = lines[row].rstrip("\n").split(",")
    fields[-1] = str(int(fields[-1]) + 1)  # one digit of content: a wider upper bound
    lines[row] = ",".join(fields) + "\n"
    table.write_text("".join(lines), encoding="utf-8")
    data.rehash(root=copy)
    data.check_all(root=copy)  # the data package accepts the edit: only the regeneration can catch it
    diffs = derive.compare_tables(regenerated, copy)
    assert [name for name, found in diffs.items() if found] == ["cooccurrence_bounds.csv"]
    assert diffs["cooccurrence_bounds.csv"][0].startswith(f"cooccurrence_bounds.csv row {row}:")


def test_compare_files_names_the_row_and_the_bytes(tmp_path: Path) -> None:
    a, b = tmp_path / "a" / "t.csv", tmp_path / "b" / "t.csv"
    a.parent.mkdir()
    b.parent.mkdir()
    a.write_text("x,y\n1,2\n3,4\n", encoding="utf-8")
    b.write_text("x,y\n1,2\n3,5\n", encoding="utf-8")
    assert derive.compare_files(a, b) == ["t.csv row 2: regenerated '3,4', committed '3,5'"]
    b.write_bytes(b"x,y\r\n1,2\r\n3,4\r\n")
    assert "different bytes" in derive.compare_files(a, b)[0]
    assert derive.compare_files(a, a) == []
    assert "missing" in derive.compare_files(a, tmp_path / "nope.csv")[0]
    with pytest.raises(ValueError, match="`tables`"):
        derive.derive_tables(tmp_path, ("no_such_table.csv",))


def test_witnesses_and_relaxations_give_the_bounds_a_plain_solve_gives() -> None:
    built = rc.build_model()
    solver = solving.CachedSolver(built)
    ro = built.roster
    for theme in ("anger", "trust"):
        obj = {built.y[d, theme]: 1 for d in range(ro.n_dyads) if ro.group[d] == "Mizrahi"}
        for relaxed in (False, True):
            cached = solver.bounds(solving.linear_question(obj, {solving.ROSTER}), relaxed)
            assert cached == lp_bounds(obj, built, rc.RELAXED if relaxed else frozenset())
    assert solver.answered_by_witness > 0  # the cache did some of the work


def test_infeasible_published_values_stop_derive_with_the_conflict_named(tmp_path: Path) -> None:
    copy = tmp_path / "data"
    shutil.copytree(data.data_dir(), copy)
    before = {p.name: p.read_bytes() for p in (copy / "derived").iterdir()}
    reported = copy / "published" / "reported_values.csv"
    df = pd.read_csv(reported, dtype=str, keep_default_na=False)
    # one client with anger instead of four (three more with frustration, so every total and mean still
    # fits): "both groups" (S14) can no longer hold
    anger = df.key == "client_theme_anger_n"
    frustration = df.key == "client_theme_frustration_n"
    moved = int(float(df.loc[anger, "value"].iloc[0])) - 1
    df.loc[anger, ["value", "reported"]] = ["1.0", "1"]
    new_frustration = int(float(df.loc[frustration, "value"].iloc[0])) + moved
    df.loc[frustration, ["value", "reported"]] = [f"{new_frustration}.0", str(new_frustration)]
    df.to_csv(reported, index=False, lineterminator="\n")
    data.rehash(root=copy)
    env = {**os.environ, "INTAKE_ALLIANCE_DATA": str(copy)}
    proc = subprocess.run([sys.executable, "-m", "intake_alliance", "derive", "--quiet"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "infeasible" in proc.stderr and "S14" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr
    assert {p.name: p.read_bytes() for p in (copy / "derived").iterdir()} == before  # no partial file
    assert not list(copy.parent.glob(".derive-*"))  # the staging folder is gone too


def test_derive_records_the_hashes_of_the_tables_it_changed(data_copy: Path) -> None:
    """After a real change, data.load accepts the rewritten table at once: no separate rehash."""
    table = data_copy / "derived" / "reconstructed_interviews.csv"
    lines = table.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1], lines[2] = lines[2], lines[1]  # a committed table that the regeneration will change back
    table.write_text("".join(lines), encoding="utf-8")
    data.rehash(root=data_copy)
    env = {**os.environ, "INTAKE_ALLIANCE_DATA": str(data_copy)}
    proc = subprocess.run([sys.executable, "-m", "intake_alliance", "derive", "--skip-bounds", "--quiet"], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "reconstructed_interviews.csv" in proc.stdout and "(changed)" in proc.stdout
    assert "hashes re-recorded in datapackage.json for 1 changed table(s)" in proc.stdout
    data.check_all(root=data_copy)  # every hash matches its file
    assert table.read_bytes() == (data.data_dir() / "derived" / "reconstructed_interviews.csv").read_bytes()


def test_rehash_of_named_resources_refuses_an_unknown_name(data_copy: Path) -> None:
    with pytest.raises(ValueError, match="only: not resources"):
        data.rehash(root=data_copy, only=["no_such_table"])
