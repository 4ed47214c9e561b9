"""Render every export of an evaluation: the workbook, the report with its charts, the JSON."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tenderscore.errors import UsageError
from tenderscore.memory import collector_paused

FORMATS = ("xlsx", "md", "json")

if TYPE_CHECKING:  # the document's types import pydantic
    from tenderscore.report.types import ExportDocument


def parse_formats(text: str) -> tuple[str, ...]:
    formats = tuple(part.strip().lower() for part in text.split(",") if part.strip())
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise UsageError(
            f"--format expects a comma-separated list of {', '.join(FORMATS)}; got {text!r}"
        )
    return formats


WHAT_IF_DIR = "what-if"
DRAFT_DIR = "draft"


def output_names(
    reference: str, formats: Sequence[str], *, what_if: str | None = None, draft: bool = False
) -> dict[str, str]:
    """File names by role: xlsx, md, json, and the report's charts.

    A what-if run's names carry ``what-if-<name>`` and a draft's ``draft``, so that neither can
    ever take an official file's name, wherever it is written.
    """
    stem = reference if what_if is None else f"{reference}-{WHAT_IF_DIR}-{what_if}"
    stem = f"{stem}-{DRAFT_DIR}" if draft else stem
    names = {
        "xlsx": f"{stem}-evaluation.xlsx",
        "md": f"{stem}-report.md",
        "json": f"{stem}-evaluation.json",
    }
    chosen = {role: names[role] for role in formats}
    if "md" in formats:
        chosen |= {"points": f"{stem}-points.svg", "tornado": f"{stem}-tornado.svg"}
    return chosen


def output_directory(out: Path, what_if: str | None, *, draft: bool = False) -> Path:
    """Where a run's set is written: ``out`` for the official run, ``out/what-if/<name>/`` for
    a what-if and ``out/draft/`` for a draft, which writing the official set never touches."""
    if draft:
        return out / DRAFT_DIR
    return out if what_if is None else out / WHAT_IF_DIR / what_if


@collector_paused()
def render_exports(
    document: ExportDocument, formats: Sequence[str], *, template_dir: Path | None = None
) -> dict[str, bytes]:
    """File name -> bytes for each requested format (no file is written here).

    The JSON comes last: on large tenders it is the biggest file, and the workbook's
    working memory is freed before it is made.
    """
    run = document["run"]
    names = output_names(
        document["tender"]["reference"], formats, what_if=run["name"], draft=run.get("draft", False)
    )
    files: dict[str, bytes] = {}
    if "xlsx" in formats:
        from tenderscore.exporters.workbook import render_workbook

        files[names["xlsx"]] = render_workbook(document)
    if "md" in formats:
        from tenderscore.exporters import charts
        from tenderscore.exporters.markdown import render_report

        files[names["points"]] = charts.points_by_section(document)
        files[names["tornado"]] = charts.tornado(document)
        chart_names = {"points": names["points"], "tornado": names["tornado"]}
        files[names["md"]] = render_report(
            document, chart_names, template_dir=template_dir
        ).encode()
    if "json" in formats:
        files[names["json"]] = render_document(document)
    return files


def render_saved(
    path: Path, document: dict[str, Any], formats: Sequence[str], *, template_dir: Path | None
) -> dict[str, bytes]:
    """``render_exports`` for a document read back from ``path``, once it is checked against
    the document's types: an edited file is reported as the file's problem, naming the field,
    and a renderer failing on a checked document is a bug (an internal error), not the file's."""
    from tenderscore.report.types import check_saved

    return render_exports(check_saved(path, document), formats, template_dir=template_dir)


def render_document(document: ExportDocument) -> bytes:
    from tenderscore.exporters.json import dumps_utf8

    return dumps_utf8(document)
