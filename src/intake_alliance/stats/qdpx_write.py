"""Write REFI-QDA projects (``.qdpx``) of plain-text sources from tables.

:func:`write_project` takes tables shaped like those of
:func:`intake_alliance.stats.qdpx.read_project` (users, codes, sources,
codings) and writes a zip archive with one QDA-XML 1.0 ``.qde`` file and the
texts under ``Sources/``, as the REFI-QDA standard lays it out; the result
validates against ``Project.xsd``. It serves tests that need projects of a
known shape, and exports that a student imports into a qualitative analysis
program (the coding lab's vignettes).
"""

from __future__ import annotations

import re

import uuid
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Union

import numpy as np
import pandas as pd

from .qdpx import GUID_PATTERN, NAMESPACE, normal_guid

__all__ = ["TableLike", "write_project"]

TableLike = Union[pd.DataFrame, Sequence[Mapping[str, Any]]]
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def _table(value: TableLike | None, name: str, required: Sequence[str]) -> pd.DataFrame:
    table = pd.DataFrame(value if value is not None else [])
    missing = [c for c in required if c not in table.columns]
    if len(table) and missing:
        raise ValueError(f"`{name}` must have the column(s) {list(required)}; missing {missing}")
    return table.reset_index(drop=True)


def _guids(table: pd.DataFrame, name: str, project: str) -> list[str]:
    """The table's ``guid`` column, filled where missing with GUIDs derived from the project and row (repeatable)."""
    given = table["guid"] if "guid" in table.columns else pd.Series([None] * len(table), dtype=object)
    out = []
    for i, g in enumerate(given):
        if isinstance(g, str) and g:
            if not GUID_PATTERN.match(g):
                raise ValueError(f"`{name}` row {i}: guid must be a GUID such as "
                                 f"'{uuid.uuid5(uuid.NAMESPACE_URL, 'x')}'; got {g!r}")
            out.append(g)
        else:
            out.append(str(uuid.uuid5(uuid.NAMESPACE_URL, f"qdpx:{project}:{name}:{i}")))
    return out


def _resolve(codings: pd.DataFrame, column: str, table: pd.DataFrame, keys: Sequence[str],
             required: bool) -> list[str | None]:
    """A coding's ``<column>normal_guid``, or the GUID of the row whose name (``keys``) equals ``<column>``."""
    lookup: dict[str, str] = {}
    for key in keys:
        if key in table.columns:
            lookup.update({n: g for n, g in zip(table[key], table["guid"]) if isinstance(n, str) and n not in lookup})
    by_guid = {normal_guid(g): g for g in table["guid"]}
    none = [None] * len(codings)
    guids = codings[f"{column}normal_guid"].tolist() if f"{column}normal_guid" in codings.columns else none
    names = codings[column].tolist() if column in codings.columns else none
    out: list[str | None] = []
    for i, (g, n) in enumerate(zip(guids, names)):
        g = g if isinstance(g, str) else lookup.get(n) if isinstance(n, str) else None
        if g is None and (required or isinstance(n, str)):
            raise ValueError(f"`codings` row {i}: {column} {n!r} is not in the `{column}` table "
                             f"({', '.join(map(repr, lookup)) or 'empty'})")
        if g is not None and normal_guid(g) not in by_guid:
            raise ValueError(f"`codings` row {i}: {column}normal_guid {g!r} is not in the `{column}` table")
        out.append(by_guid[normal_guid(g)] if g is not None else None)
    return out


def _code_elements(parent: ET.Element, codes: pd.DataFrame, parent_guid: str | None) -> None:
    parents = codes["parent_guid"] if "parent_guid" in codes.columns else pd.Series([None] * len(codes))
    for i in np.flatnonzero([normal_guid(p) == normal_guid(parent_guid) if isinstance(p, str) else parent_guid is None
                             for p in parents]):
        row = codes.iloc[i]
        codable = bool(row["codable"]) if "codable" in codes.columns and pd.notna(row["codable"]) else True
        el = ET.SubElement(parent, "Code", guid=row["guid"], name=str(row["name"]),
                           isCodable="true" if codable else "false")
        if isinstance(row.get("description"), str) and row["description"]:
            ET.SubElement(el, "Description").text = row["description"]
        _code_elements(el, codes, row["guid"])


def _source_elements(parent: ET.Element, sources: pd.DataFrame, codings: pd.DataFrame,
                     files: dict[str, str]) -> None:
    """One ``TextSource`` per source with its selections (rows sharing a selection GUID) and whole-source codings."""
    by_source: dict[str, dict[str | None, list[dict]]] = {}
    for c in codings.to_dict("records"):
        key = c["selection_guid"] if pd.notna(c["start"]) else None
        by_source.setdefault(c["source_guid"], {}).setdefault(key, []).append(c)
    for src in sources.to_dict("records"):
        attrs = {"guid": src["guid"], "name": str(src["name"])}
        if isinstance(src.get("text"), str):
            attrs["plainTextPath"] = f"internal://{src['guid']}.txt"
            files[f"Sources/{src['guid']}.txt"] = src["text"]
        elif isinstance(src.get("path"), str):
            attrs["plainTextPath"] = src["path"]
        el = ET.SubElement(parent, "TextSource", attrs)
        groups = by_source.get(src["guid"], {})
        for sel_guid, group in groups.items():
            if sel_guid is None:
                continue
            first = group[0]
            sel = {"guid": sel_guid, "startPosition": str(int(first["start"])), "endPosition": str(int(first["end"]))}
            if isinstance(first["selection_user_guid"], str):
                sel["creatingUser"] = first["selection_user_guid"]
            sel_el = ET.SubElement(el, "PlainTextSelection", sel)
            for c in group:
                _coding_element(sel_el, c)
        for c in groups.get(None, []):
            _coding_element(el, c)


def _coding_element(parent: ET.Element, coding: dict) -> None:
    attrs = {"guid": coding["guid"]}
    if isinstance(coding["coder_guid"], str):
        attrs["creatingUser"] = coding["coder_guid"]
    el = ET.SubElement(parent, "Coding", attrs)
    ET.SubElement(el, "CodeRef", targetGUID=coding["code_guid"])


def _prepare_codings(codings: pd.DataFrame, users: pd.DataFrame, codes: pd.DataFrame, sources: pd.DataFrame,
                     name: str) -> pd.DataFrame:
    out = pd.DataFrame({"guid": _guids(codings, "codings", name)})
    out["source_guid"] = _resolve(codings, "source", sources, ["name"], True)
    out["code_guid"] = _resolve(codings, "code", codes, ["path", "name"], True)
    out["coder_guid"] = _resolve(codings, "coder", users, ["label", "name"], False)
    sel_user = _resolve(codings, "selection_user", users, ["label", "name"], False)
    out["selection_user_guid"] = pd.Series([s if s is not None else c for s, c in zip(sel_user, out["coder_guid"])],
                                           dtype=object)
    for col in ("start", "end"):
        out[col] = pd.array(codings[col] if col in codings.columns else [None] * len(codings), dtype="Int64")
    if ((out["start"].isna() != out["end"].isna()) | (out["start"] > out["end"]).fillna(False)).any():
        raise ValueError("`codings`: start and end must both be given (0 <= start <= end) or both be missing "
                         "(a coding of the whole source)")
    if "selection_guid" in codings.columns:
        given = [g if isinstance(g, str) else None for g in codings["selection_guid"]]
    else:
        given = [None] * len(codings)
    made = _guids(pd.DataFrame({"guid": given}), "selections", name)
    out["selection_guid"] = made
    if (out["coder_guid"].isna() & out["selection_user_guid"].isna()).any():
        raise ValueError("`codings`: every coding needs a coder (or a selection_user)")
    return out


def write_project(path: str | Path, users: TableLike | None, codes: TableLike | None, sources: TableLike | None,
                  codings: TableLike | None = None, *, name: str = "project", qde_name: str = "project.qde",
                  origin: str = "intake_alliance") -> Path:
    """Write a REFI-QDA project (``.qdpx``) of text sources that validates against ``Project.xsd``.

    Parameters
    ----------
    path
        The ``.qdpx`` file to write (replaced if it exists).
    users
        Rows with ``name`` and optionally ``guid``.
    codes
        Rows with ``name`` and optionally ``guid``, ``parent_guid`` (nesting),
        ``codable`` (default True) and ``description``. The ``codes`` table of
        :func:`read_project` is accepted as it is.
    sources
        Rows with ``name`` and ``text`` (stored in the archive as
        ``Sources/<guid>.txt``, referenced as ``internal://<guid>.txt``), or
        ``text`` None and an optional ``path`` (an external reference; no file
        is written), optionally ``guid``.
    codings
        Rows naming the source (``source_guid`` or ``source`` name), the code
        (``code_guid``, or ``code`` path or name) and the author (``coder_guid``
        or ``coder``, written on the ``Coding``), with ``start`` and ``end``
        (character positions, a ``PlainTextSelection``; both missing codes the
        whole source). Optional: ``guid``; ``selection_guid`` (rows sharing one
        share the selection); ``selection_user_guid`` or ``selection_user``
        (the selection's ``creatingUser``, default the coder -- a different one
        reproduces NVivo's exports; a coding with no coder then takes its
        author from the selection).
    name, qde_name, origin
        The project's name, the name of its XML entry, and its ``origin``.

    Returns
    -------
    Path
        ``path``. Missing GUIDs are derived from ``name`` and the row number
        and the zip entries carry a fixed date, so writing the same tables
        twice gives identical bytes.
    """
    if not re.fullmatch(r"[^/\\:]+\.qde", qde_name or "") or qde_name.startswith("."):
        raise ValueError(f"`qde_name` must be a plain file name ending in .qde, with no folder; got {qde_name!r}")
    users_t = _table(users, "users", ["name"])
    codes_t = _table(codes, "codes", ["name"])
    sources_t = _table(sources, "sources", ["name"])
    for table, label in ((users_t, "users"), (codes_t, "codes"), (sources_t, "sources")):
        table["guid"] = _guids(table, label, name)
    parents = codes_t["parent_guid"].dropna() if "parent_guid" in codes_t.columns else pd.Series([], dtype=object)
    orphans = sorted(set(map(normal_guid, parents)) - set(map(normal_guid, codes_t["guid"])))
    if orphans:
        raise ValueError(f"`codes`: parent_guid {orphans[0]!r} is not the guid of any code")
    coding_t = _prepare_codings(_table(codings, "codings", []), users_t, codes_t, sources_t, name)
    root = ET.Element("Project", {"xmlns": NAMESPACE, "name": name, "origin": origin})
    if len(users_t):
        el = ET.SubElement(root, "Users")
        for _, u in users_t.iterrows():
            ET.SubElement(el, "User", guid=u["guid"], name=str(u["name"]))
    if len(codes_t):
        _code_elements(ET.SubElement(ET.SubElement(root, "CodeBook"), "Codes"), codes_t, None)
    files: dict[str, str] = {}
    if len(sources_t):
        _source_elements(ET.SubElement(root, "Sources"), sources_t, coding_t, files)
    ET.indent(root)
    xml = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    path = Path(path)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for entry, data in [(qde_name, xml)] + [(k, v.encode("utf-8")) for k, v in files.items()]:
            zf.writestr(zipfile.ZipInfo(entry, date_time=_ZIP_TIME), data, compress_type=zipfile.ZIP_DEFLATED)
    return path
