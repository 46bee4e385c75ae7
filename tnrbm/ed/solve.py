"""Ground states by Lanczos (or dense diagonalization), energies, expectation values and fidelities."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from ..errors import InvalidParameterError
from ..interop import as_sparse_operator, is_netket_object
from ..network import BoltzmannNetwork
from ..validation import check_int, check_memory, check_nonnegative, rng_from_seed
from .pauli import PauliSum

__all__ = ["GroundStateResult", "as_operator", "ground_state", "state_vector", "expectation", "energy", "fidelity"]


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
    """

    energies: np.ndarray
    vectors: np.ndarray
    seconds: float
    method: str
    matvecs: int = 0

    @property
    def energy(self) -> float:
        """The lowest eigenvalue."""
        return float(self.energies[0])

    @property
    def vector(self) -> np.ndarray:
        """The eigenvector of the lowest eigenvalue."""
        return self.vectors[:, 0]


def as_operator(H: Any) -> Any:  # noqa: N803
    """``H`` as something with ``@`` and ``shape``: a PauliSum becomes a matrix-free operator.

    Accepts a :class:`PauliSum`, a scipy sparse matrix, a ``LinearOperator``, a square numpy array, or a
    NetKet operator (its sparse form in tnrbm's kron order, :func:`tnrbm.interop.as_sparse_operator`;
    note NetKet's ``Ising(J)`` is ``+J sum ZZ``, the opposite sign of :func:`tnrbm.ed.tfim`).

    Examples
    --------
    >>> from tnrbm import ed
    >>> ed.as_operator(ed.tfim(3, form="pauli")).shape
    (8, 8)
    """
    if isinstance(H, PauliSum):
        return H.to_operator()
    if is_netket_object(H):
        H = as_sparse_operator(H)  # noqa: N806
    if sp.issparse(H) or isinstance(H, spla.LinearOperator):
        op = H
    else:
        try:
            op = np.asarray(H)
        except (TypeError, ValueError):
            op = None
        if op is None or not np.issubdtype(op.dtype, np.number) or op.ndim != 2:
            raise InvalidParameterError(
                "H must be a PauliSum, a scipy sparse matrix, a LinearOperator or a square array; "
                f"got {type(H).__name__}"
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


def ground_state(
    H: Any,  # noqa: N803
    k: int = 1,
    tol: float = 0.0,
    seed: int = 0,
    dense_below: int = 256,
    ncv: int | None = None,
    max_memory: float | None = None,
) -> GroundStateResult:
    """The ``k`` lowest eigenpairs of a Hermitian Hamiltonian by Lanczos (scipy ``eigsh``).

    Parameters
    ----------
    H
        A :class:`PauliSum` (run matrix-free), a scipy sparse matrix, a ``LinearOperator`` or a
        dense array.
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
        Refuse with :class:`~tnrbm.errors.MemoryLimitError` when the Lanczos vectors would need more
        bytes (default: a quarter of the available memory).

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
    op = as_operator(H)
    dim = op.shape[0]
    k = check_int(k, "k", minimum=1)
    tol = check_nonnegative(tol, "tol")
    dense_below = check_int(dense_below, "dense_below", minimum=0)
    rng = rng_from_seed(seed)
    if k >= dim:
        raise InvalidParameterError(f"k must be smaller than the dimension {dim}; got k={k}")
    itemsize = 16 if np.issubdtype(op.dtype, np.complexfloating) else 8
    ncv = min(dim, max(2 * k + 1, 20)) if ncv is None else check_int(ncv, "ncv", minimum=k + 2)
    check_memory(
        float(ncv + 4) * itemsize * dim if dim >= dense_below else 16.0 * dim * dim,
        f"the Lanczos vectors of a {dim}-dimensional eigenproblem ({ncv} vectors)",
        max_memory,
        "use a smaller system",
    )
    t0 = time.perf_counter()
    matvecs = 0
    if dim < dense_below:
        mat = op.toarray() if sp.issparse(op) else (op @ np.eye(dim) if isinstance(op, spla.LinearOperator) else op)
        w, v = np.linalg.eigh(mat)
        w, v, method = w[:k], v[:, :k], "dense"
    else:
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
        w, v, method = w[order], v[:, order], "lanczos"
        matvecs = counter[0]
    return GroundStateResult(
        energies=np.asarray(w, dtype=float),
        vectors=_fix_phase(np.array(v)),
        seconds=time.perf_counter() - t0,
        method=method,
        matvecs=matvecs,
    )


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
    norm = np.linalg.norm(vec)
    if not np.isfinite(norm) or norm == 0:
        raise InvalidParameterError(f"{name} must be finite and nonzero")
    return vec / norm


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
    val = complex(np.vdot(psi, op @ psi))
    return val.real if abs(val.imag) <= 1e-12 * max(1.0, abs(val)) else val


def energy(network: Any, H: Any) -> float:  # noqa: N803
    """The exact energy ``<psi|H|psi> / <psi|psi>`` of a network (small n: uses ``to_dense``) or vector.

    Examples
    --------
    >>> from tnrbm import ed, states
    >>> round(ed.energy(states.cluster(6), ed.cluster(6)), 12)
    -6.0
    """
    val = expectation(network, H)
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
