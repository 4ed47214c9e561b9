"""The arguments and options several commands share, defined once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

TenderDir = Annotated[
    Path,
    typer.Argument(help="Tender directory holding tender.yaml and bids/.", show_default=False),
]


WeightsOption = Annotated[
    str | None,
    typer.Option(
        "--weights",
        help="Re-score with these weights, e.g. cost=50,ethics=15 (each level renormalised).",
        show_default=False,
    ),
]
OutOption = Annotated[
    Path | None,
    typer.Option(
        help="Directory for the exports [default: TENDER_DIR/out, or beside the JSON].",
        show_default=False,
    ),
]
FormatsOption = Annotated[
    str | None,
    typer.Option(
        "--format",
        help="Exports to write: any of xlsx,md,docx,json,html,ocds [default: xlsx,md,json for "
        "the committee, md,html for the public].",
        show_default=False,
    ),
]
AudienceOption = Annotated[
    str | None,
    typer.Option(
        help="committee: everything, confidential; public: the decision and its reasons, "
        "without bidders' commercial information (see disclosure in tender.yaml), in "
        "<reference>-report-public.md and <reference>-decision.html [default: public for "
        "--format html alone, committee otherwise].",
        show_default=False,
    ),
]
TemplateOption = Annotated[
    Path | None,
    typer.Option(
        help="Directory with the organisation's templates: report.md.j2, report-public.md.j2, "
        "summary.md.j2 or decision.html.j2 replacing the built-in wording, reference.docx for "
        "the Word house style.",
        show_default=False,
    ),
]
ScenarioOption = Annotated[
    str | None,
    typer.Option(
        "--scenario", help="Re-score with a scenario from tender.yaml.", show_default=False
    ),
]
