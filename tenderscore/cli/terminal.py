"""What reaches a terminal: bid and evaluator text with no control characters in it.

A supplier named ``"Acme\\x1b]0;...\\x07"`` or ``"\\x1b[2J"`` could retitle or clear the
officer's terminal, and a right-to-left override (U+202E) can make text read backwards.
Rich strips only five control characters, so every segment of data is cleaned here just
before it is written, while rich's own styling and cursor controls pass untouched.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator

from rich.console import Console
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

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


NARROW = 100
"""Below this many columns, tables show ids (short, unbreakable) with a legend of the names,
instead of names cut to 'Whole...'."""


def is_narrow(console: Console) -> bool:
    return console.width < NARROW


def bullets(console: Console, lines: Iterable[str | Text], marker: str = "-") -> None:
    """A list whose wrapped lines keep their indent under the text, not under the marker."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column()
    for line in lines:
        grid.add_row(f"  {marker}", line if isinstance(line, Text) else Text(line))
    console.print(grid)


def legend(console: Console, title: str, names: Iterable[tuple[str, str]]) -> None:
    """What the ids in a narrow table stand for, one per line."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, style="dim")
    grid.add_column()
    for key, name in names:
        grid.add_row(Text(key), Text(name))
    console.print(Text(title, style="dim"))
    console.print(grid)


@contextlib.contextmanager
def working(what: str, *, quiet: bool = False) -> Iterator[Callable[[int, int], None]]:
    """A transient line on stderr saying what is being done, for a person watching a terminal
    only (never on a pipe or with --json: ``quiet``); yields a callback for counted steps
    (samples drawn, say) that updates it."""
    if quiet or not stderr.is_interactive:
        yield lambda done, total: None
        return
    with stderr.status(what) as status:

        def advance(done: int, total: int) -> None:
            status.update(f"{what}: {done:,} of {total:,}")

        yield advance
