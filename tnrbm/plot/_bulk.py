"""Pictures of the bulk: the network with a region's minimal surface, and cut size against region size."""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from ..bulk import Cut, min_cut, unit_positions
from ..entropy import check_region
from ..errors import InvalidParameterError
from ..network import BoltzmannNetwork
from ._curves import _axes

__all__ = ["draw_bulk", "cut_scaling"]

_REGION = "#1f77b4"  # A
_COMPLEMENT = "#ff7f0e"  # B
_SURFACE = "#d62728"
_WEDGE = "#aec7e8"
_COMPLEMENT_WEDGE = "#ffbb78"
_NEUTRAL = "#d9d9d9"


def _check_network(network: Any) -> BoltzmannNetwork:
    if not isinstance(network, BoltzmannNetwork):
        raise InvalidParameterError(f"network must be a tnrbm RBM or DBM; got {type(network).__name__}")
    return network


def draw_bulk(
    network: BoltzmannNetwork,
    region: Iterable[int] | None = None,
    cut: Cut | None = None,
    ax: Any = None,
    labels: bool | None = None,
) -> Any:
    """Draw the network as a bulk: boundary spins at the bottom, hidden layers (depth) upward.

    With a region, its minimal cut is computed (or ``cut`` is used): the region's spins are blue, the
    complement's orange, the entanglement wedge of ``A`` light blue, the complement's wedge light
    orange, and the cut units (the RT surface) ringed in red. Boundary legs are the short stubs below
    the spins. 2D lattices (``geometry["kind"] == "lattice"``) are drawn in an oblique view
    (:func:`tnrbm.bulk.unit_positions`); couplings that wrap around a periodic chain are drawn as
    dotted stubs leaving the picture.

    Parameters
    ----------
    network
        An RBM or DBM.
    region
        The visible units of ``A`` (optional).
    cut
        A :class:`~tnrbm.bulk.Cut` of this network (optional; computed from ``region`` when omitted).
        When both are given they must agree.
    ax
        Matplotlib axes to draw on (a new figure when None).
    labels
        Write unit labels ("V3", "H5"); default: only when the network has at most 48 units.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import tnrbm
    >>> ax = draw_bulk(tnrbm.models.local_chain(8, seed=0), region=[0, 1, 2, 3])
    >>> ax.get_title()
    'local chain (r = 1, alpha = 1, periodic): |A| = 4, m = 4, bound m ln 2 = 2.773 nats'
    """
    from matplotlib.collections import LineCollection
    from matplotlib.lines import Line2D

    net = _check_network(network)
    if cut is not None and not isinstance(cut, Cut):
        raise InvalidParameterError(f"cut must be a tnrbm.bulk.Cut; got {type(cut).__name__}")
    if region is not None:
        region_t = check_region(region, net.n_visible)
        if cut is not None and cut.region != region_t:
            raise InvalidParameterError(f"cut is the cut of region {cut.region}, not of region={region_t}")
        if cut is None:
            cut = min_cut(net, region_t)
    pos = unit_positions(net)
    units = net.units()
    n_units = len(units)
    if cut is not None and any(u not in pos for u in cut.surface):
        raise InvalidParameterError("cut must come from this network: its surface has units the network lacks")
    geo = net.geometry or {}
    lattice = geo.get("kind") == "lattice"
    n = net.n_visible
    depth = net.n_layers
    width = max(p[0] for p in pos.values()) - min(p[0] for p in pos.values()) + 1
    height = max(p[1] for p in pos.values()) + 1
    if labels is None:
        labels = n_units <= 48
    per_unit = 0.5 if labels else 0.22
    ax = _axes(ax, (min(max(6.0, per_unit * width + 2.5), 16.0), min(max(3.0, 0.9 * height + 1.5), 9.0)))
    size = float(np.clip(5000.0 / n_units, 6.0, 260.0)) if not labels else 300.0

    # edges (periodic wraps as stubs)
    wrap = geo.get("periodic", False) and not lattice
    segs, stubs = [], []
    for u, w, _ in net.edges():
        (x0, y0), (x1, y1) = pos[u], pos[w]
        if wrap and abs(x1 - x0) > n / 2:
            # leave the picture on each side, towards the image of the other end
            shift = n if x1 < x0 else -n
            stubs.append([(x0, y0), (x0 + 0.5 * (x1 + shift - x0), 0.5 * (y0 + y1))])
            stubs.append([(x1, y1), (x1 - 0.5 * (x1 + shift - x0), 0.5 * (y0 + y1))])
        else:
            segs.append([(x0, y0), (x1, y1)])
    lw = 0.9 if n_units <= 200 else 0.4
    ax.add_collection(LineCollection(segs, colors="#7f7f7f", linewidths=lw, alpha=0.6, zorder=1))
    if stubs:
        ax.add_collection(LineCollection(stubs, colors="#7f7f7f", linewidths=lw, alpha=0.6, linestyles=":", zorder=1))
    # boundary legs
    legs = [[(pos[(0, i)][0], pos[(0, i)][1]), (pos[(0, i)][0], pos[(0, i)][1] - 0.45)] for i in range(n)]
    ax.add_collection(LineCollection(legs, colors="black", linewidths=1.0, zorder=1))

    # units
    in_a = set() if cut is None else set(cut.region)
    color = {}
    for u in units:
        layer, i = u
        if cut is None:
            color[u] = "#4c4c4c" if layer == 0 else "white"
        elif layer == 0:
            color[u] = _REGION if i in in_a else _COMPLEMENT
        elif u in cut.wedge:
            color[u] = _WEDGE
        elif u in cut.complement_wedge:
            color[u] = _COMPLEMENT_WEDGE
        else:
            color[u] = _NEUTRAL if u not in set(cut.surface) else "white"
    for layer in range(depth + 1):
        us = [u for u in units if u[0] == layer]
        xy = np.array([pos[u] for u in us])
        ax.scatter(
            xy[:, 0],
            xy[:, 1],
            s=size,
            c=[color[u] for u in us],
            marker="s" if layer == 0 else "o",
            edgecolors="black",
            linewidths=0.6 if n_units <= 400 else 0.3,
            zorder=3,
        )
    if cut is not None and cut.size:
        xy = np.array([pos[u] for u in cut.surface])
        ax.scatter(
            xy[:, 0],
            xy[:, 1],
            s=size * (1.8 if labels else 2.6),
            facecolors="none",
            edgecolors=_SURFACE,
            linewidths=2.0,
            zorder=4,
        )
    if labels:
        for u in units:
            dark = color[u] in (_REGION, "#4c4c4c")
            ax.text(
                *pos[u],
                net.unit_label(u),
                ha="center",
                va="center",
                fontsize=6.5 if len(net.unit_label(u)) > 2 else 7.5,
                color="white" if dark else "black",
                zorder=5,
            )

    # axes, title, legend
    kind = geo.get("kind")
    if kind == "chain":
        bc = "periodic" if geo.get("periodic") else "open"
        name = f"local chain (r = {geo.get('radius')}, alpha = {geo.get('alpha')}, {bc})"
    elif kind == "lattice":
        name = "local lattice {}x{} (r = {})".format(*geo["shape"], geo.get("radius"))
    elif kind == "hierarchical":
        name = f"hierarchical RG network (depth {depth})"
    else:
        name = type(net).__name__
    if cut is None:
        ax.set_title(f"{name}: {n} spins, {net.n_hidden} hidden units in {depth} layer(s)")
    else:
        ax.set_title(f"{name}: |A| = {len(cut.region)}, m = {cut.size}, bound m ln 2 = {cut.bound:.3f} nats")
    if lattice:
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_xlabel("boundary lattice (oblique view), hidden units above")
    else:
        ax.set_yticks(range(depth + 1))
        ax.set_yticklabels(["boundary"] + [f"layer {k}" for k in range(1, depth + 1)])
        step = max(1, int(2 ** math.ceil(math.log2(max(1.0, n / 16)))))
        ax.set_xticks(range(0, n, step))
        ax.set_xlabel("boundary site")
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    ax.set_xlim(min(xs) - 1.0, max(xs) + 1.0)
    ax.set_ylim(min(ys) - 0.8, max(ys) + 0.6)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if cut is not None:
        handles = [
            Line2D([], [], ls="", marker="s", mfc=_REGION, mec="black", label="region A"),
            Line2D([], [], ls="", marker="s", mfc=_COMPLEMENT, mec="black", label="complement B"),
            Line2D([], [], ls="", marker="o", mfc=_WEDGE, mec="black", label="wedge of A"),
            Line2D([], [], ls="", marker="o", mfc=_COMPLEMENT_WEDGE, mec="black", label="wedge of B"),
            Line2D(
                [], [], ls="", marker="o", mfc="none", mec=_SURFACE, mew=2, ms=10, label=f"RT surface (m = {cut.size})"
            ),
        ]
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
    return ax


def _check_sizes(sizes: Any, n: int) -> list[int]:
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, (Sequence, np.ndarray, range)):
        raise InvalidParameterError(f"sizes must be a list of region sizes in [1, {n}]; got {sizes!r}")
    out = []
    for s in sizes:
        if isinstance(s, (bool, np.bool_)) or not isinstance(s, (numbers.Integral, np.integer)) or not 1 <= s <= n:
            raise InvalidParameterError(f"sizes must hold integers in [1, {n}] (region sizes); got {s!r}")
        out.append(int(s))
    if not out:
        raise InvalidParameterError("sizes must hold at least one region size; got an empty list")
    return sorted(set(out))


def cut_scaling(network: BoltzmannNetwork, sizes: Sequence[int] | None = None, ax: Any = None) -> Any:
    """Plot the minimal-cut size ``m`` of contiguous regions ``A = {0, ..., |A| - 1}`` against ``|A|``.

    For hierarchical networks the axis is ``log2 |A|`` (default sizes ``2, 4, ..., n/2``) with the
    fitted line ``m = slope log2 |A| + c`` and, when a mass ended the network, the saturation value
    ``2 z_IR`` and ``|A| = xi``. Otherwise the axis is ``|A|`` (default: every size up to ``n - 1``,
    at most 64 of them). The trivial bound ``min(|A|, |B|)`` is drawn dashed.

    Parameters
    ----------
    network
        An RBM or DBM.
    sizes
        Region sizes to compute (integers in ``[1, n]``).
    ax
        Matplotlib axes (a new figure when None).

    Returns
    -------
    matplotlib.axes.Axes
        The plotted values are in ``ax.lines[0]`` (x, m).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import tnrbm
    >>> ax = cut_scaling(tnrbm.models.hierarchical(64, seed=0))
    >>> [int(m) for m in ax.lines[0].get_ydata()]
    [2, 4, 6, 8, 10]
    """
    net = _check_network(network)
    n = net.n_visible
    geo = net.geometry or {}
    hier = geo.get("kind") == "hierarchical"
    if sizes is None:
        if hier:
            sizes = [2**k for k in range(1, max(2, int(math.log2(n)))) if 2**k < n] or [1]
        else:
            sizes = sorted({int(round(x)) for x in np.linspace(1, max(1, n - 1), min(64, max(1, n - 1)))})
    sizes = _check_sizes(sizes, n)
    ms = np.array([min_cut(net, range(s)).size for s in sizes], dtype=float)
    ax = _axes(ax, (6.0, 4.0))
    x = np.log2(sizes) if hier else np.array(sizes, dtype=float)
    ax.plot(x, ms, "o-", color=_SURFACE, label="m = |γ_A| (minimal cut)", zorder=3)
    trivial = np.minimum(np.array(sizes), n - np.array(sizes))
    ax.plot(x, trivial, "--", color="#7f7f7f", label="min(|A|, |B|)", zorder=2)
    if hier:
        z_ir = geo.get("depth")
        xi = geo.get("xi")
        fit_x = x if xi is None else x[np.array(sizes) <= 2.0**z_ir]
        fit_m = ms if xi is None else ms[np.array(sizes) <= 2.0**z_ir]
        if len(fit_x) >= 2:
            slope, icpt = np.polyfit(fit_x, fit_m, 1)
            ax.plot(
                fit_x, slope * fit_x + icpt, "-", color="black", lw=0.8, label=f"fit: slope {slope:.3g} per log2|A|"
            )
        if xi is not None and math.isfinite(xi):
            ax.axhline(2 * z_ir, color=_REGION, lw=0.8, ls="-.", label=f"2 z_IR = {2 * z_ir}")
            ax.axvline(math.log2(xi), color=_REGION, lw=0.8, ls=":", label=f"|A| = ξ = {xi:.3g}")
        ax.set_xlabel("log2 |A|")
        ax.set_xticks(x)
        ax.set_xticklabels([f"{int(v)}" for v in x])
        ax.set_ylim(0, max(ms.max(), 1) * 1.25 + 1)
    else:
        ax.set_xlabel("|A| (contiguous, from site 0)")
        ax.set_ylim(0, max(ms.max(), 1) * 1.6 + 1)
    ax.set_ylabel("m  (bound S_A ≤ m ln 2)")
    ax.set_title(f"minimal cut vs region size, {n} spins")
    ax.legend(fontsize=8, frameon=False)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return ax
