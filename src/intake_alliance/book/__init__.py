"""Building and checking the book: glue, execution, verification, site checks, environment files.

Modules
-------
gluing        numbers into the prose (``glue_computed``, ``glue_published``) and their formats
execution     executing the notebooks (in parallel) and building the site with Sphinx
verify        re-executing every notebook and comparing each glued number with the paper
site          page weights and link checks of the built site
envfiles      ``environment.yml`` from ``requirements.lock``, and the build environment described
citing        ready-to-paste APA and BibTeX citations from ``CITATION.cff`` (the "How to cite" page)
sphinx        the book's own Sphinx extensions (page fixes, offline MathJax, repository buttons)
"""
