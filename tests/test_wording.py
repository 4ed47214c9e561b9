"""One phrasing per finding, for the terminal and the documents alike."""

from __future__ import annotations

from tenderscore.report.wording import (
    improvement_words,
    minimum_words,
    price_cut_words,
    sampling_words,
    unreachable_words,
)


def test_price_cut_is_said_with_the_share_of_the_price() -> None:
    """From 1,740,778.18 to 1,566,700.36: (1,740,778.18 - 1,566,700.36) / 1,740,778.18 = 10.0%."""
    assert price_cut_words(1_740_778.18, 1_566_700.36, "GBP") == (
        "cut its price from 1,740,778.18 to 1,566,700.36 GBP (-10.0%)"
    )
    assert price_cut_words(100.0, None, "GBP") == "no price cut alone is enough"


def test_improvement_minimum_and_sampling_words() -> None:
    assert improvement_words(2.5, 3.25, "Key control") == "3.25 instead of 2.5 on Key control"
    assert minimum_words(percent=50, points=None, score=None) == "50% of the maximum"
    assert minimum_words(percent=None, points=12.5, score=None) == "12.5 points"
    assert minimum_words(percent=None, points=None, score=3) == "a score of 3"
    assert sampling_words("dirichlet", score_uncertainty=True) == (
        "around the published weights and scores drawn from the panel's individual scores"
    )
    assert unreachable_words() == "no single input is enough"
    assert unreachable_words(3) == "no single one of 3 other criteria is enough"
