"""`tenderscore ocds`: the award as an Open Contracting Data Standard release package."""

from __future__ import annotations

from tenderscore.cli import runs
from tenderscore.cli.options import OutOption, TenderDir


def ocds(tender_dir: TenderDir, out: OutOption = None) -> None:
    """Write the award as open data: an OCDS 1.1 release package (<reference>-ocds.json) with
    the tender as one lot and its award criteria, every bid with its status (and its value
    where the disclosure policy publishes it), the award and the parties. Only the official
    evaluation, ready to award, describes an award; publication: in tender.yaml gives the
    OCID prefix and the buyer's identifier."""
    from tenderscore import pipeline
    from tenderscore.exporters.ocds import render_ocds
    from tenderscore.exporting import output_names

    tender = pipeline.load(tender_dir)
    result = pipeline.run(tender, document=runs.run_info(), readiness="require")
    assert result.document is not None  # a document was asked for
    runs.check_award(result.document, "open data")
    name = output_names(tender.config.reference, ("ocds",))["ocds"]
    directory = out or tender.root / "out"
    runs.write_files({directory / name: render_ocds(result.document)}, tender)
