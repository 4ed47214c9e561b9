"""`tenderscore init`: a tender folder that, once filled in, validates."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import run_cli


def _fill(template: dict[str, Any]) -> dict[str, Any]:
    """A bid from the template: every placeholder replaced by a plausible value."""
    bid = dict(template, id="acme", name="Acme Ltd")
    bid["price"] = {
        "whole_life": {
            "one_off": {"implementation": 1000.0},
            "annual": {"licences": 500.0},
            "exit": 100.0,
        }
    }
    bid["answers"] = {
        key: "pass" if "pass or fail" in str(value) else 1.0
        for key, value in template["answers"].items()
    }
    bid["scores"] = {
        criterion: {
            e: {"score": 3, "comment": "Section 2 of the bid explains this well."} for e in panel
        }
        for criterion, panel in template["scores"].items()
    }
    return bid


@pytest.mark.parametrize("criteria", ["police-data-platform", "general-services"])
def test_init_scaffolds_a_tender_that_validates_once_filled(tmp_path: Path, criteria: str) -> None:
    target = tmp_path / "new"
    run_cli(["init", target, "--criteria", criteria, "--reference", "NEW-1"])
    assert {p.name for p in target.iterdir()} == {
        "tender.yaml",
        "bid-template.yaml",
        "README.md",
        "bids",
    }
    message = run_cli(["validate", target], exit_code=2).stderr
    assert "no bids found" in message
    assert "tender.yaml:5:8: title: still the placeholder '<what is being bought>'" in message
    assert "tender.yaml:6:8: buyer: still the placeholder '<contracting authority>'" in message
    assert "panel[0].role: still the placeholder" in message
    assert "conflicts[2].interest: still the placeholder '<none, or the interest" in message
    assert "conflicts[0].declared: expected a valid date" in message
    assert "(still the template's placeholder: fill it in)" in message
    assert message.count("conflicts[0].declared") == 1  # one message a place
    assert "more like this" not in message  # each placeholder at its own line
    tender = target / "tender.yaml"
    text = tender.read_text().replace('"<YYYY-MM-DD>"', "2026-09-01")
    text = text.replace('"<none, or the interest declared>"', "none")
    tender.write_text(re.sub(r'"<[^"]*>"', '"Filled in"', text))
    template = yaml.safe_load((target / "bid-template.yaml").read_text())
    (target / "bids" / "acme.yaml").write_text(yaml.safe_dump(_fill(template)))
    assert "ok (1 bids" in run_cli(["validate", target]).stdout


def test_init_refuses_to_overwrite_and_unknown_sets(tmp_path: Path) -> None:
    run_cli(["init", tmp_path])
    before = (tmp_path / "tender.yaml").read_text()
    assert "refusing to overwrite" in run_cli(["init", tmp_path], exit_code=2).stderr
    assert (tmp_path / "tender.yaml").read_text() == before
    result = run_cli(["init", tmp_path / "x", "--criteria", "police-data-platfrom"], exit_code=2)
    assert "did you mean 'police-data-platform'?" in result.stderr
