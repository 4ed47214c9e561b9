"""`tenderscore lock`: record what bidders were told, show it, amend it, or replace it."""

from __future__ import annotations

import datetime
from typing import Annotated

import typer

from tenderscore.cli import runs
from tenderscore.cli.options import TenderDir
from tenderscore.cli.terminal import stderr, stdout


def lock(
    tender_dir: TenderDir,
    by: Annotated[
        str | None, typer.Option(help="Who locks (or amends) the criteria.", show_default=False)
    ] = None,
    deadline: Annotated[
        str | None,
        typer.Option(help="The submission deadline, YYYY-MM-DD.", show_default=False),
    ] = None,
    amend: Annotated[
        bool, typer.Option("--amend", help="Record how the tender now differs from the lock.")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the lock (give --reason; it is recorded).")
    ] = False,
    reason: Annotated[str, typer.Option(help="With --force: why the lock is replaced.")] = "",
    basis: Annotated[str, typer.Option(help="With --amend: the basis of the change.")] = "",
    told: Annotated[
        str | None,
        typer.Option(help="With --amend: when bidders were told, YYYY-MM-DD.", show_default=False),
    ] = None,
) -> None:
    """Record what bidders were told (criteria, weights, scales, formulas, tie-break), or show
    what is locked; later changes are errors unless recorded with --amend before the deadline."""
    from tenderscore.errors import InputError, Problem, UsageError
    from tenderscore.files import write_atomic
    from tenderscore.input.loading import load_rules
    from tenderscore.input.lock import (
        LOCK_FILE,
        amended,
        described,
        lock_text,
        published_rules,
        read_lock,
    )

    path = tender_dir / LOCK_FILE
    current = read_lock(tender_dir)
    if isinstance(current, Problem):
        raise InputError([current])
    today = datetime.date.fromisoformat(runs.run_info().generated_at[:10])
    if amend:
        if current is None:
            raise UsageError(f"--amend: {tender_dir} has no {LOCK_FILE}; lock it first")
        tender = load_rules(tender_dir, against_lock=False)
        told_on = _date_option("--told", told) or today
        text = amended(
            current,
            published_rules(tender.config, tender.tree),
            basis=basis,
            told=told_on,
            today=today,
        )
        write_atomic(path, text.encode())
        stderr.print(f"amended {path}", markup=False)
        return
    if current is not None and not force:
        load_rules(tender_dir)  # raises, naming each change, when the tender has drifted
        for line in described(current):
            stdout.print(line, markup=False, soft_wrap=True)
        stdout.print("The tender matches what is locked.", markup=False)
        return
    if not by:
        raise UsageError("--by: say who locks the criteria (name and role)")
    if current is not None and not reason.strip():
        raise UsageError("--force replaces what bidders were told: give --reason, it is recorded")
    tender = load_rules(tender_dir, against_lock=current is None)
    replaced = None
    if current is not None:
        replaced = {"digest": current.digest, "on": str(today), "by": by, "reason": reason}
    text = lock_text(
        published_rules(tender.config, tender.tree),
        locked_at=str(today),
        locked_by=by,
        submission_deadline=_date_option("--deadline", deadline),
        replaced=replaced,
    )
    write_atomic(path, text.encode())
    stderr.print(f"locked the criteria in {path}", markup=False)


def _date_option(name: str, value: str | None) -> datetime.date | None:
    from tenderscore.errors import UsageError

    if value is None:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{name} expects a date as YYYY-MM-DD; got {value!r}") from None
