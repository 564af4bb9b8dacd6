"""Tables for readers: every table the book shows goes through :func:`reader_table`.

A reader sees chosen columns in reading order, headings in words, no index,
numbers at a stated precision, p-values in APA style (``< .001``, ``.053``)
and a dash where a value is missing: never ``NaN``, ``<NA>`` or ``True``.
The table carries the class ``reader-table``, which the book's stylesheet
(``_static/reader.css``) lets wrap inside the text column, scroll inside its
own box on a phone with its first column fixed, and keep readable in dark mode.
"""

from __future__ import annotations

import html
import math
import re
from numbers import Integral, Real
from typing import Any, Callable, Mapping, Sequence

import pandas as pd
from pandas.io.formats.style import Styler

from ..stats.rounding import fmt_number
from ..study.vocabulary import HEADINGS, in_words, vocabulary
from .gluing import fmt_p

__all__ = ["reader_table", "heading", "MISSING", "csv_download", "CsvDownload"]

#: What a reader sees where a value is missing or undefined.
MISSING = "–"

class ReaderStyler(Styler):
    """A pandas Styler whose plain-text form names the table's shape, never a memory address.

    The executed notebook stores that text beside the HTML, so two builds give identical notebooks
    whether or not ``figures.setup()`` registered its formatter for Styler objects.
    """

    def __repr__(self) -> str:
        rows, cols = self.data.shape
        return f"<table: {rows} rows x {cols} columns>"

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(repr(self))


def heading(column: str) -> str:
    """Return the written heading of a column: from :data:`~intake_alliance.study.vocabulary.HEADINGS` or the
    vocabulary, or the column name itself when it is already a heading (it starts with a capital).

    Raises ``ValueError`` for a code name with no written heading: headings are never made from code names.
    """
    column = str(column)
    written = HEADINGS.get(column) or vocabulary().get(column)
    if written is not None:
        return written
    if column[:1].isupper():
        return column
    raise ValueError(f"`columns`: no written heading for {column!r}: add it to study.vocabulary.HEADINGS "
                     "or pass {column: heading}")


def _missing(value: Any) -> bool:
    try:
        return value is None or value is pd.NA or (isinstance(value, Real) and math.isnan(float(value)))
    except (TypeError, ValueError):
        return False


def _whole_numbers(column: pd.Series) -> bool:
    """Whether a float column holds only whole numbers (counts stored as floats because of missing values)."""
    if not pd.api.types.is_float_dtype(column):
        return False
    present = column.dropna()
    return len(present) > 0 and bool((present == present.round()).all()) and bool((present.abs() < 1e15).all())


def _formatter(decimals: int, p_value: bool = False, percent: bool = False) -> Callable[[Any], str]:
    def fmt(value: Any) -> str:
        if _missing(value):
            return MISSING
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, Integral):
            # digits grouped by a narrow no-break space, so that "30 000" never breaks across lines
            return f"{int(value):,}".replace(",", "\u202f") if abs(int(value)) >= 10_000 else str(int(value))
        if isinstance(value, Real):
            if p_value:
                return html.escape(fmt_p(float(value))).replace(" ", "&nbsp;")  # "< .001" stays on one line
            if math.isinf(float(value)):
                return "∞" if value > 0 else "−∞"
            text = fmt_number(float(value), decimals).replace("-", "\u2212")  # a minus sign, not a hyphen
            return (text + "%") if percent else text
        if isinstance(value, (list, tuple)):
            return ", ".join(fmt(v) for v in value) if value else MISSING
        text = str(value)
        return _breakable(text) if text.strip() else MISSING
    return fmt


_KEY = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")  # n_clinics too: one letter before the underscore


def _code(value: Any) -> str:
    """A cell of data keys: each key in code formatting (breakable after each underscore), words around them as
    they are ("client_age_min, client_age_max"; "implied by the client theme percentages")."""
    if _missing(value):
        return MISSING
    text = html.escape(str(value), quote=False)
    return _KEY.sub(lambda m: f"<code>{m.group(0).replace('_', '_<wbr>')}</code>", text)


def _breakable(text: str) -> str:
    """Escape ``text`` for HTML and let long identifiers (``therapist_female_pct``) break after each underscore."""
    return html.escape(text, quote=False).replace("_", "_<wbr>")


def reader_table(df: pd.DataFrame, columns: Sequence[str] | Mapping[str, str] | None = None, *,
                 name: str, decimals: int | Mapping[str, int] = 2, p_values: Sequence[str] | None = None,
                 percent: Sequence[str] = (), index: bool | None = None, max_rows: int | None = None,
                 flag: Sequence[bool] | pd.Series | None = None, keys: Sequence[str] = (),
                 markup: Sequence[str] = ()):
    """Return a pandas Styler of ``df`` made for reading.

    Parameters
    ----------
    df
        The table to show.
    columns
        The columns to show, in reading order: a list (headings made by :func:`heading`)
        or a mapping ``{column: heading}``. Default: every column.
    name
        A stable identifier (letters, digits, hyphens): the table's HTML id, identical from build to build.
    decimals
        Decimals of every float column, or ``{column: decimals}`` (others get 2).
    p_values
        Columns shown in APA style (``< .001``, ``.053``). Default: numeric columns named
        ``p``, ``p_value`` or starting with ``p_`` or ``holm_``.
    percent
        Columns shown with a percent sign.
    index
        Show the index as the first column (its name as the heading). Default: when it is named or
        not made of integers (row numbers, even of a filtered table, are never shown; a Series always
        shows its index).
    max_rows
        Refuse tables longer than this (a reader-facing table should say what matters first).
    flag
        One boolean per row: flagged rows are shaded (class ``flagged``), readable in both colour modes.
    keys
        Columns of data keys that a reader needs to find a row in a file: shown as they are, in code
        formatting, beside the words. In every other column a key of the vocabulary
        (:mod:`intake_alliance.study.vocabulary`) is shown as its words.
    markup
        Columns whose cells are HTML the book wrote itself (links to the places a number appears), shown as
        they are: never a column read from a file.

    Raises
    ------
    ValueError
        Naming the argument: an unknown column, a bad name, or too many rows.
    """
    if isinstance(df, pd.Series):
        df = df.rename(df.name if df.name is not None else "value").to_frame()
        index = True
    if not isinstance(df, pd.DataFrame):
        raise ValueError(f"`df` must be a DataFrame or a Series; got {type(df).__name__}")
    if index is None:  # a plain integer index (a filtered fresh table) is row numbers, not a label
        index = df.index.name is not None or not pd.api.types.is_integer_dtype(df.index)
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z][A-Za-z0-9-]*", name):
        raise ValueError(f"`name` must be letters, digits and hyphens, starting with a letter; got {name!r}")
    table = df.reset_index() if index else df
    table.columns = [str(c) if str(c) not in ("", "index") else "item" for c in table.columns]
    if p_values is None:
        p_values = [c for c in table.columns if pd.api.types.is_float_dtype(table[c])
                    and re.fullmatch(r"p|p_value|(p|holm)_\w+", c)]
    if columns is None:
        columns = list(table.columns)
    labels = dict(columns) if isinstance(columns, Mapping) else {c: heading(c) for c in columns}
    unknown = [c for c in labels if c not in table.columns]
    if unknown:
        raise ValueError(f"`columns`: {unknown} not in the table (it has {list(table.columns)})")
    if max_rows is not None and len(table) > max_rows:
        raise ValueError(f"`df` has {len(table)} rows, more than max_rows={max_rows}")
    unknown_keys = [c for c in [*keys, *markup] if c not in labels]
    if unknown_keys:
        raise ValueError(f"`keys`/`markup`: {unknown_keys} are not among the columns shown ({list(labels)})")
    shown = table[list(labels)].copy()
    for c in shown.columns:
        if c not in keys and c not in markup and not pd.api.types.is_numeric_dtype(shown[c]):
            shown[c] = in_words(shown[c])
    shown = shown.rename(columns=labels).reset_index(drop=True)
    places = decimals if isinstance(decimals, Mapping) else {}
    default = 2 if isinstance(decimals, Mapping) else decimals
    formats = {labels[c]: str if c in markup else _code if c in keys else _formatter(0 if _whole_numbers(table[c]) else places.get(c, default),
                                                              p_value=c in p_values, percent=c in percent)
               for c in labels}
    styler = (ReaderStyler(shown).format(formats).hide(axis="index").set_uuid(name)
              .set_table_attributes('class="reader-table"'))
    if flag is not None:
        mask = pd.Series(flag).to_numpy(dtype=bool) if not isinstance(flag, pd.Series) else flag.to_numpy(dtype=bool)
        if len(mask) != len(shown):
            raise ValueError(f"`flag` has {len(mask)} entries for {len(shown)} rows")
        classes = pd.DataFrame([["flagged" if m else ""] * shown.shape[1] for m in mask],
                               index=shown.index, columns=shown.columns)
        styler = styler.set_td_classes(classes)
    return styler


class CsvDownload:
    """A link that downloads a table as CSV, the data carried in the link itself (works offline, no file written)."""

    def __init__(self, df: pd.DataFrame, filename: str, label: str) -> None:
        if not isinstance(df, pd.DataFrame):
            raise ValueError(f"`df` must be a DataFrame; got {type(df).__name__}")
        if not re.fullmatch(r"[A-Za-z0-9_-]+\.csv", filename or ""):
            raise ValueError(f"`filename` must be a plain name ending in .csv; got {filename!r}")
        self.csv = df.to_csv(index=False, lineterminator="\n")
        self.filename, self.label = filename, label

    def _repr_html_(self) -> str:
        from urllib.parse import quote

        href = "data:text/csv;charset=utf-8," + quote(self.csv)
        return (f'<p class="csv-download"><a href="{href}" download="{html.escape(self.filename)}">'
                f'{html.escape(self.label)}</a> ({len(self.csv.splitlines()) - 1} rows)</p>')

    def __repr__(self) -> str:
        return f"{self.label} ({self.filename})"


def csv_download(df: pd.DataFrame, filename: str, label: str) -> CsvDownload:
    """Return a link that downloads ``df`` as ``filename`` (shown as ``label`` with its number of rows)."""
    return CsvDownload(df, filename, label)
