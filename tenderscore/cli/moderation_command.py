"""`tenderscore moderation`: the agenda for the moderation meeting, and its workbook."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from tenderscore.cli import runs
from tenderscore.cli.options import TenderDir
from tenderscore.cli.terminal import stdout


def moderation(
    tender_dir: TenderDir,
    json_output: Annotated[
        bool, typer.Option("--json", help="Print the analysis as JSON.")
    ] = False,
    show_all: Annotated[
        bool, typer.Option("--all", help="List the items that need no discussion too.")
    ] = False,
    workbook: Annotated[
        bool,
        typer.Option(
            "--workbook",
            help="Write the meeting's workbook: agreed scores, reasons and feedback to fill "
            "in; put it filled in TENDER_DIR/moderation/.",
        ),
    ] = False,
    out: Annotated[
        Path | None,
        typer.Option(
            help="With --workbook: directory [default: TENDER_DIR/out].", show_default=False
        ),
    ] = None,
) -> None:
    """Print the moderation agenda: disputed scores first, evaluator leniency, agreement."""
    from tenderscore.engine.moderation import moderate, moderation_document
    from tenderscore.input.loading import load_tender

    tender = load_tender(tender_dir)
    result = moderate(tender)
    if workbook:
        from tenderscore.exporters.moderation_sheet import render_moderation_workbook
        from tenderscore.input.keys import sheet_key
        from tenderscore.input.moderation_sheet import workbook_name

        data = render_moderation_workbook(
            tender, result, sheet_key(tender.root), generated_at=runs.run_info().generated_at
        )
        directory = out or tender.root / "out"
        runs.write_files({directory / workbook_name(tender.config.reference): data}, tender)
        return
    if json_output:
        from tenderscore.exporters.json import dumps

        sys.stdout.write(dumps(moderation_document(result)))
        return
    from tenderscore.cli.render import render_moderation
    from tenderscore.report.wording import set_aside_note

    render_moderation(stdout, result, show_all=show_all)
    if tender.set_aside:
        stdout.print(Text(set_aside_note(tender.tree, tender.set_aside)))
