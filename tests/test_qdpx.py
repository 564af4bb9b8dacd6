"""REFI-QDA projects (issue 20): reading real-export quirks, agreement checked by hand, named errors, the lab round trip."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from conftest import ROOT
from support import unit_matrix
from intake_alliance import data
from intake_alliance.__main__ import main
from intake_alliance.stats import cohen_kappa
from intake_alliance.stats.qdpx import (AGREEMENT_COLUMNS, NAMESPACE, ProjectError, code_agreement, read_project,
                                        unit_labels)
from intake_alliance.stats.qdpx_write import write_project
from intake_alliance.study import teaching, teaching_qdpx

XSD = ROOT / "tests" / "vendor" / "refi-qda" / "Project.xsd"

# GUIDs for hand-written XML: U = user, C = code, S = source, P = selection, G = coding.
U1, U2 = "AAAAAAAA-0000-4000-8000-000000000001", "AAAAAAAA-0000-4000-8000-000000000002"
C1, C2 = "CCCCCCCC-0000-4000-8000-000000000001", "CCCCCCCC-0000-4000-8000-000000000002"
S1 = "5555AAAA-0000-4000-8000-000000000001"


def _zip(path: Path, entries: dict[str, str | bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, content in entries.items():
            zf.writestr(name, content)
    return path


def _qde(body: str, users: str | None = None) -> str:
    """A QDA-XML project: two users, two codes (C2 nested in C1), one internal source, and ``body`` in it."""
    users = users if users is not None else f'<User guid="{U1}" name="ann"/><User guid="{U2}" name="bob"/>'
    return (f'<?xml version="1.0" encoding="utf-8"?><Project xmlns="{NAMESPACE}" name="t"><Users>{users}</Users>'
            f'<CodeBook><Codes><Code guid="{C1}" name="Parent" isCodable="true"><Code guid="{C2}" name="Child" '
            f'isCodable="true"/></Code></Codes></CodeBook><Sources><TextSource guid="{S1}" name="doc" '
            f'plainTextPath="internal://{S1}.txt">{body}</TextSource></Sources></Project>')


def _selection(guid: str, start: int, end: int, code: str, coding_user: str | None,
               selection_user: str | None) -> str:
    cu = f' creatingUser="{coding_user}"' if coding_user else ""
    su = f' creatingUser="{selection_user}"' if selection_user else ""
    return (f'<PlainTextSelection guid="{guid}" startPosition="{start}" endPosition="{end}"{su}>'
            f'<Coding guid="{guid[:-1]}f"{cu}><CodeRef targetGUID="{code}"/></Coding></PlainTextSelection>')


def _raw(tmp_path: Path, body: str, *, users: str | None = None, qde: str = "project.qde",
         text: str = "first paragraph\nsecond paragraph") -> Path:
    return _zip(tmp_path / "raw.qdpx", {qde: _qde(body, users), f"Sources/{S1}.txt": text})


def _presence_project(path: Path, coders: dict[str, dict[str, list[int]]], n_sources: int) -> Path:
    """Sources S01.. (one line of text each); ``coders[name][code]`` lists the source numbers coded."""
    codes = sorted({c for by_code in coders.values() for c in by_code})
    sources = [{"name": f"S{i:02d}", "text": f"text of source {i}"} for i in range(1, n_sources + 1)]
    codings = [{"source": f"S{i:02d}", "code": code, "coder": coder, "start": 0, "end": 5}
               for coder, by_code in coders.items() for code, numbers in by_code.items() for i in numbers]
    return write_project(path, [{"name": c} for c in coders], [{"name": c} for c in codes], sources, codings)


def _row(table: pd.DataFrame, code: str) -> pd.Series:
    return table.set_index("code").loc[code]


# --- two coders, worked by hand ----------------------------------------------------------
#
# Ten sources S01..S10, two codes, unit = source (1 = the coder applied the code somewhere in the source).
#
# Code X: ann codes S01-S04, bob codes S01-S03 and S05.
#   both 3 (S01-S03), ann only 1 (S04), bob only 1 (S05), neither 5          n = 10
#   p_o = (3 + 5) / 10 = 0.80                          percent agreement 80
#   ann "yes" 0.4, bob "yes" 0.4: p_e = 0.4*0.4 + 0.6*0.6 = 0.52
#   Cohen's kappa = (0.80 - 0.52) / (1 - 0.52) = 0.28 / 0.48 = 0.583333
#   AC1: pi_yes = (0.4 + 0.4) / 2 = 0.4; p_e = 2 * 0.4 * 0.6 / (q - 1 = 1) = 0.48
#        AC1 = (0.80 - 0.48) / 0.52 = 0.615385
#   alpha (nominal): 20 values, 8 "yes", 12 "no"; the two split units put 2 pairs in each off-diagonal cell
#        alpha = 1 - (n - 1) * (2 + 2) / (2 * 12 * 8) = 1 - 19 * 4 / 192 = 0.604167
#
# Code Y: ann codes S09 and S10, bob codes S10.
#   both 1, ann only 1, neither 8: p_o = 0.9; p_e = 0.2*0.1 + 0.8*0.9 = 0.74
#   kappa = (0.9 - 0.74) / 0.26 = 0.615385
#
# Overall (X and Y stacked: 20 rows): both 4, ann only 2, bob only 1, neither 13
#   p_o = 17/20 = 0.85; ann 6/20 = 0.30, bob 5/20 = 0.25; p_e = 0.30*0.25 + 0.70*0.75 = 0.60
#   kappa = (0.85 - 0.60) / 0.40 = 0.625

TWO = {"ann": {"X": [1, 2, 3, 4], "Y": [9, 10]}, "bob": {"X": [1, 2, 3, 5], "Y": [10]}}


def test_two_coders_by_hand(tmp_path: Path) -> None:
    project = read_project(_presence_project(tmp_path / "two.qdpx", TWO, 10))
    table = code_agreement(project, n_resamples=200)
    assert list(table.columns) == AGREEMENT_COLUMNS
    assert table["code"].tolist() == ["X", "Y", "overall"]
    x, y, overall = (_row(table, c) for c in ("X", "Y", "overall"))
    assert (x.units, x.coders, x.present, x.kappa_type) == (10, 2, 5, "cohen")
    assert x.percent_agreement == pytest.approx(80.0)
    assert x.kappa == pytest.approx(0.28 / 0.48)
    assert x.ac1 == pytest.approx(0.32 / 0.52)
    assert x.alpha == pytest.approx(1 - 19 * 4 / 192)
    assert x.prevalence == pytest.approx(8 / 20)
    assert y.kappa == pytest.approx(0.16 / 0.26)
    assert overall.kappa == pytest.approx(0.625) and overall.percent_agreement == pytest.approx(85.0)
    assert np.isnan(overall.kappa_low) and "stacked" in overall.note
    # the intervals are those of the package's own functions on the same table
    ratings = unit_matrix(project)["X"]
    ref = cohen_kappa(ratings, categories=[0, 1]).iloc[0]
    assert (x.kappa_low, x.kappa_upp) == pytest.approx((ref.ci_low, ref.ci_high))
    assert x.alpha_low <= x.alpha <= x.alpha_upp


# --- three coders, worked by hand --------------------------------------------------------
#
# Six sources, one code Z, coders ann, bob, cid. Number of coders applying Z per source: 3, 3, 0, 0, 2, 1.
#   Fleiss: P_i = sum_j n_ij (n_ij - 1) / (m (m - 1)), m = 3:
#     3 or 0 "yes": 6/6 = 1;  2 "yes": (2 + 0)/6 = 1/3;  1 "yes": (0 + 2)/6 = 1/3
#     P-bar = (4 + 2/3) / 6 = 0.777778 (percent agreement 77.78)
#     p_yes = 9/18 = 0.5: P_e = 0.25 + 0.25 = 0.5;  kappa = (0.777778 - 0.5) / 0.5 = 5/9 = 0.555556
#   AC1: pi_yes = mean of shares (1 + 1 + 0 + 0 + 2/3 + 1/3) / 6 = 0.5; p_e = 2 * 0.25 = 0.5 -> AC1 = 5/9 too
#   alpha: 18 values, 9 "yes", 9 "no"; the split units add n_yes * n_no / (m_u - 1) = 1 to each off-diagonal cell
#     o_yn = o_ny = 2; alpha = 1 - 17 * 4 / (2 * 9 * 9) = 1 - 68/162 = 0.580247

THREE = {"ann": {"Z": [1, 2, 5]}, "bob": {"Z": [1, 2, 5]}, "cid": {"Z": [1, 2, 6]}}


def test_three_coders_by_hand(tmp_path: Path) -> None:
    table = code_agreement(read_project(_presence_project(tmp_path / "three.qdpx", THREE, 6)), n_resamples=0)
    z = _row(table, "Z")
    assert (z.coders, z.kappa_type, z.present) == (3, "fleiss", 4)
    assert z.percent_agreement == pytest.approx(100 * 14 / 18)
    assert z.kappa == pytest.approx(5 / 9)
    assert z.ac1 == pytest.approx(5 / 9)
    assert z.alpha == pytest.approx(1 - 68 / 162)
    assert np.isnan(z.alpha_low)  # no bootstrap asked for
    assert _row(table, "overall").kappa == pytest.approx(5 / 9)  # one code: overall = that code


def test_filters_choose_codes_and_coders(tmp_path: Path) -> None:
    project = read_project(_presence_project(tmp_path / "three.qdpx", {**THREE, "dan": {"Z": [3]}}, 6))
    assert project.coders == ["ann", "bob", "cid", "dan"]
    table = code_agreement(project, coders=["ann", "bob"], codes=["Z"], n_resamples=0)
    assert table.attrs["coders"] == ["ann", "bob"] and _row(table, "Z").kappa == pytest.approx(1.0)


# --- what real exports do ------------------------------------------------------------------


def test_nvivo_style_authorship_comes_from_the_coding(tmp_path: Path) -> None:
    # NVivo: the selection was made by ann, the coding by bob -> bob is the coder. A coding with no
    # creatingUser of its own falls back to its selection's user.
    body = (_selection("bbbbbbbb-0000-4000-8000-000000000001", 0, 5, C1, U2, U1)
            + _selection("bbbbbbbb-0000-4000-8000-000000000002", 6, 9, C1, None, U1))
    codings = read_project(_raw(tmp_path, body)).codings
    assert codings["coder"].tolist() == ["bob", "ann"]
    assert codings["author_from"].tolist() == ["coding", "selection"]
    assert codings["selection_user_guid"].tolist() == [U1.lower(), U1.lower()]


def test_nvivo_style_project_written_by_the_writer(tmp_path: Path) -> None:
    path = write_project(tmp_path / "n.qdpx", [{"name": "ann"}, {"name": "bob"}], [{"name": "X"}],
                         [{"name": "doc", "text": "some text"}],
                         [{"source": "doc", "code": "X", "coder": "bob", "selection_user": "ann", "start": 0, "end": 4},
                          {"source": "doc", "code": "X", "coder": None, "selection_user": "ann", "start": 5, "end": 9}])
    codings = read_project(path).codings
    assert codings["coder"].tolist() == ["bob", "ann"] and codings["author_from"].tolist() == ["coding", "selection"]


def test_upper_case_and_braced_guids_are_normalised(tmp_path: Path) -> None:
    # users and codes declared in upper case, referenced in lower case and in braces
    body = _selection("BBBBBBBB-0000-4000-8000-000000000001", 0, 5, "{" + C2.lower() + "}", U1.lower(), None)
    project = read_project(_raw(tmp_path, body))
    assert project.users["guid"].tolist() == [U1.lower(), U2.lower()]
    row = project.codings.iloc[0]
    assert (row.code_guid, row.code, row.coder, row.source) == (C2.lower(), "Parent/Child", "ann", "doc")
    assert project.codes["parent_guid"].tolist() == [None, C1.lower()]


def test_a_renamed_qde_file_is_found(tmp_path: Path) -> None:
    project = read_project(_raw(tmp_path, "", qde="My interview study.qde"))
    assert project.qde == "My interview study.qde" and project.sources["text"].iloc[0].startswith("first")


def test_sources_internal_inline_and_missing(tmp_path: Path) -> None:
    s2, s3 = "5555AAAA-0000-4000-8000-000000000002", "5555AAAA-0000-4000-8000-000000000003"
    xml = _qde("").replace(
        "</Sources>",
        f'<TextSource guid="{s2}" name="inline"><PlainTextContent>typed in</PlainTextContent></TextSource>'
        f'<TextSource guid="{s3}" name="gone" plainTextPath="internal://{s3}.txt"/></Sources>')
    # the archive's folder is spelled in lower case here; the reader does not mind
    project = read_project(_zip(tmp_path / "s.qdpx", {"project.qde": xml, f"sources/{S1}.txt": "from the zip"}))
    assert project.sources["text"].tolist() == ["from the zip", "typed in", None]
    assert project.sources["internal"].tolist() == [True, True, True]


def test_a_source_missing_from_the_archive_works_with_source_units_only(tmp_path: Path) -> None:
    sources = [{"name": "here", "text": "a\nb"}, {"name": "gone", "text": None, "path": "internal://gone.txt"}]
    codings = [{"source": s, "code": "X", "coder": c, "start": 0, "end": 1} for s in ("here", "gone")
               for c in ("ann", "bob")]
    path = write_project(tmp_path / "m.qdpx", [{"name": "ann"}, {"name": "bob"}], [{"name": "X"}], sources, codings)
    project = read_project(path)
    assert project.sources.set_index("name").loc["gone", "text"] is None
    assert unit_matrix(project)["X"].to_numpy().tolist() == [[1, 1], [1, 1]]
    with pytest.raises(ProjectError, match="'gone' is coded but its text is not in the archive"):
        unit_matrix(project, unit="paragraph")


# --- paragraphs ----------------------------------------------------------------------------
#
# Text (positions):  "Alpha line\n\nBeta line\r\nGamma\n   \nDelta"
#   paragraphs: 1 Alpha line [0, 10)   2 Beta line [12, 21)   3 Gamma [23, 28)   4 Delta [33, 38)
#   (the blank line and the line of spaces are separators, not units)
#   ann: [5, 15) overlaps 1 and 2;  [21, 23) lies on the line break only -> nothing;  empty selection at 35 -> 4
#   bob: a coding of the whole source -> 1, 2, 3, 4;  [12, 23) -> 2 only (it ends where Gamma starts)

PARAGRAPH_TEXT = "Alpha line\n\nBeta line\r\nGamma\n   \nDelta"


def test_paragraph_units(tmp_path: Path) -> None:
    spans = {"ann": [(5, 15), (21, 23), (35, 35)], "bob": [(None, None), (12, 23)]}
    codings = [{"source": "doc", "code": "Y", "coder": c, "start": s, "end": e}
               for c, pairs in spans.items() for s, e in pairs]
    path = write_project(tmp_path / "p.qdpx", [{"name": "ann"}, {"name": "bob"}], [{"name": "Y"}],
                         [{"name": "doc", "text": PARAGRAPH_TEXT}], codings)
    table = unit_matrix(read_project(path), unit="paragraph")["Y"]
    assert table.index.tolist() == [("doc", 1), ("doc", 2), ("doc", 3), ("doc", 4)]
    assert table["ann"].tolist() == [1, 1, 0, 1]
    assert table["bob"].tolist() == [1, 1, 1, 1]
    res = _row(code_agreement(read_project(path), unit="paragraph", n_resamples=0), "Y")
    assert res.units == 4 and res.percent_agreement == pytest.approx(75.0)


# --- named errors ----------------------------------------------------------------------------


def test_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "notes.qdpx"
    path.write_text("just text", encoding="utf-8")
    with pytest.raises(ProjectError, match=r"notes\.qdpx: not a zip archive"):
        read_project(path)


def test_no_such_file(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="no such file"):
        read_project(tmp_path / "absent.qdpx")


def test_no_qde_and_two_qde(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match=r"no \.qde project file inside the archive \(it holds Sources/a\.txt\)"):
        read_project(_zip(tmp_path / "a.qdpx", {"Sources/a.txt": "x"}))
    with pytest.raises(ProjectError, match=r"2 \.qde project files .*a\.qde, b\.qde"):
        read_project(_zip(tmp_path / "b.qdpx", {"a.qde": _qde(""), "b.qde": _qde("")}))


@pytest.mark.parametrize("xml, message", [
    ("<Project name='x'><Users>", "is not well-formed XML"),
    ("<Project name='x'/>", r"not QDA-XML: its root element is <Project> in no namespace"),
    (f"<Codebook xmlns='{NAMESPACE}'/>", "not QDA-XML: its root element is <Codebook>"),
    ("<Project xmlns='urn:QDA-XML:codebook:1.0' name='x'/>", "in urn:QDA-XML:codebook:1.0, not <Project>"),
])
def test_xml_that_is_not_qda_xml(tmp_path: Path, xml: str, message: str) -> None:
    path = _zip(tmp_path / "x.qdpx", {"project.qde": xml})
    with pytest.raises(ProjectError, match=rf"x\.qdpx: project\.qde .*{message}"):
        read_project(path)


def test_codings_naming_an_unknown_code_or_user(tmp_path: Path) -> None:
    stranger = "99999999-0000-4000-8000-000000000009"
    body = _selection("bbbbbbbb-0000-4000-8000-000000000001", 0, 5, stranger, U1, None)
    with pytest.raises(ProjectError, match=f"names code {stranger}, which is not in the codebook"):
        read_project(_raw(tmp_path, body))
    body = _selection("bbbbbbbb-0000-4000-8000-000000000001", 0, 5, C1, stranger, None)
    with pytest.raises(ProjectError, match=f"names user {stranger}, which is not in the project's <Users>"):
        read_project(_raw(tmp_path, body))


def test_a_selection_beyond_its_text(tmp_path: Path) -> None:
    body = _selection("bbbbbbbb-0000-4000-8000-000000000001", 10, 999, C1, U1, None)
    with pytest.raises(ProjectError, match=r"selects characters \[10, 999\) of a text of 32 characters"):
        read_project(_raw(tmp_path, body))


def test_one_coder_is_named(tmp_path: Path) -> None:
    project = read_project(_presence_project(tmp_path / "one.qdpx", {"ann": {"X": [1]}, "bob": {}}, 3))
    with pytest.raises(ProjectError, match=r"one\.qdpx: only one coder \('ann'\) has coded in this project"):
        code_agreement(project)
    with pytest.raises(ProjectError, match=r"only one coder \('ann'\) is selected"):
        unit_matrix(read_project(_presence_project(tmp_path / "t.qdpx", TWO, 10)), coders=["ann"])


def test_no_codings(tmp_path: Path) -> None:
    project = read_project(teaching_qdpx.write_vignette_project(tmp_path / "vignettes.qdpx"))
    assert project.codings.empty  # a valid project; only the comparison is refused
    with pytest.raises(ProjectError, match=r"vignettes\.qdpx: the project has no codings"):
        code_agreement(project)


def test_codings_without_any_author(tmp_path: Path) -> None:
    body = _selection("bbbbbbbb-0000-4000-8000-000000000001", 0, 5, C1, None, None)
    project = read_project(_raw(tmp_path, body))
    assert project.codings["author_from"].tolist() == ["none"]
    with pytest.raises(ProjectError, match="1 coding.* have no creatingUser"):
        code_agreement(project)


def test_unknown_names_in_the_filters_list_the_valid_ones(tmp_path: Path) -> None:
    project = read_project(_presence_project(tmp_path / "t.qdpx", TWO, 10))
    with pytest.raises(ProjectError, match=r"unknown code 'Q'; the codes are 'X', 'Y'"):
        code_agreement(project, codes=["Q"])
    with pytest.raises(ProjectError, match=r"unknown coder 'anne' \(did you mean 'ann'\?\); the coders are 'ann', 'bob'"):
        unit_matrix(project, coders=["anne", "bob"])
    with pytest.raises(ProjectError, match="`unit` must be one of"):
        unit_matrix(project, unit="sentence")


def test_every_error_is_a_value_error() -> None:
    assert issubclass(ProjectError, ValueError)


def test_docstring_example_runs() -> None:
    import doctest

    from intake_alliance.stats import qdpx

    result = doctest.testmod(qdpx, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


# --- the writer ------------------------------------------------------------------------------


def test_writing_is_repeatable_and_reads_back(tmp_path: Path) -> None:
    first = read_project(_presence_project(tmp_path / "a.qdpx", TWO, 10))
    _presence_project(tmp_path / "b.qdpx", TWO, 10)
    assert (tmp_path / "a.qdpx").read_bytes() == (tmp_path / "b.qdpx").read_bytes()
    again = read_project(write_project(tmp_path / "c.qdpx", first.users, first.codes, first.sources, first.codings,
                                       name="t"))
    cols = ["guid", "source", "start", "end", "code", "coder", "author_from"]
    pd.testing.assert_frame_equal(first.codings[cols], again.codings[cols])


def test_unit_labels_refuses_two_codes_on_one_unit(tmp_path: Path) -> None:
    project = read_project(_presence_project(tmp_path / "t.qdpx", {"ann": {"X": [1], "Y": [1, 2]},
                                                                   "bob": {"X": [1], "Y": [2]}}, 2))
    with pytest.raises(ProjectError, match=r"coder 'ann' applied 'X', 'Y' to unit 'S01'; .*one code per unit"):
        unit_labels(project)
    labels = unit_labels(project, codes=["Y"], coders=["bob", "ann"])
    assert labels.to_numpy().tolist() == [[None, "Y"], ["Y", "Y"]]


# --- the coding lab round trip ------------------------------------------------------------------


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("lab")
    return {"vignettes": teaching_qdpx.write_vignette_project(folder / "coding-lab-vignettes.qdpx"),
            "sheets": teaching_qdpx.write_sheets_project(folder / "coding-lab-sheets.qdpx")}


def test_the_vignette_project(lab: dict[str, Path]) -> None:
    project = read_project(lab["vignettes"])
    vignettes = data.load("vignettes")
    assert project.sources["name"].tolist() == vignettes["vignette_id"].tolist()
    assert project.sources["text"].tolist() == vignettes["text"].tolist()
    assert project.codes["name"].tolist() == teaching.themes()["key"].tolist()
    assert project.users["name"].tolist() == [teaching_qdpx.LAB_USER] and project.codings.empty


def test_the_lab_exports_are_byte_for_byte_repeatable(lab: dict[str, Path], tmp_path: Path) -> None:
    assert teaching_qdpx.write_vignette_project(tmp_path / "v.qdpx").read_bytes() == lab["vignettes"].read_bytes()
    assert teaching_qdpx.write_sheets_project(tmp_path / "s.qdpx").read_bytes() == lab["sheets"].read_bytes()


def test_round_trip_gives_the_sheet_scorers_kappa(lab: dict[str, Path]) -> None:
    careful, confused = teaching.example_sheet("sheet_careful"), teaching.example_sheet("sheet_confused")
    direct = teaching.score_sheet(careful, against=confused).summary()
    score = teaching_qdpx.score_project(lab["sheets"], n_resamples=0)
    pd.testing.assert_series_equal(score.summary, direct, check_exact=False, rtol=1e-12)
    assert score.labels["example_careful"].tolist() == careful["theme"].tolist()
    # per theme, presence/absence: a different question with different numbers (module docstring)
    per_code = score.per_code.set_index("code")
    assert list(per_code.index) == teaching.themes()["key"].tolist() + ["overall"]
    assert per_code.loc["overall", "percent_agreement"] == pytest.approx(100 * (1 - 2 * (30 - 8) / (30 * 8)))
    assert not np.isclose(per_code.loc["overall", "kappa"], direct["kappa"])


def test_score_project_refuses_a_project_that_is_not_the_lab(tmp_path: Path) -> None:
    path = _presence_project(tmp_path / "t.qdpx", {"ann": {"anger": [1]}, "bob": {"anger": [2]}}, 2)
    with pytest.raises(ProjectError, match="'S01', 'S02' are not vignettes of the coding lab"):
        teaching_qdpx.score_project(path)


def _validator():
    """Validate against the vendored Project.xsd with lxml (a test dependency)."""
    from lxml import etree

    schema = etree.XMLSchema(etree.parse(str(XSD)))
    return lambda xml: [] if schema.validate(etree.fromstring(xml)) else [str(e) for e in schema.error_log]


@pytest.mark.parametrize("name", ["vignettes", "sheets"])
def test_the_lab_exports_validate_against_the_schema(lab: dict[str, Path], name: str) -> None:
    validate = _validator()
    with zipfile.ZipFile(lab[name]) as zf:
        assert validate(zf.read("project.qde")) == []


def test_the_schema_check_catches_a_broken_project(tmp_path: Path) -> None:
    validate = _validator()
    broken = _qde("").replace(' isCodable="true"', "", 1).encode("utf-8")  # isCodable is required
    assert validate(broken) != []


def test_the_vendored_schema_is_the_published_one() -> None:
    import hashlib

    digest = hashlib.sha256(XSD.read_bytes()).hexdigest()
    assert digest == "a2cc1ffb4ab1c07c51d6c78e69f2c9968458a9f0ad3b317ddde27f1e86f15a15"
    assert "MIT" in (XSD.parent / "LICENSE").read_text(encoding="utf-8")


# --- the command ---------------------------------------------------------------------------------


def test_the_command_prints_and_writes_the_table(lab: dict[str, Path], tmp_path: Path,
                                                 capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "agreement.csv"
    assert main(["agreement", str(lab["sheets"]), "--resamples", "0", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "coders example_careful, example_confused" in printed and "cohen kappa" in printed
    table = pd.read_csv(out)
    assert table["code"].iloc[-1] == "overall" and len(table) == 9


@pytest.mark.parametrize("args, message", [
    ([], "the project has no codings"),
    (["--codes", "angr"], "unknown code 'angr' (did you mean 'anger'?)"),
])
def test_the_command_names_the_problem(lab: dict[str, Path], capsys: pytest.CaptureFixture, args: list[str],
                                       message: str) -> None:
    path = lab["vignettes"] if not args else lab["sheets"]
    assert main(["agreement", str(path), *args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(path) in err and message in err
