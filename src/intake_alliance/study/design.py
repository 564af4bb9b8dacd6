"""Study design: recruitment flow, sample tables and the analytic steps.

Everything here is read from ``data/published/reported_values.csv``; the
functions only arrange the printed numbers and do the arithmetic the paper
leaves to its reader, flagging where the numbers do not add up.
"""

from __future__ import annotations

from dataclasses import dataclass
import pandas as pd
from .. import data

__all__ = ["FlowBox", "recruitment_flow", "flow_gaps", "therapist_sample_table", "client_sample_table", "implied_denominators", "reliability_checkpoints", "braun_clarke_mapping", "units_of_analysis"]


@dataclass(frozen=True)
class FlowBox:
    """One box of the recruitment flow: a count, its key(s) and how it was obtained."""

    box: str
    label: str
    n: int
    source: str  # "reported" (printed) or "derived" (arithmetic on printed numbers)
    keys: str  # the reported_values key(s) the number comes from
    gap: bool = False  # True when the box exists only to show numbers that do not add up


def _int(table: pd.DataFrame, key: str) -> int:
    value = float(table.at[key, "value"])
    if not value.is_integer():
        raise ValueError(f"key: {key!r} should be a whole count, found {value}")
    return int(value)


def recruitment_flow(reported: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return the recruitment flow as a table of boxes, with the gaps made explicit.

    Parameters
    ----------
    reported
        ``reported_values`` indexed by key (default: loaded from ``data/``).

    Returns
    -------
    DataFrame
        One row per box: ``box``, ``label``, ``n``, ``source`` (``reported`` or
        ``derived``), ``keys`` and ``gap``.  Derived boxes carry the arithmetic
        in their label; ``gap`` rows hold people the paper does not account for.
    """
    r = data.reported() if reported is None else reported
    g = {k: _int(r, k) for k in [
        "therapists_agreed", "therapists_declined", "therapists_ashkenazi_included",
        "clients_invited", "clients_agreed", "clients_declined", "clients_declined_no_time",
        "clients_declined_unwell", "clients_declined_recording", "clients_no_post_interview",
        "clients_excluded_recording", "clients_mizrahi", "clients_ashkenazi", "clients_participated",
    ]}
    itemised = g["clients_declined_no_time"] + g["clients_declined_unwell"] + g["clients_declined_recording"]
    not_agreed = g["clients_invited"] - g["clients_agreed"]
    usable = g["clients_agreed"] - g["clients_no_post_interview"] - g["clients_excluded_recording"]
    analysed = g["clients_mizrahi"] + g["clients_ashkenazi"]
    boxes = [
        FlowBox("therapists_approached", "Therapists approached (agreed + declined)",
                g["therapists_agreed"] + g["therapists_declined"], "derived", "therapists_agreed+therapists_declined"),
        FlowBox("therapists_declined", "Therapists declined", g["therapists_declined"], "reported", "therapists_declined"),
        FlowBox("therapists_agreed", "Therapists agreed", g["therapists_agreed"], "reported", "therapists_agreed"),
        FlowBox("therapists_not_analysed", "Therapists not in this analysis (not self-identified as Ashkenazi, or without a client in the two dyad types)",
                g["therapists_agreed"] - g["therapists_ashkenazi_included"], "derived",
                "therapists_agreed-therapists_ashkenazi_included"),
        FlowBox("therapists_analysed", "Ashkenazi therapists analysed", g["therapists_ashkenazi_included"], "reported",
                "therapists_ashkenazi_included"),
        FlowBox("clients_invited", "Clients invited", g["clients_invited"], "reported", "clients_invited"),
        FlowBox("clients_not_agreed", "Invited but did not agree (invited − agreed)", not_agreed, "derived",
                "clients_invited-clients_agreed"),
        FlowBox("clients_declined", "Declines itemised in the paper", g["clients_declined"], "reported", "clients_declined"),
        FlowBox("clients_declined_no_time", "no time to stay", g["clients_declined_no_time"], "reported",
                "clients_declined_no_time"),
        FlowBox("clients_declined_unwell", "unwell", g["clients_declined_unwell"], "reported",
                "clients_declined_unwell"),
        FlowBox("clients_declined_recording", "refused recording", g["clients_declined_recording"],
                "reported", "clients_declined_recording"),
        FlowBox("gap_declines_unexplained", "Not agreeing, reason not given (invited − agreed − itemised declines)",
                not_agreed - g["clients_declined"], "derived", "clients_invited-clients_agreed-clients_declined",
                gap=not_agreed != g["clients_declined"]),
        FlowBox("clients_agreed", "Clients agreed", g["clients_agreed"], "reported", "clients_agreed"),
        FlowBox("clients_no_post_interview", "No post-intake interview", g["clients_no_post_interview"], "reported",
                "clients_no_post_interview"),
        FlowBox("clients_excluded_recording", "Excluded: poor recording", g["clients_excluded_recording"], "reported",
                "clients_excluded_recording"),
        FlowBox("clients_usable", "Clients with a usable interview (agreed − no interview − poor recording)", usable, "derived",
                "clients_agreed-clients_no_post_interview-clients_excluded_recording"),
        FlowBox("gap_not_in_analysis", "Usable but outside this analysis (Mizrahi therapist, other pairing); not reported",
                usable - analysed, "derived", "usable-clients_mizrahi-clients_ashkenazi", gap=usable != analysed),
        FlowBox("clients_mizrahi", "Mizrahi clients (discordant dyads)", g["clients_mizrahi"], "reported", "clients_mizrahi"),
        FlowBox("clients_ashkenazi", "Ashkenazi clients (concordant dyads)", g["clients_ashkenazi"], "reported",
                "clients_ashkenazi"),
        FlowBox("clients_analysed", "Clients analysed (Mizrahi + Ashkenazi)", analysed, "derived",
                "clients_mizrahi+clients_ashkenazi"),
    ]
    flow = pd.DataFrame([b.__dict__ for b in boxes])
    if flow.loc[flow.box == "clients_analysed", "n"].item() != g["clients_participated"]:
        flow.loc[flow.box == "clients_analysed", "gap"] = True
    if itemised != g["clients_declined"]:
        flow.loc[flow.box == "clients_declined", "gap"] = True
    return flow


def flow_gaps(flow: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return the arithmetic checks of the flow: each sum, what it should equal, and the gap."""
    f = (recruitment_flow() if flow is None else flow).set_index("box")["n"]
    checks = [
        ("invited − agreed = itemised declines", f["clients_invited"] - f["clients_agreed"], f["clients_declined"]),
        ("itemised reasons add up to the declines",
         f["clients_declined_no_time"] + f["clients_declined_unwell"] + f["clients_declined_recording"],
         f["clients_declined"]),
        ("agreed − no interview − bad recording = analysed",
         f["clients_agreed"] - f["clients_no_post_interview"] - f["clients_excluded_recording"], f["clients_analysed"]),
        ("Mizrahi + Ashkenazi = clients in the sample", f["clients_mizrahi"] + f["clients_ashkenazi"],
         _int(data.reported(), "clients_participated")),
        ("therapists agreed = therapists analysed", f["therapists_agreed"], f["therapists_analysed"]),
    ]
    out = pd.DataFrame(checks, columns=["check", "left", "right"])
    out["gap"] = out["left"] - out["right"]
    out["adds_up"] = out["gap"] == 0
    return out


def _row(r: pd.DataFrame, label: str, keys: list[str], fmt: str = "{}") -> dict[str, str]:
    shown = fmt.format(*[r.at[k, "reported"] for k in keys])
    return {"characteristic": label, "as printed": shown, "keys": ", ".join(keys)}


def therapist_sample_table(reported: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return the therapist sample description as printed, each cell with its key."""
    r = data.reported() if reported is None else reported
    rows = [
        _row(r, "n (Ashkenazi therapists analysed)", ["therapists_ashkenazi_included"]),
        _row(r, "Women", ["therapist_female_pct"]),
        _row(r, "Age, range (years)", ["therapist_age_min", "therapist_age_max"], "{}–{}"),
        _row(r, "Age, mean (SD)", ["therapist_age_mean", "therapist_age_sd"], "{} ({})"),
        _row(r, "Born in Israel", ["therapist_born_israel_pct"]),
        _row(r, "Psychologists", ["therapist_psychologist_pct"]),
        _row(r, "Psychiatrists", ["therapist_psychiatrist_pct"]),
        _row(r, "Social workers", ["therapist_social_worker_pct"]),
        _row(r, "More than 5 years of practice", ["therapist_practice_over_threshold_pct"]),
        _row(r, "Years of practice, mean (SD)", ["therapist_practice_years_mean", "therapist_practice_years_sd"],
             "{} ({})"),
        _row(r, "Interviews per therapist, mean (SD)", ["therapist_interviews_mean", "therapist_interviews_sd"],
             "{} ({})"),
    ]
    return pd.DataFrame(rows)


def client_sample_table(reported: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return the client sample description as printed, each cell with its key."""
    r = data.reported() if reported is None else reported
    rows = [
        _row(r, "n (clients analysed)", ["clients_participated"]),
        _row(r, "Mizrahi / Ashkenazi", ["clients_mizrahi", "clients_ashkenazi"], "{} / {}"),
        _row(r, "Women", ["client_female_pct"]),
        _row(r, "Age, range (years)", ["client_age_min", "client_age_max"], "{}–{}"),
        _row(r, "Age, mean (SD)", ["client_age_mean", "client_age_sd"], "{} ({})"),
        _row(r, "Born in Israel", ["client_born_israel_pct"]),
        _row(r, "12 or fewer years of education", ["client_education_at_most_threshold_pct"]),
        _row(r, "Unemployed", ["client_unemployed_pct"]),
        _row(r, "Personal yearly income below US$15,000", ["client_income_below_threshold_pct"]),
    ]
    return pd.DataFrame(rows)


def implied_denominators(keys: list[str] | None = None, n_max: int = 200,
                         reported: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return, for each printed percentage, whether its stated n can give it and the smallest n that can.

    A percentage is attainable with denominator ``n`` when some whole count
    ``k`` gives ``100 k / n`` that rounds (half-up or half-down) to the printed
    string; :func:`intake_alliance.stats.percent_check` decides it exactly.
    """
    from ..stats.percentages import percent_check

    r = data.reported() if reported is None else reported
    if keys is None:
        keys = [k for k in r.index if r.at[k, "unit"] == "percent" and "_theme_" not in k
                and pd.notna(r.at[k, "denominator"])]
    rows = []
    for key in keys:
        stated = int(r.at[key, "denominator"])
        res = percent_check(str(r.at[key, "reported"]), stated, "up_or_down", n_range=(1, n_max))
        rows.append({
            "key": key, "reported": r.at[key, "reported"], "stated_n": stated,
            "attainable_with_stated_n": bool(res), "counts_with_stated_n": ", ".join(map(str, res.counts)),
            "smallest_n": res.smallest_n,
            "nearby_n": ", ".join(map(str, res.nearby())),
        })
    out = pd.DataFrame(rows)
    out["smallest_n"] = out["smallest_n"].astype("Int64")
    return out


def reliability_checkpoints(reported: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return the three reliability checkpoints (share coded, n, kappa per respondent) and the overall values."""
    r = data.reported() if reported is None else reported
    rows = []
    for i in range(1, 4):
        for resp in ("therapist", "client"):
            rows.append({
                "checkpoint": i, "share_coded_pct": float(r.at[f"checkpoint{i}_pct", "value"]),
                "n_coded": int(r.at[f"checkpoint{i}_n", "value"]), "respondent": resp,
                "kappa": float(r.at[f"checkpoint{i}_kappa_{resp}", "value"]),
                "kappa_reported": r.at[f"checkpoint{i}_kappa_{resp}", "reported"],
                "key": f"checkpoint{i}_kappa_{resp}",
            })
    for resp in ("therapist", "client"):
        rows.append({"checkpoint": "overall", "share_coded_pct": None, "n_coded": None, "respondent": resp,
                     "kappa": float(r.at[f"kappa_{resp}_overall", "value"]),
                     "kappa_reported": r.at[f"kappa_{resp}_overall", "reported"], "key": f"kappa_{resp}_overall"})
    return pd.DataFrame(rows)


def braun_clarke_mapping() -> pd.DataFrame:
    """Return Braun and Clarke's (2006) six phases next to what this study reports doing in each."""
    rows = [
        ("1. Familiarising yourself with the data",
         "Interviews audio-recorded and transcribed in full; each coder read every transcript line by line.",
         "Method: Procedure; Qualitative analysis"),
        ("2. Generating initial codes",
         "Open coding by each team member independently on a random subset of interviews.",
         "Method: Qualitative analysis"),
        ("3. Searching for themes",
         "Codes grouped and labelled into key categories; axial coding related categories to one another.",
         "Method: Qualitative analysis"),
        ("4. Reviewing themes",
         "Codebooks (one for clients, one for therapists) revised until saturation; kappa checked at three points; "
         "constant comparison within and across codes.",
         "Method: Qualitative analysis"),
        ("5. Defining and naming themes",
         "Eight themes under the category 'working alliance', five of positive and three of negative valence.",
         "Results"),
        ("6. Producing the report",
         "Each theme reported with its frequency (number and percentage of interviews) and illustrative excerpts; "
         "group differences described in words.",
         "Results; Discussion"),
    ]
    return pd.DataFrame(rows, columns=["Braun & Clarke phase", "What the study reports", "Where in the paper"])


def units_of_analysis(reported: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return the units a reader must keep apart, with the count of each and what uses it as a denominator."""
    r = data.reported() if reported is None else reported
    freq = data.load("theme_frequencies")
    denom = freq.groupby("unit")["denominator"].unique()

    def only(unit: str) -> int:
        values = denom[unit]
        if len(values) != 1:
            raise ValueError(f"theme_frequencies: unit {unit!r} has several denominators {list(values)}")
        return int(values[0])

    rows = [
        ("Dyads (one intake each)", _int(r, "dyads_concordant") + _int(r, "dyads_discordant"),
         "dyads_concordant + dyads_discordant", "the concordance comparison"),
        ("Clients in the sample", _int(r, "clients_participated"), "clients_participated", "demographic percentages"),
        ("Coded client interviews", only("client_interviews"), "implied by the client theme percentages",
         "client theme percentages and the mean number of themes per client interview"),
        ("Therapists", _int(r, "therapists_ashkenazi_included"), "therapists_ashkenazi_included",
         "therapist theme percentages 'per therapist' (a therapist counts once if any interview had the theme)"),
        ("Therapist interviews", only("therapist_interviews"), "implied by the per-interview percentages",
         "therapist theme percentages 'per interview' and the mean number of themes per therapist interview"),
    ]
    return pd.DataFrame(rows, columns=["unit", "n", "source", "used as the denominator of"])
