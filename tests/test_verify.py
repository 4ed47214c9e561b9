"""verify neither cries wolf on an honest re-save nor misses a forgery.

Each forgery is a generator applied to a fresh export of the shipped example, so the matrix
follows the workbook as it changes; each must be caught naming its sheet (and cell, where
there is one). Honest re-saves by LibreOffice and openpyxl must match.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.comments import Comment

from conftest import copy_example, run_cli

REFERENCE = "WPF-2026-DA-014"
BOOK = f"{REFERENCE}-evaluation.xlsx"


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tender = copy_example(tmp_path_factory.mktemp("verify"))
    run_cli(["evaluate", tender, "--format", "xlsx", "--no-robustness"])
    return tender


@pytest.fixture
def tender(exported: Path, tmp_path: Path) -> Path:
    """A copy of the exported tender for one test to change."""
    target = tmp_path / "tender"
    shutil.copytree(exported, target)
    return target


def _rewrite_part(book: Path, part: str, change: Callable[[str], str]) -> None:
    """Rewrite one part of the package, as a forger with a zip tool would."""
    with zipfile.ZipFile(book) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    before = parts[part].decode()
    after = change(before)
    assert after != before, f"the forgery did not change {part}"
    parts[part] = after.encode()
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)


def _sheet_part(book: Path, title: str) -> str:
    names = load_workbook(book, read_only=True).sheetnames
    return f"xl/worksheets/sheet{names.index(title) + 1}.xml"


def _edit(book: Path, change: Callable[..., None]) -> None:
    workbook = load_workbook(book)
    change(workbook)
    workbook.save(book)


def forge_cached_total(book: Path) -> str:
    """The loser's cached total raised above the winner's: a viewer shows the loser first."""
    part = _sheet_part(book, "Summary")

    def change(xml: str) -> str:
        return re.sub(r'(<c r="G6"[^>]*>.*?<v>)[^<]*(</v>)', r"\g<1>99.99\g<2>", xml, count=1)

    _rewrite_part(book, part, change)
    return "Summary!G6: workbook has cached value 99.99"


def forge_number_format(book: Path) -> str:
    def change(workbook: object) -> None:
        workbook["Summary"]["G5"].number_format = '[<86]"86.40";#,##0.00'  # type: ignore[index]

    _edit(book, change)
    return "Summary!G5: number format"


def forge_hidden_row(book: Path) -> str:
    def change(workbook: object) -> None:
        workbook["Summary"].row_dimensions[5].hidden = True  # type: ignore[index]

    _edit(book, change)
    return "Summary: hidden rows [5] differ"


def forge_extra_sheet(book: Path) -> str:
    def change(workbook: object) -> None:
        sheet = workbook.create_sheet("FINAL", 0)  # type: ignore[attr-defined]
        sheet["A1"] = "FINAL: Castellan Intelligence plc wins"

    _edit(book, change)
    return "sheets: workbook has [('FINAL', 'visible')"


def forge_very_hidden(book: Path) -> str:
    def change(workbook: object) -> None:
        workbook["Scores"].sheet_state = "veryHidden"  # type: ignore[index]

    _edit(book, change)
    return "('Scores', 'veryHidden')"


def forge_renamed_sheet(book: Path) -> str:
    def change(workbook: object) -> None:
        workbook["Scores"].title = "Scores (final)"  # type: ignore[index]

    _edit(book, change)
    return "sheets: workbook has [('Summary', 'visible'), ('Weights', 'visible'), ('Scores (final)'"


def forge_cell_outside(book: Path) -> str:
    def change(workbook: object) -> None:
        workbook["Summary"]["Z200"] = "DISQUALIFIED"  # type: ignore[index]

    _edit(book, change)
    return "Summary!Z200: the workbook has 'DISQUALIFIED'"


def forge_note(book: Path) -> str:
    def change(workbook: object) -> None:
        cell = workbook["Scores"]["H49"]  # type: ignore[index]
        cell.comment = Comment("Excluded: late", "x")

    _edit(book, change)
    return "Scores!H49: note 'Excluded: late'"


def forge_chart_title(book: Path) -> str:
    _rewrite_part(
        book, "xl/charts/chart1.xml", lambda xml: xml.replace("Points by section", "Final points")
    )
    return "Summary: charts"


def forge_defined_name(book: Path) -> str:
    def change(workbook: object) -> None:
        workbook.defined_names["w_cost"].attr_text = "Weights!$E$5"  # type: ignore[attr-defined]

    _edit(book, change)
    return "defined name w_cost: workbook has 'WEIGHTS!$E$5'"


def forge_protection_removed(book: Path) -> str:
    def change(workbook: object) -> None:
        workbook["Scores"].protection.sheet = False  # type: ignore[index]

    _edit(book, change)
    return "Scores: sheet protection off, recomputed on"


def forge_formula(book: Path) -> str:
    def change(workbook: object) -> None:
        workbook["Scores"]["E48"] = "=E47+5"  # type: ignore[index]

    _edit(book, change)
    return "Scores!E48: workbook has =E47+5.0, recomputed =SUM(E35:E47)"


def forge_hidden_with_spaces(book: Path) -> str:
    """'1 ' is true to every reader of XML booleans."""
    part = _sheet_part(book, "Summary")

    def change(xml: str) -> str:
        return re.sub(r'<row r="5"', '<row r="5" hidden="1 "', xml, count=1)

    _rewrite_part(book, part, change)
    return "Summary: hidden rows [5] differ"


def forge_boolean_for_one(book: Path) -> str:
    """TRUE shows as 1 in LibreOffice, but =1 is false for it in Excel."""
    part = _sheet_part(book, "Scores")

    def change(xml: str) -> str:
        return re.sub(r'<c r="E49"([^>]*?)( t="n")?>', r'<c r="E49"\1 t="b">', xml, count=1)

    _rewrite_part(book, part, change)
    return "Scores!E49: workbook has True, recomputed 1.0"


def forge_styles_by_relationship(book: Path) -> str:
    """Readers follow the workbook's relationship to its styles, not the usual part name."""
    with zipfile.ZipFile(book) as package:
        styles = package.read("xl/styles.xml").decode()
    forged = re.sub(
        r"(<cellXfs.*?</cellXfs>)",
        lambda m: m.group(1).replace('numFmtId="4"', 'numFmtId="200"'),
        styles,
        flags=re.S,
    )
    forged = re.sub(
        r"<numFmts count=\"(\d+)\">",
        lambda m: (
            f'<numFmts count="{int(m.group(1)) + 1}">'
            '<numFmt numFmtId="200" formatCode="&quot;86.06&quot;"/>'
        ),
        forged,
    )
    assert forged != styles

    def redirect(xml: str) -> str:
        return xml.replace('Target="styles.xml"', 'Target="styles2.xml"').replace(
            'Target="/xl/styles.xml"', 'Target="/xl/styles2.xml"'
        )

    _rewrite_part(book, "xl/_rels/workbook.xml.rels", redirect)
    with zipfile.ZipFile(book, "a") as package:
        package.writestr("xl/styles2.xml", forged)
    return "number format"


FORGERIES = [
    forge_hidden_with_spaces,
    forge_boolean_for_one,
    forge_styles_by_relationship,
    forge_cached_total,
    forge_number_format,
    forge_hidden_row,
    forge_extra_sheet,
    forge_very_hidden,
    forge_renamed_sheet,
    forge_cell_outside,
    forge_note,
    forge_chart_title,
    forge_defined_name,
    forge_protection_removed,
    forge_formula,
]


@pytest.mark.parametrize("forge", FORGERIES, ids=lambda f: f.__name__)
def test_every_forgery_is_caught_by_sheet_and_cell(
    tender: Path, forge: Callable[[Path], str]
) -> None:
    book = tender / "out" / BOOK
    expected = forge(book)
    result = run_cli(["verify", tender, book], exit_code=4)
    assert expected in result.stdout.replace('"', "'"), result.stdout


def test_an_honest_openpyxl_resave_matches(tender: Path) -> None:
    """openpyxl drops the cached values: a formula with none shows nothing until
    recalculated, which forges nothing."""
    book = tender / "out" / BOOK
    load_workbook(book).save(book)
    run_cli(["verify", tender, book])


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_an_honest_libreoffice_resave_matches(tender: Path, tmp_path: Path) -> None:
    """Open and save in LibreOffice (headless convert): formulas respelt (20 as 20.0, 1e-09
    as 0.000000001), shared strings, escaped number formats, chart names as quoted formulas."""
    book = tender / "out" / BOOK
    resaved = tmp_path / "resaved"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(resaved),
            str(book),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    result = run_cli(["verify", tender, resaved / BOOK])
    assert "matches the inputs" in result.stdout


def test_a_malformed_workbook_is_the_files_problem_not_an_internal_error(tender: Path) -> None:
    book = tender / "out" / BOOK
    part = _sheet_part(book, "Summary")
    _rewrite_part(
        book,
        part,
        lambda xml: xml.replace(
            "</sheetData>", '<row r="900"><c r="A900" t="s"><v>x</v></c></row></sheetData>'
        ),
    )
    result = run_cli(["verify", tender, book], exit_code=2)
    assert f"{book}: cannot read this workbook (ValueError" in result.stderr
