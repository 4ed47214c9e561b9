"""Benchmark: sensitivity analysis on 20 bids x 12 criteria (issue 3 targets).

Usage: python bench/bench_sensitivity.py [--samples 1000000] [--bids 20] [--criteria 12]

Targets on a 2-core machine: SMAA-2 with 1,000,000 samples and exact scores in at most 0.4 s
and 150 MiB peak; with evaluator-score resampling at most 3x that; all stability intervals
under 10 ms; the quick robustness run inside `evaluate` keeps the example under 1 s.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from bench_evaluate import REPO, best_of, generate

from tenderscore.engine.scoring import evaluate
from tenderscore.input.loading import load_tender
from tenderscore.sensitivity.analysis import analyse_sensitivity, score_panels
from tenderscore.sensitivity.model import ranking_model, weight_groups
from tenderscore.sensitivity.sampling import weight_sampler
from tenderscore.sensitivity.smaa import run_smaa
from tenderscore.sensitivity.stability import stability_interval

T = TypeVar("T")


def peak_mib(function: Callable[[], T]) -> float:
    """Peak memory allocated while ``function`` runs (numpy reports to tracemalloc)."""
    tracemalloc.start()
    function()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=1_000_000)
    parser.add_argument("--bids", type=int, default=20)
    parser.add_argument("--criteria", type=int, default=12)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch) / "tender"
        generate(directory, options.bids, options.criteria, evaluators=3, gate_failures=0.0)
        tender = load_tender(directory)
    evaluation = evaluate(tender)
    model = ranking_model(tender, evaluation)
    print(f"{model.size} bids in contention x {len(model.leaves)} criteria")

    groups = weight_groups(tender.tree, model)
    seconds, _ = best_of(
        options.repeat, lambda: [stability_interval(model, group) for group in groups]
    )
    print(f"stability intervals ({len(groups)} weights): {1000 * seconds:.2f} ms")

    uniform = weight_sampler(tender.tree, sampling="uniform")
    panels = score_panels(tender, evaluation, model)
    for label, chosen in (("exact scores", ()), ("scores resampled", panels)):

        def run(chosen: tuple = chosen) -> object:  # type: ignore[type-arg]
            return run_smaa(model, uniform, samples=options.samples, seed=1, panels=chosen)

        seconds, _ = best_of(options.repeat, run)
        print(f"SMAA-2 {options.samples:,} samples, {label}: {seconds:.3f} s")
        print(f"  peak allocated: {peak_mib(run):.0f} MiB")

    seconds, _ = best_of(options.repeat, lambda: analyse_sensitivity(tender, evaluation))
    print(f"full report (default 20,000 samples): {seconds:.3f} s")
    example = str(REPO / "examples" / "police-analytics")
    cli = [sys.executable, "-m", "tenderscore"]

    def evaluate_example() -> None:
        subprocess.run([*cli, "evaluate", example], check=True, capture_output=True)

    def sensitivity_example() -> None:
        subprocess.run([*cli, "sensitivity", example], check=True, capture_output=True)

    print(f"evaluate example with robustness (end to end): {best_of(5, evaluate_example)[0]:.3f} s")
    print(f"sensitivity example (end to end): {best_of(3, sensitivity_example)[0]:.3f} s")


if __name__ == "__main__":
    started = time.perf_counter()
    main()
    print(f"(benchmark took {time.perf_counter() - started:.0f} s)")
