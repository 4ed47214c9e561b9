"""The collector pause switches the cyclic garbage collector back on, as it was."""

from __future__ import annotations

import gc

import pytest

from tenderscore.input.loading import load_tender
from tenderscore.memory import collector_paused

from conftest import EXAMPLE


def test_the_collector_is_paused_inside_and_restored_after() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # left off by its owner, not switched on behind its back
    finally:
        gc.enable()


def test_loading_leaves_the_collector_on() -> None:
    @collector_paused()
    def paused() -> bool:
        return gc.isenabled()

    assert paused() is False
    load_tender(EXAMPLE)
    assert gc.isenabled()
