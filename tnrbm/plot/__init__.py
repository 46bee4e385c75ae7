"""Pictures (matplotlib): every function takes ``ax=None`` and returns the axes it drew on."""

from __future__ import annotations

from ._bulk import cut_scaling, draw_bulk
from ._curves import energy_history, entropy_curve, profile, spectrum

__all__: list[str] = ["cut_scaling", "draw_bulk", "energy_history", "entropy_curve", "profile", "spectrum"]
