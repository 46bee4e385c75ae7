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

import numpy as np

from ..contract import SMALL_ARRAY, ContractionPlan, blas_threads, plan_contraction
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
    networks, plans = plan_grams(problem.network, problem.region, cut, problem.max_memory, problem.slicing)

    def run() -> tuple[np.ndarray, dict]:
        t1 = time.perf_counter()
        small = max(pl.largest_intermediate for pl in plans) <= SMALL_ARRAY and 4**m <= SMALL_ARRAY
        with blas_threads(1 if small else None):
            grams = [pl.contract(arrays)[0].reshape(2**m, 2**m) for pl, arrays in zip(plans, networks)]
            p, clipped = spectrum_from_grams(grams[0], grams[1])
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
            "paths": [pl.extra.get("path") for pl in plans],
        },
    )


register_method("cut", _plan_cut, auto=True)
