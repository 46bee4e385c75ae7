"""The layered Boltzmann network and its conventions: the common base of :class:`RBM` and :class:`DBM`."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

from ..errors import InvalidParameterError
from ..validation import check_bool, check_choice, check_memory
from .geometry import Geometry, as_geometry

__all__ = [
    "BoltzmannNetwork",
    "HIDDEN_CONVENTIONS",
    "VISIBLE_VALUES",
    "DENSE_CHUNK",
    "CHUNK_BYTES_PER_UNIT",
    "REAL_CHUNK_BYTES_PER_UNIT",
    "Unit",
    "log_sum_hidden",
    "MAX_BOOKKEEPING_UNITS",
    "check_bookkeeping",
]

#: the most units the per-unit work of a cut, a bulk graph or an entanglement plan is started for
MAX_BOOKKEEPING_UNITS = 2**20
#: measured per-unit time of that work (a sparse 10**6 x 10**6 RBM: more than 25 s for 2 * 10**6 units)
SECONDS_PER_UNIT = 1.5e-5

#: configurations whose amplitudes :meth:`BoltzmannNetwork.to_dense` evaluates at a time
DENSE_CHUNK = 2**14
#: bytes of temporaries per configuration and unit of one chunk of :meth:`BoltzmannNetwork.to_dense`
#: of a complex network (the peak RSS of ``to_dense`` minus its vector, measured 63-69 bytes:
#: docs/theory/memory.md)
CHUNK_BYTES_PER_UNIT = 80.0
#: the same for a real network (measured 40 bytes)
REAL_CHUNK_BYTES_PER_UNIT = 48.0
HIDDEN_CONVENTIONS = ("spin", "binary")
_HIDDEN_VALUES = {"spin": np.array([1.0, -1.0]), "binary": np.array([0.0, 1.0])}
VISIBLE_VALUES = np.array([1.0, -1.0])

Unit = tuple[int, int]


def _as_matrix(weights: Any, name: str) -> sp.csr_array:
    """Validate a coupling matrix and return it as a sparse CSR array without explicit zeros."""
    if sp.issparse(weights):
        mat = sp.csr_array(weights)
        data = mat.data
    else:
        try:
            arr = np.asarray(weights)
        except (ValueError, TypeError) as err:
            raise InvalidParameterError(
                f"{name} must be a 2D numeric array or a scipy.sparse matrix; got {type(weights).__name__} "
                f"that numpy cannot read as an array ({err})"
            ) from None
        if arr.ndim != 2:
            raise InvalidParameterError(
                f"{name} must be a 2D array of shape (n_in, n_out); got an array of shape {arr.shape}"
            )
        data = arr
        mat = None
    if not (np.issubdtype(data.dtype, np.number) or data.dtype == bool):
        raise InvalidParameterError(f"{name} must hold real or complex numbers; got dtype {data.dtype}")
    dtype = np.complex128 if np.iscomplexobj(data) else np.float64
    data = np.asarray(data, dtype=dtype)
    if not np.all(np.isfinite(data)):
        bad = np.argwhere(~np.isfinite(data))[0]
        if mat is None:
            value, where = data[tuple(bad)], tuple(int(b) for b in bad)
        else:  # a stored entry k of the CSR matrix sits in the row whose slice of indptr holds k
            k = int(bad[0])
            value, where = data[k], (int(np.searchsorted(mat.indptr, k, side="right")) - 1, int(mat.indices[k]))
        raise InvalidParameterError(f"{name} must be finite; got {value} at position {where}")
    if mat is None:
        mat = sp.csr_array(data)
    else:
        mat = sp.csr_array((data, mat.indices, mat.indptr), shape=mat.shape)
    mat.sum_duplicates()
    mat.eliminate_zeros()
    mat.sort_indices()
    return mat


def _as_vector(bias: Any, n: int, name: str) -> np.ndarray:
    if bias is None:
        return np.zeros(n)
    try:
        arr = np.asarray(bias)
    except (ValueError, TypeError):
        raise InvalidParameterError(f"{name} must be a 1D numeric array of length {n}") from None
    if not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise InvalidParameterError(f"{name} must hold real or complex numbers; got dtype {arr.dtype}")
    if arr.shape != (n,):
        raise InvalidParameterError(f"{name} must have shape ({n},); got shape {arr.shape}")
    arr = arr.astype(np.complex128 if np.iscomplexobj(arr) else np.float64)
    if not np.all(np.isfinite(arr)):
        i = int(np.argwhere(~np.isfinite(arr))[0, 0])
        raise InvalidParameterError(f"{name} must be finite; got {arr[i]} at index {i}")
    return arr


def _check_size(couplings: Sequence[Any]) -> None:
    """Refuse, before anything is allocated, a network whose sparse arrays and biases would not fit."""
    nbytes = 0.0
    for w in couplings:
        shape = getattr(w, "shape", None)
        if not (isinstance(shape, tuple) and len(shape) == 2):
            continue
        try:
            rows, cols = (int(x) for x in shape)
        except (TypeError, ValueError):
            continue
        nnz = int(getattr(w, "nnz", rows * cols))
        nbytes += 8.0 * (rows + 1) + 24.0 * nnz + 16.0 * (rows + cols)
    check_memory(
        2.0 * nbytes,
        "the coupling matrices and biases of this network",
        None,
        "use fewer units (row pointers and biases grow with the number of units, even without couplings)",
    )


def check_bookkeeping(network: BoltzmannNetwork, what: str) -> None:
    """Refuse up front, with a time estimate, work that walks every unit of a network with too many units.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> from tnrbm.network import RBM
    >>> try:
    ...     check_bookkeeping(RBM(sp.csr_array((10**6, 10**6))), "entanglement")
    ... except InvalidParameterError as err:
    ...     print(str(err)[:60])
    entanglement walks every one of the 2000000 units of this ne
    """
    units = network.n_visible + network.n_hidden
    if units <= MAX_BOOKKEEPING_UNITS:
        return
    isolated = sum(int(np.count_nonzero(np.diff(m.indptr) == 0)) for m in network.couplings)
    isolated += int(
        np.count_nonzero(np.bincount(network.couplings[-1].indices, minlength=network.layer_sizes[-1]) == 0)
    )
    raise InvalidParameterError(
        f"{what} walks every one of the {units} units of this network (about {units * SECONDS_PER_UNIT:.0f} s), "
        f"more than the {MAX_BOOKKEEPING_UNITS} units it is started for; {isolated} units have no coupling at all: "
        "drop them (an uncoupled spin is an unentangled product factor, an uncoupled hidden unit a constant)"
    )


def log_sum_hidden(theta: np.ndarray, hidden: str) -> np.ndarray:
    """``log sum_h exp(h theta)`` over one hidden unit, stable for large or complex ``theta``.

    ``log(2 cosh theta)`` for spin units, ``log(1 + exp theta)`` for binary units.
    """
    if hidden == "spin":
        s = np.where(theta.real >= 0, 1.0, -1.0)
        t = s * theta  # cosh is even: Re t >= 0
        return t + np.log1p(np.exp(-2.0 * t))  # log(e^t + e^-t)
    pos = theta.real > 0
    t = np.where(pos, -theta, theta)  # Re t <= 0
    return np.where(pos, theta, 0.0) + np.log1p(np.exp(t))


class BoltzmannNetwork:
    """A layered Boltzmann network: the common base of :class:`RBM` and :class:`DBM`.

    Attributes
    ----------
    couplings : tuple of scipy.sparse.csr_array
        ``couplings[l]`` has shape ``(layer_sizes[l], layer_sizes[l + 1])``.
    biases : tuple of numpy.ndarray
        ``biases[l]`` has length ``layer_sizes[l]``; ``biases[0]`` is the visible bias.
    hidden : str
        ``"spin"`` or ``"binary"``.
    geometry : Geometry or None
        How the visible (and hidden) units sit in space (:class:`~tnrbm.network.Geometry`), passed to
        the constructor (the constructors in :mod:`tnrbm.models` do); used for drawing and for choosing
        entanglement methods. ``None`` when unknown. Assigning a dict converts (and checks) it.
    """

    couplings: tuple[sp.csr_array, ...]
    biases: tuple[np.ndarray, ...]
    hidden: str

    def __init__(
        self, couplings: Sequence[Any], biases: Sequence[Any] | None, hidden: str, geometry: Any = None
    ) -> None:
        check_choice(hidden, "hidden", HIDDEN_CONVENTIONS)
        if isinstance(couplings, (str, bytes)) or not isinstance(couplings, Sequence):
            raise InvalidParameterError(
                f"weights must be a list [W1, W2, ...] of coupling matrices; got {type(couplings).__name__}"
            )
        if len(couplings) == 0:
            raise InvalidParameterError("weights must hold at least one coupling matrix; got an empty list")
        _check_size(couplings)
        mats = [_as_matrix(w, "weights" if len(couplings) == 1 else f"weights[{k}]") for k, w in enumerate(couplings)]
        for k in range(1, len(mats)):
            if mats[k].shape[0] != mats[k - 1].shape[1]:
                raise InvalidParameterError(
                    f"weights[{k}] must have {mats[k - 1].shape[1]} rows (the size of hidden layer {k}); "
                    f"got shape {mats[k].shape}"
                )
        sizes = (mats[0].shape[0],) + tuple(m.shape[1] for m in mats)
        if sizes[0] < 1:
            raise InvalidParameterError(
                f"the network needs at least one visible unit; got weights of shape {mats[0].shape}"
            )
        if biases is None:
            biases = [None] * len(sizes)
        if isinstance(biases, (str, bytes, np.ndarray)) or not isinstance(biases, Sequence):
            raise InvalidParameterError(
                f"biases must be a list of {len(sizes)} vectors [visible, hidden 1, ...] (or None); got {biases!r:.60}"
            )
        if len(biases) != len(sizes):
            raise InvalidParameterError(
                f"biases must be a list of {len(sizes)} vectors [visible, hidden 1, ...]; got {len(biases)}"
            )
        names = ["visible_bias"] + [f"biases[{k}]" for k in range(1, len(sizes))]
        vecs = [_as_vector(b, n, nm) for b, n, nm in zip(biases, sizes, names)]
        complex_ = any(np.iscomplexobj(m.data) for m in mats) or any(np.iscomplexobj(b) for b in vecs)
        dtype = np.complex128 if complex_ else np.float64
        self.couplings = tuple(m.astype(dtype) for m in mats)
        self.biases = tuple(b.astype(dtype) for b in vecs)
        self.hidden = hidden
        self.layer_sizes = sizes
        self.geometry = geometry

    @property
    def geometry(self) -> Geometry | None:
        """The network's :class:`~tnrbm.network.Geometry` (None when unknown)."""
        return self._geometry

    @geometry.setter
    def geometry(self, value: Any) -> None:
        self._geometry = as_geometry(value)

    # ----------------------------------------------------------------- sizes and graph
    @property
    def dtype(self) -> np.dtype:
        """float64 for real parameters, complex128 otherwise."""
        return self.couplings[0].dtype

    @property
    def is_complex(self) -> bool:
        """Whether any parameter is complex."""
        return np.issubdtype(self.dtype, np.complexfloating)

    @property
    def n_visible(self) -> int:
        """Number of visible spins N."""
        return self.layer_sizes[0]

    @property
    def n_hidden(self) -> int:
        """Total number of hidden units M over all hidden layers."""
        return int(sum(self.layer_sizes[1:]))

    @property
    def n_layers(self) -> int:
        """Number of hidden layers (1 for an RBM)."""
        return len(self.layer_sizes) - 1

    @property
    def hidden_values(self) -> np.ndarray:
        """Values of a hidden unit for basis index 0 and 1: [+1, -1] or [0, 1]."""
        return _HIDDEN_VALUES[self.hidden]

    def layer_values(self, layer: int) -> np.ndarray:
        """Values of a unit of ``layer`` for basis index 0 and 1."""
        return VISIBLE_VALUES if layer == 0 else self.hidden_values

    def units(self) -> list[Unit]:
        """Every unit as ``(layer, index)``, visible first."""
        return [(layer, i) for layer, n in enumerate(self.layer_sizes) for i in range(n)]

    def hidden_offset(self, layer: int) -> int:
        """Global hidden index of the first unit of hidden ``layer`` (>= 1)."""
        return int(sum(self.layer_sizes[1:layer]))

    def unit_label(self, unit: Unit) -> str:
        """``'V{i}'`` for visible unit i, ``'H{j}'`` for global hidden index j."""
        layer, i = unit
        return f"V{i}" if layer == 0 else f"H{self.hidden_offset(layer) + i}"

    def edges(self) -> list[tuple[Unit, Unit, complex | float]]:
        """Every nonzero coupling as ``((l, i), (l + 1, j), w)``, in a deterministic order."""
        out = []
        for layer, mat in enumerate(self.couplings):
            coo = mat.tocoo()
            order = np.lexsort((coo.col, coo.row))
            for r, c, w in zip(coo.row[order], coo.col[order], coo.data[order]):
                out.append(((layer, int(r)), (layer + 1, int(c)), w.item()))
        return out

    @property
    def n_edges(self) -> int:
        """Number of nonzero couplings."""
        return int(sum(m.nnz for m in self.couplings))

    # ----------------------------------------------------------------- amplitudes
    def log_amplitude(self, v: Any) -> np.ndarray:
        """``log psi(v)`` for configurations of shape ``(..., n_visible)`` in {+1, -1}."""
        raise NotImplementedError

    def amplitude(self, v: Any) -> np.ndarray:
        """``psi(v) = exp(log_amplitude(v))`` (may overflow for big networks: prefer logs)."""
        return np.exp(self.log_amplitude(v))

    def to_dense(self, normalize: bool = True, max_memory: float | None = None) -> np.ndarray:
        """The state vector in kron order (site 0 most significant, spin +1 = index 0).

        Parameters
        ----------
        normalize
            Divide by the 2-norm. Without it the raw amplitudes are returned (they can overflow).
        max_memory
            Refuse with :class:`~tnrbm.errors.MemoryLimitError` when the vector needs more bytes
            (default: a quarter of the available memory).
        """
        normalize = check_bool(normalize, "normalize")
        n = self.n_visible
        check_memory(
            self.dense_memory(),
            f"the dense state vector of {n} spins (with the amplitudes of {DENSE_CHUNK} configurations at a time)",
            max_memory,
            "use a smaller network, or tnrbm.entanglement with method='cut' or 'mps', which never forms it",
        )
        return self._to_dense(normalize)

    def dense_memory(self) -> float:
        """Peak bytes of :meth:`to_dense`: the vector (its log-amplitudes are exponentiated in place) and
        the temporaries of one chunk of :data:`DENSE_CHUNK` configurations (measured:
        :data:`CHUNK_BYTES_PER_UNIT` bytes per configuration and unit)."""
        n = self.n_visible
        itemsize = 16 if self.is_complex else 8
        units = n + sum(self.layer_sizes[1:])
        per_unit = CHUNK_BYTES_PER_UNIT if self.is_complex else REAL_CHUNK_BYTES_PER_UNIT
        size = math.ldexp(1.0, n) if n < 1024 else math.inf  # 2.0**n overflows a float from n = 1024
        return itemsize * size + per_unit * min(size, DENSE_CHUNK) * units

    def _to_dense(self, normalize: bool) -> np.ndarray:
        n = self.n_visible
        logs = np.empty(2**n, dtype=self.dtype)
        for start in range(0, 2**n, DENSE_CHUNK):
            idx = np.arange(start, min(start + DENSE_CHUNK, 2**n), dtype=np.int64)[:, None]
            conf = 1.0 - 2.0 * ((idx >> np.arange(n - 1, -1, -1)) & 1)
            logs[start : start + len(idx)] = self.log_amplitude(conf)
        if normalize:
            logs -= logs.real.max()
        np.exp(logs, out=logs)  # the amplitudes, in the memory of their logs
        if normalize:
            logs /= np.linalg.norm(logs)
        return logs

    def __repr__(self) -> str:
        kind = type(self).__name__
        dt = "complex" if self.is_complex else "real"
        return f"{kind}(layer_sizes={list(self.layer_sizes)}, edges={self.n_edges}, hidden={self.hidden!r}, {dt})"
