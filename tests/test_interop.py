"""NetKet and quimb interop.

The NetKet relation psi_tnrbm = 2**M psi_NetKet is checked three ways: against NetKet's formulas
re-implemented here in numpy (always runs), against NetKet itself (runs when NetKet is installed),
and the quimb tensor network against brute-force amplitudes with quimb's own tools.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping

import numpy as np
import pytest

import tnrbm
from tnrbm.errors import InvalidParameterError
from tnrbm.interop import expand_symmetric_kernel, from_netket, netket_log_offset, to_netket

LN2 = np.log(2.0)


def kron_configurations(n: int) -> np.ndarray:
    """Every +-1 configuration, site 0 most significant, +1 before -1 (written independently)."""
    return np.array(list(itertools.product((1.0, -1.0), repeat=n)))


# ------------------------------------------------------------------ NetKet's formulas in numpy
def netket_log_cosh(x: np.ndarray) -> np.ndarray:
    """netket.nn.activation.log_cosh: log(cosh x), without the log 2 of 2 cosh."""
    return np.log(np.cosh(x))


def netket_rbm_log_psi(params: dict, v: np.ndarray) -> np.ndarray:
    """nk.models.RBM.__call__: sum(log_cosh(Dense(v))) + v @ visible_bias."""
    x = v @ params["Dense"]["kernel"] + params["Dense"].get("bias", 0.0)
    out = netket_log_cosh(x).sum(axis=-1)
    if "visible_bias" in params:
        out = out + v @ params["visible_bias"]
    return out


def netket_rbm_symm_log_psi(params: dict, v: np.ndarray, perm: np.ndarray) -> np.ndarray:
    """nk.models.RBMSymm with DenseSymmMatrix: kernel[f, 0, perm[g, r]] contracted with v[r]."""
    kernel = params["Dense"]["kernel"]  # (F, 1, N)
    full = np.take(kernel, perm, axis=2)  # (F, 1, G, N), as jnp.take(kernel, symmetries, 2)
    x = np.einsum("br,fgr->bfg", v, full[:, 0])
    x = x + params["Dense"]["bias"][None, :, None]
    out = netket_log_cosh(x).reshape(len(v), -1).sum(axis=-1)
    return out + params["visible_bias"][0] * v.sum(axis=-1)


def random_params(n: int, m: int, seed: int, complex_: bool = False) -> dict:
    rng = np.random.default_rng(seed)

    def draw(*shape):
        x = rng.normal(scale=0.4, size=shape)
        return x + 1j * rng.normal(scale=0.4, size=shape) if complex_ else x

    return {"Dense": {"kernel": draw(n, m), "bias": draw(m)}, "visible_bias": draw(n)}


def same_state(log_a: np.ndarray, log_b: np.ndarray) -> None:
    """exp(log_a) == exp(log_b) entrywise (phases compared mod 2 pi)."""
    np.testing.assert_allclose(
        np.exp(log_a - log_b.real.max()), np.exp(log_b - log_b.real.max()), rtol=1e-10, atol=1e-13
    )


@pytest.mark.parametrize("complex_", [False, True])
@pytest.mark.parametrize("wrap", [False, True])
def test_netket_rbm_relation_from_closed_form(complex_: bool, wrap: bool) -> None:
    n, m = 5, 7
    params = random_params(n, m, seed=3, complex_=complex_)
    rbm = from_netket({"params": params} if wrap else params)
    v = kron_configurations(n)
    assert rbm.hidden == "spin" and rbm.n_hidden == m
    same_state(rbm.log_amplitude(v) - m * LN2, netket_rbm_log_psi(params, v))
    assert netket_log_offset(rbm) == pytest.approx(m * LN2, rel=1e-15)


def test_raw_dict_and_missing_biases() -> None:
    params = random_params(4, 3, seed=4)
    raw = {"kernel": params["Dense"]["kernel"], "bias": params["Dense"]["bias"], "visible_bias": params["visible_bias"]}
    v = kron_configurations(4)
    same_state(from_netket(raw).log_amplitude(v) - 3 * LN2, netket_rbm_log_psi(params, v))
    no_bias = {"Dense": {"kernel": params["Dense"]["kernel"]}}  # use_hidden_bias=False, use_visible_bias=False
    same_state(from_netket(no_bias).log_amplitude(v) - 3 * LN2, netket_rbm_log_psi(no_bias, v))


def test_flax_frozendict_and_jax_arrays_are_read() -> None:
    flax_core = pytest.importorskip("flax.core")
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)  # jax defaults to float32
    jnp = jax.numpy
    params = random_params(3, 2, seed=5)
    frozen = flax_core.freeze(
        {
            "params": {
                "Dense": {k: jnp.asarray(x) for k, x in params["Dense"].items()},
                "visible_bias": jnp.asarray(params["visible_bias"]),
            }
        }
    )
    rbm = from_netket(frozen)
    v = kron_configurations(3)
    same_state(rbm.log_amplitude(v) - 2 * LN2, netket_rbm_log_psi(params, v))


@pytest.mark.parametrize("complex_", [False, True])
def test_rbm_symm_relation_from_closed_form(complex_: bool) -> None:
    n, features = 6, 2
    rng = np.random.default_rng(6)
    translations = np.array([np.roll(np.arange(n), -s) for s in range(n)])
    reflections = translations[:, ::-1]
    perm = np.concatenate([translations, reflections])  # G = 2n
    kernel = rng.normal(size=(features, 1, n)) + (1j * rng.normal(size=(features, 1, n)) if complex_ else 0)
    params = {"Dense": {"kernel": kernel, "bias": rng.normal(size=features)}, "visible_bias": rng.normal(size=1)}
    rbm = from_netket(params, symmetries=perm)
    g = len(perm)
    assert rbm.n_hidden == features * g
    v = kron_configurations(n)
    same_state(rbm.log_amplitude(v) - features * g * LN2, netket_rbm_symm_log_psi(params, v, perm))
    # the layout W[i, f*G + g] = K[f, 0, perm[g, i]], entry by entry
    w = rbm.W.toarray()
    for f, gg, i in itertools.product(range(features), range(g), range(n)):
        assert w[i, f * g + gg] == kernel[f, 0, perm[gg, i]]
    np.testing.assert_array_equal(rbm.visible_bias, np.full(n, params["visible_bias"][0]))


def test_expand_symmetric_kernel_checks_its_input() -> None:
    with pytest.raises(InvalidParameterError, match="permutations of range"):
        expand_symmetric_kernel(np.ones((1, 1, 3)), None, np.array([[0, 0, 1]]))
    with pytest.raises(InvalidParameterError, match=r"shape \(n_symm, 3\)"):
        expand_symmetric_kernel(np.ones((1, 1, 3)), None, np.arange(3))
    with pytest.raises(InvalidParameterError, match=r"shape \(features, 1, n_sites\)"):
        expand_symmetric_kernel(np.ones((1, 2, 3)), None, np.array([[0, 1, 2]]))
    with pytest.raises(InvalidParameterError, match=r"bias must have shape \(1,\)"):
        expand_symmetric_kernel(np.ones((1, 1, 3)), np.ones(2), np.array([[0, 1, 2]]))


class _FakeModel:
    """Stands in for a NetKet module: only the class name and activation are read."""

    def __init__(self, name: str, activation) -> None:
        self.__class__ = type(name, (_FakeModel,), {})
        self.activation = activation
        self.symmetries = np.array([[0, 1], [1, 0]])


def log_cosh(x):  # the name NetKet's activation has
    return np.log(np.cosh(x))


@pytest.mark.parametrize(
    ("params", "kwargs", "message"),
    [
        ([1, 2], {}, "params must be a dict of NetKet RBM parameters"),
        ({"weights": np.ones((2, 2))}, {}, r"got the keys \['weights'\]"),
        ({"kernel": np.ones((2, 2)), "extra": 1}, {}, r"keys \['extra'\]"),
        ({"Dense": {"bias": np.ones(2)}}, {}, "must hold 'kernel'"),
        ({"kernel": np.ones((2, 3)), "bias": np.ones(2)}, {}, r"bias must have shape \(3,\); got shape \(2,\)"),
        ({"kernel": np.ones((2, 3)), "visible_bias": np.ones(3)}, {}, r"visible_bias must have shape \(2,\)"),
        ({"kernel": np.array([["a"]])}, {}, "real or complex numbers"),
        ({"Dense": {"kernel": np.ones((2, 1, 4))}}, {}, "pass symmetries="),
        ({"kernel": np.full((2, 2), np.nan)}, {}, "finite"),
        (
            {"Dense": {"kernel": np.ones((1, 1, 2)), "bias": np.ones(1)}, "visible_bias": np.ones(2)},
            {"symmetries": np.array([[0, 1]])},
            r"visible_bias of an RBMSymm must have shape \(1,\)",
        ),
        ({"kernel": np.ones((2, 2))}, {"model": _FakeModel("GCNN", log_cosh)}, "model must be a NetKet RBM or RBMSymm"),
        ({"kernel": np.ones((2, 2))}, {"model": _FakeModel("RBM", np.tanh)}, "must be NetKet's log_cosh .*; got tanh"),
    ],
)
def test_bad_parameters_are_refused(params, kwargs, message) -> None:
    with pytest.raises(InvalidParameterError, match=message):
        from_netket(params, **kwargs)


def test_model_supplies_the_symmetries() -> None:
    model = _FakeModel("RBMSymm", log_cosh)
    params = {"Dense": {"kernel": np.array([[[0.3, -0.7]]]), "bias": np.array([0.1])}, "visible_bias": np.array([0.2])}
    rbm = from_netket(params, model=model)
    v = kron_configurations(2)
    same_state(rbm.log_amplitude(v) - 2 * LN2, netket_rbm_symm_log_psi(params, v, model.symmetries))


def test_to_netket_round_trip_and_binary_refusal() -> None:
    rbm = tnrbm.models.random_rbm(4, 3, complex=True, density=0.6, seed=2)
    p = to_netket(rbm)
    v = kron_configurations(4)
    same_state(rbm.log_amplitude(v) - 3 * LN2, netket_rbm_log_psi(p, v))
    back = from_netket(p)
    np.testing.assert_array_equal(back.W.toarray(), rbm.W.toarray())
    with pytest.raises(InvalidParameterError, match="rbm.hidden must be 'spin'"):
        to_netket(tnrbm.RBM(np.ones((2, 1)), hidden="binary"))
    with pytest.raises(InvalidParameterError, match="rbm must be a tnrbm.RBM; got DBM"):
        to_netket(tnrbm.models.random_dbm([2, 1, 1], seed=0))


# ------------------------------------------------------------------ NetKet itself
@pytest.fixture(scope="module")
def nk():
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    return pytest.importorskip("netket")


def _randomize(params, seed: int, scale: float = 0.3):
    """Replace NetKet's tiny initial parameters by O(scale) random ones of the same dtype."""
    import jax

    rng = np.random.default_rng(seed)
    leaves, tree = jax.tree_util.tree_flatten(params)
    new = []
    for leaf in leaves:
        x = rng.normal(scale=scale, size=leaf.shape)
        if np.iscomplexobj(leaf):
            x = x + 1j * rng.normal(scale=scale, size=leaf.shape)
        new.append(jax.numpy.asarray(x, dtype=leaf.dtype))
    return jax.tree_util.tree_unflatten(tree, new)


@pytest.mark.parametrize(("n", "dtype"), [(6, np.float64), (7, np.complex128), (8, np.complex128)])
def test_netket_rbm_amplitudes(nk, n: int, dtype) -> None:
    import jax

    hi = nk.hilbert.Spin(0.5, n)
    states = np.asarray(hi.all_states(), dtype=float)
    np.testing.assert_array_equal(states, kron_configurations(n))  # NetKet's basis is tnrbm's kron order
    model = nk.models.RBM(alpha=2, param_dtype=dtype)
    variables = model.init(jax.random.PRNGKey(n), states[:1])
    variables = {"params": _randomize(variables["params"], seed=n)}
    log_netket = np.asarray(model.apply(variables, states))
    rbm = from_netket(variables, model=model)
    assert rbm.n_hidden == 2 * n and rbm.is_complex == (dtype is np.complex128)
    same_state(rbm.log_amplitude(states) - 2 * n * LN2, log_netket)
    # and the way back: NetKet evaluates tnrbm's parameters
    again = np.asarray(model.apply({"params": to_netket(rbm)}, states))
    same_state(again, log_netket)


def test_netket_rbm_symm_amplitudes_and_layout(nk) -> None:
    import jax

    n = 8
    graph = nk.graph.Chain(n, pbc=True)
    symmetries = graph.space_group()  # translations and reflections: 2n permutations
    hi = nk.hilbert.Spin(0.5, n)
    states = np.asarray(hi.all_states(), dtype=float)
    model = nk.models.RBMSymm(symmetries=symmetries, alpha=2, param_dtype=np.complex128)
    variables = {"params": _randomize(model.init(jax.random.PRNGKey(0), states[:1])["params"], seed=1)}
    log_netket, inter = model.apply(variables, states, capture_intermediates=True)
    rbm = from_netket(variables, model=model)
    n_symm = len(np.asarray(symmetries))
    features = int(2 * n / n_symm)  # RBMSymm: features = int(alpha * n_sites / n_symm)
    assert features >= 1 and rbm.n_hidden == features * n_symm
    same_state(rbm.log_amplitude(states) - rbm.n_hidden * LN2, np.asarray(log_netket))
    # the hidden layout: NetKet's DenseSymm output (B, F, G) is theta_{f*G+g}
    dense_out = np.asarray(inter["intermediates"]["Dense"]["__call__"][0])
    np.testing.assert_allclose(rbm.theta(states), dense_out.reshape(len(states), -1), rtol=1e-12, atol=1e-12)


def test_netket_variational_state(nk) -> None:
    import jax

    n = 6
    hi = nk.hilbert.Spin(0.5, n)
    model = nk.models.RBM(alpha=1, param_dtype=np.float64)
    vstate = nk.vqs.FullSumState(hi, model, seed=0)
    vstate.parameters = _randomize(vstate.parameters, seed=3)
    rbm = from_netket(vstate)
    psi_netket = np.asarray(vstate.to_array(normalize=True))
    psi = rbm.to_dense(normalize=True)
    np.testing.assert_allclose(psi, psi_netket, atol=1e-12)
    del jax


# ------------------------------------------------------------------ quimb's own tools
def brute_psi(rbm: tnrbm.RBM) -> np.ndarray:
    w, a, b = rbm.W.toarray(), rbm.visible_bias, rbm.hidden_bias
    v = kron_configurations(rbm.n_visible)
    return np.exp(v @ a) * np.prod(2 * np.cosh(b + v @ w), axis=1)


@pytest.mark.parametrize("form", ["factor", "copy", "bond"])
def test_quimb_to_dense_and_mps(form: str) -> None:
    import quimb as qu
    import quimb.tensor as qtn

    rbm = tnrbm.models.local_chain(8, alpha=1, radius=1, periodic=False, seed=4)
    tn = tnrbm.to_tensor_network(rbm, form=form)
    inds = tnrbm.physical_inds(rbm)
    # quimb applies tn.exponent itself; its default path search on the hyper-index factor form takes
    # seconds even at N=8, a greedy path is instant
    dense = np.asarray(tn.to_dense(inds, optimize="greedy")).reshape(-1)
    ref = brute_psi(rbm)
    np.testing.assert_allclose(dense, ref, rtol=1e-10)
    psi = dense / np.linalg.norm(dense)
    mps = qtn.MatrixProductState.from_dense(psi, dims=[2] * 8, cutoff=0.0)
    np.testing.assert_allclose(mps.to_dense().reshape(-1), psi, atol=1e-12)
    mps.compress(cutoff=1e-12, cutoff_mode="rel")
    # bond dimension at each cut = Schmidt rank of the reference state
    for cut in range(1, 8):
        s = np.linalg.svd(ref.reshape(2**cut, -1), compute_uv=False)
        rank = int(np.sum(s > 1e-12 * s[0]))
        assert mps.bond_size(cut - 1, cut) == rank
        # and quimb's entropy (bits, exact) against the SVD
        p = s**2 / np.sum(s**2)
        s_ref = -np.sum(p[p > 0] * np.log2(p[p > 0]))
        assert qu.entropy_subsys(psi, [2] * 8, list(range(cut)), approx_thresh=None) == pytest.approx(s_ref, abs=1e-9)


def test_quimb_draw_runs() -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rbm = tnrbm.models.local_chain(6, alpha=1, radius=1, seed=0)
    tn = tnrbm.to_tensor_network(rbm, form="copy")
    fig = tn.draw(color=["V0", "H0"], return_fig=True, show_inds=False)
    assert fig is not None and len(fig.axes) >= 1
    plt.close("all")


# ------------------------------------------------------------------ Hilbert spaces (issue 12, item 1)
class Qubit:
    """Stands in for nk.hilbert.Qubit(n): only the class name, local states, size and constraint are read."""

    local_states = (0.0, 1.0)
    constrained = False

    def __init__(self, n: int) -> None:
        self.size = n

    def __repr__(self) -> str:
        return f"Qubit(N={self.size})"


def test_qubit_mapping_from_closed_form() -> None:
    """NetKet's RBM formula evaluated on x = (1 - v) / 2 (0 = +1) equals tnrbm's RBM up to the stated constant."""
    n, m = 5, 4
    for complex_ in (False, True):
        params = random_params(n, m, seed=11, complex_=complex_)
        rbm = from_netket(params, hilbert=Qubit(n))
        v = kron_configurations(n)
        x = (1.0 - v) / 2.0
        log_netket = netket_rbm_log_psi(params, x)
        offset = m * LN2 - params["visible_bias"].sum() / 2  # derived by hand in the module notes
        same_state(rbm.log_amplitude(v) - offset, log_netket)
        assert netket_log_offset(rbm, Qubit(n)) == pytest.approx(offset, rel=1e-13)
        # and back: NetKet's formula on tnrbm's qubit parameters
        same_state(netket_rbm_log_psi(to_netket(rbm, Qubit(n)), x), log_netket)


def test_size_mismatch_and_unknown_objects_are_refused() -> None:
    params = random_params(4, 2, seed=0)
    with pytest.raises(InvalidParameterError, match="hilbert has 5 sites but the parameters have 4 visible units"):
        from_netket(params, hilbert=Qubit(5))
    with pytest.raises(InvalidParameterError, match=r"must be nk.hilbert.Spin\(0.5, N\) .*got 'spin'"):
        from_netket(params, hilbert="spin")
    with pytest.raises(InvalidParameterError, match="cannot make a tnrbm network of a str"):
        tnrbm.interop.as_network("rbm.npz")
    with pytest.raises(InvalidParameterError, match="cannot make a tnrbm network of a int"):
        tnrbm.interop.as_network(3)
    with pytest.raises(InvalidParameterError, match="operator must be a NetKet operator"):
        tnrbm.interop.as_sparse_operator(np.eye(4))


def test_as_network_passes_tnrbm_networks_and_reads_dicts() -> None:
    rbm = tnrbm.models.random_rbm(3, 2, seed=0)
    dbm = tnrbm.models.random_dbm([3, 2, 1], seed=0)
    assert tnrbm.interop.as_network(rbm) is rbm and tnrbm.interop.as_network(dbm) is dbm
    params = random_params(3, 2, seed=1)
    v = kron_configurations(3)
    same_state(tnrbm.interop.as_network({"params": params}).log_amplitude(v) - 2 * LN2, netket_rbm_log_psi(params, v))
    assert not tnrbm.interop.is_netket_object(rbm) and not tnrbm.interop.is_netket_object(params)


def test_is_netket_object_never_imports_netket() -> None:
    import subprocess
    import sys

    code = (
        "import sys, numpy as np, tnrbm; r = tnrbm.RBM(np.ones((2, 1)));"
        "print(tnrbm.interop.is_netket_object(r), tnrbm.interop.is_netket_object((r, {})), 'netket' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.split() == ["False", "False", "False"]


def _state(nk, hi, dtype, seed: int, alpha: int = 2):
    """A FullSumState of nk.models.RBM on hi with O(0.3) random parameters."""
    model = nk.models.RBM(alpha=alpha, param_dtype=dtype)
    vstate = nk.vqs.FullSumState(hi, model, seed=seed)
    vstate.parameters = _randomize(vstate.parameters, seed=seed)
    return vstate


def half_chain_entropy(psi: np.ndarray, n: int) -> float:
    s = np.linalg.svd(psi.reshape(2 ** (n // 2), -1), compute_uv=False)
    p = s**2 / np.sum(s**2)
    return float(-np.sum(p[p > 1e-300] * np.log(p[p > 1e-300])))


@pytest.mark.parametrize("dtype", [np.float64, np.complex128])
def test_netket_qubit_state_converts_exactly(nk, dtype) -> None:
    n = 6
    hi = nk.hilbert.Qubit(n)
    states = np.asarray(hi.all_states(), dtype=float)
    v = kron_configurations(n)
    np.testing.assert_array_equal(states, (1 - v) / 2)  # Qubit lists 0 first, site 0 most significant: 0 <-> +1
    vstate = _state(nk, hi, dtype, seed=21)
    log_netket = np.asarray(vstate.model.apply({"params": vstate.parameters}, states))
    rbm = from_netket(vstate)
    a = np.asarray(vstate.parameters["visible_bias"])
    same_state(rbm.log_amplitude(v) - (rbm.n_hidden * LN2 - a.sum() / 2), log_netket)
    psi_netket = np.asarray(vstate.to_array(normalize=True))
    psi = rbm.to_dense(normalize=True)
    assert abs(np.vdot(psi_netket, psi)) ** 2 == pytest.approx(1.0, abs=1e-12)
    ent = tnrbm.entanglement(rbm, range(n // 2), method="dense").entropy
    assert ent == pytest.approx(half_chain_entropy(psi_netket, n), abs=1e-10)
    # the way back: NetKet evaluates tnrbm's parameters as its own
    again = np.asarray(vstate.model.apply({"params": to_netket(rbm, hi)}, states))
    same_state(again, log_netket)
    assert tnrbm.interop.as_network(vstate).n_hidden == rbm.n_hidden


def test_netket_inverted_spin_ordering(nk) -> None:
    n = 5
    hi = nk.hilbert.Spin(0.5, n, inverted_ordering=True)
    np.testing.assert_array_equal(np.asarray(hi.all_states(), dtype=float), kron_configurations(n)[::-1])
    vstate = _state(nk, hi, np.complex128, seed=22)
    psi = tnrbm.interop.as_network(vstate).to_dense(normalize=True)
    np.testing.assert_allclose(psi, np.asarray(vstate.to_array(normalize=True))[::-1], atol=1e-12)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda nk: nk.hilbert.Spin(1, 4), r"local states \[2.0, 0.0, -2.0\]"),
        (lambda nk: nk.hilbert.Spin(1.5, 4), "two states per site"),
        (lambda nk: nk.hilbert.Fock(2, 4), r"got Fock\(n_max=2, N=4\) \(Fock\)"),
        (lambda nk: nk.hilbert.Fock(1, 4), r"got Fock\(n_max=1, N=4\) \(Fock\)"),
        (lambda nk: nk.hilbert.Spin(0.5, 4, total_sz=0), r"constraint .*not the same state"),
        (lambda nk: nk.hilbert.Spin(0.5, 2) * nk.hilbert.Qubit(2), "TensorDiscreteHilbert"),
    ],
)
def test_netket_other_hilbert_spaces_are_refused(nk, make, message) -> None:
    hi = make(nk)
    model = nk.models.RBM(alpha=1)
    params = random_params(hi.size, hi.size, seed=0)
    with pytest.raises(InvalidParameterError, match=r"Spin\(0.5, N\) without total_sz or constraint, or .*Qubit"):
        from_netket(params, hilbert=hi)
    with pytest.raises(InvalidParameterError, match=message):
        tnrbm.interop.as_network((model, {"params": params}), hilbert=hi)
    with pytest.raises(InvalidParameterError, match=message):
        tnrbm.interop.as_sparse_operator(nk.operator.spin.sigmax(hi, 0))


def test_netket_spin_one_state_is_refused(nk) -> None:
    """The reported case: a variational state on Spin(1) used to convert to a different state."""
    vstate = _state(nk, nk.hilbert.Spin(1, 4), np.float64, seed=0, alpha=1)
    with pytest.raises(InvalidParameterError, match=r"hilbert must be .*got Spin\(s=1, N=4.*local states \[2.0, 0.0"):
        tnrbm.interop.as_network(vstate)


def test_as_network_netket_inputs(nk) -> None:
    import jax

    n = 5
    hi = nk.hilbert.Spin(0.5, n)
    vstate = _state(nk, hi, np.complex128, seed=4, alpha=1)
    model = vstate.model
    v = kron_configurations(n)
    log_netket = np.asarray(model.apply(vstate.variables, v))
    for obj in (vstate, (model, vstate.variables), (model, vstate.parameters), vstate.variables):
        rbm = tnrbm.interop.as_network(obj)
        same_state(rbm.log_amplitude(v) - n * LN2, log_netket)
        assert tnrbm.interop.is_netket_object(obj) == (not isinstance(obj, Mapping))
    assert tnrbm.interop.is_netket_object(hi) and tnrbm.interop.is_netket_object(model)
    with pytest.raises(InvalidParameterError, match="an operator is not a state"):
        tnrbm.interop.as_network(nk.operator.spin.sigmax(hi, 0))
    with pytest.raises(InvalidParameterError, match="a model alone has no parameters"):
        tnrbm.interop.as_network(model)
    jastrow = nk.models.Jastrow()
    with pytest.raises(InvalidParameterError, match="model must be a NetKet RBM or RBMSymm; got Jastrow"):
        tnrbm.interop.as_network((jastrow, jastrow.init(jax.random.PRNGKey(0), v[:1])))
    with pytest.raises(InvalidParameterError, match="differs from the variational state"):
        from_netket(vstate, hilbert=nk.hilbert.Spin(0.5, n, inverted_ordering=True))


@pytest.mark.slow
def test_as_network_mcstate(nk) -> None:
    n = 5
    hi = nk.hilbert.Qubit(n)
    mc = nk.vqs.MCState(nk.sampler.MetropolisLocal(hi), nk.models.RBM(alpha=1), n_samples=16, seed=3)
    mc.parameters = _randomize(mc.parameters, seed=4)
    log_netket = np.asarray(mc.model.apply(mc.variables, hi.all_states()))  # NetKet's own amplitudes, basis order
    psi_netket = np.exp(log_netket - log_netket.real.max())
    psi = tnrbm.interop.as_network(mc).to_dense(normalize=True)
    fidelity = abs(np.vdot(psi_netket, psi)) ** 2 / np.vdot(psi_netket, psi_netket).real
    assert fidelity == pytest.approx(1.0, abs=1e-12)


# ------------------------------------------------------------------ NetKet operators
@pytest.mark.parametrize("pbc", [True, False])
def test_netket_ising_sign_convention(nk, pbc: bool) -> None:
    n, h, J = 6, 0.7, 1.3  # noqa: N806
    hi = nk.hilbert.Spin(0.5, n)
    op = nk.operator.Ising(hi, nk.graph.Chain(n, pbc=pbc), h=h, J=J)
    mat = tnrbm.interop.as_sparse_operator(op, n)
    ref = tnrbm.ed.tfim(n, J=-J, h=h, periodic=pbc)  # NetKet: -h sum X + J sum ZZ; tnrbm: -J sum ZZ - h sum X
    assert mat.shape == (2**n, 2**n) and mat.dtype == np.float64
    assert abs(mat - ref).max() < 1e-13
    assert abs(mat - tnrbm.ed.tfim(n, J=J, h=h, periodic=pbc)).max() > 1.0  # the same J is not the same model


def _random_pauli_sum(nk, hi, seed: int):
    """A Hermitian, non-symmetric operator that sees the sign of Z and Y on every site."""
    from netket.operator.spin import sigmax, sigmay, sigmaz

    rng = np.random.default_rng(seed)
    n = hi.size
    op = sum(rng.normal() * sigmaz(hi, i) for i in range(n))
    op = op + sum(rng.normal() * sigmax(hi, i) @ sigmay(hi, (i + 1) % n) for i in range(n))
    return op + sum(rng.normal() * sigmaz(hi, i) @ sigmax(hi, (i + 2) % n) for i in range(n))


@pytest.mark.parametrize("kind", ["spin", "inverted", "qubit"])
def test_netket_operator_expectation_matches_netket(nk, kind: str) -> None:
    """<psi|H|psi> in tnrbm's basis (converted state, converted operator) equals NetKet's own, in NetKet's basis."""
    n = 5
    hi = {
        "spin": nk.hilbert.Spin(0.5, n),
        "inverted": nk.hilbert.Spin(0.5, n, inverted_ordering=True),
        "qubit": nk.hilbert.Qubit(n),
    }[kind]
    op = _random_pauli_sum(nk, hi, seed=5)
    vstate = _state(nk, hi, np.complex128, seed=6)
    psi_nk = np.asarray(vstate.to_array(normalize=True))
    e_netket = np.vdot(psi_nk, op.to_sparse() @ psi_nk)
    psi = tnrbm.interop.as_network(vstate).to_dense(normalize=True)
    mat = tnrbm.interop.as_sparse_operator(op)
    assert mat.dtype == np.complex128 and abs(mat - mat.conj().T).max() < 1e-13
    assert np.vdot(psi, mat @ psi) == pytest.approx(e_netket, abs=1e-12)
    assert abs(e_netket.imag) < 1e-12 and abs(e_netket) > 1e-3  # a test that can fail


def test_as_sparse_operator_checks_size_and_memory(nk) -> None:
    hi = nk.hilbert.Spin(0.5, 4)
    op = nk.operator.Ising(hi, nk.graph.Chain(4), h=1.0)
    with pytest.raises(InvalidParameterError, match=r"operator acts on 4 spins .* but n=5 was asked for"):
        tnrbm.interop.as_sparse_operator(op, 5)
    with pytest.raises(tnrbm.errors.MemoryLimitError, match="the sparse matrix of IsingJax on 4 spins needs about"):
        tnrbm.interop.as_sparse_operator(op, max_memory=1000)


# ------------------------------------------------------------------ NetKet objects at tnrbm's front door
def test_entanglement_min_cut_and_profile_take_netket_states(nk) -> None:
    """A NetKet state goes straight into entanglement/min_cut/entanglement_profile; reference: SVD of to_array."""
    n = 8
    vstate = _state(nk, nk.hilbert.Spin(0.5, n), np.complex128, seed=3)
    psi = np.asarray(vstate.to_array())  # NetKet's own normalized vector (kron order for Spin(1/2))
    ref = half_chain_entropy(psi, n)
    res = tnrbm.entanglement(vstate, range(n // 2), method="cut")
    assert abs(res.entropy - ref) < 1e-10
    assert abs(tnrbm.entanglement((vstate.model, vstate.variables), range(n // 2)).entropy - ref) < 1e-10
    prof = tnrbm.entanglement_profile(vstate)
    assert abs(prof.entropy[n // 2 - 1] - ref) < 1e-10
    # a dense alpha=2 RBM: every hidden unit sees every spin, so the cut is the smaller side
    assert tnrbm.min_cut(vstate, range(3)).size == 3


def test_ed_takes_netket_operators_with_their_sign(nk) -> None:
    """NetKet's Ising(h, J) is -h sum X + J sum ZZ: its ED energy equals tfim(J=-J) (free fermions for J<0)."""
    n = 8
    hi = nk.hilbert.Spin(0.5, n)
    graph = nk.graph.Chain(n, pbc=True)
    op = nk.operator.Ising(hi, graph, h=0.7, J=-1.0)  # ferromagnetic in NetKet's sign
    energy = tnrbm.ed.ground_state(op).energy
    assert abs(energy - tnrbm.exact.tfim_ground_energy(n, J=1.0, h=0.7)) < 1e-10
