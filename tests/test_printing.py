"""The committee workbook and the evaluators' scoring sheets print legibly on A4.

LibreOffice prints each workbook to PDF; poppler's pdftotext reads every word back with its
box. Checked on every page: A4, no cell showing ``###``, text at a readable size (a median
word at least 6 pt high, where 10 pt text printed at 100% measures 9.7), and the page count, which
grows if a sheet runs over more than one page wide or its rows print over each other.
Skipped with a reason without LibreOffice or poppler; in CI (CI=true) both must be there.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import statistics
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from recalc import soffice, to_pdf

from tenderscore.engine.scoring import evaluate
from tenderscore.exporters.scoresheets import render_sheets
from tenderscore.exporters.workbook import render_workbook
from tenderscore.input.keys import sheet_key
from tenderscore.input.loading import load_tender
from tenderscore.input.tender import Tender
from tenderscore.report.document import RunInfo, export_document
from tenderscore.sensitivity.analysis import analyse_sensitivity

from conftest import EXAMPLE, REPO

MISSING = [tool for tool in ("pdftotext",) if shutil.which(tool) is None]
MISSING += [] if soffice() else ["soffice"]
if MISSING and os.environ.get("CI"):
    pytest.fail(f"CI must run the printing test: {', '.join(MISSING)} missing")
pytestmark = pytest.mark.skipif(
    bool(MISSING),
    reason=f"{', '.join(MISSING)} not installed (libreoffice-calc-nogui, poppler-utils)",
)
RUN = RunInfo("2026-11-29T00:00:00+00:00", "tenderscore evaluate (test)")
A4_LANDSCAPE = (841.89, 595.30)
READABLE = 6.0  # points: the median word height on every page (10 pt text printed at 62%)
SMALLEST = 5.5  # points: no word smaller


@dataclass(frozen=True)
class Page:
    size: tuple[float, float]
    heights: list[float]
    text: str


def _pages(pdf: Path) -> list[Page]:
    html = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = []
    for page in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', html, re.S):
        words = re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)<', page[3])
        pages.append(
            Page(
                (float(page[1]), float(page[2])),
                [float(bottom) - float(top) for top, bottom, _ in words],
                " ".join(word for _, _, word in words),
            )
        )
    return pages


def _check(pdf: Path) -> int:
    """Every page A4, no ###, readable; the number of pages."""
    pages = _pages(pdf)
    for number, page in enumerate(pages, start=1):
        where = f"{pdf.name} page {number}"
        assert page.size == pytest.approx(A4_LANDSCAPE, abs=0.5), where
        assert "###" not in page.text, where
        assert page.heights, where
        assert statistics.median(page.heights) >= READABLE, where
        assert min(page.heights) >= SMALLEST, where
    return len(pages)


def _workbook(tender: Tender, path: Path) -> Path:
    evaluation = evaluate(tender)
    report = analyse_sensitivity(tender, evaluation)  # every table the CLI prints
    path.write_bytes(render_workbook(export_document(tender, evaluation, report, RUN)))
    return path


def _sixty_criteria(directory: Path) -> Tender:
    """bench/bench_evaluate.py's synthetic tender: 5 bids, 60 criteria in 6 sections."""
    spec = importlib.util.spec_from_file_location(
        "bench_evaluate", REPO / "bench" / "bench_evaluate.py"
    )
    assert spec is not None
    assert spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    bench.generate(directory, 5, 60, 3)
    return load_tender(directory)


def test_the_committee_workbooks_print_legibly_on_a4(tmp_path: Path) -> None:
    """Pages, sheet by sheet: the example's Summary 3 (its two charts kept whole, the
    value-for-money chart with its frontier table), Weights 1, Scores 2, Evaluators 8,
    Sensitivity 4, Audit 1; the 60-criterion tender's 3, 3, 7, 13, 6 (66 intervals across
    the tender, 59 within sections), 1 (one page wide: a sheet printed two pages wide would
    double its count)."""
    example = _workbook(load_tender(EXAMPLE), tmp_path / "example.xlsx")
    large = _workbook(_sixty_criteria(tmp_path / "sixty"), tmp_path / "sixty.xlsx")
    printed = to_pdf(tmp_path / "libreoffice", example, large)
    assert _check(printed[0]) == 19
    assert _check(printed[1]) == 33


def test_the_scoring_sheets_print_legibly_on_a4(tmp_path: Path) -> None:
    tender = load_tender(EXAMPLE)
    books = render_sheets(tender.config, tender.tree, tender.bids, sheet_key(tmp_path))
    paths = []
    for name, content in books.items():
        path = tmp_path / name
        path.write_bytes(content)
        paths.append(path)
    for pdf in to_pdf(tmp_path / "libreoffice", *paths):
        assert 2 <= _check(pdf) <= 8, pdf.name
