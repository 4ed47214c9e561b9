"""What the public may read of bidders' commercial information, and the log of what it may
not: one place decides, for every public output.

The committee's documents show everything. A public document shows the decision and its
reasons: ranks, totals, section scores, the successful tender's price when the policy allows
(``disclosure`` in tender.yaml), and withholds the rest, each item listed with its reason in a
disclosure log, so that a freedom-of-information request can be answered from it.
"""

from __future__ import annotations

from dataclasses import dataclass

from tenderscore.report.types import ExportDocument
from tenderscore.rules.price import PRICE_FORMULAS

COMMERCIAL = "commercially sensitive (Freedom of Information Act 2000 s43)"
PERSONAL = "personal data (Freedom of Information Act 2000 s40, UK GDPR)"
OWN_SUMMARY = "given to each bidder in its own assessment summary; " + COMMERCIAL


@dataclass(frozen=True, slots=True)
class Withheld:
    """One kind of information a public document leaves out, and why."""

    what: str
    why: str


def public_prices(document: ExportDocument) -> dict[str, float]:
    """The prices a public document may print, by bid id: the successful tender's when the
    policy publishes it, every ranked bid's when it publishes losing prices too."""
    policy = document["disclosure"]
    return {
        bid["id"]: price["price"]
        for bid in document["bids"]
        if bid["eligible"] and (price := bid["price"]) is not None
        if (policy["winner_price"] if bid["rank"] == 1 else policy["losing_prices"])
    }


def losing_prices_public(document: ExportDocument) -> bool:
    return document["disclosure"]["losing_prices"]


def withheld(document: ExportDocument) -> list[Withheld]:
    """The disclosure log of a public document made from ``document``."""
    found = []
    if not losing_prices_public(document):
        found.append(
            Withheld(
                "the other bids' prices, and every figure they can be read from directly (the "
                "price cut each losing bid would need to win, the price-formula parameters set "
                "from the prices received, the value-for-money chart)",
                COMMERCIAL,
            )
        )
    if not document["disclosure"]["winner_price"]:
        found.append(Withheld("the successful tender's price", COMMERCIAL))
    found += [
        Withheld("each bid's scores on each criterion and the panel's reasons", OWN_SUMMARY),
        Withheld(
            "why each bid that is not ranked was excluded, beyond the kind of outcome",
            OWN_SUMMARY,
        ),
        Withheld(
            "the individual evaluators' scores and comments (working notes of the evaluation)",
            f"internal deliberation; {PERSONAL}",
        ),
        Withheld("the details of the interests declared by the people involved", PERSONAL),
    ]
    return found


def price_caveat(document: ExportDocument) -> str | None:
    """What the published points say about prices anyway, when they do: under a relative
    price formula a bid's price points and one known price give its price."""
    formula = PRICE_FORMULAS[document["method"]["price_formula"]]
    if not formula.relative or losing_prices_public(document):
        return None
    return (
        f"The price formula ({formula.expression}) scores each price against the others, so a "
        "bid's points for price together with any one known price (the successful tender's, "
        "which the award notice publishes) give that bid's price: withholding the figures "
        "does not keep them secret from a reader who does this arithmetic."
    )
