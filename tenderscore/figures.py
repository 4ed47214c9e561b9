"""How figures are written in workings, reports and the terminal, the same everywhere."""

from __future__ import annotations


def number(value: float) -> str:
    """Money-sized figures with thousands separators, small ones to six significant digits."""
    if abs(value) >= 1000:
        return f"{value:,.2f}"
    return f"{value:.6g}"
