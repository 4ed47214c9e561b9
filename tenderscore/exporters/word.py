"""Word documents (python-docx) from the Markdown tenderscore writes, on an organisation's own
reference document, as pandoc's ``--reference-doc`` does.

The report and the assessment summaries are worded once, in their Markdown templates (an
organisation's own templates included); a Word document is that Markdown laid out in Word, so
the two can never say different things. tenderscore's Markdown is a small, regular dialect
(headings, paragraphs, bullet items, pipe tables, images on a line of their own, bold and code
spans), and every character that came from a bid is backslash-escaped in it, so an unescaped
marker is always structure: the reader below undoes the escapes and bid text goes into Word as
plain runs of text, never as a field, a hyperlink or markup.

The styles, header, footer and logo come from ``reference.docx`` in the ``--template``
directory when there is one (its body is dropped), else from python-docx's default document;
a style the reference lacks is copied in from the default. Every document gets a footer with
its page number and, when given, a marking in its header (CONFIDENTIAL for the committee).
Output is deterministic: fixed document properties and zip entry times.
"""

from __future__ import annotations

import copy
import datetime
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tenderscore.errors import UsageError
from tenderscore.exporters.escaping import without_controls

REFERENCE_DOCX = "reference.docx"
LARGEST_REFERENCE = 20 * 2**20  # bytes: a reference document, compressed or not
PAGE_BREAK_BEFORE = ("Audit appendix",)
"""Headings that start a page: the appendix, as a committee paper has it."""
IMAGE_WIDTH_CM = 16.0
FIXED_TIME = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
WORD_INVALID = re.compile("[\ufffe\uffff\ud800-\udfff]")
"""Beyond the control characters, what XML cannot hold (python-docx refuses them)."""
WORD_JOINER = "\u2060"


@dataclass
class Block:
    """One block of the Markdown: a heading, paragraph, bullet item, table or image."""

    kind: str
    text: str = ""
    level: int = 0
    rows: list[list[str]] = field(default_factory=list)
    right: list[bool] = field(default_factory=list)


def markdown_to_docx(
    markdown: str,
    *,
    images: dict[str, bytes],
    template_dir: Path | None = None,
    marking: str | None = None,
    title: str = "",
) -> bytes:
    """The Word document for ``markdown``; ``images`` maps each image's name in the Markdown
    to its PNG.

    Raises:
        UsageError: a reference document that cannot be used.
    """
    from docx.shared import Cm

    document = _open_reference(template_dir)
    _ensure_styles(document, ("Title", "Heading 1", "Heading 2", "Heading 3"))
    copied_lists = _ensure_styles(document, ("List Bullet", "List Bullet 2", "List Bullet 3"))
    _ensure_styles(document, ("Table Grid",))
    body_width = _body_width(document) or Cm(IMAGE_WIDTH_CM)
    style_ids = {style.name: style.style_id for style in document.styles}
    for block in parse_markdown(markdown):
        if block.kind == "heading":
            if block.text in PAGE_BREAK_BEFORE:
                from docx.enum.text import WD_BREAK

                document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            style = "Title" if block.level == 1 else f"Heading {min(block.level - 1, 3)}"
            _add_inline(_paragraph(document, style_ids, style), block.text)
        elif block.kind == "item":
            style = "List Bullet" if block.level == 0 else f"List Bullet {block.level + 1}"
            if style in copied_lists:  # its numbering is not in the reference: drawn by hand
                _add_inline(_bulleted(document, block.level), block.text)
            else:
                _add_inline(_paragraph(document, style_ids, style), block.text)
        elif block.kind == "table":
            _add_table(document, block)
        elif block.kind == "image":
            _add_image(document, block, images, min(body_width, Cm(IMAGE_WIDTH_CM)))
        else:
            _add_inline(document.add_paragraph(), block.text)
    _header_and_footer(document, marking)
    _without_external_links(document)
    properties = document.core_properties
    for name in ("subject", "keywords", "category", "content_status", "identifier", "version"):
        setattr(properties, name, "")  # the reference document's, not this document's
    properties.title = word_text(title)[:255]
    properties.author = properties.last_modified_by = "tenderscore"
    properties.comments = ""
    properties.created = properties.modified = properties.last_printed = FIXED_TIME
    properties.revision = 1
    return _deterministic(document)


# --- reading tenderscore's Markdown ------------------------------------------------------

IMAGE = re.compile(r"^!\[(?P<alt>(?:\\.|[^\]\\])*)\]\((?P<src>[^)\s]+)\)$")
HEADING = re.compile(r"^(?P<marks>#{1,6}) (?P<text>.*)$")
ITEM = re.compile(r"^(?P<indent> *)- (?P<text>.*)$")


def parse_markdown(markdown: str) -> Iterator[Block]:
    """The blocks of tenderscore's Markdown, in order."""
    lines = markdown.splitlines()
    k = 0
    while k < len(lines):
        line = lines[k].rstrip()
        if not line.strip():
            k += 1
            continue
        if heading := HEADING.match(line):
            yield Block("heading", heading["text"], level=len(heading["marks"]))
            k += 1
        elif image := IMAGE.match(line):
            yield Block("image", image["alt"], rows=[[image["src"]]])
            k += 1
        elif line.startswith("|"):
            table = []
            while k < len(lines) and lines[k].startswith("|"):
                table.append(lines[k].rstrip())
                k += 1
            yield _table(table)
        elif item := ITEM.match(line):
            yield Block("item", item["text"], level=min(len(item["indent"]) // 2, 2))
            k += 1
        else:
            paragraph = [line]
            k += 1
            while k < len(lines) and lines[k].strip() and not _starts_block(lines[k]):
                paragraph.append(lines[k].rstrip())
                k += 1
            yield Block("paragraph", " ".join(paragraph))


def _starts_block(line: str) -> bool:
    return bool(HEADING.match(line) or IMAGE.match(line) or ITEM.match(line)) or line.startswith(
        "|"
    )


def _cells(row: str) -> list[str]:
    """A pipe-table row's cells: split on unescaped pipes (a bid's '|' is escaped)."""
    cells, current, k = [], "", 0
    inner = row.strip()[1:-1] if row.strip().endswith("|") else row.strip()[1:]
    while k < len(inner):
        if inner[k] == "\\" and k + 1 < len(inner):
            current += inner[k : k + 2]
            k += 2
            continue
        if inner[k] == "|":
            cells.append(current.strip())
            current = ""
        else:
            current += inner[k]
        k += 1
    cells.append(current.strip())
    return cells


def _table(lines: list[str]) -> Block:
    rows = [_cells(line) for line in lines]
    separator = len(rows) > 1 and all(re.fullmatch(r":?-{3,}:?", c) for c in rows[1] if c)
    right = [cell.endswith(":") for cell in rows[1]] if separator else []
    body = [rows[0], *rows[2:]] if separator else rows
    width = max(len(row) for row in body)
    return Block("table", rows=[row + [""] * (width - len(row)) for row in body], right=right)


def inline_runs(text: str) -> Iterator[tuple[str, bool, bool]]:
    """(text, bold, code) runs of one line of Markdown, escapes undone."""
    bold = code = False
    current = ""
    k = 0
    while k < len(text):
        char = text[k]
        if code:
            if char == "`":
                yield current, bold, True
                current, code = "", False
            else:
                current += char
            k += 1
        elif char == "\\" and k + 1 < len(text):
            current += text[k + 1]
            k += 2
        elif text.startswith("**", k):
            if current:
                yield current, bold, False
            current, bold = "", not bold
            k += 2
        elif char == "`":
            if current:
                yield current, bold, False
            current, code = "", True
            k += 1
        else:
            current += char
            k += 1
    if current:
        yield current, bold, code


def plain(text: str) -> str:
    """One line of Markdown as the text a reader sees."""
    return "".join(run for run, _, _ in inline_runs(text))


def word_text(text: str) -> str:
    """Text Word can hold: no control characters, nothing XML forbids, no invisible word
    joiner (the Markdown's guard against autolinks, which Word does not make)."""
    return WORD_INVALID.sub("", without_controls(text)).replace(WORD_JOINER, "")


# --- writing Word ------------------------------------------------------------------------


def _open_reference(template_dir: Path | None) -> Any:
    """The reference document with its body emptied (its sections, headers and footers
    kept), or python-docx's default."""
    from docx import Document
    from docx.oxml.ns import qn

    path = template_dir / REFERENCE_DOCX if template_dir else None
    if path is None or not path.is_file():
        return _house_style(Document())
    too_large = UsageError(
        f"{path}: a reference document is at most {LARGEST_REFERENCE // 2**20} MB, unpacked too"
    )
    try:
        if path.stat().st_size > LARGEST_REFERENCE:
            raise too_large
        data = path.read_bytes()
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            if sum(entry.file_size for entry in package.infolist()) > LARGEST_REFERENCE:
                raise too_large
        document = Document(io.BytesIO(data))
    except UsageError:
        raise
    except Exception as exc:  # python-docx raises many kinds for a file that is not Word's
        reason = re.sub(r"'?<_io\.BytesIO object at 0x[0-9a-f]+>'?", "the file", str(exc))
        raise UsageError(
            f"{path}: not a Word document python-docx can read ({reason}); a reference "
            "document is a .docx (not a macro-enabled .docm or a .dotx template)"
        ) from None
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    return document


def _house_style(document: Any) -> Any:
    """Without a reference document: A4, 2 cm margins, Arial (Liberation Sans where Arial is
    not installed) at 10 pt, as a UK committee paper is set."""
    from docx.shared import Cm, Pt

    for section in document.sections:
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2.0)
        section.top_margin = section.bottom_margin = Cm(2.0)
    normal = document.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(10)
    return document


def _ensure_styles(document: Any, names: tuple[str, ...]) -> set[str]:
    """Copy each style a reference lacks (with what it is based on) from the default; the
    names copied."""
    from docx import Document

    default = None
    copied: set[str] = set()
    for name in names:
        try:
            document.styles[name]
        except KeyError:
            copied.add(name)
            default = default or Document()
            chain = [default.styles[name]]
            while chain[-1].base_style is not None:
                chain.append(chain[-1].base_style)
            for style in reversed(chain):
                try:
                    document.styles[style.name]
                except KeyError:
                    document.styles.element.append(copy.deepcopy(style.element))
    return copied


def _body_width(document: Any) -> Any:
    section = document.sections[-1]
    if section.page_width is None or section.left_margin is None or section.right_margin is None:
        return None
    return section.page_width - section.left_margin - section.right_margin


def _paragraph(document: Any, style_ids: dict[str, str], style: str) -> Any:
    """A new paragraph in ``style``, set by its id (python-docx's lookup by name scans
    every style for each paragraph: 18 s of 40 for 200 letters)."""
    paragraph = document.add_paragraph()
    paragraph._p.style = style_ids[style]
    return paragraph


def _bulleted(document: Any, level: int) -> Any:
    """A bullet item drawn without a list style: a bullet and a hanging indent."""
    from docx.shared import Cm

    paragraph = document.add_paragraph()
    paragraph.paragraph_format.left_indent = Cm(0.63 * (level + 1))
    paragraph.paragraph_format.first_line_indent = Cm(-0.63)
    paragraph.add_run("\u2022\t")
    return paragraph


def _add_inline(paragraph: Any, text: str, *, bold: bool = False) -> None:
    for run_text, run_bold, code in inline_runs(text):
        run = paragraph.add_run(word_text(run_text))
        run.bold = bold or run_bold or None
        if code:
            run.font.name = "Consolas"


def _add_table(document: Any, block: Block) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    columns = len(block.rows[0])
    table = document.add_table(rows=len(block.rows), cols=columns)
    table.style = document.styles["Table Grid"]
    table.autofit = False
    widths = _column_widths(block, _body_width(document))
    for column, width in zip(table.columns, widths, strict=False):
        column.width = width  # the grid, which LibreOffice follows
    size = Pt(8 if columns > 5 else 9)
    for r, (row, texts) in enumerate(zip(table.rows, block.rows, strict=True)):
        for c, (cell, text) in enumerate(zip(row.cells, texts, strict=True)):  # once per row:
            if widths:  # table.cell(r, c) walks the whole table each time
                cell.width = widths[c]
            paragraph = cell.paragraphs[0]
            _add_inline(paragraph, text, bold=r == 0)
            if c < len(block.right) and block.right[c]:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            for run in paragraph.runs:
                run.font.size = size
    header = table.rows[0]._tr.get_or_add_trPr()
    header.append(OxmlElement("w:tblHeader", {qn("w:val"): "true"}))  # repeats on each page
    document.add_paragraph()


def _column_widths(block: Block, body: Any) -> list[Any]:
    """Each column's share of the page, by the length of its longest word and of its text
    (a word is never broken; long text wraps), so a name column is wide and a figure narrow."""
    if body is None:
        return []
    columns = len(block.rows[0])
    texts = [[plain(row[c]) for row in block.rows] for c in range(columns)]
    words = [
        min(max((len(w) for t in column for w in t.split()), default=1), 24) for column in texts
    ]
    lengths = [max((len(t) for t in column), default=1) for column in texts]
    wanted = [
        max(1.2 * word + 2, 0.6 * min(length, 40), 7)
        for word, length in zip(words, lengths, strict=True)
    ]
    total = sum(wanted)
    return [int(body * share / total) for share in wanted]


def _add_image(document: Any, block: Block, images: dict[str, bytes], width: Any) -> None:
    png = images.get(block.rows[0][0])
    alt = word_text(plain(block.text))
    if png is None:  # an image the Word document has no picture for: its text alternative
        document.add_paragraph(alt)
        return
    shape = document.add_picture(io.BytesIO(png), width=width)
    shape._inline.docPr.set("descr", alt)
    shape._inline.docPr.set("title", alt[:100])


def _field(paragraph: Any, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word and LibreOffice fill in."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    simple = OxmlElement("w:fldSimple", {qn("w:instr"): instruction})
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    simple.append(run)
    paragraph._p.append(simple)


def _header_and_footer(document: Any, marking: str | None) -> None:
    """The marking at the top and the page number at the foot of every page: in each header
    and footer the document uses (a reference may have its own first-page and even-page
    ones)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    even = document.settings.odd_and_even_pages_header_footer
    for section in document.sections:
        first = section.different_first_page_header_footer
        pairs = [(section.header, section.footer)]
        pairs += [(section.first_page_header, section.first_page_footer)] if first else []
        pairs += [(section.even_page_header, section.even_page_footer)] if even else []
        for header, footer in pairs:
            if marking:
                paragraph = header.add_paragraph()
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                paragraph.add_run(word_text(marking)).bold = True
            numbered = footer.add_paragraph()
            numbered.alignment = WD_ALIGN_PARAGRAPH.CENTER
            numbered.add_run("Page ")
            _field(numbered, "PAGE")
            numbered.add_run(" of ")
            _field(numbered, "NUMPAGES")


def _without_external_links(document: Any) -> None:
    """No attached template on a server (a reference's settings can name one, which Word
    would fetch on opening). Links in the reference's own header and footer are the
    organisation's and stay."""
    from docx.oxml.ns import qn

    settings = document.settings
    attached = settings.element.find(qn("w:attachedTemplate"))
    if attached is not None:
        settings.element.remove(attached)
    for part in document.part.package.iter_parts():
        if str(part.partname) == "/word/settings.xml":
            for rid, relationship in list(part.rels.items()):
                if relationship.is_external:
                    del part.rels[rid]


def _deterministic(document: Any) -> bytes:
    """The saved document with its thumbnail dropped and every zip entry at one fixed time."""
    from docx.opc.constants import RELATIONSHIP_TYPE

    package = document.part.package
    for rid, relationship in list(package.rels.items()):
        if relationship.reltype == RELATIONSHIP_TYPE.THUMBNAIL:
            del package.rels[rid]
    saved = io.BytesIO()
    document.save(saved)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(saved.getvalue())) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            fixed = zipfile.ZipInfo(entry.filename, date_time=ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(entry.filename))
    return out.getvalue()
