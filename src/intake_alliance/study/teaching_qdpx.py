"""The coding lab as REFI-QDA projects: vignettes for a QDA program, and agreement from a coded export.

Students may code the lab's vignettes in the qualitative analysis program they
will use in their own research (ATLAS.ti, NVivo, MAXQDA, QualCoder ...)
instead of the CSV sheet. The round trip:

1. :func:`write_vignette_project` writes the vignettes as a REFI-QDA project
   (``.qdpx``): one plain-text source per vignette, named by its id, the eight
   themes of the codebook as codes (named by their keys, the label and the
   definition in the description), one user, no codings. The student imports
   it, codes each vignette with one theme, and exports the project again.
2. Two coders' exports are merged in their program (or coded in one shared
   project) and the result is read by :func:`score_project`.

:func:`write_sheets_project` writes two completed coding sheets (by default the
packaged examples) as such a two-coder project, each coder applying their
theme to the whole text of each vignette, so that the round trip can be
checked against :func:`intake_alliance.study.teaching.score_sheet`.

Two kinds of agreement, and why they differ
-------------------------------------------
* **One theme per vignette** (``ProjectScore.summary``): the units are the
  vignettes and each coder's label is the one theme they applied; Cohen's
  kappa over the eight themes, computed as
  :func:`~intake_alliance.study.teaching.score_sheet` computes it between two
  sheets. This is the comparable number.
* **Presence or absence of each theme** (``ProjectScore.per_code``): for each
  theme, every vignette is a yes/no decision of each coder
  (:func:`intake_alliance.stats.qdpx.code_agreement`), plus a pooled
  ``overall`` row. This is what QDA programs report per code. Each theme is
  absent from most vignettes, so agreement on absence dominates and the
  per-theme and pooled kappas are not the eight-category kappa above; with
  one theme per vignette, a single disagreement counts against two themes.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .. import data
from ..stats.qdpx import Project, ProjectError, code_agreement, read_project, unit_labels
from ..stats.qdpx_write import write_project
from . import teaching

__all__ = ["LAB_USER", "write_vignette_project", "write_sheets_project", "ProjectScore", "score_project"]

#: The one user of the vignette project (QDA programs need someone to have created the project).
LAB_USER = "coding-lab"
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "intake-alliance/coding-lab")


def _guid(*parts: str) -> str:
    """A GUID fixed by its parts, so that every export of the lab is byte for byte the same."""
    return str(uuid.uuid5(_NAMESPACE, "/".join(parts)))


def _codes() -> pd.DataFrame:
    """The eight themes as codes: name = theme key, description = label and short definition."""
    themes = teaching.themes()
    definitions = data.load("codebook").set_index("theme")["short_definition"]
    return pd.DataFrame({"guid": [_guid("theme", k) for k in themes["key"]], "name": themes["key"],
                         "description": [f"{label}. {definitions[k]}" for k, label in zip(themes["key"], themes["label"])]})


def _sources() -> pd.DataFrame:
    vignettes = data.load("vignettes")
    return pd.DataFrame({"guid": [_guid("vignette", v) for v in vignettes["vignette_id"]],
                         "name": vignettes["vignette_id"], "text": vignettes["text"]})


def write_vignette_project(path: str | Path) -> Path:
    """Write the lab's vignettes as a REFI-QDA project for a student to import, code and export.

    One plain-text source per vignette of ``data/teaching/vignettes.csv`` (named by its id), the
    eight themes as codes, the user :data:`LAB_USER`, no codings. Returns ``path``.
    """
    users = [{"guid": _guid("user", LAB_USER), "name": LAB_USER}]
    return write_project(path, users, _codes(), _sources(), [], name="coding-lab-vignettes")


def write_sheets_project(path: str | Path,
                         sheets: Sequence[str | Path | pd.DataFrame] = ("sheet_careful", "sheet_confused")) -> Path:
    """Write completed coding sheets as a REFI-QDA project with one coder per sheet.

    Parameters
    ----------
    path
        The ``.qdpx`` file to write.
    sheets
        Two or more sheets: names of the packaged examples (``"sheet_careful"``,
        ``"sheet_confused"``), CSV paths or DataFrames, each validated by
        :func:`~intake_alliance.study.teaching.read_sheet`. Each sheet's coder
        (``attrs["coder"]``) becomes a user who applies their theme to the
        whole text of every vignette (one ``PlainTextSelection`` from 0 to the
        text's length).

    Returns
    -------
    Path
        ``path``.
    """
    read = [teaching.example_sheet(s) if isinstance(s, str) and s in ("sheet_careful", "sheet_confused")
            else teaching.read_sheet(s) for s in sheets]
    names = [s.attrs["coder"] for s in read]
    if len(read) < 2 or len(set(names)) < len(names):
        raise ValueError(f"`sheets` must be two or more sheets of different coders; got coders {names}")
    sources = _sources()
    lengths = dict(zip(sources["name"], sources["text"].str.len()))
    users = [{"guid": _guid("user", n), "name": n} for n in names]
    codings = [{"guid": _guid("coding", coder, vid), "source": vid, "code": theme, "coder": coder,
                "start": 0, "end": lengths[vid]}
               for sheet, coder in zip(read, names) for vid, theme in zip(sheet["vignette_id"], sheet["theme"])]
    return write_project(path, users, _codes(), sources, codings, name="coding-lab-sheets")


@dataclass
class ProjectScore:
    """The result of :func:`score_project`.

    Attributes
    ----------
    summary
        One theme per vignette, eight-category Cohen's kappa: a Series with
        the fields of :meth:`~intake_alliance.study.teaching.SheetScore.summary`
        (``coder, reference, n, percent_agreement, kappa, kappa_se, kappa_low,
        kappa_upp``), the first coder in the role of the scored sheet.
    per_code
        Presence/absence agreement per theme and pooled, from
        :func:`intake_alliance.stats.qdpx.code_agreement` (vignettes as units).
    labels
        Vignettes x coders: the theme each coder applied.
    """

    summary: pd.Series
    per_code: pd.DataFrame
    labels: pd.DataFrame


def _theme_codes(project: Project) -> dict[str, str]:
    """Code path -> theme key for the codes that name a theme (by key or printed label)."""
    lookup = teaching.theme_lookup()
    found = {p: lookup[n.strip().lower()] for p, n in zip(project.codes["path"], project.codes["name"])
             if n.strip().lower() in lookup}
    if not found:
        raise ProjectError(f"{project.path}: no code is named after a theme; the themes are "
                           f"{', '.join(teaching.themes()['key'])}")
    return found


def score_project(path: str | Path, *, coders: Sequence[str] | None = None, n_resamples: int = 1000,
                  seed: int = 0) -> ProjectScore:
    """Agreement of two coders who coded the lab's vignettes in a QDA program and exported the project.

    Parameters
    ----------
    path
        The exported ``.qdpx`` (sources named by vignette id, codes named by
        theme key or label; codes that are not themes are ignored).
    coders
        The two coders to compare (user names); default the two who coded.
    n_resamples, seed
        Bootstrap of Krippendorff's alpha in ``per_code``.

    Returns
    -------
    ProjectScore
        ``summary`` equals ``teaching.score_sheet(sheet_a, against=sheet_b).summary()``
        for the same codings; ``per_code`` is the per-theme presence/absence table.

    Raises
    ------
    ValueError
        The project errors of :func:`~intake_alliance.stats.qdpx.read_project`;
        a source that is not a vignette; more or fewer than two coders; a coder
        who gave a vignette no theme or more than one.
    """
    project = read_project(path)
    themes = _theme_codes(project)
    keys = set(teaching.answer_key()["vignette_id"])
    strangers = sorted(set(project.sources["name"]) - keys)
    if strangers:
        raise ProjectError(f"{project.path}: source(s) {', '.join(map(repr, strangers[:5]))} are not vignettes of "
                           "the coding lab; sources must be named by vignette id")
    labels = unit_labels(project, "source", codes=list(themes), coders=coders).map(
        lambda p: themes.get(p) if isinstance(p, str) else None)
    if labels.shape[1] != 2:
        raise ProjectError(f"{project.path}: {labels.shape[1]} coders ({', '.join(labels.columns)}); "
                           "choose two with `coders`")
    blank = labels.isna().to_numpy()
    if blank.any():
        u, r = np.argwhere(blank)[0]
        raise ProjectError(f"{project.path}: coder {labels.columns[r]!r} gave vignette {labels.index[u]!r} no theme "
                           f"({int(blank.sum())} blank in all); code every vignette with one theme")
    # the same scorer as two CSV sheets, so that both routes give one number
    first, second = (pd.DataFrame({"vignette_id": labels.index, "theme": labels[c].to_numpy(), "coder": c})
                     for c in labels.columns)
    summary = teaching.score_sheet(first, against=second).summary()
    summary["coder"], summary["reference"] = labels.columns[0], labels.columns[1]
    per_code = code_agreement(project, "source", codes=list(themes), coders=list(labels.columns),
                              n_resamples=n_resamples, seed=seed)
    return ProjectScore(summary=summary, per_code=per_code, labels=labels)
