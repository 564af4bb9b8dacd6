"""What a number's record says: the card beside each glued number, and the Numbers appendix.

The records are made in the kernel (:mod:`intake_alliance.book.provenance`); the words come from the data
package (printed form, section, page, label), the audit's register (verdict and reason) and ``verify``'s own
comparison of the values the build glued (reproduced or not, and with which functions). The Sphinx extension
:mod:`intake_alliance.book.sphinx.provenance` places them.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pandas as pd

from .. import data
from ..paths import chapter_numbers

__all__ = ["APPENDIX", "STATUSES", "KINDS", "anchor_of", "Facts"]

#: The appendix page (its docname); a printed number's row there is ``number-<key>``, each place of the book's
#: own numbers ``in-<place id>`` (:func:`anchor_of`).
APPENDIX = "notebooks/numbers"
STATUSES = ("reproduced", "matches the reconstruction", "expected mismatch", "quoted", "not recomputable")
#: how the appendix classes the numbers the paper does not print
KINDS = ("computed", "reconstruction", "random draws", "simulated", "another study")
_LITERATURE = "data/published/literature.csv"
#: functions that only read a published table as it is
_READERS = {"intake_alliance.data.load", "intake_alliance.data.reported", "intake_alliance.data.reported_value",
            "intake_alliance.study.literature.literature_table"}


def anchor_of(record: dict[str, Any], place_id: str) -> str:
    """The anchor in the appendix of the row that lists the number of ``record``, shown at ``place_id``: the
    printed number's row, or, for the book's own numbers, the row of that place."""
    key = record.get("key") or (record.get("quotes") or [None])[0]
    return f"number-{key}" if key else f"in-{place_id}"


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _breakable(name: str) -> str:
    """A dotted name or a path, escaped, that may break after each dot, slash and underscore."""
    return re.sub(r"([./_])", r"\1<wbr>", _e(name))


def _sentence(text: str) -> str:
    text = str(text).strip()
    return (text[:1].upper() + text[1:]).rstrip(".") + "." if text else ""


class Facts:
    """What the cards and the appendix say, read once per build: the printed values (``data.reported``), the
    audit's register (``verdict_register``), ``verify``'s comparison of the values the build glued
    (``verify.compare(verify.read_glued(...))``) and where each glued value is shown (``places``:
    ``{docname: [{id, glue, record, text, context, section}]}``, gathered by the Sphinx extension)."""

    def __init__(self, build_dir: Path, source_dir: Path, places: dict[str, list[dict[str, Any]]],
                 titles: dict[str, str]) -> None:
        from ..study.audit import verdict_register
        from .verify import compare, read_glued

        self.reported = data.reported()
        self.register = verdict_register()
        try:
            glued = read_glued(build_dir, root=source_dir)
        except ValueError:  # a build that executes no notebook (buttons only) has no computed numbers to list
            glued = read_glued(build_dir, notebooks=[], root=source_dir)
        self.compared = compare(glued).set_index("key")
        #: every recomputation of a printed number: its record and its chapter, in the book's order
        self.recomputed: dict[str, list[tuple[dict[str, Any], str]]] = {}
        for k, r, nb in zip(glued.key, glued.record, glued.notebook):
            if r:
                self.recomputed.setdefault(k, []).append((r, nb))
        self.reconstructed = {f"data/{r['path']}" for r in data.datapackage()["resources"]
                              if r.get("intake_alliance:reconstructed")}
        order = sorted(places, key=lambda d: (d != "intro", d))
        self.places = [(d, p) for d in order for p in places[d]]
        self.titles = titles

    def from_reconstruction(self, record: dict[str, Any]) -> bool:
        """Whether a value was computed from a reconstruction (tables built to fit the printed numbers)."""
        return bool(set(record.get("inputs") or []) & self.reconstructed)

    def status(self, key: str) -> str:
        """One of :data:`STATUSES`: ``verify``'s verdict, "matches the reconstruction" when every chapter that
        reproduces it computes it from a reconstruction (built to fit the printed numbers, so the match checks the
        reconstruction, not the paper), or, for a number no chapter recomputes, whether the book quotes it."""
        verdict = str(self.compared.at[key, "verdict"])
        if verdict == "reproduced" and all(self.from_reconstruction(r) for r, _ in self.recomputed.get(key, [])) \
                and key in self.recomputed:
            return "matches the reconstruction"
        if verdict != "not recomputed":
            return verdict
        return "quoted" if self.shown(key, kinds=("printed",)) else "not recomputable"

    def shown(self, key: str, kinds: tuple[str, ...] = ("printed", "computed")) -> list[tuple[str, dict]]:
        """The places that show printed number ``key``: glued under its key, or in a phrase that quotes it."""
        return [(d, p) for d, p in self.places
                if (p["record"].get("key") == key and p["record"]["kind"] in kinds)
                or key in p["record"].get("quotes", ())]

    def _printed(self, key: str) -> str:
        row = self.reported.loc[key]
        return f"“{_e(row.reported)}” ({_e(row.section)}, p.&nbsp;{int(row.page)}; {_e(row.label.lower())})"

    def _audit(self, key: str) -> str:
        r = self.register.loc[key]
        if r.verdict == "not checkable":
            return "Audit verdict: <em>not checkable</em>; no consistency check applies to it."
        check = "" if r.check == "none applicable" else f" ({_e(r.check)}{': ' + _e(r.detail) if r.detail else ''})"
        return f"Audit verdict: <em>{_e(r.verdict)}</em>{check}. {_e(_sentence(r.explanation))}".strip()

    def _reproduced(self, key: str, link: Any = None) -> str:
        c = self.compared.loc[key]
        if c.verdict == "not recomputed":
            return "The book quotes it; no chapter recomputes it."
        said = {"reproduced": "reproduced", "expected mismatch": "an expected mismatch"}.get(c.verdict, c.verdict)
        out = f"The book recomputes it as {_e(c.computed)}: {_e(said)}. {_e(_sentence(c.explanation))}".strip()
        for record, notebook in (self.recomputed.get(key, []) if link is not None else []):
            number = chapter_numbers().get(Path(notebook).stem)
            out += (" " + self._functions(record, link).rstrip(".")
                    + (f", reading {self._files(record)}" if record.get("inputs") else "")
                    + (f", in chapter {number}." if number else "."))
            if self.from_reconstruction(record):
                out += (" That is the reconstruction, built to fit the printed numbers: the match checks the "
                        "reconstruction, not the paper.")
        return out

    @staticmethod
    def _files(record: dict[str, Any]) -> str:
        return ", ".join(f"<code>{_breakable(f)}</code>" for f in record.get("inputs") or [])

    @staticmethod
    def _names(functions: list[dict[str, Any]], link: Any) -> str:
        names = []
        for f in functions:
            shown = f"<code>{_breakable(f['name'].removeprefix('intake_alliance.'))}</code>"
            href = link(f) if f.get("path") else None
            names.append(f'<a href="{_e(href)}">{shown}</a>' if href else shown)
        return ", ".join(names)

    @classmethod
    def _functions(cls, record: dict[str, Any], link: Any) -> str:
        own = [n for n in record.get("settings") or [] if n.startswith("intake_alliance.")]
        libraries = [n for n in record.get("settings") or [] if not n.startswith("intake_alliance.")]
        parts = []
        if own:
            parts.append("the package's setting" + ("s " if len(own) > 1 else " ")
                         + ", ".join(f"<code>{_breakable(n.removeprefix('intake_alliance.'))}</code>" for n in own))
        if libraries:
            parts.append(", ".join(f"<code>{_breakable(n.split(': ')[1])}</code> from {_e(n.split(': ')[0])}"
                                   for n in libraries))
        settings, said = own + libraries, " and ".join(parts)
        if not record["functions"]:
            if settings:
                return f"Worked out in this chapter's own code, with {said}."
            return "Set or worked out in this chapter's own code, with no function of the package."
        uses = record.get("uses") or []
        return ("Computed by " + cls._names(record["functions"], link)
                + (", from what " + cls._names(uses, link) + (" gives" if len(uses) == 1 else " give") if uses else "")
                + (f", with {said}" if settings else "") + ".")

    def _inputs(self, record: dict[str, Any]) -> str:
        files = record.get("inputs") or []
        parts = []
        if files:
            parts.append(("Input file: " if len(files) == 1 else "Input files: ") + self._files(record) + ".")
        elif record["functions"]:
            parts.append("No data file is read.")
        if self.from_reconstruction(record):
            parts.append("<strong>A reconstruction</strong> from the printed numbers, not the study's data.")
        if record.get("simulated"):
            parts.append("<strong>Simulated</strong>, with a fixed seed, not the study's data.")
        elif record.get("random"):
            parts.append("<strong>Rests on random draws</strong> with a fixed seed (a resampling or a search, by "
                         + ", ".join(f"<code>{_breakable(n.removeprefix('intake_alliance.'))}</code>"
                                     for n in record["random"]) + ").")
        return " ".join(parts)

    def cited(self, record: dict[str, Any]) -> bool:
        """Whether a value is a finding of another study read as it is from ``literature.csv``."""
        names = {f["name"] for f in record["functions"]}
        return bool(names) and names <= _READERS and set(record.get("inputs") or []) == {_LITERATURE}

    def kind_of(self, record: dict[str, Any]) -> str:
        """How the appendix classes a number the paper does not print."""
        if self.cited(record):
            return "another study"
        if record.get("simulated"):
            return "simulated"
        if self.from_reconstruction(record):
            return "reconstruction"
        return "random draws" if record.get("random") else "computed"

    def card(self, record: dict[str, Any], link: Any, appendix: str | None) -> str:
        """The inside of a number's card (HTML). ``link(function)`` gives the address of a function's source (or
        None); ``appendix`` the address of the number's place in the appendix (or None)."""
        kind, key = record["kind"], record.get("key")
        if kind == "printed":
            lines = ["<strong>Printed in the paper</strong> as " + self._printed(key) + ".", self._audit(key),
                     self._reproduced(key, link)]
        elif kind == "computed":
            lines = [f"<strong>Computed by the book</strong>: {_e(record.get('value', ''))} before rounding.",
                     self._functions(record, link), self._inputs(record),
                     "The paper prints " + self._printed(key) + ".", self._reproduced(key, None)]
        elif kind == "verdict":
            lines = ["<strong>The audit's verdict</strong> on the printed " + self._printed(key) + ", from "
                     "<code>study.audit.verdict_register</code>.", self._audit(key)]
        elif self.cited(record):
            lines = ["<strong>From another study</strong>, not from the paper: taken from "
                     f"<code>{_breakable(_LITERATURE)}</code>, where each row names the study and where it prints "
                     "the number (chapter 5 lists them). Where the chapter converts it, the sentence says how."]
        elif record.get("quotes"):
            lines = [f"<strong>Printed in the paper</strong> as {self._printed(k)}. {self._audit(k)}"
                     for k in record["quotes"]]
        else:
            lines = ["<strong>Computed by the book</strong>; the paper does not print this number.",
                     self._functions(record, link), self._inputs(record)]
        if appendix:
            lines.append(f'<a href="{_e(appendix)}">'
                         + ("Every place it appears" if key or record.get("quotes") else "Its row")
                         + " in the Numbers appendix</a>")
        return "".join(f'<span class="num-prov-line">{line}</span>' for line in lines if line)

    def page_name(self, doc: str) -> str:
        """A page as a reader names it: "Chapter 3", "Introduction", "Numbers"."""
        number = chapter_numbers().get(Path(doc).name)
        return f"Chapter {number}" if number else "Introduction" if doc == "intro" else self.titles.get(doc, doc)

    def _places(self, places: list[tuple[str, dict[str, Any]]], where: Any, anchors: bool = False) -> str:
        """Links to ``places``, one line per section: the section's name links to the first place there and
        small numbered links to the others ("again: 2 3"; on paper, how many times); ``anchors`` gives each
        link the id ``in-<place>`` that the place's card links back to."""
        groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for doc, place in places:
            groups.setdefault((doc, place["section"]), []).append(place)
        lines = []
        for (doc, section), found in groups.items():
            page, title = self.page_name(doc), self.titles.get(doc, doc)
            text = page if not section or section == title else f"{page}: {section}"

            def link(place: dict[str, Any], label: str, cls: str = "reference internal") -> str:
                anchor = f' id="in-{place["id"]}"' if anchors else ""
                return f'<a class="{cls}"{anchor} href="{_e(where(doc, place["id"]))}">{_e(label)}</a>'

            line = link(found[0], text)
            if len(found) > 1:
                more = " ".join(link(p, str(i), "num-again") for i, p in enumerate(found[1:], start=2))
                line += (f'<span class="num-more screen-only">, again: {more}</span>'
                         f'<span class="print-only">, {len(found)} times</span>')
            lines.append(line)
        return "<br>".join(lines) or "–"

    def printed_table(self, where: Any) -> pd.DataFrame:
        """One row per printed number: words, printed form, section and page, status, verdict, places, key."""
        rows = []
        for key, r in self.reported.iterrows():
            places = self.shown(key)
            rows.append({"label": f'<span id="number-{_e(key)}">{_e(r.label)}</span>', "Label": r.label,
                         "printed": r.reported, "section": r.section, "page": int(r.page),
                         "where": f"{r.section}, p.\u00a0{int(r.page)}",
                         "status": self.status(key), "verdict": self.register.at[key, "verdict"],
                         "places": self._places(places, where),
                         "Places": "; ".join(dict.fromkeys(self.page_name(d) for d, _ in places)), "key": key})
        return pd.DataFrame(rows)

    def book_table(self, where: Any, source: Any) -> pd.DataFrame:
        """One row per number the book shows that the paper does not print (kind ``derived``), per page: the
        places that show the same glued value share it."""
        groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for doc, p in self.places:
            if p["record"]["kind"] == "derived" and not p["record"].get("quotes"):
                groups.setdefault((doc, p["glue"]), []).append(p)
        rows = []
        for (doc, _), found in groups.items():
            rec = found[0]["record"]
            kind = self.kind_of(rec)
            rows.append({"shown": found[0]["text"], "Context": found[0]["context"],
                         "Places": "; ".join(dict.fromkeys(f"{self.page_name(doc)}: {p['section']}" for p in found)),
                         "context": f'{_e(found[0]["context"])}<br>'
                                    + self._places([(doc, p) for p in found], where, anchors=True),
                         "functions": self._functions(rec, source).removeprefix("Computed by ").rstrip("."),
                         "inputs": self._files(rec) or "–",
                         "kind": kind})
        return pd.DataFrame(rows, columns=["shown", "Context", "Places", "context", "functions", "inputs", "kind"])

    def register_html(self, part: str, where: Any, source: Any = lambda f: None) -> str:
        """The appendix's table ``part`` (``printed`` or ``derived``) as HTML, with its filters and download."""
        from .tables import csv_download, reader_table

        if part == "printed":
            table = self.printed_table(where)
            counts = table.status.value_counts()
            said = ", ".join(f"{int(counts.get(s, 0))} {s}" for s in STATUSES)
            lead = (f"<p>All {len(table)} numbers the paper prints: {said}. Choose a section or a status to narrow "
                    "the list.</p>")
            shown = reader_table(table, {"label": "Number", "printed": "Printed", "where": "In the paper",
                                         "status": "Status", "verdict": "Audit verdict",
                                         "places": "Shown in the book"},
                                 name="numbers-printed", markup=["label", "places"])
            download = csv_download(table[["key", "Label", "printed", "section", "page", "status", "verdict",
                                           "Places"]].rename(columns={"Label": "label", "Places": "shown_in"}),
                                    "printed_numbers.csv", "Download the paper's numbers (CSV)")
            filters = _filters(table, {"section": "Section", "status": "Status"}, [2, 3])
        else:
            table = self.book_table(where, source)
            kinds = table.kind.value_counts()
            lead = (f"<p>The {len(table)} numbers the book shows that the paper does not print: "
                    + ", ".join(f"{int(kinds.get(k, 0))} {k}" for k in KINDS)
                    + ".</p>")
            table["how"] = [f + (f"<br>reading {i}" if i != "–" else "") for f, i in zip(table.functions, table.inputs)]
            shown = reader_table(table, {"shown": "Number", "context": "Where it appears",
                                         "how": "Computed by", "kind": "Kind"},
                                 name="numbers-book", markup=["context", "how"])
            plain = table[["shown", "Context", "Places", "functions", "inputs", "kind"]].rename(
                columns={"Context": "context", "Places": "shown_in"})
            plain = plain.assign(functions=[re.sub("<[^>]+>", "", c) for c in plain.functions],
                                 inputs=[re.sub("<[^>]+>", "", c) for c in plain.inputs])
            download = csv_download(plain, "book_numbers.csv", "Download the book's own numbers (CSV)")
            filters = _filters(table, {"kind": "Kind"}, [3])
        return (lead + filters + download._repr_html_()
                + f'<div class="cell_output docutils container"><div class="output text_html">{shown.to_html()}'
                  "</div></div>")


def _filters(table: pd.DataFrame, columns: dict[str, str], positions: list[int]) -> str:
    """Drop-down filters over the table's columns (hidden until ``reader.js`` makes them work)."""
    out = ['<form class="numbers-filter" hidden>']
    for (column, label), position in zip(columns.items(), positions):
        options = "".join(f'<option value="{_e(v)}">{_e(v)}</option>' for v in sorted(table[column].astype(str).unique()))
        out.append(f'<label>{_e(label)} <select data-column="{position}"><option value="">all</option>'
                   f"{options}</select></label>")
    return "".join(out) + '<output role="status" aria-live="polite"></output></form>'
