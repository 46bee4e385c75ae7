"""The Schmidt spectrum and the purity of ``psi = X Y^T`` from the two Gram matrices of a cut.

With ``G_A = X^dagger X`` and ``G_B = Y^dagger Y`` (``2**m x 2**m``, from :mod:`tnrbm.entropy.cut`),
``rho_A = X G_B^T X^dagger`` has the nonzero spectrum of ``R^dagger G_B^T R`` for any root
``G_A = R R^dagger``, and ``Tr rho_A^k = Tr (G_A G_B^T)^k``. Real Grams (a real network) stay real.

On numpy the work is done in LAPACK on one triangle, in place where the arrays allow it: the scaled
Grams, a rank-revealing pivoted Cholesky root (``?pstrf``), the congruence ``L^dagger B L`` (``?sygst``
/``?hegst``, half the flops of two products; for a rank-deficient root two triangular products ``?trmm``)
and eigenvalues only (``?syevd``). With ``overwrite=True`` that holds the two Grams and nothing else of
their size (:data:`SPECTRUM_ARRAYS_HELD`): 4 GiB at m = 14 for a real network; the permutation, the
scaling and the conjugations are done in place in row blocks. The purity holds one product more
(:data:`PURITY_ARRAYS_HELD`).
"""

from __future__ import annotations

from typing import Any

import autoray
import numpy as np
import scipy.linalg

from ..contract import Backend, get_backend
from ..errors import NumericalError
from ..validation import check_bool

__all__ = [
    "GRAM_ARRAYS_HELD",
    "LAPACK_WORK",
    "PURITY_ARRAYS_HELD",
    "SPECTRUM_ARRAYS_HELD",
    "purity_from_grams",
    "spectrum_from_grams",
]

#: ``2**m x 2**m`` arrays held at the same time by :func:`spectrum_from_grams` with ``overwrite=True``: the
#: two Grams, transformed in place (the eigen-solver's work space is ``O(2**m)``)
SPECTRUM_ARRAYS_HELD = 2
#: ``2**m x 2**m`` arrays held by :func:`purity_from_grams` with ``overwrite=True``: the two Grams and
#: their product (two when one Gram is diagonal)
PURITY_ARRAYS_HELD = 3
#: the larger of the two (the name before 0.4)
GRAM_ARRAYS_HELD = max(SPECTRUM_ARRAYS_HELD, PURITY_ARRAYS_HELD)
#: bytes that the BLAS/LAPACK calls add besides the arrays (OpenBLAS allocates a work buffer of 32 MiB per
#: thread on its first large product; measured 17-35 MiB above the traced arrays at m = 10-12)
LAPACK_WORK = 64 * 2**20
#: entries of the temporaries of one row block (the block-wise reductions, permutations and scalings)
_BLOCK_ENTRIES = 2**18


def _row_blocks(n: int, width: int) -> list[slice]:
    """Slices of ``range(n)`` with at most ``_BLOCK_ENTRIES`` entries in ``width`` columns each."""
    step = max(1, _BLOCK_ENTRIES // max(width, 1))
    return [slice(i, min(i + step, n)) for i in range(0, n, step)]


def _abs_max(g: np.ndarray) -> float:
    """``max |g|`` without a full-size temporary."""
    if not np.iscomplexobj(g):
        return max(float(g.max()), -float(g.min()), 0.0) if g.size else 0.0
    rows = g.reshape(g.shape[0], -1)
    return max((float(np.max(np.abs(rows[r]))) for r in _row_blocks(rows.shape[0], rows.shape[1])), default=0.0)


def _is_real(g: np.ndarray) -> bool:
    """Whether ``g`` has no nonzero imaginary part (checked in row blocks)."""
    return not np.iscomplexobj(g) or not any(np.any(g.imag[r]) for r in _row_blocks(g.shape[0], g[:1].size))


def _scaled(g: Any, overwrite: bool, real: bool | None = None) -> np.ndarray:
    """``g`` as float64 (when ``real``; None: when its imaginary part is 0) or complex128, scaled to largest
    magnitude 1.

    A copy unless ``overwrite`` and ``g`` already has the dtype (then ``g`` itself, scaled in place).
    """
    g = np.asarray(g)
    if real is None:
        real = _is_real(g)
    if real and np.iscomplexobj(g):
        g, overwrite = g.real, False
    dtype = np.float64 if real else np.complex128
    if not (overwrite and g.dtype == dtype and g.flags.writeable):
        g = np.array(g, dtype=dtype)
    g *= 1.0 / max(_abs_max(g), np.finfo(float).tiny)
    return g


def _hermitian(g: np.ndarray) -> np.ndarray:
    """``g`` made exactly Hermitian and scaled to largest magnitude 1; real when its imaginary part is 0."""
    g = _scaled(g, overwrite=False)
    return (g + g.conj().T) / 2


def _is_diagonal(g: np.ndarray) -> bool:
    return np.count_nonzero(g) == np.count_nonzero(np.diagonal(g))


def _fortran(g: np.ndarray) -> np.ndarray:
    """A Fortran-ordered array whose lower triangle, read as a Hermitian matrix, is that of the Hermitian
    matrix ``g``: ``g`` itself, ``g.T`` of a C-ordered one (conjugated in place first when complex, so
    ``g`` is overwritten) or, for a read-only or strided ``g``, a copy."""
    if g.flags.f_contiguous:
        return g
    if g.flags.c_contiguous and (not np.iscomplexobj(g) or g.flags.writeable):
        if np.iscomplexobj(g):
            np.conjugate(g, out=g)  # conj(G)^T = G for a Hermitian G
        return g.T
    return np.asfortranarray(g)


def _permute_in_place(g: np.ndarray, order: np.ndarray) -> None:
    """``g[:] = g[order][:, order]`` for a C-ordered square ``g``, with block-sized temporaries only."""
    n = g.shape[0]
    for c in _row_blocks(n, n):
        g[:, c] = g[order, c]
    for r in _row_blocks(n, n):
        g[r, :] = g[r][:, order]


def _transposed_permuted(gb: np.ndarray, order: np.ndarray) -> np.ndarray:
    """``(G_B^T)[P, P]`` (``P = order``) as a Fortran-ordered array, in the memory of ``gb`` where it can be.

    A C-ordered array ``X`` holding the Hermitian ``G_B[P, P]`` is, read as ``X.T`` (Fortran order),
    ``G_B[P, P]^T = (G_B^T)[P, P]``; a Fortran-ordered ``gb`` is the C-ordered ``conj(G_B)``.
    """
    if gb.flags.writeable and (gb.flags.c_contiguous or gb.flags.f_contiguous):
        x = gb if gb.flags.c_contiguous else gb.T
        _permute_in_place(x, order)
        if x is not gb and np.iscomplexobj(x):
            np.conjugate(x, out=x)
        return x.T
    return gb[np.ix_(order, order)].T


def _zero_upper(c: np.ndarray, rank: int) -> np.ndarray:
    """The first ``rank`` columns of the pivoted Cholesky factor ``c``, its upper part set to zero in place,
    and its other columns zeroed (``?pstrf`` leaves work there when the rank is deficient)."""
    n = c.shape[0]
    c[:, rank:] = 0
    for cols in _row_blocks(n, n):
        c[: cols.start, cols] = 0
        c[cols, cols] = np.tril(c[cols, cols])
    return c


def _trmm(real: bool) -> Any:
    return scipy.linalg.blas.dtrmm if real else scipy.linalg.blas.ztrmm


def _congruence(ga: np.ndarray, gb: np.ndarray) -> tuple[np.ndarray, bool, int]:
    """A matrix whose Hermitian part (``lower``: its lower triangle) is ``R^dagger G_B^T R`` with
    ``G_A = R R^dagger``: a diagonal root, or a pivoted Cholesky factor of the rank of ``G_A``.

    Works in the memory of ``ga`` and ``gb`` (both are overwritten, no third ``2**m x 2**m`` array).
    Returns ``(matrix, lower, rank)``: ``lower`` says that only the lower triangle is valid (Fortran
    order), otherwise the matrix is whole; only its leading ``rank x rank`` block is nonzero.
    """
    if _is_diagonal(ga):  # e.g. every cut unit is a visible unit of this side
        s = np.sqrt(np.clip(np.diagonal(ga).real, 0.0, None))  # zero rows of G_A zero those of the result
        mat = gb.T
        for r in _row_blocks(s.size, s.size):
            mat[r] *= s[r, None]
            mat[r] *= s[None, :]
        return mat, False, int(np.count_nonzero(s))
    real = not np.iscomplexobj(ga)
    pstrf = scipy.linalg.lapack.dpstrf if real else scipy.linalg.lapack.zpstrf
    c, piv, rank, info = pstrf(_fortran(ga), lower=1, overwrite_a=1)  # G_A[P, P] = L L^dagger, rank-revealing
    if info < 0:
        raise NumericalError(f"the pivoted Cholesky factorization of a Gram matrix failed (info={info})")
    b = _transposed_permuted(gb, piv - 1)  # (G_B^T)[P, P], Fortran-ordered
    if rank == c.shape[0]:
        hegst = scipy.linalg.lapack.dsygst if real else scipy.linalg.lapack.zhegst
        mat, info = hegst(b, c, itype=2, lower=1, overwrite_a=1)  # L^dagger B L, lower triangle
        if info != 0:
            raise NumericalError(f"the congruence of the Gram matrices failed (info={info})")
        return mat, True, rank
    low = _zero_upper(c, rank)  # L, n x n with zero columns past the rank: L^dagger B L by two trmm in place
    b = _trmm(real)(1.0, low, b, side=1, lower=1, overwrite_b=1)  # B L
    b = _trmm(real)(1.0, low, b, side=0, lower=1, trans_a=2, overwrite_b=1)  # L^dagger (B L)
    return b, False, rank


def _eigvalsh(mat: np.ndarray, lower: bool, rank: int) -> np.ndarray:
    """The ``rank`` largest eigenvalues of the Hermitian matrix given by ``mat`` (its lower triangle when
    ``lower``, else the whole matrix, which may be overwritten); the others are zero by construction."""
    if not lower:
        mat = _fortran(mat)
    p = scipy.linalg.eigh(mat, lower=True, eigvals_only=True, overwrite_a=True, check_finite=False, driver="evd")
    return p[p.size - rank :]


def _congruence_backend(ga: np.ndarray, gb: np.ndarray, backend: Backend) -> np.ndarray:
    """The eigenvalues of the congruence on another array library (``autoray.do``): an ``eigh`` root."""
    x, y = backend.to(_hermitian(ga)), backend.to(_hermitian(gb))
    w, u = autoray.do("linalg.eigh", x)
    root = u * autoray.do("sqrt", autoray.do("clip", w, 0.0, None))
    mat = autoray.do("conj", root).T @ y.T @ root
    mat = (mat + autoray.do("conj", mat).T) / 2
    return backend.to_numpy(autoray.do("linalg.eigvalsh", mat))


def _normalized(p: Any) -> tuple[np.ndarray, float]:
    p = np.sort(np.asarray(p, dtype=float))[::-1]
    total = float(np.sum(p))
    if not total > 0:
        raise NumericalError("the Gram matrices give a zero state (the network's amplitudes vanish)")
    p = p / total
    clipped = float(max(0.0, -float(p.min()))) if p.size else 0.0
    p = np.clip(p, 0.0, None)
    return p / p.sum(), clipped


def spectrum_from_grams(
    gram_a: np.ndarray, gram_b: np.ndarray, backend: Any = None, overwrite: bool = False
) -> tuple[np.ndarray, float]:
    """The Schmidt probabilities of ``psi = X Y^T`` from ``G_A = X^dagger X`` and ``G_B = Y^dagger Y``.

    ``rho_A = X Y^T conj(Y) X^dagger = X G_B^T X^dagger`` has the nonzero spectrum of
    ``G_A^{1/2} G_B^T G_A^{1/2}``; it is normalized by its trace. Negative eigenvalues (rounding)
    are set to zero; the largest of their sizes (relative to the trace) is returned.

    Real Grams (a real network) are kept real (a real symmetric eigenproblem: about 4x fewer flops than a
    complex one). On numpy the root of ``G_A`` is its square root when diagonal (e.g. the cut units are
    visible units of that side; zero rows are dropped) and a rank-revealing pivoted Cholesky factor
    otherwise; only eigenvalues are computed, from one triangle of each Hermitian matrix. Another
    ``backend`` (:data:`tnrbm.contract.BACKENDS`) runs the eigen-decompositions there
    (``autoray.do("linalg.eigh")``). ``overwrite=True`` lets the numpy route work in the two arrays given
    (they are destroyed), which saves two ``2**m x 2**m`` copies.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> x, y = rng.normal(size=(8, 3)), rng.normal(size=(4, 3))
    >>> p, clipped = spectrum_from_grams(x.conj().T @ x, y.conj().T @ y)
    >>> s = np.linalg.svd(x @ y.T, compute_uv=False) ** 2
    >>> bool(np.allclose(p, s[:3] / s.sum()))
    True
    """
    be = get_backend(backend)
    overwrite = check_bool(overwrite, "overwrite") and not np.may_share_memory(
        gram_a, gram_b
    )  # one array given twice: work on copies
    real = _is_real(np.asarray(gram_a)) and _is_real(np.asarray(gram_b))  # both, or neither: one LAPACK type
    ga, gb = _scaled(gram_a, overwrite, real), _scaled(gram_b, overwrite, real)
    if _is_diagonal(gb) and not _is_diagonal(ga):  # same nonzero spectrum with the roles swapped
        ga, gb = gb.T, ga.T
    if be.name == "numpy" or _is_diagonal(ga):
        mat, lower, rank = _congruence(ga, gb)
        del ga, gb
        if be.name == "numpy":
            p = _eigvalsh(mat, lower, rank)
        else:
            p = be.to_numpy(autoray.do("linalg.eigvalsh", be.to((mat + mat.conj().T) / 2)))
    else:
        p = _congruence_backend(ga, gb, be)
    return _normalized(p)


def purity_from_grams(gram_a: np.ndarray, gram_b: np.ndarray, overwrite: bool = False) -> float:
    """``Tr rho_A^2`` of ``psi = X Y^T`` from its two Gram matrices, without the spectrum.

    ``Tr rho_A^2 / (Tr rho_A)^2 = Tr (G_A B G_A B) / Tr(G_A B)^2`` with ``B = G_B^T``: ``O(4**m)`` work when
    ``G_A`` is diagonal, one product (``2 * 8**m`` flops) otherwise. The Renyi-2 entropy is
    ``-ln Tr rho_A^2``. The traces are summed in row blocks: besides the two Grams (scaled in place with
    ``overwrite=True``, else copies) only the product ``G_A B`` is of their size.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(1)
    >>> x, y = rng.normal(size=(8, 4)), rng.normal(size=(6, 4))
    >>> s = np.linalg.svd(x @ y.T, compute_uv=False) ** 2
    >>> bool(np.isclose(purity_from_grams(x.T @ x, y.T @ y), np.sum((s / s.sum()) ** 2)))
    True
    """
    overwrite = check_bool(overwrite, "overwrite") and not np.may_share_memory(gram_a, gram_b)
    ga, gb = _scaled(gram_a, overwrite), _scaled(gram_b, overwrite)
    n = ga.shape[0]
    blocks = _row_blocks(n, n)
    # Tr(G_A B) = sum_ij G_A[i, j] G_B[i, j]
    trace = sum(float(np.real(np.sum(ga[r] * gb[r]))) for r in blocks)
    if not trace > 0:
        raise NumericalError("the Gram matrices give a zero state (the network's amplitudes vanish)")
    if _is_diagonal(ga):  # Tr(D B D B) = sum_ij d_i d_j G_B[j, i] G_B[i, j]
        d = np.diagonal(ga).real
        square = sum(float(np.real(np.sum(d[r, None] * d[None, :] * gb[r] * gb[:, r].T))) for r in blocks)
    else:
        y = ga @ gb.T  # Y = G_A B; Tr(Y Y) = sum_ij Y[i, j] Y[j, i]
        square = sum(float(np.real(np.sum(y[r] * y[:, r].T))) for r in blocks)
    return square / trace**2
