"""One exception family, each error carrying where in the input it was found."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
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


class OutputError(TenderscoreError):
    """An output file could not be written."""


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """``"; did you mean 'x'?"`` for the closest of ``choices`` to ``word``, or nothing."""
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {match[0]!r}?" if match else ""
