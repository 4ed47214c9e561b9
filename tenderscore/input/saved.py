"""A saved export, read back: what ``tenderscore export`` and ``verify`` start from.

Kept apart from ``loading`` (which reads tenders) so that re-rendering a saved result does
not import the validation models: ``export`` starts faster.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from tenderscore.errors import InputError, Problem
from tenderscore.input.reading import read_input
from tenderscore.memory import collector_paused

EXPORT_SCHEMA = "tenderscore/export"
EXPORT_VERSION = 5
"""4: typed outcomes and bids set aside before scoring; 3: official or what-if run;
2: reasons by evaluator, ten ranks kept."""
SECTIONS = (
    "run",
    "tender",
    "method",
    "criteria",
    "sections",
    "ranking",
    "bids",
    "set_aside",
    "warnings",
    "panel",
    "disclosure",
    "meeting",
    "moderation",
    "sensitivity",
    "audit",
)


MAX_EXPORT_BYTES = 1 << 30  # a 2,000-bid x 60-criterion export is 115 MiB


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object, refusing a key given twice (json keeps the last one silently)."""
    document: dict[str, Any] = {}
    for key, value in pairs:
        if key in document:
            raise ValueError(f"the key {key!r} is given twice in one object")
        document[key] = value
    return document


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


@collector_paused()
def read_export(path: Path) -> tuple[str, dict[str, Any] | bytes]:
    """A saved export: ('json', document) or ('xlsx', workbook bytes).

    Raises:
        InputError: when the file cannot be read, is not a tenderscore export, or was written
            by a version of tenderscore whose export layout differs.
    """
    data = read_input(path, limit=MAX_EXPORT_BYTES)
    if isinstance(data, Problem):
        raise InputError([data])
    if path.suffix.lower() == ".xlsx":
        return "xlsx", data
    try:
        document = json.loads(
            data, object_pairs_hook=_no_duplicate_keys, parse_constant=_no_constant
        )
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError([Problem(path, f"not a JSON export: {exc}")]) from exc
    if re.search(rb"\\u[dD][89a-fA-F]", data):  # a surrogate escape: lone ones cannot be text
        try:
            json.dumps(document, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise InputError(
                [
                    Problem(
                        path,
                        "holds a \\u escape of half a character (a lone surrogate): "
                        "not text any document can print (was it edited?)",
                    )
                ]
            ) from None
    if not isinstance(document, dict) or document.get("schema") != EXPORT_SCHEMA:
        raise InputError(
            [
                Problem(
                    path,
                    f"expected a tenderscore export (schema '{EXPORT_SCHEMA}'), as written by "
                    "tenderscore evaluate; `evaluate --json` output is not an export",
                )
            ]
        )
    if document.get("schema_version") != EXPORT_VERSION:
        raise InputError(
            [
                Problem(
                    path,
                    f"schema_version: expected {EXPORT_VERSION}; got "
                    f"{document.get('schema_version')!r} (written by another version of "
                    "tenderscore: run tenderscore evaluate again)",
                )
            ]
        )
    missing = [section for section in SECTIONS if section not in document]
    if missing:
        raise InputError(
            [
                Problem(
                    path,
                    f"an incomplete export: no {', '.join(missing)} (was it edited or cut "
                    "short? run tenderscore evaluate again)",
                )
            ]
        )
    return "json", document
