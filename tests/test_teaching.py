"""The coding lab: teaching files, sheet validation, and agreement scores checked by hand."""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from sklearn.metrics import cohen_kappa_score  # noqa: E402

from conftest import ROOT  # noqa: E402
from intake_alliance import data, figures  # noqa: E402
from intake_alliance.study import teaching  # noqa: E402

THEMES = ["understood", "comfortable", "openness", "trust", "empathy", "frustration", "anger", "disengagement"]

# --- a tiny two-coder example, worked by hand ------------------------------------------
#
# Ten vignettes T01..T10, coded by A and by B (U = understood, E = empathy, A = anger):
#
#   vignette  T01 T02 T03 T04 T05 T06 T07 T08 T09 T10
#   coder A    U   U   U   U   E   E   E   E   A   A
#   coder B    U   U   U   E   E   E   U   E   A   A
#
# Table (rows A, columns B):      U  E  A | row total
#                             U   3  1  0 |  4
#                             E   1  3  0 |  4
#                             A   0  0  2 |  2
#                      col total  4  4  2 | 10
#
# Observed agreement p_o = (3 + 3 + 2) / 10 = 0.80
# Chance agreement  p_e = 0.4*0.4 + 0.4*0.4 + 0.2*0.2 = 0.36
# kappa = (p_o - p_e) / (1 - p_e) = 0.44 / 0.64 = 0.6875
#
# Large-sample variance (Fleiss, Cohen & Everitt 1969; statsmodels' formula), with
# p_ij = cell / 10, r_i and c_j the row and column shares, 1 - kappa = 0.3125:
#   A = sum_i p_ii (1 - (r_i + c_i)(1 - kappa))^2
#     = 0.3*(1 - 0.8*0.3125)^2 + 0.3*(1 - 0.8*0.3125)^2 + 0.2*(1 - 0.4*0.3125)^2
#     = 0.3*0.5625 + 0.3*0.5625 + 0.2*0.765625 = 0.490625
#   B = (1 - kappa)^2 * sum_{i != j} p_ij (c_i + r_j)^2 = 0.09765625 * (0.1*0.64 + 0.1*0.64) = 0.0125
#   C = (kappa - p_e (1 - kappa))^2 = (0.6875 - 0.1125)^2 = 0.330625
#   var = (A + B - C) / (1 - p_e)^2 / n = 0.1725 / 0.4096 / 10 = 0.042114...
#   SE = 0.205218; 95% CI = 0.6875 -/+ 1.959964 * 0.205218 = (0.28528, 1.08972), clipped to (0.28528, 1)
# (the Wald interval passes 1: with ten items it is crude, and the module does not clip it)

TINY_IDS = [f"T{i:02d}" for i in range(1, 11)]
CODER_A = ["understood"] * 4 + ["empathy"] * 4 + ["anger"] * 2
CODER_B = ["understood"] * 3 + ["empathy"] * 3 + ["understood", "empathy", "anger", "anger"]
TINY_KEY = pd.DataFrame({"vignette_id": TINY_IDS, "primary_theme": CODER_A, "secondary_theme": [""] * 10})


def sheet(themes: list[str], coder: str, ids: list[str] = TINY_IDS) -> pd.DataFrame:
    return pd.DataFrame({"vignette_id": ids, "theme": themes, "coder": [coder] * len(ids), "note": [""] * len(ids)})


def test_two_coders_match_the_hand_computation() -> None:
    res = teaching.score_sheet(sheet(CODER_B, "B"), sheet(CODER_A, "A"), key=TINY_KEY)
    assert res.coder == "B" and res.reference == "A" and res.n == 10
    assert res.percent_agreement == pytest.approx(80.0)
    assert res.kappa == pytest.approx(0.6875)
    assert res.kappa_se == pytest.approx(np.sqrt(0.1725 / 0.4096 / 10))
    assert res.kappa_se == pytest.approx(0.205218, abs=1e-6)
    assert res.kappa_low == pytest.approx(0.28528, abs=1e-5)
    assert res.kappa_upp == 1.0  # the Wald limit 1.08972 is clipped at 1, as in stats.cohen_kappa
    conf = res.confusion  # rows = reference (A), columns = coded (B)
    assert conf.loc["understood", "understood"] == 3
    assert conf.loc["understood", "empathy"] == 1
    assert conf.loc["empathy", "understood"] == 1
    assert conf.loc["anger", "anger"] == 2
    assert conf.to_numpy().sum() == 10
    assert list(conf.index) == THEMES and list(conf.columns) == THEMES


def test_per_theme_table_is_tidy_and_hand_checked() -> None:
    res = teaching.score_sheet(sheet(CODER_B, "B"), sheet(CODER_A, "A"), key=TINY_KEY)
    pt = res.per_theme.set_index("theme")
    assert list(res.per_theme.columns) == ["theme", "label", "valence", "n_reference", "n_coded", "n_agree",
                                           "pct_of_reference", "specific_agreement", "kappa", "prevalence"]
    assert len(pt) == 8
    # understood: A used it 4 times, B 4 times, both on 3 vignettes -> 2*3/(4+4) = 0.75
    assert pt.loc["understood", ["n_reference", "n_coded", "n_agree"]].tolist() == [4, 4, 3]
    assert pt.loc["understood", "pct_of_reference"] == pytest.approx(75.0)
    assert pt.loc["understood", "specific_agreement"] == pytest.approx(0.75)
    assert pt.loc["anger", "specific_agreement"] == pytest.approx(1.0)
    assert np.isnan(pt.loc["trust", "specific_agreement"])  # nobody used it


def test_kappa_is_symmetric_between_two_sheets() -> None:
    ab = teaching.score_sheet(sheet(CODER_B, "B"), sheet(CODER_A, "A"), key=TINY_KEY)
    ba = teaching.score_sheet(sheet(CODER_A, "A"), sheet(CODER_B, "B"), key=TINY_KEY)
    assert ab.kappa == pytest.approx(ba.kappa)
    assert ab.kappa_se == pytest.approx(ba.kappa_se)
    pd.testing.assert_frame_equal(ab.confusion, ba.confusion.T, check_names=False)


def test_ambiguous_vignette_accepts_either_theme() -> None:
    # Four vignettes; K4 is ambiguous (frustration, secondary anger).
    ids = ["K1", "K2", "K3", "K4"]
    key = pd.DataFrame({"vignette_id": ids, "primary_theme": ["trust", "trust", "anger", "frustration"],
                        "secondary_theme": ["", "", "", "anger"]})
    secondary = teaching.score_sheet(sheet(["trust", "trust", "anger", "anger"], "s", ids), key=key)
    assert secondary.percent_agreement == 100.0
    assert secondary.items.set_index("vignette_id").at["K4", "reference"] == "anger"
    # A third theme disagrees, and the reference falls back on the primary theme:
    # table rows = key, columns = coder: trust->trust 2, anger->anger 1, frustration->disengagement 1.
    # p_o = 3/4; row shares (trust .5, anger .25, frustration .25), column shares (trust .5, anger .25,
    # disengagement .25); p_e = .5*.5 + .25*.25 = 0.3125; kappa = (.75 - .3125) / .6875 = 0.636364
    third = teaching.score_sheet(sheet(["trust", "trust", "anger", "disengagement"], "t", ids), key=key)
    assert third.percent_agreement == 75.0
    assert third.items.set_index("vignette_id").at["K4", "reference"] == "frustration"
    assert third.kappa == pytest.approx(0.4375 / 0.6875)
    assert third.confusion.loc["frustration", "disengagement"] == 1
    # The primary theme of course agrees too
    primary = teaching.score_sheet(sheet(["trust", "trust", "anger", "frustration"], "p", ids), key=key)
    assert primary.percent_agreement == 100.0 and primary.kappa == pytest.approx(1.0)


# --- validation ----------------------------------------------------------------------


def write_sheet(tmp_path: Path, rows: list[tuple[str, str]], name: str = "mysheet.csv") -> Path:
    path = tmp_path / name
    lines = ["vignette_id,theme,coder,note"] + [f"{v},{t},me," for v, t in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def good_rows() -> list[tuple[str, str]]:
    return list(zip(TINY_IDS, CODER_A))


def test_unknown_theme_names_file_line_and_vignette(tmp_path: Path) -> None:
    rows = good_rows()
    rows[2] = ("T03", "happiness")
    path = write_sheet(tmp_path, rows)
    with pytest.raises(ValueError, match=r"mysheet\.csv: line 4 \(vignette T03\): unknown theme 'happiness'"):
        teaching.read_sheet(path, key=TINY_KEY)


def test_unknown_theme_gives_a_hint(tmp_path: Path) -> None:
    rows = good_rows()
    rows[0] = ("T01", "undrestood")
    with pytest.raises(ValueError, match=r"line 2 \(vignette T01\).*did you mean 'understood'"):
        teaching.read_sheet(write_sheet(tmp_path, rows), key=TINY_KEY)
    rows[0] = ("T01", "understood/empathy")
    with pytest.raises(ValueError, match=r"one theme per vignette"):
        teaching.read_sheet(write_sheet(tmp_path, rows), key=TINY_KEY)


def test_missing_vignette_is_named(tmp_path: Path) -> None:
    rows = [r for r in good_rows() if r[0] != "T07"]
    with pytest.raises(ValueError, match=r"mysheet\.csv: 1 vignette\(s\) of the key are missing: T07"):
        teaching.read_sheet(write_sheet(tmp_path, rows), key=TINY_KEY)


def test_duplicate_vignette_names_both_lines(tmp_path: Path) -> None:
    rows = good_rows() + [("T05", "empathy")]
    with pytest.raises(ValueError, match=r"mysheet\.csv: line 12 \(vignette T05\): duplicate row; .* line 6"):
        teaching.read_sheet(write_sheet(tmp_path, rows), key=TINY_KEY)


def test_empty_theme_is_refused(tmp_path: Path) -> None:
    rows = good_rows()
    rows[9] = ("T10", "")
    with pytest.raises(ValueError, match=r"mysheet\.csv: line 11 \(vignette T10\): theme is empty"):
        teaching.read_sheet(write_sheet(tmp_path, rows), key=TINY_KEY)


def test_unknown_vignette_and_missing_column_are_refused(tmp_path: Path) -> None:
    rows = good_rows() + [("T99", "trust")]
    with pytest.raises(ValueError, match=r"line 12: vignette 'T99' is not in the answer key"):
        teaching.read_sheet(write_sheet(tmp_path, rows), key=TINY_KEY)
    bad = tmp_path / "nocol.csv"
    bad.write_text("vignette_id,code\nT01,trust\n")
    with pytest.raises(ValueError, match=r"nocol\.csv: missing column\(s\) \['theme'\]"):
        teaching.read_sheet(bad, key=TINY_KEY)
    with pytest.raises(ValueError, match=r"path_or_df: .*does not exist"):
        teaching.read_sheet(tmp_path / "absent.csv", key=TINY_KEY)
    with pytest.raises(ValueError, match=r"`path_or_df` must be a CSV path or a DataFrame"):
        teaching.read_sheet(42, key=TINY_KEY)


def test_dataframe_errors_name_the_row() -> None:
    df = sheet(CODER_A, "A")
    df.loc[3, "theme"] = "joy"
    with pytest.raises(ValueError, match=r"<DataFrame>: row 3 \(vignette T04\): unknown theme 'joy'"):
        teaching.read_sheet(df, key=TINY_KEY)


def test_the_blank_sheet_is_not_a_completed_sheet() -> None:
    blank = data.load("coding_sheet_blank")
    with pytest.raises(ValueError, match=r"coding_sheet_blank\.csv: line 2 \(vignette V01\): theme is empty"):
        teaching.read_sheet(blank)


def test_labels_case_spaces_bom_and_semicolons_are_accepted(tmp_path: Path) -> None:
    labels = dict(zip(teaching.themes().key, teaching.themes().label))
    rows = [(v, f"  {labels[t].upper()} ") for v, t in good_rows()]
    path = tmp_path / "excel.csv"
    text = "vignette_id;theme;coder;note\n" + "".join(f"{v};{t};me;\n" for v, t in rows)
    path.write_bytes("\ufeff".encode() + text.encode())
    out = teaching.read_sheet(path, key=TINY_KEY)
    assert out["theme"].tolist() == CODER_A
    assert out.attrs["coder"] == "me" and out.attrs["source"] == str(path)


def test_bad_against_and_bad_key_are_refused() -> None:
    with pytest.raises(ValueError, match=r"`against` must be 'key' or a completed sheet"):
        teaching.score_sheet(sheet(CODER_A, "A"), against=3, key=TINY_KEY)
    with pytest.raises(ValueError, match=r"key: row 0 \(vignette T01\): primary_theme 'joy'"):
        teaching.score_sheet(sheet(CODER_A, "A"), key=TINY_KEY.assign(primary_theme=["joy"] + CODER_A[1:]))
    with pytest.raises(ValueError, match=r"kappa is undefined"):
        one = ["trust"] * 10
        teaching.score_sheet(sheet(one, "A"), sheet(one, "B"), key=TINY_KEY)
    with pytest.raises(ValueError, match=r"name: 'sheet_x' is not an example sheet"):
        teaching.example_sheet("sheet_x")


# --- the teaching files ------------------------------------------------------------------


def test_key_blank_sheet_and_vignettes_cover_the_same_ids() -> None:
    key = set(data.load("answer_key").vignette_id)
    blank = data.load("coding_sheet_blank")
    assert key == set(blank.vignette_id)  # every key id is on the blank sheet, and vice versa
    assert key == set(data.load("vignettes").vignette_id)
    assert blank[["theme", "coder", "note"]].isna().all().all()
    for name in ("sheet_careful", "sheet_confused"):
        assert set(data.load(name).vignette_id) == key


def test_vignettes_are_invented_short_and_balanced() -> None:
    vig = data.load("vignettes")
    key = teaching.answer_key()
    assert vig["invented"].all()
    assert len(vig) >= 28
    assert list(vig.vignette_id) == [f"V{i:02d}" for i in range(1, len(vig) + 1)]
    for _, row in vig.iterrows():
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", row.text.strip()) if s]
        assert 2 <= len(sentences) <= 4, row.vignette_id
    assert set(vig.speaker) == {"client", "therapist"}
    clear = key[~key.ambiguous]
    assert (clear.primary_theme.value_counts().reindex(THEMES) == 3).all()
    amb = key[key.ambiguous]
    assert len(amb) >= 4
    assert (amb.secondary_theme != "").all() and (amb.secondary_theme != amb.primary_theme).all()
    assert (clear.secondary_theme == "").all()
    assert key.rationale.str.len().gt(0).all() and not key.rationale.str.contains("\n").any()


def test_teaching_resources_are_described_as_invented() -> None:
    pkg = {r["name"]: r for r in data.datapackage()["resources"]}
    for name in ("vignettes", "answer_key", "coding_sheet_blank", "sheet_careful", "sheet_confused"):
        assert pkg[name]["intake_alliance:kind"] == "teaching"
        assert "invented teaching material" in pkg[name]["description"].lower()


def test_example_sheets_score_as_designed() -> None:
    careful = teaching.score_sheet(teaching.example_sheet("sheet_careful"))
    confused = teaching.score_sheet(teaching.example_sheet("sheet_confused"))
    assert careful.coder == "example_careful" and confused.coder == "example_confused"
    assert careful.percent_agreement > confused.percent_agreement
    assert careful.kappa > confused.kappa
    assert careful.percent_agreement >= 85 and careful.kappa > 0.8
    assert confused.kappa < 0.4
    conf = confused.confusion
    # the confusions are systematic: neighbouring themes swapped
    assert conf.loc["understood", "empathy"] >= 2 and conf.loc["empathy", "understood"] >= 2
    assert conf.loc["comfortable", "openness"] >= 2 and conf.loc["openness", "comfortable"] >= 2
    assert conf.loc["frustration", ["anger", "disengagement"]].sum() >= 2
    assert conf.loc[["anger", "disengagement"], "frustration"].sum() >= 2
    # every disagreement of the careful coder is between neighbouring themes too
    neighbours = {frozenset(p) for p in [("understood", "empathy"), ("comfortable", "openness"), ("trust", "openness"),
                                         ("frustration", "anger"), ("frustration", "disengagement"),
                                         ("anger", "disengagement")]}
    wrong = careful.items[~careful.items.agree]
    assert all(frozenset((r.coded, r.reference)) in neighbours for r in wrong.itertuples())


def test_scoring_is_deterministic() -> None:
    a = teaching.score_sheet(teaching.example_sheet("sheet_confused"), teaching.example_sheet("sheet_careful"))
    b = teaching.score_sheet(teaching.example_sheet("sheet_confused"), teaching.example_sheet("sheet_careful"))
    assert a.summary().equals(b.summary())
    pd.testing.assert_frame_equal(a.per_theme, b.per_theme)
    pd.testing.assert_frame_equal(a.confusion, b.confusion)


def test_plot_confusion_returns_a_figure() -> None:
    res = teaching.score_sheet(teaching.example_sheet("sheet_confused"))
    fig = figures.plot_confusion(res)
    assert isinstance(fig, matplotlib.figure.Figure)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == THEMES
    assert "answer key" in ax.get_ylabel()
    plt.close(fig)
    with pytest.raises(ValueError, match=r"result: expected the SheetScore"):
        figures.plot_confusion(res.as_dict())


# --- properties against scikit-learn ---------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(THEMES), st.sampled_from(THEMES)), min_size=10, max_size=10))
def test_kappa_and_agreement_match_scikit_learn(pairs: list[tuple[str, str]]) -> None:
    a = [p[0] for p in pairs]
    b = [p[1] for p in pairs]
    if len(set(a)) == 1 and set(a) == set(b):
        with pytest.raises(ValueError, match="kappa is undefined"):
            teaching.score_sheet(sheet(b, "B"), sheet(a, "A"), key=TINY_KEY)
        return
    res = teaching.score_sheet(sheet(b, "B"), sheet(a, "A"), key=TINY_KEY)
    assert res.kappa == pytest.approx(cohen_kappa_score(a, b, labels=THEMES))
    assert res.percent_agreement == pytest.approx(100 * np.mean(np.array(a) == np.array(b)))
    assert 0 <= res.percent_agreement <= 100
    assert res.confusion.to_numpy().sum() == 10
    assert res.per_theme.n_agree.sum() == round(res.percent_agreement / 10)
    assert np.isfinite(res.kappa_se) and res.kappa_se >= 0
    assert res.kappa_low <= res.kappa <= res.kappa_upp


def test_one_coder_using_a_single_theme_gives_kappa_zero_with_zero_se() -> None:
    # rows (A) use two themes, B uses only 'anger': p_o = p_e = share of 'anger' in A, so kappa = 0;
    # the variance is 0 in exact arithmetic and must not come out as NaN.
    a = ["trust"] * 3 + ["anger"] * 7
    res = teaching.score_sheet(sheet(["anger"] * 10, "B"), sheet(a, "A"), key=TINY_KEY)
    assert res.kappa == pytest.approx(0.0, abs=1e-12)
    assert res.kappa_se == 0.0 and res.kappa_low == res.kappa_upp == pytest.approx(0.0, abs=1e-12)


# --- the example sheets as spreadsheets save them -------------------------------------------

_NOTES = {0: "unsure, maybe trust; or openness", 1: 'she said "fine", then went quiet', 2: "café; naïve, à propos"}


def _saved(tmp_path: Path, name: str, sep: str, encoding: str, newline: str) -> Path:
    """The careful example sheet, with notes holding commas, semicolons and quotes, saved one way."""
    df = pd.read_csv(ROOT / "data" / "teaching" / "sheet_careful.csv", dtype=str, keep_default_na=False)
    for i, note in _NOTES.items():
        df.loc[i, "note"] = note
    path = tmp_path / f"{name}.csv"
    df.to_csv(path, sep=sep, index=False, encoding=encoding, lineterminator=newline)
    return path


@pytest.mark.parametrize("name, sep, encoding, newline", [
    ("libreoffice_comma_utf8", ",", "utf-8", "\n"),
    ("excel_utf8_semicolon", ";", "utf-8-sig", "\r\n"),  # Excel "CSV UTF-8" in a European locale: BOM, CRLF
    ("excel_ansi_semicolon", ";", "cp1252", "\r\n"),  # Excel "CSV" in a European locale: Windows-1252
    ("libreoffice_semicolon", ";", "utf-8", "\n"),
    ("excel_unicode_text", "\t", "utf-16", "\r\n"),  # Excel "Unicode text": tab-separated UTF-16
])
def test_example_sheet_saved_each_way_scores_like_the_comma_sheet(tmp_path: Path, name: str, sep: str,
                                                                  encoding: str, newline: str) -> None:
    reference = teaching.score_sheet(ROOT / "data" / "teaching" / "sheet_careful.csv")
    path = _saved(tmp_path, name, sep, encoding, newline)
    got = teaching.score_sheet(path)
    assert got.summary().drop("coder").equals(reference.summary().drop("coder"))
    sheet = teaching.read_sheet(path)
    assert sheet["note"].iloc[0] == _NOTES[0] and sheet["note"].iloc[2] == _NOTES[2]


def test_separator_is_read_from_the_header_not_the_notes() -> None:
    assert teaching.sniff_separator("vignette_id;theme;coder;note\nV01;trust;me;a, b, c, d\n") == ";"
    assert teaching.sniff_separator('vignette_id,theme,coder,note\nV01,trust,me,"a; b; c"\n') == ","
    assert teaching.sniff_separator("vignette_id\ttheme\nV01\ttrust\n") == "\t"


def test_empty_and_binary_sheets_are_named(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(ValueError, match=r"empty\.csv: the file is empty"):
        teaching.read_sheet(empty)
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\x81\x8d\x8f\x90\x9d")  # bytes neither UTF-8 nor Windows-1252 can decode
    with pytest.raises(ValueError, match=r"binary\.csv: not a text file"):
        teaching.read_sheet(binary)


def test_sheet_kappa_interval_is_the_reliability_modules() -> None:
    """One kappa, one interval: the lab's scorer and stats.cohen_kappa agree, clipped at 1 (issue 15)."""
    from intake_alliance import stats

    score = teaching.score_sheet(teaching.example_sheet("sheet_careful"))
    labels = list(teaching.themes()["key"])
    ref = stats.cohen_kappa(score.items[["reference", "coded"]], categories=labels).iloc[0]
    assert (score.kappa, score.kappa_se) == (ref.estimate, ref.se)
    assert (score.kappa_low, score.kappa_upp) == (ref.ci_low, ref.ci_high)
    assert score.kappa_upp == 1.0  # the unclipped Wald limit would be 1.0079
    assert score.kappa + 1.959964 * score.kappa_se > 1


def test_unquoted_separator_in_a_note_is_explained(tmp_path: Path) -> None:
    lines = (ROOT / "data" / "teaching" / "sheet_careful.csv").read_text().splitlines()
    lines[2] += "a note, with a comma"
    (tmp_path / "s.csv").write_text("\n".join(lines) + "\n")
    with pytest.raises(ValueError, match=r"s\.csv: line 3 has 5 cells but the header has 4; a note that contains "
                                         r"a comma must be put in double quotes"):
        teaching.read_sheet(tmp_path / "s.csv")


def test_rows_left_empty_by_a_spreadsheet_are_ignored(tmp_path: Path) -> None:
    text = (ROOT / "data" / "teaching" / "sheet_careful.csv").read_text()
    (tmp_path / "s.csv").write_text(text + ",,,\n,,,\n")
    assert teaching.read_sheet(tmp_path / "s.csv").equals(teaching.read_sheet(ROOT / "data" / "teaching" / "sheet_careful.csv"))


def test_per_theme_kappa_and_disagreements_by_hand() -> None:
    """The confused example against the key: for 'understood' both codings use it 3 times out of 30 and never on
    the same vignette, so p_o = 24/30, p_e = (3/30)^2 + (27/30)^2 = 0.82 and kappa = (0.8 - 0.82) / 0.18 = -1/9;
    its prevalence is (3 + 3) / 60. The disagreements are exactly the vignettes that do not agree."""
    score = teaching.score_sheet(teaching.example_sheet("sheet_confused"))
    row = score.per_theme.set_index("theme").loc["understood"]
    assert (row.n_reference, row.n_coded, row.n_agree) == (3, 3, 0)
    assert row.kappa == pytest.approx(-1 / 9) and row.prevalence == pytest.approx(0.1)
    assert set(score.disagreements.vignette_id) == set(score.items.vignette_id[~score.items.agree])
    order = {t: i for i, t in enumerate(teaching.themes().key)}
    keys = [(order[r], v) for v, r in zip(score.disagreements.vignette_id, score.disagreements.reference)]
    assert keys == sorted(keys)
