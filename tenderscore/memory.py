"""Building many objects quickly: the cyclic garbage collector paused while it is done."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building objects that form no cycles
    (``with collector_paused():``, or ``@collector_paused()`` on a function).

    Loading 2,000 bids makes some ten million objects, and the collector's repeated full
    passes over them took 12 of the 23 s (3 of the 8 s of the export document). Reference
    counting still frees everything at once; the collector is back, as it was, afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
