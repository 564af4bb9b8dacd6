"""The coding lab's in-browser scorer: the form a reader uses to score a sheet without Python.

The page carries its own data (themes and answer key from ``data/teaching``, through
:func:`intake_alliance.study.teaching.scorer_data`) as a JSON script element, so the scorer works on the
published site and from ``_build/html`` opened from disk, where a browser refuses to fetch files.
The scoring itself is ``_static/sheet_scorer.js``; ``tests/test_sheet_scorer.py`` compares it with
:func:`~intake_alliance.study.teaching.score_sheet`.
"""

from __future__ import annotations

import html
import json
from typing import Literal

from IPython.display import HTML

from ..study.teaching import scorer_data

__all__ = ["scorer_form"]

_ACCEPT = ".csv,.tsv,.txt,text/csv,text/plain"
#: What paper shows in place of the form (once, under the first form of the page).
_PRINT_NOTE = ('<p class="scorer-print-note">On paper, score a sheet by hand: tick each row that agrees with the answer '
               'key and count the ticks, as the coding sheet of the student packet shows. On the book\'s site '
               '(<span class="book-site-address">its address is on the title page</span>), a form here scores a sheet '
               'in the browser and lists every disagreement; the sheets to try it with, coding_sheet_blank.csv, '
               'sheet_careful.csv and sheet_confused.csv, are in the site\'s downloads folder.</p>')


def _data_script(element_id: str) -> str:
    payload = json.dumps(scorer_data(), ensure_ascii=False, sort_keys=True).replace("</", "<\\/")
    return f'<script type="application/json" id="{element_id}">{payload}</script>'


def scorer_form(mode: Literal["key", "pair"]) -> HTML:
    """Return the form that scores one sheet against the key (``"key"``) or two sheets against each other (``"pair"``)."""
    if mode not in ("key", "pair"):
        raise ValueError(f"`mode` must be 'key' or 'pair'; got {mode!r}")
    data_id = f"sheet-scorer-data-{mode}"
    if mode == "key":
        controls = (
            f'<p><label for="scorer-key-file">Your completed sheet (CSV):</label> '
            f'<input type="file" id="scorer-key-file" accept="{_ACCEPT}"></p>'
            '<p><label for="scorer-key-paste">Or paste the sheet here (copy the cells from your spreadsheet, '
            'header row included):</label><br>'
            '<textarea id="scorer-key-paste" rows="5" spellcheck="false" '
            'placeholder="vignette_id,theme,coder,note"></textarea><br>'
            '<button type="button" class="scorer-button">Score the pasted sheet</button></p>'
        )
    else:
        controls = (
            f'<p><label for="scorer-pair-a">First sheet (CSV):</label> '
            f'<input type="file" id="scorer-pair-a" accept="{_ACCEPT}"></p>'
            f'<p><label for="scorer-pair-b">Second sheet (CSV):</label> '
            f'<input type="file" id="scorer-pair-b" accept="{_ACCEPT}"></p>'
        )
    return HTML(
        _data_script(data_id)
        + f'<div class="sheet-scorer" data-source="{html.escape(data_id)}" data-mode="{mode}">'
        + controls
        + '<div class="scorer-output" data-output aria-live="polite"></div></div>'
        + (_PRINT_NOTE if mode == "key" else "")
    )
