"""The purity of a cut whose Gram matrices do not fit in memory: one side's diagonal, the other in blocks.

When every unit of the cut is a visible spin of one side (say A), that side's Gram matrix is diagonal,
``G_A = diag(d)``, and only ``d`` (``2**m`` numbers: the Gram network with bra and ket cut indices
identified) is needed. With ``M = G_B^T``,

    ``Tr rho_A^2 / (Tr rho_A)^2 = sum_ij d_i d_j |G_B[i, j]|^2 / (sum_i d_i G_B[i, i])^2``,

a sum over the entries of ``G_B`` that is taken block by block: ``G_B`` is sliced over its leading bra
cut indices (:func:`tnrbm.contract.plan_contraction` with ``assemble=False``), each block is reduced to
its two partial sums where it is computed (:func:`tnrbm.contract.run_jobs`: here, on threads or on dask
workers, which send back four numbers), and the partial sums are combined with their exponents. Only one
block is held at a time per worker, so the purity is exact where the ``4**m`` Gram matrix does not fit.
"""

from __future__ import annotations

import math
import os

import numpy as np

from ..contract import ContractionPlan, contract_block, plan_contraction, run_jobs
from ..errors import MemoryLimitError, NumericalError
from ..validation import format_bytes, format_limit
from .cut import BRA_SUFFIX, diagonal_side, gram_itemsize, gram_networks
from .methods import Problem

__all__ = [
    "block_sums",
    "diagonal_side",
    "gram_block",
    "gram_diagonal",
    "gram_sides",
    "purity_from_sums",
    "streamed_purity",
    "streamed_setup",
]


def _diagonal_network(inputs: list, output: tuple) -> tuple[list, tuple]:
    """The network of ``diag(G)`` from that of ``G``: the bra cut indices identified with the ket ones."""
    ket = output[len(output) // 2 :]
    bra = {c + BRA_SUFFIX: c for c in ket}
    return [tuple(bra.get(ix, ix) for ix in term) for term in inputs], tuple(ket)


#: planning the diagonal's contraction without a limit (its peak is checked with the blocks')
_UNLIMITED = 2**62
#: rows of a block reduced at a time, in entries (the ``|G|^2`` temporaries: 16 MiB)
_CHUNK_ENTRIES = 2**20


def _plan(
    inputs: list, output: tuple, itemsize: int, max_memory: float, what: str, assemble: bool, seed: int = 0
) -> ContractionPlan:
    return plan_contraction(
        inputs,
        output,
        {ix: 2 for term in inputs for ix in term},
        max_memory=max_memory,
        what=what,
        way_out="choose a smaller region or one with a smaller minimal cut",
        slicing="outer" if not assemble else False,
        itemsize=itemsize,
        assemble=assemble,
        seed=seed,
    )


def _block_memory(plan: ContractionPlan, m: int, itemsize: int) -> float:
    """Bytes one running block needs: its contraction's peak with the rescaled copy of its largest
    intermediate, a contiguous copy of the block and the reduction's temporaries (the BLAS work buffers
    are fixed overhead, not counted: :func:`~tnrbm.entropy.cut.gram_memory`)."""
    entries = 4.0**m / plan.n_slices
    held = plan.peak_bytes + plan.largest_bytes + itemsize * entries
    return held + 2 * 8.0 * min(entries, _CHUNK_ENTRIES)


def _fit_blocks(
    inputs: list, output: tuple, problem: Problem, limit: float, diagonal: float, held: float = 0.0
) -> tuple[ContractionPlan | None, float]:
    """The block plan whose streaming stage (the diagonal ``d`` held, one block per running job;
    ``parallel="threads"``: one per core) fits ``limit`` bytes, and the peak bytes of the whole (at least
    ``diagonal``, the peak of contracting ``d``); ``(None, inf)`` if none is found. The blocks shrink until
    the copies and temporaries fit too."""
    if diagonal > limit:
        return None, math.inf
    m = problem.cut.size
    assert problem.network is not None  # the cut method's plans are made for networks only
    itemsize = gram_itemsize(problem.network)
    running = (os.cpu_count() or 1) if problem.parallel == "threads" else 1
    fixed = 8.0 * 2**m + held
    budget = (limit - fixed) / running
    for _ in range(40):
        if budget <= 0:
            break
        try:
            plan = _plan(
                inputs, output, itemsize, budget, f"a block of the Gram matrix of m={m} units", False, problem.seed
            )
        except MemoryLimitError:
            break
        need = fixed + running * _block_memory(plan, m, itemsize)
        if need <= limit:
            return plan, max(need, diagonal)
        budget *= min(0.7, limit / need)
    return None, math.inf


def _plan_blocks(
    inputs: list, output: tuple, problem: Problem, diagonal: float, held: float = 0.0
) -> tuple[ContractionPlan, float]:
    """The block plan of the streamed Gram and the bytes of the streaming stage, within
    ``problem.max_memory``; else a :class:`~tnrbm.errors.MemoryLimitError` with a limit that works (found
    by doubling the limit and planning again)."""
    limit = float(problem.max_memory)
    plan, need = _fit_blocks(inputs, output, problem, limit, diagonal, held)
    if plan is not None:
        return plan, need
    works = limit
    for _ in range(64):
        works *= 2
        if _fit_blocks(inputs, output, problem, works, diagonal, held)[0] is not None:
            break
    m = problem.cut.size
    raise MemoryLimitError(
        f"one block of the Gram matrix of m={m} units (its contraction, copies and temporaries) and the other "
        f"side's Gram diagonal need more than max_memory={format_bytes(limit)} allows for any block size; "
        f"choose a smaller region or max_memory={format_limit(works)!r}, which was planned to fit",
        needed=works,
        limit=limit,
    )


def _start(values: tuple, size: int) -> int:
    """The first row (or column) of a block whose leading indices are fixed to ``values`` (binary)."""
    return int(np.ravel_multi_index(values, (2,) * len(values))) * size if values else 0


def _block_sums(shared: tuple, values: tuple) -> tuple[float, float, float]:
    """``(log10 sum_ij d_i d_j |G[i, j]|^2, sum_i d_i G[i, i] (mantissa), its log10 exponent)`` of one block
    of ``G`` (the sliced values: first the bra cut indices, then, past ``m`` of them, the ket ones)."""
    job, diag, m = shared
    block, r0, c0, exponent = gram_block(job, m, values)
    return block_sums(block, diag, r0, c0, exponent)


def gram_block(job: tuple, m: int, values: tuple) -> tuple[np.ndarray, int, int, float]:
    """One block of the streamed Gram ``G`` (``job``: :meth:`ContractionPlan.block_job`; ``values``: the
    sliced bra, then ket, cut indices): ``(mantissa as a rows x cols matrix, first row, first column,
    log10 exponent)``, ``G[r0:r0+rows, c0:c0+cols] = mantissa * 10**exponent``."""
    mantissa, exponent = contract_block(job, values)
    bra, ket = values[:m], values[m:]
    rows, cols = 2 ** (m - len(bra)), 2 ** (m - len(ket))
    block = np.asarray(mantissa).reshape(rows, cols)
    return block, _start(bra, rows), _start(ket, cols), exponent


def block_sums(block: np.ndarray, diag: np.ndarray, r0: int, c0: int, exponent: float) -> tuple[float, float, float]:
    """The two partial sums of :func:`_block_sums` of a block already contracted (:func:`gram_block`)."""
    rows, cols = block.shape
    d_rows, d_cols = diag[r0 : r0 + rows], diag[c0 : c0 + cols]
    step = max(1, _CHUNK_ENTRIES // cols)
    square = sum(
        float(d_rows[r : r + step] @ (np.abs(block[r : r + step]) ** 2 @ d_cols)) for r in range(0, rows, step)
    )
    on_diagonal = np.arange(max(r0, c0), min(r0 + rows, c0 + cols))  # global indices i with (i, i) here
    trace = float(np.real(np.dot(diag[on_diagonal], block[on_diagonal - r0, on_diagonal - c0])))
    log_square = math.log10(square) + 2 * exponent if square > 0 else -math.inf
    return log_square, trace, exponent


def gram_sides(problem: Problem) -> tuple[ContractionPlan, list, tuple]:
    """The plan of the Gram diagonal ``d`` of the side whose cut units are its visible spins
    (:func:`diagonal_side`), its arrays, and the other side's Gram network ``(arrays, inputs, output)``
    (output: bra cut indices, then ket ones). Raises :class:`~tnrbm.errors.MemoryLimitError` when no side's
    Gram is diagonal (both would be needed whole)."""
    side = diagonal_side(problem)
    m = problem.cut.size
    assert problem.network is not None  # the cut method's plans are made for networks only
    if side is None:
        raise MemoryLimitError(
            f"the Gram matrices of a cut of m={m} units do not fit, and the cut is not made of the visible "
            "spins of one side (only then is one Gram diagonal and the other streamed in blocks); choose a "
            "smaller region or a larger max_memory"
        )
    sides = gram_networks(problem.network, problem.region, problem.cut)
    _, arrays_d, inputs_d, output_d = sides[side][:4]
    _, arrays_b, inputs_b, output_b = sides[1 - side][:4]
    diag_inputs, diag_output = _diagonal_network(inputs_d, output_d)
    what = f"the diagonal of a Gram matrix of m={m} units"
    plan_d = _plan(diag_inputs, diag_output, gram_itemsize(problem.network), _UNLIMITED, what, True, problem.seed)
    return plan_d, arrays_d, (arrays_b, inputs_b, output_b)


def gram_diagonal(plan_d: ContractionPlan, arrays_d: list, backend: str | None = None) -> np.ndarray:
    """``d`` (a mantissa, real, clipped at 0) from :func:`gram_sides`."""
    mantissa, _ = plan_d.contract(arrays_d, backend=backend)
    return np.clip(np.asarray(mantissa).reshape(-1).real, 0.0, None)


def streamed_setup(problem: Problem, fixed: float = 0.0) -> tuple[np.ndarray, ContractionPlan, tuple, float, float]:
    """The pieces of a streamed pass: the Gram diagonal ``d`` (a mantissa, clipped at 0), the block plan of
    the other Gram, its job (``shared`` of :func:`gram_block`), the peak bytes, with ``fixed`` more bytes
    held by the caller throughout, and the multiply-adds of contracting ``d``. Raises as
    :func:`streamed_purity`."""
    m = problem.cut.size
    plan_d, arrays_d, (arrays_b, inputs_b, output_b) = gram_sides(problem)
    diagonal = plan_d.peak_bytes + plan_d.largest_bytes + 8.0 * 2**m + fixed
    plan_b, memory = _plan_blocks(inputs_b, output_b, problem, diagonal, fixed)
    diag = gram_diagonal(plan_d, arrays_d, problem.backend)
    return diag, plan_b, plan_b.block_job(arrays_b, problem.backend), memory, plan_d.flops


def purity_from_sums(sums: list) -> float:
    """``Tr rho^2`` from the blocks' ``(log10 square sum, trace mantissa, log10 exponent)`` (:func:`block_sums`),
    combined with their exponents."""
    top = max(e for _, _, e in sums)
    trace = sum(t * 10.0 ** (e - top) for _, t, e in sums)
    if not trace > 0:
        raise NumericalError("the Gram matrices give a zero state (the network's amplitudes vanish)")
    logs = [s for s, _, _ in sums if s > -math.inf]
    peak = max(logs)
    log_square = peak + math.log10(sum(10.0 ** (s - peak) for s in logs))
    return 10.0 ** (log_square - 2 * (math.log10(trace) + top))


def streamed_purity(problem: Problem) -> tuple[float, dict]:
    """``Tr rho_A^2`` of ``problem`` from one side's Gram diagonal and the other side's Gram in blocks.

    Raises :class:`~tnrbm.errors.MemoryLimitError` when the cut is not made of one side's visible spins
    (both Grams would be needed whole) or when one block does not fit ``problem.max_memory``.
    """
    m = problem.cut.size
    diag, plan_b, job, memory, diagonal_flops = streamed_setup(problem)
    shared = (job, diag, m)
    sums = run_jobs(_block_sums, shared, plan_b.block_values(), problem.parallel, problem.progress)
    value = purity_from_sums(sums)
    extra = {"streamed": True, "n_blocks": plan_b.n_slices, "sliced_outputs": list(plan_b.outer), "memory": memory}
    extra["flops"] = diagonal_flops + plan_b.flops
    return value, extra
