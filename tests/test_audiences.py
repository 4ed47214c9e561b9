"""The right document for each reader: the committee sees everything, marked confidential;
the public report gives the decision and its reasons and logs what it withholds; the
value-for-money chart shows why the best tender need not be the cheapest."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tenderscore.rules.frontier import efficient_frontier

from conftest import bid, copy_example, run_cli, tender_with, write_tender

REFERENCE = "WPF-2026-DA-014"


@pytest.fixture
def tender(tmp_path: Path) -> Path:
    return copy_example(tmp_path)


def _price_forms(price: float) -> list[str]:
    """Every way a report could print a price."""
    return [
        f"{price:,.2f}",
        f"{price:,.0f}",
        f"{price:.2f}",
        f"{round(price)}",
        f"{price / 1e6:.2f} million",
        f"{price / 1e6:.1f}m",
    ]


def _losing_figures(document: dict[str, Any]) -> list[str]:
    """The prices of every scored bid but the winner, and the cost lines behind them."""
    found = []
    for entry in document["bids"]:
        if entry["rank"] == 1 or entry["price"] is None:
            continue
        found += _price_forms(entry["price"]["price"])
        for line in entry["price"]["lines"]:
            found += [f"{line['nominal']:,.0f}", f"{line['present_value']:,.2f}"]
    return found


def test_the_public_report_shows_no_losing_price_and_logs_what_it_withholds(
    tender: Path,
) -> None:
    run_cli(["evaluate", tender])
    run_cli(["evaluate", tender, "--audience", "public"])
    out = tender / "out"
    document = json.loads((out / f"{REFERENCE}-evaluation.json").read_text())
    committee = (out / f"{REFERENCE}-report.md").read_text()
    public = (out / f"{REFERENCE}-report-public.md").read_text()
    figures = _losing_figures(document)
    assert any(figure in committee for figure in figures)  # the check can fail
    for figure in figures:
        assert figure not in public, figure
    winner = next(b for b in document["bids"] if b["rank"] == 1)
    assert f"Its price: {winner['price']['price']:,.2f} GBP" in public
    assert committee.startswith("**CONFIDENTIAL: for the evaluation committee.")
    assert "CONFIDENTIAL" not in public
    assert "## What this report does not show" in public
    assert "the other bids' prices" in public
    assert "give that bid's price" in public  # the relative formula's arithmetic, said plainly
    # no working notes, no declared interest, no exclusion reason beyond its kind
    assert "Best answer seen on this question" not in public
    assert "Independent member" not in public
    assert "24x7 support" not in public
    assert "| Deepfield AI, Inc. | Failed a pass/fail requirement |" in public
    assert not (out / f"{REFERENCE}-value-public.svg").exists()


def test_committee_and_public_files_coexist_and_only_the_committee_gets_the_workbook(
    tender: Path,
) -> None:
    run_cli(["evaluate", tender, "--audience", "public"])
    run_cli(["evaluate", tender])
    names = {p.name for p in (tender / "out").iterdir()}
    assert {f"{REFERENCE}-report.md", f"{REFERENCE}-report-public.md"} <= names
    assert {f"{REFERENCE}-points.svg", f"{REFERENCE}-points-public.svg"} <= names
    refused = run_cli(["evaluate", tender, "--audience", "public", "--format", "xlsx"], exit_code=2)
    assert "the workbook (xlsx) holds everything the committee sees" in refused.stderr
    saved = tender / "out" / f"{REFERENCE}-evaluation.json"
    elsewhere = tender / "again"
    run_cli(["export", saved, "--audience", "public", "--out", elsewhere])
    assert {p.name for p in elsewhere.iterdir()} == {
        f"{REFERENCE}-report-public.md",
        f"{REFERENCE}-points-public.svg",
        f"{REFERENCE}-tornado-public.svg",
        f"{REFERENCE}-decision.html",  # the public's default formats: the report and the page
    }
    again = (elsewhere / f"{REFERENCE}-report-public.md").read_text()
    assert "**Recommended for award: Albion Analytics Ltd**" in again


def test_a_policy_that_publishes_every_price_adds_them_and_the_chart(tender: Path) -> None:
    path = tender / "tender.yaml"
    path.write_text(path.read_text() + "disclosure:\n  losing_prices: true\n")
    run_cli(["evaluate", tender, "--audience", "public"])
    public = (tender / "out" / f"{REFERENCE}-report-public.md").read_text()
    assert "| 2 | Brightwater Data Systems Ltd |" in public
    assert "4,038,327.25 |" in public  # Brightwater's price, now published
    assert f"]({REFERENCE}-value-public.svg)" in public
    assert "the other bids' prices" not in public


def test_under_price_per_point_the_public_report_withholds_losing_totals(
    tmp_path: Path,
) -> None:
    """Each total is a price per quality point: with the quality points it gives the price."""
    spec = tender_with(aggregation={"method": "price_per_quality_point"})
    write_tender(tmp_path / "t", spec, [bid("a", price=100), bid("b", price=110, scores=(4, 4))])
    run_cli(["evaluate", tmp_path / "t", "--audience", "public"])
    public = (tmp_path / "t" / "out" / "T-1-report-public.md").read_text()
    row = next(line for line in public.splitlines() if "| Supplier a |" in line)
    assert row.rstrip(" |").endswith("withheld")
    document = json.loads(run_cli(["evaluate", tmp_path / "t", "--json", "--no-export"]).stdout)
    for entry in document["bids"]:  # no losing total in the decision, headline or alt text
        if entry["rank"] != 1:
            assert f"{entry['total']:.2f}" not in public


@pytest.mark.parametrize(
    "aggregation",
    [
        {"method": "weighted_sum"},
        {"method": "price_per_quality_point"},
        {"method": "monetised_quality", "money_per_point": 0.5},
    ],
)
def test_the_value_for_money_chart_renders_for_every_aggregation(
    tmp_path: Path, aggregation: dict[str, Any]
) -> None:
    bids = [bid("a", price=100), bid("b", price=105, scores=(5, 4)), bid("c", price=110)]
    write_tender(tmp_path / "t", tender_with(aggregation=aggregation), bids)
    run_cli(["evaluate", tmp_path / "t", "--format", "md"])
    svg = (tmp_path / "t" / "out" / "T-1-value.svg").read_text()
    assert svg.startswith("<?xml")
    assert "Supplier c" in svg
    assert "(leading)" in svg
    report = (tmp_path / "t" / "out" / "T-1-report.md").read_text()
    assert "![Scatter chart: each ranked bid's quality points against its whole-life" in report


def test_the_efficient_frontier_by_hand() -> None:
    """a (100, 50) b (120, 70) c (130, 60: b is cheaper and better) d (150, 90)
    e (100, 40: a costs the same and scores more)."""
    prices = [100, 120, 130, 150, 100]
    quality = [50, 70, 60, 90, 40]
    assert efficient_frontier(prices, quality) == [0, 1, 3]


points = st.lists(st.tuples(st.integers(0, 20), st.integers(0, 20)), min_size=1, max_size=30)


@given(points)
def test_the_frontier_is_exactly_the_undominated_bids(bids: list[tuple[int, int]]) -> None:
    prices = [float(p) for p, _ in bids]
    quality = [float(q) for _, q in bids]

    def dominated(i: int) -> bool:
        return any(
            prices[j] <= prices[i]
            and quality[j] >= quality[i]
            and (prices[j] < prices[i] or quality[j] > quality[i])
            for j in range(len(bids))
        )

    frontier = efficient_frontier(prices, quality)
    undominated = {i for i in range(len(bids)) if not dominated(i)}
    # one representative of each undominated (price, quality) point, cheapest first
    assert {(prices[i], quality[i]) for i in frontier} == {
        (prices[i], quality[i]) for i in undominated
    }
    assert len(frontier) == len({(prices[i], quality[i]) for i in frontier})
    assert [prices[i] for i in frontier] == sorted(prices[i] for i in frontier)


def test_a_what_if_or_a_draft_never_goes_public(tender: Path) -> None:
    result = run_cli(
        ["evaluate", tender, "--audience", "public", "--weights", "cost=60"], exit_code=2
    )
    assert "not from a what-if or a draft" in result.stderr
    result = run_cli(["evaluate", tender, "--audience", "public", "--draft"], exit_code=2)
    assert "not from a what-if or a draft" in result.stderr


def test_json_is_the_committees_and_a_withheld_winner_price_stays_withheld(tender: Path) -> None:
    refused = run_cli(["evaluate", tender, "--audience", "public", "--json"], exit_code=2)
    assert "--json prints everything the committee sees" in refused.stderr
    path = tender / "tender.yaml"
    path.write_text(
        path.read_text() + "disclosure:\n  winner_price: false\n  losing_prices: true\n"
    )
    run_cli(["evaluate", tender, "--audience", "public"])
    public = (tender / "out" / f"{REFERENCE}-report-public.md").read_text()
    assert "4,376,811" not in public  # Albion's, the successful tender's
    assert "4,038,327.25" in public  # Brightwater's, published
    assert "the successful tender's price" in public  # in the disclosure log
    assert not (tender / "out" / f"{REFERENCE}-value-public.svg").exists()
