"""The teaching pack: session plans that add up, handouts that hold the whole lab, files a class can download."""

from __future__ import annotations

import html
import io
import re
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader

from conftest import ROOT
from intake_alliance import data
from intake_alliance.book import handouts
from intake_alliance.book.guide import (CHAPTER, EXERCISE_LABEL, as_plain, chapters, exercises, objectives_markdown, plain_markdown,
                                       plan_markdown, referenced_exercises)
from intake_alliance.paths import chapter_numbers
from intake_alliance.study import teaching


def _squash(text: str) -> str:
    """Text without any whitespace (PDF extraction breaks lines where the layout does), quotes made plain
    (Sphinx prints typographic ones)."""
    return re.sub(r"\s+", "", text).translate(str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'}))


def _pdf_text(pdf: bytes) -> str:
    """The text of every page, without the page footers (which would split a paragraph running over a page)."""
    footer = re.compile(r"Coding lab: [a-z ]+ · invented teaching material · page \d+ of \d+")
    return _squash("".join(footer.sub("", page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages))


# ---------------------------------------------------------------------------------------------- session plans

def test_the_plans_add_up_to_90_and_to_two_times_45_minutes() -> None:
    totals = teaching.session_plan().groupby(["plan", "session"]).minutes.sum().to_dict()
    assert totals == {("90 minutes", 1): 90, ("2 x 45 minutes", 1): 45, ("2 x 45 minutes", 2): 45}


def test_steps_follow_each_other_without_gaps() -> None:
    for _, steps in teaching.session_plan().groupby(["plan", "session"]):
        assert steps.start.iloc[0] == 0
        assert (steps.start.iloc[1:].to_numpy() == steps.end.iloc[:-1].to_numpy()).all()


def test_a_lost_step_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    plan = data.load("session_plan")
    monkeypatch.setattr(teaching.data, "load", lambda name: plan.drop(index=2) if name == "session_plan" else None)
    with pytest.raises(ValueError, match=r"session_plan: the steps of '90 minutes', session 1 are numbered \[1, 2, 4, 5, 6\]"):
        teaching.session_plan()


def test_every_objective_is_practised_in_each_plan() -> None:
    plans = teaching.session_plan()
    for name, plan in plans.groupby("plan"):
        practised = set(" ".join(plan.objectives).split())
        assert practised == {"1", "2", "3", "4", "5"}, name


def _labels_in_notebooks() -> set[str]:
    found = set()
    for nb in (ROOT / "notebooks").glob("*.ipynb"):
        found |= set(re.findall(r":label: ([\w-]+)", nb.read_text()))
    return found


def test_plans_and_guide_name_only_existing_exercises() -> None:
    known = _labels_in_notebooks()
    named = set(EXERCISE_LABEL.findall(" ".join([*teaching.session_plan().materials,
                                                 *data.load("learning_objectives").practised_in])))
    assert named and named <= known, named - known
    assert {ex.label for ex in referenced_exercises()} == named
    guide = (ROOT / "notebooks" / "instructor_guide.ipynb").read_text()
    refs = set(re.findall(r"\{ref\}`([\w-]+)`", guide))
    assert refs and refs <= known, refs - known


def test_each_learning_objective_links_to_practice() -> None:
    items = re.findall(r"^\d\. (.*)$", objectives_markdown().data, re.M)
    assert len(items) == 5
    for item in items:
        assert "*Practised in*" in item and re.search(r"\{ref\}`|\]\(\d\d_\w+\.ipynb\)", item), item


def test_chapters_are_named_by_the_numbers_of_the_navigation() -> None:
    numbers = chapter_numbers()
    assert numbers["01_study_design"] == 1 and numbers["07_coding_lab"] == 7 and numbers["instructor_guide"] == 8
    assert as_plain("chapter:07_coding_lab") == f"chapter 7 ({chapters()['07_coding_lab'][1]})"
    assert as_plain("ex-lab-rule") == f"exercise {exercises()['ex-lab-rule'].number}, “{exercises()['ex-lab-rule'].title}”"
    with pytest.raises(ValueError, match="chapter:99_nothing names no numbered chapter"):
        as_plain("chapter:99_nothing")
    # the teaching files name chapters by notebook, never by a number that could drift from the navigation
    for text in [*teaching.session_plan().what_happens, *teaching.session_plan().materials,
                 *data.load("learning_objectives").practised_in]:
        assert not re.search(r"\bchapter \d", text), text


def test_plan_markdown_links_exercises_and_refuses_unknown_plans() -> None:
    md = plan_markdown("90 minutes").data
    assert "{ref}`ex-lab-rule`" in md and "{ref}`ex-design-3`" in md and "[chapter 7](07_coding_lab.ipynb)" in md
    assert md.count("\n") == len(teaching.session_plan().query("plan == '90 minutes'")) + 2
    with pytest.raises(ValueError, match="plan_name: '60 minutes' is not a plan"):
        plan_markdown("60 minutes")


# ---------------------------------------------------------------------------------------------- handouts

@pytest.fixture(scope="module")
def packet() -> bytes:
    return handouts.student_packet()


@pytest.fixture(scope="module")
def key_pdf() -> bytes:
    return handouts.instructor_key()


def test_student_packet_holds_every_vignette_and_theme(packet: bytes) -> None:
    text = _pdf_text(packet)
    for row in data.load("vignettes").itertuples():
        assert _squash(row.vignette_id) in text
        assert _squash(row.text) in text, row.vignette_id
    for row in teaching.themes().itertuples():
        assert _squash(row.key) in text and _squash(row.label) in text
    for row in data.load("codebook").itertuples():
        assert _squash(row.excludes) in text
    assert _squash(handouts.CONTENT_NOTE) in text
    # the blank sheet lists every vignette a second time, for pen and paper
    for vid in data.load("vignettes").vignette_id:
        assert text.count(vid) >= 2, vid


def test_the_coding_sheet_fits_on_the_last_page(packet: bytes) -> None:
    last = PdfReader(io.BytesIO(packet)).pages[-1].extract_text()
    assert "Coding sheet" in last
    for vid in data.load("vignettes").vignette_id:
        assert vid in last, vid


def test_student_packet_does_not_give_the_answers(packet: bytes) -> None:
    text = _pdf_text(packet)
    for rationale in teaching.answer_key().rationale:
        assert _squash(rationale) not in text


def test_instructor_key_holds_the_key_the_plans_and_the_prompts(key_pdf: bytes) -> None:
    text = _pdf_text(key_pdf)
    key = teaching.answer_key()
    for row in key.itertuples():
        assert _squash(row.vignette_id) in text
        assert _squash(row.rationale) in text, row.vignette_id
    for vid in key[key.ambiguous].vignette_id:
        assert _squash(f"{vid} ambiguous") in text
    for row in teaching.session_plan().itertuples():
        assert _squash(as_plain(row.what_happens)) in text
    for row in data.load("discussion_prompts").itertuples():
        assert _squash(row.title) in text and _squash(row.prompt) in text
    for row in data.load("learning_objectives").itertuples():
        assert _squash(f"{row.objective}. {row.title}") in text and _squash(row.description) in text
        assert _squash(as_plain(row.practised_in)) in text
    for row in handouts.materials().itertuples():
        assert _squash(row.what) in text
    for ex in referenced_exercises():
        assert _squash(ex.title) in text and _squash(plain_markdown(ex.text)) in text, ex.label
    # the study in brief, from the paper's printed values, and the confused coder's disagreements for the plenary
    printed = data.reported()["reported"]
    for key in ("therapists_ashkenazi_included", "clients_mizrahi", "clients_ashkenazi", "kappa_client_overall"):
        assert _squash(printed[key]) in text, key
    confused = teaching.score_sheet(data.data_dir() / "teaching" / "sheet_confused.csv")
    labels = teaching.theme_labels()
    for row in confused.disagreements.itertuples():
        assert _squash(f"{row.vignette_id}{labels[row.reference]}{labels[row.coded]}") in text, row.vignette_id
    # exercise labels are printed as the site names them ("exercise 3"), never as "ex-design-3"
    assert EXERCISE_LABEL.search(text) is None
    assert not re.search(r"chapter:|chapter0\d", text)
    # no address set: a line to fill in; with one: the address
    assert _squash(handouts.NO_ADDRESS) in text
    assert "https://example.org/book/" in PdfReader(io.BytesIO(handouts.instructor_key("https://example.org/book"))).pages[0].extract_text()


def _fill(page) -> float:
    """How much of a page's text area holds text: from the top margin to the lowest line, footer left out."""
    ys = []
    page.extract_text(visitor_text=lambda text, cm, tm, font, size: ys.append(tm[5]) if text.strip() else None)
    height = float(page.mediabox.height)
    body = [y for y in ys if y > 20 * 72 / 25.4]  # the footer sits 12 mm above the bottom edge
    return (height - 16 * 72 / 25.4 - min(body)) / (height - 34 * 72 / 25.4) if body else 0.0


@pytest.mark.parametrize("which", ["packet", "key_pdf"])
def test_no_handout_page_is_left_mostly_empty(which: str, request: pytest.FixtureRequest) -> None:
    pages = PdfReader(io.BytesIO(request.getfixturevalue(which))).pages
    fills = [round(_fill(page), 2) for page in pages]
    assert all(fill >= 1 / 3 for fill in fills[:-1]), fills


def test_a_table_that_fits_on_a_page_is_not_split() -> None:
    key = PdfReader(io.BytesIO(handouts.instructor_key())).pages
    holding = [i for i, page in enumerate(key) if "Session plan: one class" in page.extract_text()]
    assert len(holding) == 1
    page = key[holding[0]].extract_text()
    last_step = teaching.session_plan().query("plan == '90 minutes'").iloc[-1]
    assert _squash(last_step.activity) in _squash(page), "the 90-minute plan runs over a page"


def test_handouts_are_the_same_bytes_every_time(packet: bytes, key_pdf: bytes) -> None:
    assert handouts.student_packet() == packet
    assert handouts.instructor_key() == key_pdf
    assert PdfReader(io.BytesIO(packet)).metadata.creation_date.year == 2026


def test_write_downloads_writes_the_handouts_and_copies_the_csv_files(tmp_path: Path) -> None:
    written = handouts.write_downloads(tmp_path / "downloads")
    names = sorted(p.name for p in written)
    assert names == sorted(["student_packet.pdf", "instructor_key.pdf", *handouts.PROJECTS, *handouts.DOWNLOADS])
    again = handouts.write_downloads(tmp_path / "again")
    for first, second in zip(written, again):
        assert first.read_bytes() == second.read_bytes(), first.name
    for name in handouts.DOWNLOADS:
        assert (tmp_path / "downloads" / name).read_bytes() == (ROOT / "data" / "teaching" / name).read_bytes()


# ---------------------------------------------------------------------------------------------- the built site

@pytest.mark.slow
def test_site_offers_every_file_and_the_pages_link_them(built_book: Path) -> None:
    folder = built_book / "downloads"
    for name in ["student_packet.pdf", "instructor_key.pdf", *handouts.PROJECTS, *handouts.DOWNLOADS]:
        assert (folder / name).is_file(), name
    assert (folder / "student_packet.pdf").read_bytes() == handouts.student_packet()
    lab = (built_book / "notebooks" / "07_coding_lab.html").read_text()
    guide = (built_book / "notebooks" / "instructor_guide.html").read_text()
    for name in ("coding_sheet_blank.csv", "codebook.csv", "vignettes.csv", "student_packet.pdf"):
        assert f'href="../downloads/{name}"' in lab, name
        assert f'href="../downloads/{name}"' in guide, name
    assert 'href="../downloads/instructor_key.pdf"' in guide


@pytest.mark.slow
def test_exercise_names_are_the_ones_the_site_shows(built_book: Path) -> None:
    guide = (built_book / "notebooks" / "instructor_guide.html").read_text()
    shown = dict(re.findall(r'href="[\w.]+#([\w-]+)"><span class="std std-numref">(Exercise \d+)</span>', guide))
    assert len(shown) >= 5
    found = exercises()
    for label, text in shown.items():
        assert f"Exercise {found[label].number}" == text, label
    # and the numbers the chapters show in their exercise boxes, with the titles
    for ex in found.values():
        page = (built_book / "notebooks" / f"{ex.page}.html").read_text()
        box = re.search(rf'id="{ex.label}".*?<p class="admonition-title">(.*?)</p>', page, re.S)
        assert box and f"Exercise {ex.number}" in box.group(1) and html.escape(ex.title, quote=False) in box.group(1), \
            (ex.label, box and box.group(1))


@pytest.mark.slow
def test_chapter_numbers_are_the_ones_the_navigation_shows(built_book: Path) -> None:
    page = (built_book / "intro.html").read_text()
    for stem, (number, title) in chapters().items():
        assert re.search(rf'href="notebooks/{stem}.html">{number}\. {re.escape(html.escape(title, quote=False))}</a>', page), stem


@pytest.mark.slow
def test_guide_page_shows_both_plans_the_key_and_the_content_note(built_book: Path) -> None:
    page = html.unescape((built_book / "notebooks" / "instructor_guide.html").read_text())
    # exercise labels (ex-design-3) show as links titled "Exercise 3", chapters as links reading "chapter 7"
    text = re.sub(r"Exercise\d+|chapter\d+", "", _squash(re.sub(r"<[^>]+>", "", page)))
    for row in teaching.session_plan().itertuples():
        assert _squash(CHAPTER.sub("", EXERCISE_LABEL.sub("", row.what_happens))) in text
    for rationale in teaching.answer_key().rationale:
        assert _squash(rationale) in text
    assert _squash(handouts.CONTENT_NOTE) in text
    lab = html.unescape((built_book / "notebooks" / "07_coding_lab.html").read_text())
    note_at = lab.index(handouts.CONTENT_NOTE[:40])
    first_vignette = lab.index(data.load("vignettes").text.iloc[0][:40])
    assert note_at < first_vignette, "the content note comes before the vignettes"


def test_download_list_names_files_that_exist() -> None:
    for name in handouts.DOWNLOADS:
        assert (ROOT / "data" / "teaching" / name).is_file(), name
    assert set(pd.Index(handouts.DOWNLOADS)) >= {"coding_sheet_blank.csv", "codebook.csv", "vignettes.csv"}
