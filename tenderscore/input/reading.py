"""Reading an input file's bytes: a regular file only, bounded, and not through a link that
leads out of the tender directory.

Bid files and filled workbooks come from parties with an interest in the result, and a tender
directory can be handed over whole. A FIFO in ``bids/`` made the tool hang, a link to
``/dev/zero`` ran it out of memory, and a link to ``/etc/passwd`` printed that file's first line
in the error message. Every input is read through ``read_input``.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from tenderscore.errors import Problem


def read_input(path: Path, *, limit: int, within: Path | None = None) -> bytes | Problem:
    """The bytes of ``path``, or the problem that stops it being read.

    The file is opened without blocking (a FIFO would wait for a writer for ever) and checked
    to be a regular file on the open descriptor, so it cannot be swapped in between; at most
    ``limit`` bytes are read. With ``within``, a path that resolves outside that directory (a
    symbolic link leading out) is refused before it is opened.
    """
    if within is not None and not _inside(path, within):
        return Problem(
            path, f"a link that leads outside {within}: copy the file into the tender instead"
        )
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        return Problem(path, f"cannot read file: {exc.strerror or exc}")
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            return Problem(path, "not a regular file (a pipe, a device or a directory)")
        if status.st_size > limit:
            return Problem(path, f"file is {status.st_size:,} bytes; the limit is {limit:,}")
        with os.fdopen(descriptor, "rb", closefd=False) as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        return Problem(path, f"cannot read file: {exc.strerror or exc}")
    finally:
        os.close(descriptor)
    if len(data) > limit:
        return Problem(path, f"file grew past the limit of {limit:,} bytes while it was read")
    return data


def _inside(path: Path, directory: Path) -> bool:
    try:
        path.resolve().relative_to(directory.resolve())
    except (OSError, ValueError):
        return False
    return True


def read_optional(root: Path, name: str, *, limit: int) -> bytes | Problem | None:
    """The record ``name`` kept beside tender.yaml (a lock, an approval), None when there is
    none, or the problem that stops it being read (``read_input``, within ``root``)."""
    path = root / name
    if not path.exists():
        return None
    return read_input(path, limit=limit, within=root)
