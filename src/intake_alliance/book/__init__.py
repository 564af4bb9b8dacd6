"""Building and checking the book: glue, execution, verification, site checks, environment files.

Modules
-------
gluing        numbers into the prose (``glue_computed``, ``glue_published``) and their formats
execution     executing the notebooks (in parallel) and building the site with Sphinx
verify        re-executing every notebook and comparing each glued number with the paper
site          page weights and link checks of the built site
envfiles      ``requirements.lock`` and ``environment.yml`` from ``pyproject.toml``
sphinx        the book's own Sphinx extensions (page fixes, offline MathJax, repository buttons)
"""
