"""Every number shows where it comes from (issue 28): the records the kernel keeps, the cards on the pages and
the Numbers appendix.

The records are checked where they are made (a notebook run with nbclient, the def-use walk on hand-written code)
and on the session's build: every card against the data package, every function link against the source it
names, every place a printed number appears against the appendix, and the appendix's statuses against
``verify`` run on the same build. Opening the cards with mouse, keyboard and touch is in ``test_browser.py``.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat
import pandas as pd
import pytest
from bs4 import BeautifulSoup

from conftest import ROOT
from intake_alliance import data, stats
from intake_alliance.book import numbers, provenance, verify
from intake_alliance.book.provenance import _Flow  # the walk itself, tested on hand-written code
from intake_alliance.study import audit

# --- the records -------------------------------------------------------------------------------------------


def _deps(code: str, namespace: dict, name: str, near: bool = False) -> set:
    """What the walk knows of ``name``: every function and file behind it, or (``near``) the nearest functions."""
    flow = _Flow(namespace)
    flow.run(ast.parse(code).body)
    found = flow.env.get(name, set())
    return {fn for kind, fn in found if kind == "near"} if near else {d for d in found if d[0] != "near"}


def test_the_nearest_functions_are_the_ones_that_made_the_value() -> None:
    code = ("t = data.load('themes')\n"
            "k = stats.cohen_kappa(t)\n"
            "s = round(k, 2)\n"
            "u = stats.holm([k, len(t)])\n")
    ns = {"data": data, "stats": stats}
    assert _deps(code, ns, "s", near=True) == {stats.cohen_kappa}  # through round(), a builtin
    assert _deps(code, ns, "u", near=True) == {stats.holm}
    assert _deps(code, ns, "u") >= {("function", stats.holm), ("function", stats.cohen_kappa), ("function", data.load)}


def test_the_walk_follows_names_back_to_package_functions_and_files() -> None:
    code = ("t = data.load('theme_frequencies')\n"
            "n = len(t)\n"
            "m = n * 2\n"
            "for r in t.itertuples():\n"
            "    v = r.n\n"
            "k = stats.cohen_kappa([[1, 2], [2, 1]])\n"
            "z = 5\n"
            "w = np.mean([1, 2])\n"
            "rows = []\n"
            "rows.append(k)\n")
    ns = {"data": data, "stats": stats, "np": __import__("numpy")}
    load = ("function", data.load)
    frequencies = ("file", "data/published/theme_frequencies.csv")
    assert _deps(code, ns, "m") == {load, frequencies}
    assert _deps(code, ns, "v") == {load, frequencies}
    assert _deps(code, ns, "k") == {("function", stats.cohen_kappa)}
    assert _deps(code, ns, "rows") == {("function", stats.cohen_kappa)}  # changed in place by append
    assert _deps(code, ns, "z") == set() and _deps(code, ns, "w") == set()  # a constant; a library's function


def test_a_setting_of_the_package_is_named() -> None:
    from intake_alliance.study import nesting

    found = _deps("grid = max(nesting.ICC_GRID)\n", {"nesting": nesting}, "grid")
    assert found == {("setting", "intake_alliance.study.nesting.ICC_GRID")}
    assert _deps("f = nesting.clustered_power\n", {"nesting": nesting}, "f") == set()  # a function is no setting
    from scipy import stats as scipy_stats

    found = _deps("p = scipy_stats.fisher_exact([[1, 2], [3, 4]]).pvalue\nq = round(p, 2)\n",
                  {"scipy_stats": scipy_stats}, "q")
    assert found == {("library", "scipy: fisher_exact")}  # a library's function the chapter calls itself


def test_the_walk_reads_no_attribute_of_a_data_object() -> None:
    class Trap:
        @property
        def compute(self):  # evaluating this would run code of the notebook's objects
            raise AssertionError("an attribute of a data object was evaluated")

    assert _deps("x = obj.compute(1)\n", {"obj": Trap()}, "x") == set()


def test_formatting_helpers_are_not_named_as_what_computed_a_number() -> None:
    from intake_alliance.book import gluing

    code = "a = data.reported_value('n_themes')\nb = fmt_number(a, 1)\nc = gluing.count_of(1, 2, 'x')\n"
    ns = {"data": data, "fmt_number": gluing.fmt_number, "gluing": gluing}
    assert _deps(code, ns, "b") == {("function", data.reported_value), ("file", "data/published/reported_values.csv")}
    assert _deps(code, ns, "c") == set()


def test_a_cached_function_credits_every_caller_with_its_files() -> None:
    from intake_alliance import ledger

    audit.verdict_register()  # the first call reads the files (or an earlier test made it)
    ledger.forget()           # forget who read what: the next call is answered from the cache
    audit.verdict_register()
    assert "data/published/reported_values.csv" in data.files_read_by("intake_alliance.study.audit.verdict_register")


def test_outside_a_kernel_a_record_names_no_function() -> None:
    rec = provenance.record("derived")
    assert rec["functions"] == [] and rec["inputs"] == [] and rec["kind"] == "derived"
    with pytest.raises(ValueError, match="kind"):
        provenance.record("guessed")


def test_a_notebook_glue_records_where_its_value_comes_from() -> None:
    import nbclient

    cells = ["from intake_alliance import data, stats\n"
             "from intake_alliance.study import audit\n"
             "from intake_alliance.book.gluing import glue, glue_computed, glue_published, glue_verdict, fmt_number",
             "t = data.load('themes')\nn = len(t)",
             "glue('doubled', fmt_number(n * 2, 0))\nglue_computed('n_themes', n)\nglue_published('n_themes')\n"
             "glue_verdict('client_themes_mean')\n"
             "for k in [1]:\n    glue(f'rows_{k}', int(audit.verdict_register().shape[0]))\n"
             "glue('sim', round(float(stats.simulate_nested_alliance(4, 3, seed=1).shape[0])))\nglue('fixed', 1000)\n"
             "ci = stats.bootstrap_ci(stats.fleiss_kappa, [[0, 0, 1], [1, 1, 1], [0, 1, 1], [1, 0, 0]], n_resamples=50)\n"
             "glue('boot', str(ci))\nglue('quoting', '8 themes', quotes=['n_themes'])"]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nbclient.NotebookClient(nb, kernel_name="python3", timeout=120).execute()
    records = {o.metadata.scrapbook["name"]: o.metadata[provenance.METADATA_KEY]
               for c in nb.cells for o in c.get("outputs", []) if "scrapbook" in o.get("metadata", {})}
    names = {k: [f["name"] for f in r["functions"]] for k, r in records.items()}
    assert names["doubled"] == ["intake_alliance.data.load"] and records["doubled"]["inputs"] == ["data/published/themes.csv"]
    assert records["n_themes"]["kind"] == "computed" and records["n_themes"]["value"] == repr(float(8))
    assert records["pub_n_themes"] == {"kind": "printed", "key": "n_themes", "functions": [], "uses": [],
                                       "inputs": [], "settings": [], "random": [], "simulated": False}
    assert records["verdict_client_themes_mean"]["kind"] == "verdict"
    assert names["rows_1"] == ["intake_alliance.study.audit.verdict_register"]  # through the loop's name
    assert "data/published/reported_values.csv" in records["rows_1"]["inputs"]
    assert records["sim"]["simulated"] and records["sim"]["random"] == ["intake_alliance.stats.multilevel.simulate_nested_alliance"]
    assert not records["rows_1"]["simulated"] and not records["rows_1"]["random"]
    assert records["boot"]["random"] and not records["boot"]["simulated"]  # a resampling draws, it does not simulate
    assert records["quoting"]["quotes"] == ["n_themes"]
    assert names["fixed"] == [] and records["fixed"]["inputs"] == []
    where = records["doubled"]["functions"][0]
    line = (ROOT / where["path"]).read_text(encoding="utf-8").splitlines()[where["line"] - 1]
    assert line.startswith("def load("), line


# --- the cards on the built pages --------------------------------------------------------------------------


def _pages(html: Path) -> dict[str, BeautifulSoup]:
    from intake_alliance.book.site import html_pages

    return {p.relative_to(html).as_posix(): BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser")
            for p in html_pages(html)}


@pytest.fixture(scope="module")
def pages(built_book: Path) -> dict[str, BeautifulSoup]:
    return _pages(built_book)


def _cards(pages: dict[str, BeautifulSoup]):
    for page, soup in pages.items():
        for wrap in soup.select("span.num-prov"):
            yield page, wrap, wrap.select_one(":scope > .num-prov-card")


@pytest.mark.slow
def test_every_glued_number_on_every_page_has_a_card(pages) -> None:
    bare = [(page, g.get_text()) for page, soup in pages.items() for g in soup.select("span.pasted-text")
            if re.search(r"\d", g.get_text()) and not g.find_parent(class_="num-prov")]
    assert not bare, bare[:10]
    cards = list(_cards(pages))
    assert len(cards) > 500
    for page, wrap, card in cards:
        value = wrap.select_one(":scope > .num-prov-value")
        assert value["tabindex"] == "0" and value["aria-describedby"] == card["id"], (page, wrap)
        assert card.get_text(strip=True), (page, wrap)


@pytest.mark.slow
def test_every_card_quotes_the_printed_form_section_and_page_of_the_data(pages) -> None:
    reported, seen = data.reported(), set()
    for page, wrap, card in _cards(pages):
        for quoted in wrap.get("data-quotes", "").split():  # a phrase quoting printed numbers names each
            row = reported.loc[quoted]
            assert f"“{row.reported}” ({row.section}, p.\u00a0{int(row.page)};" in card.get_text(), (page, quoted)
            assert row.reported in wrap.select_one(".num-prov-value").get_text(), (page, quoted)
        key = wrap.get("data-key")
        if key is None:
            assert wrap["data-kind"] == "derived"
            continue
        row = reported.loc[key]
        expected = f"“{row.reported}” ({row.section}, p.\u00a0{int(row.page)};"
        assert expected in card.get_text(), (page, key, card.get_text())
        if wrap["data-kind"] in ("printed", "verdict"):
            assert f"Audit verdict: {audit.verdict_register().at[key, 'verdict']}" in card.get_text(), (page, key)
        seen.add(wrap["data-kind"])
    assert seen == {"printed", "verdict"}  # the pages quote printed numbers; recomputed ones are compared by verify


@pytest.mark.slow
def test_function_links_land_on_the_function_they_name(built_book: Path, pages) -> None:
    checked, sources = 0, {}
    for page, wrap, card in _cards(pages):
        for a in card.select("a[href*='_modules/']"):
            url = urlsplit(a["href"])
            source = (built_book / page).parent.joinpath(unquote(url.path)).resolve()
            if source not in sources:
                sources[source] = BeautifulSoup(source.read_text(encoding="utf-8"), "html.parser")
            line = sources[source].find(id=url.fragment)
            assert line is not None, (page, a["href"])
            name = a.get_text().rsplit(".", 1)[-1]
            text = line.get_text()
            while text.lstrip().startswith("@"):  # a decorated function starts at its decorator
                line = line.find_next("span", id=re.compile(r"^L-"))
                text = line.get_text()
            assert re.search(rf"def {re.escape(name)}\(", text), (page, a["href"], text)
            checked += 1
    assert checked > 100


@pytest.mark.slow
def test_every_input_file_a_card_names_is_in_the_data_package(pages) -> None:
    files = {f"data/{r['path']}" for r in data.datapackage()["resources"]}
    named = {c.get_text() for _, _, card in _cards(pages) for c in card.select("code") if c.get_text().startswith("data/")}
    assert named and named <= files, named - files


# --- the Numbers appendix -------------------------------------------------------------------------------------


def _appendix(pages) -> tuple[pd.DataFrame, BeautifulSoup]:
    soup = pages["notebooks/numbers.html"]
    table = soup.select("table.reader-table")[0]
    heads = [th.get_text(strip=True) for th in table.select("thead th")]
    rows = [[td for td in tr.select("td")] for tr in table.select("tbody tr")]
    frame = pd.DataFrame([[td.get_text(" ", strip=True) for td in r] for r in rows], columns=heads)
    frame["Key"] = [r[0].select_one("[id^='number-']")["id"].removeprefix("number-") for r in rows]
    frame["links"] = [[a["href"] for a in r[heads.index("Shown in the book")].select("a")] for r in rows]
    return frame, soup


@pytest.mark.slow
def test_the_appendix_lists_every_printed_number_once(pages) -> None:
    table, soup = _appendix(pages)
    reported = data.reported()
    assert list(table["Key"]) == list(reported.index)
    assert list(table["Number"]) == list(reported.label)
    assert list(table["In the paper"]) == [f"{r.section}, p.\u00a0{int(r.page)}" for r in reported.itertuples()]
    assert set(table["Status"]) <= set(numbers.STATUSES)
    lead = soup.find(string=re.compile(r"^All \d+ numbers the paper prints"))
    counts = table["Status"].value_counts()
    assert lead.startswith(f"All {len(reported)} numbers the paper prints: "
                           + ", ".join(f"{counts.get(s, 0)} {s}" for s in numbers.STATUSES))


@pytest.mark.slow
def test_the_appendix_links_every_place_that_shows_a_printed_number(pages) -> None:
    table, _ = _appendix(pages)
    links = dict(zip(table["Key"], table["links"]))
    shown = 0
    for page, wrap, _card in _cards(pages):
        keys = ([wrap["data-key"]] if wrap.get("data-kind") in ("printed", "computed") else []) \
            + wrap.get("data-quotes", "").split()
        target = f"{Path(page).name}#{wrap['id']}" if page.startswith("notebooks/") else f"../{page}#{wrap['id']}"
        for key in keys:
            assert target in links[key], (page, key, links[key])
            shown += 1
    assert shown == sum(len(v) for v in links.values()) > 100  # and no link to a place that does not show it


@pytest.mark.slow
def test_the_appendix_status_is_what_verify_finds_in_the_same_build(built_book: Path, pages) -> None:
    table, _ = _appendix(pages)
    checked = verify.compare(verify.collect_from_build(built_book.parent)).set_index("key")
    quoted = {wrap["data-key"] for _, wrap, _ in _cards(pages) if wrap.get("data-kind") == "printed"}
    quoted |= {k for _, wrap, _ in _cards(pages) for k in wrap.get("data-quotes", "").split()}
    reconstructed = {f"data/{r['path']}" for r in data.datapackage()["resources"] if r.get("intake_alliance:reconstructed")}
    glued = verify.read_glued(built_book.parent)
    for key, status in zip(table["Key"], table["Status"]):
        verdict = checked.at[key, "verdict"]
        if verdict == "not recomputed":
            assert status == ("quoted" if key in quoted else "not recomputable"), key
        elif status == "matches the reconstruction":  # verify reproduces it, but only from the reconstruction
            records = glued[glued.key == key].record
            assert verdict == "reproduced" and all(set(r["inputs"]) & reconstructed for r in records), key
        else:
            assert status == verdict, key
    # the theme counts are recomputed only by summing the reconstructed interviews, which were fitted to them
    statuses = dict(zip(table["Key"], table["Status"]))
    assert statuses["client_theme_trust_n"] == "matches the reconstruction"
    assert statuses["therapist_interview_theme_disengagement_pct"] == "expected mismatch"
    assert (table["Status"].isin(["reproduced", "matches the reconstruction"])).sum() >= 57


@pytest.mark.slow
def test_each_number_of_the_book_has_its_row_and_its_download(pages) -> None:
    soup = pages["notebooks/numbers.html"]
    derived = [wrap for _, wrap, _ in _cards(pages) if wrap["data-kind"] == "derived" and not wrap.get("data-quotes")]
    ids = {e["id"] for e in soup.select("[id^='in-']")}
    assert {f"in-{w['id']}" for w in derived} == ids
    rows = {t["id"].removeprefix("T_"): len(t.select("tbody tr")) for t in soup.select("table.reader-table")}
    assert rows["numbers-printed"] == len(data.reported()) and rows["numbers-book"] <= len(derived)
    for a, table in zip(soup.select("p.csv-download a"), ("numbers-printed", "numbers-book")):
        csv = pd.read_csv(__import__("io").StringIO(unquote(a["href"].split(",", 1)[1])))
        assert len(csv) == rows[table], a["download"]
    printed = [a for a in soup.select("p.csv-download a") if a["download"] == "printed_numbers.csv"][0]
    csv = pd.read_csv(__import__("io").StringIO(unquote(printed["href"].split(",", 1)[1])), dtype=str)
    assert list(csv.key) == list(data.reported().index)
