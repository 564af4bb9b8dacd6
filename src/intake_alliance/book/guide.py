"""The teaching material's references to chapters and exercises, for the site (MyST) and for paper (plain text).

``data/teaching/session_plan.csv`` and ``learning_objectives.csv`` name a chapter as ``chapter:07_coding_lab``
(its notebook) and an exercise by its label (``ex-lab-rule``). On the site (:func:`as_myst`) a chapter becomes
a link that reads "chapter 7" and an exercise a ``{ref}`` role, so that Sphinx links it and fails the build
when a label does not exist. In the instructor key (:func:`as_plain`) they become "chapter 7 (Coding lab: ...)"
and "exercise 20, “A decision rule …”", with the numbers the site shows: chapters as ``_toc.yml`` numbers
them (:func:`~intake_alliance.paths.chapter_numbers`), exercises counted through the book.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd
from IPython.display import Markdown

from .. import data
from ..paths import ROOT, chapter_numbers, toc_files
from ..study import teaching
from ..study.vocabulary import citations

__all__ = ["CHAPTER", "EXERCISE_LABEL", "Exercise", "as_myst", "as_plain", "chapters", "exercises",
           "objectives_markdown", "plain_markdown", "plan_markdown", "prompts_markdown", "referenced_exercises"]

#: Exercise labels as the chapters write them: ex-design-3, ex-lab-rule, ch02-ex3, lit-ex-convert.
EXERCISE_LABEL = re.compile(r"\b((?:lit-)?ex(?:-(?:[a-z]+|\d+))+|ch\d\d-ex\d+)\b")
#: A chapter named in the teaching files by its notebook: chapter:07_coding_lab.
CHAPTER = re.compile(r"\bchapter:([\w-]+)")

_EXERCISE = re.compile(r"(`{3,})\{exercise(?:-start)?\}([^\n]*)\n((?:[ \t]*:[\w-]+:[^\n]*\n)*)(.*?)\n\1",
                       re.S)
_SOLUTION = re.compile(r"(`{3,})\{solution\} ([\w-]+)\n(?:[ \t]*:[\w-]+:[^\n]*\n)*(.*?)\n\1", re.S)


@dataclass(frozen=True)
class Exercise:
    """One exercise of the book: its number as the site shows it, title, chapter and text (MyST)."""

    label: str
    number: int
    title: str
    page: str
    text: str
    solution: str | None  # the written solution, or None when the solution computes its answer in code

    @property
    def name(self) -> str:
        return f"exercise {self.number}, “{self.title}”" if self.title else f"exercise {self.number}"


def _markdown(page: Path) -> str:
    if page.suffix != ".ipynb":
        return page.read_text(encoding="utf-8")
    cells = json.loads(page.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


@lru_cache(maxsize=None)
def _pages(root: Path) -> tuple[tuple[str, str], ...]:
    return tuple((page.stem, _markdown(page)) for page in toc_files(root))


def chapters(root: str | Path = ROOT) -> dict[str, tuple[int, str]]:
    """Return ``{notebook: (number, title)}`` for the numbered chapters, the title from the page's heading."""
    texts = dict(_pages(Path(root)))
    out = {}
    for stem, number in chapter_numbers(root).items():
        heading = re.search(r"^# (.+)$", texts[stem], re.M)
        if heading is None:
            raise ValueError(f"notebooks/{stem}: the page has no title heading ('# ...')")
        out[stem] = (number, heading.group(1).strip())
    return out


def exercises(root: str | Path = ROOT) -> dict[str, Exercise]:
    """Return every exercise by label, numbered through the book in the order of ``_toc.yml``, as the site
    numbers them (sphinx-exercise counts across pages)."""
    found: list[tuple[str, str, str, str]] = []
    solutions: dict[str, str] = {}
    for stem, text in _pages(Path(root)):
        for m in _EXERCISE.finditer(text):
            label = re.search(r":label: ([\w-]+)", m.group(3))
            if label is None:
                raise ValueError(f"{stem}: an exercise without a :label: ({m.group(4)[:60]!r}...)")
            found.append((label.group(1), m.group(2).strip(), stem, m.group(4).strip()))
        solutions.update({m.group(2): m.group(3).strip() for m in _SOLUTION.finditer(text)})
    return {label: Exercise(label, number, title, stem, body, solutions.get(label))
            for number, (label, title, stem, body) in enumerate(found, start=1)}


#: a file a class downloads, named in a plan's materials: shown in code formatting, as a file name
_FILE = re.compile(r"\b[\w-]+\.(?:csv|pdf|qdpx)\b")


def _chapter(stem: str, known: dict) -> tuple[int, str]:
    if stem not in known:
        raise ValueError(f"chapter:{stem} names no numbered chapter of _toc.yml (they are {sorted(known)})")
    return known[stem]


def as_myst(text: str) -> str:
    """``text`` for a MyST page: chapters as links reading "chapter N", exercises as ``{ref}`` roles, file
    names in code formatting."""
    known = chapters()
    text = _FILE.sub(lambda m: f"`{m.group(0)}`", str(text).replace("|", "\\|"))
    text = CHAPTER.sub(lambda m: f"[chapter {_chapter(m.group(1), known)[0]}]({m.group(1)}.ipynb)", text)
    return EXERCISE_LABEL.sub(r"{ref}`\1`", text)


def as_plain(text: str) -> str:
    """``text`` for paper: "chapter 7 (Coding lab: ...)" and "exercise 20, “A decision rule …”"."""
    known, found = chapters(), exercises()

    def exercise(m: re.Match) -> str:
        if m.group(1) not in found:
            raise ValueError(f"{m.group(1)!r} is no exercise label of the book")
        return found[m.group(1)].name

    text = CHAPTER.sub(lambda m: "chapter {} ({})".format(*_chapter(m.group(1), known)), str(text))
    return EXERCISE_LABEL.sub(exercise, text)


_ROLE_WITH_TEXT = re.compile(r"\{(?:ref|doc)\}`([^`<]+?)\s*<[^`]+>`")


def _citation(keys: str) -> str:
    """``{cite:p}`a,b``` as paper prints it: (Braun & Clarke, 2006; Hook et al., 2013)."""
    known, wanted = citations(), [k.strip() for k in keys.split(",")]
    missing = [k for k in wanted if k not in known]
    if missing:
        raise ValueError(f"references.bib has no entry {missing[0]!r}")
    return "(" + "; ".join(known[k] for k in wanted) + ")"


def plain_markdown(text: str) -> str:
    """An exercise's MyST text as plain text for paper; a glued number cannot be printed there."""
    if re.search(r"\{glue[^}]*\}", text):
        raise ValueError(f"this text glues numbers, which the instructor key cannot print: {text[:80]!r}")
    text = re.sub(r"\{cite:p\}`([^`]+)`", lambda m: _citation(m.group(1)), text)
    text = _ROLE_WITH_TEXT.sub(r"\1", text)
    text = re.sub(r"\*\*(.+?)\*\*|\*(.+?)\*", lambda m: m.group(1) or m.group(2), text)
    return re.sub(r"`([^`]+)`", r"\1", text).replace("\n", " ")


def referenced_exercises() -> list[Exercise]:
    """The exercises that the session plans and the learning objectives name, in the book's order."""
    texts = [*teaching.session_plan().what_happens, *teaching.session_plan().materials,
             *data.load("learning_objectives").practised_in]
    labels = {label for text in texts for label in EXERCISE_LABEL.findall(text)}
    return [ex for ex in exercises().values() if ex.label in labels]


def objectives_markdown() -> Markdown:
    """The learning objectives as a numbered MyST list."""
    rows = data.load("learning_objectives").sort_values("objective")
    return Markdown("\n".join(f"{row.objective}. **{row.title}.** {row.description} *Practised in* "
                              f"{as_myst(row.practised_in)}." for row in rows.itertuples()) + "\n")


def plan_markdown(plan_name: str) -> Markdown:
    """Return one plan of :func:`~intake_alliance.study.teaching.session_plan` as a MyST table."""
    plans = teaching.session_plan()
    if plan_name not in set(plans.plan):
        raise ValueError(f"plan_name: {plan_name!r} is not a plan; the plans are {sorted(set(plans.plan))}")
    plan = plans[plans.plan == plan_name]
    several = plan.session.nunique() > 1
    head = (["Session"] if several else []) + ["Minutes", "Step", "Objectives and materials"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in plan.itertuples(index=False):
        cells = ([str(row.session)] if several else []) + [
            f"{row.start}–{row.end}", f"**{as_myst(row.activity)}.** {as_myst(row.what_happens)}",
            f"objective {', '.join(row.objectives.split())}; {as_myst(row.materials)}"]
        lines.append("| " + " | ".join(cells) + " |")
    return Markdown("\n".join(lines) + "\n")


def prompts_markdown() -> Markdown:
    """Return the discussion prompts of ``data/teaching/discussion_prompts.csv`` as MyST paragraphs."""
    prompts: pd.DataFrame = data.load("discussion_prompts").sort_values("order")
    return Markdown("\n\n".join(f"**{row.order}. {row.title}.** {row.prompt}" for row in prompts.itertuples()) + "\n")
