"""Old public names keep working after the layout redesign, each with a DeprecationWarning."""

import pytest

import tnrbm
from tnrbm.models import hierarchy as hier


@pytest.mark.parametrize("name", ["correlation_length", "hierarchical", "hierarchical_layer_sizes", "ir_depth"])
def test_rg_hierarchical_aliases(name):
    with pytest.warns(DeprecationWarning, match=f"tnrbm.models.{name}"):
        old = getattr(tnrbm.rg, name)
    assert old is getattr(hier, name)


OLD_PATHS = [
    ("tensor", "to_tensor_network", "tnrbm.tn.forms"),
    ("tensor", "contract_dense", "tnrbm.tn.dense"),
    ("tensor", "physical_inds", "tnrbm.network.local"),
    ("contraction", "plan_contraction", "tnrbm.contract.plan"),
    ("contraction", "TermBuilder", "tnrbm.network.local"),
    ("contraction", "gram_network", "tnrbm.entropy.cut"),
    ("contraction", "blas_threads", "tnrbm.contract.threads"),
    ("mps", "exact_mps", "tnrbm.tn.mps"),
    ("mps", "entanglement_profile", "tnrbm.entropy.profile"),
    ("ed", "cluster", "tnrbm.ed.hamiltonians"),
    ("ed", "toric_code", "tnrbm.ed.hamiltonians"),
    ("ed", "run_ed", "tnrbm.ed.levels"),
    ("fit", "run_fit", "tnrbm.fit"),
]


@pytest.mark.parametrize(("module", "name", "new"), OLD_PATHS)
def test_flat_module_names_forward_with_a_warning(module, name, new):
    import importlib

    old = importlib.import_module(f"tnrbm.{module}")
    with pytest.warns(DeprecationWarning, match=new):
        obj = getattr(old, name)
    assert callable(obj)


def test_old_names_give_the_same_results():
    """The forwarded names are the new objects: same numbers as the new paths (against a brute-force vector)."""
    import warnings

    import numpy as np

    rbm = tnrbm.models.local_chain(8, radius=1, periodic=False, seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        old_profile = tnrbm.mps.entanglement_profile(rbm)
        old_h = tnrbm.ed.cluster(6)
        old_ranks = old_profile.bond_dims
        old_dense = tnrbm.tensor.contract_dense(rbm)
    psi = rbm.to_dense()
    s = np.linalg.svd(psi.reshape(16, 16), compute_uv=False) ** 2
    assert abs(old_profile.entropy[3] - float(-(s * np.log(s)).sum())) < 1e-10
    assert np.array_equal(old_ranks, tnrbm.entanglement_profile(rbm).schmidt_ranks)
    assert abs(old_h - tnrbm.ed.cluster_hamiltonian(6)).max() == 0
    assert np.allclose(old_dense, psi)
    with pytest.warns(DeprecationWarning, match="schmidt_ranks"):
        ranks = tnrbm.entanglement_profile(rbm).bond_dims
    assert ranks.tolist() == old_ranks.tolist()
