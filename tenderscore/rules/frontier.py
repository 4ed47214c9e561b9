"""The efficient frontier of price and quality: the bids no other bid beats on both.

A bid is dominated when another costs no more and scores no less, and is strictly better on
one of the two. The frontier, cheapest first, is what a value-for-money chart joins: every
bid off it could be replaced by one on it that is cheaper, better, or both.
"""

from __future__ import annotations

from collections.abc import Sequence


def efficient_frontier(prices: Sequence[float], qualities: Sequence[float]) -> list[int]:
    """Indices of the undominated bids, by rising price (equal prices: higher quality first).

    One pass after sorting: walking from the cheapest, a bid is on the frontier exactly when
    its quality beats every cheaper (or equally cheap and better) bid's, O(n log n).
    """
    order = sorted(range(len(prices)), key=lambda i: (prices[i], -qualities[i], i))
    frontier: list[int] = []
    best = float("-inf")
    for i in order:
        if qualities[i] > best:
            if frontier and prices[frontier[-1]] == prices[i]:
                continue  # same price, lower quality than the one kept
            frontier.append(i)
            best = qualities[i]
    return frontier
