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

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~&{}!@])")
_LINE_START = re.compile(r"^(\s*)([-+=>]|\d+[.)])", flags=re.MULTILINE)
_AUTOLINK = re.compile(r"(?i)(https?|ftp|mailto|xmpp|www)([:.])")  # after any character too
WORD_JOINER = "\u2060"
"""Invisible, it keeps GitHub's e-mail autolink from seeing a domain after an '@' (an escaped
'@' alone does not: cmark-gfm links 'sales\\@evil.example')."""


def set_text(cell: Any, text: str) -> None:
    """Store ``text`` in an openpyxl cell as a string, whatever it starts with."""
    cell.value = text
    cell.data_type = "s"
    if text.startswith(FORMULA_TRIGGERS):
        cell.quotePrefix = True


def markdown_text(text: object) -> str:
    """Bid text as literal Markdown: one line, syntax escaped, nothing that links, no control
    or bidirectional formatting character (``CONTROL``: text cannot be made to read backwards).

    Every run of white space (newlines, carriage returns, tabs, Unicode line and paragraph
    separators) becomes one space, so no part of the text can start a list, a rule, a heading
    or an indented code block, nor end the paragraph or heading it stands in; characters
    with a meaning are backslash-escaped; and the starts of GitHub's automatic links
    (``http://``, ``www.``, wherever they stand, and an e-mail's ``@``, followed by an
    invisible word joiner) are broken so a bare address stays text (checked with cmark-gfm).
    """
    one_line = without_controls(" ".join(str(text).split()))  # nor text read backwards
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", one_line)
    escaped = _AUTOLINK.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped)
    escaped = escaped.replace("\\@", "\\@" + WORD_JOINER)
    return _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped)


# C0 controls but tab and newline, DEL, C1 controls, and the bidirectional formatting marks:
# the characters that can steer a terminal, break XML or make text read in another order.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def without_controls(text: str, instead: str = "") -> str:
    """``text`` with every control character (``CONTROL``) replaced by ``instead``."""
    return CONTROL.sub(instead, text)
