"""tnrbm.rg.transfer (the row-to-row transfer matrix of the Ising torus) against independent references.

References: Kaufman's exact finite-size Z (tests/rg_reference.py), brute-force enumeration and a dense
eigendecomposition of the explicit transfer matrix (both written here), the generic tensor-network
contraction of tnrbm.rg.hamiltonian (a second algorithm), and orbits found with Python sets.
"""

from __future__ import annotations

import itertools
import json
import math
import tracemalloc

import numpy as np
import pytest
from click.testing import CliRunner
from rg_reference import brute_log_z_terms, kaufman_log_z, log_sum_exp

from tnrbm.cli.commands.rg import rg as rg_cli
from tnrbm.errors import InvalidParameterError, MemoryLimitError
from tnrbm.rg import hamiltonian as ham_module
from tnrbm.rg import ising_torus, ising_torus_log_partition, seam_orbits
from tnrbm.rg.transfer import transfer_memory

KC = 0.4406868


def brute_torus_log_z(cols: int, rows: int, k: float, h: float) -> float:
    """Enumerate every configuration: bonds (r, c)-(r, c+1) and (r, c)-(r+1, c), periodic (multi-edges kept)."""
    v = np.array(list(itertools.product([1.0, -1.0], repeat=cols * rows))).reshape(-1, rows, cols)
    logs = np.zeros(len(v))
    for r in range(rows):
        for c in range(cols):
            logs += k * v[:, r, c] * (v[:, r, (c + 1) % cols] + v[:, (r + 1) % rows, c]) + h * v[:, r, c]
    return log_sum_exp(logs)


def dense_transfer_log_z(cols: int, rows: int, k: float, h: float) -> float:
    """ln Tr T^M from the eigenvalues of the explicit 2^L x 2^L transfer matrix T(s, s')."""
    s = np.array(list(itertools.product([1.0, -1.0], repeat=cols)))
    row = 0.5 * (k * np.sum(s * np.roll(s, -1, axis=1), axis=1) + h * s.sum(1))
    log_t = row[:, None] + row[None, :] + k * s @ s.T
    shift = float(log_t.max())
    lam = np.linalg.eigvalsh(np.exp(log_t - shift))
    top = float(np.max(np.abs(lam)))
    return rows * (shift + math.log(top)) + math.log(float(np.sum((lam / top) ** rows)))


@pytest.mark.parametrize("size", range(3, 15))
@pytest.mark.parametrize("k", [0.3, KC, 0.6])
def test_square_torus_is_kaufman(size, k):
    assert ising_torus_log_partition(size, k) == pytest.approx(kaufman_log_z(size, k), rel=1e-10)


@pytest.mark.slow
@pytest.mark.parametrize("size", [15, 16])
def test_square_torus_is_kaufman_to_16(size):
    assert ising_torus_log_partition(size, KC) == pytest.approx(kaufman_log_z(size, KC), rel=1e-10)


@pytest.mark.parametrize("size", [4, 6, 10])
def test_antiferromagnet_on_even_torus_is_kaufman(size):
    """Flipping one sublattice maps -K to K on an even torus: Z(-K) = Z(K)."""
    assert ising_torus_log_partition(size, -0.5) == pytest.approx(kaufman_log_z(size, 0.5), rel=1e-10)


@pytest.mark.parametrize("cols", [1, 2, 3, 4])
def test_brute_force_with_field(cols):
    """Every L x M with L M <= 16 (sides 1 and 2 wrap onto themselves), with and without a field, K of both signs."""
    for rows in range(1, 16 // cols + 1):
        for k, h in [(0.4, 0.0), (0.35, 0.2), (-0.6, 0.15), (0.0, -0.3), (1.3, 0.0)]:
            ref = brute_torus_log_z(cols, rows, k, h)
            assert ising_torus_log_partition(cols, k, field=h, rows=rows) == pytest.approx(ref, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize(("cols", "rows"), [(3, 4), (4, 3), (3, 5), (5, 3), (4, 5), (5, 4), (4, 6), (6, 5)])
def test_second_algorithm_generic_contraction(cols, rows):
    """Non-square tori, odd and even M, with a field: the generic contraction of the same terms."""
    for k, h in [(0.45, 0.12), (-0.3, -0.2)]:
        ham = ising_torus(cols, k, field=h, rows=rows)
        ref = ham.log_partition(method="contract")
        assert ising_torus_log_partition(cols, k, field=h, rows=rows) == pytest.approx(ref, rel=1e-12)
        assert ham.log_partition() == pytest.approx(ref, rel=1e-12)  # auto: the transfer route


@pytest.mark.parametrize(("cols", "rows", "k", "h"), [(4, 1000, 0.6, 0.1), (5, 10_001, 1.0, 0.0), (6, 7, 3.0, -0.5)])
def test_long_tori_overflow_free_dense_eigenvalues(cols, rows, k, h):
    """ln Z far past exp's range (M = 10^4): the eigenvalues of the dense transfer matrix."""
    lz = ising_torus_log_partition(cols, k, field=h, rows=rows)
    assert math.isfinite(lz)
    assert lz == pytest.approx(dense_transfer_log_z(cols, rows, k, h), rel=1e-11)


@pytest.mark.parametrize(("cols", "rows", "k", "h"), [(3, 3, -50.0, 0.0), (3, 5, -20.0, 30.0), (3, 5, 400.0, -90.0)])
def test_strong_couplings_brute_force(cols, rows, k, h):
    """Strong frustrated antiferromagnets (within the span limit) and a strong ferromagnet (no limit)."""
    ref = brute_torus_log_z(cols, rows, k, h)
    assert ising_torus_log_partition(cols, k, field=h, rows=rows) == pytest.approx(ref, rel=1e-12)


def test_too_strong_antiferromagnet_is_refused():
    with pytest.raises(InvalidParameterError, match=r"coupling=-100.0 with field=0.0 on rows of size=3 .* e\^1000"):
        ising_torus_log_partition(3, -100.0, rows=3)
    with pytest.raises(InvalidParameterError, match=r"coupling=-30.0 with field=300.0"):
        ising_torus_log_partition(5, -30.0, field=300.0, rows=3)  # silently wrong (2882 for 3600) without the guard


def test_peak_memory_stays_within_max_memory():
    """The batch chosen from max_memory keeps the traced peak (numpy reports to tracemalloc) under it."""
    limit = transfer_memory(11, 3)
    tracemalloc.start()
    try:
        lz = ising_torus_log_partition(11, KC, max_memory=limit)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak <= limit
    assert lz == pytest.approx(kaufman_log_z(11, KC), rel=1e-10)


def test_one_vector_batches_match_kaufman():
    """max_memory that holds one vector at a time: many batches joined by log-sum-exp."""
    lz = ising_torus_log_partition(10, KC, max_memory=transfer_memory(10, 1))
    assert lz == pytest.approx(kaufman_log_z(10, KC), rel=1e-10)


def set_orbits(size: int, flip: bool) -> list[frozenset]:
    """Orbits of bit tuples under rotation, reversal and (optionally) complement, with Python sets."""
    seen, out = set(), []
    for state in itertools.product((0, 1), repeat=size):
        if state in seen:
            continue
        orbit = set()
        for base in (state, state[::-1]):
            for img in (base, tuple(1 - b for b in base)) if flip else (base,):
                orbit.update(img[r:] + img[:r] for r in range(size))
        seen |= orbit
        out.append(frozenset(orbit))
    return out


@pytest.mark.parametrize("size", [1, 2, 3, 5, 8, 9])
@pytest.mark.parametrize("flip", [True, False])
def test_seam_orbits_are_the_symmetry_orbits(size, flip):
    reps, counts = seam_orbits(size, flip=flip)
    ref = sorted((min(int("".join(map(str, s)), 2) for s in orb), len(orb)) for orb in set_orbits(size, flip))
    assert list(zip(reps.tolist(), counts.tolist())) == ref
    assert counts.sum() == 2**size


def test_auto_picks_transfer_for_the_torus_only(monkeypatch):
    calls = []
    real = ham_module.ising_torus_log_partition

    def spy(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(ham_module, "ising_torus_log_partition", spy)
    ham = ising_torus(4, 0.3, field=0.1, rows=3)
    ref = brute_torus_log_z(4, 3, 0.3, 0.1)
    assert ham.log_partition() == pytest.approx(ref, rel=1e-12) and calls == [(4, 0.3, 0.1, 3)]
    assert ham.log_partition(sweep=True) == pytest.approx(ref, rel=1e-12) and len(calls) == 1
    ham.terms[(0, 5)] = 0.2  # no longer the torus: auto contracts, transfer refuses
    assert ham.log_partition() == pytest.approx(brute_log_z_terms(12, ham.terms), rel=1e-12)
    assert len(calls) == 1
    with pytest.raises(InvalidParameterError, match="method='transfer' needs a Hamiltonian made by ising_torus"):
        ham.log_partition(method="transfer")


def test_cli_torus_16_uses_the_transfer_route():
    out = CliRunner().invoke(rg_cli, ["logz", "--lattice", "torus", "--size", "12", "-K", str(KC), "--json"])
    assert out.exit_code == 0, out.output
    payload = json.loads(out.stdout)
    assert payload["log_z"] == pytest.approx(kaufman_log_z(12, KC), rel=1e-10) and payload["method"] == "auto"
    out = CliRunner().invoke(rg_cli, ["logz", "--lattice", "torus", "--size", "4", "--method", "contract", "--json"])
    assert json.loads(out.stdout)["log_z"] == pytest.approx(kaufman_log_z(4, 0.5), rel=1e-10)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"size": 0}, "size must be an integer >= 1; got 0"),
        ({"size": 2.5}, "size must be an integer >= 1; got 2.5"),
        ({"size": True}, "size must be an integer >= 1; got True"),
        ({"rows": 0}, "rows must be an integer >= 1; got 0"),
        ({"rows": "4"}, "rows must be an integer >= 1; got '4'"),
        ({"coupling": math.nan}, "coupling must be a finite real number; got nan"),
        ({"coupling": 1j}, r"coupling must be a finite real number; got 1j"),
        ({"field": math.inf}, "field must be a finite real number; got inf"),
        ({"max_memory": "lots"}, "max_memory must be a positive number of bytes"),
    ],
)
def test_errors_name_the_argument(kwargs, match):
    args = {"size": 4, "coupling": 0.3, **kwargs}
    with pytest.raises(InvalidParameterError, match=match):
        ising_torus_log_partition(**args)


def test_memory_refusal_gives_the_estimate_and_a_way_out():
    with pytest.raises(MemoryLimitError, match=r"2\^16 entries\) needs about 5.5 MiB.*larger max_memory"):
        ising_torus_log_partition(16, KC, max_memory="1MiB")
    with pytest.raises(MemoryLimitError, match="needs about 88.0 GiB"):
        ising_torus_log_partition(30, KC, max_memory="64GiB")  # refused before anything is allocated
    with pytest.raises(InvalidParameterError, match="method must be one of"):
        ising_torus(4, 0.3).log_partition(method="fast")
    with pytest.raises(InvalidParameterError, match="rows must be an integer >= 2; got 1"):
        ising_torus(4, 0.3, rows=1)
