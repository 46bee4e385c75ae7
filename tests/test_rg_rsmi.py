"""RSMI with exact conditionals, checked against brute-force enumeration of every lattice configuration,
the closed form of decimation on a ring, finite differences, and the blocking rules against explicit loops."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tnrbm.errors import InvalidParameterError
from tnrbm.rg import blocking, rsmi
from tnrbm.rg.sampling import CRITICAL_COUPLING


def _brute_force_information(shape, coupling, rule, buffer):
    """I(H : E) from the full Boltzmann distribution of all 2**N configurations (no conditionals)."""
    dims = tuple(shape)
    n = math.prod(dims)
    b, side = rule.block, rule.block + 2 * buffer
    idx = np.arange(n).reshape(dims)
    v_sites = idx[tuple(slice(buffer, buffer + b) for _ in dims)].ravel()
    vb = set(idx[tuple(slice(0, side) for _ in dims)].ravel().tolist())
    e_sites = np.array([i for i in range(n) if i not in vb])
    p_e = np.zeros(2**e_sites.size)
    p_up_e = np.zeros(2**e_sites.size)
    chunk = 2**18
    for start in range(0, 2**n, chunk):
        codes = np.arange(start, min(start + chunk, 2**n), dtype=np.int64)
        s = (1 - 2 * ((codes[:, None] >> np.arange(n - 1, -1, -1)) & 1)).reshape(-1, *dims)
        energy = sum(
            np.sum(s * np.roll(s, -1, axis=a + 1), axis=tuple(range(1, len(dims) + 1))) for a in range(len(dims))
        )
        w = np.exp(coupling * energy)
        flat = s.reshape(s.shape[0], n)
        v_code = ((flat[:, v_sites] < 0) * (1 << np.arange(v_sites.size - 1, -1, -1))).sum(axis=1)
        e_code = ((flat[:, e_sites] < 0) * (1 << np.arange(e_sites.size - 1, -1, -1))).sum(axis=1)
        p_e += np.bincount(e_code, weights=w, minlength=p_e.size)
        p_up_e += np.bincount(e_code, weights=w * rule.p_up[v_code], minlength=p_e.size)
    q = p_up_e / p_e
    p_e /= p_e.sum()

    def h2(x):
        x = np.clip(x, 1e-300, 1 - 1e-16)
        return -x * np.log(x) - (1 - x) * np.log1p(-x)

    return float(h2(p_e @ q) - p_e @ h2(q))


RULES_2D = [blocking.decimation_rule(2), blocking.majority_rule(2), blocking.rbm_rule([0.3, -0.2, 0.7, 0.1], 0.15)]


@pytest.mark.parametrize("rule", RULES_2D, ids=lambda r: r.name)
@pytest.mark.parametrize("coupling", [0.3, CRITICAL_COUPLING, 0.6])
def test_exact_matches_brute_force_on_4x4_torus(rule, coupling):
    got = rsmi.rsmi_exact((4, 4), coupling, rule, buffer=0).mutual_information
    assert got == pytest.approx(_brute_force_information((4, 4), coupling, rule, 0), abs=1e-12)


@pytest.mark.parametrize("buffer", [0, 1, 2])
@pytest.mark.parametrize("rule", [blocking.majority_rule(3, dim=1), blocking.rbm_rule([0.5, -1.0, 0.2], 0.3, dim=1)])
def test_exact_matches_brute_force_on_chain(rule, buffer):
    got = rsmi.rsmi_exact((12,), 0.7, rule, buffer=buffer).mutual_information
    assert got == pytest.approx(_brute_force_information((12,), 0.7, rule, buffer), abs=1e-12)


@pytest.mark.slow
@pytest.mark.parametrize("rule", RULES_2D[:2], ids=lambda r: r.name)
def test_exact_matches_brute_force_on_5x5_torus_with_buffer(rule):
    """2**25 configurations enumerated against the 2**9 environments times 2**16 block-buffer sums."""
    got = rsmi.rsmi_exact((5, 5), CRITICAL_COUPLING, rule, buffer=1).mutual_information
    assert got == pytest.approx(_brute_force_information((5, 5), CRITICAL_COUPLING, rule, 1), abs=1e-12)


@pytest.mark.parametrize(("block", "buffer", "n", "coupling"), [(1, 0, 4, 0.5), (2, 1, 9, 0.8), (3, 2, 12, 1.3)])
def test_chain_decimation_closed_form(block, buffer, n, coupling):
    got = rsmi.rsmi_exact((n,), coupling, blocking.decimation_rule(block, dim=1), buffer=buffer)
    assert got.mutual_information == pytest.approx(
        rsmi.chain_decimation_information(coupling, block, buffer, n), abs=1e-12
    )


def test_chain_closed_form_infinite_limit():
    assert rsmi.chain_decimation_information(0.9, 2, 1, 400) == pytest.approx(
        rsmi.chain_decimation_information(0.9, 2, 1), abs=1e-14
    )


def test_sampled_estimate_within_error_bars_of_exact():
    rule = blocking.majority_rule(2)
    exact = rsmi.rsmi_exact((5, 5), CRITICAL_COUPLING, rule, buffer=1).mutual_information
    est = rsmi.rsmi_estimate((5, 5), CRITICAL_COUPLING, rule, buffer=1, n_samples=1500, positions=1, seed=3)
    assert est.error > 0
    assert abs(est.mutual_information - exact) < 4 * est.error
    assert abs(est.entropy - math.log(2)) < 0.01  # zero field: H(H) = ln 2 up to the O(1/n) plug-in bias


def test_sampled_estimate_on_chain_against_closed_form():
    rule = blocking.decimation_rule(2, dim=1)
    est = rsmi.rsmi_estimate((40,), 0.8, rule, buffer=1, n_samples=1000, positions=8, seed=1)
    exact = rsmi.chain_decimation_information(0.8, 2, 1, 40)
    assert abs(est.mutual_information - exact) < 4 * est.error


def test_gradient_matches_finite_differences():
    geo = rsmi.rsmi_geometry((5, 5), CRITICAL_COUPLING, 2, 1)
    e, p = rsmi.exact_environment(geo)
    pv, _ = rsmi.block_conditional(geo, e)
    w, c = np.array([0.4, -0.1, 0.8, 0.3]), 0.2
    info, gw, gc = rsmi.rsmi_gradient(pv, w, c, env_weights=p)
    assert info == pytest.approx(
        rsmi.rsmi_exact((5, 5), CRITICAL_COUPLING, blocking.rbm_rule(w, c), 1).mutual_information, abs=1e-13
    )
    eps = 1e-6
    for k in range(4):
        d = np.zeros(4)
        d[k] = eps
        fd = (rsmi.rsmi_gradient(pv, w + d, c, p)[0] - rsmi.rsmi_gradient(pv, w - d, c, p)[0]) / (2 * eps)
        assert gw[k] == pytest.approx(fd, rel=1e-6, abs=1e-10)
    fd = (rsmi.rsmi_gradient(pv, w, c + eps, p)[0] - rsmi.rsmi_gradient(pv, w, c - eps, p)[0]) / (2 * eps)
    assert gc == pytest.approx(fd, rel=1e-6, abs=1e-10)


def test_training_beats_decimation_exactly():
    """The RSMI-trained filter reaches at least the information of decimation (a filter it can approach)."""
    geo = rsmi.rsmi_geometry((4, 4), CRITICAL_COUPLING, 2, 0)
    e, p = rsmi.exact_environment(geo)
    pv, _ = rsmi.block_conditional(geo, e)
    res = rsmi.train_rsmi(pv, 2, steps=300, learning_rate=0.1, seed=0, env_weights=p)
    trained = rsmi.rsmi_exact((4, 4), CRITICAL_COUPLING, res.rule, 0).mutual_information
    assert trained == pytest.approx(res.mutual_information[-1], abs=1e-12)
    assert trained > rsmi.rsmi_exact((4, 4), CRITICAL_COUPLING, blocking.decimation_rule(2), 0).mutual_information
    assert trained < math.log(2)


def test_jackknife_error_of_independent_draws():
    """Independent q's: the jackknife error of H(H|E) is close to std(h2(q)) / sqrt(n)."""
    q = np.random.default_rng(0).random((4000, 1))
    _, err, _, _, _ = rsmi.rsmi_from_conditionals(q, n_bins=40)
    ref = float(np.std(rsmi.binary_entropy(q))) / math.sqrt(q.size)
    assert err == pytest.approx(ref, rel=0.35)


@pytest.mark.parametrize(
    ("kwargs", "word"),
    [
        ({"shape": (4, 4), "block": 2, "buffer": 1}, "shape"),
        ({"shape": (8, 8), "block": 3, "buffer": 2}, "buffer"),
        ({"shape": (8, 8, 8), "block": 2, "buffer": 0}, "shape"),
        ({"shape": (8, 8), "block": 0, "buffer": 0}, "block"),
    ],
)
def test_geometry_refuses_bad_input(kwargs, word):
    with pytest.raises(InvalidParameterError, match=word):
        rsmi.rsmi_geometry(coupling=0.4, **kwargs)


def test_rule_must_match_block():
    with pytest.raises(InvalidParameterError, match="rule"):
        rsmi.rsmi_exact((6,), 0.4, blocking.majority_rule(2), buffer=0)


# ----------------------------------------------------------------------------------------- blocking rules
def _loop_coarse(s, b, rule_name):
    n, lx, ly = s.shape
    out = np.zeros((n, lx // b, ly // b), dtype=int)
    for k in range(n):
        for i in range(lx // b):
            for j in range(ly // b):
                blk = s[k, i * b : (i + 1) * b, j * b : (j + 1) * b]
                out[k, i, j] = blk[0, 0] if rule_name == "decimation" else np.sign(blk.sum())
    return out


@pytest.mark.parametrize("rule", [blocking.decimation_rule(3), blocking.majority_rule(3), blocking.decimation_rule(2)])
def test_coarse_grain_matches_loops(rule):
    s = np.where(np.random.default_rng(1).random((3, 12, 12)) < 0.5, 1, -1).astype(np.int8)
    assert np.array_equal(blocking.coarse_grain(s, rule), _loop_coarse(s, rule.block, rule.name))


def test_majority_ties_are_fair_coins():
    s = np.tile(np.array([[1, -1], [1, -1]], dtype=np.int8), (1, 40, 40))  # every 2x2 block tied
    h = blocking.coarse_grain(s, blocking.majority_rule(2), seed=0)
    assert abs(h.mean()) < 4 / math.sqrt(h.size)
    assert np.array_equal(h, blocking.coarse_grain(s, blocking.majority_rule(2), seed=0))


def test_rbm_rule_table_is_the_conditional():
    w, c = np.array([0.3, -0.5, 1.0, 0.2]), -0.4
    rule = blocking.rbm_rule(w, c)
    for code, v in enumerate(blocking.block_configurations(4)):
        theta = c + w @ v
        assert rule.p_up[code] == pytest.approx(math.exp(theta) / (2 * math.cosh(theta)), rel=1e-14)


def test_block_index_inverts_configurations():
    configs = blocking.block_configurations(5)
    assert np.array_equal(blocking.block_index(configs), np.arange(32))


@pytest.mark.parametrize(
    ("call", "word"),
    [
        (lambda: blocking.majority_rule(5), "block"),
        (lambda: blocking.table_rule([0.5, 2.0], 1, dim=1), "p_up"),
        (lambda: blocking.coarse_grain(np.ones((2, 7, 7)), blocking.majority_rule(2)), "samples"),
        (lambda: blocking.make_rule("average", 2), "rule"),
        (lambda: blocking.rbm_rule(np.ones((2, 3))), "weights"),
    ],
)
def test_blocking_refuses_bad_input(call, word):
    with pytest.raises(InvalidParameterError, match=word):
        call()


def test_symmetric_training_keeps_zero_bias_and_free_training_breaks_ties():
    """Exactly on 5x5: the symmetric optimum keeps c = 0; the free one beats majority (coin-flip ties)."""
    geo = rsmi.rsmi_geometry((5, 5), CRITICAL_COUPLING, 2, 1)
    e, p = rsmi.exact_environment(geo)
    pv, _ = rsmi.block_conditional(geo, e)
    sym = rsmi.train_rsmi(pv, 2, steps=400, learning_rate=0.1, seed=1, env_weights=p, symmetric=True)
    free = rsmi.train_rsmi(pv, 2, steps=400, learning_rate=0.1, seed=1, env_weights=p)
    assert sym.rule.bias == 0.0
    majority = rsmi.rsmi_exact((5, 5), CRITICAL_COUPLING, blocking.majority_rule(2), 1).mutual_information
    assert free.mutual_information[-1] > majority
    assert rsmi.rsmi_exact((5, 5), CRITICAL_COUPLING, free.rule, 1).mutual_information == pytest.approx(
        free.mutual_information[-1], abs=1e-12
    )


def test_paired_difference_is_the_difference_with_a_smaller_error():
    rng = np.random.default_rng(2)
    base = rng.random((2000, 1))
    qa = np.clip(base + 0.02 * rng.random((2000, 1)), 0, 1)
    ia, ea, *_ = rsmi.rsmi_from_conditionals(qa)
    ib, eb, *_ = rsmi.rsmi_from_conditionals(base)
    d, err = rsmi.rsmi_difference(qa, base)
    assert d == pytest.approx(ia - ib, abs=1e-14)
    assert 0 < err < 0.2 * min(ea, eb)


# ----------------------------------------------------------------------------- the ring-buffer transfer
@pytest.mark.parametrize(("shape", "block"), [((5, 5), 2), ((6, 7), 2), ((4, 5), 1)])
@pytest.mark.parametrize("coupling", [0.2, CRITICAL_COUPLING, 0.9])
def test_ring_transfer_equals_enumeration(shape, block, coupling):
    """The buffer summed as a cycle of 2x2 transfer matrices against all 2**(|V| + |B|) configurations."""
    ring = rsmi.rsmi_geometry(shape, coupling, block, 1, method="ring")
    full = rsmi.rsmi_geometry(shape, coupling, block, 1, method="enumerate")
    assert ring.method == "ring" and full.method == "enumerate"
    assert np.array_equal(ring.environment, full.environment)
    e = np.where(np.random.default_rng(0).random((40, ring.environment.size)) < 0.5, 1, -1)
    pv_r, lz_r = rsmi.block_conditional(ring, e)
    pv_f, lz_f = rsmi.block_conditional(full, e)
    assert np.allclose(pv_r, pv_f, atol=1e-13, rtol=0)
    assert np.allclose(lz_r, lz_f, atol=1e-11, rtol=0)


def test_ring_exact_information_matches_enumeration_on_5x5():
    rule = blocking.rbm_rule([0.9, -0.3, 1.2, 0.4], 0.1)
    a = rsmi.rsmi_exact((5, 5), CRITICAL_COUPLING, rule, 1, method="ring").mutual_information
    b = rsmi.rsmi_exact((5, 5), CRITICAL_COUPLING, rule, 1, method="enumerate").mutual_information
    assert a == pytest.approx(b, abs=1e-12)


def test_three_by_three_block_with_buffer_uses_the_ring():
    geo = rsmi.rsmi_geometry((7, 7), CRITICAL_COUPLING, 3, 1)
    assert geo.method == "ring" and geo.buffer_sites.size == 16 and geo.configs.shape == (512, 9)
    est = rsmi.rsmi_estimate((9, 9), CRITICAL_COUPLING, blocking.majority_rule(3), 1, n_samples=60, positions=1, seed=0)
    assert 0 < est.mutual_information < math.log(2)
    with pytest.raises(InvalidParameterError, match="ring"):
        rsmi.rsmi_geometry((12, 12), 0.4, 2, 2, method="ring")
