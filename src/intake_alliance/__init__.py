"""Helper package of the intake working-alliance compendium (Nakash et al., 2021).

Four layers, each importing only the ones below it (see ARCHITECTURE.md)::

    book     build machinery: glue, execution, verify, site checks, Sphinx extensions
    figures  every plotting function, one palette, one setup()
    study    what only this paper needs, reading data/
    stats    general methods, reusable in any study

``data`` (the data package) and ``paths`` (the repository root, the book's
pages) sit beside them and import none of them.
"""

__version__ = "0.2.0"
