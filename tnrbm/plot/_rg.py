"""Pictures of the RG side: a coupling flow against RG step (exact and learned), a magnetization histogram."""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Mapping
from typing import Any

import numpy as np
from matplotlib.ticker import MaxNLocator
from numpy.typing import ArrayLike

from ..errors import InvalidParameterError
from ._figure import DATA, check_path, finish, new_axes, saves_figure

__all__ = ["coupling_flow", "magnetization_histogram"]

#: line labels, so that callers (and tests) can find each curve with ``line.get_label()``
EXACT_FLOW_LABEL = r"exact: $\tanh K_{l+1} = \tanh^2 K_l$"
FIELD_LABEL = "exact field $B_l$"
EXACT_COUPLING_LABEL = "exact coupling $K_l$"
WEIGHT_LABEL = r"learned weight $|w|$ (step $l$)"
LEARNED_LABEL = r"learned $\tilde{K}$ of $H^{\mathrm{RBM}}$ (step $l + 1$)"
HISTOGRAM_LABEL = "Swendsen-Wang samples"


def _values(values: Any, name: str, length: int | None = None) -> np.ndarray | None:
    """``values`` as a finite 1D float array (of ``length`` entries when given), or None."""
    if values is None:
        return None
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise InvalidParameterError(f"{name} must be a sequence of numbers; got {type(values).__name__}") from None
    if arr.ndim != 1 or not np.all(np.isfinite(arr)) or (length is not None and len(arr) != length):
        want = f"{length} finite numbers" if length is not None else "a non-empty 1D sequence of finite numbers"
        raise InvalidParameterError(f"{name} must hold {want}; got shape {arr.shape}")
    if arr.size == 0:
        raise InvalidParameterError(f"{name} must hold at least one value; got an empty sequence")
    return arr


def _learned(
    ax: Any, steps: np.ndarray, values: Any, errors: Any, name: str, style: tuple[str, str], label: str
) -> None:
    """Learned values at ``steps``, with error bars when ``errors`` are given."""
    y = _values(values, name)
    if y is None:
        if errors is not None:
            raise InvalidParameterError(f"{name}_error needs {name}")
        return
    if len(y) > len(steps):
        raise InvalidParameterError(f"{name} must hold at most {len(steps)} values (one per RG step); got {len(y)}")
    steps = steps[: len(y)]
    err = _values(errors, f"{name}_error", len(y))
    marker, color = style
    ax.plot(steps, y, marker, color=color, ms=9, mew=1.5, linestyle="none", label=label, zorder=4, gid=DATA)
    if err is not None:
        ax.errorbar(steps, y, err, fmt="none", ecolor=color, capsize=4, zorder=4)


@saves_figure
def coupling_flow(
    coupling: ArrayLike,
    field: ArrayLike | None = None,
    *,
    learned_weight: ArrayLike | None = None,
    learned_weight_error: ArrayLike | None = None,
    learned_coupling: ArrayLike | None = None,
    learned_coupling_error: ArrayLike | None = None,
    ax: Any = None,
    title: str | None = None,
    path: str | os.PathLike | None = None,
    seed: int | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> Any:
    r"""The RG flow of the 1D Ising chain: the coupling ``K_l`` (and field ``B_l``) against RG step ``l``,
    with learned values beside the exact flow.

    The step axis has integer ticks only. A learned RBM of step ``l`` has weight ``|w| = K_l`` and its
    coarse coupling :math:`\tilde K` (the coefficient of ``h_0 h_1`` in :math:`-H^{\mathrm{RBM}}`) is
    ``K_{l+1}``: the weights are drawn at steps ``0 .. L - 1``, the :math:`\tilde K` at ``1 .. L``,
    with error bars when their errors are given.

    Parameters
    ----------
    coupling
        The exact ``K_l`` at steps ``l = 0 .. L`` (``tnrbm.rg.decimation.decimation_flow(...)["coupling"]``).
    field
        The exact ``B_l`` (drawn when given and not all zero).
    learned_weight, learned_weight_error
        ``|w|`` of the RBM learned at each step ``0 .. L - 1`` (or the first few), and its error.
    learned_coupling, learned_coupling_error
        :math:`\tilde K` of those RBMs (steps ``1 .. L``, or the first few), and its error.
    ax
        Matplotlib axes (a new constrained-layout figure when None).
    title
        The title (default: ``decimation flow, K_0 = ...``).
    {save}

    Examples
    --------
    >>> import tnrbm.plot
    >>> from tnrbm.rg.decimation import decimation_flow
    >>> ax = tnrbm.plot.coupling_flow(decimation_flow(1.0, 0.0, 3)["coupling"], learned_coupling=[0.66, 0.35, 0.12])
    >>> [float(t) for t in ax.get_xticks() if 0 <= t <= 3]
    [0.0, 1.0, 2.0, 3.0]
    """
    k = _values(coupling, "coupling")
    assert k is not None  # coupling is required
    depth = len(k) - 1
    b = _values(field, "field", len(k))
    if title is not None and not isinstance(title, str):
        raise InvalidParameterError(f"title must be None or a str; got {title!r}")
    path = check_path(path)
    steps = np.arange(depth + 1)
    ax, created = new_axes(ax)
    with_field = b is not None and bool(np.any(b != 0))
    ax.plot(
        steps, k, "o-", color="C0", label=EXACT_COUPLING_LABEL if with_field else EXACT_FLOW_LABEL, zorder=3, gid=DATA
    )
    if b is not None and with_field:
        ax.plot(steps, b, "s--", color="C3", mfc="none", label=FIELD_LABEL, zorder=3, gid=DATA)
    _learned(ax, steps[:-1], learned_weight, learned_weight_error, "learned_weight", ("x", "C1"), WEIGHT_LABEL)
    _learned(ax, steps[1:], learned_coupling, learned_coupling_error, "learned_coupling", ("+", "C2"), LEARNED_LABEL)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlim(-0.3, depth + 0.3)
    ax.set_ylim(bottom=min(0.0, ax.get_ylim()[0]))
    ax.set_xlabel("RG step $l$ (network depth)")
    ax.set_ylabel(r"coupling $K_l$, field $B_l$" if with_field else r"coupling $K_l = \beta J_l$")
    ax.set_title(rf"decimation flow, $K_0 = {k[0]:.4g}$" if title is None else title, fontsize="medium")
    ax.legend(fontsize="small")
    return finish(ax, created, path, seed, metadata)


def _count(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise InvalidParameterError(f"{name} must be a positive integer; got {value!r}")
    return int(value)


@saves_figure
def magnetization_histogram(
    magnetization: Any,
    *,
    size: int,
    coupling: float,
    sweeps: int,
    chains: int | None = None,
    bins: int = 41,
    ax: Any = None,
    path: str | os.PathLike | None = None,
    seed: int | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> Any:
    r"""The distribution of the magnetization per spin :math:`m = \frac{1}{N} \sum_i s_i` of Ising samples, as a
    probability density (it integrates to 1, whatever the number of samples).

    Parameters
    ----------
    magnetization
        The ``m`` of every sample (any shape; e.g. ``swendsen_wang(...).magnetization``).
    size, coupling, sweeps, chains
        The torus side ``L`` (``N = L^2`` spins), the coupling ``K``, the sweeps per chain and the
        number of chains: they go into the title.
    bins
        Number of bins over ``[-1, 1]``.
    ax
        Matplotlib axes (a new constrained-layout figure when None).
    {save}

    Examples
    --------
    >>> import numpy as np, tnrbm.plot
    >>> m = np.random.default_rng(0).uniform(-1, 1, size=1000)
    >>> ax = tnrbm.plot.magnetization_histogram(m, size=8, coupling=0.44, sweeps=100, chains=10, seed=0)
    >>> round(float(sum(p.get_height() * p.get_width() for p in ax.patches)), 12)
    1.0
    """
    try:
        m = np.asarray(magnetization, dtype=float).ravel()
    except (TypeError, ValueError):
        raise InvalidParameterError(f"magnetization must be numbers; got {type(magnetization).__name__}") from None
    if m.size == 0 or not np.all(np.isfinite(m)) or np.any(np.abs(m) > 1 + 1e-12):
        raise InvalidParameterError("magnetization must hold at least one finite value in [-1, 1]")
    size, sweeps, bins = _count(size, "size"), _count(sweeps, "sweeps"), _count(bins, "bins")
    chains = None if chains is None else _count(chains, "chains")
    if not isinstance(coupling, numbers.Real) or isinstance(coupling, bool) or not math.isfinite(coupling):
        raise InvalidParameterError(f"coupling must be a finite number; got {coupling!r}")
    path = check_path(path)
    ax, created = new_axes(ax)
    ax.hist(m, bins=bins, range=(-1.0, 1.0), density=True, color="C0", alpha=0.8, label=HISTOGRAM_LABEL)
    ax.set_xlim(-1.05, 1.05)
    ax.set_ylim(0.0, 1.15 * max(p.get_height() for p in ax.patches))
    ax.set_xlabel(r"magnetization per spin $m = \frac{1}{N} \sum_i s_i$")
    ax.set_ylabel("probability density $P(m)$")
    runs = f"{sweeps} sweeps" + ("" if chains is None else f" x {chains} chains")
    ax.set_title(
        f"2D Ising torus, $L = {size}$, $K = {float(coupling):.4g}$\n{m.size} samples: {runs}", fontsize="medium"
    )
    return finish(ax, created, path, seed, metadata)
