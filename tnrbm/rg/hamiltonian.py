"""Classical spin Hamiltonians with pair and multi-spin terms, and their exact RBM representation.

``H(v) = -sum_S K_S prod_{i in S} v_i + constant`` over subsets ``S`` of the spins ``v_i in {+1, -1}``
(fields ``|S| = 1``, pairs ``|S| = 2``, multi-spin terms ``|S| >= 3``); the Boltzmann weight is
``exp(-H(v))``. :meth:`SpinHamiltonian.log_partition` contracts one tensor ``exp(K_S prod v_S)`` per
term (hyper-indices on the spins), exactly and overflow-free (the Ising torus of :func:`ising_torus` by the
row-to-row transfer matrix of :mod:`tnrbm.rg.transfer` instead); :meth:`SpinHamiltonian.to_rbm` gives the
exact RBM of pair couplings, one hidden spin per bond:

    exp(K v_i v_k) = (exp(-|K|) / 2) * 2 cosh(w (v_i + sign(K) v_k)),   cosh(2 w) = exp(2 |K|),

so ``exp(-H(v)) = exp(offset) psi(v)`` with ``offset = -constant - sum_bonds (|K| + ln 2)``.

Examples
--------
>>> import numpy as np
>>> ham = ising_chain(4, 0.7)
>>> rbm, offset = ham.to_rbm()
>>> v = np.array([[1, 1, -1, 1]])
>>> bool(np.allclose(-ham.energy(v), rbm.log_amplitude(v) + offset))
True
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from ..errors import InvalidParameterError
from ..network import RBM, check_configurations
from ..validation import check_choice, check_int, check_real, rng_from_seed
from ._contract import log_contract
from .transfer import ising_torus_log_partition

__all__ = [
    "SpinHamiltonian",
    "ising_chain",
    "ising_torus",
    "random_hamiltonian",
    "bond_weight",
    "LOG_PARTITION_METHODS",
]

#: the ways :meth:`SpinHamiltonian.log_partition` can contract
LOG_PARTITION_METHODS = ("auto", "contract", "transfer")


def bond_weight(coupling: float) -> float:
    """The hidden-unit weight ``w`` with ``cosh(2 w) = exp(2 |K|)`` (exact RBM of one bond), stable for big K.

    ``w = |K| + (1/2) ln(1 + sqrt(1 - exp(-4 |K|)))``.

    Examples
    --------
    >>> bool(np.isclose(np.cosh(2 * bond_weight(0.3)), np.exp(0.6)))
    True
    """
    k = abs(float(coupling))
    return k + 0.5 * math.log1p(math.sqrt(-math.expm1(-4.0 * k)))


def _check_terms(n: int, terms: Mapping) -> dict[tuple[int, ...], float]:
    out: dict[tuple[int, ...], float] = {}
    for key, value in dict(terms).items():
        sites = (key,) if isinstance(key, (int, np.integer)) else tuple(key)
        if len(sites) == 0 or any(not isinstance(i, (int, np.integer)) or not 0 <= i < n for i in sites):
            raise InvalidParameterError(f"terms keys must be tuples of distinct spin indices in [0, {n}); got {key!r}")
        if len(set(sites)) != len(sites):
            raise InvalidParameterError(f"terms keys must not repeat a spin (v_i**2 = 1); got {key!r}")
        try:
            k = float(value)
        except (TypeError, ValueError):
            raise InvalidParameterError(f"terms[{key!r}] must be a real number; got {value!r}") from None
        if not math.isfinite(k):
            raise InvalidParameterError(f"terms[{key!r}] must be finite; got {value!r}")
        s = tuple(sorted(int(i) for i in sites))
        out[s] = out.get(s, 0.0) + k
    return {s: k for s, k in sorted(out.items(), key=lambda t: (len(t[0]), t[0])) if k != 0.0}


class SpinHamiltonian:
    """``H(v) = -sum_S K_S prod_{i in S} v_i + constant``.

    Parameters
    ----------
    n
        Number of spins.
    terms
        ``{(i, j, ...): K_S}``; an int key is a field on one spin. Repeated subsets are added.
    constant
        The constant of ``H``.
    positions
        A position per spin (for the sweep contraction path); default ``range(n)``.

    Examples
    --------
    >>> ham = SpinHamiltonian(3, {(0, 1): 1.0, (0, 1, 2): 0.5, 2: -0.2})
    >>> float(ham.energy([1, 1, 1]))
    -1.3
    """

    def __init__(self, n: int, terms: Mapping, constant: float = 0.0, positions: Any = None) -> None:
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
            raise InvalidParameterError(f"n must be a positive integer (the number of spins); got {n!r}")
        self.n = int(n)
        self.terms = _check_terms(self.n, terms)
        self.constant = float(constant)
        self.positions = np.arange(self.n, dtype=float) if positions is None else np.asarray(positions, float)
        self._torus: tuple[int, int, float, float] | None = None  # set by ising_torus

    def __repr__(self) -> str:
        return f"SpinHamiltonian(n={self.n}, terms={len(self.terms)}, max order={self.order})"

    @property
    def order(self) -> int:
        """The largest number of spins in one term (0 without terms)."""
        return max((len(s) for s in self.terms), default=0)

    def couplings_of_order(self, k: int) -> dict[tuple[int, ...], float]:
        """The terms on exactly ``k`` spins."""
        return {s: c for s, c in self.terms.items() if len(s) == k}

    def energy(self, v: Any) -> np.ndarray:
        """``H(v)`` for configurations ``(..., n)``.

        Examples
        --------
        >>> float(ising_chain(3, 1.0, periodic=False).energy([1, -1, -1]))
        0.0
        """
        conf = check_configurations(v, self.n)
        out = np.full(conf.shape[:-1], self.constant)
        for k in range(1, self.order + 1):
            group = self.couplings_of_order(k)
            if group:
                idx = np.array(list(group), dtype=np.int64)
                out = out - np.prod(conf[..., idx], axis=-1) @ np.array(list(group.values()))
        return out

    def log_partition(
        self, max_memory: float | None = None, slicing: bool = False, sweep: bool = False, method: str = "auto"
    ) -> float:
        """``log Tr_v exp(-H(v))``, exactly and overflow-free.

        ``method="contract"`` contracts one tensor per term: ``sweep=True`` in the order of the spin
        positions (row by row on a lattice: width ``2 L`` on an ``L x L`` torus) instead of searching a path,
        ``slicing`` lets cotengra slice a contraction that would not fit in ``max_memory``.
        ``method="transfer"`` is the row-to-row transfer matrix of
        :func:`tnrbm.rg.transfer.ising_torus_log_partition`, for a Hamiltonian made by :func:`ising_torus`
        whose terms are unchanged (``L = 16`` in seconds, where the contraction needs ``2^32`` entries).
        ``"auto"`` (default) takes the transfer route for such a torus unless ``sweep`` or ``slicing`` ask for
        the contraction, and contracts otherwise.

        Examples
        --------
        >>> bool(np.isclose(ising_chain(3, 0.5, periodic=False).log_partition(), np.log(8 * np.cosh(0.5) ** 2)))
        True
        >>> ham = ising_torus(4, 0.3, field=0.1, rows=3)
        >>> bool(np.isclose(ham.log_partition(method="transfer"), ham.log_partition(method="contract")))
        True
        """
        method = check_choice(method, "method", LOG_PARTITION_METHODS)
        torus = self._torus_parameters()
        if method == "transfer" and torus is None:
            raise InvalidParameterError(
                f"method='transfer' needs a Hamiltonian made by ising_torus with its terms unchanged; got {self!r} "
                "(use method='contract')"
            )
        if torus is not None and (method == "transfer" or (method == "auto" and not (sweep or slicing))):
            size, rows, coupling, field = torus
            return ising_torus_log_partition(size, coupling, field, rows, max_memory=max_memory) - self.constant
        return self._contract_log_partition(max_memory, slicing, sweep)

    def _torus_parameters(self) -> tuple[int, int, float, float] | None:
        """``(size, rows, K, h)`` when this is :func:`ising_torus`'s Hamiltonian with its terms unchanged."""
        torus = self._torus
        if torus is None or self.n != torus[0] * torus[1] or _check_terms(self.n, _torus_terms(*torus)) != self.terms:
            return None
        return torus

    def _contract_log_partition(self, max_memory: float | None, slicing: bool, sweep: bool) -> float:
        terms, keys, exponent = [], [], 0.0
        for sites, k in self.terms.items():
            prod = np.ones((2,) * len(sites))
            for axis in range(len(sites)):
                shape = [1] * len(sites)
                shape[axis] = 2
                prod = prod * np.array([1.0, -1.0]).reshape(shape)
            logs = k * prod
            shift = float(np.max(logs))
            terms.append((np.exp(logs - shift), tuple(f"s{i}" for i in sites)))
            exponent += shift / math.log(10.0)
            keys.append(float(np.mean(self.positions[list(sites)])))
        free = sorted(set(range(self.n)) - {i for s in self.terms for i in s})
        for i in free:  # spins in no term: a factor 2 each
            terms.append((np.ones(2), (f"s{i}",)))
            keys.append(float(self.positions[i]))
        lz = log_contract(terms, exponent, keys, max_memory, "log Z of the Hamiltonian", slicing, sweep)
        return lz - self.constant

    def to_rbm(self) -> tuple[RBM, float]:
        """The exact RBM of a Hamiltonian with fields and pair couplings: one hidden spin per bond.

        Returns
        -------
        rbm : RBM
            Visible bias = the fields; hidden unit ``j`` couples to the two spins of bond ``j`` with
            weights ``w, sign(K) w`` (:func:`bond_weight`).
        offset : float
            ``-H(v) = log psi(v) + offset`` for every ``v``.

        Examples
        --------
        >>> rbm, offset = ising_chain(5, -0.4).to_rbm()
        >>> rbm.n_hidden
        5
        """
        if self.order > 2:
            big = next(s for s in self.terms if len(s) > 2)
            raise InvalidParameterError(
                f"to_rbm represents fields and pair couplings only; the Hamiltonian has the {len(big)}-spin term "
                f"{big} (drop it, or contract it with log_partition)"
            )
        pairs = self.couplings_of_order(2)
        w = np.zeros((self.n, len(pairs)))
        offset = -self.constant
        for j, ((a, b), k) in enumerate(pairs.items()):
            wj = bond_weight(k)
            w[a, j], w[b, j] = wj, math.copysign(wj, k)
            offset -= abs(k) + math.log(2.0)
        fields = np.zeros(self.n)
        for (i,), h in self.couplings_of_order(1).items():
            fields[i] = h
        return RBM(w, visible_bias=fields), offset


def ising_chain(n: int, coupling: float, field: float = 0.0, periodic: bool = True) -> SpinHamiltonian:
    """The 1D Ising chain ``H = -K sum_i v_i v_{i+1} - B sum_i v_i`` (periodic: bond n-1 -- 0 too).

    Examples
    --------
    >>> len(ising_chain(6, 1.0).terms), len(ising_chain(6, 1.0, periodic=False).terms)
    (6, 5)
    """
    k, b = check_real(coupling, "coupling"), check_real(field, "field")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < (3 if periodic else 2):
        raise InvalidParameterError(f"n must be an integer >= {3 if periodic else 2}; got {n!r}")
    terms: dict = {(i, i + 1): k for i in range(n - 1)}
    if periodic:
        terms[(0, n - 1)] = k
    if b:
        terms.update({(i,): b for i in range(n)})
    return SpinHamiltonian(n, terms)


def _torus_terms(size: int, rows: int, coupling: float, field: float) -> dict:
    """The bonds (and fields) of the ``rows x size`` torus, spin ``(r, c)`` at ``r * size + c``."""
    terms: dict = {}
    for r in range(rows):
        for c in range(size):
            i = r * size + c
            terms[(i, r * size + (c + 1) % size)] = coupling
            terms[(i, ((r + 1) % rows) * size + c)] = coupling
    if field:
        terms.update({(i,): field for i in range(size * rows)})
    return terms


def ising_torus(size: int, coupling: float, field: float = 0.0, rows: int | None = None) -> SpinHamiltonian:
    """The 2D Ising model on a torus of ``rows`` rows of ``size`` spins (default square).

    Spin ``(r, c)`` is at index ``r * size + c``.
    ``H = -K sum_<ij> v_i v_j - h sum_i v_i``. ``rows = 2`` doubles the vertical bonds (each row is the
    other's neighbour twice), as in ``Tr T^2``. :meth:`SpinHamiltonian.log_partition` contracts it by the
    row-to-row transfer matrix by default (:func:`tnrbm.rg.transfer.ising_torus_log_partition`).

    Examples
    --------
    >>> len(ising_torus(4, 0.44).terms)  # 2 L**2 bonds
    32
    >>> ising_torus(5, 0.44, rows=3).n
    15
    """
    k, b = check_real(coupling, "coupling"), check_real(field, "field")
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 3:
        raise InvalidParameterError(f"size must be an integer >= 3 (the side of the torus); got {size!r}")
    m = int(size) if rows is None else check_int(rows, "rows", minimum=2)
    ham = SpinHamiltonian(size * m, _torus_terms(int(size), m, k, b), positions=np.arange(size * m, dtype=float))
    ham._torus = (int(size), m, k, b)
    return ham


def random_hamiltonian(
    n: int, order: int = 3, n_terms: int | None = None, scale: float = 0.5, seed: Any = None
) -> SpinHamiltonian:
    """Random couplings on random subsets of 1 to ``order`` spins (normal, standard deviation ``scale``).

    Examples
    --------
    >>> random_hamiltonian(6, order=4, n_terms=10, seed=0).order <= 4
    True
    """
    if isinstance(order, bool) or not isinstance(order, (int, np.integer)) or not 1 <= order <= n:
        raise InvalidParameterError(f"order must be an integer in [1, n={n}]; got {order!r}")
    rng = rng_from_seed(seed)
    count = 2 * n if n_terms is None else int(n_terms)
    terms: dict = {}
    for _ in range(count):
        k = int(rng.integers(1, order + 1))
        sites = tuple(int(i) for i in rng.choice(n, size=k, replace=False))
        terms[sites] = terms.get(sites, 0.0) + float(rng.normal(0.0, scale))
    return SpinHamiltonian(n, terms)
