"""Put numbers into the book's prose through myst-nb ``glue``.

Two kinds of glued value, kept apart by their names so that the verifier can
tell a reproduction from a quotation:

* ``glue_computed(key, value)`` glues a value the notebook *computed* under the
  exact ``key`` of ``reported_values.csv`` when the paper printed the same
  quantity.  ``python -m intake_alliance verify`` compares these, key by key,
  with the printed string.
* ``glue_published(key)`` glues the printed string of ``key`` under the name
  ``pub_<key>``: a quotation of the data, shown in the prose, never verified
  against itself.
"""

from __future__ import annotations

import re
from typing import Any

from .. import data
from . import provenance
from ..stats.rounding import fmt_number

__all__ = ["Text", "glue", "count_of", "none_or", "fmt_range", "fmt_tiny", "glue_verdict", "VERDICT_PREFIX", "glue_computed", "prose_form", "glue_published", "glue_many_published", "fmt_number", "fmt_p",
           "PUBLISHED_PREFIX"]

PUBLISHED_PREFIX = "pub_"

#: Glued verdicts are named ``verdict_<key>``; a test checks that every page glues the register's verdict.
VERDICT_PREFIX = "verdict_"


class Text(str):
    """A string glued as text, shown by ``{glue:text}`` exactly as written.

    myst-nb passes the glued ``text/plain`` through ``ast.literal_eval`` before
    pasting it, which strips the quotes of a string literal.  The repr is
    therefore the ordinary quoted string literal: an unquoted repr would be
    evaluated as a number and lose its printed precision ("0.70" pasted as
    "0.7", "1.00" as "1.0").
    """

    def __repr__(self) -> str:
        return str.__repr__(self)


#: a hyphen that is a minus sign: before a digit, and not after a letter, digit or point ("-0.39", "(-0.01"),
#: so "2026-12-07" and "V01-V05" keep theirs
_HYPHEN_MINUS = re.compile(r"(?<![\w.])-(?=\.?\d)")


def glue(name: str, value: Any, display: bool = False, *, kind: str = "derived", key: str | None = None,
         computed: Any = None, quotes: list[str] | tuple[str, ...] = ()) -> None:
    """Glue ``value`` under ``name``, with the record of where it comes from (:func:`provenance.record`).

    ``kind`` and ``key`` say what the value is (``glue_published``, ``glue_computed`` and ``glue_verdict`` set
    them; any other glued value is ``derived``); ``computed`` is the number before formatting, when there is one;
    ``quotes`` names the printed numbers (keys of ``reported_values.csv``) that a glued phrase quotes as printed
    ("47.36% and 59.7%"), so that their cards and the Numbers appendix find them there.
    Returns nothing, so that a cell ending with a glue call shows no stray output (the value itself, such as
    ``'therapists'``) on the page. The mime bundle is myst-nb's own (``myst_nb.glue``), with the record added to
    its metadata.
    """
    from IPython.core.formatters import format_display_data
    from IPython.display import display as ipy_display
    from myst_nb.ext.glue import GLUE_PREFIX

    if isinstance(value, str):  # a negative number in a sentence takes the minus sign, not a hyphen
        value = Text(_HYPHEN_MINUS.sub("\u2212", value))
    bundle, metadata = format_display_data(value)
    prefix = "" if display else GLUE_PREFIX
    metadata["scrapbook"] = {"name": name, "mime_prefix": prefix}
    unknown = [k for k in quotes if k not in data.reported().index]
    if unknown:
        raise KeyError(f"quotes: not in data/published/reported_values.csv: {unknown}")
    metadata[provenance.METADATA_KEY] = provenance.record(kind, key, computed, quotes=list(quotes))
    ipy_display({prefix + k: v for k, v in bundle.items()}, raw=True, metadata=metadata)


_SUPERSCRIPT = str.maketrans("-0123456789", "\u207b\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079")


def fmt_tiny(x: float, digits: int = 2) -> str:
    """A small positive number a reader can compare with another: "1.1 × 10⁻⁸" (``digits`` significant
    figures), where APA's "< .001" would make two different p-values look the same; .001 and above as
    :func:`fmt_p` writes them."""
    if not 0 < x <= 1:
        raise ValueError(f"x: expected a number in (0, 1], got {x!r}")
    if x >= 0.001:
        return fmt_p(x)
    mantissa, exponent = f"{x:.{digits - 1}e}".split("e")
    return f"{mantissa}\u202f\u00d7\u202f10{str(int(exponent)).translate(_SUPERSCRIPT)}"  # never broken


def count_of(k: int, n: int, noun: str, verb: tuple[str, str] | None = ("is", "are")) -> str:
    """``k`` of ``n`` things as a sentence says it, with the verb agreeing: "none of the 56 pairs is",
    "1 of the 56 pairs is", "12 of the 56 pairs are", "all 56 pairs are" (``noun`` is the plural);
    ``verb=None`` leaves the verb out ("all 12 coefficients").

    A template sentence ("0 of 56 pairs are") reads like a program's output; this one reads like prose.
    """
    if isinstance(k, bool) or isinstance(n, bool) or not 0 <= int(k) <= int(n) or int(n) < 1:
        raise ValueError(f"count_of: need 0 <= k <= n and n >= 1, got k={k!r}, n={n!r}")
    k, n = int(k), int(n)
    one, many = ("", "") if verb is None else (" " + verb[0], " " + verb[1])
    if k == 0:
        return f"none of the {n} {noun}{one}"
    if k == n:
        return f"all {n} {noun}{many}" if n > 1 else f"the only one of the {noun}{one}"
    return f"{k} of the {n} {noun}{one if k == 1 else many}"


def fmt_range(low: float, high: float, decimals: int) -> str:
    """A range as a reader writes it: "0.93 to 1.12", and one number when both ends print alike ("1.00", never
    "1.00 to 1.00")."""
    a, b = fmt_number(low, decimals), fmt_number(high, decimals)
    return a if a == b else f"{a} to {b}"


def none_or(k: int) -> str:
    """A count where a sentence puts a number before its verb: "none" for 0 ("none would do so"), else the digits."""
    if isinstance(k, bool) or int(k) != k or k < 0:
        raise ValueError(f"none_or: expected a count, got {k!r}")
    return "none" if k == 0 else str(int(k))


def glue_verdict(key: str) -> str:
    """Glue the audit's verdict on the published number ``key`` as ``verdict_<key>`` and return it.

    Pages state verdicts about published numbers only through this function, so that every page reads the
    one register (:func:`intake_alliance.study.audit.verdict_register`).
    """
    from ..study.audit import verdict_register

    register = verdict_register()
    if key not in register.index:
        raise ValueError(f"`key`: {key!r} is not a row of reported_values.csv")
    verdict = str(register.at[key, "verdict"])
    glue(VERDICT_PREFIX + key, verdict, kind="verdict", key=key)
    return verdict


def fmt_p(p: float) -> str:
    """Return a p-value in APA style: three decimals without the leading zero, or '< .001'."""
    if not 0 <= p <= 1:
        raise ValueError(f"p: expected a probability between 0 and 1, got {p!r}")
    return "< .001" if p < 0.001 else fmt_number(p, 3).replace("0.", ".", 1)




def prose_form(reported: str, value: float) -> str:
    """Return the printed string when it is numeric ("47.36%", "0.70"), else the value in digits.

    Numbers printed as words ("Five", "Thirty-eight") read oddly mid-sentence,
    so they are shown as digits; units printed with them ("30 minutes") are
    dropped, and the prose supplies its own.
    """
    text = str(reported)
    head = text.split()[0]
    if head[:1].isdigit():
        return head
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def glue_computed(key: str, value: float) -> float:
    """Glue a computed ``value`` under reported key ``key`` (checked by ``verify``)."""
    if key not in data.reported().index:
        raise KeyError(f"key: {key!r} is not in data/published/reported_values.csv")
    glue(key, float(value), kind="computed", key=key, computed=value)
    return float(value)


def glue_published(key: str) -> str:
    """Glue the printed string of ``key`` under ``pub_<key>``; return it."""
    table = data.reported()
    if key not in table.index:
        raise KeyError(f"key: {key!r} is not in data/published/reported_values.csv")
    text = prose_form(table.at[key, "reported"], float(table.at[key, "value"]))
    glue(PUBLISHED_PREFIX + key, text, kind="printed", key=key)
    return text


def glue_many_published(keys: list[str]) -> dict[str, str]:
    """Glue several printed strings at once; return ``{key: string}``."""
    table = data.reported()
    unknown = [k for k in keys if k not in table.index]
    if unknown:
        raise KeyError(f"keys: not in data/published/reported_values.csv: {unknown}")
    out = {}
    for k in keys:
        out[k] = prose_form(table.at[k, "reported"], float(table.at[k, "value"]))
        glue(PUBLISHED_PREFIX + k, out[k], kind="printed", key=k)
    return out
