"""Pauli sums: the one representation of every Hamiltonian, and its sparse, matrix-free and dense forms.

Every Hamiltonian here is a real-weighted sum of Pauli strings, held as a :class:`PauliSum`, and
comes in four forms (``form=``):

``"sparse"``
    a ``scipy.sparse.csr_array`` built row by row from bit operations on the basis indices
    (a Pauli string maps ``|s>`` to ``phase(s) |s XOR x_mask>``), in chunks;
``"operator"``
    a matrix-free ``scipy.sparse.linalg.LinearOperator``: each Pauli string acts on the
    ``(2,) * n`` view of the vector as sign broadcasts (its Z and Y sites) and axis flips (its X and
    Y sites) -- the same XOR and parity, with no index array and no matrix; the diagonal part is
    precomputed once, in chunks;
``"pauli"``
    the :class:`PauliSum` itself;
``"dense"``
    a dense ``numpy`` array (small n only).

Kron order as everywhere in tnrbm: site 0 is the most significant bit of the basis index and spin
up (Z = +1) is index 0.

Examples
--------
>>> H = pauli_sum(2, [(1.0, "ZZ", (0, 1)), (0.5, "X", (0,))])
>>> H.to_dense().real.tolist()[0]
[1.0, 0.0, 0.5, 0.0]
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from ..errors import InvalidParameterError
from ..validation import (
    MaxMemory,
    check_choice,
    check_int,
    check_memory,
    check_real,
    format_bytes,
)

__all__ = [
    "PauliSum",
    "FORMS",
    "MAX_SITES",
    "MAX_PAULI_SITES",
    "pauli_sum",
    "check_form",
    "check_pauli_size",
    "check_sites",
    "check_ed_memory",
]

FORMS = ("sparse", "operator", "pauli", "dense")
#: the most sites a matrix or operator may have (2**MAX_SITES basis states)
MAX_SITES = 30
#: the most sites a Pauli sum may have (its strings are bit masks of n bits)
MAX_PAULI_SITES = 2**20
_PAULI = "IXYZ"
_CHUNK = 2**18
#: the sparse builder works on chunks of rows holding at most this many matrix entries
_SPARSE_CHUNK_ENTRIES = 2**20
#: bytes per basis state of the temporaries of one call of ``PauliSum._amplitudes`` (masks, parities,
#: signs in int64/int8, one product and the output, complex at most)
_AMPLITUDE_BYTES = 8 + 5 + 2 * 16
#: the matrix-free operator works on blocks of 2**_BLOCK_BITS amplitudes (cache-sized)
_BLOCK_BITS = 15


@dataclass(frozen=True)
class PauliSum:
    """A Hermitian sum of Pauli strings ``H = sum_t c_t P_t`` on ``n`` qubits, ``c_t`` real.

    Each string is stored as bit masks over the basis index (site ``i`` is bit ``n - 1 - i``):
    ``x_masks`` marks its X and Y sites, ``z_masks`` its Z and Y sites, ``n_y`` counts its Y's, so
    ``P |s> = i**n_y (-1)**popcount(s & z_mask) |s ^ x_mask>`` (Y = i X Z).

    Attributes
    ----------
    n : int
        Number of qubits.
    terms : tuple
        ``(coefficient, ops, sites)`` per string, e.g. ``(-1.0, "ZZ", (0, 1))``, as given.

    Examples
    --------
    >>> from tnrbm import ed
    >>> H = ed.pauli_sum(2, [(0.5, "XX", (0, 1)), (1.0, "Z", (0,))])
    >>> H.to_dense().real
    array([[ 1. ,  0. ,  0. ,  0.5],
           [ 0. ,  1. ,  0.5,  0. ],
           [ 0. ,  0.5, -1. ,  0. ],
           [ 0.5,  0. ,  0. , -1. ]])
    """

    n: int
    terms: tuple
    coefficients: np.ndarray = field(repr=False)
    x_masks: tuple = field(repr=False)
    z_masks: tuple = field(repr=False)
    n_y: tuple = field(repr=False)

    @property
    def is_complex(self) -> bool:
        """Whether some matrix element is complex (a string with an odd number of Y's)."""
        return any(k % 2 == 1 for k, c in zip(self.n_y, self.coefficients) if c != 0)

    @property
    def dtype(self) -> np.dtype:
        """complex128 when some string has an odd number of Y's, float64 otherwise."""
        return np.dtype(np.complex128 if self.is_complex else np.float64)

    @property
    def shape(self) -> tuple[int, int]:
        """``(2**n, 2**n)``."""
        return (2**self.n, 2**self.n)

    def __len__(self) -> int:
        return len(self.terms)

    def __add__(self, other: PauliSum) -> PauliSum:
        if not isinstance(other, PauliSum) or other.n != self.n:
            raise InvalidParameterError(f"can only add a PauliSum on {self.n} qubits; got {other!r}")
        return pauli_sum(self.n, list(self.terms) + list(other.terms))

    def __mul__(self, factor: float) -> PauliSum:
        c = check_real(factor, "factor")
        return pauli_sum(self.n, [(c * t[0], t[1], t[2]) for t in self.terms])

    __rmul__ = __mul__

    def _phases(self) -> np.ndarray:
        return self.coefficients * (1j ** np.asarray(self.n_y, dtype=np.int64))

    def _groups(self) -> dict[int, list[int]]:
        """Term indices grouped by their flip mask (one group per permutation of the basis)."""
        groups: dict[int, list[int]] = {}
        for t, (c, xm) in enumerate(zip(self.coefficients, self.x_masks)):
            if c != 0:
                groups.setdefault(int(xm), []).append(t)
        return groups

    def _amplitudes(self, group: list[int], s: np.ndarray, phases: np.ndarray) -> np.ndarray:
        """``sum_t phase_t (-1)**popcount(s & z_t)`` over the strings of one flip group."""
        dtype = self.dtype
        if all(self.z_masks[t] == 0 for t in group):  # a constant: X strings only
            total = sum(phases[t] for t in group)
            return np.full(len(s), total if dtype == np.complex128 else total.real, dtype=dtype)
        out = np.zeros(len(s), dtype=dtype)
        for t in group:
            parity = np.bitwise_count(s & np.int64(self.z_masks[t])) & 1
            ph = phases[t] if dtype == np.complex128 else phases[t].real
            out += ph * (1 - 2 * parity.astype(np.int8))
        return out

    def diagonal(self, max_memory: MaxMemory = None) -> np.ndarray:
        """The diagonal of the matrix (the strings made of I and Z only), computed in chunks."""
        check_sites(self.n)
        dim = 2**self.n
        check_ed_memory(
            [(f"the diagonal of a {self.n}-qubit Hamiltonian", self._diagonal_memory())], max_memory, "use fewer qubits"
        )
        phases = self._phases()
        group = self._groups().get(0, [])
        out = np.zeros(dim, dtype=self.dtype)
        for start in range(0, dim, _CHUNK):
            s = np.arange(start, min(start + _CHUNK, dim), dtype=np.int64)
            out[start : start + len(s)] = self._amplitudes(group, s, phases)
        return out

    def _diagonal_memory(self) -> float:
        """Bytes :meth:`diagonal` allocates: the diagonal and one chunk of temporaries."""
        dim = 2**self.n
        return float(dim * self.dtype.itemsize + min(dim, _CHUNK) * (8 + _AMPLITUDE_BYTES))

    def _sparse_rows(self, n_groups: int) -> int:
        """Rows per chunk of :meth:`to_sparse` (at most :data:`_SPARSE_CHUNK_ENTRIES` entries at once)."""
        return max(1, min(2**self.n, _SPARSE_CHUNK_ENTRIES // max(1, n_groups)))

    def memory(self, form: str = "sparse") -> float:
        """Bytes the matrix of ``form`` takes while it is built (the figure ``max_memory`` is checked against).

        ``"sparse"``: data and column indices of one entry per flip group and row, the row pointers, up
        to half of them again (``eliminate_zeros`` copies the entries it keeps when it drops more than
        half) and one chunk of row temporaries. ``"operator"``: the diagonal and its chunk temporaries,
        plus one block of work space per product. ``"dense"``: the dense matrix and the sparse one it is
        made from. ``"pauli"``: the strings.

        Examples
        --------
        >>> from tnrbm import ed
        >>> H = ed.tfim(10, form="pauli")
        >>> H.memory("operator") < H.memory("sparse") < H.memory("dense")
        True
        """
        check_form(form)
        dim, item = 2**self.n, self.dtype.itemsize
        if form == "pauli":
            return float(len(self.terms)) * (400.0 + self.n / 4.0)
        if form == "operator":
            return self._diagonal_memory() + 2.0 * item * 2 ** min(self.n, _BLOCK_BITS)
        n_groups = len(self._groups())
        idx = 4 if n_groups * dim < 2**31 else 8
        entries = float(n_groups) * dim * (item + idx)
        rows = self._sparse_rows(n_groups)
        work = rows * (8.0 + n_groups * (8 + item) + _AMPLITUDE_BYTES)
        sparse = 1.5 * entries + (dim + 1.0) * idx + work
        return sparse + (float(dim) * dim * item if form == "dense" else 0.0)

    def to_sparse(self, max_memory: MaxMemory = None) -> sp.csr_array:
        """The matrix as a CSR array, built row by row: row ``r`` holds column ``r ^ x`` per flip mask ``x``.

        Examples
        --------
        >>> from tnrbm import ed
        >>> ed.pauli_sum(1, {"Y": 1.0}).to_sparse().toarray()
        array([[0.+0.j, 0.-1.j],
               [0.+1.j, 0.+0.j]])
        """
        check_sites(self.n)
        dim = 2**self.n
        groups = self._groups()
        if not groups:
            return sp.csr_array((dim, dim), dtype=self.dtype)
        n_groups = len(groups)
        check_ed_memory(
            [
                (
                    f"the sparse matrix of a {self.n}-qubit Hamiltonian ({n_groups} entries per row)",
                    self.memory("sparse"),
                )
            ],
            max_memory,
            "use form='operator' (matrix-free) or fewer qubits",
        )
        phases = self._phases()
        masks = np.array(sorted(groups), dtype=np.int64)
        index_dtype = np.int32 if n_groups * dim < 2**31 else np.int64
        indices = np.empty(n_groups * dim, dtype=index_dtype)
        data = np.zeros(n_groups * dim, dtype=self.dtype)
        rows = self._sparse_rows(n_groups)
        for start in range(0, dim, rows):
            r = np.arange(start, min(start + rows, dim), dtype=np.int64)
            cols = r[None, :] ^ masks[:, None]  # (groups, rows): H[r, r ^ x] = amp_x(r ^ x)
            block = np.empty((n_groups, len(r)), dtype=self.dtype)
            for g, xm in enumerate(masks):
                block[g] = self._amplitudes(groups[int(xm)], cols[g], phases)
            stop = start + len(r)
            indices.reshape(dim, n_groups)[start:stop] = cols.T  # written through the view: no transposed copy
            data.reshape(dim, n_groups)[start:stop] = block.T
        indptr = np.arange(0, n_groups * dim + 1, n_groups, dtype=index_dtype)
        mat = sp.csr_array((data, indices, indptr), shape=(dim, dim))
        mat.eliminate_zeros()
        mat.sort_indices()
        return mat

    def to_operator(self, max_memory: MaxMemory = None) -> spla.LinearOperator:
        """A matrix-free ``LinearOperator`` (Hermitian): memory of a few vectors, no matrix.

        Examples
        --------
        >>> import numpy as np
        >>> from tnrbm import ed
        >>> H = ed.tfim(6)
        >>> x = np.random.default_rng(0).normal(size=64)
        >>> bool(np.allclose(H @ x, ed.tfim(6, form="operator") @ x))
        True
        """
        check_sites(self.n)
        dim = 2**self.n
        check_ed_memory(
            [(f"the diagonal and work space of a matrix-free {self.n}-qubit Hamiltonian", self.memory("operator"))],
            max_memory,
            "use fewer qubits",
        )
        diag = self.diagonal(max_memory)
        if not self.is_complex:
            diag = diag.real
        phases = self._phases()
        n = self.n
        low = min(n, _BLOCK_BITS)  # blocks of 2**low amplitudes stay in cache
        n_blocks = 2 ** (n - low)
        low_mask = 2**low - 1
        strings = []
        for t in range(len(self.terms)):
            xm, zm, c = int(self.x_masks[t]), int(self.z_masks[t]), phases[t]
            if xm == 0 or self.coefficients[t] == 0:
                continue
            shape, flip_axes, sign = _compact_view(low, xm & low_mask, zm & low_mask)
            c = c if self.is_complex else c.real
            strings.append((xm >> low, zm >> low, shape, flip_axes, sign, c))
        strings.sort(key=lambda s: s[0])

        def matvec(x: np.ndarray) -> np.ndarray:
            x = np.asarray(x).reshape(-1)
            y = diag * x
            xb, yb = x.reshape(n_blocks, -1), y.reshape(n_blocks, -1)
            buf = np.empty(yb.shape[1], dtype=y.dtype)  # one block of work space, reused
            for block in range(n_blocks):
                y_block = yb[block]
                for x_high, z_high, shape, flip_axes, sign, c in strings:
                    source = block ^ x_high  # the high bits flip between blocks, the low bits inside one
                    coef = -c if (source & z_high).bit_count() & 1 else c
                    xt, bt = xb[source].reshape(shape), buf.reshape(shape)
                    if sign is None:
                        np.multiply(np.flip(xt, axis=flip_axes) if flip_axes else xt, coef, out=bt)
                        y_block += buf
                    else:
                        np.multiply(xt, coef * sign, out=bt)
                        y_block += (np.flip(bt, axis=flip_axes) if flip_axes else bt).reshape(-1)
            return y

        dtype = np.result_type(self.dtype, np.float64)
        return spla.LinearOperator((dim, dim), matvec=matvec, rmatvec=matvec, dtype=dtype)

    def to_dense(self, max_memory: MaxMemory = None) -> np.ndarray:
        """The matrix as a dense array (refused past ``max_memory``)."""
        check_sites(self.n)
        check_ed_memory(
            [
                ("the dense matrix", self.memory("dense") - self.memory("sparse")),
                ("the sparse matrix it is made from", self.memory("sparse")),
            ],
            max_memory,
            "use form='sparse'",
            f"the dense matrix of a {self.n}-qubit Hamiltonian",
        )
        return self.to_sparse(max_memory).toarray()

    def as_form(self, form: str, max_memory: MaxMemory = None) -> Any:
        """This Hamiltonian in one of :data:`FORMS`."""
        check_form(form)
        if form == "pauli":
            return self
        if form == "sparse":
            return self.to_sparse(max_memory)
        if form == "operator":
            return self.to_operator(max_memory)
        return self.to_dense(max_memory)

    def apply(self, vector: np.ndarray) -> np.ndarray:
        """``H @ vector`` without building a matrix."""
        return self.to_operator() @ np.asarray(vector)


def _compact_view(n: int, x_mask: int, z_mask: int) -> tuple[tuple[int, ...], tuple[int, ...], np.ndarray | None]:
    """A reshape of a 2**n vector with one axis of 2 per site a string touches and one merged axis per
    run of untouched sites; the axes to flip (X, Y sites) and the +-1 sign array (Z, Y sites)."""
    shape: list[int] = []
    flip_axes, sign_axes = [], []
    run = 0
    for i in range(n):
        bit = 1 << (n - 1 - i)
        if (x_mask | z_mask) & bit:
            if run:
                shape.append(2**run)
                run = 0
            if x_mask & bit:
                flip_axes.append(len(shape))
            if z_mask & bit:
                sign_axes.append(len(shape))
            shape.append(2)
        else:
            run += 1
    if run:
        shape.append(2**run)
    sign = None
    if sign_axes:
        sign = np.ones([1] * len(shape))
        for ax in sign_axes:
            dims = [1] * len(shape)
            dims[ax] = 2
            sign = sign * np.array([1.0, -1.0]).reshape(dims)
    return tuple(shape), tuple(flip_axes), sign


def check_sites(n: int) -> None:
    """``n`` must be at most :data:`MAX_SITES` for a matrix or operator (2**n basis states)."""
    if n > MAX_SITES:
        raise InvalidParameterError(
            f"n must be at most {MAX_SITES} for a matrix or operator (2**n basis states); got n={n} (raise "
            "tnrbm.ed.pauli.MAX_SITES for more: memory is still checked against max_memory)"
        )


def check_ed_memory(
    parts: list[tuple[str, float]], max_memory: MaxMemory, way_out: str, head: str | None = None
) -> float:
    """Refuse with :class:`~tnrbm.errors.MemoryLimitError` when the ``(what, bytes)`` parts exceed ``max_memory``.

    The message names ``head`` (default: the one part's ``what``), lists the parts with the largest
    (the real blocker) first, and the smallest ``max_memory`` that would work; the error carries
    ``needed`` (that limit in bytes) and ``limit``, as :func:`~tnrbm.validation.check_memory`'s do.
    Returns the total.

    Examples
    --------
    >>> from tnrbm.errors import MemoryLimitError
    >>> try:
    ...     check_ed_memory([("the vectors", 3 * 2**20), ("the matrix", 5 * 2**20)], "4MiB", "use fewer qubits", "ED")
    ... except MemoryLimitError as err:
    ...     print(err)
    ED needs about 8.0 MiB (the matrix 5.0 MiB, the vectors 3.0 MiB), more than max_memory=4.0 MiB allows; use fewer qubits (or max_memory='8.00MiB' or more)
    """
    total = float(sum(b for _, b in parts))
    if head is None and len(parts) == 1:
        head, detail = parts[0][0], ""
    else:
        listed = ", ".join(f"{what} {format_bytes(b)}" for what, b in sorted(parts, key=lambda p: -p[1]))
        head, detail = head or "this", f" ({listed})"
    check_memory(total, head, max_memory, way_out, detail)
    return total


def check_pauli_size(n: int, n_terms: float, form: str = "pauli", max_memory: MaxMemory = None) -> None:
    """Refuse, before any term is built, a Hamiltonian too big for ``form``: more than :data:`MAX_SITES` sites
    for a matrix or operator, more than :data:`MAX_PAULI_SITES` or more memory than allowed for a Pauli sum.

    Examples
    --------
    >>> check_pauli_size(10**4, 2 * 10**4)  # a Pauli sum of 10**4 sites is fine
    """
    if form != "pauli":
        check_sites(n)
    if n > MAX_PAULI_SITES:
        raise InvalidParameterError(f"n must be at most {MAX_PAULI_SITES} for a Pauli sum; got n={n}")
    check_memory(
        float(n_terms) * (400.0 + n / 4.0),
        f"the {n_terms:.3g} Pauli strings of a {n}-site Hamiltonian",
        max_memory,
        "use fewer sites or terms",
    )


def _parse_term(n: int, term: Any, k: int) -> tuple[float, str, tuple[int, ...]]:
    if not isinstance(term, (tuple, list)) or len(term) not in (2, 3):
        raise InvalidParameterError(
            f"terms[{k}] must be (coefficient, ops, sites) or (coefficient, full_string); got {term!r}"
        )
    coef = check_real(term[0], f"the coefficient of terms[{k}]")
    ops = term[1]
    if not isinstance(ops, str) or not ops or any(ch not in _PAULI for ch in ops.upper()):
        raise InvalidParameterError(f"terms[{k}] ops must be a non-empty string over 'IXYZ'; got {ops!r}")
    ops = ops.upper()
    if len(term) == 2:
        if len(ops) != n:
            raise InvalidParameterError(
                f"terms[{k}] full string must have length n={n} (or give sites); got {ops!r} of length {len(ops)}"
            )
        sites = tuple(range(n))
    else:
        raw = term[2]
        if isinstance(raw, numbers.Integral):
            raw = (raw,)
        try:
            sites = tuple(int(i) for i in raw)
        except (TypeError, ValueError):
            raise InvalidParameterError(f"terms[{k}] sites must be integers; got {raw!r}") from None
        if len(sites) != len(ops):
            raise InvalidParameterError(
                f"terms[{k}] needs one site per operator: ops {ops!r} has {len(ops)}, sites {sites} has {len(sites)}"
            )
        bad = [i for i in sites if not 0 <= i < n]
        if bad:
            raise InvalidParameterError(f"terms[{k}] sites must lie in [0, {n}); got {bad}")
        if len(set(sites)) != len(sites):
            raise InvalidParameterError(f"terms[{k}] must not repeat a site; got sites {sites}")
    return coef, ops, sites


def pauli_sum(n: int, terms: Iterable[Any] | Mapping[str, float]) -> PauliSum:
    """A Hermitian sum of Pauli strings on ``n`` qubits.

    Parameters
    ----------
    n
        Number of qubits.
    terms
        Either a list of ``(coefficient, ops, sites)`` -- ``ops`` a string over ``"IXYZ"`` acting on
        the listed sites, e.g. ``(-1.0, "ZXZ", (0, 1, 2))`` -- or of ``(coefficient, full_string)``
        with a string of length ``n``; or a mapping ``{full_string: coefficient}``, e.g.
        ``{"XXI": 0.5}``. Coefficients must be real (so that H is Hermitian).

    Returns
    -------
    PauliSum

    Examples
    --------
    >>> from tnrbm import ed
    >>> H = ed.pauli_sum(3, {"ZZI": -1.0, "IZZ": -1.0})
    >>> H.diagonal()
    array([-2.,  0.,  2.,  0.,  0.,  2.,  0., -2.])
    >>> ed.pauli_sum(3, [(-1.0, "ZZ", (0, 1)), (-1.0, "ZZ", (1, 2))]).diagonal()[:3]
    array([-2.,  0.,  2.])
    """
    n = check_int(n, "n", minimum=1)
    items: list[Any]
    if isinstance(terms, Mapping):
        items = [(c, s) for s, c in terms.items()]
    elif (
        isinstance(terms, (str, bytes))
        or not isinstance(terms, Iterable)
        or (isinstance(terms, np.ndarray) and terms.ndim == 0)
    ):
        raise InvalidParameterError(f"terms must be a list of (coefficient, ops, sites) or a dict; got {terms!r}")
    else:
        items = list(terms)
    check_pauli_size(n, len(items))
    parsed = [_parse_term(n, t, k) for k, t in enumerate(items)]
    coefs, xm, zm, ny = [], [], [], []
    for coef, ops, sites in parsed:
        x = z = y = 0
        for op, i in zip(ops, sites):
            bit = 1 << (n - 1 - i)
            if op in "XY":
                x |= bit
            if op in "ZY":
                z |= bit
            y += op == "Y"
        coefs.append(coef)
        xm.append(x)
        zm.append(z)
        ny.append(y)
    with np.errstate(over="ignore"):
        total = float(np.sum(np.abs(coefs)))
    if not np.isfinite(total):
        raise InvalidParameterError(
            "terms must have coefficients whose sum of magnitudes fits in float64 (the matrix entries would overflow)"
        )
    return PauliSum(
        n=n,
        terms=tuple(parsed),
        coefficients=np.array(coefs, dtype=np.float64),
        x_masks=tuple(xm),
        z_masks=tuple(zm),
        n_y=tuple(ny),
    )


def check_form(form: str) -> str:
    """``form`` must be one of :data:`FORMS`."""
    return check_choice(form, "form", FORMS)
