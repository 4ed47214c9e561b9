"""A run's outputs are one set: a kill at any point, or two runs into one directory, leave
the old set or the new one (once the next write has completed a half-made switch), never a
mix, and no temporaries behind."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tenderscore.files import JOURNAL, recover_set, write_outputs

NAMES = ("book.xlsx", "report.md", "points.svg", "result.json")


def _set(directory: Path, run: str) -> dict[Path, bytes]:
    return {directory / name: f"{run}:{name}".encode() * 1000 for name in NAMES}


def _contents(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in directory.iterdir()}


def _killed_after(directory: Path, renames: int) -> int:
    """Write the 'new' set in a child that dies (os._exit, as under kill -9) when it is about
    to make rename number ``renames`` + 1; the child's exit status."""
    script = textwrap.dedent(
        f"""
        import os, sys
        from pathlib import Path
        from tenderscore import files
        done = 0
        real = os.replace
        def replace(a, b):
            global done
            if done == {renames}:
                os._exit(9)
            done += 1
            real(a, b)
        files.os.replace = replace
        directory = Path({str(directory)!r})
        names = {NAMES!r}
        files.write_outputs({{directory / n: ("new:" + n).encode() * 1000 for n in names}})
        """
    )
    return subprocess.run([sys.executable, "-c", script], check=False).returncode


@pytest.mark.parametrize("renames", range(len(NAMES) + 2))
def test_a_kill_at_any_rename_leaves_the_old_set_or_the_new(tmp_path: Path, renames: int) -> None:
    """Rename 1 commits the journal; renames 2 to 5 switch the files in."""
    write_outputs(_set(tmp_path, "old"))
    old = _contents(tmp_path)
    status = _killed_after(tmp_path, renames)
    assert status == (9 if renames <= len(NAMES) else 0)
    recover_set(tmp_path)  # what the next write into the directory does first
    after = _contents(tmp_path)
    new = {name: f"new:{name}".encode() * 1000 for name in NAMES}
    assert after in (old, new), sorted(after)
    assert after == (old if renames == 0 else new)


def test_a_kill_while_staging_leaves_the_old_set_and_no_temporaries(tmp_path: Path) -> None:
    write_outputs(_set(tmp_path, "old"))
    old = _contents(tmp_path)
    (tmp_path / ".tenderscore-new-abc123").write_bytes(b"half a workbook")
    write_outputs(_set(tmp_path, "next"))
    assert set(_contents(tmp_path)) == set(NAMES)
    assert _contents(tmp_path) != old
    assert not (tmp_path / JOURNAL).exists()


def test_two_runs_into_one_directory_take_turns(tmp_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        from tenderscore.files import write_outputs
        directory = Path({str(tmp_path)!r})
        for k in range(30):
            run = sys.argv[1] + str(k)
            write_outputs({{directory / n: (run + ":").encode() * 5000 for n in {NAMES!r}}})
        """
    )
    children = [subprocess.Popen([sys.executable, "-c", script, tag]) for tag in "ab"]
    assert [child.wait(timeout=120) for child in children] == [0, 0]
    contents = {p.read_bytes() for p in tmp_path.iterdir()}
    assert len(contents) == 1  # every file from one and the same run
    assert {p.name for p in tmp_path.iterdir()} == set(NAMES)


def test_an_official_run_never_touches_a_what_if_set(tmp_path: Path) -> None:
    what_if = tmp_path / "what-if" / "cost-led"
    write_outputs(_set(what_if, "what-if"))
    (what_if / ".tenderscore-new-kept").write_bytes(b"x")  # a what-if's own business
    write_outputs(_set(tmp_path, "official"))
    assert (what_if / ".tenderscore-new-kept").exists()
    assert _contents(what_if)["report.md"].startswith(b"what-if:")
