"""The deep Boltzmann machine: hidden layers stacked, each coupled to its neighbours."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

from ..contract import contract_arrays
from ..errors import InvalidParameterError
from .base import BoltzmannNetwork
from .configurations import check_configurations
from .local import TermBuilder, physical_inds

__all__ = ["DBM"]

#: configurations per hidden-layer contraction
_CHUNK = 4096


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

    def __init__(
        self, weights: Sequence[Any], biases: Sequence[Any] | None = None, hidden: str = "spin", geometry: Any = None
    ) -> None:
        if isinstance(weights, np.ndarray) or sp.issparse(weights):
            raise InvalidParameterError(
                "weights must be a list [W1, W2, ...] of coupling matrices; got a single matrix "
                "(use tnrbm.RBM for one hidden layer, or wrap it in a list)"
            )
        super().__init__(weights, biases, hidden, geometry=geometry)

    def log_amplitude(self, v: Any) -> np.ndarray:
        """``log psi(v)`` by contracting the hidden layers with the visible spins fixed.

        Shape ``v.shape[:-1]``; real for real parameters. The visible spins turn the couplings to
        hidden layer 1 into fields; the hidden layers are then contracted with a batch hyper-index,
        the scale of each configuration kept apart in logs.
        """
        conf = check_configurations(v, self.n_visible)
        flat = conf.reshape(-1, self.n_visible)
        out = np.empty(len(flat), dtype=np.complex128)
        for start in range(0, len(flat), _CHUNK):
            out[start : start + _CHUNK] = self._log_amplitude_chunk(flat[start : start + _CHUNK])
        shaped = out.reshape(conf.shape[:-1])
        return shaped if self.is_complex else shaped.real

    def _log_amplitude_chunk(self, conf: np.ndarray) -> np.ndarray:
        hv = self.hidden_values
        fields = self.biases[1] + (self.couplings[0].T @ conf.T).T  # (B, n_1)
        logs = fields[:, :, None] * hv[None, None, :]  # (B, n_1, 2)
        shift = logs.real.max(axis=2)  # (B, n_1)
        # a ones vector keeps the batch index alive when hidden layer 1 is empty
        arrays = [np.ones(len(conf))] + [np.exp(logs[:, j, :] - shift[:, j, None]) for j in range(self.layer_sizes[1])]
        inputs = [("batch",)] + [("batch", f"h{j}") for j in range(self.layer_sizes[1])]
        builder = TermBuilder(self)
        deep = [u for u in self.units() if u[0] >= 2]  # layer 1's bias is already in the fields
        edges = [e for e, (u, _, _) in enumerate(builder.edges) if u[0] >= 1]
        terms, scale = builder.terms(deep, edges, sum_out=False)
        mantissa, exponent, _ = contract_arrays(
            arrays + [t[0] for t in terms],
            inputs + [t[1] for t in terms],
            ("batch",),
            what="the hidden-layer contraction",
        )
        vals = np.asarray(mantissa, dtype=np.complex128).reshape(-1)
        return conf @ self.biases[0] + shift.sum(axis=1) + np.log(vals) + (exponent + scale) * np.log(10.0)

    def _to_dense(self, normalize: bool) -> np.ndarray:
        builder = TermBuilder(self)
        terms, scale = builder.terms(self.units(), range(len(builder.edges)), sum_out=True)
        mantissa, exponent, _ = contract_arrays(
            [t[0] for t in terms],
            [t[1] for t in terms],
            physical_inds(self),
            what="the state-vector contraction",
            way_out="use tnrbm.entanglement with method='cut' or 'mps', which never forms the state vector",
        )
        psi = np.asarray(mantissa).reshape(-1)
        if not self.is_complex:
            psi = psi.real
        if normalize:
            return psi / np.linalg.norm(psi)
        return psi * 10.0 ** (exponent + scale)
