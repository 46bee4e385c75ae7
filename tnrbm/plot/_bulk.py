"""Pictures of the bulk: the network with a region's minimal surface, and cut size against region size."""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from .._numerics import log_in_base
from ..bulk import Cut, min_cut
from ..errors import InvalidParameterError
from ..network import BoltzmannNetwork
from ..validation import check_region
from . import _figure
from ._curves import _check_color
from ._figure import check_flag, check_path, finish, ln2_text, new_axes, saves_figure, set_log, units
from ._layout import layout, layout_kind, periods

__all__ = ["draw_bulk", "cut_scaling"]

_REGION = "#1f77b4"  # A
_COMPLEMENT = "#ff7f0e"  # B
_SURFACE = "#d62728"
_WEDGE = "#aec7e8"
_COMPLEMENT_WEDGE = "#ffbb78"
_NEUTRAL = "#d9d9d9"
_EDGE = "#7f7f7f"
_DARK = "#4c4c4c"
_TRIVIAL_LABEL = r"$\min(|A|, |B|)$"


def _check_network(network: Any) -> BoltzmannNetwork:
    if not isinstance(network, BoltzmannNetwork):
        raise InvalidParameterError(f"network must be a tnrbm RBM or DBM; got {type(network).__name__}")
    return network


def _resolve_cut(net: BoltzmannNetwork, region: Any, cut: Any) -> Cut | None:
    if cut is not None and not isinstance(cut, Cut):
        raise InvalidParameterError(f"cut must be a tnrbm.bulk.Cut; got {type(cut).__name__}")
    if region is not None:
        region_t = check_region(region, net.n_visible)
        if cut is not None and cut.region != region_t:
            raise InvalidParameterError(f"cut is the cut of region {cut.region}, not of region={region_t}")
        if cut is None:
            cut = min_cut(net, region_t)
    units_ = set(net.units())
    if cut is not None and any(u not in units_ for u in cut.surface):
        raise InvalidParameterError("cut must come from this network: its surface has units the network lacks")
    return cut


def _wrap_periods(net: BoltzmannNetwork, mode: str) -> tuple[float | None, float | None]:
    """Per axis, the period around which couplings wrap (None: no wrapping along it)."""
    if mode in ("lattice", "toric"):
        return periods(net) or (None, None)
    geo: Mapping[str, Any] = net.geometry or {}
    if mode == "layered" and geo.get("periodic", False) and geo.get("kind") in ("chain", "hierarchical"):
        return (float(net.n_visible), None)  # every layer spans the boundary's x range [0, n)
    return (None, None)


def _edge_segments(net: BoltzmannNetwork, pos: Mapping, period: tuple) -> tuple[list, list]:
    """Straight segments, and pairs of stubs for couplings that wrap around a period (towards the image)."""
    segs, stubs = [], []
    for u, w, _ in net.edges():
        p0, p1 = np.asarray(pos[u], dtype=float), np.asarray(pos[w], dtype=float)
        d = p1 - p0
        m = d.copy()
        for k, per in enumerate(period):
            if per is not None and abs(d[k]) > per / 2:
                m[k] = d[k] - per * round(d[k] / per)
        if np.allclose(m, d):
            segs.append([tuple(p0), tuple(p1)])
        else:
            stubs.append([tuple(p0), tuple(p0 + 0.5 * m)])
            stubs.append([tuple(p1), tuple(p1 - 0.5 * m)])
    return segs, stubs


def _unit_colors(net: BoltzmannNetwork, cut: Cut | None) -> dict:
    in_a = set() if cut is None else set(cut.region)
    surface = set() if cut is None else set(cut.surface)
    color = {}
    for u in net.units():
        layer, i = u
        if cut is None:
            color[u] = _DARK if layer == 0 else "white"
        elif layer == 0:
            color[u] = _REGION if i in in_a else _COMPLEMENT
        elif u in cut.wedge:
            color[u] = _WEDGE
        elif u in cut.complement_wedge:
            color[u] = _COMPLEMENT_WEDGE
        else:
            color[u] = "white" if u in surface else _NEUTRAL
    return color


def _draw_units(ax: Any, net: BoltzmannNetwork, pos: Mapping, cut: Cut | None, labels: bool, size: float) -> None:
    """Units as scatter collections (gid ``"visible"``, ``"hidden1"``, ...), the surface ringed (gid ``"surface"``)."""
    color = _unit_colors(net, cut)
    units_ = net.units()
    thin = 0.6 if len(units_) <= 400 else 0.3
    for layer in range(net.n_layers + 1):
        us = [u for u in units_ if u[0] == layer]
        if not us:
            continue
        xy = np.array([pos[u] for u in us], dtype=float)
        ax.scatter(
            xy[:, 0],
            xy[:, 1],
            s=size,
            c=[color[u] for u in us],
            marker="s" if layer == 0 else "o",
            edgecolors="black",
            linewidths=thin,
            zorder=3,
            gid="visible" if layer == 0 else f"hidden{layer}",
        )
    if cut is not None and cut.size:
        xy = np.array([pos[u] for u in cut.surface], dtype=float)
        ring = size * (1.8 if labels else 2.6)
        ax.scatter(
            xy[:, 0], xy[:, 1], s=ring, facecolors="none", edgecolors=_SURFACE, linewidths=2.0, zorder=4, gid="surface"
        )
    if labels:
        for u in units_:
            text = net.unit_label(u)
            ax.text(
                *pos[u],
                text,
                ha="center",
                va="center",
                fontsize=6.5 if len(text) > 2 else 7.5,
                color="white" if color[u] in (_REGION, _DARK) else "black",
                zorder=5,
            )


def _network_name(net: BoltzmannNetwork) -> str:
    geo: Mapping[str, Any] = net.geometry or {}
    kind = geo.get("kind")
    if kind == "chain" and "radius" in geo:
        bc = "periodic" if geo.get("periodic") else "open"
        return rf"local chain ($r = {geo.get('radius')}$, $\alpha = {geo.get('alpha')}$, {bc})"
    if kind == "lattice" and "shape" in geo:
        bc = ", periodic" if geo.get("periodic") else ""
        return r"local lattice ${} \times {}$ ($r = {}$, $\alpha = {}$){}".format(
            *geo["shape"], geo.get("radius"), geo.get("alpha", 1), bc
        )
    if kind == "toric":
        return f"toric code, $L = {geo.get('L')}$"
    if kind == "hierarchical":
        return f"hierarchical RG network (depth {net.n_layers})"
    return type(net).__name__


def _title(net: BoltzmannNetwork, cut: Cut | None, base: float | None) -> str:
    name = _network_name(net)
    if cut is None:
        return f"{name}\n{net.n_visible} spins, {net.n_hidden} hidden units in {net.n_layers} layer(s)"
    bound = cut.size * log_in_base(2.0, base)
    return (
        f"{name}\n$|A| = {len(cut.region)}$, $m = {cut.size}$, "
        f"$S_A \\leq m{ln2_text(base)} = {bound:.4g}$ {units(base)}"
    )


def _axes_furniture(ax: Any, net: BoltzmannNetwork, pos: Mapping, mode: str) -> None:
    """Ticks, axis labels, limits and aspect for each layout."""
    n, depth = net.n_visible, net.n_layers
    geo: Mapping[str, Any] = net.geometry or {}
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    if mode == "layered":
        ax.set_yticks(range(depth + 1))
        ax.set_yticklabels(["boundary"] + [f"layer {k}" for k in range(1, depth + 1)])
        step = max(1, int(2 ** math.ceil(math.log2(max(1.0, n / 16)))))
        ax.set_xticks(range(0, n, step))
        ax.set_xlabel("boundary site")
        ax.set_xlim(min(xs) - 1.0, max(xs) + 1.0)
        ax.set_ylim(min(ys) - 0.8, max(ys) + 0.6)
    else:
        pad = 0.6 if mode != "user" else 0.08 * max(1.0, max(xs) - min(xs), max(ys) - min(ys))
        # data limits, not fixed limits: an equal aspect may widen one of them (adjustable="datalim")
        ax.update_datalim([(min(xs) - pad, min(ys) - pad), (max(xs) + pad, max(ys) + pad)])
        ax.margins(0.0)
        ax.autoscale_view()
        if mode == "lattice":
            lx, ly = geo["shape"]
            ax.set_xticks(range(lx))
            ax.set_yticks(range(ly))
            ax.set_xlabel("lattice $x$")
            ax.set_ylabel("lattice $y$")
        elif mode == "toric":
            length = int(geo["L"])
            ax.set_xticks(range(length))
            ax.set_yticks(range(length))
            # the package's vertex (x, y) is row x, column y (edge (x, y)-(x, y + 1) is horizontal)
            ax.set_xlabel("column: vertex $(x, y)$ in column $y$")
            ax.set_ylabel("row: vertex $(x, y)$ in row $x$")
        else:
            ax.set_xticks([])
            ax.set_yticks([])
            for side in ("left", "bottom"):
                ax.spines[side].set_visible(False)
        if mode != "user":
            ax.set_aspect("equal", adjustable="datalim")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _legend(ax: Any, cut: Cut) -> None:
    handles = [
        Line2D([], [], ls="", marker="s", mfc=_REGION, mec="black", label="region $A$"),
        Line2D([], [], ls="", marker="s", mfc=_COMPLEMENT, mec="black", label="complement $B$"),
        Line2D([], [], ls="", marker="o", mfc=_WEDGE, mec="black", label="wedge of $A$"),
        Line2D([], [], ls="", marker="o", mfc=_COMPLEMENT_WEDGE, mec="black", label="wedge of $B$"),
        Line2D(
            [], [], ls="", marker="o", mfc="none", mec=_SURFACE, mew=2, ms=10, label=f"RT surface ($m = {cut.size}$)"
        ),
    ]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)


def _figsize(pos: Mapping, mode: str, labels: bool, legend: bool) -> tuple[float, float]:
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    width, height = max(xs) - min(xs) + 1, max(ys) - min(ys) + 1
    extra = 2.0 if legend else 0.6
    if mode == "layered":
        per_unit = 0.5 if labels else 0.22
        return (min(max(6.0, per_unit * width + extra + 0.5), 16.0), min(max(3.0, 0.9 * height + 1.5), 9.0))
    if mode == "user":
        return (6.0 + extra, 5.0)
    per_unit = 0.9 if labels else 0.45
    side = min(max(3.0, per_unit * max(width, height)), 10.0)
    scale = side / max(width, height)
    return (min(max(3.0, scale * width) + extra + 0.8, 16.0), min(max(3.0, scale * height) + 1.4, 11.0))


@saves_figure
def draw_bulk(
    network: BoltzmannNetwork,
    region: Iterable[int] | None = None,
    cut: Cut | None = None,
    ax: Any = None,
    labels: bool | None = None,
    *,
    positions: Mapping[Any, Any] | None = None,
    base: float | None = None,
    path: str | os.PathLike | None = None,
    seed: int | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> Any:
    r"""Draw the network as a bulk: boundary spins at the bottom, hidden layers (depth) upward.

    With a region, its minimal cut is computed (or ``cut`` is used): the region's spins are blue, the
    complement's orange, the entanglement wedge of ``A`` light blue, the complement's wedge light
    orange, and the cut units (the RT surface) ringed in red. In the layered view boundary legs are
    the short stubs below the spins and couplings that wrap around a periodic chain are dotted
    stubs leaving the picture. 2D lattices (:func:`tnrbm.models.local_lattice`) and the toric code
    (:func:`tnrbm.states.toric_code`) are drawn in 2D: each spin at its lattice position, each
    hidden unit next to the spins it couples to, wrapping couplings as dotted stubs (see
    :func:`tnrbm.plot.layout`). Units are labelled ``network.unit_label(unit)`` ("V3", "H5").

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
        Matplotlib axes to draw on (a new constrained-layout figure when None).
    labels
        Write unit labels ("V3", "H5"); default: only when the network has at most 48 units.
    positions
        Your own drawing positions ``{unit: (x, y)}`` for every unit (keys ``(layer, index)`` or
        labels ``"V3"``), overriding the automatic layout.
    base
        Logarithm base of the bound in the title (None: nats; 2: bits).
    {save}

    Examples
    --------
    >>> import tnrbm
    >>> ax = draw_bulk(tnrbm.models.local_chain(8, seed=0), region=[0, 1, 2, 3])
    >>> print(ax.get_title())
    local chain ($r = 1$, $\alpha = 1$, periodic)
    $|A| = 4$, $m = 4$, $S_A \leq m\,\ln 2 = 2.773$ nats
    """
    net = _check_network(network)
    labels = check_flag(labels, "labels", allow_none=True)
    path = check_path(path)
    cut = _resolve_cut(net, region, cut)
    if base is not None and (not isinstance(base, numbers.Real) or isinstance(base, bool) or not base > 1):
        raise InvalidParameterError(f"base must be None or a number > 1; got {base!r}")
    pos = layout(net, positions)
    mode = "user" if positions is not None else layout_kind(net)
    n_units = len(pos)
    if labels is None:
        labels = n_units <= 48
    ax, created = new_axes(ax, _figsize(pos, mode, labels, cut is not None))
    segs, stubs = _edge_segments(net, pos, _wrap_periods(net, mode))
    lw = 0.9 if n_units <= 200 else 0.4
    ax.add_collection(LineCollection(segs, colors=_EDGE, linewidths=lw, alpha=0.6, zorder=1))
    if stubs:
        ax.add_collection(LineCollection(stubs, colors=_EDGE, linewidths=lw, alpha=0.6, linestyles=":", zorder=1))
    if mode == "layered":
        legs = [[pos[(0, i)], (pos[(0, i)][0], pos[(0, i)][1] - 0.45)] for i in range(net.n_visible)]
        ax.add_collection(LineCollection(legs, colors="black", linewidths=1.0, zorder=1))
    if mode == "layered":
        size = 300.0 if labels else float(np.clip(5000.0 / n_units, 6.0, 260.0))
    else:
        size = 260.0 if labels else float(np.clip(4000.0 / n_units, 8.0, 160.0))
    _draw_units(ax, net, pos, cut, labels, size)
    ax.set_title(_title(net, cut, base), fontsize="medium")
    _axes_furniture(ax, net, pos, mode)
    if cut is not None:
        _legend(ax, cut)
    return finish(ax, created, path, seed, metadata)


def _check_sizes(sizes: Any, n: int) -> list[int]:
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, (Sequence, np.ndarray, range)):
        raise InvalidParameterError(f"sizes must be a list of region sizes in [1, {n}]; got {sizes!r}")
    out = []
    for s in sizes:
        if isinstance(s, (bool, np.bool_)) or not isinstance(s, (numbers.Integral, np.integer)) or not 1 <= int(s) <= n:
            raise InvalidParameterError(f"sizes must hold integers in [1, {n}] (region sizes); got {s!r}")
        out.append(int(s))
    if not out:
        raise InvalidParameterError("sizes must hold at least one region size; got an empty list")
    return sorted(set(out))


@saves_figure
def cut_scaling(
    network: BoltzmannNetwork,
    sizes: Sequence[int] | None = None,
    ax: Any = None,
    *,
    label: str | None = None,
    color: Any = None,
    logx: bool = False,
    logy: bool = False,
    path: str | os.PathLike | None = None,
    seed: int | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> Any:
    """Plot the minimal-cut size ``m`` of contiguous regions ``A = {0, ..., |A| - 1}`` against ``|A|``.

    For hierarchical networks the axis is ``log2 |A|`` (default sizes ``2, 4, ..., n/2``) with the
    fitted line ``m = slope log2 |A| + c`` and, when a mass ended the network, the saturation value
    ``2 z_IR`` and ``|A| = xi``. Otherwise the axis is ``|A|`` (default: every size up to ``n - 1``,
    at most 64 of them). The trivial bound ``min(|A|, |B|)`` is drawn dashed. Several networks on
    one axes take successive colours of the axes' cycle.

    Parameters
    ----------
    network
        An RBM or DBM.
    sizes
        Region sizes to compute (integers in ``[1, n]``).
    ax
        Matplotlib axes (a new constrained-layout figure when None).
    label
        Legend label of the cut sizes (default ``"$m = |\\gamma_A|$ (minimal cut)"``).
    color
        Colour of the cut sizes (default: the next colour of the axes' cycle).
    logx, logy
        Logarithmic axes (for a hierarchical network the axis is already ``log2 |A|``, and
        ``logx`` is refused).
    {save}
        The plotted values are in ``ax.lines[0]`` (x, m). On a linear axis the range is set by ``m``:
        the trivial bound never widens it: it is clipped at 1.3 times the largest ``m`` (its largest
        value in the legend), so that ``m = 2 log2 |A|`` and its fit stay readable next to ``min(|A|, |B|)``.

    Examples
    --------
    >>> import tnrbm
    >>> ax = cut_scaling(tnrbm.models.hierarchical(64, seed=0))
    >>> [int(m) for m in ax.lines[0].get_ydata()]
    [2, 4, 6, 8, 10]
    """
    net = _check_network(network)
    color, path = _check_color(color), check_path(path)
    n = net.n_visible
    geo: Mapping[str, Any] = net.geometry or {}
    hier = geo.get("kind") == "hierarchical"
    if hier and check_flag(logx, "logx"):
        raise InvalidParameterError("logx must be False for a hierarchical network: its axis is already log2 |A|")
    if sizes is None:
        if hier:
            sizes = [2**k for k in range(1, max(2, int(math.log2(n)))) if 2**k < n] or [1]
        else:
            sizes = sorted({int(round(x)) for x in np.linspace(1, max(1, n - 1), min(64, max(1, n - 1)))})
    sizes = _check_sizes(sizes, n)
    ms = np.array([min_cut(net, range(s)).size for s in sizes], dtype=float)
    ax, created = new_axes(ax, (6.0, 4.0))
    logx, logy = set_log(ax, logx, logy)
    x = np.log2(sizes) if hier else np.array(sizes, dtype=float)
    name = r"$m = |\gamma_A|$ (minimal cut)" if label is None else label
    ax.plot(x, ms, "o-", color=color, label=name, zorder=3, gid=_figure.DATA)
    trivial = np.minimum(np.array(sizes), n - np.array(sizes))
    if not any(ln.get_label() == _TRIVIAL_LABEL and np.array_equal(ln.get_ydata(), trivial) for ln in ax.lines):
        ax.plot(x, trivial, "--", color=_EDGE, label=_TRIVIAL_LABEL, zorder=2, gid=_figure.TRIVIAL)
    if hier:
        _hierarchical_extras(ax, geo, x, ms, sizes)
        ax.set_xlabel(r"$\log_2 |A|$")
        ax.set_xticks(x)
        ax.set_xticklabels([f"{int(v)}" for v in x])
    else:
        ax.set_xlabel("$|A|$ (contiguous, from site 0)")
    if not logy:
        _figure.clip_bounds(ax, 1.0)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel("minimal cut size $m$")
    if not ax.get_title():
        ax.set_title(f"minimal cut vs region size, {n} spins")
    _figure.legend_with_notes(ax, fontsize=8, frameon=False, loc="upper left")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return finish(ax, created, path, seed, metadata)


def _signed(value: float) -> str:
    """`` + 1.5``, `` - 0.25``, or nothing for a value that rounds to 0 at three decimals."""
    value = round(float(value), 3)
    return "" if value == 0 else f" {'+' if value > 0 else '-'} {abs(value):.3g}"


def _hierarchical_extras(ax: Any, geo: Mapping, x: np.ndarray, ms: np.ndarray, sizes: list[int]) -> None:
    """The fitted ``m = slope log2 |A| + c`` and, with a mass, ``2 z_IR`` and ``|A| = xi``."""
    z_ir = int(geo.get("depth", 0))
    xi = geo.get("xi")
    keep = np.ones(len(x), dtype=bool) if xi is None else np.array(sizes) <= 2.0**z_ir
    if keep.sum() >= 2:
        slope, icpt = np.polyfit(x[keep], ms[keep], 1)
        xs = np.array([x[keep][0] - 0.3, x[keep][-1] + 0.3])  # past the points, so that it shows where they sit on it
        ax.plot(xs, slope * xs + icpt, "--", color="black", lw=1.0, zorder=4, gid="fit",
                label=rf"fit: $m = {slope:.3g}\,\log_2 |A|{_signed(icpt)}$")  # fmt: skip
    if xi is not None and math.isfinite(xi):
        ax.axhline(2 * z_ir, color=_REGION, lw=0.8, ls="-.", label=rf"$2 z_{{\mathrm{{IR}}}} = {2 * z_ir}$")
        ax.axvline(math.log2(xi), color=_REGION, lw=0.8, ls=":", label=rf"$|A| = \xi = {xi:.3g}$")
