"""The decision page in a real browser (headless Debian Chromium, offline): it loads nothing,
shows the engine's decision, and "try other weights" gives what ``evaluate --weights`` gives.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import browser
import numpy as np
import pytest

from tenderscore import pipeline
from tenderscore.engine.results import Evaluation
from tenderscore.engine.scoring import evaluate
from tenderscore.input.tender import Tender
from tenderscore.rules.price import PRICE_FORMULAS

from conftest import bid, copy_example, run_cli, tender_with, write_tender

if not browser.available() and os.environ.get("CI"):
    pytest.fail("CI must run the browser tests: chromium and chromium-driver are missing")
pytestmark = pytest.mark.skipif(
    not browser.available(), reason="chromium and chromium-driver not installed"
)
REFERENCE = "WPF-2026-DA-014"
VECTORS = 50
HOSTILE = "<img src=x onerror=alert(1)></script><script>alert(2)</script>"


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    yield from browser.start()


@pytest.fixture
def page(driver: Any) -> Iterator[browser.Page]:
    driver.get("about:blank")
    browser.external_requests(driver)
    browser.console_errors(driver)
    yield browser.Page(driver)
    assert browser.external_requests(driver) == []
    assert browser.console_errors(driver) == []  # no script error, no CSP violation


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> tuple[Tender, Path]:
    """The shipped example with its public and committee decision pages written."""
    directory = copy_example(tmp_path_factory.mktemp("decision"))
    run_cli(["evaluate", directory, "--format", "html"])
    run_cli(["evaluate", directory, "--format", "html", "--audience", "committee"])
    return pipeline.load(directory), directory / "out"


def _rows(page: browser.Page) -> dict[str, tuple[float, str]]:
    """The exploration's ranking as the page shows it: bid id -> (total, rank)."""
    return {
        row.get_attribute("data-bid"): (
            float(row.get_attribute("data-total")),
            row.get_attribute("data-rank"),
        )
        for row in page.find_all("#exploration-rows tr")
    }


def _winner(page: browser.Page) -> list[str]:
    return page.find('[data-testid="winner"]').get_attribute("data-bid").split()


def _engine(tender: Tender, weights: dict[str, float]) -> Evaluation:
    return evaluate(tender.with_weights(weights) if weights else tender)


def _assert_same(
    page: browser.Page, evaluation: Evaluation, published: Evaluation | None = None
) -> None:
    """The page's ranking equals the engine's: to 1e-9 on the committee's page; on the
    public page (``published`` given) to the rounding of the section scores it publishes
    (two decimals of points), the winner named unless the page says the lead is within it."""
    shown = _rows(page)
    ranked = {b.id: b for b in evaluation.bids if b.eligible}
    bound = 1e-9
    if published is not None:
        was = {n.id: n.effective_weight for n in published.nodes}
        now = {n.id: n.effective_weight for n in evaluation.nodes}
        bound += sum(0.005 * now[s] / was[s] for s in evaluation.sections if was[s] > 0)
        rounding = published_rounding(page)
        if rounding["section"] is not None:
            bound += len(evaluation.sections) * 10.0 ** -rounding["section"]
        if rounding["total"] is not None:
            bound += 10.0 ** -rounding["total"]
    close = page.find('[data-testid="winner"]').get_attribute("data-close") == "yes"
    if not close:
        assert _winner(page) == sorted(b.id for b in evaluation.winners)
    totals = {bid_id: result.total for bid_id, result in ranked.items()}
    for bid_id, result in ranked.items():
        total, rank = shown[bid_id]
        assert total == pytest.approx(result.total, abs=bound)
        separated = all(abs(result.total - t) > 2 * bound for b, t in totals.items() if b != bid_id)
        if separated:
            assert rank == str(result.rank)


def published_rounding(page: browser.Page) -> dict[str, int | None]:
    return page.driver.execute_script(  # type: ignore[no-any-return]
        "return JSON.parse(document.getElementById('exploration-data').textContent).rounding"
    )


def _fragment(weights: dict[str, float]) -> str:
    return "weights=" + ",".join(f"{node}:{weight!r}" for node, weight in weights.items())


def test_the_public_page_loads_nothing_and_shows_the_engines_decision(
    page: browser.Page, example: tuple[Tender, Path]
) -> None:
    tender, out = example
    page.open(out / f"{REFERENCE}-decision.html")
    _assert_same(page, _engine(tender, {}), published=_engine(tender, {}))
    assert _winner(page) == ["albion"]
    assert page.find('[data-testid="winner"]').get_attribute("data-changed") == "no"
    assert not page.find("#exploration").get_attribute("hidden")
    # the public page moves the sections only; the committee's, every weight
    assert len(page.find_all("input[type=range]")) == len(tender.tree.sections)


@pytest.mark.parametrize("audience", ["public", "committee"])
def test_random_weights_in_the_address_give_what_evaluate_weights_gives(
    page: browser.Page, example: tuple[Tender, Path], audience: str
) -> None:
    tender, out = example
    name = "decision.html" if audience == "public" else "decision-committee.html"
    page.open(out / f"{REFERENCE}-{name}")
    nodes = [node for node in tender.tree.nodes.values() if node.leaves]
    movable = [node.id for node in nodes if audience == "committee" or node.depth == 0]
    rng = np.random.default_rng(20261201)
    official = _engine(tender, {})
    changed = 0
    for _ in range(VECTORS):
        chosen = rng.choice(movable, size=rng.integers(1, len(movable) + 1), replace=False)
        weights = {str(node): float(np.round(rng.uniform(0, 100), 3)) for node in chosen}
        if all(weights.get(n, 1) == 0 for n in tender.tree.sections):
            continue
        page.set_hash(_fragment(weights))
        evaluation = _engine(tender, weights)
        _assert_same(page, evaluation, published=official if audience == "public" else None)
        changed += [b.id for b in evaluation.winners] != ["albion"]
    assert changed > 0  # the vectors reach other winners: the comparison can fail


def test_moving_a_control_past_its_stability_boundary_changes_the_winner_there(
    page: browser.Page, example: tuple[Tender, Path]
) -> None:
    _tender, out = example
    page.open(out / f"{REFERENCE}-decision.html")
    k = [node["id"] for node in _model_nodes(page)].index("cost")
    low, high = (float(x) for x in _interval(page, "cost"))
    slider = page.find(f"#w-{k}")
    page.set_range(slider, round(100 * high - 0.2, 1))
    assert _winner(page) == ["albion"]
    page.set_range(slider, round(100 * high + 0.2, 1))
    assert _winner(page) == ["brightwater"]
    assert page.find('[data-testid="winner"]').get_attribute("data-changed") == "yes"
    page.set_range(slider, round(100 * low + 0.2, 1))
    assert _winner(page) == ["albion"]
    page.set_range(slider, round(100 * low - 0.2, 1))
    assert _winner(page) != ["albion"]
    # the link reproduces it, and reset returns to the published weights
    fragment = page.driver.execute_script("return location.hash")
    assert fragment.startswith("#weights=cost:")
    page.find("#exploration-reset").click()
    assert _winner(page) == ["albion"]
    assert page.driver.execute_script("return location.hash") == ""


def test_the_controls_work_from_the_keyboard(
    page: browser.Page, example: tuple[Tender, Path]
) -> None:
    from selenium.webdriver.common.keys import Keys

    _, out = example
    page.open(out / f"{REFERENCE}-decision.html")
    slider = page.find("#w-0")
    slider.send_keys(Keys.PAGE_UP)
    assert float(slider.get_attribute("value")) == pytest.approx(50.0)
    label = page.find("label[for=w-0]").text
    assert label == "Whole-life cost"
    assert page.driver.execute_script("return location.hash").startswith("#weights=cost:50")


def test_bad_weights_in_the_address_are_named_and_the_published_ones_kept(
    page: browser.Page, example: tuple[Tender, Path]
) -> None:
    _, out = example
    page.open(
        out / f"{REFERENCE}-decision.html",
        "weights=nonsense:5,cost:-3,ethics:x,constructor:5,transparency:0x10",
    )
    problems = page.find("#exploration-problems").text
    for named in ("nonsense", "cost:-3", "ethics:x", "constructor", "transparency:0x10"):
        assert named in problems
    assert _winner(page) == ["albion"]
    page.set_hash("weights=cost:0,sovereignty:0,transparency:0,ethics:0")
    assert "all zero" in page.find("#exploration-problems").text
    assert _winner(page) == ["albion"]


def test_hostile_supplier_names_show_as_text(page: browser.Page, tmp_path: Path) -> None:
    directory = write_tender(
        tmp_path / "t", tender_with(), [bid("a", price=90, name=HOSTILE), bid("b", price=100)]
    )
    run_cli(["evaluate", directory, "--format", "html"])
    page.open(directory / "out" / "T-1-decision.html")
    assert page.find(".decision strong").text.endswith(HOSTILE)
    assert HOSTILE in page.find("#exploration-rows").text
    assert len(page.find_all("img")) == 2  # the two charts, nothing the name made
    assert page.driver.execute_script("return document.querySelectorAll('script').length") == 2


def _model_nodes(page: browser.Page) -> list[dict[str, Any]]:
    return page.driver.execute_script(  # type: ignore[no-any-return]
        "return JSON.parse(document.getElementById('exploration-data').textContent).nodes"
    )


def _interval(page: browser.Page, node: str) -> list[float]:
    return page.driver.execute_script(  # type: ignore[no-any-return]
        "return JSON.parse(document.getElementById('exploration-data').textContent)"
        ".intervals[arguments[0]]",
        node,
    )


def _bids() -> list[dict[str, Any]]:
    """Five bids close enough for ties under rounding and for minimums to bite."""
    return [
        bid("a", price=100, scores=(4, 4), uptime=99.5),
        bid("b", price=100, scores=(4, 4), uptime=99.5),  # a's twin: only a shared place
        bid("c", price=92, scores=(2, 3), uptime=99.2),
        bid("d", price=110, scores=(5, 5), uptime=99.9),
        bid("e", price=95, scores=(1, 2), uptime=99.0),
    ]


def _points_criteria() -> list[dict[str, Any]]:
    """Points weighting with no section weight stated: cost 30 points, quality 20 + 10."""
    criteria = tender_with()["criteria"]
    del criteria[0]["weight"], criteria[1]["weight"]
    criteria[0]["children"][0]["weight"] = 30
    criteria[1]["children"][0]["weight"] = 20
    criteria[1]["children"][1]["weight"] = 10
    return criteria  # type: ignore[no-any-return]


def _with_section_weights(cost: float, quality: float) -> list[dict[str, Any]]:
    criteria = tender_with()["criteria"]
    criteria[0]["weight"], criteria[1]["weight"] = cost, quality
    return criteria  # type: ignore[no-any-return]


def _with_minimum(points: float) -> list[dict[str, Any]]:
    criteria = tender_with()["criteria"]
    criteria[1]["minimum"] = {"points": points}
    return criteria  # type: ignore[no-any-return]


SYNTHETIC: dict[str, dict[str, Any]] = {
    "rounded at every stage, tie-broken": {
        "rounding": {"value": 3, "points": 1, "section": 1, "total": 2},
        "tie_break": ["quality", "price"],
    },
    "rounded sections and totals, tie-broken": {
        "rounding": {"section": 1, "total": 1},
        "tie_break": ["method", "price"],
    },
    "price per quality point, a minimum in points": {
        "aggregation": {"method": "price_per_quality_point"},
        "criteria": _with_minimum(25),
        "price": {"formula": "absolute", "floor": 0, "ceiling": 200},
    },
    "monetised quality": {
        "aggregation": {"method": "monetised_quality", "money_per_point": 1.5},
        "tie_break": ["price"],
    },
    "a minimum that changes who sets the lowest price": {"criteria": _with_minimum(30)},
    "points weighting, sections weighed by their criteria": {
        "weighting": "points",
        "criteria": _points_criteria(),
    },
    "a section published at no weight": {"criteria": _with_section_weights(100, 0)},
}
PUBLIC_CASES = [case for case in SYNTHETIC if case != "rounded at every stage, tie-broken"]
"""The public page shows section scores, so it cannot repeat rounding of each criterion's
points (it says so on the page)."""


@pytest.mark.parametrize(
    ("case", "audience"),
    [(case, "committee") for case in SYNTHETIC] + [(case, "public") for case in PUBLIC_CASES],
)
def test_the_page_agrees_with_the_engine_on_every_rule(
    page: browser.Page, tmp_path: Path, case: str, audience: str
) -> None:
    disclosure = {"winner_price": True, "losing_prices": True}  # price-as-money needs them
    config = tender_with(**SYNTHETIC[case], disclosure=disclosure)
    directory = write_tender(tmp_path / "t", config, _bids())
    run_cli(["evaluate", directory, "--format", "html", "--audience", audience])
    tender = pipeline.load(directory)
    official = evaluate(tender)
    published_out = {b.id for b in official.bids if not b.eligible}
    relative = PRICE_FORMULAS[tender.config.price.formula].relative
    name = "decision.html" if audience == "public" else "decision-committee.html"
    page.open(directory / "out" / f"T-1-{name}")
    rng = np.random.default_rng(7)
    nodes = [
        node.id
        for node in tender.tree.nodes.values()
        if node.leaves
        and (audience == "committee" or (node.depth == 0 and node.effective_weight > 0))
    ]
    recalculated = compared = 0
    for _ in range(30):
        weights = {node: float(np.round(rng.uniform(0, 100), 2)) for node in nodes}
        page.set_hash(_fragment(weights))
        evaluation = _engine(tender, weights)
        contention = page.find("#exploration-contention").is_displayed()
        hidden = page.find("#exploration-hidden").is_displayed()
        flagged = contention or hidden
        differs = {b.id for b in evaluation.bids if not b.eligible} != published_out
        # another set of bids in contention is said, never silently: on the committee's page,
        # which holds every bid, exactly when price is then scored against another field;
        # on the public page, without the excluded bids' scores, whenever it may be
        if audience == "committee":
            assert contention == (relative and differs)
        else:
            assert flagged or not differs
        if flagged:
            recalculated += 1
            continue
        _assert_same(page, evaluation, published=official if audience == "public" else None)
        compared += 1
    if case.startswith("a minimum that changes"):
        assert recalculated > 0
        if audience == "public":  # e's scores are not on the page: every move is flagged
            return
    assert compared >= 10


def test_a_page_without_an_exploration_says_why(page: browser.Page, tmp_path: Path) -> None:
    config = tender_with(aggregation={"method": "price_per_quality_point"})
    directory = write_tender(tmp_path / "t", config, [bid("a", price=95), bid("b", price=100)])
    run_cli(["evaluate", directory, "--format", "html"])
    page.open(directory / "out" / "T-1-decision.html")
    assert page.find("#exploration").is_displayed()
    assert "which is not published" in page.find("#exploration").text
    assert page.find_all("input[type=range]") == []
