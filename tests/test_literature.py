"""The literature module: conversions against textbook values, design effects, simulations, and the
numbers of data/published/literature.csv against the record of where each was verified
(tests/fixtures/literature_verification.csv)."""

from __future__ import annotations

import math
import re
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from intake_alliance import data
from intake_alliance import figures, stats
from intake_alliance.study import growth as gc
from intake_alliance.study import literature as lit

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]


# --- conversions -----------------------------------------------------------------


def test_r_to_d_reproduces_fluckiger_2018() -> None:
    # Flückiger et al. (2018) report r = .278 and, for the same result, d = .579.
    assert stats.r_to_d(0.278) == pytest.approx(0.579, abs=5e-4)
    assert stats.d_to_r(0.579) == pytest.approx(0.278, abs=5e-4)


def test_borenstein_worked_examples() -> None:
    # Borenstein et al. (2009), ch. 7: d = 0.5 gives r = 0.2425; r = 0.50 gives d = 1.1547.
    assert stats.d_to_r(0.5) == pytest.approx(0.2425, abs=1e-4)
    assert stats.r_to_d(0.5) == pytest.approx(1.1547, abs=1e-4)


def test_unequal_groups_factor() -> None:
    # a = (n1 + n2)^2 / (n1 n2); for 30 and 10 it is 16/3, and the conversion uses sqrt(a)
    a = 40**2 / (30 * 10)
    assert stats.r_to_d(0.3, a=a) == pytest.approx(math.sqrt(a) * 0.3 / math.sqrt(1 - 0.09))
    assert stats.d_to_r(stats.r_to_d(0.3, a=a), a=a) == pytest.approx(0.3)


def test_conversions_accept_arrays() -> None:
    r = np.array([-0.5, 0.0, 0.278])
    d = stats.r_to_d(r)
    assert isinstance(d, np.ndarray) and d.shape == (3,)
    assert d[1] == 0.0 and d[0] == pytest.approx(-stats.r_to_d(0.5))
    assert isinstance(stats.r_to_d(0.2), float)


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=-0.995, max_value=0.995), st.floats(min_value=4, max_value=50))
def test_r_d_round_trip(r: float, a: float) -> None:
    assert stats.d_to_r(stats.r_to_d(r, a), a) == pytest.approx(r, abs=1e-12)


def test_fisher_ci_textbook_values() -> None:
    # r = .30 with n = 100: the usual 95% interval is [.11, .47]
    low, high = stats.fisher_ci(0.30, 100)
    assert (round(low, 2), round(high, 2)) == (0.11, 0.47)


def test_fisher_ci_for_pooled_correlation_uses_n_minus_3k() -> None:
    low, high = stats.fisher_ci(0.278, 30000, k=295)
    se = 1 / math.sqrt(30000 - 3 * 295)
    assert low == pytest.approx(math.tanh(math.atanh(0.278) - 1.959964 * se), abs=1e-6)
    assert high == pytest.approx(math.tanh(math.atanh(0.278) + 1.959964 * se), abs=1e-6)
    # the fixed-effect interval is narrower than the published random-effects one [.256, .299]
    assert 0.256 < low < 0.278 < high < 0.299
    wide = stats.fisher_ci(0.278, 30000, k=295, level=0.99)
    assert wide[0] < low and wide[1] > high


def test_convert_interval_moves_fluckiger_ci_to_d() -> None:
    low, high = stats.convert_interval(0.256, 0.299, "r", "d")
    assert (round(low, 3), round(high, 3)) == (0.530, 0.627)
    assert stats.convert_interval(0.1, 0.2, "d", "d") == (0.1, 0.2)
    r_low, r_high = stats.convert_interval(low, high, "d", "r")
    assert (r_low, r_high) == pytest.approx((0.256, 0.299))


# --- design effect -----------------------------------------------------------------


def test_design_effect_by_hand() -> None:
    # 22 therapists, 55 clients: m = 2.5; 1 + 1.5 * 0.11 = 1.165
    assert stats.design_effect(55 / 22, 0.11) == pytest.approx(1.165)
    assert stats.design_effect(20, 0.11) == pytest.approx(1 + 19 * 0.11)
    assert stats.design_effect(1, 0.5) == 1.0
    assert stats.design_effect(8, 0.0) == 1.0
    assert stats.effective_sample_size(55, 2.5, 0.11) == pytest.approx(55 / 1.165)


# --- bad input ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda: stats.r_to_d(1.0), "r"),
        (lambda: stats.r_to_d(-1.2), "r"),
        (lambda: stats.r_to_d(float("nan")), "r"),
        (lambda: stats.r_to_d("strong"), "r"),
        (lambda: stats.r_to_d(0.3, a=2), "a"),
        (lambda: stats.d_to_r(float("inf")), "d"),
        (lambda: stats.fisher_ci(0.3, 3), "n"),
        (lambda: stats.fisher_ci(0.3, 100, k=40), "n"),
        (lambda: stats.fisher_ci(0.3, 100, k=0), "k"),
        (lambda: stats.fisher_ci(0.3, 100.0), "n"),
        (lambda: stats.fisher_ci(0.3, 100, level=1.0), "level"),
        (lambda: stats.convert_interval(0.1, 0.2, "z", "d"), "kind"),
        (lambda: stats.convert_interval(0.1, 0.2, "r", "or"), "to"),
        (lambda: stats.convert_interval(0.3, 0.2, "r", "d"), "low"),
        (lambda: stats.design_effect(0.5, 0.11), "m"),
        (lambda: stats.design_effect(3, 1.0), "icc"),
        (lambda: stats.design_effect(3, -0.1), "icc"),
        (lambda: stats.effective_sample_size(0, 2, 0.1), "n"),
        (lambda: stats.simulate_nested_alliance(1, 5, seed=1), "n_helpers"),
        (lambda: stats.simulate_nested_alliance(3, [2, 2], seed=1), "per_helper"),
        (lambda: stats.simulate_nested_alliance(3, 0, seed=1), "per_helper"),
        (lambda: stats.simulate_nested_alliance(3, 2.5, seed=1), "per_helper"),
        (lambda: stats.simulate_nested_alliance(3, 2, icc=1.2, seed=1), "icc"),
        (lambda: stats.simulate_nested_alliance(3, 2, seed=None), "seed"),
        (lambda: stats.simulate_nested_alliance(3, 2, seed=-4), "seed"),
        (lambda: stats.simulate_nested_alliance(3, 2, seed=1, sd=0), "sd"),
        (lambda: stats.fit_nested_alliance(pd.DataFrame({"helper": [1, 2]})), "df"),
        (lambda: stats.fit_nested_alliance(pd.DataFrame({"helper": [1, 1], "alliance": [1.0, 2.0]})), "df"),
        (lambda: stats.simulate_icc_estimates(5, 3, n_reps=0), "n_reps"),
        (lambda: gc.simulate_growth_curves(1, 3, seed=1), "n_therapists"),
        (lambda: gc.simulate_growth_curves(4, 0, seed=1), "patients_per_therapist"),
        (lambda: gc.simulate_growth_curves(4, 3, sessions=(3,), seed=1), "sessions"),
        (lambda: gc.simulate_growth_curves(4, 3, sessions=(3, 12, 12), seed=1), "sessions"),
        (lambda: gc.simulate_growth_curves(4, 3, sessions="3,12", seed=1), "sessions"),
        (lambda: gc.fit_growth_curves(pd.DataFrame({"alliance": [1.0]})), "df"),
        (lambda: gc.growth_curve_means(gc.simulate_growth_curves(3, 2, seed=1), by="age"), "by"),
    ],
)
def test_bad_input_raises_value_error_naming_the_argument(call, argument: str) -> None:
    with pytest.raises(ValueError, match=rf"^`{argument}`[ :]"):
        call()


# --- simulation 1: nested alliance ------------------------------------------------------


def test_nested_simulation_is_seeded_and_labelled() -> None:
    a = stats.simulate_nested_alliance(10, 4, seed=3)
    b = stats.simulate_nested_alliance(10, 4, seed=3)
    c = stats.simulate_nested_alliance(10, 4, seed=4)
    pd.testing.assert_frame_equal(a, b)
    assert not np.allclose(a.alliance, c.alliance)
    assert a.attrs["simulated"] is True and set(a.data_kind) == {"simulated"}
    assert list(a.columns) == ["helper", "client", "alliance", "data_kind"]
    assert len(a) == 40 and a.helper.nunique() == 10


def test_unequal_caseloads() -> None:
    sizes = [1, 2, 3, 4, 5]
    sim = stats.simulate_nested_alliance(5, sizes, seed=2)
    assert sim.groupby("helper").size().tolist() == sizes
    pd.testing.assert_frame_equal(sim, stats.simulate_nested_alliance(5, np.array(sizes), seed=2))


def test_mixedlm_recovers_icc_in_a_large_seeded_sample() -> None:
    sim = stats.simulate_nested_alliance(400, 20, icc=0.11, seed=2021)
    fit = stats.fit_nested_alliance(sim).iloc[0]
    assert fit.converged
    assert fit.icc_true == 0.11
    assert abs(fit.icc_estimated - 0.11) < 0.03  # the standard error is about 0.01 here
    assert fit.design_effect_estimated == pytest.approx(1 + 19 * fit.icc_estimated)
    assert abs(fit.design_effect_estimated - stats.design_effect(20, 0.11)) < 0.03 * 19


def test_mixedlm_and_anova_agree_for_equal_caseloads() -> None:
    for seed in range(5):
        sim = stats.simulate_nested_alliance(30, 6, icc=0.2, seed=seed)
        fit = stats.fit_nested_alliance(sim).iloc[0]
        if not fit.at_boundary:
            assert fit.icc_estimated == pytest.approx(stats.icc_anova(sim), abs=1e-3)


def test_icc_estimates_replications() -> None:
    reps = stats.simulate_icc_estimates(40, 10, icc=0.11, n_reps=200, seed=5)
    assert len(reps) == 200 and set(reps.data_kind) == {"simulated"} and reps.attrs["simulated"]
    assert reps.icc_estimated.between(0, 1).all()
    assert abs(reps.icc_estimated.mean() - 0.11) < 0.02


# --- simulation 2: growth curves --------------------------------------------------------


@pytest.fixture(scope="module")
def growth() -> tuple[pd.DataFrame, pd.DataFrame]:
    sim = gc.simulate_growth_curves(40, 6, seed=2015)
    return sim, gc.fit_growth_curves(sim)


def test_growth_simulation_shape_and_labels(growth) -> None:
    sim, _ = growth
    assert len(sim) == 40 * 6 * 4 * 2
    assert set(sim.perspective) == {"patient", "therapist"}
    assert sorted(sim.session.unique()) == [3, 12, 20, 40]
    assert sim.attrs["simulated"] and set(sim.data_kind) == {"simulated"}
    # therapist-level predictors are constant within a therapist
    assert (sim.groupby("therapist")[["neg", "flow"]].nunique() == 1).all().all()
    again = gc.simulate_growth_curves(40, 6, seed=2015)
    pd.testing.assert_frame_equal(sim, again)


def test_growth_fit_recovers_the_diverging_perspectives(growth) -> None:
    _, fit = growth
    assert fit.converged.all()
    assert set(fit.term) == set(gc.GROWTH_TRUTH.term)
    assert ((fit.estimate - fit.true_value).abs() < 4 * fit.se).all()
    est = fit.set_index(["perspective", "term"])
    # negative reactions: patient ratings only; flow: therapist ratings only
    assert est.loc[("patient", "neg"), "ci_high"] < 0
    assert est.loc[("therapist", "neg"), "ci_low"] < 0 < est.loc[("therapist", "neg"), "ci_high"]
    assert est.loc[("therapist", "flow"), "ci_low"] > 0
    assert est.loc[("patient", "flow"), "ci_low"] < 0 < est.loc[("patient", "flow"), "ci_high"]


def test_growth_curve_means(growth) -> None:
    sim, _ = growth
    means = gc.growth_curve_means(sim, "neg")
    assert len(means) == 2 * 2 * 4
    assert set(means.group) == {"fewer negative reactions", "more negative reactions"}


# --- the evidence table -----------------------------------------------------------


def test_common_scale_table() -> None:
    common = lit.evidence_on_common_scale()
    table = lit.literature_table()
    assert len(common) == table.result_kind.isin(["r", "d"]).sum()
    assert common.r.between(-1, 1).all()
    f = common.set_index("finding_id").loc["fluckiger2018_face_to_face"]
    assert f.d == pytest.approx(f.published_alt_d, abs=5e-4)  # our conversion matches the authors' d
    assert f.r_ci_low == 0.256 and f.r_ci_high == 0.299
    shares = lit.variance_shares()
    assert shares.set_index("finding_id").loc["kondrat2010_case_manager_share", "published"]
    assert shares.share.between(0, 1).all()


def test_figures_draw() -> None:
    import matplotlib.pyplot as plt

    fig = figures.plot_comparable_scales()
    assert len(fig.axes) >= 2
    plt.close(fig)
    fig = figures.plot_growth_curves(gc.simulate_growth_curves(6, 3, seed=1))
    assert len(fig.axes) == 2
    plt.close(fig)


def test_every_study_key_is_in_references_bib() -> None:
    keys = set(re.findall(r"^@\w+\{([^,]+),", (ROOT / "references.bib").read_text(encoding="utf-8"), re.M))
    missing = set(lit.literature_table().study_key) - keys
    assert not missing, f"study keys not in references.bib: {sorted(missing)}"


def test_present_study_row_matches_reported_values() -> None:
    row = lit.literature_table().loc["nakash2021_intake_interviews"]
    rv = data.reported()
    assert row.n_therapists == rv.at["therapists_ashkenazi_included", "value"]
    assert row.n_patients == rv.at["clients_participated", "value"]
    assert row.n_patients == rv.at["clients_mizrahi", "value"] + rv.at["clients_ashkenazi", "value"]
    assert row.n_dyads_or_units == row.n_patients  # one intake per client


def test_growth_default_sessions_are_nissen_lie_sessions() -> None:
    import inspect

    row = lit.literature_table().loc["nissenlie2015_perspectives"]
    default = inspect.signature(gc.simulate_growth_curves).parameters["sessions"].default
    assert tuple(int(s) for s in row.sessions_assessed.split(";")) == default


def test_nested_default_icc_is_kondrat_share() -> None:
    import inspect

    row = lit.literature_table().loc["kondrat2010_case_manager_share"]
    default = inspect.signature(stats.simulate_nested_alliance).parameters["icc"].default
    assert default == row.result_value


# --- every number of literature.csv against the verified notes ----------------------------

# (finding_id, column) -> (value, the figure as the source prints it, recorded with the source in
# tests/fixtures/literature_verification.csv)
VERIFIED = {
    ("fluckiger2018_face_to_face", "result_value"): (0.278, "r = .278"),
    ("fluckiger2018_face_to_face", "ci_low"): (0.256, "[.256, .299]"),
    ("fluckiger2018_face_to_face", "ci_high"): (0.299, "[.256, .299]"),
    ("fluckiger2018_face_to_face", "ci_level"): (0.95, "95% CI"),
    ("fluckiger2018_face_to_face", "alt_value"): (0.579, "d = .579"),
    ("fluckiger2018_face_to_face", "k_studies"): (295, "295 independent studies"),
    ("fluckiger2018_face_to_face", "n_total"): (30000, "> 30,000 patients"),
    ("fluckiger2018_internet", "result_value"): (0.275, "r = .275 (k = 23)"),
    ("fluckiger2018_internet", "k_studies"): (23, "r = .275 (k = 23)"),
    ("horvath2011_alliance_outcome", "result_value"): (0.275, "r = .275"),
    ("horvath2011_alliance_outcome", "ci_low"): (0.25, "95% CI .25–.30"),
    ("horvath2011_alliance_outcome", "ci_high"): (0.30, "95% CI .25–.30"),
    ("horvath2011_alliance_outcome", "ci_level"): (0.95, "95% CI .25–.30"),
    ("horvath2011_alliance_outcome", "k_studies"): (190, "k = 190"),
    ("horvath2011_alliance_outcome", "n_total"): (14000, "> 14,000 treatments"),
    ("cabral2011_preference", "result_value"): (0.63, "d = 0.63 (k = 52"),
    ("cabral2011_preference", "k_studies"): (52, "d = 0.63 (k = 52"),
    ("cabral2011_perception", "result_value"): (0.32, "d = 0.32 (k = 81)"),
    ("cabral2011_perception", "k_studies"): (81, "d = 0.32 (k = 81)"),
    ("cabral2011_outcome", "result_value"): (0.09, "d = 0.09 (k = 53)"),
    ("cabral2011_outcome", "k_studies"): (53, "d = 0.09 (k = 53)"),
    ("kondrat2010_case_manager_share", "result_value"): (0.11, "about 11%"),
    ("kondrat2010_case_manager_share", "n_patients"): (160, "N = 160 consumers"),
    ("baldwin2007_therapist_variability", "n_patients"): (331, "N = 331 patients seen by 80 therapists"),
    ("baldwin2007_therapist_variability", "n_therapists"): (80, "N = 331 patients seen by 80 therapists"),
    ("alegria2013_concordance_bond", "n_patients"): (93, "93 patients, 38 clinicians"),
    ("alegria2013_concordance_bond", "n_therapists"): (38, "93 patients, 38 clinicians"),
    ("green2007_implicit_bias", "n_therapists"): (287, "N = 287 internal/emergency medicine residents"),
    ("green2007_implicit_bias", "result_value"): (0.36, "pro-white preference mean = 0.36"),
    ("nakash2015_misdiagnosis", "result_value"): (2, "twice as likely to misdiagnose"),
    ("nakash2021_intake_interviews", "n_therapists"): (22, "n = 22 Ashkenazi therapists"),
    ("nakash2021_intake_interviews", "n_patients"): (55, "n = 29 Mizrahi + n = 26 Ashkenazi"),
    ("nakash2021_intake_interviews", "n_dyads_or_units"): (55, "n = 29 Mizrahi + n = 26 Ashkenazi"),
}
NUMERIC = ["n_patients", "n_therapists", "n_dyads_or_units", "result_value", "ci_low", "ci_high", "ci_level",
           "alt_value", "k_studies", "n_total"]


def test_every_number_in_literature_csv_is_a_verified_one() -> None:
    table = lit.literature_table()
    filled = {(fid, col) for fid, row in table.iterrows() for col in NUMERIC if not pd.isna(row[col])}
    assert filled == set(VERIFIED), (
        f"unverified numbers: {sorted(filled - set(VERIFIED))}; missing: {sorted(set(VERIFIED) - filled)}"
    )
    for (fid, col), (value, _) in VERIFIED.items():
        assert float(table.at[fid, col]) == pytest.approx(value), (fid, col)
    # bounds that are stated as 'more than' say so
    assert table.loc[table.n_total.notna(), "n_total_qualifier"].eq("more_than").all()


#: Where each number of literature.csv was checked: the exact figure as the source prints it, and the source.
VERIFICATION = ROOT / "tests" / "fixtures" / "literature_verification.csv"


def test_every_verified_number_names_where_it_was_checked() -> None:
    record = pd.read_csv(VERIFICATION, dtype=str, keep_default_na=False)
    assert (record.verified_against.str.len() > 10).all(), "every row names the source it was checked against"
    texts = record.groupby("study_key").verified_text.agg(list)
    table = lit.literature_table()
    for (fid, col), (_, text) in VERIFIED.items():
        key = table.at[fid, "study_key"]
        assert key in texts.index, f"{key} has no row in {VERIFICATION.name}"
        assert text in texts[key], f"{fid}.{col}: {text!r} is not recorded as verified for {key}"


def test_numbers_read_from_the_neighbouring_documents_are_recorded() -> None:
    # Kondrat & Early (2010) and Nissen-Lie et al. (2015) were read in full; their figures are in literature.csv
    table = lit.literature_table()
    kondrat = table.loc["kondrat2010_case_manager_share"]
    assert (kondrat.n_patients, kondrat.result_value) == (160, 0.11)
    assert table.at["nissenlie2015_perspectives", "sessions_assessed"] == "3;12;20;40"
    record = pd.read_csv(VERIFICATION, dtype=str, keep_default_na=False)
    recorded = set(zip(record.study_key, record.verified_text))
    assert {("kondrat2010exploration", "about 11%"), ("kondrat2010exploration", "N = 160 consumers"),
            ("nissenlie2015patient", "sessions 3, 12, 20 and 40")} <= recorded


def test_overview_states_results_in_words_with_the_values_decimals() -> None:
    from intake_alliance.study import literature

    view = literature.overview().set_index("finding_label")
    lit = literature.literature_table().set_index("finding_label")
    # every row keeps its finding, so two findings of one source stay apart
    assert view.index.is_unique and len(view) == len(lit)
    row = lit.loc["Alliance and outcome, individual therapy"]
    assert view.at["Alliance and outcome, individual therapy", "result"] == (
        f"r = {row.result_value:g}, 95% CI {row.ci_low:.3f} to {row.ci_high:.3f}")
    assert view.at["Alliance and outcome, face-to-face therapy", "participants"].startswith("more than 30")
    assert view.at["Misdiagnosis of disadvantaged-group clients", "result"] == "Times as likely: 2"
    assert (view.result[lit.result_value.isna()] == "").all()


def test_sessions_in_words() -> None:
    from intake_alliance.study.literature import sessions_in_words

    assert sessions_in_words("3;12;20;40") == "3, 12, 20 and 40"
    assert sessions_in_words("1") == "1" and sessions_in_words(float("nan")) == ""
