"""Boltzmann-machine wavefunctions: the restricted (RBM) and the deep (DBM) case.

A network is a layered graph of units. Layer 0 holds the visible spins ``v_i in {+1, -1}``;
layers 1, 2, ... hold hidden units with values ``{+1, -1}`` (``hidden="spin"``) or ``{0, 1}``
(``hidden="binary"``). Layer ``l`` couples only to layers ``l - 1`` and ``l + 1``. The
unnormalized amplitude is

    psi(v) = sum_{h} exp( sum_l biases[l] . x_l + sum_l x_l^T couplings[l] x_{l+1} ),

with ``x_0 = v``. For an RBM (one hidden layer) the hidden sum is closed form,
``psi(v) = exp(a . v) prod_j 2 cosh(theta_j)`` (spin) or ``prod_j (1 + exp(theta_j))``
(binary), ``theta_j = b_j + sum_i W_ij v_i``.

Units are named by ``(layer, index)`` tuples everywhere (graph nodes, cut surfaces). A zero
coupling is no connection and not an edge.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

from ._memory import check_memory
from .errors import InvalidConfigurationError, InvalidParameterError

__all__ = [
    "BoltzmannNetwork",
    "RBM",
    "DBM",
    "HIDDEN_CONVENTIONS",
    "all_configurations",
    "check_configurations",
]

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


def check_configurations(v: Any, n_visible: int, name: str = "v") -> np.ndarray:
    """Validate spin configurations of shape ``(..., n_visible)`` with entries in {+1, -1}.

    Returns them as a float64 array.

    Examples
    --------
    >>> check_configurations([1, -1, 1], 3)
    array([ 1., -1.,  1.])
    """
    try:
        arr = np.asarray(v)
    except (ValueError, TypeError):
        raise InvalidConfigurationError(f"{name} must be an array of +1/-1 spins") from None
    if arr.ndim == 0 or arr.shape[-1] != n_visible:
        raise InvalidConfigurationError(
            f"{name} must have shape (..., {n_visible}) (one entry per visible spin); got shape {arr.shape}"
        )
    if not np.issubdtype(arr.dtype, np.number) or np.iscomplexobj(arr):
        raise InvalidConfigurationError(f"{name} must hold real +1/-1 spins; got dtype {arr.dtype}")
    ok = (arr == 1) | (arr == -1)
    if not np.all(ok):
        bad = arr[~ok].flat[0]
        raise InvalidConfigurationError(
            f"{name} must hold spins +1 or -1 only; got the value {bad!r} (binary 0/1 data: use 1 - 2 * x)"
        )
    return arr.astype(np.float64)


def all_configurations(n: int) -> np.ndarray:
    """Every configuration of ``n`` spins in kron order, shape ``(2**n, n)``.

    Site 0 is the most significant bit and spin +1 is basis index 0.

    Examples
    --------
    >>> all_configurations(2)
    array([[ 1.,  1.],
           [ 1., -1.],
           [-1.,  1.],
           [-1., -1.]])
    """
    check_memory(
        8.0 * n * 2.0**n,
        f"all {2**n if n < 64 else '2**' + str(n)} configurations of {n} spins",
        None,
        "enumerate fewer spins, or sample configurations instead",
    )
    idx = np.arange(2**n, dtype=np.int64)[:, None]
    bits = (idx >> np.arange(n - 1, -1, -1)) & 1
    return 1.0 - 2.0 * bits


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
    geometry : dict or None
        How the visible (and hidden) units sit in space, set by the constructors in
        :mod:`tnrbm.models`, e.g. ``{"kind": "chain", "n": 8, "periodic": True}``; used for
        drawing and for choosing entanglement methods. ``None`` when unknown.
    """

    couplings: tuple[sp.csr_array, ...]
    biases: tuple[np.ndarray, ...]
    hidden: str
    geometry: dict | None = None

    def __init__(self, couplings: Sequence[Any], biases: Sequence[Any] | None, hidden: str) -> None:
        if hidden not in HIDDEN_CONVENTIONS:
            raise InvalidParameterError(f"hidden must be one of {HIDDEN_CONVENTIONS}; got {hidden!r}")
        if len(couplings) == 0:
            raise InvalidParameterError("weights must hold at least one coupling matrix; got an empty list")
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
        n = self.n_visible
        itemsize = 16 if self.is_complex else 8
        check_memory(
            3 * itemsize * 2.0**n,
            f"the dense state vector of {n} spins",
            max_memory,
            "use a smaller network, or tnrbm.entanglement with method='cut' or 'mps', which never forms it",
        )
        return self._to_dense(normalize)

    def _to_dense(self, normalize: bool) -> np.ndarray:
        n = self.n_visible
        out = np.empty(2**n, dtype=self.dtype)
        chunk = 2 ** min(n, 16)
        logs = np.empty(2**n, dtype=self.dtype)
        for start in range(0, 2**n, chunk):
            idx = np.arange(start, min(start + chunk, 2**n), dtype=np.int64)[:, None]
            conf = 1.0 - 2.0 * ((idx >> np.arange(n - 1, -1, -1)) & 1)
            logs[start : start + len(idx)] = self.log_amplitude(conf)
        if normalize:
            logs = logs - logs.real.max()
        out[:] = np.exp(logs) if self.is_complex else np.exp(logs.real)
        if normalize:
            out /= np.linalg.norm(out)
        return out

    def __repr__(self) -> str:
        kind = type(self).__name__
        dt = "complex" if self.is_complex else "real"
        return f"{kind}(layer_sizes={list(self.layer_sizes)}, edges={self.n_edges}, hidden={self.hidden!r}, {dt})"


class RBM(BoltzmannNetwork):
    """A restricted Boltzmann machine wavefunction.

    ``psi(v) = exp(sum_i a_i v_i) prod_j sum_h exp(h theta_j)``, ``theta_j = b_j + sum_i W_ij v_i``,
    unnormalized.

    Parameters
    ----------
    weights
        Couplings ``W`` of shape ``(n_visible, n_hidden)``: a numpy array or scipy.sparse matrix,
        real or complex. A zero entry is no connection.
    visible_bias, hidden_bias
        ``a`` (length n_visible) and ``b`` (length n_hidden); zero when omitted.
    hidden
        ``"spin"``: h in {+1, -1}, factor ``2 cosh theta``. ``"binary"``: h in {0, 1}, factor
        ``1 + exp theta``.

    Notes
    -----
    NetKet's ``nk.models.RBM`` with params ``{"Dense": {"kernel": W, "bias": b}, "visible_bias": a}``
    uses ``log cosh`` without the ``log 2``: for spin hidden units
    ``psi_tnrbm(v) = 2**M psi_NetKet(v)``.

    Examples
    --------
    >>> import numpy as np, tnrbm
    >>> rbm = tnrbm.RBM(np.array([[0.5], [0.5]]))
    >>> float(rbm.amplitude([1, 1]))  # 2 cosh(1)
    3.0861612696304874
    >>> rbm.n_visible, rbm.n_hidden
    (2, 1)
    """

    def __init__(
        self,
        weights: Any,
        visible_bias: Any = None,
        hidden_bias: Any = None,
        hidden: str = "spin",
    ) -> None:
        if hidden not in HIDDEN_CONVENTIONS:
            raise InvalidParameterError(f"hidden must be one of {HIDDEN_CONVENTIONS}; got {hidden!r}")
        w = _as_matrix(weights, "weights")
        n_v, n_h = w.shape
        a = _as_vector(visible_bias, n_v, "visible_bias")
        b = _as_vector(hidden_bias, n_h, "hidden_bias")
        super().__init__([w], [a, b], hidden)

    @property
    def W(self) -> sp.csr_array:  # noqa: N802 - the physics name
        """The coupling matrix, shape (n_visible, n_hidden), sparse."""
        return self.couplings[0]

    @property
    def visible_bias(self) -> np.ndarray:
        """``a``, length n_visible."""
        return self.biases[0]

    @property
    def hidden_bias(self) -> np.ndarray:
        """``b``, length n_hidden."""
        return self.biases[1]

    def theta(self, v: Any) -> np.ndarray:
        """Hidden fields ``theta = b + v W`` for configurations ``(..., n_visible)``."""
        conf = check_configurations(v, self.n_visible)
        flat = conf.reshape(-1, self.n_visible)
        th = (self.W.T @ flat.T).T + self.hidden_bias
        return th.reshape(conf.shape[:-1] + (self.n_hidden,))

    def log_amplitude(self, v: Any) -> np.ndarray:
        """``log psi(v)`` in closed form, shape ``v.shape[:-1]``.

        Real for real parameters (psi > 0); complex otherwise (imaginary part defined mod 2 pi).

        Examples
        --------
        >>> import numpy as np, tnrbm
        >>> rbm = tnrbm.RBM(np.array([[0.5], [0.5]]), visible_bias=[0.1, 0.0])
        >>> bool(np.isclose(rbm.log_amplitude([1, 1]), 0.1 + np.log(2 * np.cosh(1.0)), rtol=1e-12))
        True
        """
        conf = check_configurations(v, self.n_visible)
        th = self.theta(conf)
        out = conf @ self.visible_bias + log_sum_hidden(th, self.hidden).sum(axis=-1)
        return out if self.is_complex else out.real


class DBM(BoltzmannNetwork):
    """A deep Boltzmann machine wavefunction: hidden layers stacked, each coupled to its neighbours.

    ``psi(v) = sum_{h_1, ..., h_L} exp(a.v + sum_l b_l.h_l + v^T W_1 h_1 + sum_{l>1} h_{l-1}^T W_l h_l)``.
    Hidden layer ``l`` is RG step ``l`` and bulk depth ``l``.

    Parameters
    ----------
    weights
        ``[W1, W2, ...]``: ``W1`` (n_visible, n_1) couples the visible layer to hidden layer 1,
        ``W_k`` (n_{k-1}, n_k) couples hidden layers k-1 and k. Arrays or scipy.sparse matrices.
    biases
        ``[a, b1, b2, ...]``, zero when omitted (or any entry ``None``).
    hidden
        ``"spin"`` or ``"binary"``, for every hidden layer.

    Examples
    --------
    >>> import numpy as np, tnrbm
    >>> dbm = tnrbm.DBM([np.array([[0.3], [0.2]]), np.array([[0.5]])])
    >>> dbm.layer_sizes
    (2, 1, 1)
    >>> v = np.array([1, -1])  # brute force over h1, h2 in {+1, -1}
    >>> ref = sum(np.exp(0.1 * h1 + 0.5 * h1 * h2) for h1 in (1, -1) for h2 in (1, -1))
    >>> bool(np.isclose(dbm.amplitude(v), ref))
    True
    """

    def __init__(self, weights: Sequence[Any], biases: Sequence[Any] | None = None, hidden: str = "spin") -> None:
        if isinstance(weights, np.ndarray) or sp.issparse(weights):
            raise InvalidParameterError(
                "weights must be a list [W1, W2, ...] of coupling matrices; got a single matrix "
                "(use tnrbm.RBM for one hidden layer, or wrap it in a list)"
            )
        super().__init__(list(weights), biases, hidden)

    def log_amplitude(self, v: Any) -> np.ndarray:
        """``log psi(v)`` by contracting the hidden layers with the visible spins fixed.

        Shape ``v.shape[:-1]``; real for real parameters.
        """
        from .tensor import dbm_log_amplitude

        conf = check_configurations(v, self.n_visible)
        flat = conf.reshape(-1, self.n_visible)
        out = dbm_log_amplitude(self, flat).reshape(conf.shape[:-1])
        return out if self.is_complex else out.real

    def _to_dense(self, normalize: bool) -> np.ndarray:
        from .tensor import contract_dense

        return contract_dense(self, normalize=normalize)
