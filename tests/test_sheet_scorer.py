"""The coding lab's in-browser scorer (``_static/sheet_scorer.js``) against the Python scorer.

The built lab page is opened from disk (``file://``, as a student who downloaded the site would) in
Chromium; sheets are chosen with the page's own file chooser, and what the page shows is compared
with :func:`intake_alliance.study.teaching.score_sheet` to three decimals: the two example sheets,
a pair of sheets, and randomly generated sheets saved the ways spreadsheets save them. Bad sheets
must get the Python reader's message, with the folder of the file left out.
"""

from __future__ import annotations

import codecs
from pathlib import Path

import numpy as np
import pytest

from conftest import ROOT
from test_browser import browser  # noqa: F401  (the Chromium fixture)
from intake_alliance import data
from intake_alliance.study import teaching

pytestmark = [pytest.mark.slow, pytest.mark.browser]

SHEETS = ROOT / "data" / "teaching"


@pytest.fixture(scope="module")
def lab(browser, built_book: Path):  # noqa: F811
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto((built_book / "notebooks" / "07_coding_lab.html").as_uri())
    page.wait_for_selector(".sheet-scorer[data-mode=key] input[type=file]", state="attached")
    page.requests = requests
    yield page
    page.close()


def _choose(page, selector: str, name: str, payload: bytes) -> None:
    page.set_input_files(selector, files=[{"name": name, "mimeType": "text/csv", "buffer": payload}])


def _shown(page, mode: str) -> dict:
    """Return the numbers the form of ``mode`` shows (full precision, from data-value attributes)."""
    root = f".sheet-scorer[data-mode={mode}] .scorer-output"
    page.wait_for_selector(f"{root} table, {root} .scorer-error")
    return page.evaluate("""(root) => {
      const out = document.querySelector(root);
      const err = out.querySelector('.scorer-error');
      if (err) return {error: err.textContent};
      const v = (td) => td.dataset.value === '' ? NaN : Number(td.dataset.value);
      const summary = out.querySelector('tr[data-summary]');
      const interval = summary.querySelector('.score-interval');
      const perTheme = {};
      out.querySelectorAll('tr[data-theme]').forEach((tr) => {
        perTheme[tr.dataset.theme] = Array.from(tr.querySelectorAll('td')).map(v);
      });
      const confusion = Array.from(out.querySelectorAll('tr[data-reference]')).map(
        (tr) => Array.from(tr.querySelectorAll('td')).map(v));
      const disagreements = Array.from(out.querySelectorAll('tr[data-disagreement]')).map(
        (tr) => [tr.dataset.disagreement, tr.children[1].textContent, tr.children[2].textContent]);
      return {percent: v(summary.querySelector('.score-percent')), kappa: v(summary.querySelector('.score-kappa')),
              low: Number(interval.dataset.low), upp: Number(interval.dataset.upp), perTheme, confusion,
              disagreements, text: out.textContent};
    }""", root)


def _clear(page, mode: str) -> None:
    page.evaluate("(m) => document.querySelector(`.sheet-scorer[data-mode=${m}] .scorer-output`).replaceChildren()",
                  mode)


def _assert_same(shown: dict, score: teaching.SheetScore) -> None:
    assert "error" not in shown, shown.get("error")
    for got, want in ((shown["percent"], score.percent_agreement), (shown["kappa"], score.kappa),
                      (shown["low"], score.kappa_low), (shown["upp"], score.kappa_upp)):
        assert round(got, 3) == round(want, 3), (got, want)
    for row in score.per_theme.itertuples():
        got = shown["perTheme"][row.theme]
        want = [row.n_reference, row.n_coded, row.n_agree, row.pct_of_reference, row.specific_agreement,
                row.kappa, 100 * row.prevalence]
        np.testing.assert_allclose(got, want, atol=5e-4, equal_nan=True)
    np.testing.assert_array_equal(np.array(shown["confusion"]), score.confusion.to_numpy())
    # the same disagreements, in the same order (the reference code's theme, then the vignette)
    label = dict(zip(teaching.themes().key, teaching.themes().label))
    assert shown["disagreements"] == [[d.vignette_id, label[d.reference], label[d.coded]]
                                      for d in score.disagreements.itertuples()]


def _score_in_page(page, name: str, payload: bytes) -> dict:
    _clear(page, "key")
    _choose(page, ".sheet-scorer[data-mode=key] input[type=file]", name, payload)
    return _shown(page, "key")


@pytest.mark.parametrize("name", ["sheet_careful.csv", "sheet_confused.csv"])
def test_example_sheets_score_as_in_python(lab, name: str) -> None:
    shown = _score_in_page(lab, name, (SHEETS / name).read_bytes())
    _assert_same(shown, teaching.score_sheet(SHEETS / name))


def test_two_sheets_compare_as_in_python(lab) -> None:
    _clear(lab, "pair")
    _choose(lab, ".sheet-scorer[data-mode=pair] input[type=file] >> nth=0", "sheet_confused.csv",
            (SHEETS / "sheet_confused.csv").read_bytes())
    _choose(lab, ".sheet-scorer[data-mode=pair] input[type=file] >> nth=1", "sheet_careful.csv",
            (SHEETS / "sheet_careful.csv").read_bytes())
    shown = _shown(lab, "pair")
    _assert_same(shown, teaching.score_sheet(SHEETS / "sheet_confused.csv", against=SHEETS / "sheet_careful.csv"))
    assert "the careful example coder" in shown["text"] and "The confused example coder" in shown["text"]
    assert "example_careful" not in shown["text"]  # coders of the example sheets are named in words


def test_a_hand_made_pair_lists_exactly_the_changed_vignettes(lab, tmp_path: Path) -> None:
    """Sheet A codes every vignette with the key's primary theme; sheet B changes three of them. The
    disagreements are those three, known by construction, in the page and in Python."""
    key = teaching.answer_key()
    themes = list(teaching.themes().key)
    changed = {"V04": "anger", "V17": "trust", "V09": "understood"}
    changed = {v: (t if t != key.set_index("vignette_id").at[v, "primary_theme"] else themes[0]) for v, t in changed.items()}
    a = "vignette_id,theme,coder,note\n" + "".join(f"{v},{t},ana,\n" for v, t in zip(key.vignette_id, key.primary_theme))
    b = "vignette_id,theme,coder,note\n" + "".join(f"{v},{changed.get(v, t)},ben,\n"
                                                    for v, t in zip(key.vignette_id, key.primary_theme))
    (tmp_path / "a.csv").write_text(a)
    (tmp_path / "b.csv").write_text(b)
    score = teaching.score_sheet(tmp_path / "b.csv", against=tmp_path / "a.csv")
    assert sorted(score.disagreements.vignette_id) == sorted(changed)
    assert dict(zip(score.disagreements.vignette_id, score.disagreements.coded)) == changed
    _clear(lab, "pair")
    _choose(lab, ".sheet-scorer[data-mode=pair] input[type=file] >> nth=0", "b.csv", b.encode())
    _choose(lab, ".sheet-scorer[data-mode=pair] input[type=file] >> nth=1", "a.csv", a.encode())
    _assert_same(_shown(lab, "pair"), score)
    # re-ordered by vignette on request
    lab.select_option(".sheet-scorer[data-mode=pair] .scorer-sort select", "vignette")
    shown = lab.eval_on_selector_all(".sheet-scorer[data-mode=pair] tr[data-disagreement]",
                                     "rows => rows.map(r => r.dataset.disagreement)")
    assert shown == sorted(changed)


def test_one_result_prints_on_a_page_of_its_own(lab) -> None:
    """The printable summary: the result's tables and every disagreement with its vignette written out."""
    _score_in_page(lab, "sheet_confused.csv", (SHEETS / "sheet_confused.csv").read_bytes())
    with lab.expect_popup() as popup:
        lab.click(".sheet-scorer[data-mode=key] .scorer-print")
    page = popup.value
    text = page.inner_text("body")
    score = teaching.score_sheet(SHEETS / "sheet_confused.csv")
    first = score.disagreements.vignette_id.iloc[0]
    vignette = data.load("vignettes").set_index("vignette_id").at[first, "text"]
    assert "The confused example coder compared with the answer key" in page.title()
    assert vignette[:60] in text and "Agreement per theme" in text and "Read" not in text
    assert page.locator("tr[data-disagreement]").count() == len(score.disagreements)
    page.close()


def test_pasted_sheet_scores_like_the_file(lab) -> None:
    _clear(lab, "key")
    lab.fill(".sheet-scorer[data-mode=key] textarea", (SHEETS / "sheet_confused.csv").read_text())
    lab.click(".sheet-scorer[data-mode=key] button")
    _assert_same(_shown(lab, "key"), teaching.score_sheet(SHEETS / "sheet_confused.csv"))


def _random_sheet(rng: np.random.Generator, way: int) -> tuple[str, bytes]:
    """A sheet coded at random (keys, labels, odd case and spaces), saved in one of five ways."""
    themes = teaching.themes()
    key = teaching.answer_key()
    names = []
    for vid, primary in zip(key.vignette_id, key.primary_theme):
        pick = primary if rng.random() < 0.5 else str(rng.choice(themes.key))
        label = dict(zip(themes.key, themes.label))[pick]
        shown = [pick, pick.upper(), f"  {label} ", label.lower()][int(rng.integers(4))]
        names.append((vid, shown))
    order = rng.permutation(len(names))
    sep, encoding, newline = [(",", "utf-8", "\n"), (";", "utf-8-sig", "\r\n"), ("\t", "utf-16", "\r\n"),
                              (";", "cp1252", "\r\n"), (",", "utf-8", "\r\n")][way]
    lines = [sep.join(["vignette_id", "theme", "coder", "note"])]
    for i in order:
        vid, theme = names[i]
        lines.append(sep.join([vid, theme, "student", '"a note; with, separators"' if i % 7 == 0 else ""]))
    text = newline.join(lines) + newline
    return f"random_{way}.csv", text.encode(encoding)


@pytest.mark.parametrize("seed", range(10))
def test_random_sheets_score_as_in_python(lab, tmp_path: Path, seed: int) -> None:
    rng = np.random.default_rng(seed)
    name, payload = _random_sheet(rng, seed % 5)
    (tmp_path / name).write_bytes(payload)
    _assert_same(_score_in_page(lab, name, payload), teaching.score_sheet(tmp_path / name))


def _bad_sheets() -> dict[str, bytes]:
    good = (SHEETS / "sheet_careful.csv").read_text().splitlines()
    header, rows = good[0], good[1:]
    return {
        "unknown_theme.csv": "\n".join([header, rows[0].replace("understood", "empaty")] + rows[1:]),
        "two_themes.csv": "\n".join([header, rows[0].replace("understood", "understood; empathy")] + rows[1:]),
        "missing_vignette.csv": "\n".join([header] + rows[:-2]),
        "repeated_vignette.csv": "\n".join([header] + rows + [rows[3]]),
        "missing_column.csv": "\n".join(["vignette_id,code,coder,note"] + rows),
        "empty_theme.csv": "\n".join([header, "V01,,me,"] + rows[1:]),
        "unknown_vignette.csv": "\n".join([header] + rows + ["V99,trust,me,"]),
        "empty.csv": "",
        "unquoted_note.csv": "\n".join([header, rows[0] + "a note, with a comma"] + rows[1:]),
        "unquoted_note_later.csv": "\n".join([header] + rows[:5] + [rows[5] + "a note; a comma, here"] + rows[6:]),
    }


@pytest.mark.parametrize("name", sorted(_bad_sheets()))
def test_bad_sheets_get_the_python_message(lab, tmp_path: Path, name: str) -> None:
    payload = _bad_sheets()[name].encode()
    (tmp_path / name).write_bytes(payload)
    with pytest.raises(ValueError) as python:
        teaching.score_sheet(tmp_path / name)
    expected = str(python.value).replace(str(tmp_path / name), name)
    shown = _score_in_page(lab, name, payload)
    assert shown.get("error") == expected


def test_rows_a_spreadsheet_left_empty_are_ignored(lab, tmp_path: Path) -> None:
    payload = ((SHEETS / "sheet_confused.csv").read_text() + ",,,\n,,,\n").encode()
    (tmp_path / "trailing.csv").write_bytes(payload)
    _assert_same(_score_in_page(lab, "trailing.csv", payload), teaching.score_sheet(tmp_path / "trailing.csv"))


def test_the_pair_form_asks_for_the_missing_sheet(lab) -> None:
    _clear(lab, "pair")
    lab.set_input_files(".sheet-scorer[data-mode=pair] input[type=file] >> nth=1", files=[])
    _choose(lab, ".sheet-scorer[data-mode=pair] input[type=file] >> nth=0", "sheet_careful.csv",
            (SHEETS / "sheet_careful.csv").read_bytes())
    lab.wait_for_selector(".sheet-scorer[data-mode=pair] .scorer-hint")
    assert lab.inner_text(".sheet-scorer[data-mode=pair] .scorer-hint") == "Now choose the second sheet."


def test_unknown_theme_names_the_nearest(lab) -> None:
    shown = _score_in_page(lab, "unknown_theme.csv", _bad_sheets()["unknown_theme.csv"].encode())
    assert "unknown theme 'empaty' (did you mean 'empathy'?)" in shown["error"]


def test_scoring_sends_nothing_and_says_so(lab) -> None:
    before = len(lab.requests)
    _score_in_page(lab, "sheet_careful.csv", (SHEETS / "sheet_careful.csv").read_bytes())
    assert lab.requests[before:] == []
    assert "not uploaded" in lab.inner_text("#score-your-sheet-in-this-page")


def test_the_script_has_no_network_calls() -> None:
    source = (ROOT / "_static" / "sheet_scorer.js").read_text()
    for call in ("fetch(", "XMLHttpRequest", "sendBeacon", "WebSocket", "http://", "https://", "import("):
        assert call not in source
    assert codecs.BOM_UTF8 not in source.encode()


def _hostile_sheets() -> dict[str, bytes]:
    """Sheets on which the page and Python once disagreed, or which froze the page (issue 26)."""
    good = (SHEETS / "sheet_careful.csv").read_text().splitlines()
    header, rows = good[0], good[1:]
    theme0 = rows[0].split(",")[1]
    with_theme = lambda theme: "\n".join([header, rows[0].replace(theme0, theme, 1)] + rows[1:]).encode()  # noqa: E731
    binary = bytes(range(256)) * 8
    return {
        "trailing_control.csv": with_theme(theme0 + "\x1f"),  # Python's strip removes U+001F; trim() did not
        "bom_in_cell.csv": with_theme("\ufeff" + theme0),  # trim() removed U+FEFF; Python's strip does not
        "binary.csv": binary,  # 0x81 is undefined in Windows-1252: Python refuses, the browser decoded it
        "long_theme.csv": with_theme("x" * 200_000),  # froze the page for seconds in difflib's ratio
        "too_large.csv": with_theme("y" * (1 << 20)),  # over the size limit: refused at once, unread
        "nul_in_cell.csv": with_theme(theme0 + "\x00x"),
    }


@pytest.mark.parametrize("name", sorted(_hostile_sheets()))
def test_hostile_sheets_get_the_same_verdict_in_the_page_and_in_python(lab, tmp_path: Path, name: str) -> None:
    payload = _hostile_sheets()[name]
    (tmp_path / name).write_bytes(payload)
    try:
        score = teaching.score_sheet(tmp_path / name)
        expected = None
    except ValueError as exc:
        expected = str(exc).replace(str(tmp_path / name), name)
    shown = _score_in_page(lab, name, payload)  # Playwright's timeout fails a page that freezes
    if expected is None:
        _assert_same(shown, score)
    else:
        assert shown.get("error") == expected
