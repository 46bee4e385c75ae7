"""Curves: entropy against region size with its bounds, the entanglement spectrum, a fit's energy history."""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
from matplotlib.colors import is_color_like
from matplotlib.ticker import MaxNLocator

from ..entropy import EntanglementProfile, EntanglementResult, entanglement
from ..errors import InvalidParameterError
from ..network import BoltzmannNetwork
from ._figure import (
    _NOTE,
    BOUND,
    DATA,
    TRIVIAL,
    check_flag,
    check_path,
    clip_bounds,
    finish,
    legend_below,
    legend_with_notes,
    ln2_text,
    new_axes,
    positive_limits,
    saves_figure,
    set_log,
    units,
)

__all__ = ["entropy_curve", "spectrum", "energy_history", "profile"]

_EXACT = "#d62728"
_TRIVIAL = "#7f7f7f"
_BOUND = "black"

#: line labels, so that callers (and tests) can find each curve with ``line.get_label()``
ENTROPY_LABEL = "$S_A$"
CUT_BOUND_LABEL = r"cut bound $m\,\ln 2$"
TRIVIAL_BOUND_LABEL = r"trivial bound $\min(|A|,|B|)\,\ln 2$"
SPECTRUM_LABEL = "Schmidt probabilities $p_k$"
RANK_BOUND_LABEL = "rank bound $D = 2^m$"
FLOOR_LABEL = "machine precision floor"
#: how far above the largest entropy a profile's bounds are drawn before they are clipped
PROFILE_REACH = 5.0
#: the relative floor of the spectrum plot: float64's machine epsilon, 2.2e-16
MACHINE_PRECISION = float(np.finfo(float).eps)
ENERGY_LABEL = "energy"
EXACT_LABEL = "exact"


def _bound_labels(base: float | None) -> tuple[str, str]:
    """The cut-bound and trivial-bound legend labels in the unit of ``base`` (no ``ln 2`` in bits)."""
    if base is None or base == math.e:
        return CUT_BOUND_LABEL, TRIVIAL_BOUND_LABEL
    f = ln2_text(base)
    return f"cut bound $m{f}$", rf"trivial bound $\min(|A|,|B|){f}$"


def _has_line(ax: Any, label: str, x: Any, y: Any) -> bool:
    """Whether ``ax`` already shows this very line (an overlay need not draw a shared bound twice)."""
    for ln in ax.get_lines():
        if ln.get_label() == label and len(ln.get_xdata()) == len(x):
            if np.array_equal(np.asarray(ln.get_xdata(), dtype=float), np.asarray(x, dtype=float)) and np.allclose(
                np.asarray(ln.get_ydata(), dtype=float), np.asarray(y, dtype=float), rtol=1e-12, atol=0.0
            ):
                return True
    return False


def _check_color(color: Any) -> Any:
    if color is not None and not is_color_like(color):
        raise InvalidParameterError(f"color must be None or a matplotlib colour (e.g. 'C1', '#1f77b4'); got {color!r}")
    return color


def _set_ylim(ax: Any, logy: bool, linear_room: float, log_room: float) -> None:
    """Limits over every line on the axes: from 0 (linear) or a factor 2 below the least positive value (log)."""
    ys = np.concatenate([np.asarray(ln.get_ydata(), dtype=float).ravel() for ln in ax.get_lines()] or [np.zeros(1)])
    ys = ys[np.isfinite(ys)]
    if logy:
        ax.set_ylim(*positive_limits(ys, log_room))
    else:
        top = float(np.max(ys)) if ys.size else 0.0
        ax.set_ylim(0.0, linear_room * top if top > 0 else 1.0)


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


@saves_figure
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
    color: Any = None,
    logx: bool = False,
    logy: bool = False,
    path: str | os.PathLike | None = None,
    seed: int | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> Any:
    """Entropy against region size ``|A|``, with the cut bound ``m ln 2`` and the trivial bound.

    Several calls on one axes overlay: each curve takes the next colour of the axes' cycle (its cut
    bound the same colour, dashed); the shared trivial bound is drawn once.

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
        Passed to :func:`tnrbm.entanglement` for a network (``base`` None: nats). The labels follow
        the results' base: in bits (base 2) the bounds read ``m`` and ``min(|A|,|B|)``.
    ax
        Matplotlib axes to draw on (a new constrained-layout figure when None).
    label
        Legend label of the entropy curve (default ``"$S_A$"``).
    bounds
        Draw the cut bound (points whose result carries a cut) and the trivial bound
        ``min(|A|, |B|) ln 2``.
    color
        Colour of the curve and its cut bound (default: the next colour of the axes' cycle).
    logx, logy
        Logarithmic axes (points at zero entropy are then left out of the picture).
    {save}

    Examples
    --------
    >>> import tnrbm, tnrbm.plot
    >>> rbm = tnrbm.models.local_chain(6, radius=1, seed=0)
    >>> ax = tnrbm.plot.entropy_curve(rbm, sizes=[1, 2, 3])
    >>> [round(float(x)) for x in ax.get_lines()[0].get_xdata()]
    [1, 2, 3]
    >>> other = tnrbm.models.local_chain(6, radius=2, seed=0)
    >>> ax = tnrbm.plot.entropy_curve(other, sizes=[1, 2, 3], ax=ax, label="r = 2")  # an overlay
    >>> from matplotlib.colors import to_hex
    >>> [to_hex(ln.get_color()) for ln in ax.get_lines() if ln.get_label() in ("$S_A$", "r = 2")]
    ['#1f77b4', '#ff7f0e']
    """
    color, path = _check_color(color), check_path(path)
    res = _results_of(results, sizes, start, method, base)
    bases = {r.base for r in res}
    if len(bases) > 1:
        raise InvalidParameterError(f"results must share one logarithm base; got bases {sorted(map(str, bases))}")
    cut_label, trivial_label = _bound_labels(res[0].base)
    res = sorted(res, key=lambda r: len(r.region))
    x = np.array([len(r.region) for r in res], dtype=float)
    s = np.array([r.entropy for r in res], dtype=float)
    ax, created = new_axes(ax, (5.0, 4.4))
    logx, logy = set_log(ax, logx, logy)
    (curve,) = ax.plot(x, s, "o-", color=color, label=ENTROPY_LABEL if label is None else label, zorder=3, gid=DATA)
    if bounds:
        trivial = np.array([r.trivial_bound for r in res], dtype=float)
        if not _has_line(ax, trivial_label, x, trivial):
            ax.plot(x, trivial, ":", color=_TRIVIAL, linewidth=2.0, label=trivial_label, zorder=2.5, gid=TRIVIAL)
        with_cut = [r for r in res if r.cut is not None]
        if with_cut:
            ax.plot(
                [len(r.region) for r in with_cut],
                [r.bound for r in with_cut],
                "s--",
                color=curve.get_color(),
                markerfacecolor="none",
                label=cut_label if label is None else f"{label}: {cut_label}",
                zorder=2,
                gid=BOUND,
            )
    ax.set_xlabel("$|A|$")
    ax.set_ylabel(f"entropy $S_A$ ({units(res[0].base)})")
    if logy:
        entries = sum(not ln.get_label().startswith("_") for ln in ax.get_lines())
        _set_ylim(ax, logy, 1.3, 0.35 + 0.1 * max(0, entries - 3))  # room for the legend
    else:  # the range of the entropies and their cut bound; the trivial bound clipped (its maximum in the legend)
        clip_bounds(ax, PROFILE_REACH)
    legend_below(ax, fontsize="small")
    return finish(ax, created, path, seed, metadata)


def _spectrum_values(result: EntanglementResult, max_values: Any, floor: Any) -> tuple[np.ndarray, float, int]:
    """The probabilities drawn (descending, at most ``max_values``), the floor level and the count of all values."""
    if max_values is not None and (
        isinstance(max_values, bool) or not isinstance(max_values, numbers.Integral) or max_values < 1
    ):
        raise InvalidParameterError(f"max_values must be None or an integer >= 1; got {max_values!r}")
    if not isinstance(floor, (int, float)) or isinstance(floor, bool) or not 0 <= floor < 1:
        raise InvalidParameterError(f"floor must be a number in [0, 1); got {floor!r}")
    p = np.sort(np.asarray(result.spectrum, dtype=float).ravel())[::-1]
    if p.size == 0 or not p[0] > 0:
        raise InvalidParameterError("result must carry a spectrum with a positive largest probability")
    positive = p[p > 0]
    level = floor * p[0] if floor > 0 else float(positive[-1])
    return (p if max_values is None else p[:max_values]), level, len(p)


@saves_figure
def spectrum(
    result: EntanglementResult,
    ax: Any = None,
    max_values: int | None = None,
    label: str | None = None,
    floor: float = MACHINE_PRECISION,
    *,
    color: Any = None,
    logx: bool = False,
    logy: bool = True,
    path: str | os.PathLike | None = None,
    seed: int | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> Any:
    """The entanglement spectrum: every Schmidt probability ``p_k`` (descending) on a log scale.

    Every value of ``result.spectrum`` is drawn, so that the number of points is the number of values
    (given in the legend). Values below ``floor`` times the largest are float64 rounding noise (a GHZ
    state's zeros come out as 1e-40, 1e-190 or exactly 0 depending on the method): they are drawn *at*
    that floor as open triangles, on the dotted line that marks it, and counted in the legend. When
    the result carries a cut of size ``m``, a black dash-dotted vertical line marks the rank bound
    ``D = 2**m``: no ``p_k`` lies beyond it. Several spectra on one axes take successive colours of
    the axes' cycle.

    Parameters
    ----------
    result
        An :class:`~tnrbm.EntanglementResult`.
    ax
        Matplotlib axes (a new constrained-layout figure when None).
    max_values
        Show only the largest ``max_values`` probabilities (the legend says how many of how many).
    label
        Legend label (default ``"Schmidt probabilities $p_k$"``; the count is appended).
    floor
        Relative level (of the largest ``p_k``) below which values are drawn at that level; default
        machine precision, 2.2e-16. With 0 the level is the least positive value (zeros drawn there).
    color
        Colour of the spectrum (default: the next colour of the axes' cycle).
    logx, logy
        Logarithmic axes (default: ``k`` linear, ``p_k`` logarithmic).
    {save}

    Examples
    --------
    >>> import numpy as np, tnrbm, tnrbm.plot
    >>> res = tnrbm.entanglement(np.array([np.sqrt(0.9), 0, 0, np.sqrt(0.1)]), [0])
    >>> ax = tnrbm.plot.spectrum(res)
    >>> np.round(ax.get_lines()[0].get_ydata(), 12).tolist(), ax.get_yscale()
    ([0.9, 0.1], 'log')
    """
    if not isinstance(result, EntanglementResult):
        raise InvalidParameterError(f"result must be an EntanglementResult; got {type(result).__name__}")
    p, level, total = _spectrum_values(result, max_values, floor)
    color, path = _check_color(color), check_path(path)
    k = np.arange(1, len(p) + 1)
    low = p < level
    ax, created = new_axes(ax)
    set_log(ax, logx, logy)
    name = SPECTRUM_LABEL if label is None else label
    (curve,) = ax.plot(k[~low], p[~low], "o-", color=color, markersize=4, label=name, zorder=3, gid="spectrum")
    setattr(curve, _NOTE, f"({len(p)} of {total} values)" if len(p) < total else f"({total} values)")
    if low.any():
        ax.plot(
            k[low],
            np.full(int(low.sum()), level),
            "v",
            color=curve.get_color(),
            markerfacecolor="none",
            markersize=4,
            label=f"{int(low.sum())} below {level:.1e}, drawn at it",
            zorder=3,
            gid="spectrum",
        )
        if not any(ln.get_label() == FLOOR_LABEL for ln in ax.get_lines()):
            ax.axhline(level, color=_TRIVIAL, linestyle=":", linewidth=1.0, label=FLOOR_LABEL, zorder=1)
    if result.cut is not None:
        d = 2**result.cut.size
        if not any(ln.get_label() == RANK_BOUND_LABEL and ln.get_xdata()[0] == d for ln in ax.get_lines()):
            rank = ax.axvline(d, color=_BOUND, linestyle="-.", linewidth=1.2, label=RANK_BOUND_LABEL, zorder=2)
            setattr(rank, _NOTE, f"$= {d}$")
    if logy:
        ys = np.concatenate(
            [np.asarray(ln.get_ydata(), dtype=float) for ln in ax.get_lines() if ln.get_gid() == "spectrum"]
        )
        lo, hi = positive_limits(ys, 0.08)
        ax.set_ylim(lo / 5.0, hi)  # the floored values a decade clear of the frame
    if not logx:
        right = max([float(np.max(ln.get_xdata(), initial=1)) for ln in ax.get_lines() if ln.get_gid() == "spectrum"])
        right = max(right, 2.0**result.cut.size if result.cut is not None else 0.0)
        ax.set_xlim(1 - 0.04 * right, 1.04 * right + 0.5)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("$k$ (Schmidt index, descending)")
    ax.set_ylabel("$p_k$")
    if not ax.get_title():  # an overlay keeps the first spectrum's title
        region = list(result.region)
        shown = region if len(region) <= 8 else f"{region[:4]}...({len(region)} spins)"
        ax.set_title(f"$A$ = {shown}, $S_A$ = {result.entropy:.4g} {units(result.base)}", fontsize="medium")
    legend_with_notes(ax, fontsize="small")
    return finish(ax, created, path, seed, metadata)


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


def _fit_title(history: Any, exact: float | None) -> str:
    """``RBM fit, N = 6, M = 6 hidden`` for a fit result (else ``variational fit``), with ``E_0`` when known."""
    rbm = getattr(history, "rbm", None)
    text = "variational fit"
    if isinstance(rbm, BoltzmannNetwork):
        text = f"RBM fit, $N = {rbm.n_visible}$, $M = {rbm.n_hidden}$ hidden"
    return text if exact is None else f"{text}, $E_0 = {exact:.8g}$"


@saves_figure
def energy_history(
    history: Any,
    exact: float | None = None,
    ax: Any = None,
    relative: bool = False,
    label: str | None = None,
    *,
    color: Any = None,
    logx: bool = False,
    logy: bool | None = None,
    title: str | None = None,
    energy_unit: str = "units of $J$",
    path: str | os.PathLike | None = None,
    seed: int | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> Any:
    """A fit's energy against step, with the exact (ED) energy; or its relative error on a log axis.

    A relative error of 1e-5 is invisible on a linear energy axis: ``relative=True`` draws
    ``|E - E_0| / |E_0|`` on a logarithmic axis instead. Several histories on one axes take
    successive colours of the axes' cycle.

    Parameters
    ----------
    history
        Energies (a sequence, entry 0 the start), a mapping with key ``"energy"``, or a fit result
        with a ``history`` attribute (:func:`tnrbm.fit.variational_ground_state`).
    exact
        The exact ground-state energy, drawn as a horizontal line.
    ax
        Matplotlib axes (a new constrained-layout figure when None).
    relative
        Plot the relative error ``|E - E_0| / |E_0|`` instead (needs ``exact``; the absolute error
        when ``E_0 = 0``).
    label
        Legend label of the history (default ``"energy"``).
    color
        Colour of the history (default: the next colour of the axes' cycle).
    logx, logy
        Logarithmic axes (``logy`` default: on for ``relative``, off otherwise; step 0 is left out
        of a log step axis).
    title
        The title: name the system (``"TFIM, N = 10, h = 1"``). Default: the network's sizes for a
        fit result, and ``E_0``.
    energy_unit
        The unit of the energies, written on the axis (``"units of $J$"``; the absolute error of
        ``E_0 = 0`` too).
    {save}

    Examples
    --------
    >>> import tnrbm, tnrbm.plot
    >>> ax = tnrbm.plot.energy_history([-1.0, -1.5, -1.9], exact=-2.0, title="TFIM, $N = 6$, $h = 1$")
    >>> ax.get_lines()[0].get_ydata().tolist(), ax.get_title()
    ([-1.0, -1.5, -1.9], 'TFIM, $N = 6$, $h = 1$')
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
    if relative and exact is None:
        raise InvalidParameterError("relative=True needs the exact energy: pass exact=")
    for name, text in (("title", title), ("energy_unit", energy_unit)):
        if text is not None and not isinstance(text, str):
            raise InvalidParameterError(f"{name} must be a str; got {text!r}")
    color, path = _check_color(color), check_path(path)
    steps = np.arange(len(e))
    ax, created = new_axes(ax)
    set_log(ax, logx, bool(relative) if logy is None else logy)
    name = ENERGY_LABEL if label is None else label
    if relative and exact is not None:  # relative=True without exact was refused above
        scale = abs(exact) if exact != 0 else 1.0
        err = np.abs(e - exact) / scale
        keep = err > 0
        ax.plot(steps[keep], err[keep], "-", color=color, label=name)
        ax.set_ylabel("relative error $|E - E_0| / |E_0|$" if exact != 0 else f"$|E - E_0|$ ({energy_unit})")
    else:
        ax.plot(steps, e, "-", color=color, label=name)
        if exact is not None and not any(
            ln.get_label() == EXACT_LABEL and np.all(np.asarray(ln.get_ydata(), dtype=float) == exact)
            for ln in ax.get_lines()
        ):
            line = ax.axhline(exact, color=_EXACT, linestyle="--", label=EXACT_LABEL)
            setattr(line, _NOTE, f"(ED) $E_0 = {exact:.10g}$")
        ax.set_ylabel(f"energy $E$ ({energy_unit})")
    ax.set_xlabel("optimization step")
    if not ax.get_title():
        ax.set_title(_fit_title(history, exact) if title is None else title, fontsize="medium")
    legend_with_notes(ax, fontsize="small")
    return finish(ax, created, path, seed, metadata)


@saves_figure
def profile(
    prof: Any,
    ax: Any = None,
    cut_sizes: Any = None,
    *,
    label: str | None = None,
    color: Any = None,
    logx: bool = False,
    logy: bool = False,
    renyi: bool = True,
    path: str | os.PathLike | None = None,
    seed: int | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> Any:
    """The entanglement profile of a chain: ``S`` (and the Renyi entropies ``S_n``) at every cut ``l`` with
    its bounds.

    The bound drawn is ``m ln 2`` from the minimal cuts when ``cut_sizes`` are given, else the
    (never smaller) count ``c ln 2`` of MPS indices crossing each cut; it takes the entropy
    curve's colour, so that several profiles overlay in successive colours of the axes' cycle.
    The y range is set by the entropies and the cut (or MPS) bound when it stays below ``PROFILE_REACH``
    (5) times the largest entropy; the trivial bound ``min(l, N - l) ln 2`` never widens it: a bound
    above the top is clipped there, and its legend entry gives its largest value.

    Parameters
    ----------
    prof
        A :class:`~tnrbm.EntanglementProfile` (from :func:`tnrbm.entanglement_profile`).
    ax
        Matplotlib axes to draw on (a new constrained-layout figure when None).
    cut_sizes
        The minimal-cut size ``m`` of each region ``prof.order[:l]`` (e.g. from :func:`tnrbm.min_cut`).
    label
        Legend label of the entropies (default ``"$S_A$"``).
    color
        Colour of the entropies and their bound (default: the next colour of the axes' cycle).
    logx, logy
        Logarithmic axes.
    renyi
        Draw the Renyi entropies the profile carries (``S_2``: open squares, dashed).
    {save}

    Examples
    --------
    >>> import tnrbm, tnrbm.plot
    >>> prof = tnrbm.entanglement_profile(tnrbm.models.local_chain(6, radius=1, periodic=False, seed=0))
    >>> ax = tnrbm.plot.profile(prof)
    >>> [round(float(x)) for x in ax.get_lines()[0].get_xdata()], [ln.get_label() for ln in ax.get_lines()][:2]
    ([1, 2, 3, 4, 5], ['$S_A$', '$S_{2}$'])
    """
    if not isinstance(prof, EntanglementProfile):
        raise InvalidParameterError(f"prof must be an EntanglementProfile; got {type(prof).__name__}")
    color, path = _check_color(color), check_path(path)
    draw_renyi = check_flag(renyi, "renyi")
    sizes = np.asarray(prof.sizes)
    n = len(sizes) + 1
    ln2 = math.log(2.0) if prof.base is None else math.log(2.0) / math.log(prof.base)
    cut_label, trivial_label = _bound_labels(prof.base)
    if cut_sizes is None:
        bound, bound_label = np.asarray(prof.bounds, dtype=float), f"MPS bound $c{ln2_text(prof.base)}$"
    else:
        bound, bound_label = np.asarray(cut_sizes, dtype=float) * ln2, cut_label
        if bound.shape != sizes.shape:
            raise InvalidParameterError(f"cut_sizes must hold {len(sizes)} values (one per cut); got {bound.shape}")
    ax, created = new_axes(ax, (5.5, 4.2))
    logx, logy = set_log(ax, logx, logy)
    name = ENTROPY_LABEL if label is None else label
    (curve,) = ax.plot(sizes, prof.entropy, "o-", color=color, label=name, ms=3, zorder=3, gid=DATA)
    for order, values in sorted(prof.renyi.items()) if draw_renyi else ():
        text = f"$S_{{{order:g}}}$"
        ax.plot(sizes, values, "s--", color=curve.get_color(), mfc="none", ms=3, lw=1.0, zorder=3, gid=DATA,
                label=text if label is None else f"{label}: {text}")  # fmt: skip
    ax.step(sizes, bound, where="mid", color=curve.get_color(), alpha=0.8, gid=BOUND,
            label=bound_label if label is None else f"{label}: {bound_label}")  # fmt: skip
    trivial = np.minimum(sizes, n - sizes) * ln2
    if not _has_line(ax, trivial_label, sizes, trivial):
        ax.plot(sizes, trivial, "--", color=_TRIVIAL, label=trivial_label, gid=TRIVIAL)
    if logy:
        _set_ylim(ax, logy, 1.15, 0.3)
    else:
        clip_bounds(ax, PROFILE_REACH)
    ax.set_xlabel("cut position $l$ (sites left of the cut)")
    ax.set_ylabel(f"entropy $S$ ({units(prof.base)})")
    if not ax.get_title():
        ax.set_title(f"entanglement profile, {n} spins")
    legend_below(ax, fontsize=8, ncol=2)
    return finish(ax, created, path, seed, metadata)
