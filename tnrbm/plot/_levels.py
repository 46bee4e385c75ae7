"""The entanglement spectrum by charge sector: levels ``xi`` against sector, with degeneracies."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from typing import Any

import numpy as np

from ..entropy import EntanglementLevels, entanglement_levels
from ..errors import InvalidParameterError
from ._figure import check_path, finish, new_axes, saves_figure

__all__ = ["entanglement_levels_plot"]

#: the label of the level markers (for callers and tests)
LEVELS_LABEL = r"levels $\xi = -\ln \lambda$"


@saves_figure
def entanglement_levels_plot(
    levels: Any,
    ax: Any = None,
    max_level: float | None = None,
    *,
    annotate: bool = True,
    path: str | os.PathLike | None = None,
    seed: int | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> Any:
    """Entanglement levels ``xi`` (y) against charge sector (x), one short bar per distinct level and its
    multiplicity written beside it; a dotted line at the largest gap.

    Parameters
    ----------
    levels
        :class:`~tnrbm.entropy.EntanglementLevels`, or a result that
        :func:`~tnrbm.entropy.entanglement_levels` takes.
    ax
        Matplotlib axes (a new constrained-layout figure when None).
    max_level
        Draw the levels up to this ``xi`` (default: all).
    annotate
        Write the multiplicity beside degenerate levels.
    {save}

    Examples
    --------
    >>> import tnrbm, tnrbm.plot
    >>> res = tnrbm.entropy.symmetry_resolved(tnrbm.states.cluster(8), [0, 1, 2], "z2")
    >>> ax = tnrbm.plot.entanglement_levels_plot(res)
    >>> [t.get_text() for t in ax.get_xticklabels()]
    ['+1', '-1']
    """
    if not isinstance(levels, EntanglementLevels):
        levels = entanglement_levels(levels)
    if max_level is not None and not (isinstance(max_level, (int, float)) and math.isfinite(max_level)):
        raise InvalidParameterError(f"max_level must be None or a finite number; got {max_level!r}")
    path = check_path(path)
    ax, created = new_axes(ax, figsize=(max(3.5, 0.9 * len(levels.sectors) + 2.0), 4.0))
    xs, ys = [], []
    for x, deg in enumerate(levels.degeneracies):
        for lv, k in deg:
            if max_level is not None and lv > max_level:
                continue
            xs.append(x)
            ys.append(lv)
            if annotate and k > 1:
                ax.annotate(str(k), (x, lv), xytext=(8, 0), textcoords="offset points", va="center", fontsize="small")
    ax.plot(xs, ys, "_", markersize=18, markeredgewidth=2, color="C0", linestyle="none", label=LEVELS_LABEL)
    size, where = levels.largest_gap(max_level)
    if math.isfinite(size):
        ax.axhline(where, color="#7f7f7f", linestyle=":", label=f"largest gap {size:.3g}")
    ax.set_xticks(np.arange(len(levels.sectors)), list(levels.sectors))
    ax.set_xlim(-0.6, len(levels.sectors) - 0.4)
    ax.set_xlabel("sector" if levels.symmetry is None else f"{levels.symmetry} sector $q$")
    ax.set_ylabel(r"$\xi = -\ln \lambda$")
    ax.set_title(f"entanglement levels, |A| = {len(levels.region)} of {levels.n_visible}", fontsize="medium")
    ax.legend(fontsize="small")
    return finish(ax, created, path, seed, metadata)
