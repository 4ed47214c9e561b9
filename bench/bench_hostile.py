"""Benchmark: hostile and mistaken inputs stay linear (the inputs issue).

Usage: python bench/bench_hostile.py

Times `tenderscore validate` on the shipped example with one bid file made hostile: 40,000
unknown top-level keys (65 s before validation became linear), and 300,000 unknown answers
(about 7 MiB, under the 8 MiB file limit). Each is a fresh process, best of 3.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "police-analytics"
CASES = {  # label: (the text the extra lines follow, or "" for the end; the extra lines)
    "40,000 unknown top-level keys": ("", "".join(f"junk_{i}: 1\n" for i in range(40_000))),
    "300,000 unknown answers": ("answers:\n", "".join(f"  q{i}: 1\n" for i in range(300_000))),
}


def main() -> None:
    for label, (after, extra) in CASES.items():
        with tempfile.TemporaryDirectory() as scratch:
            tender = Path(scratch) / "tender"
            shutil.copytree(EXAMPLE, tender, ignore=shutil.ignore_patterns("out"))
            bid = tender / "bids" / "albion-analytics.yaml"
            text = bid.read_text()
            bid.write_text(text.replace(after, after + extra, 1) if after else text + extra)
            best = float("inf")
            for _ in range(3):
                start = time.perf_counter()
                result = subprocess.run(
                    [sys.executable, "-m", "tenderscore", "validate", str(tender)],
                    capture_output=True,
                    text=True,
                    check=False,
                )
                best = min(best, time.perf_counter() - start)
            lines = len(result.stderr.splitlines())
            print(f"{label}: {best:.2f} s, exit {result.returncode}, {lines} lines printed")


if __name__ == "__main__":
    main()
