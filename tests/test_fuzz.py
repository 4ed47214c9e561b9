"""Fuzzing the inputs that come from outside: whatever a bid file, a saved export or a filled
scoring sheet holds, reading it ends in a result or in located problems (InputError, exit 2),
never in any other exception (issue: inputs)."""

from __future__ import annotations

import contextlib
import functools
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from tenderscore.errors import InputError
from tenderscore.exporters.scoresheets import render_sheets
from tenderscore.exporting import render_saved
from tenderscore.input.loading import load_tender
from tenderscore.input.scoresheets import read_sheet
from tenderscore.input.tender import Tender
from tenderscore.pipeline import run
from tenderscore.report.document import RunInfo

from conftest import EXAMPLE

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
BID = "bids/albion-analytics.yaml"
any_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**20), 10**20)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("fuzz") / "tender"
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns("out"))
    return target


@FUZZ
@given(data=st.data())
def test_a_mangled_bid_file_is_read_or_refused(workspace: Path, data: st.DataObject) -> None:
    original = (EXAMPLE / BID).read_bytes()
    start = data.draw(st.integers(0, len(original)))
    end = data.draw(st.integers(start, min(len(original), start + 40)))
    insert = data.draw(st.binary(max_size=30) | st.sampled_from([b": ", b"\n- ", b"&a *a", b"{"]))
    (workspace / BID).write_bytes(original[:start] + insert + original[end:])
    with contextlib.suppress(InputError):  # refused with located problems, or read
        load_tender(workspace)


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a JSON document, as the keys and indexes that lead to it."""
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value[:3]):
            found += _paths(item, (*path, index))
    return found


@functools.cache
def saved_text() -> str:
    """The example's export as saved (a function, not a fixture: hypothesis shows its
    arguments, and a whole export is too long to show)."""
    document = run(EXAMPLE, analysis="quick", document=RunInfo("t", "c")).document
    return json.dumps(document)


@FUZZ
@given(data=st.data())
def test_an_edited_export_is_rendered_or_refused(data: st.DataObject) -> None:
    document = json.loads(saved_text())
    places = [p for p in _paths(document) if p]
    for _ in range(data.draw(st.integers(1, 3))):
        place = data.draw(st.sampled_from(places))
        parent: Any = document
        try:
            for step in place[:-1]:
                parent = parent[step]
            if data.draw(st.booleans()) and isinstance(parent, dict):
                parent.pop(place[-1], None)
            else:
                parent[place[-1]] = data.draw(any_json)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier edit removed the way there
    with contextlib.suppress(InputError):
        render_saved(Path("edited.json"), document, ["xlsx", "md", "json"], template_dir=None)


KEY = b"k" * 32


@functools.cache
def example() -> Tender:
    return load_tender(EXAMPLE)


@functools.cache
def blank_sheet() -> bytes:
    tender = example()
    return next(iter(render_sheets(tender.config, tender.tree, tender.bids, KEY).values()))


@FUZZ
@given(
    cells=st.lists(
        st.tuples(
            st.integers(1, 60),
            st.integers(1, 8),
            st.none()
            | st.integers(-(10**6), 10**6)
            | st.floats(allow_nan=True, allow_infinity=True)
            | st.text(st.characters(blacklist_categories=["Cc", "Cs"]), max_size=30)
            | st.sampled_from(["=1+1", '=HYPERLINK("x")', "NaN", "abc", "4"]),
        ),
        max_size=8,
    )
)
def test_a_filled_sheet_with_any_cells_is_read_or_refused(
    cells: list[tuple[int, int, Any]],
) -> None:
    tender = example()
    book = load_workbook(io.BytesIO(blank_sheet()))
    sheet = book["Scores"]
    for row, column, value in cells:
        sheet.cell(row=row, column=column).value = value
    buffer = io.BytesIO()
    book.save(buffer)
    bids = {bid.id: bid.name for bid in tender.bids}
    sheet_path = Path("s.xlsx")
    scores, problems = read_sheet(
        sheet_path, buffer.getvalue(), tender.config, tender.tree, bids, KEY
    )
    assert scores or problems
    assert all(problem.path == sheet_path for problem in problems)


@FUZZ
@given(data=st.data())
def test_an_export_edited_within_its_types_is_rendered_or_refused(data: st.DataObject) -> None:
    """Edits that keep every value's type (an id swapped for another id, a figure for
    another figure, a list item dropped) pass the type check, so they reach the renderers."""
    document = json.loads(saved_text())
    ids = sorted(
        {
            str(v)
            for p in _paths(document)
            if p and p[-1] in ("id", "bid", "criterion")
            for v in [_at(document, p)]
            if isinstance(v, str)
        }
    )
    places = [p for p in _paths(document) if p]
    for _ in range(data.draw(st.integers(1, 4))):
        place = data.draw(st.sampled_from(places))
        try:
            parent = _at(document, place[:-1])
            value = parent[place[-1]]
        except (KeyError, IndexError, TypeError):
            continue
        if isinstance(value, bool):
            parent[place[-1]] = not value
        elif isinstance(value, int | float):
            parent[place[-1]] = data.draw(
                st.floats(-1e6, 1e6) if isinstance(value, float) else st.integers(-5, 5)
            )
        elif isinstance(value, str):
            parent[place[-1]] = data.draw(st.sampled_from(ids) | st.text(max_size=12))
        elif isinstance(value, list) and value:
            value.pop(data.draw(st.integers(0, len(value) - 1)))
    with contextlib.suppress(InputError):
        render_saved(Path("edited.json"), document, ["xlsx", "md", "json"], template_dir=None)


def _at(document: Any, place: tuple[Any, ...]) -> Any:
    for step in place:
        document = document[step]
    return document
