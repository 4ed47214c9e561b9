"""The tender's secret key, kept in the tender directory and in no document it hands out.

``tenderscore sheets`` makes it the first time (32 random bytes, readable by the owner only);
it seals each evaluator's scoring sheet to that evaluator (``fingerprints.sheet_seal``), so a
filled sheet cannot be passed off as another panel member's.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from tenderscore.errors import InputError, Problem
from tenderscore.files import write_secret
from tenderscore.input.reading import read_input

KEY_FILE = Path(".tenderscore") / "sheet-key"
KEY_BYTES = 32


def read_sheet_key(root: Path) -> bytes | None:
    """The tender's key, or None when no sheets were ever made for it.

    Raises:
        InputError: when the key file is there but unreadable or not a key.
    """
    path = root / KEY_FILE
    if not path.exists():
        return None
    key = read_input(path, limit=KEY_BYTES + 1, within=root)
    if isinstance(key, Problem):
        raise InputError([key])
    if len(key) != KEY_BYTES:
        raise InputError(
            [Problem(path, f"not a tenderscore key (expected {KEY_BYTES} bytes); restore it")]
        )
    return key


def sheet_key(root: Path) -> bytes:
    """The tender's key, made now if the tender has none yet."""
    key = read_sheet_key(root)
    if key is None:
        key = secrets.token_bytes(KEY_BYTES)
        write_secret(root / KEY_FILE, key)
    return key
