"""`tenderscore approve`: record who approved the official result, when, on what moderation."""

from __future__ import annotations

from typing import Annotated

import typer

from tenderscore.cli import runs
from tenderscore.cli.options import TenderDir
from tenderscore.cli.terminal import stdout


def approve(
    tender_dir: TenderDir,
    by: Annotated[str, typer.Option(help="Who approves (a name).", show_default=False)],
    role: Annotated[str, typer.Option(help="Their role, e.g. Chief Procurement Officer.")],
    meeting: Annotated[
        str, typer.Option(help="The moderation or award meeting, e.g. '14 October 2026'.")
    ] = "",
    notes: Annotated[str, typer.Option(help="What the meeting decided.")] = "",
    replace: Annotated[
        bool, typer.Option("--replace", help="Replace an earlier approval (it is stale, or wrong).")
    ] = False,
) -> None:
    """Record the approval of the official result in approval.yaml: who, their role, when,
    the meeting and its notes, with the digests of the inputs and the result. Only a ready
    official evaluation can be approved; any later change to an input makes the approval
    stale, and every run and export says so."""
    from tenderscore import pipeline
    from tenderscore.errors import UsageError
    from tenderscore.files import write_atomic
    from tenderscore.input.approval import (
        APPROVAL_FILE,
        Approval,
        approval_text,
        inputs_digest,
        read_approval,
        result_digest,
    )

    if not by.strip() or not role.strip():
        raise UsageError("--by and --role must name who approves and in what capacity")
    tender = pipeline.load(tender_dir)
    earlier = read_approval(tender.root)
    if earlier is not None and not replace:
        raise UsageError(
            f"{APPROVAL_FILE} already records an approval; --replace records a new one "
            "(the earlier one is kept in the file's history only if you keep it)"
        )
    run = runs.run_info()
    result = pipeline.run(tender, document=run, readiness="require")
    evaluation = result.evaluation
    recommended = tuple(bid.id for bid in evaluation.ranked if bid.rank == 1)
    approval = Approval(
        approved_by=by.strip(),
        role=role.strip(),
        approved_at=run.generated_at,
        meeting=meeting.strip(),
        notes=notes.strip(),
        inputs_digest=inputs_digest(tender),
        result_digest=result_digest([(b.id, b.rank, b.total) for b in evaluation.ranked]),
        recommended=recommended,
    )
    path = tender.root / APPROVAL_FILE
    write_atomic(path, approval_text(approval).encode())
    stdout.print(
        f"approved: {', '.join(recommended)} recommended for award, by {approval.approved_by} "
        f"({approval.role}) at {approval.approved_at}; recorded in {path}",
        markup=False,
        soft_wrap=True,
    )
