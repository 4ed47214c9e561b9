"""Every format says the same thing: the workbook, the Markdown and Word reports, the JSON, the
decision page and the open data, written in one run and each read back, name the same winner
and give the same ranks and totals."""

from __future__ import annotations

import html
import io
import json
import re
from pathlib import Path

import openpyxl
import pytest
from docx import Document

from tenderscore.exporters.word import parse_markdown, plain

from conftest import copy_example, run_cli

REFERENCE = "WPF-2026-DA-014"
FORMATS = "xlsx,md,json,docx,ocds,html"

Ranking = dict[str, tuple[int, float | None]]
"""Supplier name -> (rank, total to two decimals, or None where the format gives no total)."""


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tender = copy_example(tmp_path_factory.mktemp("agree"))
    run_cli(["evaluate", tender, "--format", FORMATS])
    run_cli(["evaluate", tender, "--format", "html"])  # the public page, beside the committee's
    return tender / "out"


def _from_rows(rows: list[list[str]]) -> Ranking:
    header = rows[0]
    rank, name, total = header.index("Rank"), header.index("Supplier"), header.index("Total")
    return {row[name]: (int(row[rank]), round(float(row[total]), 2)) for row in rows[1:]}


def _markdown(out: Path) -> Ranking:
    blocks = list(parse_markdown((out / f"{REFERENCE}-report.md").read_text(encoding="utf-8")))
    heading = next(k for k, b in enumerate(blocks) if b.kind == "heading" and b.text == "Ranking")
    table = next(b for b in blocks[heading:] if b.kind == "table")
    return _from_rows([[plain(cell) for cell in row] for row in table.rows])


def _word(out: Path) -> Ranking:
    document = Document(io.BytesIO((out / f"{REFERENCE}-report.docx").read_bytes()))
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Rank")
    return _from_rows([[cell.text for cell in row.cells] for row in table.rows])


def _workbook(out: Path) -> Ranking:
    sheet = openpyxl.load_workbook(out / f"{REFERENCE}-evaluation.xlsx", data_only=True)["Summary"]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    start = next(k for k, row in enumerate(rows) if row and row[0] == "Rank")
    found: Ranking = {}
    for row in rows[start + 1 :]:
        if not row or not isinstance(row[0], int):
            break
        found[str(row[1])] = (row[0], round(float(row[6]), 2))
    return found


def _json(out: Path) -> Ranking:
    document = json.loads((out / f"{REFERENCE}-evaluation.json").read_text())
    return {b["name"]: (b["rank"], round(b["total"], 2)) for b in document["bids"] if b["eligible"]}


def _page(out: Path, name: str) -> Ranking:
    page = (out / name).read_text(encoding="utf-8")
    table = page.split('<caption id="ranking-caption">')[1].split("</table>")[0]
    found: Ranking = {}
    for row in re.findall(r"<tr><td>(\d+)=?</td><th scope=\"row\">(.*?)</th>(.*?)</tr>", table):
        figures = re.findall(r'<td class="number">([^<]*)</td>', row[2])
        found[html.unescape(row[1])] = (
            int(row[0]),
            round(float(figures[-2 if "decision-committee" in name else -1]), 2),
        )
    return found


def _ocds(out: Path) -> Ranking:
    release = json.loads((out / f"{REFERENCE}-ocds.json").read_text())["releases"][0]
    (supplier,) = release["awards"][0]["suppliers"]
    ranks: Ranking = {
        d["tenderers"][0]["name"]: (d["rank"], None)
        for d in release["bids"]["details"]
        if "rank" in d
    }
    assert ranks[supplier["name"]][0] == 1  # the award goes to the first-ranked bid
    return ranks


def test_every_format_names_the_same_winner_ranks_and_totals(out: Path) -> None:
    expected = _json(out)
    assert len(expected) == 3
    readings = {
        "md": _markdown(out),
        "docx": _word(out),
        "xlsx": _workbook(out),
        "html (committee)": _page(out, f"{REFERENCE}-decision-committee.html"),
        "html (public)": _page(out, f"{REFERENCE}-decision.html"),
    }
    for name, reading in readings.items():
        assert reading == expected, name
    assert _ocds(out) == {name: (rank, None) for name, (rank, _) in expected.items()}
