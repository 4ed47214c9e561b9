"""Benchmark: the publication formats (issues 19 and 20): the decision page, the Word report
and letters, the open data.

Usage: python bench/bench_publication.py [--bids 200] [--criteria 30] [--repeat 3]

Prints, for the shipped example, each format's render time in process (warm, best of
--repeat) and its size (the decision page's target: under 300 KB); then the same for a
generated tender of --bids bids, where the decision page carries every ranked bid's values.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

from bench_evaluate import REPO, best_of, generate

from tenderscore import pipeline
from tenderscore.exporters.summaries import render_summary_letters
from tenderscore.exporting import render_exports
from tenderscore.input.loading import load_tender
from tenderscore.report.document import RunInfo

RUN = RunInfo("bench", "bench")
CASES = (
    ("decision page, public", ("html",), "public"),
    ("decision page, committee", ("html",), "committee"),
    ("Word report, committee", ("docx",), "committee"),
    ("Word report, public", ("docx",), "public"),
    ("Markdown report, committee (for comparison)", ("md",), "committee"),
)


def bench(label: str, document: Any, repeat: int) -> None:
    print(f"{label}:")
    for name, formats, audience in CASES:
        seconds, files = best_of(
            repeat, lambda f=formats, a=audience: render_exports(document, f, audience=a)
        )
        size = sum(len(data) for data in files.values())
        print(f"  {name}: {seconds:.3f} s, {size / 1000:.1f} KB")
    if document.get("publication"):
        seconds, files = best_of(repeat, lambda: render_exports(document, ("ocds",)))
        size = sum(len(data) for data in files.values())
        print(f"  OCDS release package: {seconds:.3f} s, {size / 1000:.1f} KB")
    seconds, letters = best_of(repeat, lambda: render_summary_letters(document, ("docx",)))
    per_letter = seconds / max(len(letters), 1)
    print(f"  Word letters: {len(letters)} in {seconds:.3f} s ({1000 * per_letter:.1f} ms each)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bids", type=int, default=200)
    parser.add_argument("--criteria", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    example = load_tender(REPO / "examples" / "police-analytics")
    document = pipeline.run(example, analysis="full", document=RUN).document
    bench("example", document, args.repeat)
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch) / "tender"
        generate(directory, args.bids, args.criteria, 3)
        tender = load_tender(directory)
        large = pipeline.run(tender, analysis="quick", document=RUN).document
        bench(f"{args.bids} bids x {args.criteria} criteria", large, 1)


if __name__ == "__main__":
    main()
