"""The cut method: condition on the RT surface and take the spectrum from two Gram matrices.

With the minimal cut ``gamma_A`` of ``m`` units, ``psi = X Y^T`` where ``X[v_A, c]`` and ``Y[v_B, c]``
are the two sides of the network with the ``2**m`` values ``c`` of the cut units fixed. Each side is
contracted with its complex conjugate into ``G_A = X^dagger X``, ``G_B = Y^dagger Y``
(:func:`gram_network`, :func:`tnrbm.contract.plan_contraction`), and ``rho_A = X G_B^T X^dagger`` has
the nonzero spectrum of ``G_A^{1/2} G_B^T G_A^{1/2}`` (:func:`~tnrbm.entropy.grams.spectrum_from_grams`;
proof in ``docs/theory/entanglement.md``). The cost grows with ``4**m`` and the contraction width, not ``2**N``.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from ..bulk import Cut
from ..contract import SMALL_ARRAY, ContractionPlan, blas_threads, get_backend, plan_contraction, run_jobs
from ..network import BoltzmannNetwork, TermBuilder, Unit, chain_positions
from ..network.local import Term, absorb_vectors
from ..validation import MaxMemory, check_memory, format_bytes, memory_limit
from .calibration import contraction_seconds, machine_rates, spectrum_flops, spectrum_seconds
from .grams import LAPACK_WORK, SPECTRUM_ARRAYS_HELD, spectrum_from_grams
from .methods import NotApplicableError, Plan, Problem, register_method

__all__ = ["BRA_SUFFIX", "gram_network", "gram_networks", "spectrum_from_grams", "plan_grams"]

#: the suffix that renames the inner and cut indices of the bra in a Gram network
BRA_SUFFIX = "*"
#: Python work per tensor, in flops-equivalent, that ``auto`` adds to the cut method's cost
_PER_TENSOR = 2.5e5
#: seconds of a cut call besides its contractions and spectrum (the min cut, planning, the path cache)
_FIXED_SECONDS = 3.5e-3


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


def _split(builder: TermBuilder, cut: Cut) -> list[tuple[list[Unit], list[int]]]:
    """The bias units and couplings of each side: the region's wedge with the surface, and the rest."""
    surface, wedge = set(cut.surface), set(cut.wedge)
    units = builder.network.units()
    in_a = [u in wedge or v in wedge or (u in surface and v in surface) for u, v, _ in builder.edges]
    side_a = ([u for u in units if u in wedge or u in surface], [e for e, x in enumerate(in_a) if x])
    side_b = ([u for u in units if u not in wedge and u not in surface], [e for e, x in enumerate(in_a) if not x])
    return [side_a, side_b]


def _side_terms(
    builder: TermBuilder, cut: Cut, bias: list, edges: list, visible: list[int], rename: dict
) -> tuple[list[Term], list]:
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
    network: BoltzmannNetwork,
    region: tuple[int, ...],
    cut: Cut,
    max_memory: MaxMemory,
    slicing: bool = False,
    arrays_held: int = SPECTRUM_ARRAYS_HELD,
    seed: int | None = None,
) -> tuple[list, list[ContractionPlan]]:
    """The two Gram networks of a cut (region side, complement side) and their contraction plans
    (the path search seeded with ``seed``; None: :data:`tnrbm.contract.DEFAULT_SEED`).

    Refuses with :class:`~tnrbm.errors.MemoryLimitError` before anything is contracted when the serial
    peak (:func:`gram_memory` with ``arrays_held`` Gram-sized arrays for the reduction) does not fit
    ``max_memory``; its ``needed`` is that peak, the smallest limit that runs it. Unsliced plans do not
    depend on the limit, so the refusal is monotonic in it. Beyond a TiB of Gram arrays nothing is
    planned (``needed`` is then a lower bound).
    """
    m = cut.size
    itemsize = gram_itemsize(network)
    gram = itemsize * 4.0**m
    limit = memory_limit(max_memory)
    way_out = "choose a smaller region or one with a smaller minimal cut (the cost grows like 4**m)"
    if arrays_held * gram > max(limit, 2.0**40):  # hopeless: no path search
        check_memory(
            arrays_held * gram,
            f"the Gram-matrix work space of a cut of m={m} units ({arrays_held} {2**m} x {2**m} arrays of "
            f"{itemsize} bytes per entry)",
            limit,
            way_out,
        )
    # sliced: each contraction's peak and the copy of its largest intermediate, with the two Grams held, fit
    target = _UNLIMITED if not slicing else max((limit - 2 * gram) / 2, 1.0)
    networks, plans = [], []
    for name, arrays, inputs, output, keys in gram_networks(network, region, cut):
        plan = plan_contraction(
            inputs,
            output,
            {ix: 2 for term in inputs for ix in term},
            max_memory=target,
            what=f"the Gram matrix of the {name} side of a cut of m={m} units ({len(inputs)} tensors)",
            way_out="choose a smaller region or one with a smaller minimal cut",
            slicing=slicing,
            keys=keys,
            itemsize=itemsize,
            seed=seed,
        )
        networks.append(arrays)
        plans.append(plan)
    check_memory(
        gram_memory(plans, m, itemsize, arrays_held=arrays_held),
        f"the Grams of a cut of m={m} units (the peak: {gram_blocker(plans, m, itemsize, arrays_held)})",
        limit,
        way_out if slicing else f"{way_out}, or pass slicing=True (cotengra slices the contractions)",
    )
    return networks, plans


#: planning without a limit (an unsliced plan does not depend on it; the whole peak is checked after)
_UNLIMITED = 2**62


def gram_networks(network: BoltzmannNetwork, region: tuple[int, ...], cut: Cut) -> list[tuple]:
    """The two Gram networks of a cut: ``(side name, arrays, inputs, output, sweep keys)`` for the region
    side and the complement side (:func:`gram_network`; output: bra cut indices, then ket cut indices,
    in the order of ``cut.surface``)."""
    n = network.n_visible
    builder = TermBuilder(network)
    rename = {u: _cut_index(u) for u in cut.surface}
    cut_inds = [rename[u] for u in cut.surface]
    pos = chain_positions(network)
    geo: Mapping[str, Any] = network.geometry or {}
    ring = n if (geo.get("kind") == "chain" and geo.get("periodic")) else None
    rset = set(region)
    out = []
    sides = zip(("region", "complement"), _split(builder, cut), (list(region), [i for i in range(n) if i not in rset]))
    for name, (bias, edges), visible in sides:
        terms, owners = _side_terms(builder, cut, bias, edges, visible, rename)
        arrays, inputs, output = gram_network(terms, [f"k{i}" for i in visible], cut_inds)
        keys = _sweep_keys([pos[u] for u in owners], ring)
        keys = [k + 0.25 * t for t in (0, 1) for k in keys]  # ket term, then its bra
        out.append((name, arrays, inputs, output, keys))
    return out


def gram_threads(plans: Sequence[ContractionPlan], m: int) -> Any:
    """The BLAS threads of contracting and reducing Grams of ``2**m x 2**m``: one when every array is small
    (:data:`~tnrbm.contract.SMALL_ARRAY`), no limit otherwise."""
    small = max(pl.largest_intermediate for pl in plans) <= SMALL_ARRAY and 4**m <= SMALL_ARRAY
    return blas_threads(1 if small else None)


def gram_itemsize(network: BoltzmannNetwork) -> int:
    """Bytes per entry of the Gram matrices of ``network``: 8 when real, 16 when complex."""
    return 16 if network.is_complex else 8


def gram_memory(
    plans: Sequence[ContractionPlan],
    m: int,
    itemsize: int,
    parallel: Any = None,
    arrays_held: int = SPECTRUM_ARRAYS_HELD,
) -> float:
    """Peak bytes of contracting the two Grams (one after the other, or at once when ``parallel``) and
    reducing them with ``arrays_held`` Gram-sized arrays (the spectrum in place:
    :data:`~tnrbm.entropy.grams.SPECTRUM_ARRAYS_HELD`; the purity:
    :data:`~tnrbm.entropy.grams.PURITY_ARRAYS_HELD`).

    Each contraction's peak counts a copy of its largest intermediate (every step's result is rescaled,
    :func:`~tnrbm.contract.plan.strip_exponent`, while the unscaled one is alive). Bringing the output
    to the Gram's index order and shape copies it once more, after the unscaled output is freed: two
    Gram-sized arrays, within the former since the output is an intermediate too (measured: the peak
    of the last step is the Gram and its rescaled copy, docs/theory/memory.md). The BLAS/LAPACK work
    buffers are counted from m = 10 on (:data:`~tnrbm.entropy.grams.LAPACK_WORK`, as measured: 17-35 MiB
    per thread above the arrays), so the estimate bounds the peak."""
    gram = itemsize * 4.0**m
    need = [p.peak_bytes + p.largest_bytes for p in plans]
    if _two_jobs(plans, parallel):
        contraction = sum(need)
    else:
        contraction = max(need[0], gram + need[1])
    return float(max(contraction, arrays_held * gram) + (LAPACK_WORK if m >= 10 else 0))


def gram_blocker(plans: Sequence[ContractionPlan], m: int, itemsize: int, arrays_held: int) -> str:
    """What dominates :func:`gram_memory`, in words (for a refusal)."""
    gram = itemsize * 4.0**m
    worst = max(p.peak_bytes + p.largest_bytes for p in plans)
    if worst + gram >= arrays_held * gram:
        return f"contracting a Gram matrix of m={m} units (peak {format_bytes(worst)}, the other Gram held)"
    return f"{arrays_held} {2**m} x {2**m} Gram-sized arrays of {itemsize} bytes per entry"


def _two_jobs(plans: Sequence[ContractionPlan], parallel: Any) -> bool:
    """Whether the two Gram contractions run as two jobs (``parallel`` given, neither sliced over outputs)."""
    return parallel not in (None, "serial") and not any(p.outer for p in plans)


def _contract_one(shared: tuple, job: tuple) -> np.ndarray:
    """One Gram matrix as a ``2**m x 2**m`` array (the contraction's result reshaped before the next one)."""
    backend, n = shared
    plan, arrays = job
    return plan.contract(arrays, backend=backend)[0].reshape(n, n)


def _contract_grams(plans: Sequence[ContractionPlan], networks: Sequence, problem: Problem) -> list[np.ndarray]:
    """``[G_A, G_B]`` (``2**m x 2**m``): two jobs where ``problem.parallel`` says, or each plan's slices
    run there."""
    n = 2**problem.cut.size
    jobs = list(zip(plans, networks))
    if _two_jobs(plans, problem.parallel):
        return run_jobs(_contract_one, (problem.backend, n), jobs, parallel=problem.parallel, progress=problem.progress)
    opts = {"backend": problem.backend, "parallel": problem.parallel, "progress": problem.progress}
    return [pl.contract(arrays, **opts)[0].reshape(n, n) for pl, arrays in jobs]


def diagonal_side(problem: Problem) -> int | None:
    """0 when every cut unit is a visible spin of the region (``G_A`` diagonal), 1 when every one is a
    visible spin of the complement (``G_B`` diagonal), None otherwise."""
    surface = problem.cut.surface
    if not surface or any(layer != 0 for layer, _ in surface):
        return None
    region = set(problem.region)
    inside = [i in region for _, i in surface]
    if all(inside):
        return 0
    if not any(inside):
        return 1
    return None


def diagonal_gram(problem: Problem) -> bool:
    """Whether one Gram matrix is diagonal: every cut unit is a visible spin of the same side (its physical
    leg is then tied to its cut index), so the spectrum needs no root (:func:`spectrum_from_grams`)."""
    return diagonal_side(problem) is not None


def cut_time(problem: Problem, plans: Sequence[ContractionPlan]) -> dict:
    """The estimated multiply-adds and seconds of the cut method's stages (:mod:`~tnrbm.entropy.calibration`):
    ``contract_flops``, ``spectrum_flops``, ``contract_seconds``, ``spectrum_seconds``, ``seconds``."""
    n = 2**problem.cut.size
    assert problem.network is not None  # the cut method's plans are made for networks only
    is_complex = problem.network.is_complex
    diagonal = diagonal_gram(problem)
    rates = machine_rates()
    t_contract = contraction_seconds(plans, is_complex, rates)
    t_spectrum = spectrum_seconds(n, is_complex, diagonal, rates)
    return {
        "contract_flops": float(sum(p.flops for p in plans)),
        "spectrum_flops": spectrum_flops(n, diagonal),
        "contract_seconds": t_contract,
        "spectrum_seconds": t_spectrum,
        "seconds": _FIXED_SECONDS + t_contract + t_spectrum,
    }


def _plan_cut(problem: Problem) -> Plan:
    if problem.network is None:
        raise NotApplicableError("method='cut' needs an RBM or a DBM (it contracts the network); got a state vector")
    cut = problem.cut
    m = cut.size
    get_backend(problem.backend)  # an unknown or missing backend is refused before any planning
    networks, plans = plan_grams(
        problem.network, problem.region, cut, problem.max_memory, problem.slicing, seed=problem.seed
    )
    timing = cut_time(problem, plans)

    def run() -> tuple[np.ndarray, dict]:
        t1 = time.perf_counter()
        with gram_threads(plans, m):
            gram_a, gram_b = _contract_grams(plans, networks, problem)
            p, clipped = spectrum_from_grams(gram_a, gram_b, backend=problem.backend, overwrite=True)
        return p, {"clipped": clipped, "contract_seconds": time.perf_counter() - t1}

    return Plan(
        "cut",
        flops=timing["contract_flops"] + timing["spectrum_flops"],
        memory=gram_memory(plans, m, gram_itemsize(problem.network), problem.parallel),
        blocker=gram_blocker(plans, m, gram_itemsize(problem.network), SPECTRUM_ARRAYS_HELD),
        run=run,
        overhead=3.5e7 + _PER_TENSOR * sum(p.n_tensors for p in plans) + 7.0 * sum(p.flops for p in plans),
        extra={
            "path_seconds": sum(pl.path_seconds for pl in plans),
            "n_tensors": [pl.n_tensors for pl in plans],
            "n_slices": [pl.n_slices for pl in plans],
            "sliced_outputs": [list(pl.outer) for pl in plans],
            "backend": get_backend(problem.backend).name,
            "paths": [pl.extra.get("path") for pl in plans],
            "seed": problem.seed,
            "estimated": timing,
        },
        seconds=timing["seconds"],
    )


register_method("cut", _plan_cut, auto=True)
