"""The criteria sets shipped with tenderscore, found in a wheel or in a source checkout."""

from __future__ import annotations

from pathlib import Path


def shipped_criteria_dir() -> Path:
    """Where the shipped ``criteria/*.yaml`` live.

    A wheel carries them inside the package (``tenderscore/criteria``); an editable install or a
    checkout has them at the top of the repository, beside the package.
    """
    package = Path(__file__).resolve().parents[1]
    inside = package / "criteria"
    if inside.is_dir():
        return inside
    return package.parent / "criteria"


def shipped_criteria() -> dict[str, Path]:
    """Shipped criteria sets by name (the file name without ``.yaml``)."""
    directory = shipped_criteria_dir()
    if not directory.is_dir():
        return {}
    return {path.stem: path for path in sorted(directory.glob("*.yaml"))}
