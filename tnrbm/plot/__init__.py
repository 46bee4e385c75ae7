"""Pictures (matplotlib): every function takes ``ax=None`` and returns the axes it drew on.

A figure a function creates (``ax=None``) uses constrained layout, so that ``ax.figure.savefig(...)``
keeps every label and legend inside the picture. It is the caller's to close
(``plt.close(ax.figure)``), unless ``path=`` is given: the function then saves it and closes it.
Axes passed in stay the caller's and are never closed.
"""

from __future__ import annotations

from ._bulk import cut_scaling, draw_bulk
from ._curves import energy_history, entropy_curve, profile, spectrum
from ._figure import figure_metadata, save_figure
from ._layout import layout
from ._levels import entanglement_levels_plot
from ._rg import coupling_flow, magnetization_histogram
from ._surfaces import cut_transition

__all__: list[str] = [
    "cut_scaling",
    "coupling_flow",
    "cut_transition",
    "draw_bulk",
    "energy_history",
    "entanglement_levels_plot",
    "entropy_curve",
    "figure_metadata",
    "layout",
    "magnetization_histogram",
    "profile",
    "save_figure",
    "spectrum",
]
