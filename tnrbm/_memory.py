"""Deprecated module: the memory guard lives in :mod:`tnrbm.validation`. Every old name still works and warns
with a :class:`DeprecationWarning`."""

from __future__ import annotations

from ._deprecated import forward

__getattr__, __dir__ = forward(
    __name__,
    {
        name: "tnrbm.validation"
        for name in ("SAFE_FRACTION", "available_memory", "default_max_memory", "check_memory", "format_bytes")
    },
)
