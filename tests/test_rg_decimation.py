"""tnrbm.rg.decimation against closed forms written here (tanh K' = tanh^2 K, local fits, transfer matrices)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from rg_reference import spins

from tnrbm.errors import InvalidParameterError
from tnrbm.rg import coarse, decimation
from tnrbm.rg.energy import hamiltonian_hidden, log_partition


def tanh_squared_flow(k, steps):
    out = [k]
    for _ in range(steps):
        out.append(math.atanh(math.tanh(out[-1]) ** 2))
    return np.array(out)


def local_fit(k, b):
    """K', delta, A with log sum_{s1} exp(K s1 (s0 + s2) + B s1) = A + K' s0 s2 + delta (s0 + s2): a 4-point fit."""
    rows, vals = [], []
    for s0 in (1, -1):
        for s2 in (1, -1):
            rows.append([1.0, s0 * s2, s0 + s2])
            vals.append(math.log(sum(math.exp(k * s1 * (s0 + s2) + b * s1) for s1 in (1, -1))))
    a, kp, delta = np.linalg.lstsq(np.array(rows), np.array(vals), rcond=None)[0]
    return kp, b + 2 * delta, a


def transfer_log_z(n, k, b):
    t = np.array([[math.exp(k + b), math.exp(-k)], [math.exp(-k), math.exp(k - b)]])
    lam = np.linalg.eigvalsh(t)
    return float(n * math.log(lam[1]) + math.log1p((lam[0] / lam[1]) ** n))


def test_zero_field_flow_values():
    flow = decimation.decimation_flow(1.0, steps=4)["coupling"]
    np.testing.assert_allclose(flow, tanh_squared_flow(1.0, 4), rtol=0, atol=1e-10)
    np.testing.assert_allclose(flow, [1.0, 0.662501, 0.350061, 0.113672, 0.012812], atol=5e-7)


@pytest.mark.parametrize("k,b", [(1.0, 0.0), (0.7, 0.3), (0.4, -0.8), (2.5, 0.1)])
def test_three_parameter_flow_equals_local_fit(k, b):
    kp, bp, g = decimation.decimation_step(k, b)
    ref = local_fit(k, b)
    assert (kp, bp, g) == pytest.approx(ref, abs=1e-12)


@pytest.mark.parametrize("b", [0.0, 0.25])
def test_walsh_hadamard_couplings_of_decimation_rbm_are_the_flow(b):
    k = 1.0
    kp, bp, g = local_fit(k, b)
    n = 8
    couplings = coarse.coarse_couplings(decimation.decimation_rbm(n, k, b))
    for j in range(n):
        assert couplings[(j,)] == pytest.approx(bp, abs=1e-10)
        assert couplings[tuple(sorted((j, (j + 1) % n)))] == pytest.approx(kp, abs=1e-10)
    assert couplings[()] == pytest.approx(n * g, abs=1e-10)
    nearest = {tuple(sorted((j, (j + 1) % n))) for j in range(n)}
    rest = [abs(v) for s, v in couplings.items() if len(s) >= 2 and s not in nearest]
    assert max(rest) < 1e-10  # nothing beyond nearest-neighbour pairs


def test_local_route_on_a_long_chain_is_the_flow():
    kp, bp, _ = local_fit(1.0, 0.2)
    rbm = decimation.decimation_rbm(500, 1.0, 0.2)
    assert coarse.coarse_coupling(rbm, [17, 18]) == pytest.approx(kp, abs=1e-12)
    assert coarse.coarse_coupling(rbm, [499, 0]) == pytest.approx(kp, abs=1e-12)
    assert coarse.coarse_coupling(rbm, [3]) == pytest.approx(bp, abs=1e-12)
    assert coarse.coarse_coupling(rbm, [3, 5]) == 0.0


def test_h_rbm_equals_decimated_hamiltonian():
    n, k, b = 6, 0.9, 0.4
    rbm = decimation.decimation_rbm(n, k, b)
    hs = spins(n)
    kp, bp, g = local_fit(k, b)
    ref = -(kp * np.sum(hs * np.roll(hs, -1, axis=1), axis=1) + bp * hs.sum(axis=1) + n * g)
    np.testing.assert_allclose(hamiltonian_hidden(rbm, hs), ref, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(decimation.decimated_hamiltonian(n, k, b).energy(hs), ref, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("k,b,depth", [(1.0, 0.0, 4), (0.6, 0.2, 3)])
def test_stack_accounts_for_the_free_energy(k, b, depth):
    n = 2**depth * 4
    stack = decimation.decimation_stack(n, k, b, depth=depth)
    assert stack.log_partition == pytest.approx(transfer_log_z(n, k, b), rel=1e-12)
    # each RBM of the stack is the whole chain of its step: its log Z is that chain's
    for level, rbm in enumerate(stack.rbms):
        kl, bl = stack.flow["coupling"][level], stack.flow["field"][level]
        assert log_partition(rbm) == pytest.approx(transfer_log_z(stack.sizes[level], kl, bl), rel=1e-12)
        kp = coarse.coarse_coupling(rbm, [0, 1])
        assert kp == pytest.approx(stack.flow["coupling"][level + 1], abs=1e-12)
    assert decimation.chain_log_partition(n, k, b) == pytest.approx(transfer_log_z(n, k, b), rel=1e-12)


def test_errors():
    with pytest.raises(InvalidParameterError, match="multiple of 2"):
        decimation.decimation_stack(12, 1.0, depth=3)
    with pytest.raises(InvalidParameterError, match="steps"):
        decimation.decimation_flow(1.0, steps=-1)
    with pytest.raises(InvalidParameterError, match="coupling"):
        decimation.decimation_step("x")
