"""One deprecation mechanism (``tnrbm._deprecated.forward``): every old name warns the same way, and no
module of tnrbm emits a DeprecationWarning of its own or reads a deprecated name itself."""

from __future__ import annotations

import ast
import importlib
import warnings
from pathlib import Path

import numpy as np
import pytest

import tnrbm

ROOT = Path(tnrbm.__file__).parent


@pytest.mark.parametrize(
    "name", ["SAFE_FRACTION", "available_memory", "default_max_memory", "check_memory", "format_bytes"]
)
def test_memory_module_warns_as_the_docs_say(name):
    """``tnrbm._memory`` forwards to tnrbm.validation with a warning (docs/architecture.md)."""
    old = importlib.import_module("tnrbm._memory")
    with pytest.warns(DeprecationWarning, match=f"tnrbm.validation.{name}"):
        obj = getattr(old, name)
    assert obj is getattr(tnrbm.validation, name)


def test_fit_ground_state_forwards_with_its_note():
    with pytest.warns(
        DeprecationWarning, match=r"variational_ground_state \(tnrbm.ed.ground_state is the eigensolver\)"
    ):
        old = tnrbm.fit.ground_state
    assert old is tnrbm.fit.variational_ground_state
    assert "ground_state" not in tnrbm.fit.__all__


def test_every_warning_names_the_same_removal_release():
    from tnrbm._deprecated import REMOVED_IN

    rbm = tnrbm.models.local_chain(6, radius=1, periodic=False, seed=0)
    prof = tnrbm.entanglement_profile(rbm)
    reads = [
        lambda: tnrbm.rg.hierarchical,
        lambda: tnrbm.fit.ground_state,
        lambda: tnrbm.ed.cluster,
        lambda: importlib.import_module("tnrbm._memory").check_memory,
        lambda: importlib.import_module("tnrbm.mps").exact_mps,
        lambda: prof.bond_dims,
    ]
    for read in reads:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            read()
        assert len(caught) == 1 and caught[0].category is DeprecationWarning
        assert f"will be removed in tnrbm {REMOVED_IN}" in str(caught[0].message)
        assert caught[0].filename == __file__  # the warning points at the caller's line


def test_bond_dims_are_the_schmidt_ranks_counted_from_a_dense_svd():
    rbm = tnrbm.models.local_chain(8, radius=1, periodic=False, seed=1)
    with pytest.warns(DeprecationWarning, match="schmidt_ranks"):
        ranks = tnrbm.entanglement_profile(rbm).bond_dims
    psi = rbm.to_dense()
    expected = []
    for cut in range(1, 8):
        p = np.linalg.svd(psi.reshape(2**cut, -1), compute_uv=False) ** 2
        expected.append(int((p / p.sum() > 1e-14).sum()))
    assert ranks.tolist() == expected


def test_rg_keeps_its_own_names_in_dir():
    assert {"coarse_grain", "swendsen_wang", "energy"} <= set(dir(tnrbm.rg))


def test_only_the_deprecated_module_emits_deprecation_warnings():
    """No module but tnrbm/_deprecated.py names DeprecationWarning in code (docstrings aside): old names
    go through forward / forward_attribute."""
    offenders = []
    for path in sorted(ROOT.rglob("*.py")):
        if path.name == "_deprecated.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Name) and node.id in ("DeprecationWarning", "FutureWarning"):
                offenders.append((str(path.relative_to(ROOT)), node.lineno))
    assert offenders == []


def test_the_cli_profile_rows_read_no_deprecated_name():
    """``tnrbm profile`` rows (cli/reports.py) read schmidt_ranks: no DeprecationWarning; the ranks equal
    those counted from a dense SVD."""
    from tnrbm.cli.reports import profile_rows

    net = tnrbm.models.local_chain(8, radius=1, periodic=False, seed=2)
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        rows = profile_rows(net, tnrbm.entanglement_profile(net))
    psi = net.to_dense()
    for row in rows:
        p = np.linalg.svd(psi.reshape(2 ** row["cut"], -1), compute_uv=False) ** 2
        assert row["schmidt_rank"] == int((p / p.sum() > 1e-14).sum())


def test_renamed_keywords_warn_with_both_names_and_give_the_same_result():
    """Old keyword names (H, network, op, alpha, memory_limit) still work through _deprecated.renamed_keywords."""
    from tnrbm import ed
    from tnrbm.entropy import renyi_entropy

    h = ed.tfim(4)
    ref = np.linalg.eigvalsh(h.toarray())[0]  # dense diagonalization: an independent reference
    with pytest.warns(DeprecationWarning, match=r"the keyword H of ground_state is renamed hamiltonian") as caught:
        old = ed.ground_state(H=h).energy
    assert caught[0].filename == __file__
    assert old == pytest.approx(ref, abs=1e-10) and ed.ground_state(hamiltonian=h).energy == pytest.approx(
        ref, abs=1e-10
    )
    psi = np.linalg.eigh(h.toarray())[1][:, 0]
    with pytest.warns(DeprecationWarning, match="network of energy is renamed state"):
        assert ed.energy(network=psi, hamiltonian=h) == pytest.approx(ref, abs=1e-10)
    p = np.array([0.5, 0.25, 0.25])
    with pytest.warns(DeprecationWarning, match="alpha of renyi_entropy is renamed renyi_order"):
        assert renyi_entropy(p, alpha=2) == pytest.approx(-np.log(np.sum(p**2)), rel=1e-14)
    with pytest.raises(tnrbm.errors.InvalidParameterError, match="both H= and hamiltonian="):
        ed.ground_state(H=h, hamiltonian=h)


def test_renamed_keywords_decorator_alone():
    from tnrbm._deprecated import REMOVED_IN, renamed_keywords

    @renamed_keywords(old="new")
    def f(x, new=0):
        return x + new

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert f(1, old=2) == 3 and f(1, new=2) == 3 and f(1, 2) == 3
    assert len(caught) == 1 and caught[0].category is DeprecationWarning
    assert f"removed in tnrbm {REMOVED_IN}" in str(caught[0].message) and caught[0].filename == __file__
    assert f.renamed_keywords == {"old": "new"} and f.__name__ == "f"


def _renamed_cases():
    from tnrbm import ed, rg
    from tnrbm.entropy import charged_moment_from_grams, renyi_entropy, symmetry_resolved
    from tnrbm.interop import as_sparse_operator  # noqa: F401 - needs NetKet to run, listed by name below

    h = ed.tfim(3)
    psi = np.linalg.eigh(h.toarray())[1][:, 0]
    rbm = tnrbm.RBM([[0.5, -0.3], [0.2, 0.1]])
    hs = np.array([[1.0, -1.0], [1.0, 1.0]])
    res = symmetry_resolved(tnrbm.states.ghz(4), [0, 1], "z2")
    g = np.eye(2)
    return [
        (ed.ground_state, (), {"H": h}, {"hamiltonian": h}, lambda r: r.energy),
        (ed.ground_state_memory, (), {"H": h}, {"hamiltonian": h}, lambda r: [b for _, b in r]),
        (ed.energy, (), {"network": psi, "H": h}, {"state": psi, "hamiltonian": h}, None),
        (ed.as_operator, (), {"H": h}, {"operator": h}, lambda r: r.toarray()),
        (ed.check_hamiltonian, (), {"op": h}, {"operator": h}, None),
        (renyi_entropy, (np.array([0.5, 0.5]),), {"alpha": 3}, {"renyi_order": 3}, None),
        (charged_moment_from_grams, (g, g, g), {"n": 2}, {"renyi_order": 2}, None),
        (res.charged_moment, (), {"n": 2, "alpha": 0.5}, {"renyi_order": 2, "flux": 0.5}, None),
        (rg.hamiltonian_hidden, (), {"network": rbm, "h": hs}, {"rbm": rbm, "h": hs}, None),
        (rg.log_marginal_hidden, (), {"network": rbm, "h": hs}, {"rbm": rbm, "h": hs}, None),
    ]


def test_every_renamed_keyword_still_works_with_a_warning():
    """The old keywords give what the new ones give, with one DeprecationWarning each at the caller's line."""
    for func, args, old, new, view in _renamed_cases():
        view = view or (lambda r: r)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            got = view(func(*args, **old))
        renamed = [k for k in old if k not in new]
        assert len(caught) == len(renamed) and all(c.category is DeprecationWarning for c in caught), func
        assert all(c.filename == __file__ and f"keyword {k} " in str(c.message) for c, k in zip(caught, renamed))
        want = view(func(*args, **new))
        if want is None:
            assert got is None
        else:
            np.testing.assert_array_equal(np.asarray(got), np.asarray(want))
