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
import numbers
from collections.abc import Mapping
from typing import Any

import numpy as np
import scipy.sparse as sp

from .._numerics import LN2
from ..errors import InvalidParameterError
from ..network import RBM, check_configurations
from ..validation import (
    MaxMemory,
    as_float,
    check_bool,
    check_choice,
    check_int,
    check_memory,
    check_nonnegative,
    check_real,
    memory_limit,
    rng_from_seed,
)
from ._contract import log_contract, plan_log_contract
from .transfer import ising_chain_log_partition, ising_torus_log_partition

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
#: peak bytes per term while a Hamiltonian is built (the dict of tuples and floats and its checked copy;
#: measured 395 for the 2 * 10**6 terms of a chain of 10**6 spins, 170 once built)
TERM_BYTES = 400
#: the most terms :func:`random_hamiltonian` draws (one at a time: measured 12 us per term, so about 12 s)
MAX_RANDOM_TERMS = 10**6
#: measured seconds per drawn term of :func:`random_hamiltonian` (for the refusal's estimate)
SECONDS_PER_RANDOM_TERM = 1.2e-5


def bond_weight(coupling: float) -> float:
    """The hidden-unit weight ``w`` with ``cosh(2 w) = exp(2 |K|)`` (exact RBM of one bond), stable for big K.

    ``w = |K| + (1/2) ln(1 + sqrt(1 - exp(-4 |K|)))``.

    Examples
    --------
    >>> bool(np.isclose(np.cosh(2 * bond_weight(0.3)), np.exp(0.6)))
    True
    """
    k = abs(check_real(coupling, "coupling"))
    return k + 0.5 * math.log1p(math.sqrt(-math.expm1(-4.0 * k)))


def _bond_weights(couplings: np.ndarray) -> np.ndarray:
    """:func:`bond_weight` of an array of couplings."""
    k = np.abs(couplings)
    return k + 0.5 * np.log1p(np.sqrt(-np.expm1(-4.0 * k)))


def _check_terms(n: int, terms: Mapping) -> dict[tuple[int, ...], float]:
    out: dict[tuple[int, ...], float] = {}
    for key, value in dict(terms).items():
        sites = (key,) if isinstance(key, (int, np.integer)) else tuple(key)
        if len(sites) == 0 or any(not isinstance(i, (int, np.integer)) or not 0 <= i < n for i in sites):
            raise InvalidParameterError(f"terms keys must be tuples of distinct spin indices in [0, {n}); got {key!r}")
        if len(set(sites)) != len(sites):
            raise InvalidParameterError(f"terms keys must not repeat a spin (v_i**2 = 1); got {key!r}")
        real = isinstance(value, (numbers.Real, np.floating, np.integer)) and not isinstance(value, (bool, np.bool_))
        if not real:
            raise InvalidParameterError(f"terms[{key!r}] must be a real number; got {value!r}")
        k = as_float(value)
        if not math.isfinite(k):
            raise InvalidParameterError(f"terms[{key!r}] must be finite; got {value!r}")
        s = tuple(sorted(int(i) for i in sites))
        out[s] = out.get(s, 0.0) + k
    return {s: k for s, k in sorted(out.items(), key=lambda t: (len(t[0]), t[0])) if k != 0.0}


def _check_positions(positions: Any, n: int) -> np.ndarray:
    try:
        out = None if np.iscomplexobj(positions) else np.asarray(positions, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        out = None
    if out is None or out.shape != (n,) or not np.all(np.isfinite(out)):
        raise InvalidParameterError(f"positions must be {n} finite real numbers, one per spin; got {positions!r}")
    return out


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
        if not isinstance(terms, Mapping):
            raise InvalidParameterError(
                f"terms must be a mapping {{(i, j, ...): K_S}} (an int key is a field); got {type(terms).__name__}"
            )
        check_memory(8.0 * as_float(n), f"the positions of n={n} spins", None, "use fewer spins", option=None)
        self.n = int(n)
        self.terms = _check_terms(self.n, terms)
        self.constant = check_real(constant, "constant")
        self.positions = np.arange(self.n, dtype=float) if positions is None else _check_positions(positions, self.n)
        self._torus: tuple[int, int, float, float] | None = None  # set by ising_torus
        self._chain: tuple[int, float, float, bool] | None = None  # set by ising_chain

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
        self, max_memory: MaxMemory = None, slicing: bool = False, sweep: bool = False, method: str = "auto"
    ) -> float:
        """``log Tr_v exp(-H(v))``, exactly and overflow-free.

        ``method="contract"`` contracts one tensor per term: ``sweep=True`` in the order of the spin
        positions (row by row on a lattice: width ``2 L`` on an ``L x L`` torus) instead of searching a path,
        ``slicing`` lets cotengra slice a contraction that would not fit in ``max_memory``.
        ``method="transfer"`` is a transfer matrix, for a Hamiltonian made by :func:`ising_torus` or
        :func:`ising_chain` whose terms are unchanged: the row-to-row transfer matrix of
        :func:`tnrbm.rg.transfer.ising_torus_log_partition` (``L = 16`` in seconds, where the contraction needs
        ``2^32`` entries), or the chain's ``2 x 2`` transfer matrix in closed form,
        :func:`tnrbm.rg.transfer.ising_chain_log_partition` (relative error below 1e-15 up to ``10^6`` spins,
        where the contraction loses about ``10^-12``). ``"auto"`` (default) takes the transfer route for such a
        torus or chain unless ``sweep`` or ``slicing`` ask for the contraction, and contracts otherwise.

        Examples
        --------
        >>> bool(np.isclose(ising_chain(3, 0.5, periodic=False).log_partition(), np.log(8 * np.cosh(0.5) ** 2)))
        True
        >>> ham = ising_torus(4, 0.3, field=0.1, rows=3)
        >>> bool(np.isclose(ham.log_partition(method="transfer"), ham.log_partition(method="contract")))
        True
        """
        method = check_choice(method, "method", LOG_PARTITION_METHODS)
        max_memory = memory_limit(max_memory)
        slicing, sweep = check_bool(slicing, "slicing"), check_bool(sweep, "sweep")
        if method == "contract" or (method == "auto" and (sweep or slicing)):
            return self._contract_log_partition(max_memory, slicing, sweep)
        torus = self._torus_parameters()
        chain = self._chain_parameters() if torus is None else None
        if torus is not None:
            size, rows, coupling, field = torus
            return ising_torus_log_partition(size, coupling, field, rows, max_memory=max_memory) - self.constant
        if chain is not None:
            return ising_chain_log_partition(*chain) - self.constant
        if method == "transfer":
            raise InvalidParameterError(
                f"method='transfer' needs a Hamiltonian made by ising_torus or ising_chain with its terms unchanged; "
                f"got {self!r} (use method='contract')"
            )
        return self._contract_log_partition(max_memory, slicing, sweep)

    def _torus_parameters(self) -> tuple[int, int, float, float] | None:
        """``(size, rows, K, h)`` when this is :func:`ising_torus`'s Hamiltonian with its terms unchanged."""
        torus = self._torus
        if torus is None or self.n != torus[0] * torus[1] or _check_terms(self.n, _torus_terms(*torus)) != self.terms:
            return None
        return torus

    def _chain_parameters(self) -> tuple[int, float, float, bool] | None:
        """``(n, K, h, periodic)`` when this is :func:`ising_chain`'s Hamiltonian with its terms unchanged."""
        chain = self._chain
        if chain is None or self.n != chain[0] or self.terms != _chain_terms(*chain):
            return None
        return chain

    def table_bytes(self) -> float:
        """Bytes of the contraction route's tensors: ``2^|S|`` float64 entries per term (2 per free spin),
        counted twice (absorbed vectors copy their holder), plus the build of the largest table (its parity
        mask, ``2^|S|`` bytes, while the table is written).

        Examples
        --------
        >>> SpinHamiltonian(3, {(0, 1, 2): 0.5}).table_bytes()  # 8 entries: 2 * 64 bytes + 8 bytes of mask
        136.0
        """
        sizes = [2.0 ** len(sites) for sites in self.terms]
        free = self.n - len({i for sites in self.terms for i in sites})
        return 16.0 * (sum(sizes) + 2.0 * free) + max(sizes, default=0.0)

    def _contract_log_partition(self, max_memory: MaxMemory, slicing: bool, sweep: bool) -> float:
        free = sorted(set(range(self.n)) - {i for s in self.terms for i in s})
        inputs = [tuple(f"s{i}" for i in sites) for sites in self.terms] + [(f"s{i}",) for i in free]
        keys = [float(np.mean(self.positions[list(sites)])) for sites in self.terms]
        keys += [float(self.positions[i]) for i in free]
        # planned before any table exists: the tables and the contraction's peak against one limit
        plan = plan_log_contract(
            inputs, keys, max_memory, "log Z of the Hamiltonian", slicing, sweep, held=self.table_bytes()
        )
        terms: list[tuple[np.ndarray, tuple[str, ...]]] = []
        exponent = 0.0
        for sites, k in self.terms.items():
            # prod_(i in S) v_i is +1 on an even number of -1 spins (bit 1): a parity mask, one byte an entry
            odd = np.zeros(1, dtype=bool)
            for _ in sites:
                odd = np.concatenate([odd, ~odd])
            shift = abs(k)
            table = np.where(odd, math.exp(-k - shift), math.exp(k - shift)).reshape((2,) * len(sites))
            del odd
            terms.append((table, inputs[len(terms)]))
            exponent += shift / math.log(10.0)
        terms += [(np.ones(2), inds) for inds in inputs[len(terms) :]]  # spins in no term: a factor 2 each
        return log_contract(terms, exponent, keys, max_memory, "log Z of the Hamiltonian", plan=plan) - self.constant

    def to_rbm(self) -> tuple[RBM, float]:
        """The exact RBM of a Hamiltonian with fields and pair couplings: one hidden spin per bond.

        The couplings are a sparse matrix with two entries per bond (a chain of ``10^4`` spins: 2 * 10^4
        entries, not a dense ``10^4 x 10^4`` array).

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
        sites = np.array(list(pairs), dtype=np.int64).reshape(-1, 2)
        ks = np.array(list(pairs.values()), dtype=np.float64)
        wj = _bond_weights(ks)
        bonds = np.arange(len(ks))
        rows = np.concatenate([sites[:, 0], sites[:, 1]])
        data = np.concatenate([wj, np.copysign(wj, ks)])
        w = sp.csr_array((data, (rows, np.concatenate([bonds, bonds]))), shape=(self.n, len(ks)))
        offset = -self.constant - math.fsum(np.abs(ks).tolist()) - len(ks) * LN2
        fields = np.zeros(self.n)
        for (i,), h in self.couplings_of_order(1).items():
            fields[i] = h
        return RBM(w, visible_bias=fields), offset


def _chain_terms(n: int, coupling: float, field: float, periodic: bool) -> dict:
    """The terms of :func:`ising_chain`, as :class:`SpinHamiltonian` stores them (sorted keys, no zeros)."""
    if coupling == 0.0 and field == 0.0:
        return {}
    terms: dict = {(i,): field for i in range(n)} if field else {}
    if coupling:
        terms.update({(i, i + 1): coupling for i in range(n - 1)})
        if periodic:
            terms[(0, n - 1)] = coupling
    return terms


def _check_term_memory(n_terms: int, what: str) -> None:
    check_memory(
        TERM_BYTES * as_float(n_terms),
        f"the {n_terms} terms of {what} (about {TERM_BYTES} bytes each while they are built)",
        None,
        "use fewer spins (the exact log Z of a uniform chain of any length: rg.ising_chain_log_partition; of a "
        "torus: rg.ising_torus_log_partition)",
    )


def ising_chain(n: int, coupling: float, field: float = 0.0, periodic: bool = True) -> SpinHamiltonian:
    """The 1D Ising chain ``H = -K sum_i v_i v_{i+1} - B sum_i v_i`` (periodic: bond n-1 -- 0 too).

    Its :meth:`~SpinHamiltonian.log_partition` takes the closed form of the ``2 x 2`` transfer matrix
    (:func:`tnrbm.rg.transfer.ising_chain_log_partition`) while its terms are unchanged. A chain that would
    not fit in memory (about :data:`TERM_BYTES` per term while it is built) is refused with a
    :class:`~tnrbm.errors.MemoryLimitError` before anything is allocated.

    Examples
    --------
    >>> len(ising_chain(6, 1.0).terms), len(ising_chain(6, 1.0, periodic=False).terms)
    (6, 5)
    """
    k, b = check_real(coupling, "coupling"), check_real(field, "field")
    periodic = check_bool(periodic, "periodic")
    n = check_int(n, "n", minimum=3 if periodic else 2)
    _check_term_memory(2 * n, f"the chain of n={n} spins")
    ham = SpinHamiltonian(n, _chain_terms(n, k, b, periodic))
    ham._chain = (n, k, b, periodic)
    return ham


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
    _check_term_memory(3 * int(size) * m, f"the {size} x {m} torus")
    ham = SpinHamiltonian(size * m, _torus_terms(int(size), m, k, b), positions=np.arange(size * m, dtype=float))
    ham._torus = (int(size), m, k, b)
    return ham


def random_hamiltonian(
    n: int, order: int = 3, n_terms: int | None = None, scale: float = 0.5, seed: Any = None
) -> SpinHamiltonian:
    """Random couplings on random subsets of 1 to ``order`` spins (normal, standard deviation ``scale``).

    ``n_terms`` (default ``2 n``) subsets are drawn, one at a time (a repeated subset adds its couplings), at
    most :data:`MAX_RANDOM_TERMS` (about 12 s): more is refused with the time it would take.

    Examples
    --------
    >>> random_hamiltonian(6, order=4, n_terms=10, seed=0).order <= 4
    True
    """
    n = check_int(n, "n", minimum=1)
    order = check_int(order, "order", minimum=1, maximum=n)
    count = 2 * n if n_terms is None else check_int(n_terms, "n_terms", minimum=0)
    scale = check_nonnegative(scale, "scale")
    if count > MAX_RANDOM_TERMS:
        raise InvalidParameterError(
            f"n_terms={count} terms are drawn one at a time (about {as_float(count) * SECONDS_PER_RANDOM_TERM:.2g} s), more than "
            f"the {MAX_RANDOM_TERMS} random_hamiltonian draws; a Hamiltonian on n={n} spins has at most "
            f"{2**n - 1 if n < 64 else 'more than 2**63'} distinct terms: ask for fewer, or build the terms dict "
            "yourself and pass it to SpinHamiltonian"
        )
    _check_term_memory(count, "the random Hamiltonian")
    rng = rng_from_seed(seed)
    terms: dict = {}
    for _ in range(count):
        k = int(rng.integers(1, order + 1))
        sites = tuple(int(i) for i in rng.choice(n, size=k, replace=False))
        terms[sites] = terms.get(sites, 0.0) + float(rng.normal(0.0, scale))
    return SpinHamiltonian(n, terms)
