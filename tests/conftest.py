"""Shared helpers: build small tenders in memory or on disk, and run the CLI."""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from tenderscore.cli import app
from tenderscore.loading import load_tender
from tenderscore.tender import Tender

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
EXAMPLE = REPO / "examples" / "police-analytics"

BASE_TENDER: dict[str, Any] = {
    "reference": "T-1",
    "title": "Test tender",
    "buyer": "Test Council",
    "term_years": 3,
    "panel": [{"id": "E1", "role": "Lead"}, {"id": "E2", "role": "Adviser"}],
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
    }


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
