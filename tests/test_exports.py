"""Exports: files written atomically, untrusted text neutralised, reports pinned, verify."""

from __future__ import annotations

import errno
import io
import itertools
import json
import os
import re
import shutil
import time
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from tenderscore.engine.scoring import evaluate
from tenderscore.exporters.escaping import markdown_text
from tenderscore.exporters.json import dumps
from tenderscore.exporting import render_exports
from tenderscore.input.loading import load_tender
from tenderscore.input.saved import EXPORT_VERSION
from tenderscore.report.document import RunInfo, export_document
from tenderscore.sensitivity.analysis import analyse_sensitivity

from conftest import DATA, EXAMPLE, bid, inline_tender, run_cli, tender_with, write_tender

REFERENCE = "WPF-2026-DA-014"
GOLDEN = DATA / "golden" / "police-analytics-report.md"
RUN = RunInfo("2026-11-29T09:00:00+00:00", "tenderscore evaluate examples/police-analytics")


@pytest.fixture
def tender_copy(tmp_path: Path) -> Path:
    target = tmp_path / "tender"
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns("out"))
    return target


def _example_files() -> dict[str, bytes]:
    tender = load_tender(EXAMPLE)
    evaluation = evaluate(tender)
    document = export_document(tender, evaluation, analyse_sensitivity(tender, evaluation), RUN)
    return render_exports(document, ["xlsx", "md", "json"])


def test_evaluate_writes_every_export_and_names_it(tender_copy: Path) -> None:
    result = run_cli(["evaluate", tender_copy])
    out = tender_copy / "out"
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(
        f"{REFERENCE}-{suffix}"
        for suffix in (
            "evaluation.xlsx",
            "report.md",
            "evaluation.json",
            "points.svg",
            "tornado.svg",
            "value.svg",
        )
    )
    for name in names:
        assert f"wrote {out / name}" in result.stderr
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temp files left


def test_format_out_and_no_export(tender_copy: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    run_cli(["evaluate", tender_copy, "--format", "json", "--out", elsewhere])
    assert [p.name for p in elsewhere.iterdir()] == [f"{REFERENCE}-evaluation.json"]
    run_cli(["evaluate", tender_copy, "--no-export"])
    assert not (tender_copy / "out").exists()
    assert (
        "--format expects"
        in run_cli(["evaluate", tender_copy, "--format", "pdf"], exit_code=2).stderr
    )


@pytest.mark.parametrize("link", ["symlink", "hardlink"])
def test_an_output_that_is_an_input_is_refused_before_any_work(
    tender_copy: Path, link: str
) -> None:
    out = tender_copy / "out"
    out.mkdir()
    target = out / f"{REFERENCE}-report.md"
    source = tender_copy / "bids" / "albion-analytics.yaml"
    if link == "symlink":
        target.symlink_to(source)
    else:
        os.link(source, target)
    before = source.read_bytes()
    result = run_cli(["evaluate", tender_copy], exit_code=2)
    assert "refusing" in result.stderr
    assert source.read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == [target.name]


def test_an_out_that_is_a_file_and_a_template_dir_without_the_template(
    tender_copy: Path, tmp_path: Path
) -> None:
    occupied = tmp_path / "occupied"
    occupied.write_text("not a directory")
    result = run_cli(["evaluate", tender_copy, "--out", occupied], exit_code=2)
    assert f"{occupied} is a file, not a directory" in result.stderr
    empty = tmp_path / "templates"
    empty.mkdir()
    result = run_cli(["evaluate", tender_copy, "--template", empty, "--format", "md"], exit_code=2)
    assert f"--template {empty}: no report.md.j2 there to use" in result.stderr


def test_a_failed_write_exits_3_and_keeps_the_old_file(
    tender_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tender_copy / "out"
    out.mkdir()
    old = out / f"{REFERENCE}-evaluation.json"
    old.write_text("previous result")

    def refuse(source: str, target: str) -> None:
        raise OSError(errno.EACCES, "Permission denied")

    monkeypatch.setattr("tenderscore.files.os.replace", refuse)
    result = run_cli(["evaluate", tender_copy, "--format", "json"], exit_code=3)
    assert f"cannot write {old}: Permission denied" in result.stderr
    assert old.read_text() == "previous result"
    assert [p.name for p in out.iterdir()] == [old.name]


def test_bid_text_is_text_in_the_workbook(tmp_path: Path) -> None:
    formula = '=HYPERLINK("http://evil.invalid","click")'
    hostile = bid("a", name=formula)
    hostile["scores"]["method"]["E1"]["comment"] = "+cmd|' /C calc'!A0"
    write_tender(tmp_path / "t", tender_with(), [hostile, bid("b")])
    run_cli(["evaluate", tmp_path / "t", "--format", "xlsx"])
    book = load_workbook(tmp_path / "t" / "out" / "T-1-evaluation.xlsx")
    cells = [
        c
        for sheet in book
        for row in sheet.iter_rows()
        for c in row
        if c.value in (formula, "+cmd|' /C calc'!A0")
    ]
    assert {c.parent.title for c in cells} >= {"Summary", "Scores", "Evaluators"}
    for cell in cells:
        assert cell.data_type == "s"
        assert cell.quotePrefix


def test_bid_text_is_escaped_in_the_report(tmp_path: Path) -> None:
    hostile = "Evil | Co\\n<script>alert(1)</script> [click](http://e.vil) # *bold*"
    write_tender(
        tmp_path / "t", tender_with(), [bid("a", name=hostile.replace("\\n", "\n")), bid("b")]
    )
    run_cli(["evaluate", tmp_path / "t", "--format", "md"])
    report = (tmp_path / "t" / "out" / "T-1-report.md").read_text()
    assert "<script>" not in report
    assert "[click](" not in report
    lines = report.splitlines()
    header = next(line for line in lines if line.startswith("| Rank |"))
    row = next(line for line in lines if line.startswith("| 1= |") and "Evil" in line)
    cell_borders = re.compile(r"(?<!\\)\|")
    assert len(cell_borders.findall(row)) == len(cell_borders.findall(header))
    assert markdown_text("a | b\nc") == "a \\| b c"
    assert markdown_text("<b>&") == "\\<b\\>\\&"
    assert markdown_text("- item") == "\\- item"


def test_report_is_pinned_by_a_golden_file() -> None:
    report = _example_files()[f"{REFERENCE}-report.md"].decode()
    if os.environ.get("TENDERSCORE_UPDATE_GOLDEN"):
        GOLDEN.write_text(report)
    assert report == GOLDEN.read_text(), (
        "the report changed; review it, then regenerate with TENDERSCORE_UPDATE_GOLDEN=1"
    )


def test_every_export_is_byte_identical_run_to_run() -> None:
    """The workbook too: its parts and document properties are dated by the run (whose time
    SOURCE_DATE_EPOCH fixes), not by the clock when openpyxl saved it."""
    first = _example_files()
    time.sleep(1.1)  # a save a second later would have stamped another time
    second = _example_files()
    assert list(first) == list(second)
    for name in first:
        assert first[name] == second[name], name
    with zipfile.ZipFile(io.BytesIO(first[f"{REFERENCE}-evaluation.xlsx"])) as book:
        assert {info.date_time for info in book.infolist()} == {(2026, 11, 29, 9, 0, 0)}
        core = book.read("docProps/core.xml").decode()
        assert "2026-11-29T09:00:00Z</dcterms:created>" in core
        assert "2026-11-29T09:00:00Z</dcterms:modified>" in core


def test_export_re_renders_from_the_saved_json(tender_copy: Path, tmp_path: Path) -> None:
    run_cli(["evaluate", tender_copy])
    saved = tender_copy / "out" / f"{REFERENCE}-evaluation.json"
    again = tmp_path / "again"
    run_cli(["export", saved, "--out", again])
    report = f"{REFERENCE}-report.md"
    assert (again / report).read_bytes() == (tender_copy / "out" / report).read_bytes()
    assert (again / f"{REFERENCE}-evaluation.xlsx").exists()
    not_export = tmp_path / "plain.json"
    not_export.write_text(json.dumps({"schema": "tenderscore/evaluation"}))
    assert "expected a tenderscore export" in run_cli(["export", not_export], exit_code=2).stderr
    older = json.loads(saved.read_text()) | {"schema_version": 1}
    not_export.write_text(json.dumps(older))
    message = run_cli(["export", not_export], exit_code=2).stderr
    assert (
        f"schema_version: expected {EXPORT_VERSION}; got 1 (written by another version" in message
    )
    cut_short = {"schema": "tenderscore/export", "schema_version": EXPORT_VERSION, "tender": {}}
    not_export.write_text(json.dumps(cut_short))
    message = run_cli(["export", not_export], exit_code=2).stderr
    assert "an incomplete export: no run, method, criteria, sections" in message
    edited = json.loads(saved.read_text())
    del edited["bids"][0]["criteria"]
    not_export.write_text(json.dumps(edited))
    message = run_cli(["export", not_export], exit_code=2).stderr
    assert "bids[0].criteria: Field required (was it edited?" in message


def test_verify_matches_then_detects_edits_and_changed_inputs(tender_copy: Path) -> None:
    run_cli(["evaluate", tender_copy])
    out = tender_copy / "out"
    saved_json = out / f"{REFERENCE}-evaluation.json"
    saved_xlsx = out / f"{REFERENCE}-evaluation.xlsx"
    assert "matches the inputs" in run_cli(["verify", tender_copy, saved_json]).stdout
    assert "matches the inputs" in run_cli(["verify", tender_copy, saved_xlsx]).stdout

    document = json.loads(saved_json.read_text())
    document["bids"][0]["total"] = 99.0
    saved_json.write_text(json.dumps(document))
    result = run_cli(["verify", tender_copy, saved_json], exit_code=4)
    assert "bids.0.total: export has 99.0, recomputed 86.0599" in result.stdout

    book = load_workbook(saved_xlsx)
    book["Scores"]["E5"] = 0.5  # a formula-driven value typed over by hand
    book.save(saved_xlsx)
    result = run_cli(["verify", tender_copy, saved_xlsx], exit_code=4)
    assert "Scores!E5: workbook has 0.5, recomputed" in result.stdout

    bid_file = tender_copy / "bids" / "ember-oak.yaml"
    bid_file.write_text(bid_file.read_text().replace("unit_cost: 380", "unit_cost: 390"))
    result = run_cli(["verify", tender_copy, saved_xlsx], exit_code=4)
    assert "input bids/ember-oak.yaml has changed since the export" in result.stdout


def test_template_override_sandbox_and_strict_undefined(tender_copy: Path, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "report.md.j2").write_text('{% extends "builtin/report.md.j2" %}\n')
    run_cli(["evaluate", tender_copy, "--format", "md", "--template", templates])
    (templates / "report.md.j2").write_text("Custom: {{ tender.title }}\n")
    run_cli(["evaluate", tender_copy, "--format", "md", "--template", templates])
    report = (tender_copy / "out" / f"{REFERENCE}-report.md").read_text()
    assert report == "Custom: Data analytics platform (post-pilot award)\n"
    (templates / "report.md.j2").write_text("{{ ''.__class__.__mro__ }}\n")
    result = run_cli(
        ["evaluate", tender_copy, "--format", "md", "--template", templates], exit_code=2
    )
    assert "report template error" in result.stderr
    (templates / "report.md.j2").write_text("{{ no_such_value }}\n")
    result = run_cli(
        ["evaluate", tender_copy, "--format", "md", "--template", templates], exit_code=2
    )
    assert "'no_such_value' is undefined" in result.stderr


def test_the_export_keeps_the_first_ten_rank_acceptabilities() -> None:
    answers = [[(3 * k) % 7 / 7, (5 * k) % 11 / 11] for k in range(12)]
    tender = inline_tender([1, 1], answers, [100 + k for k in range(12)])
    evaluation = evaluate(tender)
    report = analyse_sensitivity(tender, evaluation)
    smaa = export_document(tender, evaluation, report, RUN)["sensitivity"]["smaa"]
    assert report.smaa is not None
    assert report.smaa.acceptability.shape == (12, 12)
    assert smaa["ranks_kept"] == 10
    assert smaa["rank_acceptability"] == report.smaa.acceptability[:, :10].tolist()
    p = np.array(smaa["win_probability"])
    assert [row[0] for row in smaa["standard_error"]] == pytest.approx(
        np.sqrt(p * (1 - p) / smaa["samples"])
    )


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=30,
)


@given(json_values)
def test_json_output_reads_back_as_written(value: Any) -> None:
    assert json.loads(dumps(value)) == value


def test_json_output_is_outlined_then_one_record_per_line() -> None:
    document = {
        "bids": [{"id": "a", "criteria": [{"criterion": "c", "scores": {"E1": 3}}, {"x": []}]}],
        "ranked": ["a", "b"],
    }
    assert dumps(document) == (
        "{\n"
        '  "bids": [\n'
        "    {\n"
        '      "id": "a",\n'
        '      "criteria": [\n'
        '        {"criterion": "c", "scores": {"E1": 3}},\n'
        '        {"x": []}\n'
        "      ]\n"
        "    }\n"
        "  ],\n"
        '  "ranked": [\n'
        '    "a",\n'
        '    "b"\n'
        "  ]\n"
        "}\n"
    )
    with pytest.raises(ValueError, match="Out of range float"):
        dumps({"total": float("nan")})
    many = {"rows": list(range(100_000)), "names": ["é"] * 3}  # encoded in several slices
    assert json.loads(dumps(many)) == many


def test_verify_refuses_what_is_not_an_export(tmp_path: Path) -> None:
    book = Workbook()
    book.active.title = "Audit"  # type: ignore[union-attr]
    book.save(tmp_path / "other.xlsx")
    (tmp_path / "broken.xlsx").write_text("not a zip")
    for name, message in [
        ("other.xlsx", "no Audit sheet with the input files: not a workbook tenderscore exported"),
        ("broken.xlsx", "not an .xlsx workbook (not a zip package)"),
    ]:
        result = run_cli(["verify", EXAMPLE, tmp_path / name], exit_code=2)
        assert f"{tmp_path / name}: {message}" in result.stderr


def test_two_runs_with_source_date_epoch_give_the_same_workbook(
    tender_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767571200")
    run_cli(["evaluate", tender_copy, "--format", "xlsx", "--out", tmp_path / "a"])
    time.sleep(1.1)
    run_cli(["evaluate", tender_copy, "--format", "xlsx", "--out", tmp_path / "b"])
    name = f"{REFERENCE}-evaluation.xlsx"
    assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_a_viewer_that_does_not_recalculate_sees_every_total_rank_and_the_winner() -> None:
    """Formulas were written without their values: previewers showed empty totals."""
    from openpyxl import load_workbook

    book = load_workbook(
        io.BytesIO(_example_files()[f"{REFERENCE}-evaluation.xlsx"]), data_only=True
    )
    evaluation = evaluate(load_tender(EXAMPLE))
    summary = book["Summary"]
    width = 4 + len(evaluation.sections)
    table = itertools.takewhile(
        lambda row: isinstance(row[0], int), summary.iter_rows(min_row=5, values_only=True)
    )  # the table as evaluated, down to its first empty row
    rows = {row[1]: row[:width] for row in table}
    for ranked in evaluation.ranked:
        rank, _, *sections, total, _gap = rows[ranked.name]
        assert rank == ranked.rank
        assert total == pytest.approx(ranked.total, abs=1e-9)
        assert sections == pytest.approx([ranked.node_points[s] for s in evaluation.sections])
    winner = next(row[1] for row in summary.iter_rows(values_only=True) if row[0] == "Winner")
    assert winner == evaluation.ranked[0].name
    weights = book["Weights"]
    effective = [row[6] for row in weights.iter_rows(min_row=4, values_only=True) if row[0]]
    assert all(isinstance(value, float) for value in effective)


def test_a_chart_that_would_straddle_a_page_starts_the_next() -> None:
    """Columns 130 units wide print at 100%, 451 pt of rows a page. Rows 25-40 end at 600 pt
    with Excel's 15 pt rows: past the first page, and short enough for one, so a break before
    row 25 (LibreOffice's 12.75 pt rows would have fitted: a break if either straddles). Rows
    2-10 fit where they are; a block longer than a page gets none; at 50% a page holds 902 pt;
    a tall wrapped row above (380 pt) pushes rows 6-10 over the edge."""
    from tenderscore.exporters.workbook.writer import page_breaks

    widths = {1: 65, 2: 65}
    assert page_breaks(widths, {}, [(2, 10), (25, 40)]) == [25]
    assert page_breaks(widths, {}, [(2, 10)]) == []
    assert page_breaks(widths, {}, [(25, 70)]) == []
    assert page_breaks({1: 260}, {}, [(40, 50)]) == []
    assert page_breaks(widths, {5: 380.0}, [(6, 10)]) == [6]


def test_every_sheet_prints_with_a_footer_that_traces_the_page(tmp_path: Path) -> None:
    run_cli(["evaluate", EXAMPLE, "--format", "xlsx", "--out", tmp_path, "--no-robustness"])
    book = load_workbook(tmp_path / "WPF-2026-DA-014-evaluation.xlsx")
    for sheet in book.worksheets:
        footer = sheet.oddFooter
        assert footer.left.text.startswith("WPF-2026-DA-014: Data analytics platform")
        assert (footer.center.text, footer.right.text) == ("&A", "Page &P of &N")
        assert sheet.page_setup.paperSize == 9
