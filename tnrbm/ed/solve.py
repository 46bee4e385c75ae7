"""Ground states by Lanczos (or dense diagonalization), energies, expectation values and fidelities."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from .._deprecated import renamed_keywords
from ..contract.threads import SMALL_ARRAY, blas_threads
from ..errors import InvalidParameterError
from ..network import BoltzmannNetwork
from ..validation import MaxMemory, check_int, check_nonnegative, rng_from_seed
from .pauli import PauliSum, check_ed_memory, check_sites

__all__ = [
    "GroundStateResult",
    "as_operator",
    "check_hamiltonian",
    "ground_state",
    "ground_state_memory",
    "state_vector",
    "expectation",
    "energy",
    "fidelity",
]


@dataclass
class GroundStateResult:
    """The ``k`` lowest eigenpairs of a Hamiltonian.

    Attributes
    ----------
    energies : numpy.ndarray
        Ascending eigenvalues, length k.
    vectors : numpy.ndarray
        Normalized eigenvectors as columns, shape ``(2**n, k)``, each with its largest-magnitude
        entry real and positive.
    seconds : float
        Wall time of the eigensolver.
    method : str
        ``"lanczos"`` (scipy ``eigsh``) or ``"dense"`` (``numpy.linalg.eigh``, small matrices).
    matvecs : int
        Number of products ``H @ v`` the Lanczos solver made (0 for dense).
    memory : float
        The bytes this call was estimated to allocate (:func:`ground_state_memory`), checked against
        ``max_memory``.
    """

    energies: np.ndarray
    vectors: np.ndarray
    seconds: float
    method: str
    matvecs: int = 0
    memory: float = 0.0

    @property
    def energy(self) -> float:
        """The lowest eigenvalue."""
        return float(self.energies[0])

    @property
    def vector(self) -> np.ndarray:
        """The eigenvector of the lowest eigenvalue."""
        return self.vectors[:, 0]


@renamed_keywords(H="operator")
def as_operator(operator: Any) -> Any:
    """``operator`` as something with ``@`` and ``shape``: a PauliSum becomes a matrix-free operator.

    Accepts a :class:`PauliSum`, a scipy sparse matrix, a ``LinearOperator``, a square numpy array, or a
    NetKet operator (its sparse form in tnrbm's kron order, :func:`tnrbm.interop.as_sparse_operator`;
    note NetKet's ``Ising(J)`` is ``+J sum ZZ``, the opposite sign of :func:`tnrbm.ed.tfim`).

    Examples
    --------
    >>> from tnrbm import ed
    >>> ed.as_operator(ed.tfim(3, form="pauli")).shape
    (8, 8)
    """
    if isinstance(operator, PauliSum):
        return operator.to_operator()
    if sp.issparse(operator) or isinstance(operator, spla.LinearOperator):
        op = operator
    else:
        try:
            op = np.asarray(operator)
        except (TypeError, ValueError):
            op = None
        if op is None or not np.issubdtype(op.dtype, np.number) or op.ndim != 2:
            raise InvalidParameterError(
                "H must be a PauliSum, a scipy sparse matrix, a LinearOperator or a square array; "
                f"got {type(operator).__name__}"
            )
    shape = op.shape
    if len(shape) != 2 or shape[0] != shape[1] or shape[0] < 2 or shape[0] & (shape[0] - 1):
        raise InvalidParameterError(f"H must be square of size 2**n; got shape {shape}")
    return op


def _fix_phase(vecs: np.ndarray) -> np.ndarray:
    for j in range(vecs.shape[1]):
        v = vecs[:, j]
        i = int(np.argmax(np.abs(v)))
        vecs[:, j] = v * (np.conj(v[i]) / abs(v[i]))
        vecs[:, j] /= np.linalg.norm(vecs[:, j])
    if np.iscomplexobj(vecs) and np.all(np.abs(vecs.imag) < 1e-14 * max(1.0, float(np.abs(vecs).max()))):
        vecs = np.ascontiguousarray(vecs.real)
    return vecs


#: relative size of ``<y, H x> - <H y, x>`` above which H is not Hermitian (rounding stays below 1e-12
#: up to 2**30 basis states)
HERMITIAN_RTOL = 1e-9


@renamed_keywords(op="operator")
def check_hamiltonian(operator: Any, name: str = "H") -> None:
    """Refuse a matrix or operator that is not finite or not Hermitian, with two products ``H @ x``.

    For random ``x, y`` (fixed seed, no zero entries) ``H @ x`` is finite exactly when every entry of H
    is (a NaN or inf entry reaches its row), and ``<y, H x> = <H y, x>`` holds for a non-Hermitian H
    with probability zero. Costs two products and four vectors, for dense arrays, sparse matrices and
    ``LinearOperator`` alike.

    Examples
    --------
    >>> import numpy as np
    >>> try:
    ...     check_hamiltonian(np.array([[0.0, 1.0], [0.0, 0.0]]))
    ... except InvalidParameterError as err:
    ...     print(str(err)[:50])
    H must be Hermitian (ground_state's eigensolvers a
    """
    dim = operator.shape[0]
    probe = np.random.default_rng(0x5EED)
    cplx = np.issubdtype(np.dtype(operator.dtype or np.float64), np.complexfloating)
    x, y = (probe.uniform(0.5, 1.5, size=dim) * probe.choice((-1.0, 1.0), size=dim) for _ in range(2))
    if cplx:
        x, y = x * np.exp(2j * np.pi * probe.random(dim)), y * np.exp(2j * np.pi * probe.random(dim))
    with np.errstate(all="ignore"):
        hx, hy = np.asarray(operator @ x).reshape(-1), np.asarray(operator @ y).reshape(-1)
        finite = bool(np.all(np.isfinite(hx)) and np.all(np.isfinite(hy)))
        if finite:
            gap = abs(np.vdot(y, hx) - np.vdot(hy, x))
            scale = _norm(hx) * _norm(y) + _norm(hy) * _norm(x)
    if not finite:
        raise InvalidParameterError(
            f"{name} (the Hamiltonian) must be finite; H @ x is NaN or inf for a random x: its matrix holds "
            "NaN or inf (or entries so large that products overflow); fix the entries or the coefficients"
        )
    if not gap <= HERMITIAN_RTOL * max(scale, np.finfo(float).tiny):
        raise InvalidParameterError(
            f"{name} must be Hermitian (ground_state's eigensolvers assume it); <y, H x> - <H y, x> = {gap:.3g} "
            f"for random x, y (relative {gap / max(scale, np.finfo(float).tiny):.2g}); symmetrize it as "
            "(H + H^dagger) / 2 if that is what you mean"
        )


def _norm(v: np.ndarray) -> float:
    """The 2-norm without underflow or overflow (``numpy.linalg.norm`` squares: 1e-243 entries give 0)."""
    peak = float(np.max(np.abs(v))) if v.size else 0.0
    return peak * float(np.linalg.norm(v / peak)) if peak > 0 else 0.0


def _itemsize(dtype: Any) -> int:
    return 16 if np.issubdtype(np.dtype(dtype or np.float64), np.complexfloating) else 8


@renamed_keywords(H="hamiltonian")
def ground_state_memory(
    hamiltonian: Any,
    k: int = 1,
    dense_below: int = 256,
    ncv: int | None = None,
) -> list[tuple[str, float]]:
    """What :func:`ground_state` allocates, as ``(what, bytes)`` parts (nothing is built to find out).

    Counted: a :class:`PauliSum`'s matrix-free operator (the diagonal; a sparse matrix on the dense
    path), and either the dense eigensolver (the dense matrix, LAPACK's copy, the eigenvectors and
    ``eigh``'s workspace, and for a ``LinearOperator`` its product with the identity) or the Lanczos
    solver (``ncv`` vectors, ARPACK's three work vectors and its residual, the start vector, the
    products' outputs, the ``k`` eigenvectors twice and ARPACK's ``ncv x ncv`` work arrays). A matrix
    passed in is already allocated and not counted.

    Examples
    --------
    >>> from tnrbm import ed
    >>> parts = ground_state_memory(ed.tfim(20, form="pauli"))
    >>> [what.split(" (")[0] for what, _ in parts]
    ['the matrix-free operator', 'the Lanczos vectors']
    >>> round(sum(b for _, b in parts) / 2**20)
    262
    """
    if isinstance(hamiltonian, PauliSum):
        check_sites(hamiltonian.n)
        dim, dtype = 2**hamiltonian.n, hamiltonian.dtype
    else:
        op = as_operator(hamiltonian)
        dim, dtype = op.shape[0], op.dtype
    k = check_int(k, "k", minimum=1)
    dense_below = check_int(dense_below, "dense_below", minimum=0)
    if k >= dim:
        raise InvalidParameterError(f"k must be smaller than the dimension {dim}; got k={k}")
    ncv = min(dim, max(2 * k + 1, 20)) if ncv is None else check_int(ncv, "ncv", minimum=k + 2, maximum=dim)
    item = _itemsize(dtype)
    parts = []
    dense = dim < dense_below
    if isinstance(hamiltonian, PauliSum):
        form = "sparse" if dense else "operator"
        parts.append(
            (
                f"the matrix-free operator ({dim} basis states)" if not dense else "the sparse matrix",
                hamiltonian.memory(form),
            )
        )
    if dense:
        extra = (8.0 + 2 * item) if isinstance(hamiltonian, spla.LinearOperator) else 0.0
        parts.append((f"the dense eigensolver ({dim} x {dim})", (6.0 * item + extra) * dim * dim))
    else:
        vectors = float(ncv + 8 + 2 * k) * item * dim + 4.0 * item * ncv * (ncv + 8)
        parts.append((f"the Lanczos vectors ({ncv} vectors of {dim} entries and ARPACK's work space)", vectors))
    return parts


@renamed_keywords(H="hamiltonian")
def ground_state(
    hamiltonian: Any,
    k: int = 1,
    tol: float = 0.0,
    seed: int = 0,
    dense_below: int = 256,
    ncv: int | None = None,
    max_memory: MaxMemory = None,
) -> GroundStateResult:
    """The ``k`` lowest eigenpairs of a Hermitian Hamiltonian by Lanczos (scipy ``eigsh``).

    Parameters
    ----------
    hamiltonian
        A :class:`PauliSum` (run matrix-free), a scipy sparse matrix, a ``LinearOperator`` or a
        dense array, Hermitian and finite (checked with two products, :func:`check_hamiltonian`).
    k
        Number of eigenpairs.
    tol
        Lanczos tolerance (0: machine precision).
    seed
        Seed of the Lanczos start vector (results are deterministic for a given seed).
    dense_below
        Use dense ``eigh`` for matrices of dimension below this.
    ncv
        Number of Lanczos vectors (default ``max(2k + 1, 20)``): more vectors, fewer restarts and more
        memory.
    max_memory
        Refuse with :class:`~tnrbm.errors.MemoryLimitError`, before anything is allocated, when what
        this call allocates (:func:`ground_state_memory`: the Lanczos vectors or the dense eigensolver,
        and a :class:`PauliSum`'s operator) would need more bytes; the message names the largest part
        and the smallest limit that works (default: a quarter of the available memory).

    Returns
    -------
    GroundStateResult
        With a degenerate ground space the vectors span part of it (which part is arbitrary).

    Examples
    --------
    >>> from tnrbm import ed
    >>> res = ed.ground_state(ed.tfim(10, h=0.5), k=2)
    >>> [round(float(e), 8) for e in res.energies]
    [-10.63560441, -10.63528368]
    """
    tol = check_nonnegative(tol, "tol")
    rng = rng_from_seed(seed)
    src = hamiltonian if isinstance(hamiltonian, PauliSum) else as_operator(hamiltonian)
    parts = ground_state_memory(src, k, dense_below, ncv)
    dim = 2**src.n if isinstance(src, PauliSum) else src.shape[0]
    memory = check_ed_memory(
        parts, max_memory, "use fewer qubits, a smaller k or ncv", f"ground_state of a {dim}-dimensional Hamiltonian"
    )
    k, dense = check_int(k, "k"), dim < dense_below
    if isinstance(src, PauliSum):  # Hermitian and finite by construction
        op = src.to_sparse(max_memory) if dense else src.to_operator(max_memory)
    else:
        op = src
        check_hamiltonian(op)
    t0 = time.perf_counter()
    ncv = min(dim, max(2 * k + 1, 20)) if ncv is None else int(ncv)
    # small BLAS operands (ARPACK's dim x ncv basis, a dense matrix) run on one thread: threaded, a 512 x 512
    # Lanczos took 20-80 s on a busy 2-core machine instead of 0.5 s
    largest = float(dim) * dim if (dense or isinstance(op, np.ndarray)) else float(dim) * ncv
    with blas_threads(1 if largest < SMALL_ARRAY else None):
        if dense:
            w, v, matvecs = *_dense_eigh(op, k), 0
        else:
            w, v, matvecs = _lanczos(op, k, tol, rng, ncv)
    return GroundStateResult(
        energies=np.asarray(w, dtype=float),
        vectors=_fix_phase(np.array(v)),
        seconds=time.perf_counter() - t0,
        method="dense" if dense else "lanczos",
        matvecs=matvecs,
        memory=memory,
    )


def _dense_eigh(op: Any, k: int) -> tuple[np.ndarray, np.ndarray]:
    dim = op.shape[0]
    mat = op.toarray() if sp.issparse(op) else (op @ np.eye(dim) if isinstance(op, spla.LinearOperator) else op)
    w, v = np.linalg.eigh(mat)
    return w[:k], v[:, :k]


def _lanczos(op: Any, k: int, tol: float, rng: np.random.Generator, ncv: int) -> tuple[np.ndarray, np.ndarray, int]:
    dim = op.shape[0]
    v0 = rng.normal(size=dim)
    if np.issubdtype(op.dtype, np.complexfloating):
        v0 = v0 + 1j * rng.normal(size=dim)
    counter = [0]

    def matvec(x: np.ndarray) -> np.ndarray:
        counter[0] += 1
        return op @ x

    counted = spla.LinearOperator(op.shape, matvec=matvec, dtype=op.dtype)
    w, v = spla.eigsh(counted, k=k, which="SA", v0=v0, tol=tol, ncv=ncv)
    order = np.argsort(w)
    return w[order], v[:, order], counter[0]


def state_vector(state: Any, name: str = "state") -> np.ndarray:
    """A normalized state vector from a network (its ``to_dense``) or an array of length ``2**n``.

    Examples
    --------
    >>> import numpy as np
    >>> from tnrbm import ed
    >>> ed.state_vector(np.array([3.0, 4.0]))
    array([0.6, 0.8])
    """
    if isinstance(state, BoltzmannNetwork):
        return state.to_dense(normalize=True)
    try:
        vec = np.asarray(state)
    except (TypeError, ValueError):
        vec = None
    if vec is None or not np.issubdtype(vec.dtype, np.number):
        raise InvalidParameterError(f"{name} must be a network or a numeric vector; got {type(state).__name__}")
    vec = vec.reshape(-1) if vec.ndim == 2 and 1 in vec.shape else vec
    if vec.ndim != 1 or vec.size < 2 or vec.size & (vec.size - 1):
        raise InvalidParameterError(f"{name} must be a vector of length 2**n; got shape {np.shape(state)}")
    vec = vec.astype(np.complex128 if np.iscomplexobj(vec) else np.float64, copy=False)  # float16, ints: float64
    with np.errstate(all="ignore"):
        peak = float(np.max(np.abs(vec)))
    if not np.isfinite(peak) or peak == 0:
        raise InvalidParameterError(f"{name} must be finite and nonzero")
    out = vec / peak  # first to the largest entry: the norm of [1e154, 1e154] would overflow
    out /= np.linalg.norm(out)
    return out


def expectation(state: Any, operator: Any) -> complex | float:
    """``<psi|O|psi> / <psi|psi>`` exactly, for a network (via ``to_dense``) or a vector.

    Real (float) when the operator is Hermitian up to rounding, complex otherwise.

    Examples
    --------
    >>> import numpy as np
    >>> from tnrbm import ed
    >>> plus = np.ones(4) / 2
    >>> ed.expectation(plus, ed.pauli_sum(2, {"XX": 1.0}))
    1.0
    """
    psi = state_vector(state)
    op = as_operator(operator)
    if op.shape[0] != psi.size:
        raise InvalidParameterError(f"operator has shape {op.shape}; the state has length {psi.size}")
    with np.errstate(all="ignore"):
        val = complex(np.vdot(psi, op @ psi))
    if not np.isfinite(val):
        raise InvalidParameterError(
            f"operator must be finite; <psi|O|psi> = {val} (its matrix holds NaN or inf, or overflows)"
        )
    return val.real if abs(val.imag) <= 1e-12 * max(1.0, abs(val)) else val


@renamed_keywords(network="state", H="hamiltonian")
def energy(state: Any, hamiltonian: Any) -> float:
    """The exact energy ``<psi|H|psi> / <psi|psi>`` of a network (small n: uses ``to_dense``) or vector.

    Examples
    --------
    >>> from tnrbm import ed, states
    >>> round(ed.energy(states.cluster(6), ed.cluster_hamiltonian(6)), 12)
    -6.0
    """
    val = expectation(state, hamiltonian)
    if isinstance(val, complex):
        raise InvalidParameterError(f"H must be Hermitian; <psi|H|psi> = {val} is not real")
    return float(val)


def fidelity(a: Any, b: Any) -> float:
    """``|<a|b>|**2 / (<a|a> <b|b>)`` for networks or state vectors.

    Examples
    --------
    >>> import numpy as np
    >>> from tnrbm import ed
    >>> round(ed.fidelity(np.array([1.0, 0.0]), np.array([1.0, 1.0])), 12)
    0.5
    """
    va, vb = state_vector(a, "a"), state_vector(b, "b")
    if va.size != vb.size:
        raise InvalidParameterError(f"a and b must have the same length; got {va.size} and {vb.size}")
    return float(min(abs(np.vdot(va, vb)) ** 2, 1.0))
