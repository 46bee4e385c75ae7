"""Shared test settings and brute-force references.

The references here are written independently of :mod:`tnrbm`: they enumerate every visible and
hidden configuration with :mod:`itertools` and sum plain numpy exponentials, so a test that compares
the package against them never checks the code against itself.

Conventions (those of the package, restated here on purpose): kron order with site 0 the most
significant bit and spin +1 = basis index 0; hidden units take (+1, -1) for ``"spin"`` and (0, 1)
for ``"binary"``.

Hypothesis profiles (select with ``HYPOTHESIS_PROFILE=...``): ``ci`` (default: no deadline, 20 examples,
derandomized so that every run checks the same examples in the same time), ``random`` (20 fresh examples
per run) and ``thorough`` (300 fresh examples).
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterable, Sequence

import numpy as np
import scipy.sparse as sp
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

_COMMON = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
    "print_blob": True,
}
# ci: the same modest set of examples on every run (reproducible CI, bounded time)
settings.register_profile("ci", max_examples=20, derandomize=True, database=None, **_COMMON)
# random: fresh examples each run; thorough: many fresh examples (HYPOTHESIS_PROFILE=thorough)
settings.register_profile("random", max_examples=20, **_COMMON)
settings.register_profile("thorough", max_examples=300, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
# the time model runs on the reference rates, not this machine's (tnrbm.entropy.calibration): auto's choices
# are then the same on every machine, and no calibration is measured or written to the user's cache
os.environ.setdefault("TNRBM_NO_CALIBRATION", "1")

#: spin values of a visible unit for basis index 0 and 1
VISIBLE_SPINS = (1.0, -1.0)
#: values of a hidden unit for each convention
HIDDEN_SPINS = {"spin": (1.0, -1.0), "binary": (0.0, 1.0)}


# --------------------------------------------------------------------------- brute force
def dense_matrix(w) -> np.ndarray:
    """A coupling matrix (numpy or scipy.sparse) as a plain dense numpy array."""
    return np.asarray(w.toarray() if sp.issparse(w) else w)


def spin_configurations(n: int) -> np.ndarray:
    """Every configuration of ``n`` spins in kron order (itertools: first factor varies slowest)."""
    return np.array(list(itertools.product(VISIBLE_SPINS, repeat=n)), dtype=float).reshape(2**n, n)


def brute_force_energies(w_list: Sequence, bias_list: Sequence, hidden: str) -> np.ndarray:
    """``E[v, h] = sum_l bias_l . x_l + sum_l x_l^T W_l x_{l+1}`` for every visible and hidden configuration.

    Shape ``(2**N, 2**M)``, rows in kron order, columns over all hidden layers jointly.
    """
    mats = [dense_matrix(w) for w in w_list]
    sizes = [mats[0].shape[0]] + [m.shape[1] for m in mats]
    biases = [np.zeros(n) if b is None else np.asarray(b) for b, n in zip(bias_list, sizes)]
    visible = spin_configurations(sizes[0])
    hidden_all = np.array(list(itertools.product(HIDDEN_SPINS[hidden], repeat=sum(sizes[1:]))), dtype=float)
    hidden_all = hidden_all.reshape(2 ** sum(sizes[1:]), sum(sizes[1:]))
    splits = np.cumsum(sizes[1:])[:-1]
    layers = np.split(hidden_all, splits, axis=1)  # one (2**M, n_l) block per hidden layer
    energy = (visible @ biases[0])[:, None] + (visible @ mats[0] @ layers[0].T)
    hidden_part = sum(layer @ bias for layer, bias in zip(layers, biases[1:]))
    for k in range(1, len(mats)):
        hidden_part = hidden_part + np.sum((layers[k - 1] @ mats[k]) * layers[k], axis=1)
    return energy + np.asarray(hidden_part)[None, :]


def brute_force_psi(w_list: Sequence, bias_list: Sequence, hidden: str) -> np.ndarray:
    """The unnormalized amplitudes ``psi(v) = sum_h exp(E(v, h))`` of every configuration, kron order.

    ``w_list = [W1, W2, ...]`` (an RBM is ``[W]``), ``bias_list = [a, b1, b2, ...]`` (entries may be None).
    """
    return np.exp(brute_force_energies(w_list, bias_list, hidden)).sum(axis=1)


def brute_force_log_psi(w_list: Sequence, bias_list: Sequence, hidden: str) -> np.ndarray:
    """``log psi(v)`` by a log-sum-exp over the hidden configurations (no overflow; complex allowed,
    the imaginary part then defined mod 2 pi)."""
    energy = brute_force_energies(w_list, bias_list, hidden)
    peak = energy.real.max(axis=1, keepdims=True)
    return peak[:, 0] + np.log(np.exp(energy - peak).sum(axis=1))


def network_parameters(net) -> tuple[list, list]:
    """The weights and biases of a tnrbm network as plain numpy arrays, for the brute-force helpers."""
    return [dense_matrix(w) for w in net.couplings], [np.asarray(b) for b in net.biases]


def brute_force_psi_of(net) -> np.ndarray:
    """:func:`brute_force_psi` of a tnrbm network."""
    w_list, bias_list = network_parameters(net)
    return brute_force_psi(w_list, bias_list, net.hidden)


# --------------------------------------------------------------------------- entanglement by SVD
def bipartition_matrix(psi: np.ndarray, region: Iterable[int], n: int) -> np.ndarray:
    """``M[a, b] = psi[x]`` with ``a`` the bits of ``x`` on ``region`` and ``b`` the rest (bit arithmetic)."""
    region = sorted(region)
    rest = [i for i in range(n) if i not in region]
    x = np.arange(2**n)
    site_bit = {i: (x >> (n - 1 - i)) & 1 for i in range(n)}  # bit of site i (site 0 most significant)
    a = np.zeros(2**n, dtype=np.int64)
    for i in region:
        a = 2 * a + site_bit[i]
    b = np.zeros(2**n, dtype=np.int64)
    for i in rest:
        b = 2 * b + site_bit[i]
    mat = np.zeros((2 ** len(region), 2 ** len(rest)), dtype=np.result_type(psi, float))
    mat[a, b] = psi
    return mat


def svd_spectrum(psi: np.ndarray, region: Iterable[int], n: int) -> np.ndarray:
    """Schmidt probabilities (squared singular values, normalized, descending) of ``region``."""
    s = np.linalg.svd(bipartition_matrix(psi, region, n), compute_uv=False)
    p = np.sort(s**2)[::-1]
    return p / p.sum()


def entropies(p: np.ndarray) -> dict:
    """Von Neumann (key 1), Renyi-2 and min-entropy (key inf) of probabilities ``p``, in nats."""
    nz = p[p > 0]
    return {1: float(-np.sum(nz * np.log(nz))), 2: float(-np.log(np.sum(p**2))), np.inf: float(-np.log(p.max()))}


def random_state(n: int, rng: np.random.Generator) -> np.ndarray:
    """A random complex Gaussian (Haar-distributed) normalized state vector of ``n`` spins."""
    psi = rng.normal(size=2**n) + 1j * rng.normal(size=2**n)
    return psi / np.linalg.norm(psi)


def relative_error(approx: np.ndarray, ref: np.ndarray) -> float:
    """``max |approx - ref| / max |ref|`` (the error relative to the largest amplitude)."""
    approx, ref = np.asarray(approx), np.asarray(ref)
    return float(np.max(np.abs(approx - ref)) / np.max(np.abs(ref)))


def phase_difference(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``(a - b)`` wrapped into ``(-pi, pi]`` (for imaginary parts of logarithms, defined mod 2 pi)."""
    return np.angle(np.exp(1j * (np.asarray(a) - np.asarray(b))))


# --------------------------------------------------------------------------- largest errors seen
MAX_ERRORS: dict[str, float] = {}


def record_error(name: str, value: float) -> None:
    """Remember the largest error of kind ``name`` seen in this run (printed in the terminal summary)."""
    MAX_ERRORS[name] = max(MAX_ERRORS.get(name, 0.0), float(value))


def pytest_terminal_summary(terminalreporter, exitstatus, config):  # noqa: ARG001 - pytest hook signature
    if MAX_ERRORS:
        terminalreporter.section("largest errors against the references")
        for name in sorted(MAX_ERRORS):
            terminalreporter.write_line(f"{name:60s} {MAX_ERRORS[name]:.3e}")


# --------------------------------------------------------------------------- hypothesis strategies
def _draw_array(rng: np.random.Generator, shape, scale: float, complex_: bool) -> np.ndarray:
    x = rng.normal(0.0, scale, size=shape)
    if complex_:
        x = x + 1j * rng.normal(0.0, scale, size=shape)
    return x


def as_format(w: np.ndarray, fmt: str):
    """``w`` as a dense numpy array (``"dense"``) or a scipy.sparse matrix/array of format ``fmt``."""
    if fmt == "dense":
        return w
    return {"csr": sp.csr_matrix, "csc": sp.csc_matrix, "coo": sp.coo_matrix, "csr_array": sp.csr_array}[fmt](w)


@st.composite
def rbm_parameters(draw, max_visible: int = 12, max_hidden: int = 6, max_log2_terms: int = 18, scale: float = 0.5):
    """Random RBM parameters drawn in the test (not by tnrbm.models), with the brute-force budget capped.

    Returns a dict with ``W`` (dense numpy, zeros = no coupling), ``a``, ``b``, ``hidden``, ``fmt``
    (how to pass ``W``: dense or a scipy.sparse format) and the flags drawn.
    """
    n = draw(st.integers(1, max_visible))
    m = draw(st.integers(0, max(0, min(max_hidden, max_log2_terms - n))))
    hidden = draw(st.sampled_from(["spin", "binary"]))
    complex_ = draw(st.booleans())
    density = draw(st.sampled_from([1.0, 0.7, 0.35]))
    fmt = draw(st.sampled_from(["dense", "csr", "csc", "coo", "csr_array"]))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    w = _draw_array(rng, (n, m), scale, complex_) * (rng.random((n, m)) < density)
    a = _draw_array(rng, n, scale, complex_)
    b = _draw_array(rng, m, scale, complex_)
    return {"W": w, "a": a, "b": b, "hidden": hidden, "fmt": fmt, "complex": complex_, "density": density}


@st.composite
def dbm_parameters(draw, n_layers=(2, 3), max_visible: int = 8, max_log2_terms: int = 16, scale: float = 0.5):
    """Random DBM parameters ``{"weights": [W1, ...], "biases": [a, b1, ...], "hidden", ...}`` (dense numpy)."""
    layers = draw(st.sampled_from(list(n_layers)))
    n = draw(st.integers(1, max_visible))
    budget = max_log2_terms - n
    sizes = [n]
    for k in range(layers):
        left = budget - (layers - k - 1)  # leave at least one unit for each remaining layer
        size = draw(st.integers(1, max(1, min(4, left))))
        sizes.append(size)
        budget -= size
    hidden = draw(st.sampled_from(["spin", "binary"]))
    complex_ = draw(st.booleans())
    density = draw(st.sampled_from([1.0, 0.6]))
    fmt = draw(st.sampled_from(["dense", "csr"]))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    weights = [
        _draw_array(rng, (p, q), scale, complex_) * (rng.random((p, q)) < density) for p, q in zip(sizes, sizes[1:])
    ]
    biases = [_draw_array(rng, s, scale, complex_) for s in sizes]
    return {"weights": weights, "biases": biases, "hidden": hidden, "fmt": fmt, "complex": complex_, "sizes": sizes}


def fixed_dbm_parameters(sizes, hidden: str, complex_: bool, fmt: str, seed: int, scale: float = 0.5) -> dict:
    """DBM parameters of a given shape, in the format of :func:`dbm_parameters` (fully connected layers)."""
    rng = np.random.default_rng(seed)
    weights = [_draw_array(rng, (p, q), scale, complex_) for p, q in zip(sizes, sizes[1:])]
    biases = [_draw_array(rng, s, scale, complex_) for s in sizes]
    return {
        "weights": weights,
        "biases": biases,
        "hidden": hidden,
        "fmt": fmt,
        "complex": complex_,
        "sizes": list(sizes),
    }


#: DBM cases that every run checks besides the random shapes: two and three hidden layers, both hidden
#: conventions, real and complex, dense and sparse input.
FAST_DBM_CASES = [
    ([6, 3, 3], "spin", False, "dense"),
    ([7, 2, 4], "binary", True, "csr"),
    ([5, 3, 3, 2], "binary", False, "csr"),
    ([6, 2, 2, 2], "spin", True, "dense"),
]


def fixed_rbm_parameters(
    n: int, m: int, hidden: str, complex_: bool, sparse_: bool, seed: int, scale: float = 0.5
) -> dict:
    """RBM parameters in the format of :func:`rbm_parameters`; ``sparse_``: density 0.5, passed as scipy CSR."""
    rng = np.random.default_rng(seed)
    w = _draw_array(rng, (n, m), scale, complex_)
    if sparse_:
        w = w * (rng.random((n, m)) < 0.5)
    a, b = _draw_array(rng, n, scale, complex_), _draw_array(rng, m, scale, complex_)
    return {"W": w, "a": a, "b": b, "hidden": hidden, "fmt": "csr" if sparse_ else "dense", "complex": complex_}


def toric_edges(L: int) -> dict:  # noqa: N803
    """The toric-code edge indexing written out independently of the package: horizontal edge
    h(x, y) = 2 (x L + y), vertical edge v(x, y) = h(x, y) + 1; the four edges of each star and each plaquette,
    and the two non-contractible X loops."""

    def hor(x: int, y: int) -> int:
        return 2 * ((x % L) * L + y % L)

    def ver(x: int, y: int) -> int:
        return hor(x, y) + 1

    return {
        "stars": [(hor(x, y), hor(x, y - 1), ver(x, y), ver(x - 1, y)) for x in range(L) for y in range(L)],
        "plaquettes": [(hor(x, y), hor(x + 1, y), ver(x, y), ver(x, y + 1)) for x in range(L) for y in range(L)],
        "x_loops": [tuple(ver(0, y) for y in range(L)), tuple(hor(x, 0) for x in range(L))],
    }
