"""Certified bounds on the von Neumann and Renyi entropies from the top of a spectrum, its purity and a residual.

The inputs are what a Rayleigh-Ritz step gives about a Hermitian positive semi-definite ``rho`` of trace 1
(the Schmidt operator of a cut, normalized): Ritz values ``p_1 >= ... >= p_k`` from an orthonormal
``U`` (``U^dagger rho U = diag(p)``), the residual ``R = rho U - U diag(p)`` through its spectral and
Frobenius norms, the exact purity ``P = Tr rho^2`` and a bound ``D`` on the rank. Every bound holds for
every ``U`` (converged or not); the proofs are in ``docs/theory/topk.md``:

- interlacing: ``lambda_i >= p_i`` (i <= k);
- pinching: ``rho' = U U^dagger rho U U^dagger + (1 - U U^dagger) rho (1 - U U^dagger)`` is majorized by
  ``rho``; its spectrum is ``p`` and that of ``C`` (trace ``t = 1 - sum p``, purity
  ``P - sum p^2 - 2 ||R||_F^2``, rank <= ``D - k``), so ``S(rho) <= S(rho')``;
- Weyl: ``||rho - rho'||_2 = ||R||_2``, so ``lambda_i <= max(p_i, c) + ||R||_2`` with ``c`` the largest
  eigenvalue of ``C``, and every ``lambda_i`` (i > k) is at most ``c + ||R||_2``;
- a tail of mass ``tau`` and purity ``pi``: ``-sum x ln x >= tau ln(tau / pi)`` (``S_1 >= S_2``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from ..errors import InvalidParameterError

__all__ = ["ROUNDING_SLACK", "entropy_bounds"]

#: added to the masses and purities compared (normalized units), so that rounding in the Ritz values, the
#: trace and the purity (about 1e-15 each) cannot move a bound past the exact value
ROUNDING_SLACK = 1e-13


def _h(x: np.ndarray) -> np.ndarray:
    """``-x ln x`` elementwise (0 at 0)."""
    x = np.asarray(x, dtype=float)
    out = np.zeros_like(x)
    pos = x > 0
    out[pos] = -x[pos] * np.log(x[pos])
    return out


def _tail_entropy_min(tau_lo: float, tau_hi: float, top: float, pi: float) -> float:
    """A lower bound of ``-sum x ln x`` over tails of mass in ``[tau_lo, tau_hi]``, entries <= ``top``, purity
    <= ``pi``: the larger of ``tau ln(1/top)`` and ``tau ln(tau/pi)`` at their smallest over the range."""
    by_top = tau_lo * -math.log(top) if 0 < top < 1 else 0.0
    if pi <= 0 or tau_hi <= 0:
        return max(by_top, 0.0)
    f = lambda tau: tau * math.log(tau / pi) if tau > 0 else 0.0  # noqa: E731  (min at pi / e)
    lowest = min(f(tau_lo), f(tau_hi))
    if tau_lo < pi / math.e < tau_hi:
        lowest = -pi / math.e
    return max(by_top, lowest, 0.0)


def _power_bounds(
    alpha: float, p: np.ndarray, upper: np.ndarray, t: tuple, n: float, top: float, eps: float
) -> tuple[float, float]:
    """``(lower, upper)`` bounds of ``Tr rho**alpha`` (``alpha`` > 0, not 1)."""
    t_lo, t_hi, tau_lo = t
    floor = np.maximum(p - ROUNDING_SLACK, 0.0)  # a zero eigenvalue's Ritz value is +-1e-17, not 0
    head_lo, head_hi = float(np.sum(floor**alpha)), float(np.sum(upper**alpha))
    if alpha > 1:
        low = head_lo + (n ** (1 - alpha) * t_lo**alpha if n > 0 and t_lo > 0 else 0.0)
        tails = [top ** (alpha - 1) * t_hi]
        if alpha <= 2:
            tails.append(t_hi ** (2 - alpha) * eps ** (alpha - 1))
        else:
            tails.append(top ** (alpha - 2) * eps)
        return low, head_hi + min(tails)
    low = head_lo + (tau_lo * top ** (alpha - 1) if top > 0 else 0.0)
    return low, float(np.sum(p**alpha)) + (n ** (1 - alpha) * t_hi**alpha if n > 0 else 0.0)


def entropy_bounds(
    ritz: Sequence[float] | np.ndarray,
    purity: float,
    residual: float,
    residual_frobenius: float,
    rank: float,
    renyi: Sequence[float] = (),
) -> tuple[tuple[float, float], dict]:
    """Certified ``(lower, upper)`` bounds on ``S`` (nats) and on each Renyi entropy from the top of a spectrum.

    Parameters
    ----------
    ritz
        Ritz values ``p_i`` of the trace-1 operator (``p_i <= lambda_i``).
    purity
        ``Tr rho^2`` (exact).
    residual, residual_frobenius
        ``||rho U - U diag(p)||`` in the spectral (an upper bound of it does) and the Frobenius norm.
    rank
        An upper bound of the dimension in which ``rho`` and ``U`` live (``rank(C) <= rank - k``).
    renyi
        Orders ``alpha >= 0`` (``inf`` allowed; 1 is the von Neumann entropy, 2 is exact from ``purity``).

    Returns
    -------
    ((S_lo, S_hi), {alpha: (lo, hi)})

    Examples
    --------
    >>> lam = np.array([0.5, 0.25, 0.125, 0.125])
    >>> (lo, hi), r = entropy_bounds(lam[:2], float(np.sum(lam**2)), 0.0, 0.0, 4, renyi=(2,))
    >>> s = float(-np.sum(lam * np.log(lam)))
    >>> bool(lo <= s <= hi), round(hi - s, 12), bool(np.isclose(r[2][0], -np.log(np.sum(lam**2))))
    (True, 0.0, True)
    """
    p = np.sort(np.clip(np.asarray(ritz, dtype=float), 0.0, 1.0))[::-1]
    k = p.size
    slack = ROUNDING_SLACK
    rho = float(residual) + slack
    mass = 1.0 - float(np.sum(p))
    t_lo, t_hi = max(mass - slack, 0.0), max(mass + slack, 0.0)
    n = max(float(rank) - k, 0.0)
    sq = float(np.sum(p**2))
    pi_c = max(purity - sq - 2 * residual_frobenius**2, 0.0) + slack * max(purity, slack)
    c_max = min(t_hi, math.sqrt(pi_c))  # the largest eigenvalue of C
    upper = np.minimum(np.maximum(p, c_max) + rho, 1.0)  # lambda_i <= upper_i (Weyl)
    top = min(float(upper[-1]) if k else 1.0, c_max + rho)  # every lambda_i, i > k
    eps = max(purity - sq, 0.0) + slack * max(purity, slack)  # the tail purity of lambda
    tau_lo = max(1.0 - float(np.sum(upper)), 0.0)
    s2 = -math.log(purity)
    s_hi = float(np.sum(_h(p))) + (t_hi * math.log(n / t_hi) if n > 0 and t_hi > 0 else 0.0)
    s_hi = min(s_hi, math.log(max(rank, 1.0)))
    head = float(np.sum(np.minimum(_h(p), _h(upper))))
    s_lo = max(head + _tail_entropy_min(tau_lo, t_hi, top, eps), s2)
    out = {}
    for alpha in renyi:
        out[alpha] = _renyi_bounds(float(alpha), p, upper, (t_lo, t_hi, tau_lo), n, top, eps, rank)
        lo, hi = out[alpha]
        if float(alpha) < 1:
            lo = max(lo, s_lo)
        if 1 < float(alpha) < 2:
            lo, hi = max(lo, s2), min(hi, s_hi)
        if float(alpha) > 2:
            hi = min(hi, s2)
        out[alpha] = _widened(lo, hi)
    return _widened(s_lo, s_hi), out


def _widened(lo: float, hi: float) -> tuple[float, float]:
    """``(lo, hi)`` widened by the rounding of the entropies themselves (a few ulps of their size)."""
    pad = 1e-12 * (1.0 + max(abs(lo), abs(hi) if math.isfinite(hi) else 0.0))
    return max(lo - pad, 0.0), max(hi + pad, lo)


def _renyi_bounds(
    alpha: float, p: np.ndarray, upper: np.ndarray, t: tuple, n: float, top: float, eps: float, rank: float
) -> tuple[float, float]:
    """``(lower, upper)`` of one Renyi entropy (nats); see :func:`entropy_bounds`."""
    if alpha == 1:
        raise InvalidParameterError("order 1 is the von Neumann entropy")
    if alpha == 2:
        s2 = -math.log(float(np.sum(p**2)) + eps) if p.size else -math.log(eps)
        return s2, s2
    if math.isinf(alpha):
        return -math.log(float(upper[0])), -math.log(float(p[0])) if p[0] > 0 else math.inf
    if alpha == 0:
        return math.log(max(int(np.count_nonzero(p > ROUNDING_SLACK)), 1)), math.log(max(rank, 1.0))
    low, high = _power_bounds(alpha, p, upper, t, n, top, eps)
    s_a, s_b = math.log(high) / (1 - alpha), math.log(low) / (1 - alpha)
    return min(s_a, s_b), max(s_a, s_b)
