"""SVG charts for the report, drawn with matplotlib (imported only when exporting).

Output is deterministic: no timestamps, a fixed hash salt for element ids, text kept as
text, and everything drawn from the export document in a fixed order.
"""

from __future__ import annotations

import io
import warnings
from typing import Any, Literal

from tenderscore.exporters.escaping import without_controls
from tenderscore.report.criteria import quality_points
from tenderscore.report.types import ExportDocument, sensitivity_of
from tenderscore.rules.frontier import efficient_frontier

CHART_BIDS = 20  # the leading bids; a chart of hundreds of bars is not read

PALETTE = ("#1f4e79", "#c55a11", "#548235", "#7f6000", "#7030a0", "#2e75b6", "#bf9000")


def _figure(width: float, height: float) -> Any:
    import matplotlib

    matplotlib.rcParams.update(
        {
            "svg.hashsalt": "tenderscore",
            "svg.fonttype": "none",
            "font.size": 9,
            "font.family": "DejaVu Sans",
        }
    )
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height))


ChartFormat = Literal["svg", "png"]
PNG_DPI = 200  # sharp when a Word document is printed


def _render(figure: Any, fmt: ChartFormat) -> bytes:
    """The figure as SVG (text kept as text) or PNG (for Word), with no date or tool version
    in it, so the same document always gives the same bytes."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.backends.backend_svg import FigureCanvasSVG

    (FigureCanvasAgg if fmt == "png" else FigureCanvasSVG)(figure)
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        # A name in a script the chart font lacks is drawn as boxes; the name is in full in
        # the report beside the chart, so matplotlib's warning is not the reader's concern.
        warnings.filterwarnings(
            "ignore", message="Glyph .* missing from font", category=UserWarning
        )
        if fmt == "png":
            figure.savefig(
                buffer, format="png", dpi=PNG_DPI, metadata={"Software": None}, bbox_inches="tight"
            )
        else:
            figure.savefig(
                buffer, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight"
            )
    return buffer.getvalue()


def chart_text(text: str) -> str:
    """Untrusted text as a chart label: control characters dropped (they make the SVG not
    well-formed XML) and every dollar sign literal (matplotlib reads $...$ as mathematics, and
    a bid named 'A$^$ Ltd' crashed the chart)."""
    return without_controls(text).replace("$", r"\$")


def points_by_section(document: ExportDocument, fmt: ChartFormat = "svg") -> bytes:
    """Stacked horizontal bars: each ranked bid's points by top-level section."""
    sections = document["sections"]
    names = {c["id"]: c["name"] for c in document["criteria"]}
    ranked = [bid for bid in document["bids"] if bid["eligible"]][:CHART_BIDS]
    figure = _figure(7, 0.6 + 0.45 * max(len(ranked), 1))
    axes = figure.add_subplot()
    rows = list(range(len(ranked)))  # positions, not names: two bids of one name stay two bars
    left = [0.0] * len(ranked)
    for k, section in enumerate(sections):
        values = [bid["section_points"][section] for bid in reversed(ranked)]
        colour = PALETTE[k % len(PALETTE)]
        axes.barh(rows, values, left=left, color=colour, label=chart_text(names[section]))
        left = [a + b for a, b in zip(left, values, strict=True)]
    axes.set_yticks(rows, [chart_text(bid["name"]) for bid in reversed(ranked)])
    axes.set_xlabel("points")
    axes.legend(
        loc="upper center", bbox_to_anchor=(0.5, -0.25), ncol=min(len(sections), 4), frameon=False
    )
    axes.spines[["top", "right"]].set_visible(False)
    return _render(figure, fmt)


def tornado(document: ExportDocument, fmt: ChartFormat = "svg") -> bytes:
    """For each top-level section, the weight range over which the winner stays the same."""
    intervals = [i for i in sensitivity_of(document)["stability"] if i["top_level"]]
    figure = _figure(7, 0.6 + 0.45 * max(len(intervals), 1))
    axes = figure.add_subplot()
    rows = list(range(len(intervals)))
    lows = [100 * i["winner_low"]["weight"] for i in reversed(intervals)]
    highs = [100 * i["winner_high"]["weight"] for i in reversed(intervals)]
    now = [100 * i["weight"] for i in reversed(intervals)]
    axes.barh(
        rows,
        [h - lo for lo, h in zip(lows, highs, strict=True)],
        left=lows,
        color="#9dc3e6",
        label="winner unchanged",
    )
    axes.scatter(now, rows, color="#1f4e79", zorder=3, label="published weight")
    axes.set_yticks(rows, [chart_text(i["name"]) for i in reversed(intervals)])
    axes.set_xlim(0, 100)
    axes.set_xlabel("weight of the section (%)")
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.25), ncol=2, frameon=False)
    axes.spines[["top", "right"]].set_visible(False)
    return _render(figure, fmt)


def value_for_money(document: ExportDocument, fmt: ChartFormat = "svg") -> bytes:
    """Quality points against whole-life price, one labelled point per ranked bid, the
    efficient frontier joined, the leading bid marked by shape and label, not colour alone:
    why the most advantageous tender need not be the cheapest."""
    ranked = [bid for bid in document["bids"] if bid["eligible"] and bid["price"] is not None][
        :CHART_BIDS
    ]
    prices = [bid["price"]["price"] for bid in ranked if bid["price"] is not None]
    quality = [quality_points(bid) for bid in ranked]
    figure = _figure(7, 4.2)
    axes = figure.add_subplot()
    frontier = efficient_frontier(prices, quality)
    axes.plot(
        [prices[i] for i in frontier],
        [quality[i] for i in frontier],
        color="#9dc3e6",
        linestyle="--",
        zorder=1,
        label="efficient frontier (no other bid cheaper and better)",
    )
    for k, bid in enumerate(ranked):
        leading = bid["rank"] == 1
        axes.scatter(
            prices[k],
            quality[k],
            marker="*" if leading else "o",
            s=160 if leading else 40,
            color="#c55a11" if leading else "#1f4e79",
            zorder=3,
        )
        label = chart_text(bid["name"]) + (" (leading)" if leading else "")
        axes.annotate(label, (prices[k], quality[k]), textcoords="offset points", xytext=(6, 4))
    currency = document["tender"]["currency"]
    axes.set_xlabel(f"whole-life price ({currency})")
    axes.set_ylabel("quality points")
    axes.xaxis.set_major_formatter(_thousands)
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), frameon=False)
    axes.spines[["top", "right"]].set_visible(False)
    return _render(figure, fmt)


def _thousands(value: float, _position: int) -> str:
    return f"{value:,.0f}"
