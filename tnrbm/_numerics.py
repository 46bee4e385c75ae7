"""Small numerical helpers written once: ``ln 2``, logarithms in a base, a stable log-cosh, softplus and
log-sum-exp.

Row 0 of the layers (numpy and the standard library only), so every package may use them.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = ["LN2", "nats_per_unit", "log_in_base", "log_cosh", "log_2cosh", "log1p_exp", "log_sum_exp"]

#: ``ln 2``: the entropy of one cut unit (a spin or a binary hidden unit) in nats
LN2 = math.log(2.0)


def nats_per_unit(base: float | None) -> float:
    """One unit of entropy in base ``base``, in nats: ``ln base`` (1 for None, i.e. nats).

    Divide an entropy in nats by it to express it in the base.

    Examples
    --------
    >>> nats_per_unit(None), round(nats_per_unit(2), 12)
    (1.0, 0.69314718056)
    """
    return 1.0 if base is None else math.log(base)


def log_in_base(x: float, base: float | None) -> float:
    """``ln x`` (base None) or ``log_base x``; ``log_in_base(2.0, base)`` is the ``ln 2`` of a cut unit.

    Examples
    --------
    >>> log_in_base(8.0, 2)
    3.0
    """
    return math.log(x) / nats_per_unit(base)


def _unwrap(out: np.ndarray) -> Any:
    """A 0-d result as a numpy scalar, an array as it is."""
    return out[()] if out.ndim == 0 else out


def _log1p(w: np.ndarray) -> np.ndarray:
    """``log1p`` that keeps the relative precision of tiny complex ``w`` (numpy's complex ``log1p``
    rounds ``1 + w`` first and loses ``Re w`` below 1e-16): three terms of the series for ``|w| < 1e-5``."""
    if not np.iscomplexobj(w):
        return np.log1p(w)
    return np.where(np.abs(w) < 1e-5, w * (1.0 - w * (0.5 - w / 3.0)), np.log1p(w))


def log_2cosh(x: Any) -> Any:
    """``ln(2 cosh x) = ln(e^x + e^-x)``, stable for any real or complex ``x``.

    Written as ``t + log1p(e^(-2t))`` with ``t = +-x`` chosen so that ``Re t >= 0`` (cosh is even): no
    overflow for ``|x|`` up to the largest float and no loss near 0. Complex ``x`` gives a logarithm of
    the complex ``2 cosh x`` (on some branch: ``exp`` of it is ``2 cosh x``). A Python or numpy scalar
    gives a numpy scalar, an array an array.

    Examples
    --------
    >>> float(log_2cosh(0.0)) == math.log(2.0), float(log_2cosh(1000.0))
    (True, 1000.0)
    """
    x = np.asarray(x)
    t = np.where(x.real >= 0, x, -x)
    out = t + _log1p(np.exp(-2.0 * t))
    return _unwrap(out)


def log_cosh(x: Any) -> Any:
    """``ln cosh x``, stable and accurate for any real or complex ``x``.

    ``|x| + log1p(e^(-2|x|)) - ln 2`` (with ``+-x`` taken so that ``Re >= 0``, as :func:`log_2cosh`) for
    ``|x| >= 1``: no overflow up to the largest float; ``log1p(2 sinh^2(x/2))`` for ``|x| < 1``, which
    keeps the relative precision of ``x**2 / 2`` where the first form would cancel against ``ln 2``
    (``ln cosh 1e-9 = 5e-19``). NetKet's ``log_cosh`` activation; tnrbm's spin hidden unit is
    ``2 cosh`` (:func:`log_2cosh`).

    Examples
    --------
    >>> float(log_cosh(0.0)), float(log_cosh(1e-9)), float(log_cosh(-800.0)) == 800.0 - math.log(2.0)
    (0.0, 5e-19, True)
    """
    x = np.asarray(x)
    with np.errstate(over="ignore", invalid="ignore"):  # the branch np.where drops may overflow
        small = np.log1p(2.0 * np.sinh(0.5 * x) ** 2)
    out = np.where(np.abs(x) < 1.0, small, log_2cosh(x) - LN2)
    return _unwrap(out)


def log1p_exp(x: Any) -> Any:
    """``ln(1 + e^x)`` (softplus: a binary hidden unit's ``sum_{h=0,1} e^(h x)``), stable for real or
    complex ``x``: ``x + log1p(e^-x)`` where ``Re x > 0``, ``log1p(e^x)`` elsewhere.

    Examples
    --------
    >>> float(log1p_exp(0.0)) == math.log(2.0), float(log1p_exp(1000.0)), float(log1p_exp(-1000.0))
    (True, 1000.0, 0.0)
    """
    x = np.asarray(x)
    pos = x.real > 0
    out = np.where(pos, x, 0.0) + _log1p(np.exp(np.where(pos, -x, x)))
    return _unwrap(out)


def log_sum_exp(x: Any, axis: int | None = None) -> Any:
    """``ln sum exp x`` over ``axis`` (all of ``x`` for None), without overflow; ``-inf`` where every
    term is ``-inf`` (an empty or zero-weight sum) instead of nan.

    Examples
    --------
    >>> float(log_sum_exp(np.array([1000.0, 1000.0]))) == 1000.0 + math.log(2.0)
    True
    >>> log_sum_exp(np.array([[0.0, -np.inf], [-np.inf, -np.inf]]), axis=1).tolist()
    [0.0, -inf]
    """
    x = np.asarray(x)
    top = np.max(x, axis=axis, keepdims=True)
    top = np.where(np.isfinite(top), top, 0.0)
    with np.errstate(divide="ignore"):  # every term -inf: log 0 = -inf, as asked
        out = np.log(np.sum(np.exp(x - top), axis=axis, keepdims=True)) + top
    out = np.squeeze(out, axis=axis) if axis is not None else out.reshape(())
    return _unwrap(out)
