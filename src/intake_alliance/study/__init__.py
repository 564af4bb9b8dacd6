"""What only this study needs: the paper's design, frequencies, reconstruction, group comparison and audit.

Each module reads the published numbers from :mod:`intake_alliance.data` and
calls the general methods of :mod:`intake_alliance.stats`; none draws figures
(that is :mod:`intake_alliance.figures`) or builds the book.

Modules
-------
design        recruitment flow, sample tables, reliability checkpoints, units of analysis
frequencies   the codebook, published theme counts, recomputed percentages and intervals
reconstruct   an interview-level dataset consistent with every published aggregate, and its bounds
solving       many bound and feasibility questions on one integer program, reusing every solution found
derive        regenerate data/derived/ (in two processes) and compare a regeneration with the committed files
concordance   concordant versus discordant dyads: feasible splits, tests, valence congruence
nesting       interviews nested in therapists: clustered power, CMH tests over admissible rosters
audit         every printed number checked for internal consistency, as a table
sample_checks checks across several printed numbers: caseload totals, one denominator, recording units
literature    the neighbouring studies on a common scale
growth        SIMULATED alliance growth curves in one neighbour's design (chapter 05)
teaching      reading and scoring the coding lab's sheets
teaching_qdpx the coding lab as REFI-QDA projects (.qdpx): export the vignettes, score a coded export
"""
