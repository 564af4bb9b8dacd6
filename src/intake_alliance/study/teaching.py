"""Score coding sheets for the coding lab: validation, agreement, Cohen's kappa, confusion matrix.

The lab (chapter ``07_coding_lab``) asks students to code invented post-intake
vignettes (``data/teaching/vignettes.csv``) into the eight themes of the
codebook, one theme per vignette, in a copy of
``data/teaching/coding_sheet_blank.csv``.  This module reads such a sheet and
compares it with the answer key or with another student's sheet.

Sheets are read as spreadsheets save them: comma, semicolon (Excel and
LibreOffice in locales with a decimal comma) or tab separated, the separator
taken from the header row (so commas and semicolons inside quoted notes do
no harm); UTF-8 with or without a byte-order mark, Windows-1252 (Excel's plain
"CSV" on Windows) or UTF-16 ("Unicode text"); LF or CRLF line endings.

Scoring rules
-------------
* Each vignette gets exactly one theme.  Theme names are matched after
  stripping spaces and ignoring case; the printed labels of
  ``published/themes.csv`` ("Feeling understood") are accepted as well as the
  keys ("understood").  Anything else is refused.
* **Against the key**, a coding *agrees* when it is the vignette's primary
  theme or, for an ambiguous vignette, its secondary theme.  The reference
  label of a vignette is therefore the coder's own theme when it is one of the
  accepted ones, and the primary theme otherwise.  Percent agreement, kappa,
  the per-theme table and the confusion matrix are all computed from these
  (coded, reference) pairs, so they are consistent with one another.  Crediting
  either theme makes kappa against the key a little more lenient than kappa
  between two coders on unambiguous material.
* **Against another sheet**, the two codings are compared as they stand
  (ambiguity plays no part: each coder chose one theme).  Kappa is symmetric
  in the two sheets; the confusion matrix is transposed when they are swapped.
* Cohen's kappa is computed by :func:`intake_alliance.stats.cohen_kappa`
  (statsmodels underneath) on the 8 x 8 table of all themes (themes nobody used are kept as empty rows
  and columns); its large-sample standard error and the Wald 95% interval
  ``kappa_low``/``kappa_upp`` are those of :func:`intake_alliance.stats.cohen_kappa`,
  clipped to [-1, 1] like every analytic interval of the package.
"""

from __future__ import annotations

from collections.abc import Mapping

import csv
import difflib
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
import numpy as np
import pandas as pd
from .. import data
from ..stats.agreement import cohen_kappa
from .vocabulary import vocabulary

__all__ = ["comparison_table", "SHEET_COLUMNS", "themes", "answer_key", "example_sheet", "SEPARATORS", "sniff_separator", "read_sheet",
           "SheetScore", "score_sheet", "scorer_data", "session_plan", "theme_labels"]

SHEET_COLUMNS = ["vignette_id", "theme", "coder", "note"]

_REQUIRED = ["vignette_id", "theme"]


def themes() -> pd.DataFrame:
    """Return the eight themes (key, label, valence) in the paper's order."""
    return data.load("themes").sort_values("order")[["key", "label", "valence"]].reset_index(drop=True)


def theme_labels() -> dict[str, str]:
    """Return ``{key: printed label}`` of the eight themes ("understood" -> "Feeling understood")."""
    table = themes()
    return dict(zip(table.key, table.label))


def answer_key() -> pd.DataFrame:
    """Return ``data/teaching/answer_key.csv`` with the secondary theme as "" when there is none."""
    key = data.load("answer_key")
    key["secondary_theme"] = key["secondary_theme"].fillna("").astype(str)
    return key


def example_sheet(name: str) -> pd.DataFrame:
    """Return a packaged completed sheet (``"sheet_careful"`` or ``"sheet_confused"``), validated."""
    if name not in {"sheet_careful", "sheet_confused"}:
        raise ValueError(f"name: {name!r} is not an example sheet; use 'sheet_careful' or 'sheet_confused'")
    return read_sheet(data.load(name))


def scorer_data() -> dict[str, Any]:
    """Return what the in-browser scorer of the lab page needs: the themes in order and the answer key.

    The lab page writes this into itself as JSON; ``_static/sheet_scorer.js`` then applies the rules of
    :func:`read_sheet` and :func:`score_sheet` to a sheet the reader chooses, without any request.
    """
    key = _check_key(answer_key())
    return {
        "max_bytes": MAX_SHEET_BYTES,
        "themes": themes()[["key", "label", "valence"]].to_dict("records"),
        "coders": {c: vocabulary()[c] for c in ("example_careful", "example_confused")},
        "vignettes": dict(zip(*data.load("vignettes")[["vignette_id", "text"]].to_numpy().T)),
        "key": key[["vignette_id", "primary_theme", "secondary_theme"]].to_dict("records"),
    }


def session_plan() -> pd.DataFrame:
    """Return ``data/teaching/session_plan.csv`` with each step's ``start`` and ``end`` minute in its session.

    Raises
    ------
    ValueError
        When the steps of a session are not numbered 1, 2, 3, ... (a step lost or repeated in an edit).
    """
    plan = data.load("session_plan")
    out = []
    for (_, _), steps in plan.groupby(["plan", "session"], sort=False):
        steps = steps.sort_values("step")
        if list(steps.step) != list(range(1, len(steps) + 1)):
            raise ValueError(f"session_plan: the steps of {steps.plan.iloc[0]!r}, session {steps.session.iloc[0]} "
                             f"are numbered {list(steps.step)}, not 1, 2, 3, ...")
        end = steps.minutes.cumsum()
        out.append(steps.assign(start=(end - steps.minutes).astype(int), end=end.astype(int)))
    return pd.concat(out, ignore_index=True)


def theme_lookup() -> dict[str, str]:
    table = themes()
    lookup = {k.lower(): k for k in table.key}
    lookup.update({label.strip().lower(): k for k, label in zip(table.key, table.label)})
    return lookup


def _check_key(key: pd.DataFrame) -> pd.DataFrame:
    need = {"vignette_id", "primary_theme"}
    if not isinstance(key, pd.DataFrame) or not need <= set(key.columns):
        raise ValueError(f"key: must be a DataFrame with columns {sorted(need)} (like data/teaching/answer_key.csv)")
    key = key.copy()
    if "secondary_theme" not in key.columns:
        key["secondary_theme"] = ""
    key["secondary_theme"] = key["secondary_theme"].fillna("").astype(str)
    known = set(themes().key)
    for col in ("primary_theme", "secondary_theme"):
        bad = ~key[col].isin(known | ({""} if col == "secondary_theme" else set()))
        if bad.any():
            i = int(bad.values.argmax())
            raise ValueError(f"key: row {i} (vignette {key['vignette_id'].iloc[i]}): {col} "
                             f"{key[col].iloc[i]!r} is not a theme key")
    if key["vignette_id"].duplicated().any():
        vid = key["vignette_id"][key["vignette_id"].duplicated()].iloc[0]
        raise ValueError(f"key: vignette {vid} appears more than once")
    return key.reset_index(drop=True)

#: Separators a spreadsheet may write: comma; semicolon (Excel and LibreOffice where the decimal mark is a
#: comma, as in most of Europe); tab ("Unicode text" from Excel).
SEPARATORS = {",": "comma", ";": "semicolon", "\t": "tab"}


def _decode(raw: bytes, path: Path) -> str:
    """Return the text of a sheet: UTF-16 with its byte-order mark, UTF-8 (with or without one), else Windows-1252.

    Excel's plain "CSV" format on Windows writes the Windows code page
    (Windows-1252 in Western European locales), not UTF-8; its "Unicode text"
    format writes tab-separated UTF-16.
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ValueError(f"{path}: starts like UTF-16 text but cannot be decoded as such (byte {exc.start})") from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: not a text file in UTF-8 or Windows-1252 encoding (byte {exc.start}); "
                         "save the sheet as CSV") from exc


def sniff_separator(text: str) -> str:
    """Return the separator whose split of the header row names a ``vignette_id`` column (default a comma).

    Only the header decides: notes further down may hold commas or semicolons
    inside quotes, which would mislead a character count.
    """
    first = text.splitlines()[0] if text else ""
    for sep in SEPARATORS:
        fields = next(csv.reader([first], delimiter=sep), [])
        if "vignette_id" in (f.strip().lower() for f in fields):
            return sep
    return ","


def _refuse_long_rows(text: str, sep: str, path: Path) -> None:
    """Raise naming the first row with more cells than the header (lines counted as the scorer page counts them)."""
    rows = [r for r in csv.reader(io.StringIO(text), delimiter=sep) if r]
    for line, row in enumerate(rows[1:], start=2):
        if len(row) > len(rows[0]):
            raise ValueError(f"{path}: line {line} has {len(row)} cells but the header has {len(rows[0])}; a note "
                             f"that contains a {SEPARATORS[sep]} must be put in double quotes")


#: The largest sheet read, in bytes: a sheet of a few dozen vignettes with notes is a few kilobytes.
MAX_SHEET_BYTES = 1 << 20


def too_large(source: str, size: int) -> str:
    """The one message for a sheet over :data:`MAX_SHEET_BYTES` (the page gives the same)."""
    return (f"{source}: {size:,} bytes is too large for a coding sheet (at most {MAX_SHEET_BYTES:,} bytes; "
            "a sheet of a few dozen vignettes is a few kilobytes)")


def _read_csv(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise ValueError(f"path_or_df: {path} does not exist or is not a file")
    size = path.stat().st_size
    if size > MAX_SHEET_BYTES:
        raise ValueError(too_large(str(path), size))
    text = _decode(path.read_bytes(), path)
    if not text.strip():
        raise ValueError(f"{path}: the file is empty; a coding sheet has the header {','.join(SHEET_COLUMNS)} "
                         "and one row per vignette")
    sep = sniff_separator(text)
    try:
        raw = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, na_filter=False)
    except pd.errors.ParserError as exc:
        _refuse_long_rows(text, sep, path)
        raise ValueError(f"{path}: cannot be read as a {SEPARATORS[sep]}-separated coding sheet ({exc})") from exc
    if not isinstance(raw.index, pd.RangeIndex):  # pandas made an index of a first row with too many cells
        _refuse_long_rows(text, sep, path)
        raise ValueError(f"{path}: cannot be read as a {SEPARATORS[sep]}-separated coding sheet "
                         "(its rows have more cells than its header)")
    raw.columns = [str(c).strip().lower() for c in raw.columns]
    return raw


def _canonical_theme(theme: str, lookup: dict[str, str], where: str) -> str:
    """Return the theme key that ``theme`` names, or raise naming the row and suggesting the nearest theme."""
    canon = lookup.get(theme.lower())
    if canon is not None:
        return canon
    hint = ""
    if any(sep in theme for sep in ";,/+&|"):
        hint = " (give one theme per vignette)"
    else:
        close = difflib.get_close_matches(theme.lower(), list(lookup), n=1)
        if close:
            hint = f" (did you mean {lookup[close[0]]!r}?)"
    raise ValueError(f"{where}: unknown theme {theme!r}{hint}; the themes are {', '.join(themes().key)}")


def read_sheet(path_or_df: str | Path | pd.DataFrame, *, key: pd.DataFrame | None = None) -> pd.DataFrame:
    """Read and validate a completed coding sheet.

    Parameters
    ----------
    path_or_df
        A CSV file (a filled-in copy of ``data/teaching/coding_sheet_blank.csv``)
        or a DataFrame with at least the columns ``vignette_id`` and ``theme``
        (``coder`` and ``note`` are optional).
    key
        The answer key whose vignettes the sheet must cover; default
        ``data/teaching/answer_key.csv``.

    Returns
    -------
    DataFrame
        Columns ``vignette_id, theme, coder, note``, one row per vignette in the
        key's order, themes as keys.  ``attrs["source"]`` names the file and
        ``attrs["coder"]`` the coder (from the sheet, else the file's stem).

    Raises
    ------
    ValueError
        Naming the file and, where it applies, the line (header = line 1, as a
        spreadsheet shows it) and the vignette: missing columns, an empty or
        unknown vignette id, a vignette listed twice, an empty theme, a theme
        that is not one of the eight, vignettes of the key that are missing.
    """
    key = _check_key(answer_key() if key is None else key)
    if isinstance(path_or_df, pd.DataFrame):
        raw = path_or_df.copy().reset_index(drop=True)
        source = str(path_or_df.attrs.get("source") or path_or_df.attrs.get("path") or "<DataFrame>")
        from_file = source != "<DataFrame>"
        stem = Path(source).stem if from_file else ""
    elif isinstance(path_or_df, (str, Path)):
        path = Path(path_or_df)
        raw = _read_csv(path)
        source = str(path)
        stem = path.stem
        from_file = True
    else:
        raise ValueError(f"`path_or_df` must be a CSV path or a DataFrame; got {type(path_or_df).__name__}")

    missing_cols = [c for c in _REQUIRED if c not in raw.columns]
    if missing_cols:
        raise ValueError(f"{source}: missing column(s) {missing_cols}; a coding sheet needs {SHEET_COLUMNS}")
    for col in SHEET_COLUMNS:
        if col not in raw.columns:
            raw[col] = ""
        raw[col] = raw[col].fillna("").astype(str).str.strip()

    def where(i: int) -> str:
        # header = line 1, as a spreadsheet shows it; a bare DataFrame has rows, not lines
        return f"{source}: line {i + 2}" if from_file else f"{source}: row {i}"

    known_ids = list(key["vignette_id"])
    known_set = set(known_ids)
    lookup = theme_lookup()
    seen: dict[str, int] = {}
    themes_out = []
    # rows a spreadsheet left empty (",,,") are not rows of the sheet; the index keeps the line numbers
    raw = raw[(raw[SHEET_COLUMNS] != "").any(axis=1)]
    for i, row in raw.iterrows():
        vid = row["vignette_id"]
        if vid == "":
            raise ValueError(f"{where(i)}: vignette_id is empty")
        if vid not in known_set:
            raise ValueError(f"{where(i)}: vignette {vid!r} is not in the answer key")
        if vid in seen:
            raise ValueError(f"{where(i)} (vignette {vid}): duplicate row; vignette {vid} is already "
                             f"coded on line {seen[vid] + 2}")
        seen[vid] = i
        theme = row["theme"]
        if theme == "":
            raise ValueError(f"{where(i)} (vignette {vid}): theme is empty; code every vignette with one theme")
        themes_out.append(_canonical_theme(theme, lookup, f"{where(i)} (vignette {vid})"))
    missing = [v for v in known_ids if v not in seen]
    if missing:
        shown = ", ".join(missing[:10]) + (", ..." if len(missing) > 10 else "")
        raise ValueError(f"{source}: {len(missing)} vignette(s) of the key are missing: {shown}")

    out = raw[SHEET_COLUMNS].copy()
    out["theme"] = themes_out
    order = {v: n for n, v in enumerate(known_ids)}
    out = out.sort_values("vignette_id", key=lambda s: s.map(order)).reset_index(drop=True)
    coders = sorted(set(out["coder"]) - {""})
    out.attrs["source"] = source
    out.attrs["coder"] = coders[0] if len(coders) == 1 else (stem or "coder")
    return out


@dataclass
class SheetScore:
    """The result of :func:`score_sheet`.

    Attributes
    ----------
    coder, reference
        Names of the scored sheet and of what it was compared with (``"key"``
        or the other sheet's coder).
    n
        Number of vignettes compared.
    items
        One row per vignette: ``vignette_id, coded, reference, agree`` and, against
        the key, ``primary_theme, secondary_theme, ambiguous``.
    per_theme
        Tidy table, one row per theme: ``n_reference`` (vignettes whose reference
        label is the theme), ``n_coded`` (vignettes the coder gave the theme),
        ``n_agree`` (both), ``pct_of_reference`` (100 * n_agree / n_reference),
        ``specific_agreement`` (2 * n_agree / (n_reference + n_coded)), ``kappa`` (Cohen's kappa of
        "this theme or another" between the two codings; NaN when neither or both use it throughout)
        and ``prevalence`` ((n_reference + n_coded) / (2 n), the theme's share of all codes given).
    disagreements
        The vignettes where the codes differ: ``vignette_id, reference, coded``, in the themes' order of
        the reference code, then by vignette; what a pair discusses first.
    confusion
        Counts, rows = reference theme, columns = coded theme, all eight themes.
    percent_agreement
        100 * share of vignettes that agree.
    kappa, kappa_se, kappa_low, kappa_upp
        Cohen's kappa, its large-sample standard error and Wald 95% interval.
    """

    coder: str
    reference: str
    n: int
    items: pd.DataFrame
    per_theme: pd.DataFrame
    confusion: pd.DataFrame
    percent_agreement: float
    kappa: float
    kappa_se: float
    kappa_low: float
    kappa_upp: float
    disagreements: pd.DataFrame = field(default_factory=pd.DataFrame)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """Return the summary numbers and the tables as a plain dict."""
        return {
            "coder": self.coder, "reference": self.reference, "n": self.n,
            "percent_agreement": self.percent_agreement, "kappa": self.kappa, "kappa_se": self.kappa_se,
            "kappa_low": self.kappa_low, "kappa_upp": self.kappa_upp,
            "per_theme": self.per_theme, "confusion": self.confusion, "items": self.items,
            "disagreements": self.disagreements,
        }

    def summary(self) -> pd.Series:
        """Return the summary numbers as a Series (handy for a comparison table)."""
        return pd.Series({"coder": self.coder, "reference": self.reference, "n": self.n,
                          "percent_agreement": self.percent_agreement, "kappa": self.kappa,
                          "kappa_se": self.kappa_se, "kappa_low": self.kappa_low, "kappa_upp": self.kappa_upp})


def comparison_table(summaries: Mapping[str, pd.Series | SheetScore]) -> pd.DataFrame:
    """One row per named comparison (:meth:`SheetScore.summary` values, agreement in percent), ready for a table."""
    rows = {name: s.summary() if isinstance(s, SheetScore) else s for name, s in summaries.items()}
    out = pd.DataFrame(rows).T.infer_objects().rename_axis("comparison").reset_index()
    return out[["comparison", "n", "percent_agreement", "kappa", "kappa_se", "kappa_low", "kappa_upp"]]


def _kappa(coded: pd.Series, reference: pd.Series, labels: list[str]) -> tuple[pd.DataFrame, dict[str, float]]:
    """Return the confusion matrix and Cohen's kappa of (reference, coded) through :func:`stats.cohen_kappa`."""
    conf = pd.crosstab(pd.Categorical(reference, categories=labels), pd.Categorical(coded, categories=labels),
                       dropna=False)
    conf = conf.reindex(index=labels, columns=labels, fill_value=0).astype("int64")
    conf.index.name = "reference"
    conf.columns.name = "coded"
    table = conf.to_numpy(dtype=float)
    if np.isclose((table.sum(1) / table.sum()) @ (table.sum(0) / table.sum()), 1.0):
        raise ValueError("sheet: kappa is undefined because both codings use one and the same theme throughout")
    res = cohen_kappa(pd.DataFrame({"reference": list(reference), "coded": list(coded)}),
                      categories=labels).iloc[0]
    return conf, {"kappa": float(res.estimate), "kappa_se": float(res.se),
                  "kappa_low": float(res.ci_low), "kappa_upp": float(res.ci_high)}

def score_sheet(sheet: str | Path | pd.DataFrame, against: str | Path | pd.DataFrame = "key", *,
                key: pd.DataFrame | None = None) -> SheetScore:
    """Compare a coding sheet with the answer key or with another sheet.

    Parameters
    ----------
    sheet
        A completed sheet: a path, a DataFrame, or the output of :func:`read_sheet`.
    against
        ``"key"`` (default) to score against the answer key, where a coding that
        matches either the primary or the secondary theme of an ambiguous
        vignette counts as agreement; or another completed sheet (path or
        DataFrame) to measure agreement between two coders.
    key
        Answer key to use (default ``data/teaching/answer_key.csv``); the tests
        pass tiny hand-made keys.

    Returns
    -------
    SheetScore

    Raises
    ------
    ValueError
        When a sheet fails :func:`read_sheet`'s checks (naming the file, line and
        vignette), when ``against`` is neither ``"key"`` nor a sheet, or when
        kappa is undefined (both codings use a single theme).
    """
    key = _check_key(answer_key() if key is None else key)
    coded_sheet = read_sheet(sheet, key=key)
    labels = list(themes().key)
    items = pd.DataFrame({"vignette_id": coded_sheet["vignette_id"], "coded": coded_sheet["theme"]})
    notes = []
    if isinstance(against, str) and against == "key":
        k = key.set_index("vignette_id").loc[items["vignette_id"]]
        primary = k["primary_theme"].to_numpy()
        secondary = k["secondary_theme"].to_numpy()
        ok = (items["coded"].to_numpy() == primary) | ((secondary != "") & (items["coded"].to_numpy() == secondary))
        items["primary_theme"] = primary
        items["secondary_theme"] = secondary
        items["ambiguous"] = secondary != ""
        items["reference"] = np.where(ok, items["coded"], primary)
        reference_name = "key"
        notes.append("against the key, either theme of an ambiguous vignette counts as agreement")
    elif isinstance(against, (str, Path, pd.DataFrame)):
        if isinstance(against, str) and against.strip().lower() == "key":
            raise ValueError("against: write 'key' in lower case without spaces, or pass a sheet")
        other = read_sheet(against, key=key)
        items["reference"] = other.set_index("vignette_id").loc[items["vignette_id"], "theme"].to_numpy()
        reference_name = other.attrs["coder"]
    else:
        raise ValueError(f"`against` must be 'key' or a completed sheet; got {type(against).__name__}")
    items["agree"] = items["coded"] == items["reference"]
    cols = ["vignette_id", "coded", "reference", "agree"] + [c for c in ("primary_theme", "secondary_theme", "ambiguous")
                                                              if c in items.columns]
    items = items[cols]

    conf, kap = _kappa(items["coded"], items["reference"], labels)
    t = themes()
    n_ref = conf.sum(axis=1).to_numpy()
    n_cod = conf.sum(axis=0).to_numpy()
    n_agr = np.diag(conf.to_numpy())
    with np.errstate(invalid="ignore", divide="ignore"):
        per_theme = pd.DataFrame({
            "theme": labels,
            "label": t["label"].to_numpy(),
            "valence": t["valence"].to_numpy(),
            "n_reference": n_ref,
            "n_coded": n_cod,
            "n_agree": n_agr,
            "pct_of_reference": np.where(n_ref > 0, 100.0 * n_agr / np.maximum(n_ref, 1), np.nan),
            "specific_agreement": np.where(n_ref + n_cod > 0, 2.0 * n_agr / np.maximum(n_ref + n_cod, 1), np.nan),
        })
    n = len(items)
    per_theme["kappa"] = [float(cohen_kappa(np.column_stack([items["reference"] == th, items["coded"] == th]),
                                            categories=[False, True]).at[0, "estimate"]) for th in labels]
    per_theme["prevalence"] = (n_ref + n_cod) / (2.0 * n)
    order = {th: i for i, th in enumerate(labels)}
    disagreements = (items.loc[~items["agree"], ["vignette_id", "reference", "coded"]]
                     .assign(_order=lambda d: d["reference"].map(order))
                     .sort_values(["_order", "vignette_id"], kind="stable").drop(columns="_order")
                     .reset_index(drop=True))
    return SheetScore(
        coder=coded_sheet.attrs["coder"], reference=reference_name, n=n, items=items.reset_index(drop=True),
        per_theme=per_theme, confusion=conf, percent_agreement=100.0 * float(items["agree"].sum()) / n,
        disagreements=disagreements, notes=notes, **kap,
    )
