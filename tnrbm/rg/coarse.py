"""Coarse-grained Hamiltonians: H^RBM(h), its couplings K~ (paper eq. 9), H^RG_lambda (eq. 11), Delta F.

* ``-H^RBM(h) = sum_S K~_S prod_{j in S} h_j`` over subsets ``S`` of hidden units; the empty set is the
  constant. :func:`coarse_couplings` finds every ``K~_S`` of an RBM with few hidden units by the
  Walsh-Hadamard transform (spin hidden units) or the Moebius transform (binary 0/1 units, products
  of 0/1 values) of ``-H^RBM`` on all ``2**M`` configurations; :func:`coarse_coupling` finds one ``K~_S``
  for any number of hidden units, exactly, from the visible units whose hidden neighbourhood holds ``S``
  (``-H^RBM(h) = b . h + sum_i log 2 cosh(a_i + (W h)_i)`` is a sum of local terms).
* :func:`hamiltonian_rg` evaluates eq. 11, ``exp(-H^RG(h)) = Tr_v exp(T(v, h) - H(v))``, for any
  ``T(v, h)`` by summing over the visible spins; :func:`mehta_schwab_transform` is the choice
  ``T = -E + H`` (eq. 15), for which ``H^RG = H^RBM`` (eq. 16).
* :func:`free_energy_difference` is ``Delta F = F^h - F^v`` (eq. 12) for that choice,
  ``log Tr_v exp(-H) - log Z_RBM``, both by exact contraction; it is 0 when
  ``Tr_h exp(T(v, h)) = 1`` for every ``v`` (eq. 17), which :func:`normalization_defect` measures.

Examples
--------
>>> import numpy as np, tnrbm
>>> rbm = tnrbm.RBM([[0.5, 0.5]])
>>> k = coarse_couplings(rbm)
>>> bool(np.isclose(k[(0, 1)], 0.5 * np.log(np.cosh(1.0))))
True
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

from ..errors import InvalidParameterError
from ..network import RBM, all_configurations, check_configurations, log_sum_hidden
from ..validation import MaxMemory, check_int, check_memory
from .energy import check_real_network, energy, hamiltonian_hidden, log_partition
from .hamiltonian import SpinHamiltonian

__all__ = [
    "walsh_hadamard",
    "moebius",
    "hidden_configurations",
    "coarse_couplings",
    "coarse_coupling",
    "hamiltonian_rg",
    "mehta_schwab_transform",
    "free_energy_difference",
    "normalization_defect",
]

#: the largest number of hidden units :func:`coarse_couplings` enumerates
MAX_ENUMERATED = 24


def _transform(values: Any, kernel: np.ndarray, name: str = "values") -> np.ndarray:
    try:
        vals = None if np.iscomplexobj(values) else np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        vals = None
    n = vals.shape[0] if vals is not None and vals.ndim == 1 else 0
    if vals is None or n < 1 or n & (n - 1):
        shape = getattr(vals, "shape", None)
        raise InvalidParameterError(
            f"{name} must be a vector of 2**M real numbers (M >= 0: a function on M units); got "
            f"{'shape ' + str(shape) if shape is not None else repr(values)[:80]}"
        )
    if not np.all(np.isfinite(vals)):
        i = int(np.argmax(~np.isfinite(vals)))
        raise InvalidParameterError(f"{name} must be finite; got {vals[i]} at index {i}")
    m = n.bit_length() - 1
    out = vals.reshape((2,) * m) if m else vals.copy()
    for axis in range(m):
        out = np.moveaxis(np.tensordot(kernel, out, axes=([1], [axis])), 0, axis)
    return out.reshape(-1)


def walsh_hadamard(values: Any) -> np.ndarray:
    """Coefficients ``c_S = 2**-M sum_h f(h) prod_{j in S} h_j`` of ``f`` on ``h in {+1, -1}**M`` (kron order).

    ``c[k]``: the subset ``S`` of the units whose bit is 1 in ``k`` (unit 0 the most significant bit), so
    ``f(h) = sum_S c_S prod_{j in S} h_j``.

    Examples
    --------
    >>> walsh_hadamard([3.0, 1.0]).tolist()  # f(+1) = 3, f(-1) = 1: 2 + 1 h
    [2.0, 1.0]
    """
    return _transform(values, np.array([[0.5, 0.5], [0.5, -0.5]]))


def moebius(values: Any) -> np.ndarray:
    """Coefficients of ``f(h) = sum_S c_S prod_{j in S} h_j`` on ``h in {0, 1}**M`` (kron order, 0 first).

    Examples
    --------
    >>> moebius([3.0, 1.0]).tolist()  # f(0) = 3, f(1) = 1: 3 - 2 h
    [3.0, -2.0]
    """
    return _transform(values, np.array([[1.0, 0.0], [-1.0, 1.0]]))


def hidden_configurations(rbm: RBM, max_memory: MaxMemory = None) -> np.ndarray:
    """Every configuration of the RBM's hidden units in kron order, in its hidden values.

    Examples
    --------
    >>> import tnrbm
    >>> hidden_configurations(tnrbm.RBM([[0.1, 0.2]], hidden="binary")).tolist()
    [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
    """
    m = rbm.n_hidden
    if m > MAX_ENUMERATED:
        raise InvalidParameterError(
            f"the RBM has {m} hidden units; enumerating 2**{m} configurations is limited to M <= {MAX_ENUMERATED} "
            "(use coarse_coupling for chosen subsets)"
        )
    check_memory(8.0 * m * 2**m, f"the 2**{m} hidden configurations", max_memory, "use coarse_coupling")
    spins = all_configurations(m)
    return spins if rbm.hidden == "spin" else (1.0 - spins) / 2.0


def _subset(mask: int, m: int) -> tuple[int, ...]:
    return tuple(j for j in range(m) if (mask >> (m - 1 - j)) & 1)


def coarse_couplings(rbm: RBM, max_order: int | None = None, max_memory: MaxMemory = None) -> dict:
    """Every coupling ``K~_S`` of ``-H^RBM(h) = sum_S K~_S prod_{j in S} h_j`` (paper eq. 9).

    Parameters
    ----------
    rbm
        An RBM with real parameters and at most :data:`MAX_ENUMERATED` hidden units.
    max_order
        Keep only subsets of at most this many units (default: all).
    max_memory
        Byte limit for the ``2**M`` table.

    Returns
    -------
    dict
        ``{(j1, j2, ...): K~}`` with sorted hidden indices; ``()`` holds the constant.

    Examples
    --------
    >>> import numpy as np, tnrbm
    >>> k = coarse_couplings(tnrbm.RBM([[0.3]], hidden_bias=[0.2]))
    >>> bool(np.isclose(k[(0,)], 0.2)), bool(np.isclose(k[()], np.log(2 * np.cosh(0.3))))
    (True, True)
    """
    net = check_real_network(rbm, "rbm")
    if not isinstance(net, RBM):
        raise InvalidParameterError(f"rbm must be an RBM; got {type(net).__name__}")
    hs = hidden_configurations(net, max_memory)
    values = -hamiltonian_hidden(net, hs)
    coeffs = walsh_hadamard(values) if net.hidden == "spin" else moebius(values)
    m = net.n_hidden
    cap = m if max_order is None else check_int(max_order, "max_order", minimum=0)
    out = {}
    for mask in range(2**m):
        s = _subset(mask, m)
        if len(s) <= cap:
            out[s] = float(coeffs[mask])
    return out


def _local_coefficient(logs: np.ndarray, members: Sequence[int], subset: Sequence[int], hidden: str) -> float:
    """The coefficient of ``prod_{j in subset} h_j`` in a function of the units ``members`` (table ``logs``)."""
    coeffs = walsh_hadamard(logs) if hidden == "spin" else moebius(logs)
    d = len(members)
    mask = sum(1 << (d - 1 - members.index(j)) for j in subset)
    return float(coeffs[mask])


def _check_subset(subset: Any, n_hidden: int) -> list[int]:
    """``subset`` as a sorted list of distinct hidden indices, or the named error."""
    allowed = f"distinct hidden indices in [0, {n_hidden})"
    if (
        isinstance(subset, (str, bytes))
        or not isinstance(subset, Iterable)
        or (isinstance(subset, np.ndarray) and subset.ndim != 1)
    ):
        raise InvalidParameterError(f"subset must hold {allowed}; got {subset!r}")
    items = list(subset)
    if any(isinstance(j, (bool, np.bool_)) or not isinstance(j, (int, np.integer)) for j in items):
        raise InvalidParameterError(f"subset must hold {allowed}; got {subset!r}")
    out = sorted({int(j) for j in items})
    if len(out) != len(items) or any(not 0 <= j < n_hidden for j in out):
        raise InvalidParameterError(f"subset must hold {allowed}; got {subset!r}")
    return out


def coarse_coupling(rbm: RBM, subset: Sequence[int], max_degree: int = 20) -> float:
    """One coupling ``K~_S`` of ``-H^RBM``, exactly, for any number of hidden units.

    Only visible units coupled to every unit of ``S`` contribute (each through ``log 2 cosh`` of its
    field, transformed over its own hidden neighbours), plus the hidden bias when ``|S| = 1``; the constant
    (``S`` empty) adds ``log 2 cosh a_i`` once for each visible unit without a hidden neighbour.
    ``max_degree`` (at most :data:`MAX_ENUMERATED`) is the most hidden neighbours a contributing visible
    unit may have (its ``2**degree`` table is enumerated).

    Examples
    --------
    >>> import numpy as np, tnrbm
    >>> rbm = tnrbm.RBM([[0.5, 0.5, 0.0], [0.0, 0.5, 0.5]])  # a chain of 3 hidden units via 2 spins
    >>> bool(np.isclose(coarse_coupling(rbm, [1, 2]), 0.5 * np.log(np.cosh(1.0))))
    True
    >>> coarse_coupling(rbm, [0, 2])
    0.0
    """
    net = check_real_network(rbm, "rbm")
    if not isinstance(net, RBM):
        raise InvalidParameterError(f"rbm must be an RBM; got {type(net).__name__}")
    s = _check_subset(subset, net.n_hidden)
    max_degree = check_int(max_degree, "max_degree", minimum=0, maximum=MAX_ENUMERATED)
    w = net.W.real.tocsr()
    total = 0.0
    if len(s) == 1:
        total += float(net.hidden_bias.real[s[0]])
    for i in range(net.n_visible):
        members = [int(j) for j in w.indices[w.indptr[i] : w.indptr[i + 1]]]
        if not members or not set(s) <= set(members):  # no hidden neighbour: counted once below
            continue
        if len(members) > max_degree:
            raise InvalidParameterError(
                f"visible unit {i} couples to {len(members)} hidden units, more than max_degree={max_degree}"
            )
        weights = w.data[w.indptr[i] : w.indptr[i + 1]]
        hs = all_configurations(len(members))
        hs = hs if net.hidden == "spin" else (1.0 - hs) / 2.0
        logs = log_sum_hidden(net.visible_bias.real[i] + hs @ weights, "spin")
        total += _local_coefficient(logs, members, s, net.hidden)
    if not s:  # visible units with no hidden neighbour add log 2 cosh(a_i) to the constant
        degrees = np.diff(w.indptr)
        total += float(np.sum(log_sum_hidden(net.visible_bias.real[degrees == 0], "spin")))
    return total


def mehta_schwab_transform(hamiltonian: SpinHamiltonian, rbm: RBM) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """The variational RG transform ``T(v, h) = -E(v, h) + H(v)`` of paper eq. 15, as a function.

    Examples
    --------
    >>> import numpy as np, tnrbm
    >>> from tnrbm.rg.hamiltonian import ising_chain
    >>> t = mehta_schwab_transform(ising_chain(3, 0.5), tnrbm.RBM(np.zeros((3, 1))))
    >>> float(t(np.array([1, 1, 1]), np.array([1])))
    -1.5
    """
    net = check_real_network(rbm, "rbm")
    if hamiltonian.n != net.n_visible:
        raise InvalidParameterError(
            f"the Hamiltonian has {hamiltonian.n} spins and the RBM {net.n_visible} visible units; they must agree"
        )

    def transform(v: np.ndarray, h: np.ndarray) -> np.ndarray:
        return -energy(net, v, h) + hamiltonian.energy(v)

    return transform


def hamiltonian_rg(
    hamiltonian: SpinHamiltonian, transform: Callable, h: Any, max_memory: MaxMemory = None
) -> np.ndarray:
    """``H^RG(h) = -log Tr_v exp(T(v, h) - H(v))`` (paper eq. 11) by summing over all visible spins.

    Parameters
    ----------
    hamiltonian
        ``H(v)`` on ``n`` spins (``2**n`` terms are summed: small ``n``).
    transform
        ``T(v, h)``, vectorized: ``v`` of shape ``(2**n, 1, n)`` and ``h`` of shape ``(1, B, M)``.
    h
        Hidden configurations, shape ``(B, M)``.

    Examples
    --------
    >>> import numpy as np
    >>> from tnrbm.rg.hamiltonian import ising_chain
    >>> ham = ising_chain(3, 0.5, periodic=False)
    >>> decimate = lambda v, h: np.where(np.all(v[..., [0, 2]] == h, axis=-1), 0.0, -np.inf)
    >>> hrg = hamiltonian_rg(ham, decimate, np.array([[1, 1], [1, -1]]))
    >>> bool(np.isclose(hrg[1] - hrg[0], np.log(np.cosh(1.0))))  # 2 K' = ln cosh 2K
    True
    """
    n = hamiltonian.n
    check_memory(
        8.0 * 2**n * (n + np.asarray(h).shape[0]), f"the sum over 2**{n} visible spins", max_memory, "use fewer spins"
    )
    hs = np.asarray(h, dtype=np.float64)
    if hs.ndim != 2:
        raise InvalidParameterError(f"h must have shape (B, M); got shape {hs.shape}")
    vs = all_configurations(n)
    logs = np.asarray(transform(vs[:, None, :], hs[None, :, :]), dtype=np.float64) - hamiltonian.energy(vs)[:, None]
    peak = np.max(logs, axis=0)
    safe = np.where(np.isfinite(peak), peak, 0.0)
    return -(safe + np.log(np.sum(np.exp(logs - safe), axis=0)))


def normalization_defect(hamiltonian: SpinHamiltonian, rbm: RBM, v: Any) -> np.ndarray:
    """``log Tr_h exp(T(v, h))`` for ``T = -E + H``: ``log psi(v) + H(v)``; 0 for every ``v`` iff the RG is exact.

    Examples
    --------
    >>> import numpy as np
    >>> from tnrbm.rg.hamiltonian import ising_chain
    >>> ham = ising_chain(4, 0.8)
    >>> rbm, offset = ham.to_rbm()
    >>> shifted = type(ham)(ham.n, ham.terms, constant=ham.constant + offset)
    >>> bool(np.allclose(normalization_defect(shifted, rbm, [[1, -1, 1, 1]]), 0.0))
    True
    """
    net = check_real_network(rbm, "rbm")
    conf = check_configurations(v, net.n_visible)
    return net.log_amplitude(conf) + hamiltonian.energy(conf)


def free_energy_difference(hamiltonian: SpinHamiltonian, rbm: RBM, max_memory: MaxMemory = None) -> float:
    """``Delta F = F^h - F^v`` (paper eq. 12) for ``T = -E + H``: ``log Tr_v exp(-H) - log Z_RBM``.

    Both partition functions are exact contractions, so this holds at any size the contraction
    width allows. It is 0 when :func:`normalization_defect` vanishes for every ``v`` (eq. 17).

    Examples
    --------
    >>> import numpy as np
    >>> from tnrbm.rg.hamiltonian import ising_chain
    >>> ham = ising_chain(50, 0.8)
    >>> rbm, offset = ham.to_rbm()
    >>> shifted = type(ham)(ham.n, ham.terms, constant=ham.constant + offset)
    >>> bool(abs(free_energy_difference(shifted, rbm)) < 1e-10)
    True
    """
    net = check_real_network(rbm, "rbm")
    if hamiltonian.n != net.n_visible:
        raise InvalidParameterError(
            f"the Hamiltonian has {hamiltonian.n} spins and the RBM {net.n_visible} visible units; they must agree"
        )
    return hamiltonian.log_partition(max_memory=max_memory) - log_partition(net, max_memory=max_memory)
