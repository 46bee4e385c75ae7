"""Independent references for the tnrbm.rg tests: brute-force sums and the exact Kaufman torus partition function.

Written from the textbook formulas, sharing no code with tnrbm.rg.
"""

from __future__ import annotations

import itertools
import math

import numpy as np


def spins(n: int) -> np.ndarray:
    """Every configuration of n spins, +1 first (kron order), via itertools."""
    return np.array(list(itertools.product([1.0, -1.0], repeat=n)))


def log_sum_exp(x: np.ndarray) -> float:
    m = float(np.max(x))
    return m + math.log(float(np.sum(np.exp(x - m))))


def brute_log_z_terms(n: int, terms: dict, constant: float = 0.0) -> float:
    """log sum_v exp(sum_S K_S prod v_S - constant) by enumeration."""
    v = spins(n)
    logs = np.full(v.shape[0], -constant)
    for sites, k in terms.items():
        logs += k * np.prod(v[:, list(sites)], axis=1)
    return log_sum_exp(logs)


def torus_terms(size: int, k: float) -> dict:
    out = {}
    for r in range(size):
        for c in range(size):
            i = r * size + c
            for j in (r * size + (c + 1) % size, ((r + 1) % size) * size + c):
                key = tuple(sorted((i, j)))
                out[key] = out.get(key, 0.0) + k
    return out


def kaufman_log_z(size: int, k: float) -> float:
    """Kaufman (1949): log Z of the square-lattice Ising model on an m x n torus (here m = n = size).

    Z = (1/2) (2 sinh 2K)^{mn/2} (Z1 + Z2 + Z3 + Z4), with cosh g_q = cosh 2K coth 2K - cos(pi q / n),
    g_0 = 2K + ln tanh K (signed), Z1 = prod_r 2 cosh(m g_{2r+1} / 2), Z2 = prod_r 2 sinh(m g_{2r+1} / 2),
    Z3 = prod_r 2 cosh(m g_{2r} / 2), Z4 = prod_r 2 sinh(m g_{2r} / 2), r = 0..n-1.
    """
    m = n = size
    c = math.cosh(2 * k) / math.tanh(2 * k)

    def gamma(q: int) -> float:
        if q % (2 * n) == 0:
            return 2 * k + math.log(math.tanh(k))
        return math.acosh(c - math.cos(math.pi * q / n))

    parts = []  # (sign, log|Z_i|)
    for offset in (1, 0):
        g = [gamma(2 * r + offset) for r in range(n)]
        lc = sum(abs(m * x / 2) + math.log1p(math.exp(-abs(m * x))) for x in g)  # log 2 cosh
        parts.append((1.0, lc))
        sign, ls = 1.0, 0.0
        for x in g:
            y = m * x / 2
            if y == 0:
                return float("nan")
            sign *= math.copysign(1.0, y)
            ls += abs(y) + math.log(-math.expm1(-2 * abs(y)))  # log |2 sinh y|
        parts.append((sign, ls))
    top = max(p[1] for p in parts)
    total = sum(s * math.exp(lv - top) for s, lv in parts)
    return math.log(0.5) + m * n / 2 * math.log(2 * math.sinh(2 * k)) + top + math.log(total)


def decimal_chain_log_z(n: int, k: float, h: float, periodic: bool = True, digits: int = 50) -> float:
    """ln Z of the Ising chain (-H = K sum v_i v_(i+1) + h sum v_i) to ``digits`` digits with :mod:`decimal`.

    Tr T^n (ring) or b^T T^(n-1) b (open), T_(ss') = exp(K s s' + h (s + s') / 2), b_s = exp(h s / 2), by
    repeated squaring of the 2 x 2 matrix of positive entries: no eigenvalues, no cancellation. The float
    arguments are converted exactly.
    """
    import decimal

    ctx = decimal.Context(prec=digits + 10, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN)
    kd, hd = decimal.Decimal(k), decimal.Decimal(h)
    t = [[ctx.exp(ctx.add(kd, hd)), ctx.exp(-kd)], [ctx.exp(-kd), ctx.exp(ctx.subtract(kd, hd))]]

    def mul(a, b):
        return [
            [ctx.add(ctx.multiply(a[i][0], b[0][j]), ctx.multiply(a[i][1], b[1][j])) for j in (0, 1)] for i in (0, 1)
        ]

    e = n if periodic else n - 1
    power = [[decimal.Decimal(1), decimal.Decimal(0)], [decimal.Decimal(0), decimal.Decimal(1)]]
    while e:
        if e & 1:
            power = mul(power, t)
        t = mul(t, t)
        e >>= 1
    if periodic:
        z = ctx.add(power[0][0], power[1][1])
    else:
        b = [ctx.exp(ctx.divide(hd, 2)), ctx.exp(ctx.divide(-hd, 2))]
        z = decimal.Decimal(0)
        for i in (0, 1):
            for j in (0, 1):
                z = ctx.add(z, ctx.multiply(ctx.multiply(b[i], power[i][j]), b[j]))
    return float(ctx.ln(z))
