"""The one pipeline every command, the benchmarks and the API run: load, evaluate, analyse,
document, each later stage optional.

``evaluate``, ``explain``, ``summaries``, ``sensitivity`` and ``verify`` differ only in which
stages they need and what they do with the result; they all go through ``run`` so that a
stage is never re-implemented, and never run when nothing shows it (``summaries`` needs no
sensitivity analysis). ``export`` runs no stage: it renders a saved document.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from tenderscore.engine.moderation import Moderation
    from tenderscore.engine.results import Evaluation
    from tenderscore.input.tender import Tender
    from tenderscore.report.document import RunInfo
    from tenderscore.report.types import ExportDocument
    from tenderscore.sensitivity.analysis import SensitivityReport, SmaaSettings
    from tenderscore.sensitivity.smaa import Progress

Analysis = Literal["none", "quick", "full"]


@dataclass(frozen=True)
class PipelineResult:
    """What the stages produced; a stage that did not run left its field None."""

    tender: Tender
    evaluation: Evaluation
    report: SensitivityReport | None = None
    document: ExportDocument | None = None


def run(
    source: Path | Tender,
    *,
    adjust: Callable[[Tender], Tender] | None = None,
    analysis: Analysis | SmaaSettings = "none",
    document: RunInfo | None = None,
    require_scores: bool = True,
    progress: Progress | None = None,
    readiness: Literal["ignore", "require", "draft"] = "ignore",
) -> PipelineResult:
    """Run the stages up to what is asked for.

    ``source`` is a tender directory (loaded and validated) or a loaded tender; ``adjust``
    changes it before scoring (a what-if's weights); ``analysis`` is none, the quick check
    (stability intervals and a small SMAA run), the full analysis, or explicit SMAA settings
    (``verify`` repeats a recorded run); ``document`` builds the export document with that
    run information. ``readiness`` "require" refuses (``NotReady``, before any analysis) an
    official evaluation that cannot recommend an award yet; "draft" carries what is open into
    the document, marked DRAFT.
    """
    from tenderscore.engine.scoring import evaluate

    tender = source if not isinstance(source, Path) else load(source, require_scores=require_scores)
    if adjust is not None:
        tender = adjust(tender)
    evaluation = evaluate(tender)
    if document is None:
        return PipelineResult(tender, evaluation, _analyse(tender, evaluation, analysis, progress))
    from tenderscore.engine.moderation import moderate
    from tenderscore.report.document import export_document

    moderation = moderate(tender)  # for the readiness check and the document: 4 s on 2,000 bids
    if readiness != "ignore":
        document = _ready(tender, evaluation, moderation, document, draft=readiness == "draft")
    report = _analyse(tender, evaluation, analysis, progress)
    built = export_document(tender, evaluation, report, document, moderation=moderation)
    return PipelineResult(tender, evaluation, report, built)


def _ready(
    tender: Tender, evaluation: Evaluation, moderation: Moderation, run: RunInfo, *, draft: bool
) -> RunInfo:
    """``run`` with what is still open; refused unless it is a draft when anything is."""
    import dataclasses

    from tenderscore.engine.readiness import readiness_items
    from tenderscore.errors import NotReady

    items = readiness_items(tender, evaluation, moderation)
    if items and not draft:
        raise NotReady([item.message for item in items])
    return dataclasses.replace(run, draft=draft, readiness=items)


def load(tender_dir: Path, *, require_scores: bool = True) -> Tender:
    """The first stage alone: the tender directory read and validated (every problem at once)."""
    from tenderscore.input.loading import load_tender

    return load_tender(tender_dir, require_scores=require_scores)


def _analyse(
    tender: Tender,
    evaluation: Evaluation,
    analysis: Analysis | SmaaSettings,
    progress: Progress | None,
) -> SensitivityReport | None:
    if analysis == "none":
        return None
    from tenderscore.sensitivity.analysis import analyse_sensitivity

    if isinstance(analysis, str):
        return analyse_sensitivity(tender, evaluation, quick=analysis == "quick", progress=progress)
    return analyse_sensitivity(tender, evaluation, settings=analysis, progress=progress)
