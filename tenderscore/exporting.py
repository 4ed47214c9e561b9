"""Render every export of an evaluation: the workbook, the report with its charts, the JSON."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tenderscore.errors import UsageError
from tenderscore.memory import collector_paused

FORMATS = ("xlsx", "md", "json", "html", "ocds", "docx")
AUDIENCES = ("committee", "public")
PUBLIC_FORMATS = ("md", "html", "ocds", "docx")
AWARD_FORMATS = ("ocds",)
"""Formats that describe an award (open data): only from the official evaluation, ready."""
"""The workbook and the JSON hold everything (prices, working notes, interests): committee
documents only. The public gets its own report, under its own names."""

if TYPE_CHECKING:  # the document's types import pydantic
    from tenderscore.report.types import ExportDocument


def parse_formats(
    text: str | None, *, audience: str = "committee", default: str = "xlsx,md,json"
) -> tuple[str, ...]:
    """The formats asked for (``default`` when none are), refused when one of them is not
    for ``audience``."""
    if audience not in AUDIENCES:
        raise UsageError(f"--audience expects one of {', '.join(AUDIENCES)}; got {audience!r}")
    if text is None:
        text = default if audience == "committee" else "md,html"
    formats = tuple(part.strip().lower() for part in text.split(",") if part.strip())
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise UsageError(
            f"--format expects a comma-separated list of {', '.join(FORMATS)}; got {text!r}"
        )
    confidential = [f for f in formats if audience == "public" and f not in PUBLIC_FORMATS]
    if confidential:
        named = " and ".join(
            f"the {'workbook' if f == 'xlsx' else 'JSON'} ({f})" for f in confidential
        )
        raise UsageError(
            f"{named} {'holds' if len(confidential) == 1 else 'hold'} everything the committee "
            "sees (prices, working notes, declared interests), so only the committee gets it; "
            "--audience public writes the public report (--format md)"
        )
    return formats


def resolve_audience(audience: str | None, formats: str | None, *, official: bool = True) -> str:
    """The audience asked for, or the default: the public for the decision page alone
    (``--format html``) of the official evaluation, which is made to be published; the
    committee otherwise (a what-if or a draft is never the public's)."""
    if audience is not None:
        return audience
    asked = {part.strip().lower() for part in (formats or "").split(",") if part.strip()}
    return "public" if asked == {"html"} and official else "committee"


WHAT_IF_DIR = "what-if"
DRAFT_DIR = "draft"


def output_names(
    reference: str,
    formats: Sequence[str],
    *,
    what_if: str | None = None,
    draft: bool = False,
    audience: str = "committee",
    value_chart: bool = False,
) -> dict[str, str]:
    """File names by role: xlsx, md, json, html, and the report's charts (the value-for-money
    chart when ``value_chart``: see ``shows_value_chart``). The decision page made to be
    published is ``<reference>-decision.html``; the committee's, which shows every price, is
    marked ``-committee`` so that it cannot be published by mistake for it.

    A what-if run's names carry ``what-if-<name>``, a draft's ``draft`` and a public
    document's ``public``, so that none can ever take an official committee file's name,
    wherever it is written.
    """
    stem = reference if what_if is None else f"{reference}-{WHAT_IF_DIR}-{what_if}"
    stem = f"{stem}-{DRAFT_DIR}" if draft else stem
    public = "-public" if audience == "public" else ""
    names = {
        "xlsx": f"{stem}-evaluation.xlsx",
        "md": f"{stem}-report{public}.md",
        "docx": f"{stem}-report{public}.docx",
        "json": f"{stem}-evaluation.json",
        "html": f"{stem}-decision{'' if audience == 'public' else '-committee'}.html",
        "ocds": f"{stem}-ocds.json",
    }
    chosen = {role: names[role] for role in formats}
    if "md" in formats:
        charts = ("points", "tornado", "value") if value_chart else ("points", "tornado")
        chosen |= {chart: f"{stem}-{chart}{public}.svg" for chart in charts}
    return chosen


def check_audience(
    audience: str, *, official: bool, draft: bool, formats: Sequence[str] = ()
) -> None:
    """Refuse a public document, or one that describes the award (``AWARD_FORMATS``), of
    anything but the official evaluation, ready to award.

    Raises:
        UsageError: for a what-if or a draft.
    """
    award = [f for f in formats if f in AWARD_FORMATS]
    if award and (not official or draft):
        raise UsageError(
            f"{' and '.join(award)} describes the award: it is written from the official "
            "evaluation once it is ready to award, not from a what-if or a draft"
        )
    if audience == "public" and (not official or draft):
        raise UsageError(
            "the public report describes the decision: it is written from the official "
            "evaluation once it is ready to award, not from a what-if or a draft"
        )


def shows_value_chart(
    *, priced: bool, audience: str, winner_price: bool, losing_prices: bool
) -> bool:
    """Whether the report has a value-for-money chart: when the tender scores price, for the
    committee always, for the public only when the policy publishes every price, the
    winner's and the others' (the chart places each bid at its price)."""
    return priced and (audience == "committee" or (winner_price and losing_prices))


def output_directory(out: Path, what_if: str | None, *, draft: bool = False) -> Path:
    """Where a run's set is written: ``out`` for the official run, ``out/what-if/<name>/`` for
    a what-if and ``out/draft/`` for a draft, which writing the official set never touches."""
    if draft:
        return out / DRAFT_DIR
    return out if what_if is None else out / WHAT_IF_DIR / what_if


@collector_paused()
def render_exports(
    document: ExportDocument,
    formats: Sequence[str],
    *,
    template_dir: Path | None = None,
    audience: str = "committee",
) -> dict[str, bytes]:
    """File name -> bytes for each requested format (no file is written here).

    The JSON comes last: on large tenders it is the biggest file, and the workbook's
    working memory is freed before it is made.
    """
    from tenderscore.report.criteria import document_priced

    run = document["run"]
    check_audience(
        audience, official=run["official"], draft=run.get("draft", False), formats=formats
    )
    value_chart = shows_value_chart(
        priced=document_priced(document),
        audience=audience,
        **document["disclosure"],
    )
    names = output_names(
        document["tender"]["reference"],
        formats,
        what_if=run["name"],
        draft=run.get("draft", False),
        audience=audience,
        value_chart=value_chart,
    )
    files: dict[str, bytes] = {}
    if "xlsx" in formats:
        from tenderscore.exporters.workbook import render_workbook

        files[names["xlsx"]] = render_workbook(document)
    if "md" in formats or "docx" in formats:
        files |= _report_files(document, names, formats, audience, value_chart, template_dir)
    if "html" in formats:
        from tenderscore.exporters.decision_page import render_decision_page

        files[names["html"]] = render_decision_page(
            document, audience=audience, value_chart=value_chart, template_dir=template_dir
        )
    if "ocds" in formats:
        from tenderscore.exporters.ocds import render_ocds

        files[names["ocds"]] = render_ocds(document)
    if "json" in formats:
        files[names["json"]] = render_document(document)
    return files


def _report_files(
    document: ExportDocument,
    names: dict[str, str],
    formats: Sequence[str],
    audience: str,
    value_chart: bool,
    template_dir: Path | None,
) -> dict[str, bytes]:
    """The report in Markdown with its SVG charts, and the same report in Word (laid out
    from that Markdown, with the charts as pictures: ``exporters/word.py``)."""
    from tenderscore.exporters import charts
    from tenderscore.exporters.markdown import render_report
    from tenderscore.exporters.public import render_public_report

    drawn = {"points": charts.points_by_section, "tornado": charts.tornado}
    if value_chart:
        drawn["value"] = charts.value_for_money
    chart_names = {role: names.get(role, f"{role}.svg") for role in drawn}
    report = render_public_report if audience == "public" else render_report
    markdown = report(document, chart_names, template_dir=template_dir)
    files: dict[str, bytes] = {}
    if "md" in formats:
        files |= {chart_names[role]: draw(document) for role, draw in drawn.items()}
        files[names["md"]] = markdown.encode()
    if "docx" in formats:
        from tenderscore.exporters.word import markdown_to_docx

        files[names["docx"]] = markdown_to_docx(
            markdown,
            images={chart_names[role]: draw(document, "png") for role, draw in drawn.items()},
            template_dir=template_dir,
            marking=_marking(document, audience),
            title=f"{document['tender']['reference']}: {document['tender']['title']}",
        )
    return files


def _marking(document: ExportDocument, audience: str) -> str | None:
    """What the top of every page of a Word document says: confidential for the committee,
    and what-if or draft where it is one (a page read alone must not pass for the decision)."""
    from tenderscore.report.wording import CONFIDENTIAL_MARK, DRAFT, WHAT_IF

    run = document["run"]
    marks = [CONFIDENTIAL_MARK] if audience == "committee" else []
    marks += [] if run["official"] else [WHAT_IF]
    marks += [DRAFT] if run.get("draft", False) else []
    return " | ".join(marks) or None


def render_saved(
    path: Path,
    document: dict[str, Any],
    formats: Sequence[str],
    *,
    template_dir: Path | None,
    audience: str = "committee",
) -> dict[str, bytes]:
    """``render_exports`` for a document read back from ``path``, once it is checked against
    the document's types: an edited file is reported as the file's problem, naming the field,
    and a renderer failing on a checked document is a bug (an internal error), not the file's."""
    from tenderscore.report.types import check_saved

    return render_exports(
        check_saved(path, document), formats, template_dir=template_dir, audience=audience
    )


def render_document(document: ExportDocument) -> bytes:
    from tenderscore.exporters.json import dumps_utf8

    return dumps_utf8(document)
