"""The command line: exit codes, stream separation, untrusted text, start-up cost."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tenderscore.errors import OutputError

from conftest import DATA, EXAMPLE, bid, run_cli, tender_with, write_tender


def test_evaluate_example_prints_the_ranking() -> None:
    result = run_cli(["evaluate", EXAMPLE, "--no-export"])
    lines = result.stdout.splitlines()
    first = next(line for line in lines if line.lstrip("│ ").startswith("1 "))
    assert "Albion" in first
    text = " ".join(result.stdout.split())
    assert (
        "Deepfield AI, Inc. (deepfield, set aside before scoring): Failed a pass/fail "
        "requirement: gate 'UK data residency' answered fail" in text
    )
    assert (
        "Ember & Oak Analytics LLP (ember): Below a minimum standard: 'Ethics and human "
        "rights' scored 30.23%, required 50%" in text
    )
    assert "Northgate Insight Ltd (northgate, set aside before scoring): Withdrawn by" in text
    assert "Harbour Line Data plc (harbourline, set aside before scoring): Late," in text
    assert result.stderr == ""


def test_json_is_alone_on_stdout_versioned_and_complete() -> None:
    result = run_cli(["evaluate", EXAMPLE, "--json", "--no-export"])
    document = json.loads(result.stdout)
    assert document["schema"] == "tenderscore/evaluation"
    assert document["schema_version"] == 1
    assert [entry["bid"] for entry in document["ranking"]] == ["albion", "brightwater", "castellan"]
    albion = document["bids"][0]
    cell = next(c for c in albion["criteria"] if c["criterion"] == "key_control")
    assert set(cell) >= {"raw", "value", "weight", "points", "formula", "working"}
    assert cell["points"] == pytest.approx(100 * cell["weight"] * cell["value"])
    assert sum(albion["section_points"].values()) == pytest.approx(albion["total"])
    assert {w["code"] for w in document["warnings"]} >= {"relative_price_formula"}
    excluded = [b for b in document["bids"] if not b["eligible"]]
    assert {b["id"] for b in excluded} == {"ember"}
    set_aside = {b["id"]: [e["kind"] for e in b["exclusions"]] for b in document["set_aside"]}
    assert set_aside == {"deepfield": ["gate"], "harbourline": ["late"], "northgate": ["withdrawn"]}


def test_json_output_is_deterministic() -> None:
    assert (
        run_cli(["evaluate", EXAMPLE, "--json", "--no-export"]).stdout
        == run_cli(["evaluate", EXAMPLE, "--json", "--no-export"]).stdout
    )


def test_supplier_text_is_never_markup(tmp_path: Path) -> None:
    name = "Gamma & Sons [bold]x[/bold] [link=http://e.vil]y[/link]"
    write_tender(tmp_path, tender_with(), [bid("a", name=name), bid("b")])
    assert name in run_cli(["evaluate", tmp_path, "--no-export"]).stdout
    assert name in run_cli(["explain", tmp_path, "a"]).stdout


def test_explain_shows_formulas() -> None:
    result = run_cli(["explain", EXAMPLE, "brightwater"])
    assert "relative_to_lowest: v = Pmin / P" in result.stdout
    assert "present value" in result.stdout
    assert "agreed reason" in result.stdout


def test_explain_unknown_bid_is_a_usage_error() -> None:
    result = run_cli(["explain", EXAMPLE, "albio"], exit_code=2)
    assert "no bid 'albio'; did you mean 'albion'?" in result.stderr
    assert result.stdout == ""


def test_missing_directory_is_bad_input(tmp_path: Path) -> None:
    result = run_cli(["evaluate", tmp_path / "nope"], exit_code=2)
    assert "no such tender directory" in result.stderr


def test_unknown_option_is_a_usage_error() -> None:
    run_cli(["evaluate", EXAMPLE, "--frobnicate"], exit_code=2)


def test_internal_error_exits_1_without_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr("tenderscore.engine.scoring.evaluate", broken)
    result = run_cli(["evaluate", EXAMPLE, "--no-export"], exit_code=1)
    assert "internal error: ZeroDivisionError: boom" in result.stderr
    assert "Traceback" not in result.stderr


def test_output_error_exits_3(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise OutputError("cannot write out/x.json: permission denied")

    monkeypatch.setattr("tenderscore.engine.scoring.evaluate", refuse)
    result = run_cli(["evaluate", EXAMPLE, "--no-export"], exit_code=3)
    assert "cannot write out/x.json" in result.stderr


@pytest.mark.parametrize("kind", ["tender", "bid", "criteria"])
def test_schema_is_json_schema(kind: str) -> None:
    schema = json.loads(run_cli(["schema", kind]).stdout)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert schema["additionalProperties"] is False


def test_schema_unknown_kind() -> None:
    assert "expected one of: tender, bid, criteria" in run_cli(["schema", "x"], exit_code=2).stderr


def test_criteria_lists_shipped_sets() -> None:
    result = run_cli(["criteria"])
    assert "police-data-platform" in result.stdout
    assert "general-services" in result.stdout


def test_validate_shows_effective_weights() -> None:
    result = run_cli(["validate", DATA / "valid" / "minimal"])
    assert "ok (2 bids" in result.stdout
    assert "30%" in result.stdout  # method: 60% x 50%


def test_cli_start_up_does_not_import_heavy_modules() -> None:
    code = (
        "import sys, tenderscore.cli; "
        "print(sorted(m for m in ('numpy', 'openpyxl', 'jinja2', 'pydantic') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_python_m_entry_point() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "tenderscore", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.startswith("tenderscore ")


def test_scoring_a_tender_without_sheets_does_not_import_openpyxl() -> None:
    code = (
        "import sys; from tenderscore import evaluate, load_tender; "
        f"evaluate(load_tender({str(EXAMPLE)!r})); print('openpyxl' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
