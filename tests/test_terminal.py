"""Every command reads in an ordinary terminal: at 80 columns nothing is cut to '...' and no
line runs past the edge (ids with a legend stand in for long names); at 200 the names show."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.cells import cell_len
from typer.testing import CliRunner

from tenderscore.cli import app

from conftest import EXAMPLE, bid, tender_with, write_tender

COMMANDS = [
    ["validate", EXAMPLE],
    ["evaluate", EXAMPLE, "--no-export"],
    ["moderation", EXAMPLE],
    ["moderation", EXAMPLE, "--all"],
    ["sensitivity", EXAMPLE, "--samples", "200", "--no-progress"],
    ["status", EXAMPLE],
    ["explain", EXAMPLE, "albion"],
    ["criteria"],
]


def _run(args: list[object], columns: int) -> str:
    result = CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(str(x) for x in a[:1] + a[2:]))
def test_every_command_fits_80_columns_without_cutting_words(args: list[object]) -> None:
    out = _run(args, 80)
    for line in out.splitlines():
        assert cell_len(line) <= 80, line
    assert "…" not in out


def test_narrow_tables_use_ids_with_a_legend_and_wide_ones_names() -> None:
    narrow = _run(["evaluate", EXAMPLE, "--no-export"], 80)
    assert "  1   albion " in narrow
    assert "albion      Albion Analytics Ltd" in narrow  # the legend
    wide = _run(["evaluate", EXAMPLE, "--no-export"], 200)
    assert "│ 1 │ Albion Analytics Ltd" in wide
    assert "transparency" in _run(["validate", EXAMPLE], 80)


def test_nothing_but_the_result_on_a_pipe() -> None:
    """Progress is for a person at a terminal: a pipe gets the result alone."""
    result = CliRunner().invoke(app, ["evaluate", str(EXAMPLE), "--no-export"])
    assert result.stderr == ""


def test_a_long_ranking_is_summarised_with_the_full_list_in_the_exports(tmp_path: Path) -> None:
    bids = [bid(f"b{k:02d}", price=100 + k) for k in range(30)]
    write_tender(tmp_path / "t", tender_with(), bids)
    out = _run(["evaluate", tmp_path / "t", "--no-export", "--no-robustness"], 200)
    assert "... and 5 more ranked bids: the workbook and the JSON hold every one." in out
    assert "Supplier b24" in out
    assert "Supplier b25" not in out
