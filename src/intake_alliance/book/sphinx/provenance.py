"""Sphinx extension: every glued number opens a card that says where it comes from; the Numbers appendix.

* The ``{glue:text}`` role is myst-nb's own, wrapped: the pasted text becomes a ``glued_number`` node that
  carries the record :func:`intake_alliance.book.gluing.glue` stored beside the value
  (:mod:`intake_alliance.book.provenance`). In HTML the number stays plain text in the sentence, focusable, with
  a card beside it that ``_static/reader.css`` shows on hover, on keyboard focus and on tap (``reader.js``
  closes it on Escape and keeps it inside the window). The card names, for a number the paper printed, its
  printed form, section and page, the audit's verdict and whether the book reproduces it (``verify``'s own
  comparison, :func:`intake_alliance.book.verify.compare`, of the values this build glued); for a number the
  book computes, the functions that computed it (linked to their source, shown on the site's
  ``_modules/`` pages) and the data files they read, and whether they are a reconstruction or a simulation.
* ``{numbers-register}`` (the Numbers appendix, ``notebooks/numbers.md``) lists the paper's printed numbers
  with their status and a link to every place in the book that shows each, and the numbers the book shows
  that the paper never printed, with their functions and inputs. In the PDF edition the links print their
  page (``print_edition.js``).

Every word of a card comes from the data package, the audit's register and ``verify``; none is written here
by hand.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.parsers.rst import Directive
from myst_nb.ext.glue.roles import PasteTextRole
from myst_nb.ext.glue.utils import retrieve_glue_data
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util.osutil import relative_uri

__all__ = ["glued_number", "numbers_register", "setup"]

_ENV = "intake_alliance_numbers"
_NUMBERISH = re.compile(r"\d|\bnone\b", re.IGNORECASE)
_SOURCE_PAGE = "_modules/{module}"


class glued_number(nodes.inline):  # noqa: N801 (docutils names nodes in lower case)
    """A glued value with the record of where it comes from (attributes ``glue`` and ``record``)."""


class numbers_register(nodes.General, nodes.Element):  # noqa: N801
    """Where the Numbers appendix's tables go, filled when every page has been read."""


class _TracedText(PasteTextRole):
    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        out, messages = super().run()
        if len(out) != 1 or not isinstance(out[0], nodes.inline):
            return out, messages
        from ..provenance import METADATA_KEY

        key = self.text.rsplit(":", 1)[0] if ":" in self.text and "::" not in self.text else self.text

        record = retrieve_glue_data(self.document, key).metadata.get(METADATA_KEY)
        text = out[0].astext()
        if not record or (record["kind"] == "derived" and not _NUMBERISH.search(text)):
            return out, messages
        env = self.document.settings.env
        slug = re.sub(r"[^a-z0-9]+", "-", env.docname.lower()).strip("-")
        node = glued_number("", "", out[0], glue=key, record=record,
                            ids=[f"n-{slug}-{env.new_serialno('glued-number')}"], classes=["num-prov"])
        return [node], messages


def _context(node: nodes.Node) -> tuple[str, str]:
    """The words around ``node`` in its paragraph, and the title of its section."""
    block = node.parent
    while block is not None and not isinstance(block, (nodes.paragraph, nodes.list_item, nodes.entry)):
        block = block.parent
    before, after, seen = [], [], False
    for text in (block or node).findall(nodes.Text):
        chain = list(_ancestors(text))
        if any(isinstance(a, addnodes.pending_xref) for a in chain):
            continue  # a citation or cross-reference not yet resolved shows its key, not its words
        if any(a is node for a in chain):
            seen = True
        elif seen:
            after.append(text.astext())
        else:
            before.append(text.astext())
    head = " ".join("".join(before).split()[-8:])
    tail = " ".join("".join(after).split()[:6])
    context = re.sub(r"\(\s*[;,]?\s*\)", "", f"…{head} {node.astext()} {tail}…")
    context = re.sub(r"\s+([,.;:)])", r"\1", context)
    section = node.parent
    while section is not None and not isinstance(section, nodes.section):
        section = section.parent
    title = section.next_node(nodes.title).astext() if section is not None and section.next_node(nodes.title) else ""
    return context, title


def _ancestors(node: nodes.Node):
    while node is not None:
        yield node
        node = node.parent


def _collect(app: Sphinx, doctree: nodes.document) -> None:
    env = app.env
    places = getattr(env, _ENV, {})
    places[env.docname] = []
    for node in doctree.findall(glued_number):
        context, section = _context(node)
        places[env.docname].append({"id": node["ids"][0], "glue": node["glue"], "record": node["record"],
                                    "text": node.astext(), "context": context, "section": section})
    setattr(env, _ENV, places)


def _purge(app: Sphinx, env: Any, docname: str) -> None:
    getattr(env, _ENV, {}).pop(docname, None)


def _merge(app: Sphinx, env: Any, docnames: set[str], other: Any) -> None:
    places = getattr(env, _ENV, {})
    places.update({d: v for d, v in getattr(other, _ENV, {}).items() if d in docnames})
    setattr(env, _ENV, places)


def _facts(app: Sphinx) -> Any:
    """What the cards and the appendix say, read once per build (after every page has been read)."""
    if getattr(app, "_intake_numbers_facts", None) is None:
        from ..numbers import Facts

        places = getattr(app.env, _ENV, {})
        titles = {d: app.env.titles[d].astext() for d in places if d in app.env.titles}
        app._intake_numbers_facts = Facts(Path(app.outdir).parent, Path(app.srcdir), places, titles)  # type: ignore[attr-defined]
    return app._intake_numbers_facts  # type: ignore[attr-defined]


def _visit(self: Any, node: glued_number) -> None:
    record = node["record"]
    key = f' data-key="{html.escape(record["key"])}"' if record.get("key") else ""
    if record.get("quotes"):
        key += f' data-quotes="{html.escape(" ".join(record["quotes"]))}"'
    self.body.append(f'<span class="num-prov" id="{node["ids"][0]}" data-kind="{record["kind"]}"{key}>'
                     f'<span class="num-prov-value" tabindex="0" aria-describedby="{node["ids"][0]}-card">')


def _source_link(builder: Any, docname: str) -> Any:
    """``link(function)``: the address, from page ``docname``, of the line where a function starts on the site's
    source pages (none in the single page the PDF prints)."""
    def link(function: dict[str, Any]) -> str | None:
        if builder.name != "html":
            return None
        page = _SOURCE_PAGE.format(module=function["path"].removeprefix("src/").removesuffix(".py"))
        return relative_uri(builder.get_target_uri(docname), page + ".html") + f"#L-{function['line']}"
    return link


def _depart(self: Any, node: glued_number) -> None:
    from ..numbers import APPENDIX, anchor_of

    app, record, current = self.builder.app, node["record"], self.builder.current_docname
    appendix = None
    if APPENDIX in app.env.all_docs:
        appendix = ("#" if self.builder.name == "singlehtml" else
                    self.builder.get_relative_uri(current, APPENDIX) + "#") + anchor_of(record, node["ids"][0])
    self.body.append(f'</span><span class="num-prov-card" id="{node["ids"][0]}-card">'
                     f'{_facts(app).card(record, _source_link(self.builder, current), appendix)}</span></span>')


class _Register(Directive):
    """``{numbers-register} printed`` (the paper's numbers) or ``{numbers-register} derived`` (the book's own)."""

    has_content = False
    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        if self.arguments[0] not in ("printed", "derived"):
            raise self.error(f"numbers-register: expected 'printed' or 'derived', got {self.arguments[0]!r}")
        return [numbers_register(part=self.arguments[0])]


def _fill_register(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    for node in list(doctree.findall(numbers_register)):
        single = app.builder.name == "singlehtml"

        def where(place_doc: str, anchor: str) -> str:
            return "#" + anchor if single else app.builder.get_relative_uri(docname, place_doc) + "#" + anchor

        html_text = _facts(app).register_html(node["part"], where, _source_link(app.builder, docname))
        node.replace_self(nodes.raw("", html_text, format="html"))


def _source_pages(app: Sphinx):
    """One page per module of the package that a card names, its source highlighted with an anchor per line."""
    if app.builder.name != "html":
        return
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import PythonLexer

    root = Path(app.srcdir)
    paths = sorted({f["path"] for places in getattr(app.env, _ENV, {}).values() for p in places
                    for f in p["record"]["functions"] if f.get("path")})
    for path in paths:
        source = (root / path).read_text(encoding="utf-8")
        code = highlight(source, PythonLexer(), HtmlFormatter(linenos="inline", linespans="L", wrapcode=True))
        module = path.removeprefix("src/").removesuffix(".py")
        body = (f"<h1>Source: <code>{html.escape(module.replace('/', '.'))}</code></h1>"
                f"<p>The code of the book's package that computes the numbers the cards name, as this build ran it "
                f"(<code>{html.escape(path)}</code>).</p><div class=\"highlight source-listing\">{code}</div>")
        yield _SOURCE_PAGE.format(module=module), {"title": module.replace("/", "."), "body": body}, "page.html"


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_node(glued_number, html=(_visit, _depart))
    app.add_node(numbers_register, html=(lambda self, node: None, lambda self, node: None))
    app.add_role_to_domain("glue", "text", _TracedText(), override=True)
    app.add_directive("numbers-register", _Register)
    app.connect("doctree-read", _collect)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("doctree-resolved", _fill_register)
    app.connect("html-collect-pages", _source_pages)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
