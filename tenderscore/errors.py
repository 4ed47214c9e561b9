"""One exception family, each error carrying where in the input it was found."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input, located as precisely as the input allows.

    ``line`` and ``column`` are 1-based, as editors and compilers print them; they are None when
    the problem concerns a whole file or directory.
    """

    path: Path
    message: str
    field: str = ""
    line: int | None = None
    column: int | None = None
    cell: str | None = None

    def __str__(self) -> str:
        location = str(self.path)
        if self.cell is not None:
            location += f":{self.cell}"
        elif self.line is not None:
            location += f":{self.line}"
            if self.column is not None:
                location += f":{self.column}"
        field = f" {self.field}:" if self.field else ""
        return f"{location}:{field} {self.message}"

    def sort_key(self) -> tuple[str, str, int, int, str]:
        return (str(self.path), self.cell or "", self.line or 0, self.column or 0, self.message)


class TenderscoreError(Exception):
    """Base of every error tenderscore raises on purpose."""


class InputError(TenderscoreError):
    """The tender's input files are wrong; carries every problem found, not only the first."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(problems, key=Problem.sort_key)
        super().__init__("\n".join(str(p) for p in self.problems))


class UsageError(TenderscoreError):
    """A command-line request that cannot be carried out as asked (e.g. an unknown bid id)."""


class NotReady(TenderscoreError):
    """An official evaluation cannot recommend an award yet: ``items`` say what is open."""

    def __init__(self, items: Sequence[str]) -> None:
        super().__init__(f"{len(items)} readiness items open")
        self.items = list(items)


class OutputError(TenderscoreError):
    """An output file could not be written."""


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """``"; did you mean 'x'?"`` for the closest of ``choices`` to ``word``, or nothing."""
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {match[0]!r}?" if match else ""


SHOWN_ALIKE = 20
"""Problems of one kind in one file listed before the rest are counted: more than the
placeholders `init` writes (11), so that each is listed at its line."""
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
_FIGURE = re.compile(r"\d[\d,.]*")


def summarised(problems: Iterable[Problem], *, alike: int = SHOWN_ALIKE) -> list[str]:
    """The lines to show for ``problems``: each one, until ``alike`` of one kind in one file
    have been shown; then one line counting the rest (650,000 unknown answers printed
    650,000 lines)."""
    seen: dict[tuple[str, str], int] = {}
    lines: list[str] = []
    for problem in problems:
        key = (str(problem.path), _kind(problem.message))
        seen[key] = seen.get(key, 0) + 1
        if seen[key] <= alike:
            lines.append(str(problem))
    for (path, kind), count in seen.items():
        if count > alike:
            lines.append(f"{path}: and {count - alike:,} more like this: {kind}")
    return lines


def _kind(message: str) -> str:
    """A problem's message with its particulars (quoted names, figures) blanked."""
    return _FIGURE.sub("N", _QUOTED.sub("'...'", message))[:80]
