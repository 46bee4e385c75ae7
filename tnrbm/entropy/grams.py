"""The Schmidt spectrum and the purity of ``psi = X Y^T`` from the two Gram matrices of a cut.

With ``G_A = X^dagger X`` and ``G_B = Y^dagger Y`` (``2**m x 2**m``, from :mod:`tnrbm.entropy.cut`),
``rho_A = X G_B^T X^dagger`` has the nonzero spectrum of ``R^dagger G_B^T R`` for any root
``G_A = R R^dagger``, and ``Tr rho_A^k = Tr (G_A G_B^T)^k``. Real Grams (a real network) stay real.

On numpy the work is done in LAPACK on one triangle, in place where the arrays allow it: the scaled
Grams, a rank-revealing pivoted Cholesky root (``?pstrf``), the congruence ``L^dagger B L`` (``?sygst``
/``?hegst``, half the flops of two products) and eigenvalues only (``?syevd``). That holds at most three
``2**m x 2**m`` arrays at a time (:data:`GRAM_ARRAYS_HELD`): 6 GiB at m = 14 for a real network.
"""

from __future__ import annotations

from typing import Any

import autoray
import numpy as np
import scipy.linalg

from ..contract import Backend, get_backend

__all__ = ["GRAM_ARRAYS_HELD", "LAPACK_WORK", "purity_from_grams", "spectrum_from_grams"]

#: ``2**m x 2**m`` arrays held at the same time by :func:`spectrum_from_grams` (the two Grams and one
#: permuted copy); the eigen-solver's work space is ``O(2**m)``
GRAM_ARRAYS_HELD = 3
#: bytes that the BLAS/LAPACK calls add besides the arrays (OpenBLAS allocates a work buffer of 32 MiB per
#: thread on its first large product; measured 17-35 MiB above the traced arrays at m = 10-12)
LAPACK_WORK = 64 * 2**20


def _scaled(g: Any, overwrite: bool) -> np.ndarray:
    """``g`` as float64 (when its imaginary part is 0) or complex128, scaled to largest magnitude 1.

    A copy unless ``overwrite`` and ``g`` already has the dtype (then ``g`` itself, scaled in place).
    """
    g = np.asarray(g)
    if np.iscomplexobj(g) and not np.any(g.imag):
        g, overwrite = g.real, False
    dtype = np.complex128 if np.iscomplexobj(g) else np.float64
    if not (overwrite and g.dtype == dtype and g.flags.writeable):
        g = np.array(g, dtype=dtype)
    top = float(np.max(np.abs(g))) if dtype == np.complex128 else max(float(g.max()), -float(g.min()), 0.0)
    g *= 1.0 / max(top, np.finfo(float).tiny)
    return g


def _hermitian(g: np.ndarray) -> np.ndarray:
    """``g`` made exactly Hermitian and scaled to largest magnitude 1; real when its imaginary part is 0."""
    g = _scaled(g, overwrite=False)
    return (g + g.conj().T) / 2


def _is_diagonal(g: np.ndarray) -> bool:
    return np.count_nonzero(g) == np.count_nonzero(np.diagonal(g))


def _fortran(g: np.ndarray) -> np.ndarray:
    """A Fortran-ordered array with the same lower triangle, as a Hermitian matrix, as ``g``: ``g`` itself,
    ``g.T`` of a real C-ordered (symmetric) one, or a copy."""
    if g.flags.f_contiguous:
        return g
    if g.flags.c_contiguous and not np.iscomplexobj(g):
        return g.T
    return np.asfortranarray(g)


def _congruence(ga: np.ndarray, gb: np.ndarray) -> tuple[np.ndarray, bool]:
    """A matrix whose Hermitian part (``lower``: its lower triangle) is ``R^dagger G_B^T R`` with
    ``G_A = R R^dagger``: a diagonal root, or a pivoted Cholesky factor of the rank of ``G_A``.

    May overwrite ``ga`` and ``gb``. Returns ``(matrix, lower)``: ``lower`` says that only the lower
    triangle is valid (Fortran order), otherwise the matrix is whole.
    """
    if _is_diagonal(ga):  # e.g. every cut unit is a visible unit of this side
        s = np.sqrt(np.clip(np.diagonal(ga).real, 0.0, None))
        keep = np.flatnonzero(s)
        mat = gb.T if keep.size == s.size else gb.T[np.ix_(keep, keep)]
        mat *= s[keep, None]
        mat *= s[None, keep]
        return mat, False
    real = not np.iscomplexobj(ga)
    pstrf = scipy.linalg.lapack.dpstrf if real else scipy.linalg.lapack.zpstrf
    c, piv, rank, info = pstrf(_fortran(ga), lower=1, overwrite_a=1)  # G_A[P, P] = L L^dagger, rank-revealing
    if info < 0:
        raise FloatingPointError(f"the pivoted Cholesky factorization of a Gram matrix failed (info={info})")
    order = piv - 1
    b = gb[np.ix_(order, order)].T  # (G_B^T)[P, P], Fortran-ordered
    if rank == c.shape[0]:
        hegst = scipy.linalg.lapack.dsygst if real else scipy.linalg.lapack.zhegst
        mat, info = hegst(b, c, itype=2, lower=1, overwrite_a=1)  # L^dagger B L, lower triangle
        if info != 0:
            raise FloatingPointError(f"the congruence of the Gram matrices failed (info={info})")
        return mat, True
    low = np.tril(c)[:, :rank]
    return low.conj().T @ b @ low, False


def _eigvalsh(mat: np.ndarray, lower: bool) -> np.ndarray:
    """The eigenvalues of the Hermitian matrix given by ``mat`` (its lower triangle when ``lower``)."""
    if not lower:
        mat = _fortran(mat) if not np.iscomplexobj(mat) else (mat + mat.conj().T) / 2
    return scipy.linalg.eigh(mat, lower=True, eigvals_only=True, overwrite_a=True, check_finite=False, driver="evd")


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
        raise FloatingPointError("the Gram matrices give a zero state (the network's amplitudes vanish)")
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
    overwrite = overwrite and not np.may_share_memory(gram_a, gram_b)  # one array given twice: work on copies
    ga, gb = _scaled(gram_a, overwrite), _scaled(gram_b, overwrite)
    if _is_diagonal(gb) and not _is_diagonal(ga):  # same nonzero spectrum with the roles swapped
        ga, gb = gb.T, ga.T
    if be.name == "numpy" or _is_diagonal(ga):
        mat, lower = _congruence(ga, gb)
        del ga, gb
        if be.name == "numpy":
            p = _eigvalsh(mat, lower)
        else:
            p = be.to_numpy(autoray.do("linalg.eigvalsh", be.to((mat + mat.conj().T) / 2)))
    else:
        p = _congruence_backend(ga, gb, be)
    return _normalized(p)


def purity_from_grams(gram_a: np.ndarray, gram_b: np.ndarray) -> float:
    """``Tr rho_A^2`` of ``psi = X Y^T`` from its two Gram matrices, without the spectrum.

    ``Tr rho_A^2 / (Tr rho_A)^2 = Tr (G_A B G_A B) / Tr(G_A B)^2`` with ``B = G_B^T``: ``O(4**m)`` work when
    ``G_A`` is diagonal, one product (``2 * 8**m`` flops) otherwise. The Renyi-2 entropy is
    ``-ln Tr rho_A^2``.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(1)
    >>> x, y = rng.normal(size=(8, 4)), rng.normal(size=(6, 4))
    >>> s = np.linalg.svd(x @ y.T, compute_uv=False) ** 2
    >>> bool(np.isclose(purity_from_grams(x.T @ x, y.T @ y), np.sum((s / s.sum()) ** 2)))
    True
    """
    ga, gb = _hermitian(gram_a), _hermitian(gram_b)
    b = gb.T
    trace = float(np.real(np.vdot(ga.conj(), b.T)))  # Tr(G_A B) = sum_ij G_A[i, j] B[j, i]
    if not trace > 0:
        raise FloatingPointError("the Gram matrices give a zero state (the network's amplitudes vanish)")
    if _is_diagonal(ga):
        d = np.diagonal(ga).real
        square = float(np.real(np.einsum("i,ij,j,ji->", d, b, d, b)))
    else:
        y = ga @ b
        square = float(np.real(np.vdot(y.conj(), y.T)))  # Tr(Y Y)
    return square / trace**2
