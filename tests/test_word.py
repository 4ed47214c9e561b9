"""Word documents: the report and the letters laid out from the Markdown they are worded in,
with real headings, tables whose header rows repeat, charts with text alternatives, page
numbers, a confidentiality marking for the committee; an organisation's reference document
for styles, header and logo; bid text kept literal; the same bytes every time; and LibreOffice
opens them."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.shared import RGBColor
from recalc import soffice, to_pdf
from test_audiences import _losing_figures

from tenderscore.exporters.word import markdown_to_docx, parse_markdown, plain

from conftest import bid, copy_example, run_cli, tender_with, write_tender

REFERENCE = "WPF-2026-DA-014"
HOSTILE = '<w:t>A & B</w:t> {{ x }} HYPERLINK "http://evil.example" \x01 **not bold** `x`'


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tender = copy_example(tmp_path_factory.mktemp("word"))
    run_cli(["evaluate", tender, "--format", "md,docx,json"])
    run_cli(["evaluate", tender, "--format", "md,docx", "--audience", "public"])
    out = tender / "out"
    return {
        "tender": tender,
        "out": out,
        "committee": (out / f"{REFERENCE}-report.docx").read_bytes(),
        "public": (out / f"{REFERENCE}-report-public.docx").read_bytes(),
        "markdown": (out / f"{REFERENCE}-report.md").read_text(encoding="utf-8"),
        "json": (out / f"{REFERENCE}-evaluation.json").read_text(encoding="utf-8"),
    }


def _text(docx: bytes) -> str:
    document = Document(io.BytesIO(docx))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def _xml(docx: bytes, name: str = "word/document.xml") -> str:
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        return package.read(name).decode()


def _headers(docx: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        return "".join(
            package.read(n).decode() for n in package.namelist() if re.match(r"word/header", n)
        )


def test_the_word_report_has_the_markdown_reports_structure(written: dict[str, Any]) -> None:
    document = Document(io.BytesIO(written["committee"]))
    headings = [
        (p.style.name, p.text)
        for p in document.paragraphs
        if p.style is not None and p.style.name.startswith(("Title", "Heading"))
    ]
    expected = [
        ("Title" if block.level == 1 else f"Heading {block.level - 1}", plain(block.text))
        for block in parse_markdown(written["markdown"])
        if block.kind == "heading"
    ]
    assert headings == expected
    assert ("Heading 1", "Ranking") in headings
    assert ("Heading 1", "Audit appendix") in headings
    tables = [b for b in parse_markdown(written["markdown"]) if b.kind == "table"]
    assert [len(t.rows) for t in tables] == [len(t.rows) for t in document.tables]
    xml = _xml(written["committee"])
    assert xml.count("<w:tblHeader") == len(document.tables)  # every header row repeats
    alts = re.findall(r'<wp:docPr [^>]*descr="([^"]*)"', xml)
    assert len(alts) == 3
    assert all(alt.startswith(("Bar chart", "Scatter chart")) for alt in alts)
    footer = _xml(written["committee"], "word/footer1.xml")
    assert 'w:instr="PAGE"' in footer
    assert 'w:instr="NUMPAGES"' in footer
    assert "CONFIDENTIAL: evaluation committee only" in _headers(written["committee"])
    assert "CONFIDENTIAL" not in _headers(written["public"])
    assert "Recommended for award: Albion Analytics Ltd" in _text(written["committee"])


def test_the_public_word_report_holds_no_losing_price(written: dict[str, Any]) -> None:
    import json

    figures = _losing_figures(json.loads(written["json"]))
    committee, public = _text(written["committee"]), _text(written["public"])
    assert any(figure in committee for figure in figures)  # the check can fail
    assert not [figure for figure in figures if figure in public]


def test_bid_text_stays_literal_text(tmp_path: Path) -> None:
    directory = write_tender(
        tmp_path / "t", tender_with(), [bid("a", price=90, name=HOSTILE), bid("b", price=95)]
    )
    run_cli(["evaluate", directory, "--format", "docx"])
    run_cli(["summaries", directory, "--format", "docx"])
    summaries = directory / "out" / "summaries"
    for path in [directory / "out" / "T-1-report.docx", summaries / "T-1-summary-a.docx"]:
        docx = path.read_bytes()
        literal = HOSTILE.replace("\x01", "")
        assert literal in _text(docx), path.name
        xml = _xml(docx)
        assert "<w:t>A & B</w:t>" not in xml  # escaped, not markup
        assert set(re.findall(r'w:instr="([^"]+)"', xml)) <= {"PAGE", "NUMPAGES"}
        assert "<w:instrText" not in xml
        assert "w:hyperlink" not in xml
        rels = _xml(docx, "word/_rels/document.xml.rels")
        assert "hyperlink" not in rels


def test_the_same_markdown_gives_the_same_bytes(written: dict[str, Any]) -> None:
    first = markdown_to_docx(written["markdown"], images={})
    assert first == markdown_to_docx(written["markdown"], images={})
    with zipfile.ZipFile(io.BytesIO(first)) as package:
        assert {entry.date_time for entry in package.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert "docProps/thumbnail.jpeg" not in package.namelist()


def _reference_docx(path: Path) -> None:
    """An organisation's reference document: its own header line and a red Heading 1."""
    document = Document()
    document.sections[0].header.paragraphs[0].text = "Wessex Police: Procurement Services"
    document.styles["Heading 1"].font.color.rgb = RGBColor(0x99, 0x00, 0x00)
    document.add_paragraph("This body text is dropped.")
    document.save(str(path))


def test_an_organisations_reference_document_gives_styles_and_header(
    written: dict[str, Any], tmp_path: Path
) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    _reference_docx(templates / "reference.docx")
    saved = written["out"] / f"{REFERENCE}-evaluation.json"
    run_cli(["export", saved, "--format", "docx", "--out", tmp_path, "--template", templates])
    docx = (tmp_path / f"{REFERENCE}-report.docx").read_bytes()
    headers = _headers(docx)
    assert "Wessex Police: Procurement Services" in headers
    assert "CONFIDENTIAL: evaluation committee only" in headers
    assert "This body text is dropped." not in _text(docx)
    styles = _xml(docx, "word/styles.xml")
    assert 'w:val="990000"' in styles


def test_a_reference_document_that_is_not_word_is_refused(
    written: dict[str, Any], tmp_path: Path
) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "reference.docx").write_bytes(b"PK\x03\x04 not really a zip")
    saved = written["out"] / f"{REFERENCE}-evaluation.json"
    result = run_cli(
        ["export", saved, "--format", "docx", "--out", tmp_path, "--template", templates],
        exit_code=2,
    )
    assert "reference.docx: not a Word document" in result.stderr


def test_letters_are_one_per_bidder_marked_for_it_alone(written: dict[str, Any]) -> None:
    tender = written["tender"]
    run_cli(["summaries", tender, "--format", "docx", "--out", tender / "letters"])
    letters = sorted((tender / "letters").glob("*.docx"))
    assert len(letters) == 7
    brightwater = (tender / "letters" / f"{REFERENCE}-summary-brightwater.docx").read_bytes()
    assert "for Brightwater Data Systems Ltd only" in _headers(brightwater)
    text = _text(brightwater)
    assert "To: Brightwater Data Systems Limited, 2 Riverside Way, Reading RG1 8AA." in text
    assert "ends at the end of Tuesday 3 November 2026" in text
    assert "Castellan" not in text  # nothing about another bidder
    refused = run_cli(["summaries", tender, "--format", "pdf"], exit_code=2)
    assert "--format expects md, docx or md,docx" in refused.stderr


MISSING = [] if soffice() and shutil.which("pdftotext") else ["soffice or pdftotext"]


@pytest.mark.skipif(bool(MISSING) and not os.environ.get("CI"), reason="LibreOffice missing")
def test_libreoffice_opens_the_report_and_numbers_its_pages(
    written: dict[str, Any], tmp_path: Path
) -> None:
    assert not MISSING, "CI must run the Word conversion test"
    source = tmp_path / "report.docx"
    source.write_bytes(written["committee"])
    (pdf,) = to_pdf(tmp_path, source)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert "Recommended for award: Albion Analytics Ltd" in text
    assert "Page 1 of " in text
    assert "CONFIDENTIAL: evaluation committee only" in text


def test_an_odd_and_even_page_reference_numbers_every_page(
    written: dict[str, Any], tmp_path: Path
) -> None:
    """A reference with its own first-page and even-page headers and footers: the marking and
    the page number go into each, and a reference lacking list styles still shows bullets."""
    templates = tmp_path / "templates"
    templates.mkdir()
    reference = Document()
    reference.settings.odd_and_even_pages_header_footer = True
    reference.sections[0].different_first_page_header_footer = True
    reference.sections[0].even_page_footer.paragraphs[0].text = "Even-page footer"
    list_style = reference.styles["List Bullet"].element
    list_style.getparent().remove(list_style)
    reference.core_properties.subject = "Draft - do not circulate"
    reference.save(str(templates / "reference.docx"))
    saved = written["out"] / f"{REFERENCE}-evaluation.json"
    run_cli(["export", saved, "--format", "docx", "--out", tmp_path, "--template", templates])
    docx = (tmp_path / f"{REFERENCE}-report.docx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        footers = [n for n in package.namelist() if n.startswith("word/footer")]
        headers = [n for n in package.namelist() if n.startswith("word/header")]
        assert len(footers) == 3
        assert all('w:instr="PAGE"' in package.read(n).decode() for n in footers)
        assert all(
            "CONFIDENTIAL: evaluation committee only" in package.read(n).decode() for n in headers
        )
        core = package.read("docProps/core.xml").decode()
    assert "Draft - do not circulate" not in core
    assert "\u2022\t" in _text(docx)  # the list style was missing: bullets drawn by hand


def test_a_draft_says_so_at_the_top_of_every_page(tmp_path: Path) -> None:
    directory = write_tender(
        tmp_path / "t", tender_with(), [bid("a", price=90), bid("b", price=95, scores=(1, 5))]
    )
    run_cli(["evaluate", directory, "--format", "docx", "--draft"])
    docx = (directory / "out" / "draft" / "T-1-draft-report.docx").read_bytes()
    assert "CONFIDENTIAL: evaluation committee only | DRAFT, not ready to award" in _headers(docx)


def test_letters_are_refused_without_a_single_tender_first(tmp_path: Path) -> None:
    directory = write_tender(tmp_path / "t", tender_with(tie_break=[]), [bid("a"), bid("b")])
    result = run_cli(["summaries", directory, "--format", "docx"], exit_code=2)
    assert "recommends no single tender" in result.stderr
    assert not (directory / "out" / "summaries").exists()


def test_a_reference_documents_template_on_a_server_is_not_carried(tmp_path: Path) -> None:
    """Word fetches an attached template named by URL when it opens a document: a reference
    document's is dropped."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    reference = Document()
    settings = next(
        p for p in reference.part.package.iter_parts() if str(p.partname) == "/word/settings.xml"
    )
    attached_template = (
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate"
    )
    rid = settings.relate_to("http://evil.example/t.dotm", attached_template, is_external=True)
    attached = OxmlElement("w:attachedTemplate", {qn("r:id"): rid})
    reference.settings.element.append(attached)
    reference.save(str(tmp_path / "reference.docx"))
    docx = markdown_to_docx("# Title\n\nText.\n", images={}, template_dir=tmp_path)
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        everything = "".join(package.read(n).decode(errors="replace") for n in package.namelist())
    assert "evil.example" not in everything
