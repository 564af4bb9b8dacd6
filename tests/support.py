"""Reference implementations the tests check the package against (never imported by the package)."""

from __future__ import annotations

from intake_alliance.study import reconstruct as rc


def lp_bounds(objective: dict[int, float], built: rc.Built | None = None,
              drop: frozenset[str] = frozenset()) -> tuple[int, int]:
    """Return the (min, max) of a linear statistic over all admissible datasets, by two plain solves.

    The reference for :class:`~intake_alliance.study.solving.CachedSolver`, which answers the same
    question with witnesses and relaxations. ``drop`` removes constraint sets (``rc.RELAXED``: any roster).
    """
    b = rc.build_model() if built is None else built
    out = []
    for sense in (1, -1):
        res = b.model.solve(objective, sense, drop=drop)
        if res.status != 0:
            raise rc.InfeasibleConstraintsError(f"bounds: solver status {res.status}: {res.message}")
        out.append(int(round(sense * res.fun)))
    return out[0], out[1]


def mini_book(root) -> "Path":
    """Write a book of two pages into ``root``, shaped like the repository, and return ``root``.

    ``src/minibook`` (imported by the notebook, so ``root/src`` must be on ``PYTHONPATH``), ``data/`` with
    its data package, ``_config.yml`` with ``execute_notebooks: cache`` and a notebook page, ``lab.ipynb``,
    that prints a line of ``data/vignettes.csv`` through the package: what ``build_book`` does on a change
    under ``src/`` or ``data/`` can be seen on that page in seconds instead of a whole book's minutes.
    """
    import json
    from pathlib import Path

    import nbformat

    from intake_alliance import data

    root = Path(root)
    (root / "src" / "minibook").mkdir(parents=True)
    (root / "src" / "minibook" / "__init__.py").write_text(
        "from pathlib import Path\n\n\ndef first_vignette(root):\n"
        "    return (Path(root) / 'data' / 'vignettes.csv').read_text(encoding='utf-8').splitlines()[1]\n",
        encoding="utf-8")
    (root / "data").mkdir()
    (root / "data" / "vignettes.csv").write_text("vignette_id,text\nV01,The client arrived early.\n",
                                                 encoding="utf-8")
    fields = [{"name": "vignette_id", "type": "string"}, {"name": "text", "type": "string"}]
    package = {"name": "minibook", "resources": [{"name": "vignettes", "path": "vignettes.csv",
                                                   "schema": {"fields": fields, "primaryKey": "vignette_id"}}]}
    (root / "data" / "datapackage.json").write_text(json.dumps(package, indent=2), encoding="utf-8")
    data.rehash(root=root / "data")
    (root / "_static").mkdir()
    (root / "_config.yml").write_text(
        "title: Mini book\nonly_build_toc_files: true\nexecute:\n  execute_notebooks: cache\n  timeout: 120\n"
        "", encoding="utf-8")
    (root / "_toc.yml").write_text("format: jb-book\nroot: intro\nchapters:\n- file: lab\n- file: lab2\n", encoding="utf-8")
    (root / "intro.md").write_text("# Mini book\n\nA page without code.\n", encoding="utf-8")
    for page in ("lab", "lab2"):  # two notebooks, so that --jobs 2 uses the process pool
        nb = nbformat.v4.new_notebook(cells=[
            nbformat.v4.new_markdown_cell(f"# {page.title()}"),
            nbformat.v4.new_code_cell("import minibook\nprint(minibook.first_vignette('.'))"),
        ])
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(nb, root / f"{page}.ipynb")
    return root


# --- helpers the package no longer carries because only the tests used them ---------------------------


def count_table(ratings, *, categories=None):
    """Units x categories count table of a units x raters table (the tests' way to build ``counts=``).

    Rows nobody rated are dropped; the columns are the categories in sorted order (or ``categories``).
    """
    import numpy as np
    import pandas as pd

    from intake_alliance.stats import coding

    coded = coding._coded_from_ratings("count_table", ratings, categories, allow_missing=True)
    index = None
    if isinstance(ratings, pd.DataFrame):
        index = ratings.index[~np.asarray(pd.isna(ratings.to_numpy(dtype=object)), dtype=bool).all(axis=1)]
    return pd.DataFrame(coded.counts, columns=list(coded.categories), index=index)


def unit_matrix(project, unit: str = "source", codes=None, coders=None) -> dict:
    """``{code path: units x coders presence table}`` of a project, from the package's own presence array."""
    import numpy as np
    import pandas as pd

    from intake_alliance.stats import qdpx

    index, code_guids, coder_guids, presence = qdpx._presence(project, unit, codes, coders)
    labels = project.users.set_index("guid").loc[coder_guids, "label"].tolist()
    paths = project.codes.set_index("guid").loc[code_guids, "path"].tolist()
    return {path: pd.DataFrame(presence[:, k, :].astype(np.int64), index=index, columns=labels)
            for k, path in enumerate(paths)}
