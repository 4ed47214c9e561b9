"""The one place where untrusted text (bid names, comments, reasons) is neutralised.

Excel: a string starting with = + - @ (or tab, carriage return, or their full-width forms)
is stored as text with a quote prefix, never as a formula, and never altered. Markdown:
characters with a meaning are backslash-escaped, and table cells are kept on one line.
"""

from __future__ import annotations

import re
from typing import Any

# with the full-width forms of = + - @, which spreadsheets also read as formula starts
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~&{}!])")
_LINE_START = re.compile(r"^(\s*)([-+=>]|\d+[.)])", flags=re.MULTILINE)


def set_text(cell: Any, text: str) -> None:
    """Store ``text`` in an openpyxl cell as a string, whatever it starts with."""
    cell.value = text
    cell.data_type = "s"
    if text.startswith(FORMULA_TRIGGERS):
        cell.quotePrefix = True


def markdown_text(text: object) -> str:
    """Escape Markdown and HTML syntax so bid text renders literally."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))
    return _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped)


def markdown_cell(text: object) -> str:
    """``markdown_text`` for a table cell: one line, pipes escaped."""
    return " ".join(markdown_text(text).split())
