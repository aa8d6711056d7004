"""The compiled twins of the pure-Python readers (C extensions built with the package).

Each twin gives exactly what the Python code it mirrors gives (tests/phones/test_runscan.py and
test_htmlscan.py hold them to it); the Python code stays as their reference and as the fallback
where they are not built. SPAMLINE_PURE_PYTHON=1 in the environment turns them off.
"""
from __future__ import annotations

import importlib
import os
from types import ModuleType

PURE_PYTHON = os.environ.get("SPAMLINE_PURE_PYTHON", "") not in ("", "0")


def twin(name: str) -> ModuleType | None:
    """The compiled module `spamline.phones.<name>`, or None (not built, or turned off)."""
    if PURE_PYTHON:
        return None
    try:
        return importlib.import_module(f"spamline.phones.{name}")
    except ImportError:
        return None
