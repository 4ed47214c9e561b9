"""Benchmark: reading bids returned as workbooks (response form and price schedule).

Usage: python bench/bench_responses.py [--bids 200] [--criteria 60]

Generates the synthetic tender of bench_evaluate, turns each YAML bid into the two workbooks
`tenderscore forms` makes, filled by openpyxl as a bidder's Excel would save them (with the
helper the tests use), and times loading the tender from the YAML bids and from the
workbooks (scores stay in the YAML of the first; the second reads scores from nowhere, so
it is loaded without requiring them).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from bench_evaluate import REPO, generate

from tenderscore.exporters.response_forms import render_forms
from tenderscore.input.loading import load_rules, load_tender
from tenderscore.input.response_forms import form_name, schedule_name

sys.path.insert(0, str(REPO / "tests"))
from workbooks import fill_response


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bids", type=int, default=200)
    parser.add_argument("--criteria", type=int, default=60)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        yaml_tender = Path(scratch) / "yaml"
        generate(yaml_tender, args.bids, args.criteria, 3)
        started = time.perf_counter()
        tender = load_tender(yaml_tender, require_scores=False)
        print(f"{args.bids} bids x {args.criteria} criteria")
        print(f"  load from YAML bids:        {time.perf_counter() - started:.2f} s")
        books = Path(scratch) / "books"
        books.mkdir()
        (books / "tender.yaml").write_bytes((yaml_tender / "tender.yaml").read_bytes())
        blank = render_forms(load_rules(books))
        reference = tender.config.reference
        (books / "blank").mkdir()
        for name, data in blank.items():
            (books / "blank" / name).write_bytes(data)
        started = time.perf_counter()
        for bid in (*tender.bids, *tender.set_aside):
            fill_response(
                books / "blank" / form_name(reference),
                books / "blank" / schedule_name(reference),
                bid,
                books / "responses" / bid.id,
                term_years=tender.config.term_years,
            )
        print(
            f"  fill the workbooks (openpyxl, not timed below): "
            f"{time.perf_counter() - started:.1f} s"
        )
        started = time.perf_counter()
        loaded = load_tender(books, require_scores=False)
        seconds = time.perf_counter() - started
        count = len(loaded.bids) + len(loaded.set_aside)
        print(
            f"  load from workbooks:        {seconds:.2f} s ({1000 * seconds / count:.1f} ms a bid)"
        )


if __name__ == "__main__":
    main()
