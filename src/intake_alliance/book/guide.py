"""The instructor guide's tables, written as MyST so that exercise labels become links.

``data/teaching/session_plan.csv`` names the exercises of a step by their labels (``ex-lab-rule``);
:func:`plan_markdown` turns each into a ``{ref}`` role, so that Sphinx links it and fails the build when
a label does not exist. The same rows are printed, without links, in the instructor key
(:mod:`intake_alliance.book.handouts`).
"""

from __future__ import annotations

import re

import pandas as pd
from IPython.display import Markdown

from .. import data
from ..study import teaching

__all__ = ["EXERCISE_LABEL", "plan_markdown", "prompts_markdown"]

#: Exercise labels as the chapters write them: ex-design-3, ex-lab-rule, ch02-ex3, lit-ex-convert.
EXERCISE_LABEL = re.compile(r"\b((?:lit-)?ex(?:-(?:[a-z]+|\d+))+|ch\d\d-ex\d+)\b")


def _cell(text: str) -> str:
    return EXERCISE_LABEL.sub(r"{ref}`\1`", str(text).replace("|", "\\|"))


def plan_markdown(plan_name: str) -> Markdown:
    """Return one plan of :func:`~intake_alliance.study.teaching.session_plan` as a MyST table."""
    plans = teaching.session_plan()
    if plan_name not in set(plans.plan):
        raise ValueError(f"plan_name: {plan_name!r} is not a plan; the plans are {sorted(set(plans.plan))}")
    plan = plans[plans.plan == plan_name]
    several = plan.session.nunique() > 1
    head = (["session"] if several else []) + ["minutes", "step", "objectives and materials"]
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
