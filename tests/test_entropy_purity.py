"""tnrbm.purity (Tr rho_A^2 without the spectrum) against the SVD of brute-force amplitudes (conftest),
analytic purities of known states, and serial against parallel runs."""

from __future__ import annotations

import concurrent.futures as cf
import json
import math

import numpy as np
import pytest
from conftest import as_format, brute_force_psi, brute_force_psi_of, rbm_parameters, svd_spectrum
from hypothesis import given, settings
from hypothesis import strategies as st

import tnrbm
from tnrbm.cli import main
from tnrbm.entropy import entanglement_many, purity
from tnrbm.errors import InvalidParameterError, MemoryLimitError


@settings(max_examples=60, deadline=None)
@given(params=rbm_parameters(max_visible=10), data=st.data())
def test_purity_matches_svd(params, data):
    """Real and complex RBMs, spin and binary hidden units, any region: Tr rho_A^2 = sum p^2 of the SVD."""
    w = params["W"]
    n = w.shape[0]
    net = tnrbm.RBM(as_format(w, params["fmt"]), params["a"], params["b"], hidden=params["hidden"])
    psi = brute_force_psi([w], [params["a"], params["b"]], params["hidden"])
    region = data.draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=n, unique=True))
    ref = float(np.sum(svd_spectrum(psi, region, n) ** 2))
    res = purity(net, region, base=2)
    assert res.purity == pytest.approx(ref, rel=1e-10, abs=1e-14)
    assert res.renyi2 == pytest.approx(-math.log2(ref), abs=1e-10)
    assert 0.0 <= res.renyi2 <= res.cut.size + 1e-10  # S_2 <= S_0 <= m bits
    assert purity(net, region, method="spectrum").purity == pytest.approx(ref, rel=1e-10, abs=1e-14)


@pytest.mark.parametrize("n", [6, 40, 400])
def test_known_states(n):
    """GHZ: Tr rho^2 = 1/2 for any cut; the cluster ring: 1/4 for any contiguous region of 2..n-2 spins."""
    assert purity(tnrbm.states.ghz(n), range(n // 2)).purity == pytest.approx(0.5, abs=1e-12)
    assert purity(tnrbm.states.cluster(n), range(1, n // 2)).purity == pytest.approx(0.25, abs=1e-12)


def test_state_vector_and_whole_system():
    bell = np.array([1.0, 0.0, 0.0, 1.0])
    res = purity(bell, [0])
    assert res.purity == pytest.approx(0.5) and res.method == "spectrum:dense"
    chain = tnrbm.models.local_chain(8, radius=1, seed=0)
    assert purity(chain, range(8)).purity == 1.0


def test_parallel_equals_serial():
    net = tnrbm.models.local_lattice((4, 4), periodic=False, seed=2)
    regions = [range(8), [0, 1, 4, 5], [3, 7, 11, 15]]
    serial = [purity(net, r).purity for r in regions]
    with cf.ThreadPoolExecutor(2) as pool:
        pooled = [purity(net, r, parallel=pool).purity for r in regions]
    many = [r.purity for r in entanglement_many(net, regions, quantity="purity", parallel="threads")]
    assert np.allclose(pooled, serial, rtol=1e-12, atol=0) and np.allclose(many, serial, rtol=1e-12, atol=0)


def test_bad_input_and_memory():
    chain = tnrbm.models.local_chain(8, radius=1, seed=0)
    with pytest.raises(InvalidParameterError, match="method"):
        purity(chain, [0], method="svd")
    with pytest.raises(InvalidParameterError, match="state vector"):
        purity(np.ones(4), [0], method="cut")
    with pytest.raises(InvalidParameterError, match="quantity"):
        entanglement_many(chain, [[0]], quantity="entropy")
    big = tnrbm.models.local_chain(64, radius=4, seed=0)
    with pytest.raises(MemoryLimitError, match="Gram"):
        purity(big, range(32), method="cut", max_memory="1MiB")


def test_cli_purity_matches_svd(capsys):
    """``tnrbm purity MODEL REGION --json`` against the SVD of brute-force amplitudes."""
    spec = "local-chain:n=7,radius=1,complex=true,seed=3"
    assert main(["purity", spec, "0,2:4", "--json", "--base", "2"]) == 0
    payload = json.loads(capsys.readouterr().out)
    net = tnrbm.models.local_chain(7, radius=1, complex=True, seed=3)
    ref = float(np.sum(svd_spectrum(brute_force_psi_of(net), [0, 2, 3], 7) ** 2))
    assert payload["purity"] == pytest.approx(ref, rel=1e-10)
    assert payload["renyi"]["2"] == pytest.approx(-math.log2(ref), abs=1e-10)
    assert payload["region"] == "0,2:4" and payload["method"] == "cut" and payload["units"] == "bits"
    assert main(["purity", spec, "0:9"]) != 0  # a region past the spins: one line, non-zero exit
    assert "region" in capsys.readouterr().err


def test_results_share_their_fields_and_are_frozen():
    """EntanglementResult, PurityResult and InformationResult share method/base/seconds/flops/memory/seed
    (and region/n_visible/cut/m/bound for one region); none can be changed after it is made."""
    import dataclasses

    from tnrbm.entropy import RegionResult, Result

    net = tnrbm.models.local_chain(10, radius=1, periodic=False, seed=3)
    ent = tnrbm.entanglement(net, range(5), method="cut")
    pur = tnrbm.purity(net, range(5))
    info = tnrbm.mutual_information(net, range(3), range(6, 10), method="dense")
    assert isinstance(ent, RegionResult) and isinstance(pur, RegionResult) and isinstance(info, Result)
    cut = tnrbm.min_cut(net, range(5))  # the same surface, found again
    for res in (ent, pur):
        assert res.m == cut.size == 2 and res.n_visible == 10 and res.region == tuple(range(5))
        assert res.bound == pytest.approx(cut.size * np.log(2), rel=1e-15)
        assert res.seconds > 0 and res.flops > 0 and res.memory > 0
    psi = net.to_dense()  # the purity of the dense reduced density matrix, by hand
    rho = psi.reshape(2**5, -1) @ psi.reshape(2**5, -1).conj().T
    assert pur.purity == pytest.approx(float(np.trace(rho @ rho).real), rel=1e-10)
    assert info.method == "dense" and info.seconds > 0 and info.memory == max(r.memory for r in info.entropies.values())
    for res, name in ((ent, "entropy"), (pur, "purity"), (info, "value"), (ent, "seconds"), (info, "method")):
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(res, name, 0.0)
