"""Reader words for the keys of the data and the code: one vocabulary for every table and figure of the book.

A reader sees words, never the keys that the data files and the functions use (``mainly_mizrahi``,
``fleiss_kappa``, ``therapist_female_pct``). Each word is written once, in one of three places:

* a printed number: the ``label`` column of ``data/published/reported_values.csv``;
* a theme: the ``label`` column of ``data/published/themes.csv``;
* a source: its author-year label from ``references.bib`` ("Nakash et al., 2021"), made by
  :func:`citation_labels`, which the book's reference list uses too;
* everything else (the categories of the data files, the coefficients, the rounding rules, the kinds of
  evidence): :data:`TERMS` below, and the rounding rules' words in :data:`intake_alliance.stats.CONVENTION_WORDS`.

:func:`words` looks a key up; :func:`in_words` turns a column or an index of keys into words.
``book.tables.reader_table`` applies :func:`in_words` to every cell, heading and index label it shows, so
that a table cannot show a key that the vocabulary knows; the browser tests fail on any key left in the
visible text of a page (``page_audit``'s ``identifiers`` measure).
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Hashable, Iterable, Iterator

import pandas as pd

from .. import data
from ..paths import ROOT
from ..stats import CONVENTION_WORDS
from ..stats.percentages import NEARBY

__all__ = ["TERMS", "HEADINGS", "words", "in_words", "vocabulary", "author_year_label", "citation_labels",
           "citations"]

#: Words for the keys that are neither printed numbers nor themes, in the order of the data files.
TERMS: dict[str, str] = {
    # who speaks: the respondent and unit columns of the published tables
    "client": "Clients",
    "therapist": "Therapists",
    "therapist_interview": "Therapist interviews",
    "therapist_interviews": "Therapist interviews",
    "client_interviews": "Client interviews",
    "dyad": "Dyads",
    # what the paper says about the two groups (group_statements.csv: kind)
    "both_groups": "In both groups",
    "mainly_mizrahi": "Mainly with Mizrahi clients",
    "mainly_ashkenazi": "Mainly with Ashkenazi clients",
    "only_mizrahi": "Only with Mizrahi clients",
    "higher_rate_ashkenazi": "More often with Ashkenazi clients",
    "subcode_mainly_mizrahi": "A sub-theme, mainly Mizrahi clients",
    "subcode_only_ashkenazi": "A sub-theme, only Ashkenazi clients",
    "similar_overall": "Similar in both kinds of dyad",
    "valence_congruent": "Client and therapist in the same tone",
    # the tone of a session as client and therapist describe it (valence congruence): counts of interviews
    "client_negative": "Client negative",
    "therapist_negative": "Therapist negative",
    "both_negative": "Both negative",
    "disagree": "One side negative",
    # the agreement coefficients
    "percent_agreement": "Percent agreement",
    "cohen_kappa": "Cohen's kappa",
    "fleiss_kappa": "Fleiss' kappa",
    "light_kappa": "Light's kappa",
    "krippendorff_alpha": "Krippendorff's alpha",
    "gwet_ac1": "Gwet's AC1",
    "pabak": "PABAK",
    # the coders of the lab's two example sheets (data/teaching/sheet_*.csv: coder)
    "example_careful": "the careful example coder",
    "example_confused": "the confused example coder",
    # a scored coding sheet (study.teaching.comparison_table)
    "comparison": "Comparison",
    "kappa": "Kappa",
    "kappa_se": "SE of kappa",
    "kappa_low": "Kappa, 95% CI from",
    "kappa_upp": "Kappa, 95% CI to",
    # interpretation scales of a kappa (stats.interpretation_scales: scale)
    "landis_koch": "Landis and Koch (1977)",
    "mchugh": "McHugh (2012)",
    # column names of the comparison tables (chapters 03 and 04)
    "n_mizrahi": "Mizrahi n",
    # the lab's comparisons, as row labels and as column headings
    "careful vs key": "Careful coder against the key",
    "confused vs key": "Confused coder against the key",
    "confused vs careful": "Confused coder against the careful one",
    "n_ashkenazi": "Ashkenazi n",
    "p_fisher": "Fisher p",
    "rd": "RD",
    "rd_low": "RD from",
    "rd_high": "RD to",
    "or": "OR",
    "or_low": "OR from",
    "or_high": "OR to",
    "check": "Check",
    "got": "In the reconstruction",
    "want": "Published",
    "ok": "Agrees",
    # rounding: a rule that may go either way
    "up_or_down": "rounding up or down",
    # the literature table (literature.csv)
    "meta_analysis": "Meta-analysis",
    "narrative_review": "Narrative review",
    "present_study": "This study",
    "primary_study": "Primary study",
    "share_of_variance": "Share of variance",
    "times_as_likely": "Times as likely",
    "iat_mean": "Mean IAT score",
    "more_than": "more than",
    "observer": "Observers",
    "both": "Client and therapist",
    # plural keys and lower-case categories of the tables (units, parts, settings, interval methods)
    "clients": "Clients",
    "therapists": "Therapists",
    "overall": "Overall",
    "balanced": "Balanced",
    "skewed": "Skewed",
    "background": "Background",
    "practice": "Practice",
    "platform": "Platform",
    "wilson": "Wilson score",
    "beta": "Clopper–Pearson (exact)",
    "bootstrap-percentile": "Bootstrap percentile",
    # the simulated growth-curve model of chapter 05 (study.growth.fit_growth_curves: perspective, term)
    "patient": "Patients",
    "Intercept": "Alliance at the first assessment",
    "time": "Change per 10 sessions",
    "neg": "Therapist's negative reactions (per SD)",
    "flow": "Therapist's flow (per SD)",
    "time:neg": "Change per 10 sessions, by negative reactions",
    "time:flow": "Change per 10 sessions, by flow",
}


#: Column headings, written: ``book.tables.reader_table`` takes a column's heading from here (or from the
#: vocabulary) unless the page passes its own, and refuses a column that has none (a heading is never made
#: from a code name).
HEADINGS: dict[str, str] = {
    'accuracy': 'Accuracy',
    'adds_up': 'Adds up',
    'agree': 'Agree',
    'agreement': 'Agreement',
    'agreement_median': 'Median agreement',
    'as locked': 'As locked',
    'ashkenazi': 'Ashkenazi',
    'attainable_with_stated_n': 'Attainable with the stated n',
    'candidates checked': 'Candidates checked',
    'chance': 'Chance agreement',
    'checkpoint': 'Checkpoint',
    'ci_low': 'CI from',
    'ci_high': 'CI to',
    'ci_method': 'Interval method',
    'coded': 'Coded',
    'coefficient': 'Coefficient',
    'component': 'Component',
    'consistent': 'Consistent',
    'could_change_a_conclusion': 'Could change a conclusion',
    'counts_with_stated_n': 'Counts with the stated n',
    'd': 'd',
    'd_ci_low': 'd, CI from',
    'd_ci_high': 'd, CI to',
    'design_effect_estimated': 'Design effect, estimated',
    'design_effect_true': 'Design effect, true',
    'dyads': 'Dyads',
    'estimate': 'Estimate',
    'excludes': 'Excludes',
    'explanation': 'Explanation',
    'finding_label': 'Finding',
    'gap': 'Gap',
    'gaps': 'Gaps',
    'halfwidth': 'CI half-width',
    'halfwidth_sd': 'SD of the half-width',
    'icc_estimated': 'ICC, estimated',
    'icc_true': 'ICC, true',
    'installed': 'Installed',
    'locked': 'Locked',
    'item': 'Item',
    'kappa_high': 'Kappa, 95% CI to',
    'kappa_median': 'Kappa, median',
    'kappa_q05': 'Kappa, 5th percentile',
    'kappa_q95': 'Kappa, 95th percentile',
    'key': 'Printed value',
    'krippendorff': "Krippendorff's alpha",
    'label': 'Label',
    'largest_drop': 'Largest drop',
    'left': 'Left side',
    'right': 'Right side',
    'mean_from_counts': 'Mean from the counts',
    'mean_kappa': 'Mean kappa',
    'mean_key': 'Printed mean',
    'mean_reported': 'Mean, printed',
    'min_part_lowest': 'Smallest part, lowest value',
    'pooled_highest': 'Pooled, highest value',
    'mizrahi': 'Mizrahi',
    'n': 'n',
    'n_agree': 'Agreeing',
    'n_below': 'Below',
    'n_clients': 'Clients',
    'n_coded': 'Coded',
    'n_dyads': 'Dyads',
    'n_eligible': 'Eligible',
    'n_helpers': 'Helpers',
    'n_interviews': 'Interviews',
    'n_reference': 'In the key',
    'n_units': 'Units',
    'nearby_n': f'Nearby n that fit (within {NEARBY} of the stated n)',
    'outer_min': 'Fewest (any roster)',
    'outer_max': 'Most (any roster)',
    'roster_min': 'Fewest (assumed roster)',
    'roster_max': 'Most (assumed roster)',
    'p': 'p',
    'p_value': 'p',
    'p_min_any': 'Smallest p (any roster)',
    'p_max_any': 'Largest p (any roster)',
    'p_min_roster': 'Smallest p (assumed roster)',
    'p_max_roster': 'Largest p (assumed roster)',
    'part': 'Part',
    'pct_of_reference': '% of the key',
    'prevalence_gain': 'Gain from prevalence',
    'proportion': 'Proportion',
    'published': 'Published',
    'published_alt_d': 'Published, other d',
    'published_kind': 'Published as',
    'published_value': 'Published value',
    'r': 'r',
    'r_ci_low': 'r, CI from',
    'r_ci_high': 'r, CI to',
    'reference': 'Reference',
    'reported': 'Printed',
    'respondent': 'Respondent',
    'rule': 'Rule',
    'sd': 'SD',
    'sd_key': 'Printed SD',
    'sd_reported': 'SD, printed',
    'se': 'SE',
    'share_below': 'Share below',
    'share_undefined': 'Share undefined',
    'short_definition': 'Short definition',
    'sim_mean': 'Simulated mean',
    'sim_q025': 'Simulated, 2.5th percentile',
    'sim_q975': 'Simulated, 97.5th percentile',
    'smallest_n': 'Smallest n',
    'source': 'Source',
    'speaker': 'Speaker',
    'stated_n': 'Stated n',
    'statistic': 'Statistic',
    'table': 'Table',
    'tables': 'Tables',
    'text': 'Text',
    'theme': 'Theme',
    'theme_mentions': 'Theme mentions',
    'total': 'Total',
    'unit': 'Unit',
    'used as the denominator of': 'Used as the denominator of',
    'valence': 'Valence',
    'value': 'Value',
    'vignette_id': 'Vignette',
    'weight': 'Weight',
    'weighted_mean': 'Weighted mean',
}


def _surname(person) -> str:
    """The surname as printed: LaTeX accents of the .bib file ({\\'i}) decoded by pybtex ("í")."""
    from pybtex.richtext import Text

    return " ".join(Text.from_latex(part).render(_text_backend()) for part in person.prelast_names + person.last_names)


@functools.cache
def _text_backend():
    # one plain-text backend: ``render_as("text")`` would look it up among the entry points on every call
    from pybtex.backends.plaintext import Backend

    return Backend()


def author_year_label(entry) -> str:
    """Return "Surname, year", "Surname & Surname, year" or "Surname et al., year" for a pybtex entry.

    Editors stand in for missing authors; an entry with neither is labelled by its key.
    """
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    names = [_surname(p) for p in people]
    if not names:
        who = entry.key
    elif len(names) == 1:
        who = names[0]
    elif len(names) == 2:
        who = f"{names[0]} & {names[1]}"
    else:
        who = f"{names[0]} et al."
    return f"{who}, {entry.fields.get('year', 'n.d.')}"


def citation_labels(entries: Iterable) -> Iterator[str]:
    """Author-year labels of pybtex entries in their order, with a, b, ... where two would be the same."""
    entries = list(entries)
    labels = [author_year_label(e) for e in entries]
    counts, seen = Counter(labels), Counter()
    for label in labels:
        if counts[label] > 1:
            yield label + chr(ord("a") + seen[label])
            seen[label] += 1
        else:
            yield label


@functools.cache
def citations() -> dict[str, str]:
    """``{BibTeX key: "Surname, year"}`` for every entry of ``references.bib``, as the book cites it."""
    from pybtex.database import parse_file

    entries = sorted(parse_file(str(ROOT / "references.bib")).entries.values(),
                     key=lambda e: (author_year_label(e), e.key))
    return {e.key: label for e, label in zip(entries, citation_labels(entries))}


@functools.cache
def vocabulary() -> dict[str, str]:
    """Every key the book can show, with its words (printed numbers, themes, :data:`TERMS`, rounding rules)."""
    out = dict(citations())
    out.update(TERMS)
    out.update(CONVENTION_WORDS)
    out.update(data.load("themes").set_index("key")["label"].to_dict())
    out.update(data.reported()["label"].to_dict())
    return out


def words(key: Hashable) -> str:
    """The words for ``key``; a key with no words is an error that names it."""
    try:
        return vocabulary()[key]
    except (KeyError, TypeError):
        raise KeyError(f"`key`: {key!r} has no reader words; add them to study/vocabulary.py (TERMS), "
                       "themes.csv or reported_values.csv (label)") from None


def in_words(values: pd.Series | pd.Index) -> pd.Series | pd.Index:
    """``values`` with every key of the vocabulary replaced by its words (other values unchanged)."""
    vocab = vocabulary()
    return values.map(lambda v: vocab.get(v, v) if isinstance(v, str) else v)
