"""The restricted Boltzmann machine: one hidden layer, amplitudes in closed form."""

from __future__ import annotations

from typing import Any, cast

import numpy as np
import scipy.sparse as sp

from ..validation import check_choice
from .base import HIDDEN_CONVENTIONS, BoltzmannNetwork, _as_matrix, _as_vector, _check_size, log_sum_hidden
from .configurations import check_configurations

__all__ = ["RBM"]

#: couplings denser than this fraction are multiplied as a dense array (BLAS)
DENSE_FRACTION = 0.1
#: the largest W kept as a dense copy (entries)
MAX_DENSE_ENTRIES = 2**24


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
    geometry
        Where the units sit (a :class:`~tnrbm.network.Geometry` or a dict with a ``kind``), or None.

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
        geometry: Any = None,
    ) -> None:
        check_choice(hidden, "hidden", HIDDEN_CONVENTIONS)
        _check_size([weights])
        w = _as_matrix(weights, "weights")
        n_v, n_h = w.shape
        a = _as_vector(visible_bias, n_v, "visible_bias")
        b = _as_vector(hidden_bias, n_h, "hidden_bias")
        super().__init__([w], [a, b], hidden, geometry=geometry)

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
        dense = self._dense_weights()
        th = (flat @ dense if dense is not None else (self.W.T @ flat.T).T) + self.hidden_bias
        return th.reshape(conf.shape[:-1] + (self.n_hidden,))

    def _dense_weights(self) -> np.ndarray | None:
        """``W`` as a dense array when it is dense enough for BLAS to beat the sparse product (cached)."""
        cached = getattr(self, "_dense_w", False)
        if cached is not False:
            return cast("np.ndarray | None", cached)
        w = self.W
        size = w.shape[0] * w.shape[1]
        dense = w.toarray() if size and w.nnz >= DENSE_FRACTION * size and size <= MAX_DENSE_ENTRIES else None
        self._dense_w = dense
        return dense

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
