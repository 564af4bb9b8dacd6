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
from pathlib import Path

import pandas as pd
from fpdf import FPDF
from fpdf.fonts import FontFace

from .. import data
from ..study import teaching, teaching_qdpx
from .guide import exercise_names, plain_labels

__all__ = ["CONTENT_NOTE", "DOWNLOADS", "PROJECTS", "student_packet", "instructor_key", "write_downloads"]

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
    "(for example understood) in the sheet; use the note column for a word on hard choices.",
    "Score your sheet: type it into the blank CSV sheet (any spreadsheet program) and choose it in the "
    "book's coding lab page (Teaching, then Coding lab, in the book's menu; your instructor gives you the "
    "book's address), which shows your agreement with the key at once, in your browser.",
    "Compare with a classmate: choose both sheets in the second form of the lab page and look at where "
    "you part ways.",
)


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

    def keep(self, *blocks: tuple[str, float, str]) -> None:
        """Start a new page unless the (text, size, style) blocks fit together on this one."""
        height = 0.0
        for text, size, style in blocks:
            self.set_font("DejaVu", style, size)
            lines = self.multi_cell(0, size * 0.5, text, dry_run=True, output="LINES")
            height += len(lines) * size * 0.5 + 1.5
        if self.will_page_break(height):
            self.add_page()

    def block(self, title: str, title_size: float, body: str, body_size: float) -> None:
        """A bold title and its paragraph, moved together to the next page when they do not fit on this one."""
        self.keep((title, title_size, "B"), (body, body_size, ""))
        self.para(title, title_size, "B")
        self.para(body, body_size)

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
             line_height: float | None = None, shade: list[bool] | None = None) -> None:
        """A table with a repeated heading row; rows flagged in ``shade`` get a grey background."""
        self.set_font("DejaVu", "", size)
        grey = FontFace(fill_color=(230, 230, 230))
        with self.table(col_widths=widths, text_align="LEFT", line_height=line_height or size * 0.5,
                        headings_style=FontFace(emphasis="BOLD"), repeat_headings=1, padding=1.2) as table:
            table.row(list(frame.columns))
            for i, values in enumerate(frame.itertuples(index=False)):
                table.row([str(v) for v in values], style=grey if shade and shade[i] else None)
        self.ln(3)


def student_packet() -> bytes:
    """Return the student packet as PDF bytes."""
    pdf = _Handout("Coding lab: student packet")
    pdf.heading("Coding lab: student packet", 18)
    pdf.para("Working alliance at the intake: an executable compendium", 10, "I")
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
    pdf.add_page()
    pdf.heading("Vignettes", 14)
    pdf.para("Content note: " + CONTENT_NOTE, 9.5, "B")
    for row in vignettes.itertuples(index=False):
        pdf.block(f"{row.vignette_id} ({row.speaker})", 10, row.text, 10)
    pdf.add_page()
    pdf.heading("Coding sheet", 14)
    pdf.para("Name: ______________________________      Date: ______________", 10)
    pdf.para("Theme keys: " + ", ".join(codebook.theme), 9, "I")
    blank = pd.DataFrame({"vignette": vignettes.vignette_id, "theme (one key)": "", "note": ""})
    pdf.grid(blank, (20, 55, 99), size=10, line_height=4.8)
    return bytes(pdf.output())


def _plan_frame(plan: pd.DataFrame) -> pd.DataFrame:
    names = exercise_names()
    frame = pd.DataFrame({"session": plan.session.astype(str), "minutes": plan.start.astype(str) + "-" + plan.end.astype(str),
                          "step": plan.activity + ". " + plan.what_happens.map(lambda t: plain_labels(t, names)),
                          "objectives; materials": plan.objectives.str.replace(" ", ", ") + "; "
                          + plan.materials.map(lambda t: plain_labels(t, names))})
    return frame if plan.session.nunique() > 1 else frame.drop(columns="session")


def instructor_key() -> bytes:
    """Return the instructor key as PDF bytes."""
    pdf = _Handout("Coding lab: instructor key")
    pdf.heading("Coding lab: instructor key", 18)
    pdf.para("For instructors: do not hand this out before the students have finished coding.", 10, "B")
    plans = teaching.session_plan()
    for _, plan in plans.groupby("plan", sort=False):
        minutes = plan.groupby("session").minutes.sum()
        if len(minutes) == 1:
            pdf.heading(f"Session plan: one class of {int(minutes.iloc[0])} minutes", 12)
            pdf.grid(_plan_frame(plan), (18, 108, 48), size=8.5)
        else:
            lengths = sorted({int(m) for m in minutes})
            each = f"{lengths[0]} minutes" if len(lengths) == 1 else " and ".join(map(str, minutes)) + " minutes"
            pdf.heading(f"Session plan: {len(minutes)} sessions of {each}", 12)
            pdf.grid(_plan_frame(plan), (16, 18, 94, 46), size=8.5)
    pdf.add_page()
    pdf.heading("Answer key", 14)
    key = teaching.answer_key()
    labels = teaching.theme_labels()
    n_amb = int(key.ambiguous.sum())
    pdf.para(f"{n_amb} vignettes were written to sit between two themes (shaded, marked 'ambiguous'): the "
             "scorer accepts either theme for them. All other vignettes have one intended theme.", 9.5)
    frame = pd.DataFrame({
        "vignette": key.vignette_id + key.ambiguous.map({True: " ambiguous", False: ""}),
        "intended theme": key.primary_theme.map(labels),
        "also accepted": key.secondary_theme.map(lambda k: labels.get(k, "")),
        "why": key.rationale,
    })
    pdf.grid(frame, (24, 34, 30, 86), size=8, shade=list(key.ambiguous))
    pdf.heading("Pairs of themes to watch", 12)
    pairs = key[key.ambiguous]
    for row in pairs.itertuples(index=False):
        pdf.para(f"{row.vignette_id}: {labels[row.primary_theme]} or {labels[row.secondary_theme]}.", 9.5)
    pdf.heading("Discussion prompts", 12)
    for row in data.load("discussion_prompts").sort_values("order").itertuples(index=False):
        pdf.block(f"{row.order}. {row.title}", 10, row.prompt, 9.5)
    return bytes(pdf.output())


def write_downloads(folder: str | Path) -> list[Path]:
    """Write the two handouts and the two REFI-QDA projects, and copy the lab's CSV files into ``folder``.

    Returns the paths written.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, make in (("student_packet.pdf", student_packet), ("instructor_key.pdf", instructor_key)):
        path = folder / name
        path.write_bytes(make())
        written.append(path)
    for name, write in PROJECTS.items():
        written.append(Path(write(folder / name)))
    for name in DOWNLOADS:
        written.append(Path(shutil.copyfile(data.data_dir() / "teaching" / name, folder / name)))
    return written
