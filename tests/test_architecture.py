"""The house keeps its layers: imports run downward only, and no module grows past 600 lines.

Layers, lowest first (docs/architecture.md): the foundation modules, the scoring rules,
input handling, the engine, the sensitivity analysis, the report (typed export document and
wording), the exporters (renderers only), the orchestration modules (pipeline, export sets,
verification) and the CLI. A module may import its own layer or any layer below it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import tenderscore

PACKAGE = Path(tenderscore.__file__).parent
LAYERS: dict[str, int] = {
    "tenderscore.errors": 0,
    "tenderscore.figures": 0,
    "tenderscore.memory": 0,
    "tenderscore.files": 0,
    "tenderscore.rules": 1,
    "tenderscore.input": 2,
    "tenderscore.engine": 3,
    "tenderscore.sensitivity": 4,
    "tenderscore.report": 5,
    "tenderscore.exporters": 6,
    "tenderscore.exporting": 7,
    "tenderscore.pipeline": 7,
    "tenderscore.verification": 7,
    "tenderscore.status": 7,
    "tenderscore.cli": 8,
    "tenderscore.__main__": 8,
}
TOP = 8  # the package root re-exports the public API and may import anything
MAX_LINES = 600


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _layer(module: str) -> int:
    if module in ("tenderscore", "tenderscore.__version__"):
        return TOP if module == "tenderscore" else 0  # the version string imports nothing
    if module == "relative":
        raise AssertionError("a relative import: import by the full module name")
    for prefix, layer in LAYERS.items():
        if module == prefix or module.startswith(prefix + "."):
            return layer
    raise AssertionError(f"{module} belongs to no layer: add it to LAYERS and the docs")


def _imports(path: Path) -> list[tuple[int, str]]:
    """The tenderscore modules ``path`` imports; ``from tenderscore import pipeline`` counts as
    importing ``tenderscore.pipeline``, and a relative import as the ``relative`` module."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level:
            found.append((node.lineno, "relative"))
        elif isinstance(node, ast.ImportFrom) and node.module == "tenderscore":
            found.extend((node.lineno, f"tenderscore.{alias.name}") for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
    return [
        (line, name) for line, name in found if name.split(".")[0] in ("tenderscore", "relative")
    ]


SOURCES = sorted(PACKAGE.rglob("*.py"))


def _upward(path: Path, module: str) -> list[str]:
    """Imports in ``path`` (as ``module``) of a layer above its own. The package root itself
    is always imported first by Python, so ``from tenderscore import __version__`` is fine."""
    own = _layer(module)
    return [
        f"{path.name}:{line} imports {name} (layer {_layer(name)} above {own})"
        for line, name in _imports(path)
        if name != "tenderscore" and _layer(name) > own
    ]


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_run_downward(path: Path) -> None:
    assert not _upward(path, _module_name(path))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_is_a_house_of_its_own(path: Path) -> None:
    assert len(path.read_text().splitlines()) <= MAX_LINES


def test_every_subpackage_says_what_it_owns_and_may_import() -> None:
    for init in PACKAGE.glob("*/__init__.py"):
        doc = ast.get_docstring(ast.parse(init.read_text())) or ""
        assert "import" in doc, f"{init.parent.name}/__init__.py: say what it may import"


def test_the_package_root_stays_small() -> None:
    assert len(list(PACKAGE.glob("*.py"))) <= 12


def test_an_upward_import_is_caught(tmp_path: Path) -> None:
    """The check itself can fail: an engine module importing an exporter is reported, a
    lazy import inside a function too, and an import from below is not."""
    probe = tmp_path / "probe.py"
    probe.write_text(
        "from tenderscore.rules.price import PRICE_FORMULAS\n"
        "def f():\n    from tenderscore.exporters.workbook import render_workbook\n"
    )
    assert _upward(probe, "tenderscore.engine.probe") == [
        "probe.py:3 imports tenderscore.exporters.workbook (layer 6 above 3)"
    ]
    with pytest.raises(AssertionError, match="belongs to no layer"):
        _layer("tenderscore.newthing")
    probe.write_text("from tenderscore import pipeline\n")
    assert _upward(probe, "tenderscore.engine.probe") == [
        "probe.py:1 imports tenderscore.pipeline (layer 7 above 3)"
    ]
    probe.write_text("from . import scoring\n")
    with pytest.raises(AssertionError, match="relative import"):
        _upward(probe, "tenderscore.engine.probe")
