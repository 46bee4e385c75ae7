"""The two-region transition of minimal cuts: the cut mutual information against the separation."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..errors import InvalidParameterError
from ._figure import check_path, finish, new_axes, saves_figure

__all__ = ["cut_transition"]

#: the label of the connected points (for callers and tests)
CONNECTED_LABEL = "connected surface"


@saves_figure
def cut_transition(
    rows: Sequence[dict],
    separations: Sequence[float] | None = None,
    ax: Any = None,
    label: str | None = None,
    *,
    color: Any = None,
    path: str | os.PathLike | None = None,
    seed: int | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> Any:
    """``I_cut(A:B) / ln 2 = m_A + m_B - m_AB`` against the separation of two regions, from
    :func:`tnrbm.bulk.two_region_transition`; filled markers where the surface of ``A u B`` is connected.

    Parameters
    ----------
    rows
        The rows of :func:`~tnrbm.bulk.two_region_transition`.
    separations
        The x values (default: the number of spins between the regions, on the line of indices).
    ax
        Matplotlib axes (a new constrained-layout figure when None).
    label
        Legend label of the curve.
    color
        Its colour (default: the axes' next).
    {save}

    Examples
    --------
    >>> import tnrbm, tnrbm.plot
    >>> from tnrbm.bulk import two_region_transition
    >>> chain = tnrbm.models.local_chain(24, radius=1, seed=0)
    >>> rows = two_region_transition(chain, [(range(4), range(4 + d, 8 + d)) for d in range(5)])
    >>> ax = tnrbm.plot.cut_transition(rows)
    >>> ax.get_lines()[0].get_ydata().tolist()
    [4.0, 3.0, 2.0, 1.0, 0.0]
    """
    rows = list(rows)
    if not rows or not all(isinstance(r, dict) and "m_AB" in r for r in rows):
        raise InvalidParameterError("rows must be the non-empty output of tnrbm.bulk.two_region_transition")
    if separations is None:
        x = np.array([min(r["B"]) - max(r["A"]) - 1 for r in rows], dtype=float)
    else:
        x = np.asarray(separations, dtype=float)
        if x.shape != (len(rows),):
            raise InvalidParameterError(f"separations must have one value per row ({len(rows)}); got {x.shape}")
    path = check_path(path)
    y = np.array([r["m_A"] + r["m_B"] - r["m_AB"] for r in rows], dtype=float)
    conn = np.array([r["connected"] for r in rows])
    ax, created = new_axes(ax)
    (line,) = ax.plot(x, y, "-", color=color, label=label or r"$I_{cut}(A:B)$")
    ax.plot(x[conn], y[conn], "o", color=line.get_color(), label=CONNECTED_LABEL if label is None else None)
    ax.plot(x[~conn], y[~conn], "o", mfc="white", color=line.get_color())
    ax.set_xlabel("separation between A and B (spins)")
    ax.set_ylabel(r"$I_{cut} / \ln 2 = m_A + m_B - m_{AB}$")
    ax.set_title("connected vs disconnected minimal surface", fontsize="medium")
    ax.legend(fontsize="small")
    return finish(ax, created, path, seed, metadata)
