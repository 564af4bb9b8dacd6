"""Study-design helpers: the flow diagram's numbers, its gaps, and the tables' traceability."""

from __future__ import annotations

import pandas as pd
import pytest

from intake_alliance import data, figures
from intake_alliance.study import design


def test_flow_counts_come_from_the_data() -> None:
    flow = design.recruitment_flow().set_index("box")
    assert flow.at["clients_invited", "n"] == 184
    assert flow.at["clients_agreed", "n"] == 122
    assert flow.at["clients_not_agreed", "n"] == 184 - 122
    assert flow.at["clients_usable", "n"] == 122 - 5 - 5
    assert flow.at["clients_analysed", "n"] == 29 + 26
    assert flow.at["therapists_approached", "n"] == 38 + 5


def test_flow_flags_the_gaps() -> None:
    flow = design.recruitment_flow().set_index("box")
    # invited - agreed = 62, but only 31 declines are itemised
    assert flow.at["gap_declines_unexplained", "n"] == 31
    assert bool(flow.at["gap_declines_unexplained", "gap"])
    assert flow.at["gap_not_in_analysis", "n"] == 112 - 55
    assert bool(flow.at["gap_not_in_analysis", "gap"])
    # the itemised reasons do add up to the stated declines
    assert not bool(flow.at["clients_declined", "gap"])


def test_flow_follows_a_change_in_the_data() -> None:
    r = data.reported().copy()
    r.loc["clients_invited", "value"] = 153.0  # 153 - 122 = 31: the gap closes
    flow = design.recruitment_flow(r).set_index("box")
    assert flow.at["gap_declines_unexplained", "n"] == 0
    assert not bool(flow.at["gap_declines_unexplained", "gap"])


def test_non_integer_count_is_refused() -> None:
    r = data.reported().copy()
    r.loc["clients_agreed", "value"] = 121.5
    with pytest.raises(ValueError, match="key: 'clients_agreed' should be a whole count"):
        design.recruitment_flow(r)


def test_flow_gaps_table() -> None:
    gaps = design.flow_gaps().set_index("check")
    assert gaps.at["invited − agreed = itemised declines", "gap"] == 31
    assert bool(gaps.at["itemised reasons add up to the declines", "adds_up"])


def test_sample_tables_are_traceable() -> None:
    rv = data.reported()
    for table in (design.therapist_sample_table(), design.client_sample_table()):
        for _, row in table.iterrows():
            keys = row["keys"].split(", ")
            assert all(k in rv.index for k in keys)
            for k in keys:
                assert rv.at[k, "reported"] in row["as printed"]


def test_implied_denominators() -> None:
    den = design.implied_denominators().set_index("key")
    # 16/22 = 72.7% fits; 75% of 22 does not (16.5 therapists)
    assert den.at["therapist_born_israel_pct", "attainable_with_stated_n"]
    assert not den.at["therapist_female_pct", "attainable_with_stated_n"]
    assert den.at["therapist_female_pct", "smallest_n"] == 4
    # 47.36% is not k/n rounded for any n <= 200 (9/19 = 47.368... only truncates to it)
    assert pd.isna(den.at["therapist_practice_over_threshold_pct", "smallest_n"])
    assert not den.at["therapist_practice_over_threshold_pct", "attainable_with_stated_n"]


def test_units_of_analysis() -> None:
    u = design.units_of_analysis().set_index("unit")["n"]
    assert u["Dyads (one intake each)"] == 55
    assert u["Coded client interviews"] == 51
    assert u["Therapist interviews"] == 55
    assert u["Therapists"] == 22


def test_checkpoints_and_mapping() -> None:
    cp = design.reliability_checkpoints()
    assert len(cp) == 8
    assert cp.kappa.between(0, 1).all()
    assert len(design.braun_clarke_mapping()) == 6


def test_figures_draw() -> None:
    import matplotlib.pyplot as plt

    for fig in (figures.plot_recruitment_flow(), figures.plot_analysis_timeline()):
        assert fig.axes
        plt.close(fig)


def test_log_axes_are_labelled_with_plain_numbers() -> None:
    """Log axes read "10, 100, 1,000" and ".001, .05, 1", never powers of ten where a plain number fits."""
    import matplotlib.pyplot as plt

    from intake_alliance.figures.style import plain_log_ticks

    fig, ax = plt.subplots()
    ax.plot([8, 1300], [0.001, 0.9])
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(8, 1300)
    ax.set_ylim(0.0008, 0.95)
    plain_log_ticks(ax.xaxis, {n: f"{n:,}" for n in (1, 10, 100, 1000, 10_000)})
    plain_log_ticks(ax.yaxis, {1e-6: "$10^{-6}$", 1e-3: ".001", 0.05: ".05", 1.0: "1"})
    fig.canvas.draw()
    assert [t.get_text() for t in ax.get_xticklabels()] == ["10", "100", "1,000"]  # only those in range
    assert [t.get_text() for t in ax.get_yticklabels()] == [".001", ".05"]
    assert not any(t.get_text() for t in ax.get_xticklabels(minor=True))
    plt.close(fig)
