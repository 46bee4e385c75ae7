"""Entropies of a probability (Schmidt) spectrum: von Neumann and Renyi, stable for any order."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from .._deprecated import renamed_keywords
from .._numerics import log_in_base, nats_per_unit
from ..validation import as_float

__all__ = ["entropies_from_spectrum", "log_in_base", "renyi_entropy"]


@renamed_keywords(alpha="renyi_order")
def renyi_entropy(p: np.ndarray, renyi_order: float, tol: float = 0.0) -> float:
    """``S_q = ln(sum p**q) / (1 - q)`` (``q = renyi_order``) in nats, without overflow or underflow for any order.

    Written as ``q/(1-q) ln p_max + ln(sum (p/p_max)**q)/(1-q)``: every term stays finite,
    and huge orders reach the min-entropy ``-ln p_max`` (``q = inf``). ``q = 0`` counts the
    probabilities above ``tol``.

    Examples
    --------
    >>> uniform = np.full(32, 1 / 32)
    >>> [round(float(renyi_entropy(uniform, a) / np.log(2)), 12) for a in (300, 1e5, 1e308)]
    [5.0, 5.0, 5.0]
    """
    p = np.asarray(p, dtype=float)
    pmax = float(p.max())
    if math.isinf(renyi_order):
        return -math.log(pmax)
    if renyi_order == 0:
        return math.log(int(np.count_nonzero(p > tol)))
    nz = p[p > 0]
    rest = math.log(float(np.sum((nz / pmax) ** renyi_order)))
    return (renyi_order / (1.0 - renyi_order)) * math.log(pmax) + rest / (1.0 - renyi_order)


def entropies_from_spectrum(
    p: np.ndarray, renyi: Sequence[float] = (2,), base: float | None = None, tol: float = 0.0
) -> tuple[float, dict]:
    """Von Neumann and Renyi entropies of a normalized probability vector ``p``.

    ``alpha = 0`` counts the probabilities above ``tol``. The Renyi dict is keyed by the orders as given.

    Examples
    --------
    >>> s, r = entropies_from_spectrum(np.array([0.5, 0.5]), renyi=(2, float("inf")), base=2)
    >>> round(s, 12), round(r[2], 12), round(r[float("inf")], 12)
    (1.0, 1.0, 1.0)
    """
    p = np.asarray(p, dtype=float)
    ln_base = nats_per_unit(base)
    nz = p[p > 0]
    s = float(-np.sum(nz * np.log(nz))) / ln_base
    out = {a: renyi_entropy(p, as_float(a), tol) / ln_base + 0.0 for a in renyi}  # + 0.0 turns -0.0 into 0.0
    return max(s, 0.0) + 0.0, out
