"""tnrbm.entropy.grams against the SVD of the state X Y^T itself (numpy, written here)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tnrbm.entropy.grams import purity_from_grams, spectrum_from_grams


def _factors(rng, n_a, n_b, m, rank, complex_, diagonal):
    """X[v_A, c] (2**m columns, of rank ``rank``; orthogonal unit columns scaled when ``diagonal``) and Y."""
    dt = complex if complex_ else float

    def draw(rows, cols):
        z = rng.normal(size=(rows, cols))
        return z + 1j * rng.normal(size=(rows, cols)) if complex_ else z

    c = 2**m
    if diagonal:  # G_A diagonal: rows of a permutation times weights, some columns zero
        x = np.zeros((n_a, c), dtype=dt)
        cols = rng.permutation(c)[:rank]
        x[rng.permutation(n_a)[:rank], cols] = rng.uniform(0.5, 2.0, size=rank)
    else:
        x = draw(n_a, rank) @ draw(rank, c)
    return x, draw(n_b, c)


def _svd_probabilities(x, y):
    s = np.linalg.svd(x @ y.T, compute_uv=False) ** 2
    return s / s.sum()


@settings(max_examples=60, deadline=None)
@given(
    m=st.integers(1, 5),
    rank_frac=st.floats(0.2, 1.0),
    complex_=st.booleans(),
    diagonal=st.booleans(),
    swap=st.booleans(),
    seed=st.integers(0, 2**31),
)
def test_spectrum_matches_svd(m, rank_frac, complex_, diagonal, swap, seed):
    """Every root route (diagonal, full-rank Cholesky + congruence, rank-deficient Cholesky), real and
    complex, either side diagonal: the spectrum is the squared singular values of X Y^T."""
    rng = np.random.default_rng(seed)
    c = 2**m
    rank = max(1, int(round(rank_frac * c)))
    x, y = _factors(rng, c + 3, c + 2, m, rank, complex_, diagonal)
    if swap:
        x, y = y, x
    ga, gb = x.conj().T @ x, y.conj().T @ y
    copies = ga.copy(), gb.copy()
    p, clipped = spectrum_from_grams(ga, gb)
    assert np.array_equal(ga, copies[0]) and np.array_equal(gb, copies[1])  # overwrite=False keeps them
    ref = _svd_probabilities(x, y)
    k = min(p.size, ref.size)
    assert np.allclose(p[:k], ref[:k], atol=1e-12)
    assert np.all(p[k:] < 1e-12) and np.all(ref[k:] < 1e-12)
    assert clipped < 1e-12
    p2, _ = spectrum_from_grams(ga, gb, overwrite=True)  # the same spectrum when working in place
    assert np.allclose(p2[:k], ref[:k], atol=1e-12)


@pytest.mark.parametrize("complex_", [False, True])
@pytest.mark.parametrize("diagonal", [False, True])
def test_purity_matches_svd(complex_, diagonal):
    rng = np.random.default_rng(3)
    for m in (1, 3, 5):
        x, y = _factors(rng, 2**m + 1, 2**m + 4, m, 2**m - (m > 1), complex_, diagonal)
        ref = float(np.sum(_svd_probabilities(x, y) ** 2))
        assert purity_from_grams(x.conj().T @ x, y.conj().T @ y) == pytest.approx(ref, rel=1e-12)


def test_full_rank_cholesky_route_against_svd_at_m_8():
    """A 256 x 256 full-rank, non-diagonal G_A: the pivoted Cholesky + ?sygst route."""
    rng = np.random.default_rng(7)
    for complex_ in (False, True):
        x, y = _factors(rng, 300, 280, 8, 256, complex_, diagonal=False)
        p, _ = spectrum_from_grams(x.conj().T @ x, y.conj().T @ y)
        assert np.allclose(p, _svd_probabilities(x, y)[:256], atol=1e-13)


def test_zero_state_is_refused():
    with pytest.raises(FloatingPointError, match="zero state"):
        spectrum_from_grams(np.zeros((2, 2)), np.eye(2))
    with pytest.raises(FloatingPointError, match="zero state"):
        purity_from_grams(np.zeros((2, 2)), np.eye(2))


def test_overwrite_with_one_array_given_twice():
    """overwrite=True with G_A and G_B the same array (the pivoted Cholesky would destroy G_B): copies."""
    rng = np.random.default_rng(11)
    x = rng.normal(size=(20, 16))
    g = x.T @ x
    ref = _svd_probabilities(x, x)[:16]
    p, _ = spectrum_from_grams(g, g, overwrite=True)
    assert np.allclose(p, ref, atol=1e-12)
