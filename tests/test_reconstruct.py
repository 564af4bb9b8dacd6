"""Reconstruction: every constraint holds in the committed file, it regenerates byte for byte, and bounds are right."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from intake_alliance import data
from intake_alliance.study import reconstruct as rc
from support import lp_bounds


@pytest.fixture(scope="module")
def recon() -> pd.DataFrame:
    return data.load("reconstructed_interviews")


def test_committed_reconstruction_meets_every_constraint(recon: pd.DataFrame) -> None:
    checks = rc.check_reconstruction(recon)
    assert checks.ok.all(), checks[~checks.ok].to_string()
    # the checks cover counts, SDs, means and every encodable statement
    assert len(checks) >= 7 + 3 * 8 + 4 + len(rc.published_targets().statements)


def test_structure(recon: pd.DataFrame) -> None:
    assert recon.reconstructed.all()
    assert (recon.respondent == "therapist").sum() == 55
    assert (recon.respondent == "client").sum() == 51
    assert set(recon.client_group) == {"Mizrahi", "Ashkenazi"}
    assert (recon.concordant == (recon.client_group == "Ashkenazi")).all()
    assert data.datapackage()["resources"][[r["name"] for r in data.datapackage()["resources"]].index(
        "reconstructed_interviews")]["intake_alliance:reconstructed"] is True


def test_check_detects_a_broken_dataset(recon: pd.DataFrame) -> None:
    broken = recon.copy()
    i = broken.index[(broken.respondent == "client") & (broken.trust == 1)][0]
    broken.loc[i, "trust"] = 0
    checks = rc.check_reconstruction(broken).set_index("check")
    assert not checks.at["Client interviews with trust", "ok"]


def test_sd_attainability_by_hand() -> None:
    att = rc.sd_attainability().set_index(["respondent", "convention", "sd_definition"])
    # clients: 131 mentions / 51 = 2.5686 -> rounds to 2.57, truncates to 2.56
    assert not att.loc[("clients", "up_or_down", "sample (n-1)"), "mean_attainable"]
    assert att.loc[("clients", "truncate", "sample (n-1)"), "both_attainable"]
    # therapists: 146 mentions, Q must be even; SD 1.45 (rounded, n-1) needs Q = 501 -> impossible
    assert not att.loc[("therapist interviews", "up_or_down", "sample (n-1)"), "sd_attainable"]
    assert att.loc[("therapist interviews", "truncate", "sample (n-1)"), "sum_of_squares_allowed"] == "502"


def test_infeasible_targets_name_the_constraint_set() -> None:
    t = rc.published_targets()
    bad = replace(t, client_n={**t.client_n, "trust": 60})
    with pytest.raises(rc.InfeasibleConstraintsError, match="client totals"):
        rc.reconstruct(bad)


def test_conflicting_statements_are_diagnosed() -> None:
    t = rc.published_targets()
    # anger in therapist interviews "only with Mizrahi clients" AND "mainly with Ashkenazi": impossible
    extra = pd.DataFrame([{"statement_id": "X1", "theme": "anger", "respondent": "therapist_interview",
                           "kind": "mainly_ashkenazi", "encodable": True, "default": True}])
    bad = replace(t, statements=pd.concat([t.statements, extra], ignore_index=True))
    with pytest.raises(rc.InfeasibleConstraintsError, match=r"S15|X1"):
        rc.reconstruct(bad)


def test_rounding_convention_can_make_it_infeasible() -> None:
    with pytest.raises(rc.InfeasibleConstraintsError, match="therapist SD: no sum of squares gives SD 1.45"):
        rc.build_model(convention="up_or_down", ddof=1)


def test_bounds_known_by_hand() -> None:
    # Outer bounds follow from the totals and the statements alone, so they can be worked out by hand.
    b = rc.build_model()
    ro = b.roster
    # anger in therapist interviews: 5 in all, 'mainly Mizrahi' -> Mizrahi count 3..5
    lo, hi = lp_bounds({b.y[d, "anger"]: 1 for d in range(ro.n_dyads) if ro.group[d] == "Mizrahi"}, b, rc.RELAXED)
    assert (lo, hi) == (3, 5)
    # trust in therapist interviews: 14 in all, 'mainly Ashkenazi' -> Mizrahi count at most 6
    lo, hi = lp_bounds({b.y[d, "trust"]: 1 for d in range(ro.n_dyads) if ro.group[d] == "Mizrahi"}, b, rc.RELAXED)
    assert hi == 6


def test_stored_bounds_are_consistent_with_the_reconstruction(recon: pd.DataFrame) -> None:
    gb = data.load("group_count_bounds")
    for _, r in gb.iterrows():
        resp = "client" if r.respondent == "client" else "therapist"
        sub = recon[recon.respondent == resp]
        m = int(sub.loc[sub.client_group == "Mizrahi", r.theme].sum())
        assert r.mizrahi_roster_min <= m <= r.mizrahi_roster_max
        assert r.mizrahi_outer_min <= r.mizrahi_roster_min and r.mizrahi_roster_max <= r.mizrahi_outer_max


def test_default_roster_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match="max_caseload"):
        rc.default_roster(n_therapists=5, max_caseload=5)
    ro = rc.default_roster()
    loads = pd.Series(ro.therapist).value_counts()
    assert loads.min() >= 1 and loads.max() <= 5 and len(loads) == 22


def test_a_client_share_comparison_is_refused_by_name():
    t = rc.published_targets()
    st = t.statements.copy()
    row = st[st.statement_id == "S19"].iloc[0].copy()
    row["respondent"], row["statement_id"] = "client", "S99"
    st = pd.concat([st, row.to_frame().T], ignore_index=True)
    with pytest.raises(ValueError, match="S99"):
        rc.build_model(replace(t, statements=st))


def test_model_scratch_removes_what_the_block_added_even_on_error():
    m = rc.Model()
    a = m.var("a")
    m.add("keep", {a: 1}, 0, 1)
    with pytest.raises(RuntimeError):
        with m.scratch():
            m.var("tmp")
            m.add("tmp", {a: 1}, 1, 1)
            raise RuntimeError("stop")
    assert m.names == ["a"] and m.index == {"a": 0} and len(m.lb) == len(m.ub) == 1
    assert [g for g, *_ in m.rows] == ["keep"]


@pytest.mark.parametrize("a_val, b_val", [(0, 0), (0, 1), (1, 0), (1, 1)])
def test_model_add_and_forces_the_conjunction(a_val, b_val):
    m = rc.Model()
    a, b, out = m.var("a"), m.var("b"), m.var("out")
    m.add("fix", {a: 1}, a_val, a_val)
    m.add("fix", {b: 1}, b_val, b_val)
    m.add_and("and", out, a, b)
    for sense in (1, -1):  # minimising and maximising `out` give the same value: it is forced
        res = m.solve({out: 1}, sense=sense)
        assert res.status == 0 and round(res.x[out]) == (a_val and b_val)
