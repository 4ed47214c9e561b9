"""The parts of a command that decide where a run's files go and write them, and what a
run is (official or a what-if), shared by the commands that write outputs."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from tenderscore.cli.terminal import stderr

if TYPE_CHECKING:
    from tenderscore.input.tender import Tender
    from tenderscore.report.document import RunInfo, WhatIf
    from tenderscore.report.types import ExportDocument


def plan_exports(
    tender: Tender,
    out: Path | None,
    formats: str | None,
    what_if: WhatIf | None,
    *,
    draft: bool = False,
    audience: str = "committee",
) -> tuple[tuple[str, ...], dict[str, Path]]:
    """The formats and the output path of each file, refused before any work if one of them
    is an input. A what-if run writes under its own names in ``what-if/<name>/``, a draft in
    ``draft/``."""
    from tenderscore.exporting import (
        check_audience,
        output_directory,
        output_names,
        parse_formats,
        shows_value_chart,
    )
    from tenderscore.files import refuse_inputs_as_outputs

    name = None if what_if is None else what_if.name
    directory = output_directory(out or tender.root / "out", name, draft=draft)
    chosen = parse_formats(formats, audience=audience)
    check_audience(audience, official=what_if is None, draft=draft, formats=chosen)  # first
    value_chart = shows_value_chart(
        priced=tender.tree.priced,
        audience=audience,
        **tender.config.disclosure.model_dump(),
    )
    names = output_names(
        tender.config.reference,
        chosen,
        what_if=name,
        draft=draft,
        audience=audience,
        value_chart=value_chart,
    )
    targets = {name: directory / name for name in names.values()}
    refuse_inputs_as_outputs(targets.values(), [source.path for source in tender.sources])
    return chosen, targets


def write_exports(
    document: ExportDocument | None,
    formats: tuple[str, ...],
    targets: dict[str, Path],
    template: Path | None,
    audience: str = "committee",
) -> list[Path]:
    """Render and write the planned exports; the paths written (none when not exporting)."""
    if document is None or not targets:
        return []
    from tenderscore.exporting import render_exports
    from tenderscore.files import write_outputs

    files = render_exports(document, formats, template_dir=template, audience=audience)
    write_outputs({targets[name]: data for name, data in files.items()})
    return [targets[name] for name in files]


def check_award(document: ExportDocument, what: str) -> None:
    """Refuse ``what`` (letters, open data) unless the document describes an award, and say
    on stderr what the officer should know before sending it: no approval recorded, dates
    out of order."""
    from tenderscore.report.award import check_publishable, unapproved

    check_publishable(document, what)
    if unapproved(document):
        stderr.print(
            f"warning: no approval of the decision is recorded; {what} usually follow it "
            "(tenderscore approve)",
            markup=False,
            soft_wrap=True,
        )
    timeline = document.get("timeline")
    for problem in timeline["problems"] if timeline else []:
        stderr.print(f"warning: timeline: {problem}", markup=False, soft_wrap=True)


def write_files(
    files: dict[Path, bytes], tender: Tender | None = None, *, inputs: list[Path] | None = None
) -> None:
    """Refuse outputs that are inputs, write every file atomically, and say what was written."""
    from tenderscore.files import refuse_inputs_as_outputs, write_outputs

    sources = [source.path for source in tender.sources] if tender else []
    refuse_inputs_as_outputs(files, [*sources, *(inputs or [])])
    write_outputs(files)
    for path in files:
        stderr.print(f"wrote {path}", markup=False, soft_wrap=True)


def run_info(what_if: WhatIf | None = None) -> RunInfo:
    """When and how this run was made; SOURCE_DATE_EPOCH fixes the time for reproducibility."""
    import datetime
    import shlex

    from tenderscore.report.document import RunInfo

    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = (
        datetime.datetime.fromtimestamp(int(epoch), tz=datetime.UTC)
        if epoch and epoch.isdigit()
        else datetime.datetime.now(tz=datetime.UTC)
    )
    command = shlex.join(["tenderscore", *sys.argv[1:]])
    return RunInfo(moment.isoformat(timespec="seconds"), command, what_if)


def reweighted(
    tender: Tender, scenario: str | None, weights: str | None
) -> tuple[Tender, WhatIf | None]:
    """The tender re-weighted by --scenario and/or --weights, and the what-if it makes (None:
    the tender's own weights, an official run)."""
    from tenderscore.input.fingerprints import content_digest
    from tenderscore.report.document import WhatIf
    from tenderscore.sensitivity.scenarios import parse_weights, scenario_weights

    changes: dict[str, float] = {}
    labels = []
    if scenario:
        changes |= scenario_weights(tender, scenario)
        labels.append(f"scenario {scenario}")
    if weights:
        changes |= parse_weights(weights)
        labels.append(f"--weights {weights}")
    if not changes:
        return tender, None
    name = scenario if scenario and not weights else f"weights-{content_digest(changes, length=8)}"
    return tender.with_weights(changes), WhatIf(" and ".join(labels), name, changes)
