"""Writing outputs: the only module that writes files. Every write is atomic.

A temporary file is written in the target's directory, flushed and synced, given the mode
the old file had (or the usual mode for a new file), then renamed over the target, so a
reader never sees half a workbook and a failed write leaves the old file as it was.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from tenderscore.errors import OutputError, UsageError


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically.

    Raises:
        OutputError: when the operating system refuses the write.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        mode = _mode_for(path)
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
        _sync_directory(path.parent)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from exc
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def write_secret(path: Path, data: bytes) -> None:
    """Create ``path`` holding ``data``, readable by its owner only (0600), never replacing
    a file that exists (two runs cannot each make a different secret).

    Raises:
        OutputError: when the file exists or the operating system refuses the write.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        _sync_directory(path.parent)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from exc


def _mode_for(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _sync_directory(directory: Path) -> None:
    with contextlib.suppress(OSError):
        descriptor = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def refuse_inputs_as_outputs(outputs: Iterable[Path], inputs: Iterable[Path]) -> None:
    """Refuse, before any work, to write over an input (through links or ``..`` too), or
    into a file as though it were a directory.

    Raises:
        UsageError: naming the output and the input it would overwrite, or the file.
    """
    existing_inputs = [p for p in inputs if p.exists()]
    for output in outputs:
        if output.parent.exists() and not output.parent.is_dir():
            raise UsageError(f"cannot write {output}: {output.parent} is a file, not a directory")
        if output.is_symlink():
            raise UsageError(f"refusing to write through a symbolic link: {output}")
        if not output.exists():
            continue
        for source in existing_inputs:
            if os.path.samefile(output, source):
                raise UsageError(f"refusing to overwrite input {source} with output {output}")


def write_outputs(files: Mapping[Path, bytes]) -> None:
    for path, data in files.items():
        write_atomic(path, data)
