"""`tenderscore forms`: the blank response form and price schedule bidders fill in, and the
returned ones as YAML bids for those who keep bids as text."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tenderscore.cli import runs
from tenderscore.cli.options import TenderDir


def forms(
    tender_dir: TenderDir,
    out: Annotated[
        Path | None,
        typer.Option(help="Directory [default: TENDER_DIR/out/forms].", show_default=False),
    ] = None,
    to_yaml: Annotated[
        bool,
        typer.Option(
            "--to-yaml",
            help="Write each bid returned in TENDER_DIR/responses/ as TENDER_DIR/bids/<id>.yaml "
            "instead (then move the workbooks out of responses/: a bid in both is an error).",
        ),
    ] = False,
) -> None:
    """Write the response form and the price schedule bidders fill in and return to
    TENDER_DIR/responses/<bid id>/."""
    from tenderscore.input.loading import load_rules

    tender = load_rules(tender_dir)
    if to_yaml:
        _to_yaml(tender.root, tender)
        return
    from tenderscore.exporters.response_forms import render_forms
    from tenderscore.input.lock import read_lock

    lock = read_lock(tender.root)  # a problem with it was reported loading the rules
    deadline = getattr(lock, "submission_deadline", None)
    books = render_forms(tender, deadline=str(deadline) if deadline else "")

    directory = out or tender.root / "out" / "forms"
    runs.write_files({directory / name: data for name, data in books.items()}, tender)


def _to_yaml(root: Path, tender: object) -> None:
    import yaml

    from tenderscore.errors import InputError, UsageError
    from tenderscore.input.response_forms import read_responses
    from tenderscore.input.tender import Tender

    assert isinstance(tender, Tender)
    responses, problems = read_responses(root, tender.config, tender.tree)
    if problems:
        raise InputError(problems)
    if not responses:
        raise UsageError(f"no responses in {root / 'responses'}: nothing to write")
    files = {}
    for response in responses:
        path = root / "bids" / f"{response.bid.id}.yaml"
        if path.exists():
            raise UsageError(f"refusing to overwrite {path}: the bid is already in YAML")
        data = response.bid.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
        header = (
            f"# From the workbooks in responses/{response.bid.id}/ (tenderscore forms --to-yaml)\n"
        )
        files[path] = (header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True)).encode()
    runs.write_files(files, tender)
