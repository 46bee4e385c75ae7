"""The classical Boltzmann view of a network: energy E(v, h), exact log Z, free energies and marginals.

Signs (paper eq. 1 against the wavefunction convention of :mod:`tnrbm.network`)
--------------------------------------------------------------------------------
The paper writes the energy of an RBM as ``E(v, h) = sum_j b_j h_j + sum_ij v_i w_ij h_j + sum_i c_i v_i``
with Boltzmann weight ``exp(-E)``. tnrbm's networks store the *exponent* of the weight:
``psi(v) = sum_h exp(a . v + b . h + v^T W h)``. The two agree, ``psi(v) = sum_h exp(-E(v, h))``, when

    E(v, h) = -(a . v + b . h + v^T W h),   i.e.  c_paper = -a,  b_paper = -b,  w_paper = -W,

and for a DBM ``E = -(sum_l biases[l] . x_l + sum_l x_l^T couplings[l] x_{l+1})`` with ``x_0 = v``.
So the (unnormalized) marginal of the visible spins is the wavefunction, ``p(v) = psi(v) / Z`` with
``Z = sum_{v, h} exp(-E(v, h)) = sum_v psi(v)``, and ``H^RBM(v) = -log psi(v)`` is the visible
Hamiltonian the network defines. Parameters must be real here (a Boltzmann distribution).

Free energies (paper eqs. 7, 8): ``F^v = -log Tr_v exp(-H(v))`` and ``F^h = -log Tr_h exp(-H^RBM(h))``;
for one network both equal ``-log Z``, computed here by contracting the exact tensor network
(:class:`tnrbm.network.TermBuilder` terms, :func:`tnrbm.contract.plan_contraction`), so chains
of ``10**4`` units are exact and overflow-free, and 2D lattices go as far as the contraction width
and ``max_memory`` allow.

Examples
--------
>>> import numpy as np, tnrbm
>>> rbm = tnrbm.RBM([[0.5], [0.5]])
>>> bool(np.isclose(log_partition(rbm), np.log(2 * np.cosh(1.0) * 2 + 2 * 2)))
True
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._deprecated import renamed_keywords
from ..errors import InvalidConfigurationError, InvalidParameterError
from ..network import RBM, BoltzmannNetwork, TermBuilder, chain_positions, check_configurations, log_sum_hidden
from ..validation import MaxMemory, check_bool, check_real, memory_limit
from ._contract import log_contract

__all__ = [
    "energy",
    "log_partition",
    "free_energy",
    "log_marginal_visible",
    "log_marginal_hidden",
    "hamiltonian_visible",
    "hamiltonian_hidden",
    "check_real_network",
    "check_hidden",
]


def check_real_network(network: Any, name: str = "network") -> BoltzmannNetwork:
    """``network`` if it is a Boltzmann network with real parameters, else :class:`InvalidParameterError`.

    Examples
    --------
    >>> import tnrbm
    >>> check_real_network(tnrbm.RBM([[0.1]])).n_visible
    1
    """
    if not isinstance(network, BoltzmannNetwork):
        raise InvalidParameterError(f"{name} must be a tnrbm RBM or DBM; got {type(network).__name__}")
    if network.is_complex:
        raise InvalidParameterError(
            f"{name} has complex parameters; a Boltzmann distribution exp(-E) needs real couplings and biases"
        )
    return network


def check_hidden(h: Any, network: BoltzmannNetwork, layer: int = 1, name: str = "h") -> np.ndarray:
    """Validate hidden configurations ``(..., layer_sizes[layer])`` with the network's hidden values.

    Examples
    --------
    >>> import tnrbm
    >>> check_hidden([1, -1], tnrbm.RBM([[0.1, 0.2]]))
    array([ 1., -1.])
    """
    n = network.layer_sizes[layer]
    arr = np.asarray(h)
    if arr.ndim == 0 or arr.shape[-1] != n or not np.issubdtype(arr.dtype, np.number) or np.iscomplexobj(arr):
        raise InvalidConfigurationError(
            f"{name} must be a real array of shape (..., {n}) (one entry per unit of layer {layer}); "
            f"got shape {arr.shape} and dtype {arr.dtype}"
        )
    vals = network.hidden_values
    ok = (arr == vals[0]) | (arr == vals[1])
    if not np.all(ok):
        raise InvalidConfigurationError(
            f"{name} must hold {network.hidden} values {vals.tolist()}; got the value {arr[~ok].flat[0].item()!r}"
        )
    return arr.astype(np.float64)


def energy(network: BoltzmannNetwork, v: Any, *hidden: Any) -> np.ndarray:
    """The paper's energy ``E(v, h_1, ..., h_L) = -(sum_l biases[l] . x_l + sum_l x_l^T W_l x_{l+1})``.

    Parameters
    ----------
    network
        An RBM or DBM with real parameters.
    v
        Visible spins, shape ``(..., n_visible)``.
    *hidden
        One configuration array per hidden layer (broadcast against ``v``).

    Returns
    -------
    numpy.ndarray
        ``E``, shape the broadcast batch shape; ``psi(v) = sum_h exp(-E(v, h))``.

    Examples
    --------
    >>> import numpy as np, tnrbm
    >>> rbm = tnrbm.RBM([[0.5]], visible_bias=[0.1], hidden_bias=[0.2])
    >>> float(energy(rbm, [1], [-1]))  # -(0.1 - 0.2 - 0.5)
    0.6
    """
    net = check_real_network(network)
    if len(hidden) != net.n_layers:
        raise InvalidParameterError(
            f"energy needs one configuration per hidden layer ({net.n_layers}); got {len(hidden)}"
        )
    xs = [check_configurations(v, net.n_visible)]
    xs += [check_hidden(h, net, layer=k + 1, name=f"hidden[{k}]") for k, h in enumerate(hidden)]
    out = sum(x @ b.real for x, b in zip(xs, net.biases))
    for k, mat in enumerate(net.couplings):
        out = out + np.sum(
            (mat.real.T @ xs[k].reshape(-1, xs[k].shape[-1]).T).T.reshape(xs[k].shape[:-1] + (-1,)) * xs[k + 1], axis=-1
        )
    return -np.asarray(out, dtype=np.float64)


def log_partition(network: BoltzmannNetwork, max_memory: MaxMemory = None, slicing: bool = False) -> float:
    """``log Z = log sum_{v, h} exp(-E(v, h))`` by exact tensor-network contraction.

    Hidden units are summed out into bond tensors on their neighbours, visible and hidden indices are
    all summed, and the path is the best of cotengra's greedy and the sweep along the chain
    (:func:`tnrbm.network.chain_positions`). Overflow-free at any size.

    Parameters
    ----------
    network
        An RBM or DBM with real parameters.
    max_memory
        Byte limit for the contraction's peak (refused with :class:`~tnrbm.errors.MemoryLimitError`
        and the estimate before anything is allocated).
    slicing
        Slice the contraction (cotengra) when it would not fit in ``max_memory``.

    Returns
    -------
    float

    Examples
    --------
    >>> import numpy as np, tnrbm
    >>> rbm = tnrbm.models.random_rbm(6, 3, seed=1)
    >>> ref = np.log(np.sum(np.exp(rbm.log_amplitude(tnrbm.network.all_configurations(6)))))
    >>> bool(np.isclose(log_partition(rbm), ref, rtol=1e-12))
    True
    """
    net = check_real_network(network)
    max_memory, slicing = memory_limit(max_memory), check_bool(slicing, "slicing")
    builder = TermBuilder(net, max_bond_degree=16)
    owners: list = []
    terms, exponent = builder.terms(net.units(), range(len(builder.edges)), sum_out=True, owners=owners)
    pos = chain_positions(net)
    keys = [pos[u] for u in owners]
    return log_contract([(t.real, i) for t, i in terms], exponent, keys, max_memory, "log Z of the network", slicing)


def free_energy(network: BoltzmannNetwork, max_memory: MaxMemory = None) -> float:
    """``F = -log Z``: the paper's ``F^v`` of the visible marginal, equal to ``F^h`` of the hidden one.

    Examples
    --------
    >>> import numpy as np, tnrbm
    >>> bool(np.isclose(free_energy(tnrbm.RBM([[0.0]])), -np.log(4.0)))
    True
    """
    return -log_partition(network, max_memory=max_memory)


def hamiltonian_visible(network: BoltzmannNetwork, v: Any) -> np.ndarray:
    """``H^RBM(v) = -log sum_h exp(-E(v, h)) = -log psi(v)``, the visible Hamiltonian of the network.

    Examples
    --------
    >>> import numpy as np, tnrbm
    >>> bool(np.isclose(hamiltonian_visible(tnrbm.RBM([[0.5]]), [1]), -np.log(2 * np.cosh(0.5))))
    True
    """
    net = check_real_network(network)
    return -np.asarray(net.log_amplitude(v), dtype=np.float64)


def log_marginal_visible(network: BoltzmannNetwork, v: Any, log_z: float | None = None) -> np.ndarray:
    """``log p(v) = log psi(v) - log Z``.

    Examples
    --------
    >>> import numpy as np, tnrbm
    >>> rbm = tnrbm.models.random_rbm(3, 2, seed=0)
    >>> p = np.exp(log_marginal_visible(rbm, tnrbm.network.all_configurations(3)))
    >>> bool(np.isclose(p.sum(), 1.0))
    True
    """
    net = check_real_network(network)
    lz = log_partition(net) if log_z is None else check_real(log_z, "log_z")
    return -hamiltonian_visible(net, v) - lz


def _rbm_hidden_logweight(rbm: RBM, h: np.ndarray) -> np.ndarray:
    """``-H^RBM(h) = b . h + sum_i log(2 cosh(a_i + (W h)_i))``."""
    flat = h.reshape(-1, rbm.n_hidden)
    field = (rbm.W.real @ flat.T).T + rbm.visible_bias.real
    out = flat @ rbm.hidden_bias.real + log_sum_hidden(field, "spin").sum(axis=-1)
    return out.reshape(h.shape[:-1])


@renamed_keywords(network="rbm")
def hamiltonian_hidden(rbm: RBM, h: Any) -> np.ndarray:
    """``H^RBM(h) = -log sum_v exp(-E(v, h)) = -b . h - sum_i log(2 cosh(a_i + (W h)_i))`` (paper eq. 16).

    Examples
    --------
    >>> import numpy as np, tnrbm
    >>> rbm = tnrbm.RBM([[0.5, 0.5]])  # one spin between two hidden units: a bond of (1/2) ln cosh 1
    >>> dh = hamiltonian_hidden(rbm, [1, -1]) - hamiltonian_hidden(rbm, [1, 1])
    >>> bool(np.isclose(dh, np.log(np.cosh(1.0))))
    True
    """
    net = check_real_network(rbm, "rbm")
    if not isinstance(net, RBM):
        raise InvalidParameterError(f"rbm must be an RBM for H^RBM(h); got {type(net).__name__}")
    return -_rbm_hidden_logweight(net, check_hidden(h, net))


@renamed_keywords(network="rbm")
def log_marginal_hidden(rbm: RBM, h: Any, log_z: float | None = None) -> np.ndarray:
    """``log p(h) = -H^RBM(h) - log Z`` of an RBM's hidden units (visible spins summed in closed form).

    Examples
    --------
    >>> import numpy as np, itertools, tnrbm
    >>> rbm = tnrbm.models.random_rbm(3, 2, seed=0)
    >>> hs = np.array(list(itertools.product([1, -1], repeat=2)))
    >>> bool(np.isclose(np.exp(log_marginal_hidden(rbm, hs)).sum(), 1.0))
    True
    """
    net = check_real_network(rbm, "rbm")
    if not isinstance(net, RBM):
        raise InvalidParameterError(f"rbm must be an RBM for the hidden marginal; got {type(net).__name__}")
    arr = check_hidden(h, net)
    lz = log_partition(net) if log_z is None else check_real(log_z, "log_z")
    return _rbm_hidden_logweight(net, arr) - lz
