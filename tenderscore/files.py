"""Writing outputs: the only module that writes files. Every write is atomic, and a set of
outputs is switched in as a whole.

A file is written as a temporary in the target's directory, flushed and synced, given the
mode the old file had (or the usual mode for a new file), then renamed over the target, so a
reader never sees half a workbook and a failed write leaves the old file as it was.

A set (a run's workbook, report, charts and JSON) is staged file by file, then a journal
naming every rename is committed (itself atomically), then the renames are made and the
journal removed. A run killed before the commit leaves the old set and its temporaries,
which the next write into that directory removes; a run killed during the renames leaves the
journal, and the next write (or ``recover_set``) completes them first: the directory always
ends with the old set or the new one, never a mix of two runs. Writers of one directory take
turns (an exclusive lock on the directory), so two runs into one ``--out`` cannot interleave.
Each directory is its own set: an official run never touches ``what-if/`` or ``draft/``.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
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


JOURNAL = ".tenderscore-switch.json"
STAGED = ".tenderscore-new-"


def write_outputs(files: Mapping[Path, bytes]) -> None:
    """Write ``files``, each directory's as one set (see the module docstring).

    Raises:
        OutputError: when the operating system refuses a write.
    """
    by_directory: dict[Path, dict[Path, bytes]] = {}
    for path, data in files.items():
        by_directory.setdefault(path.parent, {})[path] = data
    for directory, members in by_directory.items():
        write_set(directory, members)


def write_set(directory: Path, files: Mapping[Path, bytes]) -> None:
    """Switch ``files`` (all in ``directory``) in as one set."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot write {directory}: {exc.strerror or exc}") from exc
    with _exclusive(directory):
        recover_set(directory)
        staged: list[tuple[str, str]] = []
        try:
            for path, data in files.items():
                staged.append((_stage(path, data), path.name))
            try:
                write_atomic(directory / JOURNAL, json.dumps(staged).encode())
            except OutputError as exc:
                reason = str(exc).rpartition(": ")[2]
                raise OutputError(
                    f"cannot write {', '.join(str(p) for p in files)}: {reason}; the previous "
                    "outputs are as they were"
                ) from exc
        except BaseException:
            for temporary, _name in staged:
                with contextlib.suppress(OSError):
                    os.unlink(directory / temporary)
            raise
        recover_set(directory)


def recover_set(directory: Path) -> None:
    """Complete a switch a killed run left half made (its journal), then remove temporaries
    no journal names (a run killed before its commit).

    Raises:
        OutputError: when the journal cannot be read or a rename is refused.
    """
    journal = directory / JOURNAL
    try:
        if journal.exists():
            for temporary, name in _journal_entries(journal):
                if (directory / temporary).exists():
                    os.replace(directory / temporary, directory / name)
            _sync_directory(directory)
            os.unlink(journal)
            _sync_directory(directory)
        for stale in [*directory.glob(STAGED + "*"), *directory.glob(f".{JOURNAL}.*")]:
            stale.unlink()
    except OSError as exc:
        raise OutputError(f"cannot complete the outputs in {directory}: {exc}") from exc


def _journal_entries(journal: Path) -> list[tuple[str, str]]:
    try:
        entries = json.loads(journal.read_text())
        pairs = [(str(temporary), str(name)) for temporary, name in entries]
    except (ValueError, TypeError) as exc:
        raise OutputError(
            f"{journal} is not a journal tenderscore wrote ({exc}); remove it and run again"
        ) from exc
    for temporary, name in pairs:
        if "/" in temporary or "/" in name or not temporary.startswith(STAGED):
            raise OutputError(f"{journal} names a file outside its directory; remove it")
    return pairs


def _stage(path: Path, data: bytes) -> str:
    """``data`` in a synced temporary beside ``path``, with ``path``'s mode; its name."""
    try:
        mode = _mode_for(path)
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=STAGED)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from exc
    return Path(temporary).name


@contextlib.contextmanager
def _exclusive(directory: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``directory`` (where the system has flock): a second run
    writing into it waits for the first."""
    try:
        import fcntl
    except ImportError:  # not on Windows: runs there are not serialised
        yield
        return
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)
