"""Exact diagonalization: spin Hamiltonians as Pauli sums, sparse matrices or matrix-free operators.

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
up (Z = +1) is index 0. quimb's spin operators use S = sigma / 2: ``tfim(n, J, h)`` equals
``quimb.ham_ising(n, jz=-4 * J, bx=2 * h, cyclic=True)`` and ``heisenberg(n, J, delta)`` equals
``quimb.ham_heis(n, j=(J, J, J * delta), cyclic=True)``.

Examples
--------
>>> from tnrbm import ed
>>> H = ed.tfim(8, J=1.0, h=1.0)
>>> res = ed.ground_state(H)
>>> round(res.energy, 10)  # the free-fermion value, see tnrbm.exact
-10.2516617910
"""

from __future__ import annotations

import numbers
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from ._memory import check_memory
from .errors import InvalidParameterError
from .network import BoltzmannNetwork

__all__ = [
    "PauliSum",
    "GroundStateResult",
    "FORMS",
    "MAX_SITES",
    "pauli_sum",
    "tfim",
    "tfim_lattice",
    "heisenberg",
    "cluster",
    "cluster_stabilizers",
    "toric_code",
    "toric_code_edges",
    "as_operator",
    "ground_state",
    "expectation",
    "energy",
    "fidelity",
    "state_vector",
    "run_ed",
    "MODELS",
]

FORMS = ("sparse", "operator", "pauli", "dense")
#: the most sites a matrix or operator may have (2**MAX_SITES basis states)
MAX_SITES = 30
_PAULI = "IXYZ"
_CHUNK = 2**18
#: the matrix-free operator works on blocks of 2**_BLOCK_BITS amplitudes (cache-sized)
_BLOCK_BITS = 15


# --------------------------------------------------------------------------------------- Pauli sums
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
        c = _real_number(factor, "factor")
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

    def diagonal(self) -> np.ndarray:
        """The diagonal of the matrix (the strings made of I and Z only), computed in chunks."""
        _check_sites(self.n)
        dim = 2**self.n
        check_memory(16.0 * dim, f"the diagonal of a {self.n}-qubit Hamiltonian", None, "use fewer qubits")
        phases = self._phases()
        group = self._groups().get(0, [])
        out = np.zeros(dim, dtype=self.dtype)
        for start in range(0, dim, _CHUNK):
            s = np.arange(start, min(start + _CHUNK, dim), dtype=np.int64)
            out[start : start + len(s)] = self._amplitudes(group, s, phases)
        return out

    def to_sparse(self, max_memory: float | None = None) -> sp.csr_array:
        """The matrix as a CSR array, built row by row: row ``r`` holds column ``r ^ x`` per flip mask ``x``.

        Examples
        --------
        >>> from tnrbm import ed
        >>> ed.pauli_sum(1, {"Y": 1.0}).to_sparse().toarray()
        array([[0.+0.j, 0.-1.j],
               [0.+1.j, 0.+0.j]])
        """
        _check_sites(self.n)
        dim = 2**self.n
        groups = self._groups()
        if not groups:
            return sp.csr_array((dim, dim), dtype=self.dtype)
        n_groups = len(groups)
        itemsize = self.dtype.itemsize + 4
        check_memory(
            float(n_groups) * dim * (itemsize + 4),
            f"the sparse matrix of a {self.n}-qubit Hamiltonian ({n_groups} entries per row)",
            max_memory,
            "use form='operator' (matrix-free) or fewer qubits",
        )
        phases = self._phases()
        masks = np.array(sorted(groups), dtype=np.int64)
        index_dtype = np.int32 if n_groups * dim < 2**31 else np.int64
        indices = np.empty(n_groups * dim, dtype=index_dtype)
        data = np.zeros(n_groups * dim, dtype=self.dtype)
        for start in range(0, dim, _CHUNK):
            r = np.arange(start, min(start + _CHUNK, dim), dtype=np.int64)
            cols = r[None, :] ^ masks[:, None]  # (groups, rows): H[r, r ^ x] = amp_x(r ^ x)
            block = np.empty((n_groups, len(r)), dtype=self.dtype)
            for g, xm in enumerate(masks):
                block[g] = self._amplitudes(groups[int(xm)], cols[g], phases)
            sl = slice(start * n_groups, (start + len(r)) * n_groups)
            indices[sl] = cols.T.reshape(-1)
            data[sl] = block.T.reshape(-1)
        indptr = np.arange(0, n_groups * dim + 1, n_groups, dtype=index_dtype)
        mat = sp.csr_array((data, indices, indptr), shape=(dim, dim))
        mat.eliminate_zeros()
        mat.sort_indices()
        return mat

    def to_operator(self, max_memory: float | None = None) -> spla.LinearOperator:
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
        _check_sites(self.n)
        dim = 2**self.n
        check_memory(
            4.0 * 16 * dim,
            f"the work vectors of a matrix-free {self.n}-qubit Hamiltonian",
            max_memory,
            "use fewer qubits",
        )
        diag = self.diagonal()
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

    def to_dense(self, max_memory: float | None = None) -> np.ndarray:
        """The matrix as a dense array (refused past ``max_memory``)."""
        _check_sites(self.n)
        check_memory(
            16.0 * 4**self.n, f"the dense matrix of a {self.n}-qubit Hamiltonian", max_memory, "use form='sparse'"
        )
        return self.to_sparse().toarray()

    def as_form(self, form: str, max_memory: float | None = None) -> Any:
        """This Hamiltonian in one of :data:`FORMS`."""
        if form not in FORMS:
            raise InvalidParameterError(f"form must be one of {FORMS}; got {form!r}")
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


def _check_sites(n: int) -> None:
    if n > MAX_SITES:
        raise InvalidParameterError(
            f"n must be at most {MAX_SITES} for a matrix or operator (2**n basis states); got n={n}"
        )


def _real_number(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(float(value)):
        raise InvalidParameterError(f"{name} must be a finite real number; got {value!r}")
    return float(value)


def _check_n(n: Any, name: str = "n", minimum: int = 1) -> int:
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < minimum:
        raise InvalidParameterError(f"{name} must be an integer >= {minimum}; got {n!r}")
    return int(n)


def _parse_term(n: int, term: Any, k: int) -> tuple[float, str, tuple[int, ...]]:
    if not isinstance(term, (tuple, list)) or len(term) not in (2, 3):
        raise InvalidParameterError(
            f"terms[{k}] must be (coefficient, ops, sites) or (coefficient, full_string); got {term!r}"
        )
    coef = _real_number(term[0], f"the coefficient of terms[{k}]")
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
    n = _check_n(n)
    if isinstance(terms, Mapping):
        items = [(c, s) for s, c in terms.items()]
    elif isinstance(terms, (str, bytes)) or not isinstance(terms, Iterable):
        raise InvalidParameterError(f"terms must be a list of (coefficient, ops, sites) or a dict; got {terms!r}")
    else:
        items = list(terms)
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
    return PauliSum(
        n=n,
        terms=tuple(parsed),
        coefficients=np.array(coefs, dtype=np.float64),
        x_masks=tuple(xm),
        z_masks=tuple(zm),
        n_y=tuple(ny),
    )


# --------------------------------------------------------------------------------------- models
def _chain_bonds(n: int, periodic: bool) -> list[tuple[int, int]]:
    bonds = [(i, i + 1) for i in range(n - 1)]
    if periodic and n > 2:
        bonds.append((n - 1, 0))
    return bonds


def _check_form(form: str) -> None:
    if form not in FORMS:
        raise InvalidParameterError(f"form must be one of {FORMS}; got {form!r}")


def tfim(
    n: int,
    J: float = 1.0,  # noqa: N803 - the physics name
    h: float = 1.0,
    periodic: bool = True,
    form: str = "sparse",
    max_memory: float | None = None,
) -> Any:
    """The transverse-field Ising chain ``H = -J sum_i Z_i Z_{i+1} - h sum_i X_i``.

    Parameters
    ----------
    n
        Number of spins (``n >= 2``).
    J, h
        Ising coupling and transverse field.
    periodic
        Add the bond ``(n - 1, 0)`` (for ``n > 2``).
    form
        ``"sparse"`` (CSR), ``"operator"`` (matrix-free LinearOperator), ``"pauli"`` or ``"dense"``.
    max_memory
        Refuse with :class:`~tnrbm.errors.MemoryLimitError` past this many bytes.

    Examples
    --------
    >>> import numpy as np, quimb as qu
    >>> from tnrbm import ed
    >>> H = ed.tfim(5, J=0.7, h=1.3)
    >>> Q = qu.ham_ising(5, jz=-4 * 0.7, bx=2 * 1.3, cyclic=True, sparse=True)
    >>> float(abs(H - Q).max()) < 1e-13
    True
    """
    n = _check_n(n, minimum=2)
    J, h = _real_number(J, "J"), _real_number(h, "h")  # noqa: N806
    _check_form(form)
    terms = [(-J, "ZZ", b) for b in _chain_bonds(n, periodic)] + [(-h, "X", (i,)) for i in range(n)]
    return pauli_sum(n, terms).as_form(form, max_memory)


def tfim_lattice(
    shape: Sequence[int],
    J: float = 1.0,  # noqa: N803
    h: float = 1.0,
    periodic: bool = True,
    form: str = "sparse",
    max_memory: float | None = None,
) -> Any:
    """The transverse-field Ising model on a square lattice ``shape = (Lx, Ly)``.

    ``H = -J sum_<ij> Z_i Z_j - h sum_i X_i`` over nearest-neighbour pairs, each distinct pair once
    (on a periodic side of length 2 the wrapped bond is the same pair and is not doubled). Spin
    ``(x, y)`` is site ``x * Ly + y``, as in :func:`tnrbm.models.local_lattice`.

    Examples
    --------
    >>> from tnrbm import ed
    >>> H = ed.tfim_lattice((3, 3), h=0.0, form="pauli")
    >>> len(H)  # 18 bonds + 9 fields
    27
    """
    if isinstance(shape, (str, bytes)) or not isinstance(shape, Sequence) or len(shape) != 2:
        raise InvalidParameterError(f"shape must be a pair (Lx, Ly); got {shape!r}")
    lx, ly = (_check_n(x, "shape") for x in shape)
    J, h = _real_number(J, "J"), _real_number(h, "h")  # noqa: N806
    _check_form(form)
    n = lx * ly
    if n < 2:
        raise InvalidParameterError(f"shape must hold at least 2 sites; got {shape!r}")
    bonds: set[tuple[int, int]] = set()
    for x in range(lx):
        for y in range(ly):
            for dx, dy in ((1, 0), (0, 1)):
                xx, yy = x + dx, y + dy
                if periodic:
                    xx, yy = xx % lx, yy % ly
                elif xx >= lx or yy >= ly:
                    continue
                i, j = x * ly + y, xx * ly + yy
                if i != j:
                    bonds.add((min(i, j), max(i, j)))
    terms = [(-J, "ZZ", b) for b in sorted(bonds)] + [(-h, "X", (i,)) for i in range(n)]
    return pauli_sum(n, terms).as_form(form, max_memory)


def heisenberg(
    n: int,
    J: float = 1.0,  # noqa: N803
    delta: float = 1.0,
    periodic: bool = True,
    form: str = "sparse",
    max_memory: float | None = None,
) -> Any:
    """The XXZ chain ``H = J sum_i (S^x S^x + S^y S^y + delta S^z S^z)`` with ``S = sigma / 2``.

    ``J > 0`` is antiferromagnetic; ``delta = 1`` is the Heisenberg chain, whose periodic ground
    energy per site tends to ``J (1/4 - ln 2)`` (Hulthen).

    Examples
    --------
    >>> from tnrbm import ed
    >>> round(ed.ground_state(ed.heisenberg(4)).energy, 12)  # 4-ring: -2 J
    -2.0
    """
    n = _check_n(n, minimum=2)
    J, delta = _real_number(J, "J"), _real_number(delta, "delta")  # noqa: N806
    _check_form(form)
    terms = []
    for b in _chain_bonds(n, periodic):
        terms += [(J / 4, "XX", b), (J / 4, "YY", b), (J * delta / 4, "ZZ", b)]
    return pauli_sum(n, terms).as_form(form, max_memory)


def cluster(n: int, periodic: bool = True, form: str = "sparse", max_memory: float | None = None) -> Any:
    """The cluster-state Hamiltonian ``H = -sum_i Z_{i-1} X_i Z_{i+1}``.

    On an open chain the end terms are ``X_0 Z_1`` and ``Z_{n-2} X_{n-1}``, so the ground state is
    unique in both cases: the cluster state of :func:`tnrbm.states.cluster`, energy ``-n``.

    Examples
    --------
    >>> from tnrbm import ed
    >>> round(ed.ground_state(ed.cluster(6)).energy, 12)
    -6.0
    """
    n = _check_n(n, minimum=3 if periodic else 2)
    _check_form(form)
    return pauli_sum(n, [(-1.0, ops, sites) for ops, sites in cluster_stabilizers(n, periodic)]).as_form(
        form, max_memory
    )


def cluster_stabilizers(n: int, periodic: bool = True) -> list[tuple[str, tuple[int, ...]]]:
    """The stabilizers ``K_i = Z_{i-1} X_i Z_{i+1}`` of the cluster chain as ``(ops, sites)``.

    Examples
    --------
    >>> from tnrbm import ed
    >>> ed.cluster_stabilizers(3, periodic=False)
    [('XZ', (0, 1)), ('ZXZ', (0, 1, 2)), ('ZX', (1, 2))]
    """
    n = _check_n(n, minimum=3 if periodic else 2)
    out = []
    for i in range(n):
        left, right = i - 1, i + 1
        if periodic:
            out.append(("ZXZ", (left % n, i, right % n)))
        else:
            ops, sites = "", []
            for op, s in (("Z", left), ("X", i), ("Z", right)):
                if 0 <= s < n:
                    ops += op
                    sites.append(s)
            out.append((ops, tuple(sites)))
    return out


def toric_code_edges(L: int) -> dict[str, Any]:  # noqa: N803
    """The edge indexing of the ``L x L`` periodic toric code (``2 L**2`` qubits).

    Vertices are ``(x, y)`` with ``x, y in range(L)``. The horizontal edge from ``(x, y)`` to
    ``(x, y + 1)`` is qubit ``2 * (x * L + y)``; the vertical edge from ``(x, y)`` to ``(x + 1, y)`` is
    qubit ``2 * (x * L + y) + 1`` (coordinates mod L).

    Returns
    -------
    dict
        ``"stars"``: for each vertex ``(x, y)`` (in order ``x * L + y``) its 4 edges (X-type
        stabilizers A_v); ``"plaquettes"``: for each plaquette with lower corner ``(x, y)`` its 4
        edges (Z-type stabilizers B_p); ``"x_loops"``: the two non-contractible X strings that commute
        with every plaquette -- the vertical edges ``(0, y)`` for all y, the horizontal edges
        ``(x, 0)`` for all x; ``"z_loops"``: the two non-contractible Z strings (horizontal edges
        ``(0, y)`` for all y; vertical edges ``(x, 0)`` for all x).

    Examples
    --------
    >>> from tnrbm import ed
    >>> ed.toric_code_edges(2)["plaquettes"][0]
    (0, 4, 1, 3)
    """
    L = _check_n(L, "L", minimum=2)  # noqa: N806

    def hor(x: int, y: int) -> int:
        return 2 * ((x % L) * L + (y % L))

    def ver(x: int, y: int) -> int:
        return 2 * ((x % L) * L + (y % L)) + 1

    stars = [(hor(x, y), hor(x, y - 1), ver(x, y), ver(x - 1, y)) for x in range(L) for y in range(L)]
    plaquettes = [(hor(x, y), hor(x + 1, y), ver(x, y), ver(x, y + 1)) for x in range(L) for y in range(L)]
    x_loops = [tuple(ver(0, y) for y in range(L)), tuple(hor(x, 0) for x in range(L))]
    z_loops = [tuple(hor(0, y) for y in range(L)), tuple(ver(x, 0) for x in range(L))]
    return {"n": 2 * L * L, "stars": stars, "plaquettes": plaquettes, "x_loops": x_loops, "z_loops": z_loops}


def toric_code(
    L: int,  # noqa: N803
    sector_field: float = 0.0,
    form: str = "sparse",
    max_memory: float | None = None,
) -> Any:
    """Kitaev's toric code on an ``L x L`` torus: ``H = -sum_v A_v - sum_p B_p`` (``2 L**2`` qubits).

    ``A_v`` is X on the 4 edges at vertex v, ``B_p`` is Z on the 4 edges of plaquette p, edges
    indexed as in :func:`toric_code_edges`. The ground space is 4-fold degenerate (energy
    ``-2 L**2``); ``sector_field > 0`` adds ``-sector_field`` times each non-contractible X loop,
    which selects the sector of :func:`tnrbm.states.toric_code` (both X loops +1) as the unique
    ground state.

    Examples
    --------
    >>> from tnrbm import ed
    >>> res = ed.ground_state(ed.toric_code(2), k=5)
    >>> [round(float(e), 9) for e in res.energies]
    [-8.0, -8.0, -8.0, -8.0, -4.0]
    """
    edges = toric_code_edges(L)
    sector_field = _real_number(sector_field, "sector_field")
    _check_form(form)
    terms = [(-1.0, "XXXX", s) for s in edges["stars"]] + [(-1.0, "ZZZZ", p) for p in edges["plaquettes"]]
    if sector_field != 0:
        terms += [(-sector_field, "X" * len(loop), loop) for loop in edges["x_loops"]]
    return pauli_sum(edges["n"], terms).as_form(form, max_memory)


# --------------------------------------------------------------------------------------- ground states
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

    Accepts a :class:`PauliSum`, a scipy sparse matrix, a ``LinearOperator`` or a square numpy array.

    Examples
    --------
    >>> from tnrbm import ed
    >>> ed.as_operator(ed.tfim(3, form="pauli")).shape
    (8, 8)
    """
    if isinstance(H, PauliSum):
        return H.to_operator()
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
    k = _check_n(k, "k")
    if k >= dim:
        raise InvalidParameterError(f"k must be smaller than the dimension {dim}; got k={k}")
    itemsize = 16 if np.issubdtype(op.dtype, np.complexfloating) else 8
    ncv = min(dim, max(2 * k + 1, 20)) if ncv is None else _check_n(ncv, "ncv", k + 2)
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
        rng = np.random.default_rng(seed)
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


# --------------------------------------------------------------------------------------- CLI rows
MODELS = ("tfim", "heisenberg", "cluster", "toric")


def run_ed(
    model: str = "tfim",
    n: int = 12,
    k: int = 2,
    J: float = 1.0,  # noqa: N803
    h: float = 1.0,
    delta: float = 1.0,
    periodic: bool = True,
    form: str = "sparse",
) -> list[dict]:
    """ED of a named model as printable rows (one per eigenvalue), for the ``tnrbm ed`` command.

    Parameters
    ----------
    model
        ``"tfim"``, ``"heisenberg"``, ``"cluster"`` or ``"toric"`` (``n`` is then L, ``2 L**2`` qubits).
    n, k
        Size and number of eigenvalues.
    J, h, delta, periodic
        Model parameters (each model uses the ones it has).
    form
        ``"sparse"`` or ``"operator"`` (matrix-free).

    Returns
    -------
    list of dict
        Keys ``level, energy, energy_per_site, gap, reference, error, seconds``; ``reference`` is
        the exact free-fermion energy for the periodic TFIM ground state (else None).

    Examples
    --------
    >>> from tnrbm import ed
    >>> rows = ed.run_ed("tfim", n=8, k=1)
    >>> rows[0]["error"] < 1e-9
    True
    """
    if model not in MODELS:
        raise InvalidParameterError(f"model must be one of {MODELS}; got {model!r}")
    if form not in ("sparse", "operator"):
        raise InvalidParameterError(f"form must be 'sparse' or 'operator'; got {form!r}")
    t0 = time.perf_counter()
    if model == "tfim":
        H = tfim(n, J=J, h=h, periodic=periodic, form=form)  # noqa: N806
        sites = n
    elif model == "heisenberg":
        H = heisenberg(n, J=J, delta=delta, periodic=periodic, form=form)  # noqa: N806
        sites = n
    elif model == "cluster":
        H = cluster(n, periodic=periodic, form=form)  # noqa: N806
        sites = n
    else:
        H = toric_code(n, form=form)  # noqa: N806
        sites = 2 * n * n
    build = time.perf_counter() - t0
    res = ground_state(H, k=k)
    reference = None
    if model == "tfim" and periodic:
        from .exact import tfim_ground_energy

        reference = tfim_ground_energy(n, J=J, h=h)
    rows = []
    for level, e in enumerate(res.energies):
        rows.append(
            {
                "level": level,
                "energy": float(e),
                "energy_per_site": float(e) / sites,
                "gap": float(e - res.energies[0]),
                "reference": reference if level == 0 else None,
                "error": abs(float(e) - reference) if (level == 0 and reference is not None) else None,
                "seconds": build + res.seconds,
            }
        )
    return rows
