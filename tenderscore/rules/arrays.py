"""The array type every rule computes with, and the clip to [0, 1] they share."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


def clipped(values: Array) -> Array:
    """``values`` clipped to [0, 1]: a partial value never leaves that range."""
    return np.asarray(np.clip(values, 0.0, 1.0), dtype=np.float64)
