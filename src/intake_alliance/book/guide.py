"""The instructor guide's tables, written as MyST so that exercise labels become links.

``data/teaching/session_plan.csv`` names the exercises of a step by their labels (``ex-lab-rule``);
:func:`plan_markdown` turns each into a ``{ref}`` role, so that Sphinx links it and fails the build when
a label does not exist. The same rows are printed, without links, in the instructor key
(:mod:`intake_alliance.book.handouts`).
"""

from __future__ import annotations

import json
import re

import pandas as pd
from IPython.display import Markdown

from .. import data
from ..paths import toc_files
from ..study import teaching

__all__ = ["EXERCISE_LABEL", "exercise_names", "plain_labels", "plan_markdown", "prompts_markdown"]

#: Exercise labels as the chapters write them: ex-design-3, ex-lab-rule, ch02-ex3, lit-ex-convert.
EXERCISE_LABEL = re.compile(r"\b((?:lit-)?ex(?:-(?:[a-z]+|\d+))+|ch\d\d-ex\d+)\b")


_EXERCISE = re.compile(r"\{exercise(?:-start)?\}[^\n]*\n(?:[ \t]*:[\w-]+:[^\n]*\n)*?[ \t]*:label: ([\w-]+)")


def exercise_names() -> dict[str, str]:
    """Return ``{label: "exercise N"}`` for every exercise, numbered through the book in the order of
    ``_toc.yml``, as the site numbers them (sphinx-exercise counts across pages)."""
    labels = []
    for page in toc_files():
        if page.suffix == ".ipynb":
            cells = json.loads(page.read_text(encoding="utf-8"))["cells"]
            text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
        else:
            text = page.read_text(encoding="utf-8")
        labels += _EXERCISE.findall(text)
    return {label: f"exercise {number}" for number, label in enumerate(labels, start=1)}


def plain_labels(text: str, names: dict[str, str] | None = None) -> str:
    """``text`` with each exercise label replaced by its name ("chapter 07, ex-lab-rule" -> "chapter 07, exercise 1")."""
    names = exercise_names() if names is None else names
    return EXERCISE_LABEL.sub(lambda m: names[m.group(1)], str(text))


#: a file a class downloads, named in a plan's materials: shown in code formatting, as a file name
_FILE = re.compile(r"\b[\w-]+\.(?:csv|pdf|qdpx)\b")


def _cell(text: str) -> str:
    text = _FILE.sub(lambda m: f"`{m.group(0)}`", str(text).replace("|", "\\|"))
    return EXERCISE_LABEL.sub(r"{ref}`\1`", text)


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
            f"{row.start}–{row.end}", f"**{_cell(row.activity)}.** {_cell(row.what_happens)}",
            f"objective {', '.join(row.objectives.split())}; {_cell(row.materials)}"]
        lines.append("| " + " | ".join(cells) + " |")
    return Markdown("\n".join(lines) + "\n")


def prompts_markdown() -> Markdown:
    """Return the discussion prompts of ``data/teaching/discussion_prompts.csv`` as MyST paragraphs."""
    prompts: pd.DataFrame = data.load("discussion_prompts").sort_values("order")
    return Markdown("\n\n".join(f"**{row.order}. {row.title}.** {row.prompt}" for row in prompts.itertuples()) + "\n")
