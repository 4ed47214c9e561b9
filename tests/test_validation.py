"""One fixture per failure mode (tests/data/invalid/<case>/) with its exact messages pinned.

A new bug report about an input error becomes a new directory here. ``expected.txt`` holds
the stderr of ``tenderscore validate`` with the case directory written as CASE.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from tenderscore.input.loading import load_criteria_set, load_tender

from conftest import DATA, EXAMPLE, REPO, run_cli

CASES = sorted(p for p in (DATA / "invalid").iterdir() if p.is_dir())


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_invalid_input_is_reported_exactly(case: Path) -> None:
    result = run_cli(["validate", case], exit_code=2)
    assert result.stdout == ""
    assert result.stderr.replace(str(case), "CASE") == (case / "expected.txt").read_text()
    assert "Traceback" not in result.stderr


def test_evaluate_reports_the_same_problems(tmp_path: Path) -> None:
    case = DATA / "invalid" / "weights_do_not_sum"
    result = run_cli(["evaluate", case], exit_code=2)
    assert result.stderr.replace(str(case), "CASE") == (case / "expected.txt").read_text()


def test_all_problems_are_reported_at_once(tmp_path: Path) -> None:
    """Problems in several files, of several kinds, in one run."""
    base = DATA / "valid" / "minimal"
    target = tmp_path / "many"
    (target / "bids").mkdir(parents=True)
    tender = (base / "tender.yaml").read_text().replace("term_years: 2", "term_years: 2\nfoo: 1")
    (target / "tender.yaml").write_text(tender)
    alpha = (base / "bids" / "alpha.yaml").read_text().replace("uk: pass", "uk: maybe")
    beta = (base / "bids" / "beta.yaml").read_text().replace("score: 5,", "score: 9,", 1)
    (target / "bids" / "alpha.yaml").write_text(alpha)
    (target / "bids" / "beta.yaml").write_text(beta)
    # The tender error stops cross-checks, so fix it and check the two bid errors together.
    result = run_cli(["validate", target], exit_code=2)
    assert "unknown key 'foo'" in result.stderr
    (target / "tender.yaml").write_text((base / "tender.yaml").read_text())
    result = run_cli(["validate", target], exit_code=2)
    assert "got 'maybe'" in result.stderr
    assert "got 9" in result.stderr
    assert result.stderr.endswith("2 problems found.\n")


def test_oversized_file_is_refused_quickly(tmp_path: Path) -> None:
    base = DATA / "valid" / "minimal"
    target = tmp_path / "big"
    (target / "bids").mkdir(parents=True)
    (target / "tender.yaml").write_text((base / "tender.yaml").read_text())
    (target / "bids" / "alpha.yaml").write_text("notes: '" + "x" * 9_000_000 + "'\n")
    started = time.perf_counter()
    result = run_cli(["validate", target], exit_code=2)
    assert time.perf_counter() - started < 2
    assert "bids/alpha.yaml: file is 9,000,010 bytes; the limit is 8,388,608" in result.stderr


def test_alias_bomb_is_refused_quickly() -> None:
    started = time.perf_counter()
    run_cli(["validate", DATA / "invalid" / "alias_bomb"], exit_code=2)
    assert time.perf_counter() - started < 2


def test_inputs_are_not_modified(tmp_path: Path) -> None:
    tender = tmp_path / "tender"
    shutil.copytree(EXAMPLE, tender)

    def inputs() -> dict[Path, tuple[bytes, int]]:
        files = (p for p in tender.rglob("*") if p.is_file())
        return {
            p: (p.read_bytes(), p.stat().st_mtime_ns)
            for p in files
            if "out" not in p.relative_to(tender).parts
        }

    before = inputs()
    run_cli(["evaluate", tender])
    assert (tender / "out").is_dir()
    assert inputs() == before


@pytest.mark.parametrize("path", sorted((REPO / "criteria").glob("*.yaml")), ids=lambda p: p.stem)
def test_every_shipped_criteria_set_loads(path: Path) -> None:
    criteria = load_criteria_set(path)
    assert criteria.name == path.stem


@pytest.mark.parametrize(
    "path",
    sorted(p.parent for p in (REPO / "examples").glob("*/tender.yaml")),
    ids=lambda p: p.name,
)
def test_every_example_loads(path: Path) -> None:
    assert load_tender(path).bids


def test_valid_minimal_fixture() -> None:
    result = run_cli(["validate", DATA / "valid" / "minimal"])
    assert "ok (2 bids" in result.stdout


def test_wheel_ships_the_criteria_sets(tmp_path: Path) -> None:
    """Shipped sets must work from an installed wheel, not only from a checkout."""
    import subprocess
    import sys
    import zipfile

    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", tmp_path, REPO],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("tenderscore-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for path in (REPO / "criteria").glob("*.yaml"):
        assert f"tenderscore/criteria/{path.name}" in names


def test_a_supplier_name_with_nothing_visible_is_refused(tmp_path: Path) -> None:
    from conftest import bid, tender_with, write_tender

    write_tender(tmp_path / "t", tender_with(), [bid("a", name="\u200b\u2060 "), bid("b")])
    result = run_cli(["validate", tmp_path / "t"], exit_code=2)
    assert "name: the supplier name has no visible character" in result.stderr
