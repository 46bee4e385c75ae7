"""The renormalization-group side of the paper (eqs. 5-17).

The hierarchical RG/AdS networks and the mass-to-depth rule live in :mod:`tnrbm.models.hierarchy`;
their old names here (``tnrbm.rg.hierarchical``, ``tnrbm.rg.correlation_length``, ...) still work and
warn once with a :class:`DeprecationWarning`.
"""

from __future__ import annotations

import warnings
from typing import Any

from ..models import hierarchy as _hierarchy

__all__: list[str] = []

_MOVED = ("correlation_length", "hierarchical", "hierarchical_layer_sizes", "ir_depth")


def __getattr__(name: str) -> Any:
    if name in _MOVED:
        warnings.warn(
            f"tnrbm.rg.{name} moved to tnrbm.models.{name}; the old name will be removed in tnrbm 0.3",
            DeprecationWarning,
            stacklevel=2,
        )
        return getattr(_hierarchy, name)
    raise AttributeError(f"module 'tnrbm.rg' has no attribute {name!r}")
