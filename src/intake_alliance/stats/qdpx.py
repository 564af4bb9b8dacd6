"""REFI-QDA projects (``.qdpx``): read them, write them, and measure inter-coder agreement per code.

Qualitative analysis programs (ATLAS.ti, NVivo, MAXQDA, QualCoder and others)
exchange whole projects in the REFI-QDA format, version 1.0: a zip archive
holding one XML file in the ``urn:QDA-XML:project:1.0`` namespace (the
``.qde`` file, described by ``Project.xsd``) and, under ``Sources/``, the
documents that were coded. This module reads such an archive into tidy tables
(:func:`read_project`), turns the codings into units x coders presence tables
under an explicit unitizing rule (:func:`code_agreement`, :func:`unit_labels`)
and computes agreement per code with the coefficients of
:mod:`intake_alliance.stats.agreement` (:func:`code_agreement`).
:func:`intake_alliance.stats.qdpx_write.write_project` writes a project from tables of the same shape.

What real exports do, and what the reader does about it
-------------------------------------------------------
* The XML file is not always ``project.qde`` (ATLAS.ti names it after the
  project): any single ``*.qde`` entry of the archive is read.
* GUIDs come in upper or lower case and sometimes in braces; they are
  compared in lower case without braces.
* The author of a coding is the ``creatingUser`` of the ``Coding`` element.
  NVivo can record a different user on the ``PlainTextSelection`` that holds
  it; the coding's own attribute wins, the selection's is the fallback, and
  the column ``author_from`` says which was used (``"coding"``,
  ``"selection"`` or ``"none"``).
* A source's text is read from the archive when its ``plainTextPath`` is
  ``internal://NAME`` (the entry ``Sources/NAME``, matched without regard to
  case) or from an inline ``PlainTextContent``; otherwise (an external path,
  a file missing from the archive, a PDF or media source) ``text`` is None.
  Such a source still counts as one unit with ``unit="source"``.
* Codings are read from the direct children of each source: selections
  (``PlainTextSelection``, ``PDFSelection``, ``PictureSelection`` ...) and
  codings of the whole source. Selections inside an audio or video
  ``Transcript`` or a PDF's text ``Representation`` are not read; codings of
  non-text selections have no ``start``/``end`` and count with
  ``unit="source"`` only.
* Positions are character offsets into the plain text (Unicode code points,
  as the standard says). A program that counts UTF-16 code units instead
  shifts selections that follow characters outside the Basic Multilingual
  Plane (most emoji); a selection that ends beyond the text is refused.

Units
-----
``unit="source"``: every source of the project is one unit, and a coder
"applied" a code to it when at least one of the coder's codings with that code
lies anywhere in it. This is the right unit when each source is one case, as
in a coding exercise with one vignette per source.

``unit="paragraph"``: every paragraph of every source with plain text is one
unit. A paragraph is a maximal run of characters between line breaks (LF, CR
or CRLF) holding at least one non-blank character; a blank line is only a
separator, never a unit, so one and two line breaks split text alike. A coding
covers every paragraph that its character range ``[start, end)`` overlaps; a
coding of the whole source (a ``Coding`` placed directly on the source) covers
all its paragraphs; an empty selection marks the paragraph holding its
position. A source that is coded but whose text is missing cannot be cut into
paragraphs and is refused; one that is not coded and has no text contributes
no unit.

What the format cannot record, and what that does to the coefficients
-------------------------------------------------------------------
A REFI-QDA project stores the codings that exist, nothing else. There is no
way to say "this coder read this paragraph and decided no code applies", nor
which sources a coder was given. A unit without a coding therefore reads as
"not coded" for every compared coder, whether it was judged or never seen.
Two consequences:

* A coder who did not reach some sources seems to have judged them all empty:
  the units count as disagreements wherever the other coders coded them, and
  as agreements on absence everywhere else.
* Units that nobody coded (an interviewer's questions, sources outside the
  reliability sample) add agreements on absence for every code. Percent
  agreement and Gwet's AC1 grow with them. Kappa and alpha are pulled in two
  directions: with a rare code the chance agreement on absence is itself close
  to 1, so kappa can stay low -- or be undefined -- while percent agreement is
  near 100% (the prevalence paradox of Feinstein and Cicchetti, 1990). The
  ``prevalence`` column (share of coder x unit decisions that are "present")
  shows when a coefficient is in that regime.

Export only the sources every coder coded, or choose them with ``coders=`` and
a suitable unit, and report the unit and the prevalence with the coefficients.
The agreement on where segments start and end (unitizing reliability) is not
measured: the unit rule absorbs differences in selection length.

References
----------
REFI (2019). *QDA-XML Project Exchange, version 1.0* (``Project.xsd``).
Rotterdam Exchange Format Initiative, https://www.qdasoftware.org.

Feinstein, A. R., & Cicchetti, D. V. (1990). High agreement but low kappa: I.
The problems of two paradoxes. *Journal of Clinical Epidemiology*, 43(6),
543-549.
"""

from __future__ import annotations

import difflib
import re
import warnings
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .checks import SeedLike, check_confidence, check_n_resamples
from .archive import Budget, Limits, ProjectError, check_count, read_member, refuse_duplicate_guids, unique_labels
from .agreement import cohen_kappa, fleiss_kappa, gwet_ac1, krippendorff_alpha, percent_agreement

__all__ = ["NAMESPACE", "UNITS", "AGREEMENT_COLUMNS", "ProjectError", "Limits", "Project", "read_project",
           "unit_labels", "code_agreement", "format_agreement"]

#: The XML namespace of QDA-XML 1.0 project files.
NAMESPACE = "urn:QDA-XML:project:1.0"
_NS = "{" + NAMESPACE + "}"
#: The unitizing rules of :func:`code_agreement` and :func:`unit_labels`.
UNITS = ("source", "paragraph")
GUID_PATTERN = re.compile(r"^\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}?$")
_PARAGRAPH = re.compile(r"[^\r\n]+")


@dataclass(frozen=True)
class Project:
    """A REFI-QDA project as tables.

    Attributes
    ----------
    path
        The ``.qdpx`` file read.
    name
        The project's ``name`` attribute.
    qde
        The name of the XML entry inside the archive.
    users
        ``guid, name, label``; ``label`` is the name made unique (the GUID's
        first eight characters are appended to names that repeat or are empty).
    codes
        ``guid, name, path, parent_guid, codable`` in codebook order; nested
        codes have paths such as ``"Parent/Child"`` and top-level codes a
        ``parent_guid`` of None.
    sources
        ``guid, name, kind, path, text, internal``: ``kind`` is the element
        (``TextSource``, ``PDFSource`` ...), ``path`` its ``plainTextPath``
        (or ``path``), ``text`` the plain text or None when it is not in the
        archive, ``internal`` whether the content travels inside the archive.
    codings
        One row per ``Coding``: ``guid, selection_guid, source_guid, source,
        start, end, code_guid, code, coder_guid, coder, author_from,
        selection_user_guid``. ``start``/``end`` are missing for a coding of a
        whole source or of a non-text selection; ``code`` is the code's path
        and ``coder`` the author's label.
    """

    path: str
    name: str
    qde: str
    users: pd.DataFrame
    codes: pd.DataFrame
    sources: pd.DataFrame
    codings: pd.DataFrame

    @property
    def coders(self) -> list[str]:
        """Labels of the users who authored at least one coding, in the order of ``users``."""
        used = set(self.codings["coder_guid"].dropna())
        return [lab for g, lab in zip(self.users["guid"], self.users["label"]) if g in used]


# --------------------------------------------------------------------------- reading


def normal_guid(value: str | None) -> str | None:
    return None if value is None else value.strip().strip("{}").lower()


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _open_qde(path: Path, limits: Limits, budget: Budget) -> tuple[zipfile.ZipFile, str, ET.Element]:
    """Open the archive, find its single ``.qde`` entry and parse it as QDA-XML."""
    if not path.is_file():
        raise ProjectError(f"{path}: no such file")
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ProjectError(f"{path}: not a zip archive ({exc}); a .qdpx project is a zip file holding a "
                           ".qde project file and its sources") from None
    names = zf.namelist()
    if len(names) > limits.max_members:
        zf.close()
        check_count(len(names), "max_members", "archive members", str(path), limits)
    folded = pd.Series([n.lower() for n in names])
    if folded.duplicated().any():
        zf.close()
        twin = folded[folded.duplicated()].iloc[0]
        raise ProjectError(f"{path}: the archive holds more than one member named {twin!r} (ignoring case); "
                           "which one a reader takes is arbitrary, so the project is refused")
    entries = [n for n in names if n.lower().endswith(".qde") and not n.endswith("/")]
    if len(entries) != 1:
        zf.close()
        if not entries:
            shown = ", ".join(zf.namelist()[:5]) or "nothing"
            raise ProjectError(f"{path}: no .qde project file inside the archive (it holds {shown}); "
                               "is this a REFI-QDA project export?")
        raise ProjectError(f"{path}: {len(entries)} .qde project files inside the archive "
                           f"({', '.join(entries)}); a project export holds exactly one")
    qde = entries[0]
    try:
        raw = read_member(zf, qde, str(path), limits, budget)
        if re.search(rb"<!\s*(DOCTYPE|ENTITY)", raw, re.IGNORECASE):
            raise ProjectError(f"{path}: {qde} declares a DTD or entities (<!DOCTYPE>/<!ENTITY>), which QDA-XML "
                               "does not use and which can expand a small file into gigabytes; refused")
        root = ET.fromstring(raw)
    except ET.ParseError as exc:
        zf.close()
        raise ProjectError(f"{path}: {qde} is not well-formed XML ({exc})") from None
    except (LookupError, ValueError) as exc:  # an unknown or impossible encoding in the XML declaration
        zf.close()
        if isinstance(exc, ProjectError):
            raise
        raise ProjectError(f"{path}: {qde} cannot be decoded ({exc})") from None

    if root.tag != _NS + "Project":
        zf.close()
        ns = root.tag[1:].split("}")[0] if root.tag.startswith("{") else "no namespace"
        raise ProjectError(f"{path}: {qde} is not QDA-XML: its root element is <{_local(root.tag)}> in "
                           f"{ns}, not <Project> in the namespace {NAMESPACE}")
    return zf, qde, root


def _read_users(root: ET.Element, where: str) -> pd.DataFrame:
    rows = [(normal_guid(u.get("guid")), u.get("name") or "") for u in root.iterfind(f"{_NS}Users/{_NS}User")]
    users = pd.DataFrame(rows, columns=["guid", "name"], dtype=object)
    refuse_duplicate_guids(users, "User", where)
    repeated = users["name"].duplicated(keep=False) | (users["name"] == "")
    users["label"] = unique_labels(users["name"], users["guid"], repeated)
    return users


def _read_codes(root: ET.Element, where: str, limits: Limits) -> pd.DataFrame:
    """The codebook in document order, nested codes as paths; iterative, with the depth checked."""
    rows: list[tuple] = []
    codes_el = root.find(f"{_NS}CodeBook/{_NS}Codes")
    stack = [(code, None, "", 1) for code in reversed(codes_el.findall(f"{_NS}Code"))] if codes_el is not None else []
    while stack:
        code, parent_guid, prefix, depth = stack.pop()
        check_count(depth, "max_depth", "levels of nested codes", where, limits)
        check_count(len(rows) + 1, "max_codes", "codes", where, limits)
        name = code.get("name") or ""
        path = f"{prefix}/{name}" if prefix else name
        guid = normal_guid(code.get("guid"))
        rows.append((guid, name, path, parent_guid, (code.get("isCodable") or "true").lower() in ("true", "1")))
        stack.extend((child, guid, path, depth + 1) for child in reversed(code.findall(f"{_NS}Code")))
    codes = pd.DataFrame(rows, columns=["guid", "name", "path", "parent_guid", "codable"], dtype=object).astype(
        {"codable": bool})
    refuse_duplicate_guids(codes, "Code", where)
    repeated = codes["path"].duplicated(keep=False)  # two codes of one name under one parent: tell them apart
    codes["path"] = unique_labels(codes["path"], codes["guid"], repeated)
    return codes


def _source_text(el: ET.Element, zf: zipfile.ZipFile, entries: dict[str, str], where: str, limits: Limits,
                 budget: Budget) -> tuple[str | None, bool]:
    """Return the plain text of a source (None when the archive lacks it) and whether it is internal."""
    inline = el.find(f"{_NS}PlainTextContent")
    if inline is not None:
        return inline.text or "", True
    path = el.get("plainTextPath") or el.get("path") or ""
    if not path.lower().startswith("internal://"):
        return None, False
    entry = entries.get("sources/" + path[len("internal://"):].lower())
    if entry is None or _local(el.tag) != "TextSource" or not el.get("plainTextPath"):
        return None, True
    try:
        return read_member(zf, entry, where, limits, budget).decode("utf-8-sig"), True
    except UnicodeDecodeError as exc:
        raise ProjectError(f"{where}: source {el.get('name')!r} ({entry}) is not UTF-8 plain text "
                           f"(byte {exc.start})") from None


_MAX_POSITION = 2 ** 40  # beyond any text the member limit lets through


def _position(value: str | None, what: str, where: str) -> int | None:
    if value is None:
        return None
    shown = value if len(value) <= 20 else value[:20] + "..."
    if not re.fullmatch(r"[+-]?[0-9]{1,40}", value.strip()):
        raise ProjectError(f"{where}: {what} is {shown!r}, not an integer character position")
    pos = int(value)
    if abs(pos) > _MAX_POSITION:
        raise ProjectError(f"{where}: {what} is {shown}, beyond any text")
    return pos


def _codings_of(el: ET.Element, source_guid: str, where: str) -> list[tuple]:
    """Rows ``(guid, selection_guid, source_guid, start, end, code_guid, coding_user, selection_user)``."""
    rows = []
    holders = [(el, None)] + [(sel, sel) for sel in el if _local(sel.tag).endswith("Selection")]
    for holder, sel in holders:
        start = end = sel_guid = sel_user = None
        if sel is not None:
            sel_guid, sel_user = normal_guid(sel.get("guid")), normal_guid(sel.get("creatingUser"))
            start = _position(sel.get("startPosition"), f"selection {sel_guid}: startPosition", where)
            end = _position(sel.get("endPosition"), f"selection {sel_guid}: endPosition", where)
            if _local(sel.tag) == "PlainTextSelection" and (start is None or end is None):
                raise ProjectError(f"{where}: PlainTextSelection {sel_guid} lacks "
                                   f"{'startPosition' if start is None else 'endPosition'}, which QDA-XML requires; "
                                   "it would otherwise be read as covering the whole source")
        for coding in holder.iterfind(f"{_NS}Coding"):
            ref = coding.find(f"{_NS}CodeRef")
            if ref is None or not ref.get("targetGUID"):
                raise ProjectError(f"{where}: coding {coding.get('guid')} has no CodeRef naming its code")
            rows.append((normal_guid(coding.get("guid")), sel_guid, source_guid, start, end, normal_guid(ref.get("targetGUID")),
                         normal_guid(coding.get("creatingUser")), sel_user))
    return rows


def _read_sources(root: ET.Element, zf: zipfile.ZipFile, where: str, limits: Limits,
                  budget: Budget) -> tuple[pd.DataFrame, list[tuple]]:
    entries = {n.lower(): n for n in zf.namelist()}
    sources, codings = [], []
    container = root.find(f"{_NS}Sources")
    check_count(len(container) if container is not None else 0, "max_sources", "sources", where, limits)
    for el in (container if container is not None else []):
        guid = normal_guid(el.get("guid"))
        text, internal = _source_text(el, zf, entries, where, limits, budget)
        path = el.get("plainTextPath") or el.get("path") or el.get("richTextPath")
        sources.append((guid, el.get("name") or guid, _local(el.tag), path, text, internal))
        codings.extend(_codings_of(el, guid, where))
        check_count(len(codings), "max_codings", "codings", where, limits)
    table = pd.DataFrame(sources, columns=["guid", "name", "kind", "path", "text", "internal"], dtype=object)
    refuse_duplicate_guids(table, "Source", where)
    return table.astype({"internal": bool}), codings


def _check_references(codings: pd.DataFrame, project: Project, where: str) -> None:
    for column, table, what in (("code_guid", project.codes, "code"), ("coder_guid", project.users, "user"),
                                ("selection_user_guid", project.users, "user")):
        known = set(table["guid"])
        bad = codings[codings[column].notna() & ~codings[column].isin(known)]
        if len(bad):
            row = bad.iloc[0]
            place = "the codebook" if what == "code" else "the project's <Users>"
            raise ProjectError(f"{where}: {len(bad)} coding(s) name an unknown {what}; e.g. coding {row['guid']} "
                               f"on source {row['source']!r} names {what} {row[column]}, which is not in {place}")


def _check_positions(codings: pd.DataFrame, sources: pd.DataFrame, where: str) -> None:
    lengths = pd.Series([len(t) if isinstance(t, str) else np.nan for t in sources["text"]], index=sources["guid"])
    length = codings["source_guid"].map(lengths).to_numpy(dtype=float)
    start = codings["start"].to_numpy(dtype=float, na_value=np.nan)
    end = codings["end"].to_numpy(dtype=float, na_value=np.nan)
    with np.errstate(invalid="ignore"):
        bad = (start < 0) | (end < start) | (end > length)
    if bad.any():
        row = codings[bad].iloc[0]
        raise ProjectError(f"{where}: coding {row['guid']} on source {row['source']!r} selects characters "
                           f"[{row['start']}, {row['end']}) of a text of {lengths[row['source_guid']]:.0f} "
                           "characters; positions must satisfy 0 <= start <= end <= length")


def read_project(path: str | Path, limits: Limits | None = None) -> Project:
    """Read a REFI-QDA project export (``.qdpx``) into tables.

    Parameters
    ----------
    path
        The ``.qdpx`` file: a zip archive holding one ``.qde`` file in the
        QDA-XML 1.0 namespace and its sources.
    limits
        Caps on sizes and counts (:class:`~intake_alliance.stats.archive.Limits`);
        the defaults suit any real project.

    Returns
    -------
    Project
        Users, codes (nested codes flattened into paths), sources (with their
        plain text when the archive holds it) and codings (see
        :class:`Project`). GUIDs are lower case.

    Raises
    ------
    ProjectError
        A ``ValueError`` naming the file and the problem: no such file, not a
        zip archive, no ``.qde`` entry or more than one, XML that is not
        well-formed or not QDA-XML, a coding that names a code or a user the
        project does not declare, a selection beyond its text or without the
        positions a text selection requires, two users, sources or codes with
        one GUID, a damaged, encrypted or oversized member, more sources,
        codings, codes or levels of nesting than ``limits`` allow. A project with
        no codings or with a single coder is read (it is a valid project);
        :func:`code_agreement` and :func:`unit_labels` refuse it.
    """
    path = Path(path)
    limits = limits or Limits()
    budget = Budget(limits)
    zf, qde, root = _open_qde(path, limits, budget)
    where = str(path)
    with zf:
        users, codes = _read_users(root, where), _read_codes(root, where, limits)
        sources, rows = _read_sources(root, zf, where, limits, budget)
    codings = pd.DataFrame(rows, columns=["guid", "selection_guid", "source_guid", "start", "end", "code_guid",
                                          "coding_user", "selection_user_guid"], dtype=object)
    codings["start"] = pd.array(codings["start"], dtype="Int64")
    codings["end"] = pd.array(codings["end"], dtype="Int64")
    codings["coder_guid"] = codings["coding_user"].where(codings["coding_user"].notna(),
                                                         codings["selection_user_guid"])
    codings["author_from"] = np.select([codings["coding_user"].notna(), codings["selection_user_guid"].notna()],
                                       ["coding", "selection"], "none").astype(object)
    codings["source"] = codings["source_guid"].map(dict(zip(sources["guid"], sources["name"])))
    codings["code"] = codings["code_guid"].map(dict(zip(codes["guid"], codes["path"])))
    codings["coder"] = codings["coder_guid"].map(dict(zip(users["guid"], users["label"])))
    project = Project(str(path), root.get("name") or "", qde, users, codes, sources,
                      codings[["guid", "selection_guid", "source_guid", "source", "start", "end", "code_guid", "code",
                               "coder_guid", "coder", "author_from", "selection_user_guid"]])
    _check_references(project.codings, project, where)
    _check_positions(project.codings, sources, where)
    return project


# --------------------------------------------------------------------------- units


def _pick(requested: Iterable[str] | None, table: pd.DataFrame, keys: Sequence[str], default: list[str],
          what: str, where: str) -> list[str]:
    """Resolve names (any of the ``keys`` columns, or the GUID) to GUIDs; list the valid names when one is unknown."""
    if requested is None:
        return default
    if isinstance(requested, str):
        requested = [requested]
    chosen = []
    for name in requested:
        hits = table.index[np.logical_or.reduce([table[k] == name for k in keys] + [table["guid"] == normal_guid(name)])]
        guids = list(dict.fromkeys(table.loc[hits, "guid"]))
        valid = ", ".join(repr(v) for v in table[keys[0]])
        if not guids:
            close = difflib.get_close_matches(str(name), [str(v) for v in table[keys[0]]], n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ProjectError(f"{where}: unknown {what} {name!r}{hint}; the {what}s are {valid}")
        if len(guids) > 1:
            raise ProjectError(f"{where}: {what} {name!r} is ambiguous ({len(guids)} match); use one of {valid}")
        chosen.append(guids[0])
    return list(dict.fromkeys(chosen))


def _selection(project: Project, codes: Iterable[str] | None, coders: Iterable[str] | None) -> tuple[list, list]:
    """The code and coder GUIDs to compare, after the checks every agreement needs."""
    where, codings = project.path, project.codings
    if codings.empty:
        raise ProjectError(f"{where}: the project has no codings; there is nothing to compare")
    orphans = codings["coder_guid"].isna()
    if orphans.any():
        raise ProjectError(f"{where}: {int(orphans.sum())} coding(s) have no creatingUser (neither on the Coding nor "
                           f"on its selection), e.g. coding {codings.loc[orphans, 'guid'].iloc[0]}; they cannot be "
                           "attributed to a coder")
    used = set(codings["code_guid"])
    default_codes = [g for g, ok in zip(project.codes["guid"], project.codes["codable"]) if ok or g in used]
    code_guids = _pick(codes, project.codes, ["path", "name"], default_codes, "code", where)
    authors = set(codings["coder_guid"])
    default_coders = [g for g in project.users["guid"] if g in authors]
    coder_guids = _pick(coders, project.users, ["label", "name"], default_coders, "coder", where)
    if len(coder_guids) < 2:
        names = project.users.set_index("guid").loc[coder_guids, "label"].tolist()
        who = f"only one coder ({names[0]!r})" if names else "no coder"
        scope = "is selected" if coders is not None else "has coded in this project"
        raise ProjectError(f"{where}: {who} {scope}; agreement needs at least two coders to compare")
    return code_guids, coder_guids


def _paragraphs(text: str) -> tuple[np.ndarray, np.ndarray]:
    spans = [m.span() for m in _PARAGRAPH.finditer(text) if not m.group().isspace()]
    arr = np.array(spans, dtype=np.int64).reshape(-1, 2)
    return arr[:, 0], arr[:, 1]


def _paragraph_units(project: Project, chosen: pd.DataFrame, limits: Limits) -> tuple[pd.MultiIndex, np.ndarray]:
    """Paragraph units of every text source and, for each chosen coding, the unit indices it covers."""
    coded = set(chosen["source_guid"])
    unplaced = chosen[chosen["selection_guid"].notna() & (chosen["start"].isna() | chosen["end"].isna())]
    if len(unplaced):  # a selection of another kind (a PDF area, a picture region) has no characters to place
        row = unplaced.iloc[0]
        raise ProjectError(f"{project.path}: {len(unplaced)} coding(s) select no characters (e.g. coding {row['guid']} "
                           f"on source {row['source']!r}), so they cannot be placed in paragraphs; use unit='source'")
    labels, offsets, cover_unit, cover_row = [], 0, [], []
    by_source = chosen.groupby("source_guid").indices
    all_s = chosen["start"].to_numpy(dtype=float, na_value=np.nan)
    all_e = chosen["end"].to_numpy(dtype=float, na_value=np.nan)
    for guid, name, text in zip(project.sources["guid"], project.sources["name"], project.sources["text"]):
        if text is None:
            if guid in coded:
                raise ProjectError(f"{project.path}: source {name!r} is coded but its text is not in the archive, "
                                   "so it cannot be cut into paragraphs; use unit='source'")
            continue
        check_count(offsets + text.count("\n") + text.count("\r") + 1, "max_units", "paragraph units (at most)",
                    project.path, limits)
        starts, ends = _paragraphs(text)
        labels.extend((name, k + 1) for k in range(len(starts)))
        rows = by_source.get(guid, np.empty(0, dtype=np.int64))
        s, e = all_s[rows], all_e[rows]
        whole = np.isnan(s)
        s, e = np.where(whole, 0, s), np.where(whole, len(text) + 1, np.maximum(e, s + 1))
        first = np.searchsorted(ends, s, side="right")
        last = np.searchsorted(starts, e, side="left") - 1
        n = np.maximum(last - first + 1, 0)
        within = np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)
        cover_unit.append(offsets + np.repeat(first, n) + within)
        cover_row.append(np.repeat(rows, n))
        offsets += len(starts)
    index = pd.MultiIndex.from_tuples(labels, names=["source", "paragraph"])
    pairs = np.column_stack([np.concatenate(cover_unit or [[]]), np.concatenate(cover_row or [[]])]).astype(np.int64)
    index.uncounted = len(chosen) - len(np.unique(pairs[:, 1]))  # codings in no paragraph (on a line break, at the end)
    return index, pairs


def _presence(project: Project, unit: str, codes: Iterable[str] | None,
              coders: Iterable[str] | None, limits: Limits | None = None) -> tuple[pd.Index, list[str], list[str], np.ndarray]:
    """Return (unit index, code guids, coder guids, bool array units x codes x coders)."""
    if unit not in UNITS:
        raise ProjectError(f"`unit` must be one of {UNITS}; got {unit!r}")
    code_guids, coder_guids = _selection(project, codes, coders)
    codings = project.codings
    chosen = codings[codings["code_guid"].isin(code_guids) & codings["coder_guid"].isin(coder_guids)]
    chosen = chosen.reset_index(drop=True)
    if unit == "source":
        names = project.sources["name"]
        index = pd.Index(np.where(names.duplicated(keep=False), names + " (" + project.sources["guid"].str[:8] + ")",
                                  names), name="source")
        pairs = np.column_stack([chosen["source_guid"].map(dict(zip(project.sources["guid"],
                                                                    range(len(index))))).to_numpy(dtype=np.int64),
                                 np.arange(len(chosen))])
    else:
        index, pairs = _paragraph_units(project, chosen, limits or Limits())
    check_count(len(index) * len(code_guids) * len(coder_guids) // 100, "max_units",
                "hundred unit x code x coder cells", project.path, limits or Limits())
    presence = np.zeros((len(index), len(code_guids), len(coder_guids)), dtype=bool)
    code_pos = chosen["code_guid"].map({g: k for k, g in enumerate(code_guids)}).to_numpy(dtype=np.int64)
    coder_pos = chosen["coder_guid"].map({g: k for k, g in enumerate(coder_guids)}).to_numpy(dtype=np.int64)
    presence[pairs[:, 0], code_pos[pairs[:, 1]], coder_pos[pairs[:, 1]]] = True
    return index, code_guids, coder_guids, presence


def _names(table: pd.DataFrame, guids: list[str], column: str) -> list[str]:
    return table.set_index("guid").loc[guids, column].tolist()


def unit_labels(project: Project, unit: str = "source", codes: Iterable[str] | None = None,
                coders: Iterable[str] | None = None) -> pd.DataFrame:
    """Units x coders table of the one code each coder applied to each unit (mutually exclusive codes).

    For a codebook whose codes exclude one another (one theme per vignette),
    this is the ``ratings`` table of :mod:`intake_alliance.stats.agreement`:
    multi-category kappa, alpha or AC1 over the codes, instead of one
    presence/absence coefficient per code. A unit a coder left uncoded is
    missing (None).

    Parameters
    ----------
    project
        A project from :func:`read_project`.
    unit : {"source", "paragraph"}
        The unitizing rule (module docstring, *Units*).
    codes
        Code paths or names (a name must be unique) or GUIDs; default every
        codable code and every code that was used, in codebook order.
    coders
        User labels, names or GUIDs; default every user who authored a coding.
        A user who coded nothing is left out unless named here, where they
        count as a coder who applied no code anywhere.

    Raises
    ------
    ProjectError
        As :func:`code_agreement`, and when a coder applied two or more of the
        chosen codes to one unit.
    """
    index, code_guids, coder_guids, presence = _presence(project, unit, codes, coders)
    paths = np.array(_names(project.codes, code_guids, "path"), dtype=object)
    labels = _names(project.users, coder_guids, "label")
    several = presence.sum(axis=1) > 1
    if several.any():
        u, r = np.argwhere(several)[0]
        applied = ", ".join(repr(p) for p in paths[presence[u, :, r]])
        raise ProjectError(f"{project.path}: coder {labels[r]!r} applied {applied} to unit {index[u]!r}; "
                           "unit_labels needs one code per unit and coder (use code_agreement for "
                           "presence/absence per code)")
    table = np.where(presence.any(axis=1), paths[presence.argmax(axis=1)], None)
    return pd.DataFrame(table, index=index, columns=labels, dtype=object)


# --------------------------------------------------------------------------- agreement

#: Columns of :func:`code_agreement`.
AGREEMENT_COLUMNS = ["code", "units", "coders", "present", "prevalence", "percent_agreement", "kappa_type", "kappa",
                     "kappa_low", "kappa_upp", "ac1", "ac1_low", "ac1_upp", "alpha", "alpha_low", "alpha_upp", "note"]
_OVERALL_NOTE = ("overall: every code x unit decision stacked into one table (the pooled coefficient); intervals "
                 "are not given because the decisions on one unit are not independent")


def _estimates(res: pd.DataFrame, prefix: str) -> dict[str, Any]:
    row = res.iloc[0]
    note = row.get("note")
    return {prefix: float(row["estimate"]), f"{prefix}_low": float(row["ci_low"]),
            f"{prefix}_upp": float(row["ci_high"]), "_note": note if isinstance(note, str) else ""}


def _coefficients(ratings: np.ndarray, conf: float, n_resamples: int, seed: SeedLike) -> dict[str, Any]:
    """Percent agreement, kappa, AC1 and alpha of a units x coders 0/1 table, by the package's functions."""
    m = ratings.shape[1]
    positive = ratings.sum(axis=1)
    counts = np.column_stack([m - positive, positive])
    binary = {"categories": [0, 1], "confidence": conf}
    notes: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", RuntimeWarning)
        out = {"percent_agreement": 100.0 * float(percent_agreement(counts=counts, **binary)["estimate"].iloc[0])}
        if m == 2:
            kappa, out["kappa_type"] = cohen_kappa(ratings, **binary), "cohen"
        else:
            kappa, out["kappa_type"] = fleiss_kappa(counts=counts, **binary), "fleiss"
        constant = positive.min() == positive.max() and positive[0] in (0, m)
        boot = 0 if constant else n_resamples
        parts = [_estimates(kappa, "kappa"), _estimates(gwet_ac1(counts=counts, **binary), "ac1"),
                 _estimates(krippendorff_alpha(counts=counts, n_resamples=boot, seed=seed, **binary), "alpha")]
    for part in parts:
        note = part.pop("_note")
        if note and note not in notes:
            notes.append(note)
        out.update(part)
    for w in caught:  # undefined bootstrap resamples and the like go into the note; anything else is re-issued
        if not issubclass(w.category, RuntimeWarning):
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        elif str(w.message) not in notes:
            notes.append(str(w.message))
    out["note"] = "; ".join(notes)
    return out


def code_agreement(project: Project, unit: str = "source", codes: Iterable[str] | None = None,
                   coders: Iterable[str] | None = None, *, confidence: float = 0.95, n_resamples: int = 1000,
                   seed: SeedLike = 0, limits: Limits | None = None) -> pd.DataFrame:
    """Agreement between coders on each code, as presence/absence per unit, and overall.

    Parameters
    ----------
    project, unit, codes, coders
        As in :func:`unit_labels`.
    confidence
        Confidence level of every interval.
    n_resamples
        Bootstrap resamples (over units) for the interval of Krippendorff's
        alpha, which has no analytic one; 0 leaves it empty.
    seed
        Seed of that bootstrap.
    limits
        Caps on the units compared (:class:`~intake_alliance.stats.archive.Limits`).

    Returns
    -------
    DataFrame
        One row per code, then a row ``"overall"``; columns
        :data:`AGREEMENT_COLUMNS`: ``units``; ``coders`` (their number);
        ``present`` (units that at least one coder coded with the code);
        ``prevalence`` (share of coder x unit decisions that are "present");
        ``percent_agreement`` in percent (pairwise, :func:`percent_agreement`);
        ``kappa`` -- Cohen's for two coders, Fleiss' for more (``kappa_type``)
        -- with its Wald interval; Gwet's ``ac1`` with its interval;
        Krippendorff's nominal ``alpha`` with a percentile bootstrap interval;
        ``note`` (why a coefficient is undefined, bootstrap warnings).
        ``attrs`` records the unit, the coders, the definition of the
        overall row and ``uncounted_codings``: with ``unit="paragraph"``, the
        codings that fall in no paragraph (a zero-length selection on a line
        break or at the end of the text), which count for no unit. A
        zero-length selection inside a paragraph counts for that paragraph.

    Notes
    -----
    Each code is one two-category (present/absent) rating of every unit by
    every coder; the coefficients are those of
    :mod:`intake_alliance.stats.agreement`, not re-implemented here.

    The ``overall`` row stacks the presence tables of all codes into one
    table of (code, unit) rows -- the pooled coefficient whose relation to the
    per-code ones is worked out in
    :func:`intake_alliance.stats.fleiss_pooling_decomposition`. Its point
    estimates are given without intervals: the decisions on the codes of one
    unit are not independent (with one code per unit they are tied together),
    so an interval that treats every row as a unit would be too narrow. For
    mutually exclusive codes the multi-category coefficient of
    :func:`unit_labels` is the other overall measure, and it differs from
    this one.

    Read the module docstring on absences before trusting high agreement on
    rare codes.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from intake_alliance.stats import code_agreement, read_project, write_project
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> codings = [{"source": s, "code": "X", "coder": c} for s, c in [("a", "ann"), ("a", "bob"), ("b", "ann")]]
    >>> path = write_project(folder / "demo.qdpx", [{"name": "ann"}, {"name": "bob"}], [{"name": "X"}],
    ...                      [{"name": n, "text": "some text"} for n in "abcd"], codings)
    >>> table = code_agreement(read_project(path), n_resamples=0)
    >>> table[["code", "units", "percent_agreement", "kappa"]].round(3).values.tolist()
    [['X', 4, 75.0, 0.5], ['overall', 4, 75.0, 0.5]]
    """
    conf = check_confidence(confidence)
    n_resamples = check_n_resamples(n_resamples, allow_zero=True)
    index, code_guids, coder_guids, presence = _presence(project, unit, codes, coders, limits)
    if len(index) < 2:
        hint = " (with one source, try --unit paragraph)" if unit == "source" and len(index) == 1 else ""
        raise ProjectError(f"{project.path}: {len(index) or 'no'} {unit} unit{'s' if len(index) != 1 else ''} to "
                           f"compare; agreement needs at least two{hint}")
    uncounted = getattr(index, "uncounted", 0)
    rows = []
    for k, path in enumerate(_names(project.codes, code_guids, "path")):
        table = presence[:, k, :].astype(np.int64)
        rows.append({"code": path, "units": len(index), "coders": len(coder_guids),
                     "present": int(table.any(axis=1).sum()), "prevalence": float(table.mean()),
                     **_coefficients(table, conf, n_resamples, seed)})
    stacked = presence.transpose(1, 0, 2).reshape(-1, len(coder_guids)).astype(np.int64)
    overall = {"code": "overall", "units": len(index), "coders": len(coder_guids),
               "present": int(presence.any(axis=2).any(axis=1).sum()), "prevalence": float(stacked.mean()),
               **_coefficients(stacked, conf, 0, seed)}
    for name in ("kappa", "ac1", "alpha"):
        overall[f"{name}_low"] = overall[f"{name}_upp"] = np.nan
    overall["note"] = "; ".join(filter(None, [_OVERALL_NOTE, overall["note"]]))
    result = pd.DataFrame(rows + [overall], columns=AGREEMENT_COLUMNS)
    result.attrs.update({"path": project.path, "unit": unit, "coders": _names(project.users, coder_guids, "label"),
                         "overall": _OVERALL_NOTE, "confidence": conf, "n_resamples": n_resamples,
                         "uncounted_codings": int(uncounted)})
    return result


def _with_interval(est: float, low: float, upp: float, digits: int) -> str:
    if not np.isfinite(est):
        return "undefined"
    if not (np.isfinite(low) and np.isfinite(upp)):
        return f"{est:.{digits}f}"
    return f"{est:.{digits}f} [{low:.{digits}f}, {upp:.{digits}f}]"


def format_agreement(table: pd.DataFrame, digits: int = 2) -> str:
    """Return a :func:`code_agreement` table as aligned text, with its notes below it.

    Columns: code, units, units with the code, prevalence and percent agreement
    (in percent), then kappa (Cohen's or Fleiss'), AC1 and alpha, each with its
    interval in brackets ("undefined" where the coefficient is 0/0). The notes
    are numbered and the code names carry the number of theirs.
    """
    notes: list[str] = []
    rows = []
    for _, r in table.iterrows():
        mark = ""
        if r["note"]:
            if r["note"] not in notes:
                notes.append(r["note"])
            mark = f" ({notes.index(r['note']) + 1})"
        rows.append({"code": f"{r['code']}{mark}", "units": r["units"], "coded": r["present"],
                     "prevalence %": f"{100 * r['prevalence']:.1f}", "agreement %": f"{r['percent_agreement']:.1f}",
                     f"{r['kappa_type']} kappa": _with_interval(r["kappa"], r["kappa_low"], r["kappa_upp"], digits),
                     "AC1": _with_interval(r["ac1"], r["ac1_low"], r["ac1_upp"], digits),
                     "alpha": _with_interval(r["alpha"], r["alpha_low"], r["alpha_upp"], digits)})
    header = list(rows[0])
    cells = [[str(row[h]) for h in header] for row in rows]
    widths = [max(len(h), *(len(c[j]) for c in cells)) for j, h in enumerate(header)]
    lines = ["  ".join(t.ljust(w) if j == 0 else t.rjust(w) for j, (t, w) in enumerate(zip(line, widths))).rstrip()
             for line in [header] + cells]
    return "\n".join(lines) + "".join(f"\n({k}) {n}" for k, n in enumerate(notes, 1))
