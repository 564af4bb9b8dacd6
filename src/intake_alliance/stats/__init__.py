"""General statistics any researcher can reuse: agreement, reporting granularity, 2x2 tables, power, effect sizes.

Everything here takes arrays, tables or reported strings and knows nothing of
this study: it never imports :mod:`intake_alliance.data`, the study, the
figures or matplotlib (a test enforces it).  The public functions of every
module are available from this package directly::

    from intake_alliance.stats import cohen_kappa, grim, fisher_test

Modules
-------
rounding         which exact values print as a reported string (the one rounding implementation)
granularity      GRIM and GRIMMER checks of printed means and SDs
percentages      printed percentages against denominators and totals
tables           two proportions: Fisher, Boschloo, Barnard, mid-p, chi-square, RD, OR; exact and CMH tests within strata
power            exact power, detectable differences, design effects of clustering (Kish; shared clusters)
effect_sizes     r, d, Fisher's z and their intervals
coding           validated coded data and count tables for the agreement coefficients
cores            one vectorised core per coefficient: point estimate, bootstrap and batch simulations
agreement        percent agreement, Cohen's, Fleiss' and Light's kappa, Krippendorff's alpha, Gwet's AC1, PABAK
bootstrap        bootstrap and jackknife intervals of any coefficient
benchmarks       interpretation scales (Landis & Koch, McHugh, ...) as data
rater_models     simulated raters, rating patterns and pooled kappas
kappa_precision  how many units a kappa of a given precision needs
multilevel       seeded simulations of nested designs and their mixed-model fits
archive          bounded, streamed reading of untrusted zip archives (Limits) and refusals by name
qdpx             REFI-QDA projects (.qdpx) read as tables; units x coders presence; agreement per code
qdpx_write       REFI-QDA projects written from tables (tests, exports for QDA programs)
"""

from .rounding import fmt_number, CONVENTIONS, CONVENTION_WORDS, describe_conventions, ROUNDING_OPTIONS, Number, Rounding, round_to, RoundingInterval, rounding_interval, resolve_rounding
from .granularity import SD_DEFINITIONS, SD_WORDS, GRIM_MAX_UNITS, GRIMMER_MAX_UNITS, GrimResult, grim, grim_ratio, GrimmerCandidate, GrimmerResult, grimmer
from .percentages import PercentResult, percent_check, percent_ratio, PercentTotalResult, percent_total_check
from .tables import (fisher_test, two_by_two_tests, risk_difference, odds_ratio, chi2_test, exact_stratified_test,
                     cmh_test, holm)
from .power import (fisher_power, detectable_difference, clustered_detectable_difference, design_effect,
                    effective_sample_size, kish_cluster_size, contrast_design_effect)
from .effect_sizes import r_to_d, d_to_r, fisher_ci, convert_interval
from .coding import RatingsLike, CountsLike, Level, MAX_RATERS
from .agreement import percent_agreement, cohen_kappa, fleiss_kappa, light_kappa, krippendorff_alpha, gwet_ac1, pabak, agreement_table
from .cores import fleiss_kappa_batch
from .bootstrap import bootstrap_ci
from .benchmarks import interpretation_scales, interpret
from .rater_models import N_PATTERNS, accuracy_for_kappa, segment_prevalence, simulate_presence_counts, calibrate_accuracy, per_theme_kappas, ratings_from_cells, pattern_coefficients, random_pattern_tables, biased_rater_tables, fleiss_pooling_decomposition, search_pooled_below_parts, pooling_consistency
from .kappa_precision import cohen_kappa_se_expected, simulated_kappa_halfwidth, units_needed
from .multilevel import simulate_nested_alliance, fit_nested_alliance, icc_anova, simulate_icc_estimates
from .qdpx import NAMESPACE as QDPX_NAMESPACE, ProjectError, Project, read_project, unit_labels, code_agreement, format_agreement
from .qdpx_write import write_project

__all__ = [
    "fmt_number",
    "CONVENTIONS",
    "CONVENTION_WORDS",
    "describe_conventions",
    "ROUNDING_OPTIONS",
    "Number",
    "Rounding",
    "round_to",
    "RoundingInterval",
    "rounding_interval",
    "resolve_rounding",
    "SD_DEFINITIONS",
    "SD_WORDS",
    "GRIM_MAX_UNITS",
    "GRIMMER_MAX_UNITS",
    "GrimResult",
    "grim",
    "grim_ratio",
    "GrimmerCandidate",
    "GrimmerResult",
    "grimmer",
    "PercentResult",
    "percent_check",
    "percent_ratio",
    "PercentTotalResult",
    "percent_total_check",
    "fisher_test",
    "risk_difference",
    "odds_ratio",
    "chi2_test",
    "cmh_test",
    "holm",
    "exact_stratified_test",
    "two_by_two_tests",
    "fisher_power",
    "detectable_difference",
    "clustered_detectable_difference",
    "design_effect",
    "effective_sample_size",
    "kish_cluster_size",
    "contrast_design_effect",
    "r_to_d",
    "d_to_r",
    "fisher_ci",
    "convert_interval",
    "RatingsLike",
    "CountsLike",
    "Level",
    "MAX_RATERS",
    "percent_agreement",
    "cohen_kappa",
    "fleiss_kappa",
    "light_kappa",
    "krippendorff_alpha",
    "gwet_ac1",
    "pabak",
    "agreement_table",
    "fleiss_kappa_batch",
    "bootstrap_ci",
    "interpretation_scales",
    "interpret",
    "N_PATTERNS",
    "accuracy_for_kappa",
    "segment_prevalence",
    "simulate_presence_counts",
    "calibrate_accuracy",
    "per_theme_kappas",
    "ratings_from_cells",
    "pattern_coefficients",
    "random_pattern_tables",
    "biased_rater_tables",
    "fleiss_pooling_decomposition",
    "search_pooled_below_parts",
    "pooling_consistency",
    "cohen_kappa_se_expected",
    "simulated_kappa_halfwidth",
    "units_needed",
    "simulate_nested_alliance",
    "fit_nested_alliance",
    "icc_anova",
    "simulate_icc_estimates",
    "QDPX_NAMESPACE",
    "ProjectError",
    "Project",
    "read_project",
    "unit_labels",
    "code_agreement",
    "format_agreement",
    "write_project",
]
