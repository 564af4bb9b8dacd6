"""Where things are: the repository root and the pages of the book, read from ``_toc.yml``.

The package is installed in editable mode from the repository (``pip install -e .``),
so the repository root is two levels above this file's folder. Every module that
needs a path asks here; none computes the root again.
"""

from __future__ import annotations

from pathlib import Path

import yaml

__all__ = ["ROOT", "chapter_numbers", "toc_entries", "toc_files"]

#: The repository: the folder that holds ``_config.yml``, ``_toc.yml``, ``data/`` and ``src/``.
ROOT: Path = Path(__file__).resolve().parents[2]


def _toc(root: str | Path) -> dict:
    path = Path(root) / "_toc.yml"
    if not path.is_file():
        raise FileNotFoundError(f"no _toc.yml in {Path(root)}")
    toc = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(toc, dict) or not isinstance(toc.get("root"), str):
        raise ValueError(f"{path}: expected a mapping with a 'root' page")
    return toc


def chapter_numbers(root: str | Path = ROOT) -> dict[str, int]:
    """Return ``{file stem: chapter number}`` for the chapters of the ``numbered`` parts of ``_toc.yml``.

    The numbers run on through the parts, as the site shows them (``use_multitoc_numbering``):
    ``{"01_study_design": 1, ..., "instructor_guide": 8}``.
    """
    stems = [Path(chapter["file"]).name for part in _toc(root).get("parts", []) if part.get("numbered")
             for chapter in part.get("chapters", [])]
    return {stem: number for number, stem in enumerate(stems, start=1)}


def toc_entries(root: str | Path = ROOT) -> list[str]:
    """Return every page named in ``root/_toc.yml`` (``root`` and each ``file``), in reading order.

    Raises ``FileNotFoundError`` when there is no ``_toc.yml`` and ``ValueError``
    when it is not a mapping with a ``root`` page.
    """
    toc = _toc(root)
    names: list[str] = []

    def walk(node) -> None:
        if isinstance(node, dict):
            for key in ("root", "file"):
                if isinstance(node.get(key), str):
                    names.append(node[key])
            for value in node.values():
                if isinstance(value, (list, dict)):
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(toc)
    return names


def toc_files(root: str | Path = ROOT) -> list[Path]:
    """Return the source file (``.ipynb`` or ``.md``) of every page in ``_toc.yml``, in reading order."""
    root = Path(root)
    files = []
    for name in toc_entries(root):
        found = [c for c in (root / f"{name}.ipynb", root / f"{name}.md", root / name) if c.is_file()]
        if not found:
            raise FileNotFoundError(f"_toc.yml lists {name!r}, but neither {name}.ipynb nor {name}.md exists")
        files.append(found[0])
    return files
