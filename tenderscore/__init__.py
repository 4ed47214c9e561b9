"""tenderscore: transparent, reproducible and defensible tender evaluation.

The public API is deliberately small: load a tender directory, evaluate it, and read typed
results. Heavy modules (numpy, pydantic) are imported on first use so that the command line
starts quickly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "Evaluation",
    "InputError",
    "Tender",
    "TenderscoreError",
    "__version__",
    "analyse_sensitivity",
    "evaluate",
    "load_tender",
]

if TYPE_CHECKING:
    from tenderscore.engine.results import Evaluation
    from tenderscore.engine.scoring import evaluate
    from tenderscore.errors import InputError, TenderscoreError
    from tenderscore.input.loading import load_tender
    from tenderscore.input.tender import Tender
    from tenderscore.sensitivity.analysis import analyse_sensitivity

_LAZY = {
    "InputError": "tenderscore.errors",
    "TenderscoreError": "tenderscore.errors",
    "load_tender": "tenderscore.input.loading",
    "Evaluation": "tenderscore.engine.results",
    "evaluate": "tenderscore.engine.scoring",
    "Tender": "tenderscore.input.tender",
    "analyse_sensitivity": "tenderscore.sensitivity.analysis",
}


def __getattr__(name: str) -> Any:
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'tenderscore' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module_name), name)
