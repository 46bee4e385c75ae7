"""Where each unit is drawn: layered (depth upward), 2D lattices, the toric code, or the user's positions."""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from typing import Any

import numpy as np

from ..bulk import unit_positions
from ..errors import InvalidParameterError
from ..network import BoltzmannNetwork

__all__ = ["layout", "layout_kind"]

Unit = tuple[int, int]
Positions = dict[Unit, tuple[float, float]]


def layout_kind(network: BoltzmannNetwork) -> str:
    """``"lattice"`` (a 2D ``local_lattice``), ``"toric"`` (the toric code) or ``"layered"``."""
    geo: Mapping[str, Any] = network.geometry or {}
    kind = geo.get("kind")
    if kind == "lattice" and "shape" in geo and len(geo["shape"]) == 2 and network.n_layers == 1:
        lx, ly = geo["shape"]
        if lx * ly == network.n_visible:
            return "lattice"
    if kind == "toric" and 2 * int(geo.get("L", 0)) ** 2 == network.n_visible and network.n_layers == 1:
        return "toric"
    return "layered"


def periods(network: BoltzmannNetwork) -> tuple[float, float] | None:
    """The periods ``(X, Y)`` of a periodic 2D layout (couplings wrap around them), else None."""
    geo: Mapping[str, Any] = network.geometry or {}
    kind = layout_kind(network)
    if kind == "toric":
        return (float(geo["L"]), float(geo["L"]))
    if kind == "lattice" and geo.get("periodic", False):
        lx, ly = geo["shape"]
        return (float(lx), float(ly))
    return None


def _min_image(d: np.ndarray, period: tuple[float, float] | None) -> np.ndarray:
    if period is None:
        return d
    p = np.asarray(period)
    return d - p * np.round(d / p)


def _hidden_at_their_spins(network: BoltzmannNetwork, pos: Positions, period: Any) -> None:
    """Each hidden unit at the (periodic) mean of the units it couples to below, nudged off any unit there."""
    taken = {tuple(np.round(p, 9)) for p in pos.values()}
    origin = np.min(np.array(list(pos.values()), dtype=float), axis=0)
    for layer in range(1, network.n_layers + 1):
        mat = network.couplings[layer - 1].tocsc()
        for j in range(network.layer_sizes[layer]):
            below = mat.indices[mat.indptr[j] : mat.indptr[j + 1]]
            if len(below) == 0:
                pos[(layer, j)] = (float(j % 8) * 0.5, -1.0 - 0.5 * (j // 8))  # uncoupled: a row below the picture
                continue
            pts = np.array([pos[(layer - 1, int(i))] for i in below])
            centre = pts[0] + np.mean(_min_image(pts - pts[0], period), axis=0)
            if period is not None:  # back into the picture: [origin, origin + period) along each axis
                centre = origin + np.mod(centre - origin, np.asarray(period))
            while tuple(np.round(centre, 9)) in taken:
                centre = centre + 0.3
            taken.add(tuple(np.round(centre, 9)))
            pos[(layer, j)] = (float(centre[0]), float(centre[1]))


#: the least horizontal spacing (in boundary sites) of the units of one row of a layered picture
MIN_SPACING = 0.9


def _staggered(network: BoltzmannNetwork, pos: Positions) -> Positions:
    """A layer denser than ``MIN_SPACING`` (a chain with ``alpha > 1`` hidden units per site) in ``r`` rows
    around its height: unit ``j`` in row ``j mod r``, so that the units of a row (and their labels) stand
    ``r`` times as far apart."""
    n = network.n_visible
    for layer in range(1, network.n_layers + 1):
        n_l = network.layer_sizes[layer]
        rows = math.ceil(MIN_SPACING * n_l / n) if n_l > 1 else 1
        rows = min(rows, n_l)
        if rows > 1:
            step = min(0.3, 0.7 / (rows - 1))
            for j in range(n_l):
                x, y = pos[(layer, j)]
                pos[(layer, j)] = (x, y + step * ((j % rows) - (rows - 1) / 2))
    return pos


def _automatic(network: BoltzmannNetwork) -> Positions:
    geo: Mapping[str, Any] = network.geometry or {}
    kind = layout_kind(network)
    if kind == "layered":
        return _staggered(network, unit_positions(network))
    pos: Positions = {}
    if kind == "lattice":
        lx, ly = geo["shape"]
        for i in range(network.n_visible):
            x, y = divmod(i, ly)
            pos[(0, i)] = (float(x), float(y))
        alpha = geo.get("alpha", 1)
        if isinstance(alpha, numbers.Integral) and network.n_hidden == lx * ly * alpha:
            alpha = int(alpha)
            for j in range(network.n_hidden):
                site, f = divmod(j, alpha)
                x, y = divmod(site, ly)
                s = 0.15 * (f - (alpha - 1) / 2)
                pos[(1, j)] = (x + 0.35 + s, y + 0.35 - s)
            return pos
    else:  # toric: qubit 2 (x L + y) is the edge (x, y)-(x, y + 1), qubit 2 (x L + y) + 1 the edge (x, y)-(x + 1, y)
        side = int(geo["L"])
        for q in range(network.n_visible):
            cell, vertical = divmod(q, 2)
            x, y = divmod(cell, side)
            pos[(0, q)] = (float(y), x + 0.5) if vertical else (y + 0.5, float(x))
    _hidden_at_their_spins(network, pos, periods(network))
    return pos


def _unit_of(key: Any, network: BoltzmannNetwork, labels: Mapping[str, Unit]) -> Unit:
    if isinstance(key, str):
        if key not in labels:
            raise InvalidParameterError(
                f"positions names the unit {key!r}, which this network lacks (labels V0..V{network.n_visible - 1}, "
                f"H0..H{network.n_hidden - 1})"
            )
        return labels[key]
    if (
        isinstance(key, tuple)
        and len(key) == 2
        and all(isinstance(k, numbers.Integral) and not isinstance(k, bool) for k in key)
        and 0 <= key[0] <= network.n_layers
        and 0 <= key[1] < network.layer_sizes[key[0]]
    ):
        return (int(key[0]), int(key[1]))
    raise InvalidParameterError(
        f"positions keys must be units (layer, index) of this network or labels like 'V0', 'H0'; got {key!r}"
    )


def _point(value: Any, key: Any) -> tuple[float, float]:
    ok = isinstance(value, (tuple, list, np.ndarray)) and len(value) == 2
    ok = ok and all(isinstance(c, numbers.Real) and not isinstance(c, bool) for c in value)
    if not ok or not all(math.isfinite(float(c)) for c in value):
        raise InvalidParameterError(f"positions[{key!r}] must be a pair (x, y) of finite numbers; got {value!r}")
    return (float(value[0]), float(value[1]))


def check_positions(network: BoltzmannNetwork, positions: Any) -> Positions:
    """The user's ``positions`` as ``{unit: (x, y)}``: every unit named once, finite coordinates."""
    if not isinstance(positions, Mapping):
        raise InvalidParameterError(
            f"positions must be a mapping {{unit: (x, y)}} over every unit; got {type(positions).__name__}"
        )
    labels = {network.unit_label(u): u for u in network.units()}
    out: Positions = {}
    for key, value in positions.items():
        unit = _unit_of(key, network, labels)
        if unit in out:
            raise InvalidParameterError(f"positions names the unit {network.unit_label(unit)} twice (as {key!r})")
        out[unit] = _point(value, key)
    missing = [network.unit_label(u) for u in network.units() if u not in out]
    if missing:
        shown = ", ".join(missing[:8]) + (f", ... ({len(missing)} in all)" if len(missing) > 8 else "")
        raise InvalidParameterError(f"positions must name every unit of the network; missing {shown}")
    return out


def layout(network: BoltzmannNetwork, positions: Mapping[Any, Any] | None = None) -> Positions:
    """Drawing positions ``{unit: (x, y)}`` of every unit, as :func:`draw_bulk` places them.

    * A 2D lattice (:func:`tnrbm.models.local_lattice`, geometry kind ``"lattice"`` with ``"shape"``):
      spin ``(x, y)`` (visible unit ``x Ly + y``) at ``(x, y)``; the ``alpha`` hidden units of a site
      next to its spin, at ``(x + 0.35, y + 0.35)`` (spread across the diagonal when ``alpha > 1``).
    * The toric code (:func:`tnrbm.states.toric_code`): vertex ``(x, y)`` at ``(y, x)``, so the
      horizontal edge ``(x, y)-(x, y + 1)`` (qubit ``2 (x L + y)``) at ``(y + 1/2, x)``, the vertical
      edge ``(x, y)-(x + 1, y)`` (qubit ``2 (x L + y) + 1``) at ``(y, x + 1/2)``, and each plaquette's
      hidden unit at the centre of its four edges.
    * Otherwise layered, as :func:`tnrbm.bulk.unit_positions`: the boundary at ``y = 0``, depth upward;
      a layer with more units than ``0.9`` per boundary site (a chain with ``alpha = 2``) is staggered
      into rows around its height (unit ``j`` in row ``j mod rows``), so that no two labels touch.

    Parameters
    ----------
    network
        An RBM or DBM.
    positions
        Your own positions, overriding the automatic ones: a mapping from every unit -- as
        ``(layer, index)`` or by its label ``network.unit_label(unit)`` (``"V3"``, ``"H5"``) -- to a
        pair of finite numbers.

    Returns
    -------
    dict
        ``{(layer, index): (x, y)}`` for every unit.

    Examples
    --------
    >>> import tnrbm, tnrbm.plot
    >>> pos = tnrbm.plot.layout(tnrbm.models.local_lattice((3, 4), seed=0))
    >>> pos[(0, 6)]  # spin (x, y) = (1, 2) is visible unit 1 * 4 + 2
    (1.0, 2.0)
    >>> tnrbm.plot.layout(tnrbm.states.toric_code(2))[(0, 1)]  # the vertical edge (0, 0)-(1, 0)
    (0.0, 0.5)
    """
    if not isinstance(network, BoltzmannNetwork):
        raise InvalidParameterError(f"network must be a tnrbm RBM or DBM; got {type(network).__name__}")
    if positions is not None:
        return check_positions(network, positions)
    return _automatic(network)
