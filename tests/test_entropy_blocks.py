"""tnrbm.entropy.blocks (the purity with one Gram diagonal and the other streamed in blocks) against the
SVD of brute-force amplitudes (conftest) and against the whole-Gram route."""

from __future__ import annotations

import concurrent.futures as cf

import numpy as np
import pytest
from conftest import brute_force_psi_of, svd_spectrum

import tnrbm
from tnrbm.entropy.blocks import streamed_purity
from tnrbm.entropy.compute import make_problem
from tnrbm.errors import MemoryLimitError
from tnrbm.validation import memory_limit


def _svd_purity(net, region):
    p = svd_spectrum(brute_force_psi_of(net), list(region), net.n_visible)
    return float(np.sum(p**2))


@pytest.mark.parametrize("complex_", [False, True])
@pytest.mark.parametrize("max_memory", ["64KiB", "12KiB"])  # blocks of bra indices; then ket indices too
def test_streamed_purity_matches_svd(complex_, max_memory):
    net = tnrbm.models.local_lattice((4, 3), periodic=False, complex=complex_, seed=5)
    region = range(6)  # the first two rows: the cut is the visible spins of one row of the region
    res = tnrbm.purity(net, region, method="cut", max_memory=max_memory)
    assert res.extra.get("streamed") and res.extra["n_blocks"] > 1
    assert res.purity == pytest.approx(_svd_purity(net, region), rel=1e-11)


def test_streamed_on_the_complement_side_and_on_threads():
    """A surface of complement spins: G_B is the diagonal one, G_A goes in blocks; threads give the same."""
    net = tnrbm.models.local_lattice((4, 3), periodic=False, seed=6)
    region = range(6)
    surface = tnrbm.min_cut(net, range(6, 12)).surface  # the cut nearest the complement: its spins
    assert all(layer == 0 and i >= 6 for layer, i in surface)
    ref = _svd_purity(net, region)
    res = tnrbm.purity(net, region, method="cut", surface=surface, max_memory="64KiB")
    assert res.extra.get("streamed") and res.purity == pytest.approx(ref, rel=1e-11)
    with cf.ThreadPoolExecutor(2) as pool:
        par = tnrbm.purity(net, region, method="cut", surface=surface, max_memory="64KiB", parallel=pool)
    assert par.purity == pytest.approx(res.purity, rel=1e-12)


def test_a_cut_through_hidden_units_is_refused_with_both_reasons():
    net = tnrbm.models.random_rbm(10, 4, density=0.8, seed=0)
    cut = tnrbm.min_cut(net, range(5))
    assert any(layer != 0 for layer, _ in cut.surface)  # the premise: hidden units in the cut
    with pytest.raises(MemoryLimitError, match="streamed in blocks.*visible spins of one side"):
        tnrbm.purity(net, range(5), method="cut", max_memory="1KiB")


def test_one_block_when_the_streamed_gram_fits():
    """An unsliced plan is one block: streamed_purity with memory to spare equals the SVD and the whole route."""
    net = tnrbm.models.local_lattice((4, 3), periodic=False, seed=5)
    problem = make_problem(net, range(6), "cut", memory_limit("1GiB"), None, False, backend=None, parallel=None)
    value, extra = streamed_purity(problem)
    assert extra["n_blocks"] == 1 and extra["sliced_outputs"] == []
    assert value == pytest.approx(_svd_purity(net, range(6)), rel=1e-11)
    assert value == pytest.approx(tnrbm.purity(net, range(6)).purity, rel=1e-12)


@pytest.mark.parametrize("max_memory", ["10KiB", "16KiB", "24KiB", "32KiB", "48KiB", "80KiB"])
def test_every_limit_between_one_block_and_the_whole_grams_is_met(max_memory):
    """Blocks shrink until the block, its copies and the reduction fit: the estimate stays within the limit
    (24 and 48 KiB once failed: the shrinking budget went negative)."""
    net = tnrbm.models.local_lattice((4, 3), periodic=False, seed=5)
    res = tnrbm.purity(net, range(6), method="cut", max_memory=max_memory)
    assert res.extra.get("streamed") and res.memory <= memory_limit(max_memory)
    assert res.purity == pytest.approx(_svd_purity(net, range(6)), rel=1e-11)
