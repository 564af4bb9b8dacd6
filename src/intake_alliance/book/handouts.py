"""Printable handouts for the coding lab, laid out as PDF from ``data/teaching``.

* The **student packet**: how to do the lab, the content note, the codebook, every vignette and a blank
  coding sheet ruled for pen and paper.
* The **instructor key**: the session plans, the intended themes with their rationales (ambiguous
  vignettes flagged, with their second acceptable theme), the theme pairs to watch and the discussion
  prompts.

Both are written with fpdf2 in the DejaVu fonts that matplotlib ships, so building them needs nothing but
the Python packages of the book. The creation date comes from ``SOURCE_DATE_EPOCH`` (as for the figures),
so two builds write the same bytes. ``make book`` puts them, with the lab's CSV files, in the site's
``downloads/`` folder (:func:`write_downloads`, called by the ``teaching_downloads`` Sphinx extension).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from fpdf import FPDF
from fpdf.fonts import FontFace

from .. import data
from ..stats import fmt_number
from ..study import teaching, teaching_qdpx
from .guide import as_plain, chapters, plain_markdown, referenced_exercises

__all__ = ["CONTENT_NOTE", "DOWNLOADS", "NO_ADDRESS", "PROJECTS", "instructor_key", "materials", "student_packet",
           "write_downloads"]

#: Read before the vignettes, on the lab page, in the instructor guide and in the packet.
CONTENT_NOTE = (
    "Some vignettes touch on distressing experiences, among them panic attacks, thoughts of "
    "self-harm, a parent's serious illness, drinking, and being singled out for one's ethnic background. "
    "They are short and not graphic. Anyone may pass over a vignette they would rather not dwell on; since a "
    "sheet is scored once every row has a theme, such a row can be filled in after the class has discussed it."
)

#: The CSV files of data/teaching offered for download, with what each is.
DOWNLOADS = {
    "coding_sheet_blank.csv": "blank coding sheet",
    "codebook.csv": "codebook",
    "vignettes.csv": "vignettes",
    "sheet_careful.csv": "example sheet of the careful coder",
    "sheet_confused.csv": "example sheet of the confused coder",
    "answer_key.csv": "answer key (for instructors)",
}

#: The lab as REFI-QDA projects for QDA programs (:mod:`intake_alliance.study.teaching_qdpx`).
PROJECTS = {
    "coding_lab_vignettes.qdpx": teaching_qdpx.write_vignette_project,
    "coding_lab_example_sheets.qdpx": teaching_qdpx.write_sheets_project,
}

_STEPS = (
    "Read the codebook, including what each theme excludes: it names the neighbouring theme a passage "
    "should not be given.",
    "Code every vignette with exactly one theme, alone, without the answer key. Write the theme's key "
    "(for example understood) in the coding sheet at the end of this packet; use the note column for a word on "
    "hard choices.",
    "Score your sheet: when your instructor shows the answer key, tick each row that agrees with it (for a "
    "vignette marked ambiguous in the key, either of its two themes counts) and write the count at the foot of "
    "the sheet. Agreement is that count out of the number of vignettes.",
    "Compare with a classmate: copy each other's themes into the partner column, tick the rows where you agree, "
    "and list the vignettes where you differ. Pick the disagreement you find most interesting.",
    "Check with the scorer (optional): type your themes into coding_sheet_blank.csv (from the downloads folder of "
    "the book's site, address above) in any spreadsheet program and choose it in the book's coding lab page, which "
    "shows your agreement, Cohen's kappa and every disagreement, in your browser.",
)

#: Printed when the build sets no web address for the book (html.baseurl in _config.yml).
NO_ADDRESS = "(no web address was set when this copy was built: ask your instructor and write it here) " + "_" * 30


def _address(site_url: str | None) -> str:
    return site_url.rstrip("/") + "/" if site_url else NO_ADDRESS


def _font_dir() -> Path:
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the DejaVu fonts come with matplotlib, which is not installed")
    return Path(list(spec.submodule_search_locations)[0]) / "mpl-data" / "fonts" / "ttf"


class _Handout(FPDF):
    def __init__(self, title: str) -> None:
        super().__init__(format="A4", unit="mm")
        fonts = _font_dir()
        self.add_font("DejaVu", "", fonts / "DejaVuSans.ttf")
        self.add_font("DejaVu", "B", fonts / "DejaVuSans-Bold.ttf")
        self.add_font("DejaVu", "I", fonts / "DejaVuSans-Oblique.ttf")
        self.handout_title = title
        self.set_title(title)
        self.set_author("The intake alliance compendium team")
        self.set_creation_date(dt.datetime.fromtimestamp(int(os.environ.get("SOURCE_DATE_EPOCH", "1767225600")),
                                                         tz=dt.timezone.utc))
        self.set_margins(18, 16, 18)
        self.set_auto_page_break(True, margin=18)
        self.add_page()

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("DejaVu", "", 8)
        self.cell(0, 5, f"{self.handout_title} · invented teaching material · page {self.page_no()} of {{nb}}",
                  align="C")

    def together(self, draw: Callable[[], None]) -> None:
        """Run ``draw`` on a new page unless what it draws fits on this one; a block taller than a page starts
        here and breaks."""
        page, y = self.page, self.y
        with self.offset_rendering() as trial:
            draw()
            height = (self.page - page) * self.eph + self.y - y
        if trial.page_break_triggered and y > self.t_margin + 1 and height <= self.eph:
            self.add_page()
        draw()

    def block(self, title: str, title_size: float, body: str, body_size: float) -> None:
        """A bold title and its paragraph, moved together to the next page when they do not fit on this one."""
        self.together(lambda: (self.para(title, title_size, "B"), self.para(body, body_size)))

    def heading(self, text: str, size: int = 14) -> None:
        self.ln(2)
        self.set_font("DejaVu", "B", size)
        self.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
        self.ln(1.5)

    def para(self, text: str, size: float = 10, style: str = "") -> None:
        self.set_font("DejaVu", style, size)
        self.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
        self.ln(1.5)

    def grid(self, frame: pd.DataFrame, widths: tuple[float, ...], *, size: float = 8.5,
             line_height: float | None = None, shade: list[bool] | None = None, title: str | None = None,
             before: Callable[[], None] | None = None) -> None:
        """A table with a repeated heading row, kept on one page when it fits on one (with its ``title`` and
        what ``before`` draws); rows flagged in ``shade`` get a grey background."""
        def draw() -> None:
            if title:
                self.heading(title, 12)
            if before:
                before()
            self.set_font("DejaVu", "", size)
            grey = FontFace(fill_color=(230, 230, 230))
            with self.table(col_widths=widths, text_align="LEFT", line_height=line_height or size * 0.5,
                            headings_style=FontFace(emphasis="BOLD"), repeat_headings=1, padding=1.2) as table:
                table.row(list(frame.columns))
                for i, values in enumerate(frame.itertuples(index=False)):
                    table.row([str(v) for v in values], style=grey if shade and shade[i] else None)
            self.ln(3)

        self.together(draw)


def _packet(site_url: str | None) -> _Handout:
    pdf = _Handout("Coding lab: student packet")
    pdf.heading("Coding lab: student packet", 18)
    pdf.para("Working alliance at the intake: an executable compendium", 10, "I")
    pdf.para("The book and its coding lab page: " + _address(site_url), 9.5)
    vignettes = data.load("vignettes")
    codebook = data.load("codebook")
    pdf.para(f"You will code {len(vignettes)} short statements made just after a first meeting at a mental-health "
             f"clinic into the {len(codebook)} themes of the codebook, then compare your coding with an answer "
             "key and with a classmate.")
    pdf.heading("What to do", 12)
    for n, step in enumerate(_STEPS, start=1):
        pdf.para(f"{n}. {step}")
    pdf.para("Every vignette was written for this book. None is taken from the study's interviews, and none "
             "describes a real person.", 9, "I")
    pdf.heading("Codebook", 14)
    labels = teaching.theme_labels()
    for row in codebook.itertuples(index=False):
        pdf.block(f"{labels[row.theme]} (key: {row.theme})", 10.5,
                  f"{row.short_definition} Includes: {row.includes} Excludes: {row.excludes}", 9)
    pdf.heading("Vignettes", 14)
    pdf.para("Content note: " + CONTENT_NOTE, 9.5, "B")
    for row in vignettes.itertuples(index=False):
        pdf.block(f"{row.vignette_id} ({row.speaker})", 10, row.text, 10)
    pdf.add_page()
    pdf.heading("Coding sheet", 14)
    pdf.para("Name: ______________________________      Partner: ______________________________", 10)
    pdf.para("Theme keys: " + ", ".join(codebook.theme) + ". Tick ✓ when the key (or your partner) has your "
             "theme.", 9, "I")
    blank = pd.DataFrame({"vignette": vignettes.vignette_id, "theme (one key)": "", "note": "", "✓ key": "",
                          "partner's theme": "", "✓ partner": ""})
    pdf.grid(blank, (21, 37, 45, 15, 35, 21), size=9.5, line_height=4.1)
    n = len(vignettes)
    pdf.para(f"Agreement with the key: ____ of {n} = ____%", 10, "B")
    pdf.para(f"Agreement with my partner: ____ of {n} = ____%", 10, "B")
    pdf.para("The disagreement we chose, and why: ______________________________________________________", 10)
    return pdf


def student_packet(site_url: str | None = None) -> bytes:
    """Return the student packet as PDF bytes; ``site_url`` is the book's web address (a blank when None)."""
    return bytes(_packet(site_url).output())


def _plan_frame(plan: pd.DataFrame) -> pd.DataFrame:
    frame = pd.DataFrame({"session": plan.session.astype(str),
                          "minutes": plan.start.astype(str) + "–" + plan.end.astype(str),
                          "step": plan.activity + ". " + plan.what_happens.map(as_plain),
                          "objectives; materials": plan.objectives.str.replace(" ", ", ") + "; "
                          + plan.materials.map(as_plain)})
    return frame if plan.session.nunique() > 1 else frame.drop(columns="session")


def materials(site_url: str | None = None, key_pages: int | None = None) -> pd.DataFrame:
    """What a class needs, for whom, and how many pages to print (counted from the handouts themselves; the key,
    which holds this table, is laid out once with a two-digit guess to count its own pages)."""
    packet = _packet(site_url).pages_count
    key = key_pages if key_pages is not None else _key(site_url, 99).pages_count
    return pd.DataFrame([
        ("Student packet: steps, content note, codebook, vignettes, coding sheet", "student_packet.pdf",
         "each student", f"{packet} pages each, single-sided, so that the coding sheet (the last page) can lie beside "
         "the vignettes; a few spare copies of the last page"),
        ("Instructor key", "instructor_key.pdf", "the instructor",
         f"one copy of {key} pages; its answer key starts on a page of its own, to read out or project at the "
         "scoring step"),
        ("A screen or projector with a browser and the book's site", "", "the room",
         "for the study in brief, the scorer as a check of the hand count, and the plenary"),
        ("A device with a browser (laptop, tablet or phone)", "", "each pair, optional",
         "for the scorer; nothing is installed and nothing is uploaded. In the two-session plan each student "
         "scores at home"),
        ("Board or flip chart", "", "the room", "for the disagreements in the plenary"),
        ("Blank coding sheet as CSV, for the scorer", "coding_sheet_blank.csv", "each student, two-session plan",
         "nothing to print: students download it from the site and type their themes at home"),
    ], columns=["what", "file", "for whom", "copies and pages"])


def instructor_key(site_url: str | None = None) -> bytes:
    """Return the instructor key as PDF bytes; ``site_url`` is the book's web address (a blank when None)."""
    return bytes(_key(site_url, _key(site_url, 99).pages_count).output())


def _study_in_brief() -> str:
    """The study in a paragraph, from the paper's printed values (data/published)."""
    v = data.reported()["reported"]
    return (f"The study (Nakash et al., 2021) asked whether the working alliance formed at a first meeting in a public "
            f"mental-health clinic in Israel differs when client and therapist come from the same group (a concordant "
            f"dyad: Ashkenazi therapist and client) or not (a discordant dyad: Ashkenazi therapist, Mizrahi client). "
            f"Right after the intake, in {v['n_clinics']} clinics, research assistants interviewed "
            f"{v['therapists_ashkenazi_included']} Ashkenazi therapists and their clients, {v['clients_mizrahi']} "
            f"Mizrahi and {v['clients_ashkenazi']} Ashkenazi. {v['n_raters'].capitalize()} coders analysed the "
            f"transcripts thematically and checked their agreement with kappa ({v['kappa_therapist_overall']} for "
            f"therapist and {v['kappa_client_overall']} for client interviews). The descriptions fell into "
            f"{v['n_themes']} themes, {v['n_positive_themes']} positive and {v['n_negative_themes']} negative, the "
            "themes of the codebook in the student packet. Positive descriptions dominated in both kinds of dyad; the "
            "differences are of nuance, such as Mizrahi clients leaning on non-verbal cues to judge whether they were "
            "understood. The design cannot separate the client's group from discordance itself: every therapist was "
            "Ashkenazi.")


def _example_coders(pdf: "_Handout") -> None:
    """The two example sheets scored against the key, with the confused coder's disagreements, for the plenary."""
    labels = teaching.theme_labels()
    folder = data.data_dir() / "teaching"
    scores = {name: teaching.score_sheet(folder / f"sheet_{name}.csv") for name in ("careful", "confused")}
    lines = [f"The {name} coder agrees with the key on {s.n - len(s.disagreements)} of {s.n} vignettes "
             f"({s.percent_agreement:.0f}%), Cohen's kappa {fmt_number(s.kappa, 2)}." for name, s in scores.items()]
    confused = scores["confused"].disagreements
    table = pd.DataFrame({"vignette": confused.vignette_id, "key": confused.reference.map(labels),
                          "confused coder": confused.coded.map(labels)})

    def draw() -> None:
        pdf.heading("The two example coders", 14)
        pdf.para("For the plenary: the lab page shows both invented example sheets scored against the key. "
                 + " ".join(lines) + " The confused coder's disagreements, to set beside the class's:", 9.5)
    pdf.grid(table, (24, 75, 75), size=8.5, before=draw)


def _key(site_url: str | None, key_pages: int) -> "_Handout":
    pdf = _Handout("Coding lab: instructor key")
    pdf.heading("Coding lab: instructor key", 18)
    pdf.para("Working alliance at the intake: an executable compendium", 10, "I")
    pdf.para("For instructors: do not hand this out before the students have finished coding.", 10, "B")
    pdf.para("The book, its coding lab page and its instructor guide: " + _address(site_url), 9.5)
    pdf.para("This key holds everything a class needs besides the student packet: the learning objectives, the "
             "materials, both session plans, the answer key with its rationales, the pairs of themes to watch, the "
             "discussion prompts and the text of every exercise the plans name. The class needs no statistics "
             "beyond percentages; the lab page adds Cohen's kappa and the list of disagreements.", 9.5)
    pdf.heading("Learning objectives", 14)
    for row in data.load("learning_objectives").sort_values("objective").itertuples(index=False):
        pdf.block(f"{row.objective}. {row.title}", 10.5,
                  f"{row.description} Practised in {as_plain(row.practised_in)}.", 9.5)
    pdf.heading("The study in brief", 14)
    pdf.para(_study_in_brief(), 9.5)
    pdf.grid(materials(site_url, key_pages), (58, 34, 26, 56), size=8.5, title="Materials and printing")
    plans = teaching.session_plan()
    for _, plan in plans.groupby("plan", sort=False):
        minutes = plan.groupby("session").minutes.sum()
        if len(minutes) == 1:
            title, widths = f"Session plan: one class of {int(minutes.iloc[0])} minutes", (18, 108, 48)
        else:
            lengths = sorted({int(m) for m in minutes})
            each = f"{lengths[0]} minutes" if len(lengths) == 1 else " and ".join(map(str, minutes)) + " minutes"
            title, widths = f"Session plan: {len(minutes)} sessions of {each}", (16, 18, 94, 46)
        pdf.grid(_plan_frame(plan), widths, size=8.5, title=title)
    pdf.add_page()
    pdf.heading("Answer key", 14)
    key = teaching.answer_key()
    labels = teaching.theme_labels()
    n_amb = int(key.ambiguous.sum())
    pdf.para(f"{n_amb} vignettes were written to sit between two themes (shaded, marked 'ambiguous'): either "
             "theme counts as agreement for them, by hand and in the scorer. All other vignettes have one intended "
             "theme.", 9.5)
    frame = pd.DataFrame({
        "vignette": key.vignette_id + key.ambiguous.map({True: " ambiguous", False: ""}),
        "intended theme": key.primary_theme.map(labels),
        "also accepted": key.secondary_theme.map(lambda k: labels.get(k, "")),
        "why": key.rationale,
    })
    pdf.grid(frame, (24, 34, 30, 86), size=8, shade=list(key.ambiguous))
    pairs = key[key.ambiguous]
    pdf.together(lambda: (pdf.heading("Pairs of themes to watch", 12), [
        pdf.para(f"{row.vignette_id}: {labels[row.primary_theme]} or {labels[row.secondary_theme]}.", 9.5)
        for row in pairs.itertuples(index=False)]))
    _example_coders(pdf)
    pdf.add_page()
    pdf.heading("Discussion prompts", 14)
    for row in data.load("discussion_prompts").sort_values("order").itertuples(index=False):
        pdf.block(f"{row.order}. {row.title}", 10, row.prompt, 9.5)
    chapter_of = chapters()
    for i, ex in enumerate(referenced_exercises()):
        number, title = chapter_of[ex.page]
        solution = (f"A worked answer: {plain_markdown(ex.solution)}" if ex.solution else
                    "The worked answer computes its numbers; it is printed under the exercise in the book.")
        name, body = f"{ex.name[0].upper()}{ex.name[1:]} (chapter {number}, {title})", plain_markdown(ex.text)
        pdf.together(lambda: ((pdf.heading("The exercises the plans name", 14) if i == 0 else None),
                              pdf.para(name, 10, "B"), pdf.para(body + "\n" + solution, 9)))
    return pdf


def write_downloads(folder: str | Path, site_url: str | None = None) -> list[Path]:
    """Write the two handouts and the two REFI-QDA projects, and copy the lab's CSV files into ``folder``;
    ``site_url`` is the book's web address that the handouts print.

    Returns the paths written.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, make in (("student_packet.pdf", student_packet), ("instructor_key.pdf", instructor_key)):
        path = folder / name
        path.write_bytes(make(site_url))
        written.append(path)
    for name, write in PROJECTS.items():
        written.append(Path(write(folder / name)))
    for name in DOWNLOADS:
        written.append(Path(shutil.copyfile(data.data_dir() / "teaching" / name, folder / name)))
    return written
