"""Helper package of the intake working-alliance compendium (Nakash et al., 2021).

One module per concept the book teaches: ``data`` (the data package),
``frequencies``, ``reliability``, ``reconstruct``, ``concordance``, ``audit``,
``design``, ``literature``, ``teaching``, ``plots`` and ``verify``.
"""

__version__ = "0.1.0"
