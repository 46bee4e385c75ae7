"""tnrbm.rg.sampling: Swendsen-Wang against brute force (4x4), Kaufman's exact 32x32 energy, Yang's
magnetization, the critical Binder ratio and an independent checkerboard Metropolis sampler."""

from __future__ import annotations

import math

import numpy as np
import pytest
from rg_reference import kaufman_log_z, spins, torus_terms

from tnrbm.errors import InvalidParameterError
from tnrbm.rg.sampling import CRITICAL_COUPLING, block_estimate, lattice_bonds, swendsen_wang

COUPLINGS = [0.3, 0.4407, 0.6]


def exact_small_torus(size, k):
    """Brute force on a size x size torus: energy per spin, <|m|>, <m^2>."""
    v = spins(size * size)
    bond_sum = sum(np.prod(v[:, list(s)], axis=1) for s in torus_terms(size, 1.0))
    logw = k * bond_sum
    p = np.exp(logw - logw.max())
    p /= p.sum()
    m = v.mean(axis=1)
    return -(p @ bond_sum) / size**2, p @ np.abs(m), p @ m**2


def kaufman_energy(size, k, h=1e-5):
    """-d log Z / dK / N from the exact finite-size partition function (central difference)."""
    return -(kaufman_log_z(size, k + h) - kaufman_log_z(size, k - h)) / (2 * h) / size**2


def within(est, ref, sigmas=4.0):
    mean, err = est
    return abs(mean - ref) <= sigmas * err + 1e-12


@pytest.mark.parametrize("k", COUPLINGS)
def test_small_torus_against_brute_force(k):
    e, am, m2 = exact_small_torus(4, k)
    res = swendsen_wang((4, 4), k, n_sweeps=2000, n_chains=8, burn_in=50, seed=int(100 * k))
    assert within(block_estimate(res.energy), e)
    assert within(block_estimate(res.abs_magnetization), am)
    assert within(block_estimate(res.magnetization**2), m2)


@pytest.mark.parametrize("k", COUPLINGS)
def test_32x32_energy_against_kaufman(k):
    res = swendsen_wang((32, 32), k, n_sweeps=200, n_chains=8, burn_in=30, seed=7)
    est = block_estimate(res.energy)
    assert within(est, kaufman_energy(32, k))
    assert est[1] < 0.01


def checkerboard_metropolis(size, k, n_sweeps, n_chains, burn_in, seed):
    """An independent sampler: vectorized single-spin Metropolis on the two sublattices."""
    rng = np.random.default_rng(seed)
    s = np.where(rng.random((n_chains, size, size)) < 0.5, 1, -1)
    parity = np.add.outer(np.arange(size), np.arange(size)) % 2
    out = []
    for t in range(burn_in + n_sweeps):
        for colour in (0, 1):
            nb = np.roll(s, 1, 1) + np.roll(s, -1, 1) + np.roll(s, 1, 2) + np.roll(s, -1, 2)
            accept = rng.random(s.shape) < np.exp(-2 * k * s * nb)
            s = np.where(accept & (parity == colour), -s, s)
        if t >= burn_in:
            out.append(s.mean(axis=(1, 2)))
    return np.array(out).T


@pytest.mark.slow
@pytest.mark.parametrize("k", COUPLINGS)
def test_32x32_high_statistics(k):
    res = swendsen_wang((32, 32), k, n_sweeps=2000, n_chains=16, burn_in=100, seed=3)
    assert within(block_estimate(res.energy), kaufman_energy(32, k))
    if k == 0.6:  # Yang's spontaneous magnetization (finite-size corrections ~ exp(-L / xi), negligible)
        yang = (1 - math.sinh(2 * k) ** -4) ** 0.125
        assert within(block_estimate(res.abs_magnetization), yang)
    elif k == 0.4407:  # the universal critical ratio <m^4>/<m^2>^2 = 1.1679229 of the periodic square (Salas-Sokal)
        m2, m4 = res.magnetization**2, res.magnetization**4
        ratio = m4.mean() / m2.mean() ** 2
        # error of the ratio from chain-to-chain scatter
        per_chain = m4.mean(axis=1) / m2.mean(axis=1) ** 2
        err = per_chain.std(ddof=1) / math.sqrt(per_chain.size)
        assert abs(ratio - 1.1679229) <= 4 * err + 0.005  # + finite-size and K - K_c allowance
    else:  # K = 0.3: <m^2> against checkerboard Metropolis
        ref = checkerboard_metropolis(32, k, n_sweeps=3000, n_chains=16, burn_in=300, seed=5) ** 2
        a, b = block_estimate(res.magnetization**2), block_estimate(ref)
        assert abs(a[0] - b[0]) <= 4 * math.hypot(a[1], b[1])


def test_chain_and_errors():
    res = swendsen_wang(64, 0.5, n_sweeps=400, n_chains=8, seed=0)
    t = math.tanh(0.5)
    assert within(block_estimate(res.energy), -(t + t**63) / (1 + t**64))
    assert CRITICAL_COUPLING == pytest.approx(0.440686793509772, abs=1e-15)
    assert lattice_bonds((3, 3)).shape == (18, 2)
    with pytest.raises(InvalidParameterError, match="K >= 0"):
        swendsen_wang((4, 4), -0.1)
    with pytest.raises(InvalidParameterError, match="shape"):
        swendsen_wang((2, 4), 0.1)
    with pytest.raises(InvalidParameterError, match="n_sweeps"):
        swendsen_wang((4, 4), 0.1, n_sweeps=0)
