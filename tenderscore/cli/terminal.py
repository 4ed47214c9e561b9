"""What reaches a terminal: bid and evaluator text with no control characters in it.

A supplier named ``"Acme\\x1b]0;...\\x07"`` or ``"\\x1b[2J"`` could retitle or clear the
officer's terminal, and a right-to-left override (U+202E) can make text read backwards.
Rich strips only five control characters, so every segment of data is cleaned here just
before it is written, while rich's own styling and cursor controls pass untouched.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Console
from rich.segment import Segment

from tenderscore.exporters.escaping import without_controls

SHOWN_INSTEAD = "\ufffd"


def shown(text: str) -> str:
    """``text`` with every character that could control a terminal replaced by U+FFFD."""
    return without_controls(text, SHOWN_INSTEAD)


class SafeConsole(Console):
    """A rich console that cleans the data it writes (see the module docstring)."""

    def _render_buffer(self, buffer: Iterable[Segment]) -> str:
        cleaned = (
            segment if segment.control else Segment(shown(segment.text), segment.style)
            for segment in buffer
        )
        return super()._render_buffer(cleaned)


stdout = SafeConsole(highlight=False, emoji=False)  # ':x:' in a name stays ':x:'
stderr = SafeConsole(stderr=True, highlight=False, emoji=False)
