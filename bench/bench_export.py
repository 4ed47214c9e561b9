"""Benchmark: the committee exports (issue 4 targets).

Usage: python bench/bench_export.py [--bids 2000] [--criteria 60] [--evaluators 5]
                                    [--tender-dir DIR] [--end-to-end]

Targets on a 2-core machine: the shipped example's xlsx + md + json under 0.5 s; a 2,000-bid
x 60-criterion tender's under 20 s and 1 GiB. Prints, for the example, the render in process
(warm) and `tenderscore export` as a fresh process; for the large tender, each stage in
process, then `tenderscore export` from its saved JSON as a separate process (wall time and
peak resident memory), and with --end-to-end `tenderscore evaluate` with every export.
--tender-dir keeps the generated tender there (generated when missing) for the next run.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_evaluate import REPO, best_of, generate

from tenderscore import pipeline
from tenderscore.engine.scoring import evaluate
from tenderscore.exporting import render_exports
from tenderscore.input.loading import load_tender
from tenderscore.input.tender import Tender
from tenderscore.report.document import RunInfo, export_document
from tenderscore.sensitivity.analysis import analyse_sensitivity

CLI = [sys.executable, "-m", "tenderscore"]
RUN = RunInfo("bench", "bench")


# A child's peak memory counts its parent's pages until it runs the new program, so the
# command is started from this small launcher, not from the benchmark holding a large tender.
LAUNCHER = """
import os, subprocess, sys, time
started = time.perf_counter()
process = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
_, status, usage = os.wait4(process.pid, 0)
process.returncode = os.waitstatus_to_exitcode(status)
print(process.returncode, time.perf_counter() - started, usage.ru_maxrss / 1024)
"""


def measured(args: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident MiB of one run of ``args`` as a fresh process, with
    bytecode caching on as after an install (some sandboxes set PYTHONDONTWRITEBYTECODE)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    launch = subprocess.run(
        [sys.executable, "-c", LAUNCHER, *args], capture_output=True, text=True, check=True, env=env
    )
    code, seconds, peak = launch.stdout.split()
    if code != "0":
        raise SystemExit(f"{' '.join(args)} exited with {code}")
    return float(seconds), float(peak)


def best_measured(args: list[str], repeat: int) -> tuple[float, float]:
    runs = [measured(args) for _ in range(repeat)]
    return min(seconds for seconds, _ in runs), max(peak for _, peak in runs)


def document_of(tender: Tender) -> dict[str, object]:
    document = pipeline.run(tender, analysis="full", document=RUN).document
    assert document is not None
    return document


def bench_example(repeat: int, scratch: Path) -> None:
    example = REPO / "examples" / "police-analytics"
    document = document_of(load_tender(example))
    seconds, _ = best_of(repeat, lambda: render_exports(document, ["xlsx", "md", "json"]))
    print(f"example: render xlsx + md + json in process (warm): {seconds:.3f} s")
    saved = scratch / "example.json"
    saved.write_bytes(render_exports(document, ["json"])["WPF-2026-DA-014-evaluation.json"])
    args = [*CLI, "export", str(saved), "--out", str(scratch / "out"), "--format", "xlsx,md,json"]
    seconds, peak = best_measured(args, repeat)
    print(
        f"example: tenderscore export (xlsx + md + json), fresh process: {seconds:.3f} s, "
        f"{peak:.0f} MiB peak"
    )


def bench_large(options: argparse.Namespace, scratch: Path) -> None:
    directory = options.tender_dir or scratch / "tender"
    if not (directory / "tender.yaml").exists():
        generate(directory, options.bids, options.criteria, options.evaluators)
    tender = load_tender(directory)
    evaluation = evaluate(tender)
    report = analyse_sensitivity(tender, evaluation)
    label = f"{len(tender.bids)} bids x {len(tender.tree.leaves)} criteria"
    started = time.perf_counter()
    document = export_document(tender, evaluation, report, RUN)
    stages = {"document (incl. moderation)": time.perf_counter() - started}
    files: dict[str, bytes] = {}
    for fmt in ("xlsx", "md", "json"):
        started = time.perf_counter()
        files |= render_exports(document, [fmt])
        stages[f"render {fmt}"] = time.perf_counter() - started
    for stage, seconds in stages.items():
        print(f"{label}: {stage:28} {seconds:6.2f} s")
    print(f"{label}: {'in process, all stages':28} {sum(stages.values()):6.2f} s")
    sizes = ", ".join(f"{name} {len(data) / 2**20:.1f} MiB" for name, data in files.items())
    print(f"{label}: files {sizes}")
    saved = scratch / "large.json"
    saved.write_bytes(files[f"{tender.config.reference}-evaluation.json"])
    del document, files
    out = scratch / "large-out"
    args = [*CLI, "export", str(saved), "--out", str(out), "--format", "xlsx,md,json"]
    seconds, peak = measured(args)
    print(f"{label}: tenderscore export (xlsx + md + json) {seconds:.2f} s, {peak:.0f} MiB peak")
    if options.end_to_end:
        args = [*CLI, "evaluate", str(directory), "--out", str(out)]
        seconds, peak = measured(args)
        print(
            f"{label}: tenderscore evaluate end to end (load, score, sensitivity, exports) "
            f"{seconds:.2f} s, {peak:.0f} MiB peak"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bids", type=int, default=2000)
    parser.add_argument("--criteria", type=int, default=60)
    parser.add_argument("--evaluators", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--tender-dir", type=Path)
    parser.add_argument("--end-to-end", action="store_true")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        bench_example(options.repeat, Path(scratch))
        bench_large(options, Path(scratch))


if __name__ == "__main__":
    main()
