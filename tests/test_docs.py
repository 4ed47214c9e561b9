"""Documentation guards: every command documented, schemas current, README commands are CI's."""

from __future__ import annotations

import re

import pytest
import typer

from tenderscore.cli import app
from tenderscore.engine.scoring import evaluate
from tenderscore.input.loading import load_tender
from tenderscore.input.schemas import SCHEMAS, render_schema

from conftest import EXAMPLE, REPO, run_cli

README = (REPO / "README.md").read_text()
COMMANDS = sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_is_documented(name: str) -> None:
    assert f"`tenderscore {name}" in README
    assert run_cli([name, "--help"]).stdout


@pytest.mark.parametrize("kind", sorted(SCHEMAS))
def test_published_schemas_are_current(kind: str) -> None:
    published = (REPO / "docs" / "schema" / f"{kind}.schema.json").read_text()
    assert published == render_schema(kind), "regenerate with: tenderscore schema " + kind


def test_readme_commands_are_what_ci_runs() -> None:
    blocks = re.findall(r"```sh\n(.*?)\n```", README, flags=re.S)
    run_example, run_tests = blocks[0], blocks[1]
    assert "pip install ." in run_example
    assert "tenderscore evaluate examples/police-analytics" in run_example
    assert 'pip install -e ".[test]"' in run_tests
    ci = (REPO / ".ci" / "run").read_text()
    assert 'pip install --quiet -e ".[test]"' in ci
    assert re.search(r"^pytest$", ci, flags=re.M)


def test_readme_python_api_example_runs() -> None:
    tender = load_tender(EXAMPLE)
    result = evaluate(tender)
    assert result.ranked[0].rank == 1
    reweighted = evaluate(tender.with_weights({"ethics": 30}))
    assert sum(n.effective_weight for n in reweighted.nodes if n.depth == 0) == pytest.approx(1)


METHODS = (REPO / "docs" / "methods.md").read_text()


def test_every_rule_in_the_registries_is_defined_in_methods() -> None:
    from tenderscore.rules.aggregation import AGGREGATIONS
    from tenderscore.rules.price import PRICE_FORMULAS
    from tenderscore.rules.values import SCALE, VALUE_FUNCTIONS

    names = [*PRICE_FORMULAS, *VALUE_FUNCTIONS, SCALE.name, *AGGREGATIONS]
    assert [name for name in names if f"`{name}`" not in METHODS] == []


def test_every_cited_section_of_methods_exists() -> None:
    sections = set(re.findall(r"^## (\d+)\. ", METHODS, flags=re.M))
    cited: set[str] = set()
    for path in [*(REPO / "tenderscore").rglob("*.py"), *(REPO / "tests").glob("*.py")]:
        cited |= set(re.findall(r"methods\.md section (\d+)", path.read_text()))
    assert cited
    assert cited <= sections


def test_readme_links_the_method_and_architecture_pages() -> None:
    assert "(docs/methods.md)" in README
    assert "(docs/architecture.md)" in README
