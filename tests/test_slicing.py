"""Slicing over output indices (blocks of the Gram matrices) so a contraction fits ``max_memory``.

References written here: ``numpy.einsum`` of the same arrays, and the SVD of brute-force amplitudes
(conftest: every visible and hidden configuration summed with numpy).
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import brute_force_psi_of, svd_spectrum

import tnrbm
from tnrbm.bulk import min_cut
from tnrbm.contract import blas_threads, plan_contraction
from tnrbm.entropy import entanglement
from tnrbm.entropy.cut import plan_grams
from tnrbm.errors import InvalidParameterError, MemoryLimitError

INPUTS = [("a", "x"), ("x", "b", "y"), ("y", "c")]
SIZES = {"a": 4, "x": 16, "b": 4, "y": 16, "c": 4}
OUTPUT = ("c", "a", "b")


@pytest.fixture(autouse=True)
def _one_blas_thread():
    with blas_threads(1):
        yield


def _arrays(seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.normal(size=[SIZES[i] for i in t]) + 1j * rng.normal(size=[SIZES[i] for i in t]) for t in INPUTS]


def _tight_limit() -> int:
    """A limit just below the unsliced peak."""
    plan = plan_contraction(INPUTS, OUTPUT, SIZES)
    return int(plan.peak * plan.itemsize) - 1


def test_output_slicing_matches_einsum_and_refuses_without_slicing():
    arrays = _arrays()
    ref = np.einsum("ax,xby,yc->cab", *arrays)
    with pytest.raises(MemoryLimitError, match="slicing=True"):
        plan_contraction(INPUTS, OUTPUT, SIZES, max_memory=_tight_limit())
    plan = plan_contraction(INPUTS, OUTPUT, SIZES, max_memory=_tight_limit(), slicing=True)
    assert plan.outer and plan.n_slices > 1
    assert plan.peak * plan.itemsize <= _tight_limit()
    m, e = plan.contract(arrays)
    assert np.max(np.abs(m * 10**e - ref)) <= 1e-12 * np.max(np.abs(ref))


def test_blocks_with_far_apart_exponents_are_rescaled_stably():
    """Slices along ``c`` scaled by 1e150 and 1e-150: each block keeps its relative accuracy."""
    arrays = _arrays(1)
    scale = np.array([1e150, 1e-150, 1.0, 1e100])
    arrays[2] = arrays[2] * scale[None, :]
    ref = np.einsum("ax,xby,yc->cab", *arrays)
    plan = plan_contraction(INPUTS, OUTPUT, SIZES, max_memory=_tight_limit(), slicing=True)
    assert plan.outer[0] == "c"
    m, e = plan.contract(arrays)
    for k in range(4):  # block 1 is 1e-300 of the largest: still a normal float in the mantissa
        block = m[k] * 10.0**e
        assert np.max(np.abs(block - ref[k])) <= 1e-12 * np.max(np.abs(ref[k]))


def test_progress_callback_sees_every_slice():
    seen = []
    plan = plan_contraction(INPUTS, OUTPUT, SIZES, max_memory=_tight_limit(), slicing=True)
    plan.contract(_arrays(), progress=lambda done, total: seen.append((done, total)))
    assert seen == [(k, plan.n_slices) for k in range(1, plan.n_slices + 1)]
    with pytest.raises(InvalidParameterError, match="progress"):
        plan.contract(_arrays(), progress="yes")


def tight_gram_limit(net, region) -> int:
    """Just below the unsliced peak of the larger Gram contraction (its tree is then in the path cache,
    so the plans below see the same tree), and at least the Gram work space."""
    cut = min_cut(net, region)
    _, plans = plan_grams(net, region, cut, "1GiB")
    return int(max(max(pl.peak_bytes for pl in plans) - 1, 4 * 16 * 4.0**cut.size))


def test_gram_case_refused_before_now_runs_and_matches_svd():
    """3x3 open lattice, first row: the complement's Gram contraction peaks at ~2000 entries for a
    64-entry output; just below that it is refused unsliced (slicing=True used to change nothing), and sliced
    (any way; and forced over the bra's cut indices) it runs and equals the SVD of the brute-force state."""
    net = tnrbm.models.local_lattice((3, 3), periodic=False, seed=0)
    region = (0, 1, 2)
    limit = tight_gram_limit(net, region)
    with pytest.raises(MemoryLimitError):
        entanglement(net, region, method="cut", max_memory=limit)
    _, plans = plan_grams(net, region, min_cut(net, region), limit, slicing="outer")
    assert any(pl.outer and pl.outer[0].endswith("*") for pl in plans)
    ref = svd_spectrum(brute_force_psi_of(net), region, net.n_visible)
    for how in (True, "outer"):
        res = entanglement(net, region, method="cut", max_memory=limit, slicing=how)
        assert max(res.extra["n_slices"]) > 1
        k = min(len(ref), len(res.spectrum))
        assert np.max(np.abs(res.spectrum[:k] - ref[:k])) <= 1e-12
        assert np.sum(ref[k:]) <= 1e-12
    with pytest.raises(InvalidParameterError, match="slicing"):
        plan_contraction(INPUTS, OUTPUT, SIZES, slicing="sideways")


@pytest.mark.parametrize("shape_region", [((3, 3), (0, 1, 2, 3)), ((3, 3), (0, 3, 6)), ((3, 3), (0, 1, 2))])
def test_sliced_equals_unsliced_and_svd(shape_region):
    shape, region = shape_region
    net = tnrbm.models.local_lattice(shape, periodic=False, complex=True, seed=3)
    cut = min_cut(net, region)
    limit = tight_gram_limit(net, region)
    _, sliced = plan_grams(net, region, cut, limit, slicing="outer")
    assert any(pl.n_slices > 1 and pl.outer for pl in sliced)
    full = entanglement(net, region, method="cut")
    part = entanglement(net, region, method="cut", max_memory=limit, slicing="outer")
    ref = svd_spectrum(brute_force_psi_of(net), region, net.n_visible)
    k = len(part.spectrum)
    assert np.max(np.abs(part.spectrum - full.spectrum)) <= 1e-12
    assert np.max(np.abs(part.spectrum - ref[:k])) <= 1e-12 and np.sum(ref[k:]) <= 1e-12
