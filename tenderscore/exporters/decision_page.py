"""The decision page: one self-contained HTML file (``<reference>-decision.html``) that shows
the decision and lets its reader try other weights.

Everything is inline (style, script, charts as ``data:`` images) and the page loads nothing:
its Content-Security-Policy allows only its own style and script, by hash, and images from
``data:``. The decision reads in full with scripts off; the script adds only the exploration
(``templates/decision.js``), from the model in ``report/exploration.py``. Bid text reaches the
page only through the template's HTML escaping, and the script sets it only as text.
"""

from __future__ import annotations

import base64
import hashlib
import json
from importlib import resources
from pathlib import Path
from typing import Any

from tenderscore.exporters import charts
from tenderscore.exporters.escaping import without_controls
from tenderscore.exporters.public import public_context
from tenderscore.exporters.templating import environment, render
from tenderscore.report.exploration import Detail, exploration_model
from tenderscore.report.types import ExportDocument, sensitivity_of
from tenderscore.report.wording import CONFIDENTIAL, WHAT_IF, not_ranked

TEMPLATE = "decision.html.j2"
SCRIPT = "decision.js"
STYLE = "decision.css"


def render_decision_page(
    document: ExportDocument,
    *,
    audience: str,
    value_chart: bool,
    template_dir: Path | None = None,
) -> bytes:
    """The page for ``audience``: the public's explores the sections' weights, the
    committee's every weight (see ``report/exploration.py`` for why)."""
    from markupsafe import Markup

    detail: Detail = "criteria" if audience == "committee" else "sections"
    model = exploration_model(document, detail=detail)
    script, style = _asset(SCRIPT), _asset(STYLE)
    images = {
        "points": _data_uri(charts.points_by_section(document)),
        "tornado": _data_uri(charts.tornado(document)),
    }
    if value_chart:
        images["value"] = _data_uri(charts.value_for_money(document))
    context = public_context(document, images)
    if audience == "committee":
        context |= _committee_view(document)
    context |= {
        "audience": audience,
        "what_if_mark": WHAT_IF,
        "baseline": "the published" if document["run"]["official"] else "the what-if's",
        "confidential": CONFIDENTIAL if audience == "committee" else "",
        **_rank_rows(document, places=None if audience == "committee" else 1),
        "model": model,
        "groups": _control_groups(model),
        "percent": lambda x: f"{100 * x:.1f}%",
        "model_json": Markup(_script_json(model)),
        "script": Markup(script),
        "style": Markup(style),
        "csp": _content_security_policy(script, style),
    }
    bounded = environment(template_dir, TEMPLATE, html=True)
    return render(bounded, TEMPLATE, context, what="decision page").encode()


def _committee_view(document: ExportDocument) -> dict[str, Any]:
    """What the committee's page shows beyond the public's: every price and every reason."""
    prices = {
        bid["id"]: price["price"]
        for bid in document["bids"]
        if bid["eligible"] and (price := bid["price"]) is not None
    }
    return {
        "prices": prices,
        "show_prices": bool(prices),
        "withheld": [],
        "price_caveat": None,
        "not_ranked_reasons": True,
        "not_ranked": not_ranked(document),
    }


def _rank_rows(document: ExportDocument, *, places: int | None) -> dict[str, Any]:
    """The rank probabilities (rank acceptability) as rows of percentages, likeliest winner
    first: ``places`` of them (the public report publishes the first only)."""
    smaa = sensitivity_of(document)["smaa"]
    if smaa is None:
        return {"rank_rows": [], "rank_places": 0}
    names = {bid["id"]: bid["name"] for bid in document["bids"]}
    rows: list[dict[str, Any]] = [
        {
            "name": names[bid],
            "p": smaa["win_probability"][k],
            "places": [
                "-" if p is None else f"{100 * p:.1f}%" for p in smaa["rank_acceptability"][k]
            ],
        }
        for k, bid in enumerate(smaa["bids"])
    ]
    rows.sort(key=lambda row: -row["p"])
    shown = smaa["ranks_kept"] if places is None else min(places, smaa["ranks_kept"])
    for row in rows:
        row["places"] = row["places"][:shown]
    return {"rank_rows": rows, "rank_places": shown}


def _control_groups(model: dict[str, Any]) -> list[dict[str, Any]]:
    """The weight controls, one group per level with more than one weight (a level of one
    is always 100%), top level first, each group named by its parent."""
    if "unavailable" in model:
        return []
    nodes = model["nodes"]
    groups = []
    for parent in [-1, *range(len(nodes))]:
        members = [
            k for k, node in enumerate(nodes) if node["parent"] == parent and not node["fixed"]
        ]
        if len(members) < 2:
            continue
        groups.append(
            {
                "parent": None if parent < 0 else nodes[parent]["name"],
                "members": [
                    {
                        "index": k,
                        "name": nodes[k]["name"],
                        "published": nodes[k]["local"],
                        "interval": model["intervals"].get(nodes[k]["id"]),
                    }
                    for k in members
                ],
            }
        )
    return groups


def _asset(name: str) -> str:
    return resources.files("tenderscore").joinpath("templates", name).read_text(encoding="utf-8")


def _data_uri(svg: bytes) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def _plain(value: Any) -> Any:
    """``value`` with every string's control and direction characters dropped: the script
    sets names as text, which would render a right-to-left override."""
    if isinstance(value, str):
        return without_controls(value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _script_json(model: dict[str, Any]) -> str:
    """The model as JSON that cannot end its script element or open a comment: every '<',
    '>' and '&' is a JSON escape."""
    text = json.dumps(_plain(model), ensure_ascii=False, sort_keys=True, allow_nan=False)
    for character, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(character, escaped)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _hash_source(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def _content_security_policy(script: str, style: str) -> str:
    """Nothing loads but the page's own script and style (by hash) and ``data:`` images."""
    return (
        f"default-src 'none'; script-src {_hash_source(script)}; "
        f"style-src {_hash_source(style)}; img-src data:; base-uri 'none'; form-action 'none'"
    )
