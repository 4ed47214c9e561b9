"""The ``tenderscore`` command: parse arguments, call the library, render with rich.

Each command does three things only. Library modules are imported inside the commands so that
``tenderscore --help`` does not pay for numpy and pydantic. Every exception is turned into an
exit code in one place, ``_handle_errors``.

The top layer: may import anything in the package; nothing imports it. Only here may typer and
rich be imported, text be printed or the process exit.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import sys
from collections.abc import Callable, Iterator
from enum import IntEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.text import Text

from tenderscore.cli import (
    approve_command,
    forms_command,
    lock_command,
    moderation_command,
    ocds_command,
    runs,
    status_command,
)
from tenderscore.cli.options import (
    AudienceOption,
    FormatsOption,
    OutOption,
    ScenarioOption,
    TemplateOption,
    TenderDir,
    WeightsOption,
)
from tenderscore.cli.terminal import bullets, stderr, stdout, working

app = typer.Typer(
    name="tenderscore",
    help="Transparent, reproducible and defensible tender evaluation.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=True,
    rich_markup_mode=None,
)


F = TypeVar("F", bound=Callable[..., Any])


class ExitCode(IntEnum):
    """Documented in the README; tests pin each one."""

    OK = 0
    INTERNAL_ERROR = 1
    BAD_INPUT = 2
    CANNOT_WRITE = 3
    MISMATCH = 4
    INTERRUPTED = 130


def _handle_errors(command: F) -> F:
    """Run ``command``; turn every exception into a message on stderr and an exit code."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from tenderscore.errors import InputError, NotReady, OutputError, UsageError, summarised

        try:
            return command(*args, **kwargs)
        except InputError as exc:
            for line in summarised(exc.problems):
                stderr.print(line, markup=False, soft_wrap=True)
            count = len(exc.problems)
            stderr.print(f"{count} problem{'s' if count != 1 else ''} found.", markup=False)
            raise typer.Exit(ExitCode.BAD_INPUT) from None
        except UsageError as exc:
            stderr.print(f"error: {exc}", markup=False, soft_wrap=True)
            raise typer.Exit(ExitCode.BAD_INPUT) from None
        except NotReady as exc:
            stderr.print("Not ready to award:", markup=False)
            for item in exc.items:
                stderr.print(f"  - {item}", markup=False, soft_wrap=True)
            count = len(exc.items)
            stderr.print(
                f"{count} item{'s' if count != 1 else ''} open; nothing was written. "
                "`tenderscore evaluate --draft` writes the exports marked DRAFT meanwhile.",
                markup=False,
                soft_wrap=True,
            )
            raise typer.Exit(ExitCode.BAD_INPUT) from None
        except OutputError as exc:
            stderr.print(f"error: {exc}", markup=False, soft_wrap=True)
            raise typer.Exit(ExitCode.CANNOT_WRITE) from None
        except KeyboardInterrupt:
            stderr.print("interrupted", markup=False)
            raise typer.Exit(ExitCode.INTERRUPTED) from None
        except (typer.Exit, typer.Abort):
            raise
        except Exception as exc:
            if os.environ.get("TENDERSCORE_DEBUG"):
                raise
            stderr.print(
                f"internal error: {type(exc).__name__}: {exc}\nThis is a bug in tenderscore; "
                "please report it with the command you ran (set TENDERSCORE_DEBUG=1 for a "
                "traceback).",
                markup=False,
                soft_wrap=True,
            )
            raise typer.Exit(ExitCode.INTERNAL_ERROR) from None

    return wrapper  # type: ignore[return-value]


@app.command()
@_handle_errors
def evaluate(
    tender_dir: TenderDir,
    json_output: Annotated[
        bool, typer.Option("--json", help="Print one JSON document with every number's trace.")
    ] = False,
    scenario: ScenarioOption = None,
    weights: WeightsOption = None,
    robustness: Annotated[
        bool,
        typer.Option(help="Add a one-paragraph robustness summary (a quick sensitivity run)."),
    ] = True,
    export: Annotated[
        bool, typer.Option(help="Write the workbook, report and JSON (see --out, --format).")
    ] = True,
    out: OutOption = None,
    formats: FormatsOption = None,
    audience: AudienceOption = None,
    template: TemplateOption = None,
    draft: Annotated[
        bool,
        typer.Option(
            help="Write the exports even if the evaluation is not ready to award, marked DRAFT "
            "with what is still open, recommending nothing (in out/draft/)."
        ),
    ] = False,
) -> None:
    """Validate, score and rank the bids of a tender, and write the exports.

    The official exports recommend an award, so they are written only when nothing is open
    (disputes without a consensus, weak consensus reasons, uninvestigated abnormally low
    prices); --draft writes them marked DRAFT meanwhile."""
    from tenderscore import pipeline
    from tenderscore.cli.render import render_evaluation, render_reweighting
    from tenderscore.errors import UsageError
    from tenderscore.exporting import resolve_audience

    with working("Reading and checking the inputs", quiet=json_output):
        loaded = pipeline.load(tender_dir)
    tender, what_if = runs.reweighted(loaded, scenario, weights)
    audience = resolve_audience(audience, formats, official=what_if is None and not draft)
    if json_output and audience != "committee":
        raise UsageError(
            "--json prints everything the committee sees; the public get the public report"
        )
    if draft and what_if is not None:
        raise UsageError("--draft is for the official evaluation; a what-if recommends nothing")
    planned = (
        runs.plan_exports(tender, out, formats, what_if, draft=draft, audience=audience)
        if export
        else None
    )
    chosen, targets = planned or ((), {})
    with working("Scoring and testing the result", quiet=json_output) as advance:
        result = pipeline.run(
            tender,
            analysis="full" if export else "quick" if robustness else "none",
            document=runs.run_info(what_if) if targets else None,
            progress=advance,
            readiness="ignore" if what_if is not None else "draft" if draft else "require",
        )
    evaluation, report = result.evaluation, result.report
    with working("Writing the exports", quiet=json_output):
        written = runs.write_exports(result.document, chosen, targets, template, audience)
    if json_output:
        from tenderscore.exporters.json import dumps
        from tenderscore.report.document import run_part
        from tenderscore.report.evaluation import evaluation_document

        document = evaluation_document(evaluation, report if robustness else None)
        document["run"] = run_part(what_if, draft=draft)
        if what_if is None:  # a script reading the official result sees what is still open
            from tenderscore.engine.readiness import readiness_items

            items = readiness_items(result.tender, evaluation)
            document["readiness"] = [item.message for item in items]
        sys.stdout.write(dumps(document))
    else:
        if what_if is not None:
            render_reweighting(stdout, what_if, evaluation)
        render_evaluation(stdout, evaluation)
        if report is not None and robustness:
            from tenderscore.report.wording import robustness_headline

            stdout.print(Text("Robustness", style="bold"))
            stdout.print(Text(robustness_headline(report, published=what_if is None)))
    for path in written:
        stderr.print(f"wrote {path}", markup=False, soft_wrap=True)
    approval = result.document.get("approval") if result.document else None
    if approval and not approval["current"]:
        stderr.print(
            f"warning: the approval by {approval['approved_by']} ({approval['approved_at']}) is "
            f"STALE: {approval['stale_because']} it; approve again with "
            "`tenderscore approve --replace` before relying on these exports",
            markup=False,
            soft_wrap=True,
        )


@app.command()
@_handle_errors
def sensitivity(
    tender_dir: TenderDir,
    samples: Annotated[
        int | None,
        typer.Option(
            min=100,
            help="Monte Carlo samples (default: tender.yaml, else 20,000).",
            show_default=False,
        ),
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option(
            min=0, help="Random seed: the same seed gives the same results.", show_default=False
        ),
    ] = None,
    sampling: Annotated[
        str | None,
        typer.Option(
            help="Weight sampling: uniform, dirichlet, intervals or rank.", show_default=False
        ),
    ] = None,
    score_uncertainty: Annotated[
        bool | None,
        typer.Option(
            "--score-uncertainty/--exact-scores",
            help="Resample scale scores from the panel's individual scores.",
            show_default=False,
        ),
    ] = None,
    scenario: ScenarioOption = None,
    weights: WeightsOption = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    progress: Annotated[bool, typer.Option(help="Show a progress bar on a terminal.")] = True,
) -> None:
    """Test how robust the ranking is to the weights, the scores, the price and the formula."""
    from tenderscore import pipeline
    from tenderscore.errors import UsageError
    from tenderscore.sensitivity.analysis import smaa_settings
    from tenderscore.sensitivity.sampling import SAMPLINGS

    if sampling is not None and sampling not in SAMPLINGS:
        raise UsageError(f"--sampling must be one of {', '.join(SAMPLINGS)}; got {sampling!r}")
    tender, what_if = runs.reweighted(pipeline.load(tender_dir), scenario, weights)
    settings = smaa_settings(
        tender,
        samples=samples,
        seed=seed,
        sampling=sampling,
        score_uncertainty=score_uncertainty,
    )
    with _progress_bar(enabled=progress and not json_output) as advance:
        report = pipeline.run(tender, analysis=settings, progress=advance).report
    assert report is not None
    if json_output:
        from tenderscore.exporters.json import dumps
        from tenderscore.report.evaluation import sensitivity_document

        sys.stdout.write(dumps(sensitivity_document(report)))
        return
    from tenderscore.cli.render import render_reweighting
    from tenderscore.cli.sensitivity_view import render_sensitivity

    if what_if is not None:
        render_reweighting(stdout, what_if, report.evaluation)
    render_sensitivity(stdout, report, published=what_if is None)


@contextlib.contextmanager
def _progress_bar(*, enabled: bool) -> Iterator[Callable[[int, int], None] | None]:
    """A transient progress bar on stderr, only when a person is watching."""
    if not enabled or not stderr.is_interactive:
        yield None
        return
    from rich.progress import Progress

    with Progress(console=stderr, transient=True) as bar:
        task = bar.add_task("Sampling weights", total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield advance


@app.command()
@_handle_errors
def validate(tender_dir: TenderDir) -> None:
    """Check a tender and its bids; report every problem at once (exit 2 if any)."""
    from tenderscore.cli.render import render_weights
    from tenderscore.engine.readiness import readiness_items
    from tenderscore.engine.scoring import evaluate
    from tenderscore.input.loading import load_tender

    with working("Reading and checking the inputs"):
        tender = load_tender(tender_dir)
    render_weights(stdout, tender)
    leaves = len(tender.tree.leaves) + len(tender.tree.gates)
    stdout.print(
        f"{tender_dir}: ok ({len(tender.bids)} bids"
        + (f" and {len(tender.set_aside)} set aside before scoring" if tender.set_aside else "")
        + f", {leaves} criteria, "
        f"{len(tender.sources)} files)",
        markup=False,
    )
    items = readiness_items(tender, evaluate(tender))
    if not items:
        stdout.print("Ready to award: nothing is open.", markup=False)
        return
    stdout.print(Text(f"Not ready to award ({len(items)} open):", style="bold yellow"))
    bullets(stdout, (item.message for item in items))


@app.command()
@_handle_errors
def explain(
    tender_dir: TenderDir,
    bid: Annotated[str, typer.Argument(help="Id of the bid to explain.", show_default=False)],
) -> None:
    """Show one bid's full breakdown with the formula used at each step."""
    from tenderscore import pipeline
    from tenderscore.cli.render import render_explanation, render_set_aside
    from tenderscore.errors import UsageError, did_you_mean

    result = pipeline.run(tender_dir)
    tender, evaluation = result.tender, result.evaluation
    set_aside = {b.id: b for b in evaluation.set_aside}
    if bid in set_aside:
        render_set_aside(stdout, set_aside[bid])
        return
    ids = [b.id for b in evaluation.bids] + list(set_aside)
    if bid not in ids:
        raise UsageError(f"no bid {bid!r}{did_you_mean(bid, ids)} (bids: {', '.join(ids)})")
    render_explanation(stdout, tender, evaluation, evaluation.bid(bid))


@app.command()
@_handle_errors
def schema(
    kind: Annotated[str, typer.Argument(help="Which file: tender, bid or criteria.")] = "tender",
) -> None:
    """Print the JSON Schema of an input file (for editor autocompletion)."""
    from tenderscore.errors import UsageError
    from tenderscore.input.schemas import SCHEMAS, render_schema

    if kind not in SCHEMAS:
        raise UsageError(f"no schema {kind!r}; expected one of: {', '.join(SCHEMAS)}")
    sys.stdout.write(render_schema(kind))


@app.command()
@_handle_errors
def export(
    result: Annotated[
        Path, typer.Argument(help="A saved <reference>-evaluation.json.", show_default=False)
    ],
    out: OutOption = None,
    formats: FormatsOption = None,
    audience: AudienceOption = None,
    template: TemplateOption = None,
) -> None:
    """Render the workbook and report again from a saved result, without re-scoring."""
    from tenderscore.errors import UsageError
    from tenderscore.exporting import parse_formats, render_saved, resolve_audience
    from tenderscore.input.saved import read_export

    kind, document = read_export(result)
    if kind != "json" or not isinstance(document, dict):
        raise UsageError("export re-renders from the JSON export, not from a workbook")
    run = document.get("run")
    official = isinstance(run, dict) and run.get("official") is True and not run.get("draft")
    audience = resolve_audience(audience, formats, official=official)
    chosen = parse_formats(formats, audience=audience, default="xlsx,md")
    files = render_saved(result, document, chosen, template_dir=template, audience=audience)
    directory = out or result.parent
    runs.write_files({directory / name: data for name, data in files.items()}, inputs=[result])


@app.command()
@_handle_errors
def verify(
    tender_dir: TenderDir,
    saved: Annotated[
        Path,
        typer.Argument(help="An exported workbook (.xlsx) or JSON result.", show_default=False),
    ],
) -> None:
    """Check an export against the inputs: exit 0 if it matches, 4 if anything differs."""
    from tenderscore.verification import verify_export

    differences = verify_export(tender_dir, saved)
    if not differences:
        stdout.print(f"{saved}: matches the inputs in {tender_dir}", markup=False)
        return
    for difference in differences:
        stdout.print(difference, markup=False, soft_wrap=True)
    count = len(differences)
    stderr.print(
        f"{saved} does not match: {count} difference{'s' if count != 1 else ''}.", markup=False
    )
    raise typer.Exit(ExitCode.MISMATCH)


app.command(name="lock")(_handle_errors(lock_command.lock))
app.command(name="approve")(_handle_errors(approve_command.approve))
app.command(name="moderation")(_handle_errors(moderation_command.moderation))
app.command(name="status")(_handle_errors(status_command.status))
app.command(name="forms")(_handle_errors(forms_command.forms))
app.command(name="ocds")(_handle_errors(ocds_command.ocds))


@app.command()
@_handle_errors
def init(
    directory: Annotated[Path, typer.Argument(help="New tender directory.", show_default=False)],
    criteria: Annotated[
        str, typer.Option(help="A shipped criteria set (see `tenderscore criteria`) or a file.")
    ] = "general-services",
    reference: Annotated[str, typer.Option(help="The tender's reference.")] = "TENDER-001",
) -> None:
    """Start a new tender from a criteria set: tender.yaml, a bid template and a README."""
    from tenderscore.errors import UsageError, did_you_mean
    from tenderscore.input.catalogue import shipped_criteria
    from tenderscore.input.fields import IDENTIFIER
    from tenderscore.input.loading import load_criteria_set
    from tenderscore.input.scaffold import scaffold

    if (directory / "tender.yaml").exists():
        raise UsageError(f"{directory / 'tender.yaml'} exists; refusing to overwrite a tender")
    if not re.fullmatch(IDENTIFIER, reference) or len(reference) > 64:
        raise UsageError(
            f"--reference must be letters, digits, '.', '_' or '-' (it names the output files), "
            f"at most 64 characters, starting with a letter or digit; got {reference!r}"
        )
    shipped = shipped_criteria()
    path = shipped.get(criteria) or Path(criteria)
    if not path.is_file():
        raise UsageError(
            f"no criteria set {criteria!r}{did_you_mean(criteria, shipped)} "
            f"(shipped: {', '.join(shipped)})"
        )
    criteria_set = load_criteria_set(path)
    files = scaffold(criteria_set, reference)
    if criteria not in shipped:
        files["tender.yaml"] = files["tender.yaml"].replace(
            f"criteria: {criteria_set.name}", f"criteria: {path.resolve()}"
        )
    runs.write_files({directory / name: text.encode() for name, text in files.items()})


@app.command()
@_handle_errors
def sheets(
    tender_dir: TenderDir,
    out: Annotated[
        Path | None,
        typer.Option(help="Directory [default: TENDER_DIR/out/sheets].", show_default=False),
    ] = None,
) -> None:
    """Write one scoring workbook per evaluator; filled ones go in TENDER_DIR/scores/.

    Every panel member must have declared their interests first (conflicts in tender.yaml):
    no sheet, and so no bid, reaches anyone who has not."""
    from tenderscore.errors import UsageError
    from tenderscore.exporters.scoresheets import render_sheets
    from tenderscore.input.keys import sheet_key
    from tenderscore.input.loading import load_tender
    from tenderscore.input.panel import undeclared

    tender = load_tender(tender_dir, require_scores=False)
    missing = undeclared(tender.config)
    if missing:
        raise UsageError(
            f"no declaration of interests for {', '.join(missing)}: record each panel member's "
            "declaration under conflicts in tender.yaml (interest: none, or the interest with "
            "the bids concerned, its assessment and mitigation) before any sheet is issued; "
            "nothing was written"
        )
    directory = out or tender.root / "out" / "sheets"
    books = render_sheets(
        tender.config,
        tender.tree,
        tender.bids,
        sheet_key(tender.root),
        set_aside=tender.set_aside,
        generated_at=runs.run_info().generated_at,
    )
    runs.write_files({directory / name: data for name, data in books.items()}, tender)


@app.command()
@_handle_errors
def summaries(
    tender_dir: TenderDir,
    out: Annotated[
        Path | None,
        typer.Option(help="Directory [default: TENDER_DIR/out/summaries].", show_default=False),
    ] = None,
    template: TemplateOption = None,
    formats: Annotated[
        str,
        typer.Option(
            "--format",
            help="md, docx (a Word letter per bidder, on reference.docx in --template), or "
            "md,docx.",
        ),
    ] = "md",
) -> None:
    """Write one assessment summary per bidder (Procurement Act 2023 s50)."""
    from tenderscore import pipeline
    from tenderscore.errors import UsageError
    from tenderscore.exporters.summaries import render_summary_letters

    chosen = tuple(part.strip().lower() for part in formats.split(",") if part.strip())
    if not chosen or any(part not in ("md", "docx") for part in chosen):
        raise UsageError(f"--format expects md, docx or md,docx; got {formats!r}")

    # no analysis: summaries show none; bidders hear the outcome only when it is ready to award
    with working("Reading, scoring and writing the summaries"):
        result = pipeline.run(tender_dir, document=runs.run_info(), readiness="require")
        tender, document = result.tender, result.document
        assert document is not None
        runs.check_award(document, "assessment summaries")
        files = render_summary_letters(document, chosen, template_dir=template)
    directory = out or tender.root / "out" / "summaries"
    runs.write_files({directory / name: data for name, data in files.items()}, tender)


@app.command("criteria")
@_handle_errors
def list_criteria() -> None:
    """List the criteria sets shipped with tenderscore."""
    from tenderscore.cli.render import render_criteria_sets
    from tenderscore.input.catalogue import shipped_criteria
    from tenderscore.input.loading import load_criteria_set

    sets = {name: load_criteria_set(path) for name, path in shipped_criteria().items()}
    render_criteria_sets(stdout, sets)


def version_callback(value: bool) -> None:
    if value:
        from tenderscore import __version__

        stdout.print(f"tenderscore {__version__}", markup=False)
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=version_callback, is_eager=True, help="Show version."),
    ] = False,
) -> None:
    """Transparent, reproducible and defensible tender evaluation."""


def main() -> None:
    app()
