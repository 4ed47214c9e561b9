"""Shared helpers: build small tenders in memory or on disk, and run the CLI."""

from __future__ import annotations

import copy
import os
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import settings
from typer.testing import CliRunner

from tenderscore.cli import app
from tenderscore.input.bidfile import BidFile
from tenderscore.input.hierarchy import build_tree
from tenderscore.input.loading import load_tender
from tenderscore.input.models import TenderFile
from tenderscore.input.tender import Tender

# CI runs the same examples every time (.ci/run sets TENDERSCORE_CI), so a submission never
# fails on a case drawn by chance; runs elsewhere keep exploring new ones.
settings.register_profile("ci", derandomize=True)
if os.environ.get("TENDERSCORE_CI"):
    settings.load_profile("ci")

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
EXAMPLE = REPO / "examples" / "police-analytics"

BASE_TENDER: dict[str, Any] = {
    "reference": "T-1",
    "title": "Test tender",
    "buyer": "Test Council",
    "term_years": 3,
    "panel": [{"id": "E1", "role": "Lead"}, {"id": "E2", "role": "Adviser"}],
    "conflicts": [
        {"person": "E1", "role": "Lead", "declared": "2026-09-01", "interest": "none"},
        {"person": "E2", "role": "Adviser", "declared": "2026-09-01", "interest": "none"},
    ],
    "criteria": [
        {
            "id": "cost",
            "name": "Cost",
            "weight": 40,
            "children": [{"id": "price", "name": "Price", "kind": "price", "weight": 100}],
        },
        {
            "id": "quality",
            "name": "Quality",
            "weight": 60,
            "children": [
                {"id": "method", "name": "Method", "kind": "scale", "weight": 50},
                {
                    "id": "uptime",
                    "name": "Uptime",
                    "kind": "numeric",
                    "weight": 50,
                    "direction": "higher_is_better",
                    "value_function": {"type": "linear", "worst": 99, "best": 100},
                },
                {"id": "uk", "name": "UK data", "kind": "pass_fail"},
            ],
        },
    ],
}


def bid(
    bid_id: str,
    *,
    price: float = 100.0,
    scores: Sequence[float] = (3, 3),
    uptime: float = 99.5,
    uk: str = "pass",
    name: str | None = None,
) -> dict[str, Any]:
    """A bid for ``BASE_TENDER``."""
    return {
        "id": bid_id,
        "name": name or f"Supplier {bid_id}",
        "price": {"total": price},
        "answers": {"uk": uk, "uptime": uptime},
        "scores": {
            "method": {f"E{k + 1}": {"score": s, "comment": "c"} for k, s in enumerate(scores)}
        },
        "consensus": {"method": {"reason": AGREED_REASON}},
    }


AGREED_REASON = "The method statement in section 2 names the delivery leads and a weekly plan."
"""The panel's agreed reason (no moderated score) that a bid needs to be ready to award."""


def copy_example(directory: Path, *, locked: bool = True, approved: bool = True) -> Path:
    """The shipped example copied to ``directory/tender``, without its outputs; ``locked``
    False leaves its criteria lock behind, for tests that change its published rules, and
    ``approved`` False its approval, for tests that change its inputs and then send letters
    or open data (which a stale approval refuses)."""
    ignored = ("out",) if locked else ("out", "criteria.lock.yaml")
    ignored += () if approved else ("approval.yaml",)
    target = directory / "tender"
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns(*ignored))
    return target


def write_tender(directory: Path, tender: dict[str, Any], bids: Sequence[dict[str, Any]]) -> Path:
    (directory / "bids").mkdir(parents=True, exist_ok=True)
    (directory / "tender.yaml").write_text(yaml.safe_dump(tender, sort_keys=False))
    for entry in bids:
        (directory / "bids" / f"{entry['id']}.yaml").write_text(
            yaml.safe_dump(entry, sort_keys=False)
        )
    return directory


def tender_with(**changes: Any) -> dict[str, Any]:
    tender = copy.deepcopy(BASE_TENDER)
    tender.update(changes)
    return tender


@pytest.fixture
def make_tender(tmp_path: Path) -> Callable[..., Tender]:
    """Write a tender to a fresh directory and load it."""
    counter = iter(range(10_000))

    def make(bids: Sequence[dict[str, Any]], **changes: Any) -> Tender:
        directory = tmp_path / f"tender{next(counter)}"
        return load_tender(write_tender(directory, tender_with(**changes), bids))

    return make


class CliResult:
    def __init__(self, exit_code: int, stdout: str, stderr: str) -> None:
        self.exit_code = exit_code
        self.stdout = stdout
        self.stderr = stderr


def run_cli(args: Sequence[str], *, exit_code: int = 0) -> CliResult:
    """Run the CLI in-process; assert the exit code and show both streams when it differs."""
    result = CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": "200"})
    shown = f"exit {result.exit_code}\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"
    assert result.exit_code == exit_code, shown
    return CliResult(result.exit_code, result.stdout, result.stderr)


ABSOLUTE = {"formula": "absolute", "floor": 0, "ceiling": 1000}
RELATIVE = {"formula": "relative_to_lowest"}


def numeric(node_id: str, weight: float) -> dict[str, Any]:
    return {
        "id": node_id,
        "name": node_id,
        "kind": "numeric",
        "weight": weight,
        "direction": "higher_is_better",
        "value_function": {"type": "linear", "worst": 0, "best": 1},
    }


def inline_tender(
    weights: Sequence[float],
    answers: Sequence[Sequence[float]],
    prices: Sequence[float],
    *,
    price_weight: float = 1.0,
    price: dict[str, Any] | None = None,
    gates: Sequence[bool] | None = None,
    extra: Sequence[dict[str, Any]] = (),
    names: Sequence[str] | None = None,
    aggregation: dict[str, Any] | None = None,
    tie_break: Sequence[str] = (),
    rounding: dict[str, int] | None = None,
) -> Tender:
    """An in-memory tender with points weighting: numeric criteria c0.., a price, a gate.

    Bids are b0, b1, ... unless ``names`` gives their ids.
    """
    criteria = [numeric(f"c{j}", w) for j, w in enumerate(weights)]
    criteria += [dict(c) for c in extra]
    criteria.append({"id": "price", "name": "price", "kind": "price", "weight": price_weight})
    criteria.append({"id": "gate", "name": "gate", "kind": "pass_fail"})
    config = TenderFile.model_validate(
        {
            "reference": "P",
            "title": "p",
            "buyer": "b",
            "term_years": 1,
            "weighting": "points",
            "criteria": criteria,
            "price": price or ABSOLUTE,
            "aggregation": aggregation or {},
            "tie_break": list(tie_break),
            "rounding": rounding or {},
        }
    )
    assert isinstance(config.criteria, list)
    tree = build_tree(config.criteria, weighting="points")
    assert not tree.problems, tree.problems
    bids = []
    for i, (row, p) in enumerate(zip(answers, prices, strict=True)):
        given_answers: dict[str, Any] = {f"c{j}": a for j, a in enumerate(row)}
        for node in extra:
            given_answers[node["id"]] = row[0]
        passed = gates is None or gates[i]
        given_answers["gate"] = "pass" if passed else "fail"
        bid_id = names[i] if names else f"b{i}"
        bids.append(
            BidFile.model_validate(
                {"id": bid_id, "name": bid_id, "price": {"total": p}, "answers": given_answers}
            )
        )
    return Tender(Path("."), config, "inline", tuple(config.criteria), tree, tuple(bids))
