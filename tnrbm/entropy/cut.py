"""The cut method: condition on the RT surface and take the spectrum from two Gram matrices.

With the minimal cut ``gamma_A`` of ``m`` units, ``psi = X Y^T`` where ``X[v_A, c]`` and ``Y[v_B, c]``
are the two sides of the network with the ``2**m`` values ``c`` of the cut units fixed. Each side is
contracted with its complex conjugate into ``G_A = X^dagger X``, ``G_B = Y^dagger Y``
(:func:`gram_network`, :func:`tnrbm.contract.plan_contraction`), and ``rho_A = X G_B^T X^dagger`` has
the nonzero spectrum of ``G_A^{1/2} G_B^T G_A^{1/2}`` (:func:`spectrum_from_grams`; proof in
``docs/theory/entanglement.md``). The cost grows with ``4**m`` and the contraction width, not ``2**N``.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from typing import Any

import autoray
import numpy as np
import scipy.linalg

from ..contract import SMALL_ARRAY, Backend, ContractionPlan, blas_threads, get_backend, plan_contraction
from ..network import BoltzmannNetwork, TermBuilder, Unit, chain_positions
from ..network.local import Term, absorb_vectors
from ..validation import check_memory
from .methods import NotApplicableError, Plan, Problem, register_method

__all__ = ["BRA_SUFFIX", "gram_network", "spectrum_from_grams", "plan_grams"]

#: the suffix that renames the inner and cut indices of the bra in a Gram network
BRA_SUFFIX = "*"
#: Python work per tensor, in flops-equivalent, that ``auto`` adds to the cut method's cost
_PER_TENSOR = 2.5e5


def _cut_index(unit: Unit) -> str:
    return f"cut{unit[0]}_{unit[1]}"


def gram_network(
    terms: Sequence[Term], physical: Iterable[str], cut_inds: Sequence[str]
) -> tuple[list[np.ndarray], list[tuple[str, ...]], tuple[str, ...]]:
    """The network of ``G = X^dagger X``: one side's terms (the ket ``X[v, c]``) joined with their complex
    conjugate over the ``physical`` indices.

    Every other index of the bra is renamed with :data:`BRA_SUFFIX`. The output is
    ``(bra cut indices, ket cut indices)``, so the contraction gives
    ``G[c', c] = sum_v conj(X[v, c']) X[v, c]``.

    Examples
    --------
    >>> import numpy as np, cotengra as ctg
    >>> x = np.array([[1.0, 2.0j], [0.5, 1.0]])  # X[v, c]
    >>> arrays, inputs, output = gram_network([(x, ("k0", "c"))], ["k0"], ["c"])
    >>> g = ctg.array_contract(arrays, inputs, output)
    >>> bool(np.allclose(g, x.conj().T @ x))
    True
    """
    phys = set(physical)
    arrays = [t[0] for t in terms] + [np.conj(t[0]) for t in terms]
    inputs = [tuple(t[1]) for t in terms] + [tuple(ix if ix in phys else ix + BRA_SUFFIX for ix in t[1]) for t in terms]
    output = tuple(c + BRA_SUFFIX for c in cut_inds) + tuple(cut_inds)
    return arrays, inputs, output


def _sweep_keys(positions: list[float], ring: int | None) -> list[float]:
    """Positions for a sweep; on a ring, start right after the largest gap between occupied positions."""
    if not ring or not positions:
        return positions
    occ = sorted(set(positions))
    gaps = [(occ[(k + 1) % len(occ)] - occ[k]) % ring for k in range(len(occ))]
    start = occ[(int(np.argmax(gaps)) + 1) % len(occ)]
    return [(p - start) % ring for p in positions]


def _hermitian(g: np.ndarray) -> np.ndarray:
    """``g`` made exactly Hermitian and scaled to largest magnitude 1; real when its imaginary part is 0."""
    g = np.asarray(g)
    if np.iscomplexobj(g) and not np.any(g.imag):
        g = g.real
    g = np.asarray(g, dtype=np.complex128 if np.iscomplexobj(g) else np.float64)
    g = (g + g.conj().T) / 2
    return g / max(float(np.max(np.abs(g))), np.finfo(float).tiny)


def _is_diagonal(g: np.ndarray) -> bool:
    return not np.any(g - np.diag(np.diag(g)))


def _sandwich(ga: np.ndarray, gb: np.ndarray) -> np.ndarray:
    """A Hermitian matrix with the nonzero spectrum of ``G_A^{1/2} G_B^T G_A^{1/2}``: ``R^dagger G_B^T R``
    with ``G_A = R R^dagger`` (a diagonal root, or a pivoted Cholesky factor of the rank of ``G_A``)."""
    if _is_diagonal(ga):  # e.g. every cut unit is a visible unit of this side
        s = np.sqrt(np.clip(np.diag(ga).real, 0.0, None))
        keep = np.flatnonzero(s)
        return s[keep, None] * gb.T[np.ix_(keep, keep)] * s[None, keep]
    pstrf = scipy.linalg.lapack.zpstrf if np.iscomplexobj(ga) else scipy.linalg.lapack.dpstrf
    c, piv, rank, info = pstrf(ga, lower=1)  # G_A[P, P] = L L^dagger, rank-revealing
    if info < 0:
        raise FloatingPointError(f"the pivoted Cholesky factorization of a Gram matrix failed (info={info})")
    order = piv - 1
    low = np.tril(c)[:, :rank]
    return low.conj().T @ gb.T[np.ix_(order, order)] @ low


def _sandwich_backend(ga: np.ndarray, gb: np.ndarray, backend: Backend) -> np.ndarray:
    """:func:`_sandwich` and the eigenvalues on another array library (``autoray.do``): an ``eigh`` root."""
    x, y = backend.to(ga), backend.to(gb)
    w, u = autoray.do("linalg.eigh", x)
    root = u * autoray.do("sqrt", autoray.do("clip", w, 0.0, None))
    mat = autoray.do("conj", root).T @ y.T @ root
    mat = (mat + autoray.do("conj", mat).T) / 2
    return backend.to_numpy(autoray.do("linalg.eigvalsh", mat))


def spectrum_from_grams(gram_a: np.ndarray, gram_b: np.ndarray, backend: Any = None) -> tuple[np.ndarray, float]:
    """The Schmidt probabilities of ``psi = X Y^T`` from ``G_A = X^dagger X`` and ``G_B = Y^dagger Y``.

    ``rho_A = X Y^T conj(Y) X^dagger = X G_B^T X^dagger`` has the nonzero spectrum of
    ``G_A^{1/2} G_B^T G_A^{1/2}``; it is normalized by its trace. Negative eigenvalues (rounding)
    are set to zero; the largest of their sizes (relative to the trace) is returned.

    Real Grams (a real network) are kept real (a real symmetric eigenproblem: about 4x fewer flops than a
    complex one). On numpy the root of ``G_A`` is its square root when diagonal (e.g. the cut units are
    visible units of that side; zero rows are dropped) and a rank-revealing pivoted Cholesky factor
    otherwise; only eigenvalues are computed. Another ``backend`` (:data:`tnrbm.contract.BACKENDS`) runs the
    eigen-decompositions there (``autoray.do("linalg.eigh")``).

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
    be = get_backend(backend)
    ga, gb = _hermitian(gram_a), _hermitian(gram_b)
    if _is_diagonal(gb) and not _is_diagonal(ga):  # same nonzero spectrum with the roles swapped
        ga, gb = gb.T, ga.T
    if be.name == "numpy" or _is_diagonal(ga):
        mat = _sandwich(ga, gb)
        p = np.linalg.eigvalsh((mat + mat.conj().T) / 2) if be.name == "numpy" else None
        if p is None:
            p = be.to_numpy(autoray.do("linalg.eigvalsh", be.to(mat)))
    else:
        p = _sandwich_backend(ga, gb, be)
    p = np.sort(np.asarray(p, dtype=float))[::-1]
    total = float(np.sum(p))
    if not total > 0:
        raise FloatingPointError("the Gram matrices give a zero state (the network's amplitudes vanish)")
    p = p / total
    clipped = float(max(0.0, -float(p.min()))) if p.size else 0.0
    p = np.clip(p, 0.0, None)
    return p / p.sum(), clipped


def _split(builder: TermBuilder, cut: object) -> list[tuple[list[Unit], list[int]]]:
    """The bias units and couplings of each side: the region's wedge with the surface, and the rest."""
    surface, wedge = set(cut.surface), set(cut.wedge)
    units = builder.network.units()
    in_a = [u in wedge or v in wedge or (u in surface and v in surface) for u, v, _ in builder.edges]
    side_a = ([u for u in units if u in wedge or u in surface], [e for e, x in enumerate(in_a) if x])
    side_b = ([u for u in units if u not in wedge and u not in surface], [e for e, x in enumerate(in_a) if not x])
    return [side_a, side_b]


def _side_terms(builder: TermBuilder, cut: object, bias: list, edges: list, visible: list[int], rename: dict):
    """The terms of one side of the cut, with the surface's indices open, and the unit each belongs to."""
    surface = set(cut.surface)
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
    return absorb_vectors(terms, owners), owners


def plan_grams(
    network: BoltzmannNetwork, region: tuple[int, ...], cut: object, max_memory: object, slicing: bool = False
) -> tuple[list, list[ContractionPlan]]:
    """The two Gram networks of a cut (region side, complement side) and their contraction plans.

    Refuses with :class:`~tnrbm.errors.MemoryLimitError` before anything is contracted.
    """
    m = cut.size
    n = network.n_visible
    check_memory(
        4 * 16.0 * 4.0**m,
        f"the Gram-matrix work space of a cut of m={m} units (four {2**m} x {2**m} arrays)",
        max_memory,
        "choose a smaller region or one with a smaller minimal cut (the cost grows like 4**m)",
    )
    builder = TermBuilder(network)
    rename = {u: _cut_index(u) for u in cut.surface}
    cut_inds = [rename[u] for u in cut.surface]
    pos = chain_positions(network)
    geo = network.geometry or {}
    ring = n if (geo.get("kind") == "chain" and geo.get("periodic")) else None
    rset = set(region)
    networks, plans = [], []
    sides = zip(("region", "complement"), _split(builder, cut), (list(region), [i for i in range(n) if i not in rset]))
    for name, (bias, edges), visible in sides:
        terms, owners = _side_terms(builder, cut, bias, edges, visible, rename)
        arrays, inputs, output = gram_network(terms, [f"k{i}" for i in visible], cut_inds)
        keys = _sweep_keys([pos[u] for u in owners], ring)
        keys = [k + 0.25 * t for t in (0, 1) for k in keys]  # ket term, then its bra
        plan = plan_contraction(
            inputs,
            output,
            {ix: 2 for term in inputs for ix in term},
            max_memory=max_memory,
            what=f"the Gram matrix of the {name} side of a cut of m={m} units ({len(inputs)} tensors)",
            way_out="choose a smaller region or one with a smaller minimal cut",
            slicing=slicing,
            keys=keys,
        )
        networks.append(arrays)
        plans.append(plan)
    return networks, plans


def _plan_cut(problem: Problem) -> Plan:
    if problem.network is None:
        raise NotApplicableError("method='cut' needs an RBM or a DBM (it contracts the network); got a state vector")
    cut = problem.cut
    m = cut.size
    get_backend(problem.backend)  # an unknown or missing backend is refused before any planning
    networks, plans = plan_grams(problem.network, problem.region, cut, problem.max_memory, problem.slicing)

    def run() -> tuple[np.ndarray, dict]:
        t1 = time.perf_counter()
        small = max(pl.largest_intermediate for pl in plans) <= SMALL_ARRAY and 4**m <= SMALL_ARRAY
        opts = {"backend": problem.backend, "parallel": problem.parallel, "progress": problem.progress}
        with blas_threads(1 if small else None):
            grams = [pl.contract(arrays, **opts)[0].reshape(2**m, 2**m) for pl, arrays in zip(plans, networks)]
            p, clipped = spectrum_from_grams(grams[0], grams[1], backend=problem.backend)
        return p, {"clipped": clipped, "contract_seconds": time.perf_counter() - t1}

    return Plan(
        "cut",
        flops=float(sum(p.flops for p in plans) + 20.0 * 8.0**m),
        memory=float(
            max(max(p.peak_bytes for p in plans) + 16.0 * 4.0**m, 10 * 16.0 * 4.0**m)
        ),  # + a held Gram; eigh work
        run=run,
        overhead=3.5e7 + _PER_TENSOR * sum(p.n_tensors for p in plans) + 7.0 * sum(p.flops for p in plans),
        extra={
            "path_seconds": sum(pl.path_seconds for pl in plans),
            "n_tensors": [pl.n_tensors for pl in plans],
            "n_slices": [pl.n_slices for pl in plans],
            "sliced_outputs": [list(pl.outer) for pl in plans],
            "backend": get_backend(problem.backend).name,
            "paths": [pl.extra.get("path") for pl in plans],
        },
    )


register_method("cut", _plan_cut, auto=True)
