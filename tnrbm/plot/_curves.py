"""Curves: entropy against region size with its bounds, the entanglement spectrum, a fit's energy history."""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from ..entropy import EntanglementResult, entanglement
from ..errors import InvalidParameterError
from ..network import BoltzmannNetwork

__all__ = ["entropy_curve", "spectrum", "energy_history", "profile"]

_ENTROPY = "#1f77b4"
_CUT_BOUND = "#d62728"
_TRIVIAL = "#7f7f7f"

#: line labels, so that callers (and tests) can find each curve with ``line.get_label()``
ENTROPY_LABEL = "$S_A$"
CUT_BOUND_LABEL = r"cut bound $m \ln 2$"
TRIVIAL_BOUND_LABEL = r"trivial bound $\min(|A|,|B|) \ln 2$"
SPECTRUM_LABEL = "Schmidt probabilities $p_k$"
RANK_BOUND_LABEL = "rank bound $D = 2^m$"
ENERGY_LABEL = "energy"
EXACT_LABEL = "exact"


def _axes(ax: Any, figsize: tuple[float, float] = (5.0, 3.5)) -> Any:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=figsize)
    return ax


def _units(base: float | None) -> str:
    if base is None:
        return "nats"
    if base == 2:
        return "bits"
    return f"log base {base:g}"


def _results_of(
    data: Any, sizes: Iterable[int] | None, start: int, method: str, base: float | None
) -> list[EntanglementResult]:
    if isinstance(data, EntanglementResult):
        return [data]
    if isinstance(data, BoltzmannNetwork):
        n = data.n_visible
        if n < 2:
            raise InvalidParameterError(f"network must have at least 2 visible spins for an entropy curve; got {n}")
        if isinstance(start, bool) or not isinstance(start, numbers.Integral) or not 0 <= start < n:
            raise InvalidParameterError(f"start must be an integer in [0, {n}); got {start!r}")
        ks = list(range(1, n)) if sizes is None else list(sizes)
        for k in ks:
            if isinstance(k, bool) or not isinstance(k, numbers.Integral) or not 1 <= k <= n:
                raise InvalidParameterError(f"sizes must hold integers in [1, {n}]; got {k!r}")
        return [entanglement(data, [(start + i) % n for i in range(int(k))], method=method, base=base) for k in ks]
    if isinstance(data, (str, bytes)) or not isinstance(data, Iterable):
        raise InvalidParameterError(
            f"results must be an RBM/DBM or a list of EntanglementResult; got {type(data).__name__}"
        )
    out = list(data)
    if not out:
        raise InvalidParameterError("results must hold at least one EntanglementResult; got an empty list")
    for k, r in enumerate(out):
        if not isinstance(r, EntanglementResult):
            raise InvalidParameterError(f"results[{k}] must be an EntanglementResult; got {type(r).__name__}")
    return out


def entropy_curve(
    results: Any,
    sizes: Iterable[int] | None = None,
    *,
    start: int = 0,
    method: str = "auto",
    base: float | None = None,
    ax: Any = None,
    label: str | None = None,
    bounds: bool = True,
) -> Any:
    """Entropy against region size ``|A|``, with the cut bound ``m ln 2`` and the trivial bound.

    Parameters
    ----------
    results
        A list of :class:`~tnrbm.EntanglementResult` (one point each, at ``len(result.region)``),
        or a network: then the contiguous regions ``start, ..., start + k - 1`` (wrapping around)
        for ``k`` in ``sizes`` are computed with :func:`tnrbm.entanglement`.
    sizes
        Region sizes for a network (default ``1 ... N - 1``).
    start
        First spin of the regions for a network.
    method, base
        Passed to :func:`tnrbm.entanglement` for a network (``base`` None: nats).
    ax
        Matplotlib axes to draw on (a new figure when None).
    label
        Legend label of the entropy curve (default ``"$S_A$"``).
    bounds
        Draw the cut bound (points whose result carries a cut) and the trivial bound
        ``min(|A|, |B|) ln 2``.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import tnrbm, tnrbm.plot
    >>> rbm = tnrbm.models.local_chain(6, radius=1, seed=0)
    >>> ax = tnrbm.plot.entropy_curve(rbm, sizes=[1, 2, 3])
    >>> [round(float(x)) for x in ax.get_lines()[0].get_xdata()]
    [1, 2, 3]
    """
    res = _results_of(results, sizes, start, method, base)
    bases = {r.base for r in res}
    if len(bases) > 1:
        raise InvalidParameterError(f"results must share one logarithm base; got bases {sorted(map(str, bases))}")
    unit_base = res[0].base
    res = sorted(res, key=lambda r: len(r.region))
    x = np.array([len(r.region) for r in res], dtype=float)
    s = np.array([r.entropy for r in res], dtype=float)
    ax = _axes(ax)
    ax.plot(x, s, "o-", color=_ENTROPY, label=ENTROPY_LABEL if label is None else label, zorder=3)
    if bounds:
        trivial = np.array([r.trivial_bound for r in res], dtype=float)
        ax.plot(x, trivial, ":", color=_TRIVIAL, linewidth=2.0, label=TRIVIAL_BOUND_LABEL, zorder=2.5)
        with_cut = [r for r in res if r.cut is not None]
        if with_cut:
            ax.plot(
                [len(r.region) for r in with_cut],
                [r.bound for r in with_cut],
                "s--",
                color=_CUT_BOUND,
                markerfacecolor="none",
                label=CUT_BOUND_LABEL,
                zorder=2,
            )
    ax.set_xlabel("$|A|$")
    ax.set_ylabel(f"entropy ({_units(unit_base)})")
    top = max(float(np.max(line.get_ydata())) for line in ax.get_lines())
    ax.set_ylim(0.0, 1.3 * top if top > 0 else 1.0)  # room for the legend above the curves
    ax.legend(fontsize="small", loc="upper right")
    return ax


def spectrum(
    result: EntanglementResult,
    ax: Any = None,
    max_values: int | None = None,
    label: str | None = None,
    floor: float = 1e-15,
) -> Any:
    """The entanglement spectrum: Schmidt probabilities ``p_k`` (descending) on a log scale.

    Probabilities below ``floor`` times the largest are float64 rounding noise (a GHZ state's
    zeros come out as 1e-40 or 1e-190 depending on the method) and are left out. When the result carries a cut of
    size ``m``, a vertical line marks the rank bound ``D = 2**m``: no ``p_k`` lies beyond it.

    Parameters
    ----------
    result
        An :class:`~tnrbm.EntanglementResult`.
    ax
        Matplotlib axes (a new figure when None).
    max_values
        Show at most this many of the largest probabilities.
    label
        Legend label (default ``"Schmidt probabilities $p_k$"``).
    floor
        Relative threshold below which probabilities are not drawn (0 draws every nonzero one).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np, tnrbm, tnrbm.plot
    >>> res = tnrbm.entanglement(np.array([np.sqrt(0.9), 0, 0, np.sqrt(0.1)]), [0])
    >>> ax = tnrbm.plot.spectrum(res)
    >>> np.round(ax.get_lines()[0].get_ydata(), 12).tolist(), ax.get_yscale()
    ([0.9, 0.1], 'log')
    """
    if not isinstance(result, EntanglementResult):
        raise InvalidParameterError(f"result must be an EntanglementResult; got {type(result).__name__}")
    if max_values is not None and (
        isinstance(max_values, bool) or not isinstance(max_values, numbers.Integral) or max_values < 1
    ):
        raise InvalidParameterError(f"max_values must be None or an integer >= 1; got {max_values!r}")
    if not isinstance(floor, (int, float)) or isinstance(floor, bool) or not 0 <= floor < 1:
        raise InvalidParameterError(f"floor must be a number in [0, 1); got {floor!r}")
    p = np.sort(np.asarray(result.spectrum, dtype=float))[::-1]
    p = p[(p > 0) & (p >= floor * p.max())]
    if max_values is not None:
        p = p[:max_values]
    k = np.arange(1, len(p) + 1)
    ax = _axes(ax)
    ax.plot(k, p, "o-", color=_ENTROPY, markersize=4, label=SPECTRUM_LABEL if label is None else label)
    ax.set_yscale("log")
    if result.cut is not None:
        ax.axvline(2.0**result.cut.size, color=_CUT_BOUND, linestyle="--", label=RANK_BOUND_LABEL)
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("$k$")
    ax.set_ylabel("$p_k$")
    region = list(result.region)
    shown = region if len(region) <= 8 else f"{region[:4]}...({len(region)} spins)"
    ax.set_title(f"A = {shown}, S = {result.entropy:.4g} {_units(result.base)}", fontsize="medium")
    ax.legend(fontsize="small")
    return ax


def _energies_of(history: Any) -> np.ndarray:
    if isinstance(history, Mapping):
        if "energy" not in history:
            raise InvalidParameterError(f"history must hold the key 'energy'; got the keys {sorted(map(str, history))}")
        history = history["energy"]
    elif hasattr(history, "history") and not isinstance(history, np.ndarray):
        if getattr(history, "energy", 0.0) is None:
            raise InvalidParameterError(
                "history must be an energy history; got a fit result whose history holds fidelities (a to_state fit)"
            )
        history = history.history
    try:
        e = np.asarray(history)
    except (TypeError, ValueError):
        raise InvalidParameterError(f"history must be a sequence of energies; got {type(history).__name__}") from None
    if not np.issubdtype(e.dtype, np.number) or e.ndim != 1 or e.size == 0:
        raise InvalidParameterError(
            f"history must be a non-empty 1D sequence of energies; got dtype {e.dtype} and shape {e.shape}"
        )
    if np.iscomplexobj(e):
        if np.any(np.abs(e.imag) > 1e-8 * np.maximum(1.0, np.abs(e.real))):
            raise InvalidParameterError("history must hold real energies; got complex values with imaginary parts")
        e = e.real
    return np.asarray(e, dtype=float)


def energy_history(
    history: Any, exact: float | None = None, ax: Any = None, relative: bool = False, label: str | None = None
) -> Any:
    """A fit's energy against step, with the exact (ED) energy.

    Parameters
    ----------
    history
        Energies (a sequence, entry 0 the start), a mapping with key ``"energy"``, or a fit result
        with a ``history`` attribute (:func:`tnrbm.fit.ground_state`).
    exact
        The exact ground-state energy, drawn as a horizontal line.
    ax
        Matplotlib axes (a new figure when None).
    relative
        Plot the relative error ``|E - E_0| / |E_0|`` on a log scale instead (needs ``exact``;
        the absolute error when ``E_0 = 0``).
    label
        Legend label of the history (default ``"energy"``).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import tnrbm, tnrbm.plot
    >>> ax = tnrbm.plot.energy_history([-1.0, -1.5, -1.9], exact=-2.0)
    >>> ax.get_lines()[0].get_ydata().tolist()
    [-1.0, -1.5, -1.9]
    """
    e = _energies_of(history)
    if exact is not None:
        try:
            exact = float(exact)
        except (TypeError, ValueError):
            exact = float("nan")
        if not math.isfinite(exact):
            raise InvalidParameterError(f"exact must be None or a finite number; got {exact!r}")
    if not np.all(np.isfinite(e)):
        raise InvalidParameterError("history must hold finite energies; got NaN or inf")
    steps = np.arange(len(e))
    ax = _axes(ax)
    if relative:
        if exact is None:
            raise InvalidParameterError("relative=True needs the exact energy: pass exact=")
        scale = abs(exact) if exact != 0 else 1.0
        err = np.abs(e - exact) / scale
        keep = err > 0
        ax.plot(steps[keep], err[keep], "-", color=_ENTROPY, label=ENERGY_LABEL if label is None else label)
        ax.set_yscale("log")
        ax.set_ylabel("$|E - E_0| / |E_0|$" if exact != 0 else "$|E - E_0|$")
    else:
        ax.plot(steps, e, "-", color=_ENTROPY, label=ENERGY_LABEL if label is None else label)
        if exact is not None:
            ax.axhline(exact, color=_CUT_BOUND, linestyle="--", label=EXACT_LABEL)
        ax.set_ylabel("energy")
    ax.set_xlabel("step")
    ax.legend(fontsize="small")
    return ax


def profile(prof: Any, ax: Any = None, cut_sizes: Any = None) -> Any:
    """The entanglement profile of a chain: ``S`` at every cut ``l`` with its bounds.

    The bound drawn is ``m ln 2`` from the minimal cuts when ``cut_sizes`` are given, else the
    (never smaller) count ``c ln 2`` of MPS indices crossing each cut.

    Parameters
    ----------
    prof
        A :class:`~tnrbm.EntanglementProfile` (from :func:`tnrbm.entanglement_profile`).
    ax
        Matplotlib axes to draw on (a new figure when None).
    cut_sizes
        The minimal-cut size ``m`` of each region ``prof.order[:l]`` (e.g. from :func:`tnrbm.min_cut`).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import tnrbm, tnrbm.plot
    >>> prof = tnrbm.entanglement_profile(tnrbm.models.local_chain(6, radius=1, periodic=False, seed=0))
    >>> ax = tnrbm.plot.profile(prof)
    >>> [round(float(x)) for x in ax.get_lines()[0].get_xdata()]
    [1, 2, 3, 4, 5]
    """
    from ..mps import EntanglementProfile

    if not isinstance(prof, EntanglementProfile):
        raise InvalidParameterError(f"prof must be an EntanglementProfile; got {type(prof).__name__}")
    ax = _axes(ax)
    sizes = np.asarray(prof.sizes)
    n = len(sizes) + 1
    ln2 = math.log(2.0) if prof.base is None else math.log(2.0) / math.log(prof.base)
    ax.plot(sizes, prof.entropy, "o-", color=_ENTROPY, label=ENTROPY_LABEL, ms=3)
    bound = prof.bounds
    if cut_sizes is not None:
        bound = np.asarray(cut_sizes, dtype=float) * ln2
        if bound.shape != sizes.shape:
            raise InvalidParameterError(f"cut_sizes must hold {len(sizes)} values (one per cut); got {bound.shape}")
        ax.step(sizes, bound, where="mid", color=_CUT_BOUND, label=CUT_BOUND_LABEL)
    else:
        ax.step(sizes, bound, where="mid", color=_CUT_BOUND, label=r"MPS bound $c \ln 2$")
    ax.plot(sizes, np.minimum(sizes, n - sizes) * ln2, "--", color=_TRIVIAL, label=TRIVIAL_BOUND_LABEL)
    ax.set_ylim(0, 1.15 * max(float(np.max(bound)), float(np.max(prof.entropy)), ln2))
    ax.set_xlabel("cut position $l$ (sites left of the cut)")
    ax.set_ylabel(f"entropy ({_units(prof.base)})")
    ax.set_title(f"entanglement profile, {n} spins")
    ax.legend(fontsize=8, frameon=False)
    return ax
