"""Benchmark: `verify` on a large committee workbook, as exported and after a re-save.

Usage: python bench/bench_verify.py [--bids 500] [--criteria 60] [--evaluators 5]

Prints, in process: exporting the workbook; verify on the workbook as exported (every part
byte-identical: nothing is parsed); reading both packages into what a reader sees
(input/workbook_view.py) and comparing them, for a workbook re-saved by openpyxl (every part
rewritten); and the whole verify of the re-saved workbook (which re-runs the evaluation and
the analysis with the recorded settings, then compares).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from bench_evaluate import generate
from openpyxl import load_workbook

from tenderscore import pipeline
from tenderscore.exporters.workbook import render_workbook
from tenderscore.input.workbook_view import read_view
from tenderscore.report.document import RunInfo
from tenderscore.verification import verify_export, workbook_differences


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bids", type=int, default=500)
    parser.add_argument("--criteria", type=int, default=60)
    parser.add_argument("--evaluators", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch) / "tender"
        generate(directory, args.bids, args.criteria, args.evaluators)
        started = time.perf_counter()
        result = pipeline.run(directory, analysis="full", document=RunInfo("bench", "bench"))
        assert result.document is not None
        book = render_workbook(result.document)
        out = directory / "out"
        out.mkdir()
        exported = out / "exported.xlsx"
        exported.write_bytes(book)
        print(
            f"{args.bids} bids x {args.criteria} criteria: evaluated and exported in "
            f"{time.perf_counter() - started:.1f} s ({len(book) / 2**20:.1f} MiB workbook)"
        )
        started = time.perf_counter()
        assert verify_export(directory, exported) == []
        print(f"  verify, as exported (parts identical):   {time.perf_counter() - started:.1f} s")
        resaved = out / "resaved.xlsx"
        load_workbook(exported).save(resaved)
        started = time.perf_counter()
        old, new = read_view(resaved.read_bytes()), read_view(book)
        cells = sum(len(sheet.cells) for sheet in new.sheets)
        print(f"  read both views ({cells:,} cells each):  {time.perf_counter() - started:.1f} s")
        del old, new
        started = time.perf_counter()
        assert list(workbook_differences(resaved.read_bytes(), book)) == []
        print(f"  compare, re-saved by openpyxl:           {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        assert verify_export(directory, resaved) == []
        print(f"  verify, re-saved by openpyxl (whole):    {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
