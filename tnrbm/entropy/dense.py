"""The dense method: the state vector and its SVD, while ``2**N`` fits in memory."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import scipy.linalg

from ..contract import SMALL_ARRAY, blas_threads
from ..errors import InvalidParameterError
from ..validation import check_memory
from .methods import NotApplicableError, Plan, Problem, register_method, require_numpy_and_minimal_cut

__all__ = ["dense_spectrum", "as_state_vector", "dense_cost", "pow2", "svd_memory", "DENSE_WORK"]

#: bytes the amplitudes' evaluation and the SVD add besides their arrays (BLAS/LAPACK work buffers, the
#: allocator's arenas; counted so that the estimate bounds the measured peak: docs/theory/memory.md)
DENSE_WORK = 32 * 2**20


def pow2(n: int) -> float:
    """``2.0**n``, or inf where that overflows a float."""
    return math.ldexp(1.0, n) if n < 1024 else math.inf


def dense_cost(n: int, k: int, n_edges: int) -> float:
    """Estimated operations of forming a ``2**n`` vector (``n_edges`` couplings) and its SVD across ``k | n - k``."""
    return pow2(n) * (n_edges + pow2(min(k, n - k)) + n)


def dense_spectrum(psi: np.ndarray, region: tuple[int, ...], n: int) -> np.ndarray:
    """Schmidt probabilities of a normalized vector ``psi`` (kron order) across ``region | rest``.

    One copy of ``psi`` is made (the matrix ``psi[A, B]``, handed to LAPACK's ``?gesdd`` in place as its
    Fortran-ordered transpose): :func:`svd_memory` bytes besides ``psi``.

    Examples
    --------
    >>> bell = np.array([1, 0, 0, 1]) / np.sqrt(2)
    >>> dense_spectrum(bell, (0,), 2).round(12).tolist()
    [0.5, 0.5]
    """
    rest = [i for i in range(n) if i not in set(region)]
    mat = np.ascontiguousarray(psi.reshape((2,) * n).transpose(list(region) + rest).reshape(2 ** len(region), -1))
    if np.may_share_memory(mat, psi):
        mat = mat.copy()
    s = scipy.linalg.svd(mat.T, compute_uv=False, overwrite_a=True, check_finite=False, lapack_driver="gesdd")
    p = s**2
    return p / p.sum()


def svd_memory(n: int, k: int, itemsize: int) -> float:
    """Bytes :func:`dense_spectrum` allocates besides the vector of ``n`` spins across ``k | n - k``: the
    matrix copy and ``?gesdd``'s work space (``3 min + max(max, 7 min)`` entries, ``8 min`` integers and,
    complex, ``7 min`` reals, for a ``2**min x 2**max`` matrix)."""
    small, large = pow2(min(k, n - k)), pow2(max(k, n - k))
    return itemsize * (pow2(n) + 3 * small + max(large, 7 * small)) + 4.0 * 8 * small + 8.0 * 7 * small


def as_state_vector(state: Any) -> tuple[np.ndarray, int]:
    """``(psi / |psi|, N)`` for a state vector of length ``2**N`` (any real or complex dtype), checked.

    The norm is taken after scaling by the largest entry, so vectors whose norm overflows float64 work.

    Examples
    --------
    >>> psi, n = as_state_vector(np.array([3.0, 4.0], dtype=np.float16))
    >>> psi.dtype, n, psi.round(6).tolist()
    (dtype('float64'), 1, [0.6, 0.8])
    """
    try:
        psi = np.asarray(state)
    except (TypeError, ValueError):
        raise InvalidParameterError(
            f"state must be an RBM, a DBM or a state vector of length 2**N; got {type(state).__name__}"
        ) from None
    if not (np.issubdtype(psi.dtype, np.number) and not np.issubdtype(psi.dtype, np.timedelta64)):
        raise InvalidParameterError(f"state must be numeric; got dtype {psi.dtype}")
    psi = psi.reshape(-1) if psi.ndim == 2 and 1 in psi.shape else psi
    n = int(round(math.log2(psi.size))) if psi.ndim == 1 and psi.size > 1 else -1
    if psi.ndim != 1 or n < 1 or 2**n != psi.size:
        raise InvalidParameterError(
            f"state must be a state vector of length 2**N (N >= 1); got an array of shape {np.shape(state)}"
        )
    psi = np.array(psi, dtype=np.complex128 if np.iscomplexobj(psi) else np.float64)  # a copy, scaled in place
    if not np.all(np.isfinite(psi)):
        raise InvalidParameterError("state must be finite; got NaN or inf entries")
    parts = (psi.real, psi.imag) if np.iscomplexobj(psi) else (psi,)  # views: max |Re|, |Im| without a copy
    peak = max(max(float(np.max(x)), -float(np.min(x))) for x in parts)
    if peak == 0:
        raise InvalidParameterError("state must not be the zero vector")
    psi /= peak
    psi /= np.linalg.norm(psi)
    return psi, n


def _plan_dense(problem: Problem) -> Plan:
    n, region = problem.n, problem.region
    require_numpy_and_minimal_cut(problem, "dense")
    psi, network = problem.psi, problem.network
    if psi is not None:
        itemsize, n_edges, n_hidden, forming = psi.itemsize, 0, 0, 0.0
    elif network is not None:
        itemsize = 16 if network.is_complex else 8
        n_edges, n_hidden = network.n_edges, sum(network.layer_sizes[1:])
        # the vector with the temporaries of its amplitudes
        forming = network.dense_memory()
    else:  # pragma: no cover - make_problem sets one of them
        raise NotApplicableError("method='dense' needs a network or a state vector")
    # ... then the vector with its matrix copy and the SVD's
    nbytes = max(forming, itemsize * pow2(n) + svd_memory(n, len(region), itemsize)) + DENSE_WORK
    check_memory(
        nbytes,
        f"the dense state vector of {n} spins (with its SVD)",
        problem.max_memory,
        "use method='cut' or 'mps' (they never form the vector), or a smaller network",
    )

    def run() -> tuple[np.ndarray, dict]:
        with blas_threads(1 if pow2(n) <= SMALL_ARRAY else None):  # small vectors and SVDs: one thread
            if psi is not None:
                vec = psi
            elif network is not None:
                vec = network.to_dense(normalize=True, max_memory=problem.max_memory)
            return dense_spectrum(vec, region, n), {}

    return Plan(
        "dense",
        flops=dense_cost(n, len(region), n_edges),
        memory=nbytes,
        run=run,
        overhead=2.5e7 + 37.5 * itemsize * pow2(n) * (n + n_hidden),
    )


register_method("dense", _plan_dense, auto=True)
