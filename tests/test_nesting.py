"""Interviews nested in therapists: clustered power, the CMH test and the admissible rosters (issue 17)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from intake_alliance import data
from intake_alliance.stats import clustered_detectable_difference, cmh_test, detectable_difference, fisher_test
from intake_alliance.study import nesting


def test_cmh_by_hand() -> None:
    # stratum 1: a = 4, E = 5*5/10 = 2.5, V = 5*5*5*5 / (10^2 * 9); stratum 2: a = 3, E = 1.5, V = 4*4*3*5 / (8^2 * 7)
    statistic = (abs(4 - 2.5 + 3 - 1.5) - 0.5) ** 2 / (625 / 900 + 240 / 448)
    assert cmh_test([(4, 5, 1, 5), (3, 4, 0, 4)]) == pytest.approx(sps.chi2.sf(statistic, 1), rel=1e-12)
    # a therapist who saw one group only, or whose clients all had the theme, changes nothing
    assert cmh_test([(4, 5, 1, 5), (3, 4, 0, 4), (2, 3, 0, 0), (2, 2, 1, 1)]) == cmh_test([(4, 5, 1, 5), (3, 4, 0, 4)])
    assert math.isnan(cmh_test([(2, 3, 0, 0), (0, 0, 1, 4)]))


@pytest.mark.parametrize("strata, what", [([(1, 2, 3)], "stratum 0"), ([(3, 2, 0, 1)], "more events"),
                                          ([(1, -2, 0, 1)], "n1")])
def test_cmh_rejects_bad_strata(strata, what) -> None:
    with pytest.raises(ValueError, match=what):
        cmh_test(strata)


def test_clustered_power_without_clustering_is_the_plain_normal_calculation() -> None:
    plain = detectable_difference(29, 26, [0.1, 0.3], method="normal")
    clustered = clustered_detectable_difference(29, 26, 2.5, [0.0, 0.11, 0.2], [0.1, 0.3])
    none = clustered[clustered.icc == 0.0].reset_index(drop=True)
    np.testing.assert_allclose(none.detectable_rate, plain.detectable_rate, rtol=1e-10)
    # design effect 1 + (2.5 - 1) x 0.2 = 1.3: each group counts for 1 / 1.3 of itself
    pess = clustered[clustered.icc == 0.2].iloc[0]
    assert pess.design_effect == pytest.approx(1.3) and pess.n1_effective == pytest.approx(29 / 1.3)
    assert (clustered.groupby("base_rate").difference.apply(lambda d: d.is_monotonic_increasing)).all()
    with pytest.raises(ValueError, match="`iccs`"):
        clustered_detectable_difference(29, 26, 2.5, [], [0.3])
    with pytest.raises(ValueError, match="icc"):
        clustered_detectable_difference(29, 26, 2.5, [1.5], [0.3])


def test_the_icc_anchor_is_read_from_the_literature_table() -> None:
    anchors = nesting.icc_anchors().set_index("finding_id")
    assert anchors.at["kondrat2010_case_manager_share", "result_value"] == pytest.approx(0.11)
    assert 0.11 in nesting.ICC_GRID


@pytest.fixture(scope="module")
def recon_and_rosters():
    recon = data.load("reconstructed_interviews")
    themes = list(data.load("themes").sort_values("order").key)
    return recon, themes, nesting.admissible_rosters(recon, themes, n_rosters=30, thin=20, burn_in=100)


def test_every_roster_keeps_the_published_constraints(recon_and_rosters) -> None:
    recon, themes, rosters = recon_and_rosters
    rv = data.reported()
    th = recon[recon.respondent == "therapist"].drop(columns="therapist_id")
    assumed = recon[recon.respondent == "therapist"].set_index("dyad_id").therapist_id
    first = rosters[rosters.roster == 0].set_index("dyad_id").therapist_id
    assert first.sort_index().tolist() == assumed.sort_index().tolist()
    assert rosters.groupby("roster").therapist_id.apply(tuple).nunique() > 10  # the walk moves
    for _, roster in rosters.groupby("roster"):
        merged = th.merge(roster, on="dyad_id")
        loads = merged.groupby("therapist_id").size()
        assert loads.between(1, 5).all() and len(loads) == int(rv.at["therapists_ashkenazi_included", "value"])
        for theme in themes:
            per_therapist = int(merged.groupby("therapist_id")[theme].max().sum())
            assert per_therapist == int(rv.at[f"therapist_theme_{theme}_n", "value"]), theme
    again = nesting.admissible_rosters(recon, themes, n_rosters=30, thin=20, burn_in=100)
    assert again.equals(rosters)  # seeded


def test_nested_comparisons_on_a_hand_made_roster() -> None:
    # two therapists; T1 saw 5 Mizrahi (4 with the theme) and 5 Ashkenazi (1), T2 4 and 4 (3 and 0)
    rows, k = [], 0
    for therapist, groups in (("T1", [(1, 4), (1, 1)]), ("T2", [(1, 3), (1, 0)])):
        sizes = (5, 5) if therapist == "T1" else (4, 4)
        for (group, n), (_, with_theme) in zip(zip(("Mizrahi", "Ashkenazi"), sizes), groups):
            for i in range(n):
                k += 1
                rows.append({"interview_id": f"D{k}-T", "respondent": "therapist", "dyad_id": f"D{k:02d}",
                             "therapist_id": therapist, "client_group": group, "x": int(i < with_theme)})
    recon = pd.DataFrame(rows)
    rosters = recon[["dyad_id", "therapist_id"]].assign(roster=0)
    out = nesting.nested_comparisons(recon, ["x"], rosters).set_index("respondent").loc["therapist"]
    assert out.p_cmh_assumed == pytest.approx(cmh_test([(4, 5, 1, 5), (3, 4, 0, 4)]))
    assert out.p_fisher == pytest.approx(fisher_test(7, 9, 1, 9))
    assert out.rosters == 1


def test_the_book_table_covers_every_theme_for_both_respondents(recon_and_rosters) -> None:
    recon, themes, rosters = recon_and_rosters
    out = nesting.nested_comparisons(recon, themes, rosters)
    assert len(out) == 2 * len(themes)
    assert (out.p_cmh_min <= out.p_cmh_median).all() and (out.p_cmh_median <= out.p_cmh_max).all()
    assert out.share_below_05.between(0, 1).all()
