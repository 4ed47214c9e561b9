"""The decision page as a file: self-contained, under its size budget, its policy hashes
matching its own script and style, the public's without losing prices or criterion scores,
bid text escaped, the same bytes on every run. (Its behaviour in a browser is in
test_decision_browser.py.)"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from pathlib import Path
from typing import Any

import pytest
from test_audiences import _losing_figures

from tenderscore.exporters.decision_page import render_decision_page
from tenderscore.report.exploration import exploration_model

from conftest import bid, copy_example, run_cli, tender_with, write_tender

REFERENCE = "WPF-2026-DA-014"
BUDGET = 300_000  # bytes, for the shipped example


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tender = copy_example(tmp_path_factory.mktemp("pages"))
    run_cli(["evaluate", tender, "--format", "json,html", "--audience", "committee"])
    out = tender / "out"
    run_cli(["export", out / f"{REFERENCE}-evaluation.json", "--format", "html"])  # public
    return {
        "public": (out / f"{REFERENCE}-decision.html").read_text(encoding="utf-8"),
        "committee": (out / f"{REFERENCE}-decision-committee.html").read_text(encoding="utf-8"),
        "document": json.loads((out / f"{REFERENCE}-evaluation.json").read_text()),
        "out": out,
        "tender": tender,
    }


def _model(page: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="exploration-data">(.*?)</script>', page)
    assert found
    return json.loads(found.group(1))  # type: ignore[no-any-return]


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


@pytest.mark.parametrize("audience", ["public", "committee"])
def test_the_page_is_one_file_that_loads_nothing(pages: dict[str, Any], audience: str) -> None:
    page = pages[audience]
    assert len(page.encode()) < BUDGET
    for attribute, value in re.findall(r'\s(src|href|action|srcset)="([^"]*)"', page):
        assert value.startswith(("data:image/svg+xml;base64,", "#")), (attribute, value[:40])
    assert "<link" not in page
    assert "@import" not in page
    assert "url(" not in page
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert policy
    script = re.search(r"<script>(.*?)</script>", page, flags=re.DOTALL)
    style = re.search(r"<style>(.*?)</style>", page, flags=re.DOTALL)
    assert script
    assert style
    assert html.unescape(policy.group(1)) == (
        f"default-src 'none'; script-src {_hash(script.group(1))}; "
        f"style-src {_hash(style.group(1))}; img-src data:; base-uri 'none'; form-action 'none'"
    )
    markup = re.sub(r"<script>.*?</script>", "", page, flags=re.DOTALL)
    assert not re.search(r"<[^>]*\s(style|on\w+)=", markup)  # the policy would block them


def test_the_public_page_shows_no_losing_price_and_no_criterion_score(
    pages: dict[str, Any],
) -> None:
    public, committee, document = pages["public"], pages["committee"], pages["document"]
    figures = _losing_figures(document)
    assert any(figure in committee for figure in figures)  # the check can fail
    for figure in figures:
        assert figure not in public, figure
    model = _model(public)
    assert [unit["id"] for unit in model["units"]] == document["sections"]
    assert all(bid["price"] is None for bid in model["bids"])
    assert "What this page does not show" in public
    assert "CONFIDENTIAL" not in public
    assert "CONFIDENTIAL" in committee
    # the committee's page explores every weight: its units are the criteria
    leaves = [c["id"] for c in document["criteria"] if c["kind"] not in ("section", "pass_fail")]
    assert [unit["id"] for unit in _model(committee)["units"]] == leaves


def test_a_sections_value_is_its_points_over_its_weight(pages: dict[str, Any]) -> None:
    """By hand, Albion on Data sovereignty: (4.8 + 8.0 + 4.4) points / 20% = 0.86."""
    model = _model(pages["public"])
    albion = next(b for b in model["bids"] if b["id"] == "albion")
    assert albion["values"][model["sections"].index("sovereignty")] == pytest.approx(0.86)
    assert model["intervals"]["cost"] == pytest.approx([0.3423419, 0.4247858], abs=1e-7)
    # the tie-break by price is an order, no price: the cheapest first
    price_key = next(key for key in model["tieBreaks"] if key["name"] == "price")
    order = dict(zip([b["id"] for b in model["bids"]], price_key["order"], strict=True))
    assert order["brightwater"] > order["albion"] > order["castellan"]


def test_the_same_document_gives_the_same_bytes(pages: dict[str, Any]) -> None:
    document = pages["document"]
    first = render_decision_page(document, audience="public", value_chart=False)
    assert first == render_decision_page(document, audience="public", value_chart=False)
    assert first.decode() == pages["public"]


def test_bid_text_stays_text(tmp_path: Path) -> None:
    hostile = '</script><script>alert(1)</script><img src=x onerror=alert(2)> "\u202eevil'
    directory = write_tender(
        tmp_path / "t", tender_with(), [bid("a", price=90, name=hostile), bid("b")]
    )
    run_cli(["evaluate", directory, "--format", "html"])
    page = (directory / "out" / "T-1-decision.html").read_text(encoding="utf-8")
    assert "<img src=x" not in page
    assert "<script>alert" not in page
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "\u202e" not in page.split('id="exploration-data"')[0]
    data = page.split('id="exploration-data">')[1].split("</script>")[0]
    assert "<" not in data
    assert "\\u003c/script\\u003e" in data
    assert page.count("<script") == 2


def test_the_decision_page_is_for_the_decision(tmp_path: Path) -> None:
    tender = copy_example(tmp_path)
    refused = run_cli(
        ["evaluate", tender, "--weights", "cost=60", "--format", "html", "--audience", "public"],
        exit_code=2,
    )
    assert "the public report describes the decision" in refused.stderr
    run_cli(["evaluate", tender, "--weights", "cost=60", "--format", "html"])  # the committee's
    what_if = next((tender / "out" / "what-if").glob("*/*-decision-committee.html"))
    text = what_if.read_text(encoding="utf-8")
    assert "<title>WHAT-IF, not the official evaluation: " in text
    assert "Leads under these weights" in text
    assert "Recommended for award" not in text
    assert "Reset to the what-if&#39;s weights" in text
    assert _model(text)["baseline"] == "the leader of this what-if"


def test_price_as_money_without_published_prices_offers_no_exploration(tmp_path: Path) -> None:
    config = tender_with(aggregation={"method": "price_per_quality_point"})
    directory = write_tender(tmp_path / "t", config, [bid("a", price=95), bid("b", price=100)])
    run_cli(["evaluate", directory, "--format", "html"])
    page = (directory / "out" / "T-1-decision.html").read_text(encoding="utf-8")
    assert "needs every bid's price, which is not published" in page
    assert 'type="range"' not in page
    assert "unavailable" in _model(page)
    assert exploration_model  # the model's own tests are through the page


def test_export_renders_the_page_from_a_saved_result(pages: dict[str, Any], tmp_path: Path) -> None:
    saved = pages["out"] / f"{REFERENCE}-evaluation.json"
    run_cli(["export", saved, "--format", "html", "--out", tmp_path])
    assert (tmp_path / f"{REFERENCE}-decision.html").read_text(encoding="utf-8") == pages["public"]


def test_an_organisation_can_supply_its_own_page_template(
    pages: dict[str, Any], tmp_path: Path
) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "decision.html.j2").write_text('{% extends "builtin/decision.html.j2" %}')
    saved = pages["out"] / f"{REFERENCE}-evaluation.json"
    run_cli(["export", saved, "--format", "html", "--out", tmp_path, "--template", templates])
    assert (tmp_path / f"{REFERENCE}-decision.html").read_text(encoding="utf-8") == pages["public"]
