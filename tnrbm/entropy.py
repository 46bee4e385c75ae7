"""Entanglement of a boundary region: von Neumann and Renyi entropies and the Schmidt spectrum.

``entanglement(state, region)`` takes a network or a state vector. Entropies are in nats unless
``base`` is given (``base=2``: bits). Three exact methods:

``"dense"``
    The state vector and its SVD, while ``2**N`` fits in memory.
``"cut"``
    Condition on the ``2**m`` values of the minimal cut (the RT surface, :func:`tnrbm.bulk.min_cut`):
    ``psi = X Y^T`` with ``X[v_A, c]``, ``Y[v_B, c]`` the two sides of the network. Each side is
    contracted with its complex conjugate into ``G_A = X^dagger X``, ``G_B = Y^dagger Y``
    (:mod:`tnrbm.contraction`), and ``rho_A = X G_B^T X^dagger`` has the nonzero spectrum of
    ``G_A^{1/2} G_B^T G_A^{1/2}`` (:func:`spectrum_from_grams`; proof in ``docs/theory/entanglement.md``).
    The cost grows with ``4**m`` and the contraction width, not with ``2**N``.
``"mps"``
    The exact MPS of the network in a site order where the region comes first (:mod:`tnrbm.mps`).

``"auto"`` picks the cheapest by estimated cost. :func:`mutual_information` and
:func:`tripartite_information` combine exact entropies and report the cut bounds alongside.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ._memory import check_memory, default_max_memory
from .errors import InvalidParameterError, InvalidRegionError, MemoryLimitError
from .network import BoltzmannNetwork, Unit

__all__ = [
    "EntanglementResult",
    "InformationResult",
    "entanglement",
    "mutual_information",
    "tripartite_information",
    "spectrum_from_grams",
    "check_region",
    "check_base",
    "entropies_from_spectrum",
    "METHODS",
]

METHODS = ("auto", "dense", "cut", "mps")


@dataclass
class EntanglementResult:
    """The entanglement of ``region`` in a pure state.

    Attributes
    ----------
    entropy : float
        Von Neumann entropy ``S_A = -sum p ln p`` (in units of ``base``; nats by default).
    renyi : dict
        ``alpha -> S_alpha = ln(sum p**alpha) / (1 - alpha)``; ``alpha = inf`` is the min-entropy.
    spectrum : numpy.ndarray
        Schmidt probabilities ``p`` (eigenvalues of rho_A), descending, summing to 1.
    method : str
        How it was computed: ``"dense"``, ``"cut"`` or ``"mps"``.
    region : tuple of int
        The visible units of A.
    n_visible : int
        Number of spins N.
    cut : tnrbm.bulk.Cut or None
        The minimal cut of the region (its ``size`` m, ``bound`` m ln 2 and ``surface``); given for every
        network (whatever the method), None for a state vector.
    base : float or None
        The logarithm base of the entropies (None: natural).
    flops, memory : float or None
        Estimated cost and largest intermediate (bytes) of the computation.
    seconds : float
        Wall time.
    clipped : float
        The size of the most negative eigenvalue of rho_A (rounding, relative to the trace) that was
        set to zero.
    extra : dict
        Method details: path and contraction seconds, tensor counts, slices, the costs ``"auto"``
        compared, the MPS site order.
    """

    entropy: float
    renyi: dict
    spectrum: np.ndarray
    method: str
    region: tuple
    n_visible: int
    cut: Any = None
    base: float | None = None
    flops: float | None = None
    memory: float | None = None
    seconds: float = 0.0
    clipped: float = 0.0
    extra: dict = field(default_factory=dict)

    @property
    def trivial_bound(self) -> float:
        """``min(|A|, |B|) ln 2`` in the result's units."""
        k = min(len(self.region), self.n_visible - len(self.region))
        return k * _log(2.0, self.base)

    @property
    def bound(self) -> float | None:
        """The cut bound ``m ln 2`` in the result's units (None without a cut)."""
        if self.cut is None:
            return None
        return self.cut.size * _log(2.0, self.base)

    @property
    def saturation(self) -> float | None:
        """``S / bound`` (None without a cut; nan for a zero bound)."""
        b = self.bound
        if b is None:
            return None
        return self.entropy / b if b > 0 else float("nan")

    def to_dict(self) -> dict:
        """A JSON-ready summary (the spectrum truncated to its 64 largest values)."""
        return {
            "region": list(self.region),
            "n_visible": self.n_visible,
            "entropy": self.entropy,
            "renyi": {str(k): v for k, v in self.renyi.items()},
            "spectrum": [float(p) for p in self.spectrum[:64]],
            "method": self.method,
            "base": self.base,
            "cut_size": None if self.cut is None else self.cut.size,
            "bound": self.bound,
            "trivial_bound": self.trivial_bound,
            "saturation": self.saturation,
            "flops": self.flops,
            "memory": self.memory,
            "seconds": self.seconds,
            "clipped": self.clipped,
        }


def _log(x: float, base: float | None) -> float:
    return math.log(x) if base is None else math.log(x) / math.log(base)


def check_region(region: Any, n: int, name: str = "region") -> tuple[int, ...]:
    """Validate a boundary region: a non-empty set of distinct visible indices in ``[0, n)``.

    Returns it sorted.

    Examples
    --------
    >>> check_region([3, 1], 4)
    (1, 3)
    """
    if isinstance(region, (str, bytes)) or not isinstance(region, (Iterable, np.ndarray)):
        raise InvalidRegionError(f"{name} must be a collection of visible indices; got {region!r}")
    items = list(region.reshape(-1)) if isinstance(region, np.ndarray) else list(region)
    if len(items) == 0:
        raise InvalidRegionError(f"{name} must hold at least one visible index; got an empty region")
    out = []
    for x in items:
        if isinstance(x, (bool, np.bool_)) or not isinstance(x, (int, np.integer)):
            raise InvalidRegionError(f"{name} must hold integer indices; got {x!r}")
        if not 0 <= int(x) < n:
            raise InvalidRegionError(f"{name} indices must lie in [0, {n}) (the visible units); got {int(x)}")
        out.append(int(x))
    if len(set(out)) != len(out):
        dup = sorted(x for x, c in Counter(out).items() if c > 1)
        raise InvalidRegionError(f"{name} must not repeat indices; got {dup} more than once")
    return tuple(sorted(out))


def _check_renyi(renyi: Any) -> tuple[float, ...]:
    if renyi is None:
        return ()
    if np.isscalar(renyi):
        renyi = (renyi,)
    out = []
    for a in renyi:
        try:
            x = float(a)
        except (TypeError, ValueError):
            raise InvalidParameterError(f"renyi must hold orders alpha >= 0 (or inf); got {a!r}") from None
        if not x >= 0 or x == 1.0 or math.isnan(x):
            raise InvalidParameterError(
                f"renyi must hold orders alpha >= 0, alpha != 1 (the von Neumann entropy is always given); got {a!r}"
            )
        out.append(a if isinstance(a, int) else x)
    return tuple(out)


def entropies_from_spectrum(
    p: np.ndarray, renyi: Sequence[float] = (2,), base: float | None = None, tol: float = 0.0
) -> tuple[float, dict]:
    """Von Neumann and Renyi entropies of a normalized probability vector ``p``.

    ``alpha = 0`` counts the probabilities above ``tol``.

    Examples
    --------
    >>> s, r = entropies_from_spectrum(np.array([0.5, 0.5]), renyi=(2, float("inf")), base=2)
    >>> round(s, 12), round(r[2], 12), round(r[float("inf")], 12)
    (1.0, 1.0, 1.0)
    """
    p = np.asarray(p, dtype=float)
    ln_base = 1.0 if base is None else math.log(base)
    nz = p[p > 0]
    s = float(-np.sum(nz * np.log(nz))) / ln_base
    out = {}
    for a in renyi:
        if math.isinf(a):
            val = -math.log(float(p.max()))
        elif a == 0:
            val = math.log(int(np.count_nonzero(p > tol)))
        else:
            val = math.log(float(np.sum(nz**a))) / (1.0 - a)
        out[a] = val / ln_base + 0.0  # + 0.0 turns -0.0 into 0.0
    return max(s, 0.0) + 0.0, out  # + 0.0 turns -0.0 into 0.0


def check_base(base: Any) -> None:
    """``base`` must be None (nats) or a real number > 1.

    Examples
    --------
    >>> check_base(2)
    >>> try:
    ...     check_base(1)
    ... except InvalidParameterError as err:
    ...     print(str(err)[:42])
    base must be None (nats) or a finite numbe
    """
    if base is None:
        return
    ok = isinstance(base, (int, float, np.integer, np.floating)) and not isinstance(base, bool)
    if not ok or not float(base) > 1 or math.isinf(float(base)):
        raise InvalidParameterError(f"base must be None (nats) or a finite number > 1 (2 for bits); got {base!r}")


def _dense_spectrum(psi: np.ndarray, region: tuple[int, ...], n: int) -> np.ndarray:
    rest = [i for i in range(n) if i not in set(region)]
    mat = psi.reshape((2,) * n).transpose(list(region) + rest).reshape(2 ** len(region), -1)
    s = np.linalg.svd(mat, compute_uv=False)
    p = s**2
    return p / p.sum()


def _as_state_vector(state: Any) -> tuple[np.ndarray, int]:
    try:
        psi = np.asarray(state)
    except (TypeError, ValueError):
        raise InvalidParameterError(
            f"state must be an RBM, a DBM or a state vector of length 2**N; got {type(state).__name__}"
        ) from None
    if not np.issubdtype(psi.dtype, np.number):
        raise InvalidParameterError(f"state must be numeric; got dtype {psi.dtype}")
    psi = psi.reshape(-1) if psi.ndim == 2 and 1 in psi.shape else psi
    n = int(round(math.log2(psi.size))) if psi.ndim == 1 and psi.size > 1 else -1
    if psi.ndim != 1 or n < 1 or 2**n != psi.size:
        raise InvalidParameterError(
            f"state must be a state vector of length 2**N (N >= 1); got an array of shape {np.shape(state)}"
        )
    if not np.all(np.isfinite(psi)):
        raise InvalidParameterError("state must be finite; got NaN or inf entries")
    norm = np.linalg.norm(psi)
    if norm == 0:
        raise InvalidParameterError("state must not be the zero vector")
    return psi / norm, n


# ----------------------------------------------------------------------------------------- cut


def _cut_from_surface(network: BoltzmannNetwork, region: tuple[int, ...], surface: Any) -> Any:
    """A :class:`tnrbm.bulk.Cut` for a given separator (any valid one, not necessarily minimal)."""
    from .bulk import Cut

    units = set(network.units())
    try:
        surf = {(int(u[0]), int(u[1])) for u in surface}
    except (TypeError, ValueError, IndexError):
        raise InvalidParameterError(f"surface must be a collection of units (layer, index); got {surface!r}") from None
    bad = sorted(surf - units)
    if bad:
        raise InvalidParameterError(f"surface must hold units of the network; got {bad[0]} (not a unit)")
    rset = set(region)
    complement = tuple(i for i in range(network.n_visible) if i not in rset)
    nbrs: dict[Unit, list[Unit]] = {u: [] for u in units}
    for u, v, _ in network.edges():
        nbrs[u].append(v)
        nbrs[v].append(u)

    def reach(starts: Iterable[Unit]) -> set[Unit]:
        seen = {u for u in starts if u not in surf}
        stack = list(seen)
        while stack:
            for v in nbrs[stack.pop()]:
                if v not in seen and v not in surf:
                    seen.add(v)
                    stack.append(v)
        return seen

    wedge = reach((0, i) for i in region)
    other = reach((0, i) for i in complement)
    if wedge & other:
        leak = sorted(u for u in wedge & other if u[0] == 0)
        raise InvalidParameterError(
            f"surface must separate the region from its complement; got a surface of {len(surf)} units that "
            f"leaves them connected (e.g. through visible units {leak[:4]})"
        )
    return Cut(
        size=len(surf),
        surface=tuple(sorted(surf)),
        wedge=frozenset(wedge),
        complement_wedge=frozenset(other),
        region=region,
        complement=complement,
    )


def _cut_index(unit: Unit) -> str:
    return f"cut{unit[0]}_{unit[1]}"


@dataclass
class _CutPlan:
    """The two Gram networks of a cut, planned (paths found, costs estimated), not yet contracted."""

    cut: Any
    networks: list  # [(arrays, inputs, output), (arrays, inputs, output)] for the region side and the rest
    plans: list

    @property
    def flops(self) -> float:
        m = self.cut.size
        return float(sum(p.flops for p in self.plans) + 20.0 * 8.0**m)

    @property
    def memory(self) -> float:
        m = self.cut.size
        return float(max(max(p.peak_bytes for p in self.plans), 4 * 16.0 * 4.0**m))


def _plan_cut(
    network: BoltzmannNetwork,
    region: tuple[int, ...],
    cut: Any,
    max_memory: float | None,
    slicing: bool = False,
) -> _CutPlan:
    from .contraction import TermBuilder, absorb_vectors, chain_positions, gram_network, plan_contraction

    m = cut.size
    n = network.n_visible
    check_memory(
        4 * 16.0 * 4.0**m,
        f"the Gram-matrix work space of a cut of m={m} units (four {2**m} x {2**m} arrays)",
        max_memory,
        "choose a smaller region or one with a smaller minimal cut (the cost grows like 4**m)",
    )
    surface = set(cut.surface)
    side_a = set(cut.wedge)
    rset = set(region)
    builder = TermBuilder(network)
    rename = {u: _cut_index(u) for u in surface}
    edges_a, edges_b = [], []
    for e, (u, v, _) in enumerate(builder.edges):
        if u in side_a or v in side_a or (u in surface and v in surface):
            edges_a.append(e)
        else:
            edges_b.append(e)
    units = network.units()
    bias_a = [u for u in units if u in side_a or u in surface]
    bias_b = [u for u in units if u not in side_a and u not in surface]
    cut_inds = [rename[u] for u in cut.surface]
    pos = chain_positions(network)
    geo = network.geometry or {}
    ring = n if (geo.get("kind") == "chain" and geo.get("periodic")) else None
    networks, plans = [], []
    for name, bias, edges, visible in (
        ("region", bias_a, edges_a, [i for i in region]),
        ("complement", bias_b, edges_b, [i for i in range(network.n_visible) if i not in rset]),
    ):
        owners: list = []
        terms, _ = builder.terms(bias, edges, rename=rename, sum_out=True, owners=owners)
        for i in visible:  # a cut visible unit: its physical leg is tied to its cut index
            if (0, i) in surface:
                terms.append((np.eye(2), (f"k{i}", rename[(0, i)])))
                owners.append((0, i))
        present = {ix for _, inds in terms for ix in inds}
        for u in cut.surface:  # a side that does not depend on a cut unit is constant along it
            if rename[u] not in present:
                terms.append((np.ones(2), (rename[u],)))
                owners.append(u)
        terms = absorb_vectors(terms, owners)
        arrays, inputs, output = gram_network(terms, [f"k{i}" for i in visible], cut_inds)
        keys = _sweep_keys([pos[u] for u in owners], ring)
        keys = [k + 0.25 * t for t in (0, 1) for k in keys]  # ket term, then its bra
        size_dict = {ix: 2 for term in inputs for ix in term}
        plan = plan_contraction(
            inputs,
            output,
            size_dict,
            max_memory=max_memory,
            what=f"the Gram matrix of the {name} side of a cut of m={m} units ({len(inputs)} tensors)",
            way_out="choose a smaller region or one with a smaller minimal cut",
            slicing=slicing,
            keys=keys,
        )
        networks.append((arrays, inputs, output))
        plans.append(plan)
    return _CutPlan(cut=cut, networks=networks, plans=plans)


def _sweep_keys(positions: list[float], ring: int | None) -> list[float]:
    """Positions for a sweep; on a ring, start right after the largest gap between occupied positions."""
    if not ring or not positions:
        return positions
    occ = sorted(set(positions))
    gaps = [(occ[(k + 1) % len(occ)] - occ[k]) % ring for k in range(len(occ))]
    start = occ[(int(np.argmax(gaps)) + 1) % len(occ)]
    return [(p - start) % ring for p in positions]


def spectrum_from_grams(gram_a: np.ndarray, gram_b: np.ndarray) -> tuple[np.ndarray, float]:
    """The Schmidt probabilities of ``psi = X Y^T`` from ``G_A = X^dagger X`` and ``G_B = Y^dagger Y``.

    ``rho_A = X Y^T conj(Y) X^dagger = X G_B^T X^dagger`` has the nonzero spectrum of
    ``G_A^{1/2} G_B^T G_A^{1/2}``; it is normalized by its trace. Negative eigenvalues (rounding)
    are set to zero; the largest of their sizes (relative to the trace) is returned.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> x, y = rng.normal(size=(8, 3)), rng.normal(size=(4, 3))
    >>> p, clipped = spectrum_from_grams(x.conj().T @ x, y.conj().T @ y)
    >>> s = np.linalg.svd(x @ y.T, compute_uv=False) ** 2
    >>> bool(np.allclose(p, s[:3] / s.sum()))
    True
    """
    ga = np.asarray(gram_a, dtype=np.complex128)
    gb = np.asarray(gram_b, dtype=np.complex128)
    ga = (ga + ga.conj().T) / 2
    gb = (gb + gb.conj().T) / 2
    ga = ga / max(float(np.max(np.abs(ga))), np.finfo(float).tiny)
    gb = gb / max(float(np.max(np.abs(gb))), np.finfo(float).tiny)
    w, u = np.linalg.eigh(ga)
    root = u * np.sqrt(np.clip(w, 0.0, None))  # G_A = root root^dagger
    mat = root.conj().T @ gb.T @ root  # same nonzero spectrum as G_A^{1/2} G_B^T G_A^{1/2}
    mat = (mat + mat.conj().T) / 2
    p = np.linalg.eigvalsh(mat)[::-1]
    total = float(np.sum(p))
    if not total > 0:
        raise FloatingPointError("the Gram matrices give a zero state (the network's amplitudes vanish)")
    p = p / total
    clipped = float(max(0.0, -float(p.min())))
    p = np.clip(p, 0.0, None)
    return p / p.sum(), clipped


def _mps_order(network: BoltzmannNetwork, region: tuple[int, ...]) -> tuple[tuple[int, ...], int]:
    """A site order in which ``region`` is a prefix (keeping the chain order where possible)."""
    n = network.n_visible
    k = len(region)
    if region == tuple(range(k)):
        return tuple(range(n)), k
    if region == tuple(range(n - k, n)):
        return tuple(range(n)), n - k
    rset = set(region)
    geo = network.geometry or {}
    if geo.get("kind") == "chain" and geo.get("periodic"):
        for start in region:  # contiguous modulo n: rotate the ring
            if (start - 1) % n not in rset:
                rot = tuple((start + t) % n for t in range(n))
                if set(rot[:k]) == rset:
                    return rot, k
                break
    return region + tuple(i for i in range(n) if i not in rset), k


def _pow2(n: int) -> float:
    """``2.0**n``, or inf where that overflows a float."""
    return math.ldexp(1.0, n) if n < 1024 else math.inf


def _dense_cost(n: int, k: int, n_edges: int) -> float:
    return _pow2(n) * (n_edges + _pow2(min(k, n - k)) + n)


def entanglement(
    state: Any,
    region: Any,
    method: str = "auto",
    renyi: Any = (2,),
    base: float | None = None,
    max_memory: float | None = None,
    surface: Any = None,
    slicing: bool = False,
) -> EntanglementResult:
    """The entanglement entropy of ``region`` (a set of visible indices) in a pure state.

    Parameters
    ----------
    state
        An :class:`~tnrbm.RBM`, a :class:`~tnrbm.DBM`, or a state vector of length ``2**N`` in
        kron order (normalized here).
    region
        The visible units of A (any subset, contiguous or not).
    method
        ``"dense"``: the state vector and its SVD (only while ``2**N`` fits).
        ``"cut"``: condition on the ``2**m`` values of the units of the minimal cut
        (:func:`tnrbm.bulk.min_cut`), contract each side with its complex conjugate into a
        ``2**m x 2**m`` Gram matrix ``G_A = X^dagger X``, ``G_B = Y^dagger Y`` (``psi = X Y^T``) and
        take the spectrum of ``G_A^{1/2} G_B^T G_A^{1/2}``; the cost grows with ``4**m`` and the
        contraction width, not with ``2**N``.
        ``"mps"``: the exact MPS (:func:`tnrbm.mps.exact_mps`) in a site order where the region comes
        first (for chain-ordered networks and prefix, suffix or ring-contiguous regions).
        ``"auto"``: the cheapest of these by estimated cost (recorded in ``result.method``).
    renyi
        Renyi orders to report besides the von Neumann entropy (``float("inf")`` allowed).
    base
        Logarithm base of the entropies: None for nats, 2 for bits.
    max_memory
        Limit in bytes for the dense vector, the largest contraction intermediate or the MPS
        (default: a quarter of the available memory). Beyond it: :class:`~tnrbm.errors.MemoryLimitError`
        with the estimate, before anything big is allocated.
    surface
        For ``method="cut"``: the units ``(layer, index)`` to condition on instead of the minimal cut
        (any set separating the region from its complement; the bound is then ``len(surface) ln 2``).
    slicing
        For ``method="cut"``: slice a contraction that would exceed ``max_memory`` (slower, smaller).

    Returns
    -------
    EntanglementResult
        With ``cut`` (the :class:`~tnrbm.bulk.Cut`; its ``size`` m and ``bound``), ``saturation``
        ``= S / bound``, the estimated ``flops`` and peak ``memory`` in bytes, and ``clipped``.

    Examples
    --------
    >>> import numpy as np, tnrbm
    >>> bell = np.array([1, 0, 0, 1]) / np.sqrt(2)
    >>> res = tnrbm.entanglement(bell, [0])
    >>> round(float(res.entropy / np.log(2)), 12)
    1.0
    >>> chain = tnrbm.models.local_chain(40, radius=1, complex=True, seed=0)
    >>> res = tnrbm.entanglement(chain, range(20), method="cut")
    >>> res.cut.size, res.method, bool(0 < res.saturation <= 1)
    (4, 'cut', True)
    """
    t0 = time.perf_counter()
    if method not in METHODS:
        raise InvalidParameterError(f"method must be one of {METHODS}; got {method!r}")
    orders = _check_renyi(renyi)
    check_base(base)
    if max_memory is not None:
        from .contraction import check_positive

        max_memory = check_positive(max_memory, "max_memory")
    if not isinstance(state, BoltzmannNetwork):
        if method not in ("auto", "dense"):
            raise InvalidParameterError(
                f"method={method!r} needs an RBM or a DBM (it contracts the network); got a state vector: "
                "use method='dense'"
            )
        if surface is not None:
            raise InvalidParameterError("surface is only used with a network and method='cut'; got a state vector")
        psi, n = _as_state_vector(state)
        region_t = check_region(region, n)
        itemsize = 16 if np.iscomplexobj(psi) else 8
        check_memory(2 * itemsize * psi.size, f"the SVD of a {n}-spin vector", max_memory, "use a smaller state")
        p = _dense_spectrum(psi, region_t, n)
        s, r = entropies_from_spectrum(p, orders, base, tol=1e-12)
        return EntanglementResult(
            entropy=s,
            renyi=r,
            spectrum=p,
            method="dense",
            region=region_t,
            n_visible=n,
            base=base,
            flops=_dense_cost(n, len(region_t), 0),
            memory=float(psi.nbytes),
            seconds=time.perf_counter() - t0,
        )
    network = state
    n = network.n_visible
    region_t = check_region(region, n)
    if len(region_t) == n and surface is None:  # the whole system of a pure state: S = 0
        from .bulk import min_cut

        p = np.array([1.0])
        s, r = entropies_from_spectrum(p, orders, base, tol=1e-12)
        return EntanglementResult(
            entropy=s,
            renyi=r,
            spectrum=p,
            method="cut" if method == "auto" else method,
            region=region_t,
            n_visible=n,
            cut=min_cut(network, region_t),
            base=base,
            flops=0.0,
            memory=0.0,
            seconds=time.perf_counter() - t0,
            extra={"trivial": "the region is the whole system of a pure state"},
        )
    if surface is not None and method not in ("cut", "auto"):
        raise InvalidParameterError(f"surface is only used with method='cut'; got method={method!r}")
    if surface is not None:
        cut = _cut_from_surface(network, region_t, surface)
    else:
        from .bulk import min_cut

        cut = min_cut(network, region_t)
    limit = default_max_memory() if max_memory is None else max_memory
    itemsize = 16 if network.is_complex else 8
    dense_bytes = 3.0 * itemsize * _pow2(n)
    extra: dict = {}
    cut_plan = None
    mps_plan = None
    chosen = method
    if method == "auto":
        candidates: dict[str, float] = {}
        if dense_bytes <= limit and surface is None:
            candidates["dense"] = _dense_cost(n, len(region_t), network.n_edges)
        refusal: MemoryLimitError | None = None
        if n > 12 or "dense" not in candidates:
            try:
                cut_plan = _plan_cut(network, region_t, cut, max_memory, slicing=slicing)
                # python overhead of about 2e4 flops per tensor
                candidates["cut"] = cut_plan.flops + 2e4 * sum(p.n_tensors for p in cut_plan.plans)
            except MemoryLimitError as err:
                refusal = err
            geo = network.geometry or {}
            if geo.get("kind") == "chain" and surface is None:
                from .mps import plan_mps

                order, _ = _mps_order(network, region_t)
                mps_plan = plan_mps(network, order)
                if mps_plan.memory <= limit:
                    candidates["mps"] = mps_plan.flops + 2e4 * n
        if not candidates:
            if refusal is not None:
                raise refusal
            check_memory(dense_bytes, f"the dense state vector of {n} spins", max_memory, "use a smaller network")
        chosen = min(candidates, key=candidates.__getitem__)
        extra["costs"] = candidates
    if chosen == "dense":
        psi = network.to_dense(normalize=True, max_memory=max_memory)
        p = _dense_spectrum(psi, region_t, n)
        clipped = 0.0
        flops, memory = _dense_cost(n, len(region_t), network.n_edges), dense_bytes
    elif chosen == "cut":
        if cut_plan is None:
            cut_plan = _plan_cut(network, region_t, cut, max_memory, slicing=slicing)
        from .contraction import SMALL_ARRAY, blas_threads

        t1 = time.perf_counter()
        m = cut.size
        small = max(pl.largest_intermediate for pl in cut_plan.plans) <= SMALL_ARRAY and 4**m <= SMALL_ARRAY
        with blas_threads(1 if small else None):
            grams = [pl.contract(arrays)[0] for pl, (arrays, _, _) in zip(cut_plan.plans, cut_plan.networks)]
            grams = [g.reshape(2**m, 2**m) for g in grams]
            p, clipped = spectrum_from_grams(grams[0], grams[1])
        flops, memory = cut_plan.flops, cut_plan.memory
        extra["path_seconds"] = sum(pl.path_seconds for pl in cut_plan.plans)
        extra["contract_seconds"] = time.perf_counter() - t1
        extra["n_tensors"] = [pl.n_tensors for pl in cut_plan.plans]
        extra["n_slices"] = [pl.n_slices for pl in cut_plan.plans]
        extra["paths"] = [pl.extra.get("path") for pl in cut_plan.plans]
    else:  # mps
        from .mps import bond_spectrum, mps_arrays, plan_mps

        order, k = _mps_order(network, region_t)
        if mps_plan is None:
            mps_plan = plan_mps(network, order)
        from .contraction import SMALL_ARRAY, blas_threads

        with blas_threads(1 if mps_plan.max_bond**2 <= SMALL_ARRAY else None):
            arrays, _ = mps_arrays(mps_plan, max_memory)
            p = np.sort(bond_spectrum(arrays, k))[::-1]
        clipped = 0.0
        flops, memory = mps_plan.flops, mps_plan.memory
        extra["order"] = order
        extra["max_bond"] = mps_plan.max_bond
    s, r = entropies_from_spectrum(p, orders, base, tol=1e-12)
    return EntanglementResult(
        entropy=s,
        renyi=r,
        spectrum=p,
        method=chosen,
        region=region_t,
        n_visible=n,
        cut=cut,
        base=base,
        flops=float(flops),
        memory=float(memory),
        seconds=time.perf_counter() - t0,
        clipped=clipped,
        extra=extra,
    )


# ---------------------------------------------------------------------------------- information


@dataclass
class InformationResult:
    """An information quantity built from exact entropies, with its cut (bound) counterpart.

    Attributes
    ----------
    value : float
        The exact quantity (``I(A:B)`` or ``I3(A:B:C)``) in units of ``base`` (nats by default).
    cut_value : float or None
        The same combination of the cut bounds ``m ln 2`` (None for a state vector). Cut values obey
        subadditivity; the exact entropies need not obey monogamy (a GHZ state has ``I3 = +ln 2``).
    entropies : dict
        ``"A"``, ``"B"``, ``"AB"``, ... -> :class:`EntanglementResult`.
    base : float or None
    """

    value: float
    cut_value: float | None
    entropies: dict
    base: float | None = None


def _disjoint(regions: dict[str, Any], n: int) -> dict[str, tuple[int, ...]]:
    out = {k: check_region(v, n, name=f"region_{k.lower()}") for k, v in regions.items()}
    keys = list(out)
    for x in range(len(keys)):
        for y in range(x + 1, len(keys)):
            common = sorted(set(out[keys[x]]) & set(out[keys[y]]))
            if common:
                raise InvalidRegionError(
                    f"region_{keys[x].lower()} and region_{keys[y].lower()} must be disjoint; both hold {common[:8]}"
                )
    return out


def _combination(
    state: Any, regions: dict[str, tuple[int, ...]], signs: dict[str, int], method: str, base: Any, max_memory: Any
) -> InformationResult:
    results = {}
    for name in signs:
        region = tuple(sorted(i for part in name for i in regions[part]))
        results[name] = entanglement(state, region, method=method, renyi=(), base=base, max_memory=max_memory)
    value = sum(sign * results[k].entropy for k, sign in signs.items())
    if all(r.cut is not None for r in results.values()):
        cut_value = sum(sign * results[k].bound for k, sign in signs.items())
    else:
        cut_value = None
    return InformationResult(value=float(value), cut_value=cut_value, entropies=results, base=base)


def _size(state: Any) -> int:
    if isinstance(state, BoltzmannNetwork):
        return state.n_visible
    return _as_state_vector(state)[1]


def mutual_information(
    state: Any,
    region_a: Any,
    region_b: Any,
    method: str = "auto",
    base: float | None = None,
    max_memory: float | None = None,
) -> InformationResult:
    """The exact mutual information ``I(A:B) = S_A + S_B - S_AB`` of two disjoint regions.

    Parameters
    ----------
    state
        An RBM, a DBM, or a state vector.
    region_a, region_b
        Disjoint sets of visible units.
    method, base, max_memory
        As in :func:`entanglement` (used for each of the three entropies).

    Returns
    -------
    InformationResult
        ``value`` and ``cut_value`` (``(m_A + m_B - m_AB) ln 2``), with the three entropies.

    Examples
    --------
    >>> import numpy as np, tnrbm
    >>> bell_pair = np.kron(np.array([1, 0, 0, 1]) / np.sqrt(2), [1, 0])
    >>> round(mutual_information(bell_pair, [0], [1], base=2).value, 12)
    2.0
    """
    regions = _disjoint({"A": region_a, "B": region_b}, _size(state))
    return _combination(state, regions, {"A": 1, "B": 1, "AB": -1}, method, base, max_memory)


def tripartite_information(
    state: Any,
    region_a: Any,
    region_b: Any,
    region_c: Any,
    method: str = "auto",
    base: float | None = None,
    max_memory: float | None = None,
) -> InformationResult:
    """The exact tripartite information ``I3 = S_A + S_B + S_C - S_AB - S_AC - S_BC + S_ABC``.

    ``I3 <= 0`` (monogamy of mutual information) holds for holographic states but not in general:
    a GHZ state of four or more parties has ``I3 = +ln 2``. ``cut_value`` is the same combination of
    the minimal cuts.

    Examples
    --------
    >>> import numpy as np
    >>> ghz = np.zeros(16); ghz[0] = ghz[-1] = 1 / np.sqrt(2)
    >>> round(tripartite_information(ghz, [0], [1], [2], base=2).value, 12)
    1.0
    """
    regions = _disjoint({"A": region_a, "B": region_b, "C": region_c}, _size(state))
    signs = {"A": 1, "B": 1, "C": 1, "AB": -1, "AC": -1, "BC": -1, "ABC": 1}
    return _combination(state, regions, signs, method, base, max_memory)
