"""`tenderscore status`: where the evaluation stands and the next command to run."""

from __future__ import annotations

import dataclasses
import sys
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from tenderscore.cli.options import TenderDir
from tenderscore.cli.terminal import stdout


def status(
    tender_dir: TenderDir,
    json_output: Annotated[bool, typer.Option("--json", help="Print the status as JSON.")] = False,
) -> None:
    """Show each stage (locked, declared, bids in, scores returned, moderated, ready,
    approved), each evaluator's scores in and missing, what is open, and the next step.
    Works on an incomplete tender."""
    from tenderscore.status import tender_status

    found = tender_status(tender_dir)
    if json_output:
        from tenderscore.exporters.json import dumps

        sys.stdout.write(dumps(dataclasses.asdict(found)))
        return
    stdout.print(Text(f"{found.reference}: where the evaluation stands", style="bold"))
    stages = Table.grid(padding=(0, 2))
    stages.add_column(no_wrap=True)
    stages.add_column()
    for stage in found.stages:
        mark = Text("done", style="green") if stage.done else Text("pending", style="yellow")
        stages.add_row(mark, Text(f"{stage.name}: {stage.detail}"))
    stdout.print(stages)
    if found.evaluators:
        table = Table(title=Text("Scores returned"), title_justify="left")
        for column in ("Evaluator", "In", "Missing"):
            table.add_column(column, justify="left" if column == "Evaluator" else "right")
        for progress in found.evaluators:
            missing = progress.expected - progress.given
            table.add_row(Text(progress.evaluator), str(progress.given), str(missing))
        stdout.print(table)
    if found.open_items:
        stdout.print(Text(f"Open ({len(found.open_items)}):", style="bold"))
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column()
        by_code: dict[str, list[str]] = {}
        for item in found.open_items:
            where = " ".join(part for part in (item.bid, item.criterion) if part)
            by_code.setdefault(item.code, []).append(where)
        for code, places in by_code.items():
            first = ", ".join(place for place in places[:3] if place)
            more = f" (first: {first})" if first else ""
            grid.add_row("-", Text(f"{len(places)} {OPEN_WORDS.get(code, code)}{more}"))
        stdout.print(grid)
    next_step = Table.grid(padding=(0, 1))
    next_step.add_column(no_wrap=True, style="bold")
    next_step.add_column()
    next_step.add_row("Next:", Text(found.next_step))
    stdout.print(next_step)


OPEN_WORDS = {
    "unresolved_dispute": "disputes without a moderated score",
    "reason_missing": "criteria without the panel's agreed reason",
    "weak_consensus_reason": "reasons or feedback that explain nothing",
    "abnormally_low_price_not_investigated": "abnormally low prices not investigated",
    "declaration_missing": "declarations of interests missing",
}
"""How the status screen counts each kind of open item (validate lists them in full)."""
