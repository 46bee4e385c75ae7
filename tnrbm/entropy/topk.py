"""``top_schmidt(state, region, k)``: the ``k`` largest Schmidt values past the Gram wall, with certified entropies.

When every unit of the minimal cut is a visible spin of one side, that side's Gram matrix is diagonal,
``G_A = diag(d)``, and the nonzero spectrum of ``rho_A`` is that of ``M = S G_B^T S`` (``S = diag(d)^{1/2}``,
``2**m x 2**m``; ``S G_B S``, its complex conjugate, has the same eigenvalues). ``M`` is never formed.
``apply="network"``: ``G_B S X`` is one contraction of the Gram network of ``G_B`` with ``S X`` attached to
its ket cut indices (:func:`operator_networks`; no block of ``G_B`` is formed), ``Tr M`` and ``Tr M^2`` two
more. ``apply="blocks"``: ``M X`` is accumulated block by block while ``G_B`` is contracted in output
blocks (:mod:`tnrbm.entropy.blocks`; on threads or dask workers, :func:`tnrbm.contract.run_jobs`):
``Y[r] += S_r (G_B[r, c] (S_c X[c]))``. Randomized block subspace iteration (a seeded Gaussian start of
``k + oversample`` columns, one streamed pass per iteration, Rayleigh-Ritz after each) gives the top-``k``
Ritz values and their residuals; the first pass also gives the exact trace and purity
(:func:`~tnrbm.entropy.blocks.block_sums`). :func:`~tnrbm.entropy.certify.entropy_bounds` turns them into
certified bounds on the von Neumann and Renyi entropies (proofs in ``docs/theory/topk.md``).
"""

from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._numerics import nats_per_unit
from ..contract import plan_contraction, run_jobs
from ..errors import InvalidParameterError, MemoryLimitError, NumericalError
from ..network import BoltzmannNetwork
from ..validation import (
    check_base,
    check_int,
    check_memory,
    check_positive,
    check_renyi,
    format_bytes,
    memory_limit,
    rng_from_seed,
)
from .blocks import (
    block_sums,
    diagonal_side,
    gram_block,
    gram_diagonal,
    gram_sides,
    purity_from_sums,
    streamed_setup,
)
from .certify import entropy_bounds
from .compute import make_problem
from .cut import gram_itemsize

__all__ = ["TopSchmidtResult", "top_schmidt"]

#: ``2**m x (k + oversample)`` arrays held by the iteration: the basis, ``M Q``, the Ritz vectors, their
#: image, the residual and the accumulator of a pass
VECTORS_HELD = 6
#: Ritz values below this fraction of the largest are converged once their residual is at rounding level
_FLOOR = 1e-13


@dataclass(frozen=True)
class TopSchmidtResult:
    """The ``k`` largest Schmidt probabilities of a region, the exact purity and certified entropy bounds.

    Attributes
    ----------
    probabilities : numpy.ndarray
        The top-``k`` Schmidt probabilities (Ritz values of the normalized ``rho_A``), descending; each is a
        lower bound of the exact one and within ``residual_norm`` of it (``docs/theory/topk.md``).
    k : int
    tail_mass : float
        ``1 - sum(probabilities)``: the weight of the other Schmidt values (an upper bound of it).
    purity : float
        ``Tr rho_A^2`` (exact).
    log10_trace : float
        ``log10 Tr rho_A`` before normalization (``<psi|psi>`` of the network).
    entropy_bounds : tuple of float
        Certified ``(lower, upper)`` of the von Neumann entropy, in ``base``.
    renyi_bounds : dict
        ``alpha -> (lower, upper)`` for each requested Renyi order (``alpha = 2`` is exact: both equal).
    residuals : numpy.ndarray
        ``||rho U_i - p_i U_i||`` of each Ritz pair (normalized units).
    residual_norm : float
        ``||rho U - U diag(p)||_2`` of the ``k`` pairs together (the shift allowed to each value).
    converged : bool
        Whether every residual reached ``tol`` (relative) before ``max_iter`` passes.
    iterations : int
        Streamed passes over the Gram matrix (the range-finding one included).
    oversample : int
        Extra columns iterated besides the ``k``.
    seed : int or None
        The seed of the Gaussian start.
    base : float or None
        None for nats.
    region : tuple of int
    m : int
        Size of the cut (``rho_A`` has at most ``2**m`` nonzero values).
    method : str
        ``"topk"``.
    memory : float
        Estimated peak bytes.
    seconds : float
    extra : dict
        ``n_blocks``, ``pass_seconds`` (one per pass), ``rank_bound``.
    """

    probabilities: np.ndarray
    k: int
    tail_mass: float
    purity: float
    log10_trace: float
    entropy_bounds: tuple
    renyi_bounds: dict
    residuals: np.ndarray
    residual_norm: float
    converged: bool
    iterations: int
    oversample: int
    seed: int | None
    base: float | None
    region: tuple
    m: int
    method: str = "topk"
    memory: float = 0.0
    seconds: float = 0.0
    extra: dict = field(default_factory=dict)

    @property
    def gap(self) -> float:
        """Width of the certified interval of the von Neumann entropy."""
        return self.entropy_bounds[1] - self.entropy_bounds[0]

    def to_dict(self) -> dict:
        """A JSON-ready dict of every field."""
        out = {k: getattr(self, k) for k in self.__dataclass_fields__}
        out["probabilities"] = [float(x) for x in self.probabilities]
        out["residuals"] = [float(x) for x in self.residuals]
        out["entropy_bounds"] = list(self.entropy_bounds)
        out["renyi_bounds"] = {str(a): list(b) for a, b in self.renyi_bounds.items()}
        out["region"] = list(self.region)
        out["gap"] = self.gap
        return out

    def __repr__(self) -> str:
        lo, hi = self.entropy_bounds
        return (
            f"TopSchmidtResult(k={self.k}, m={self.m}, p_1={self.probabilities[0]:.6g}, "
            f"tail_mass={self.tail_mass:.3g}, S in [{lo:.10g}, {hi:.10g}], iterations={self.iterations})"
        )


def _apply_block(shared: tuple, values: tuple) -> tuple:
    """One block's share of ``M X``: ``(rows' partial product, first row, log10 exponent, block sums)``."""
    job, diag, root, m, x, with_sums = shared
    block, r0, c0, exponent = gram_block(job, m, values)
    rows, cols = block.shape
    part = root[r0 : r0 + rows, None] * (block @ (root[c0 : c0 + cols, None] * x[c0 : c0 + cols]))
    sums = block_sums(block, diag, r0, c0, exponent) if with_sums else None
    on_diagonal = np.arange(max(r0, c0), min(r0 + rows, c0 + cols))
    trace = float(np.real(np.dot(diag[on_diagonal], block[on_diagonal - r0, on_diagonal - c0])))
    return part, r0, exponent, trace, sums


def _streamed_product(setup: tuple, x: np.ndarray, with_sums: bool, parallel: Any, group: int) -> tuple:
    """``(Y, log10 scale, trace mantissa, block sums)`` with ``M x = Y * 10**scale``,
    ``Tr M = trace * 10**scale``: the blocks run ``group`` at a time and are summed as they come back."""
    diag, plan, job, m = setup
    shared = (job, diag, np.sqrt(diag), m, x, with_sums)
    y = np.zeros_like(x)
    scale, trace, sums = -math.inf, 0.0, []
    values = plan.block_values()
    for start in range(0, len(values), group):
        for part, r0, exponent, tr, s in run_jobs(_apply_block, shared, values[start : start + group], parallel):
            if not np.any(part) and tr == 0:
                continue
            if exponent > scale:  # rescale what is summed so far to the new largest exponent
                factor = 10.0 ** (scale - exponent) if scale > -math.inf else 0.0
                y *= factor
                trace *= factor
                scale = exponent
            weight = 10.0 ** (exponent - scale)
            y[r0 : r0 + part.shape[0]] += weight * part
            trace += weight * tr
            if s is not None:
                sums.append(s)
    return y, scale, trace, sums


#: the index of the vectors' columns in the networks of ``apply="network"``
_COLUMN = "topk_column"
#: the purity network is sliced (cotengra) to this peak at most: small slices stay in cache (measured at
#: m = 14, real: 250 s unsliced with a 4 GiB intermediate, 9.8 s CPU at 256 MiB, 6.4 s at 64 MiB)
SQUARE_MEMORY = 2.0**26
#: the ways ``M X`` is computed
APPLY_ROUTES = ("auto", "network", "blocks")


def _renamed(term: tuple, names: dict, suffix: str | None = None) -> tuple:
    """``term`` with its indices renamed by ``names``; the others get ``suffix`` (a second copy's own)."""
    return tuple(names.get(ix, ix if suffix is None else f"{ix}{suffix}") for ix in term)


def operator_networks(inputs: list, output: tuple) -> dict:
    """The three networks of ``apply="network"``, each ``(inputs, output)``, from the streamed side's Gram
    network ``G[bra, ket]`` (``output``: bra cut indices, then ket): ``"apply"`` is ``G X`` (the last term
    is ``X[ket, column]``, the output ``[bra, column]``), ``"trace"`` is ``sum_i d_i G[i, i]`` (the last
    term is ``d[ket]``) and ``"square"`` is ``sum_ij d_i G[i, j] d_j G[j, i]`` (two copies of ``G``, the
    second's inner indices renamed; the last two terms are ``d[bra]``, ``d[ket]``)."""
    m = len(output) // 2
    bra, ket = tuple(output[:m]), tuple(output[m:])
    to_ket = dict(zip(bra, ket))
    swap = {**to_ket, **dict(zip(ket, bra))}
    return {
        "apply": ([*inputs, (*ket, _COLUMN)], (*bra, _COLUMN)),
        "trace": ([*(_renamed(t, to_ket) for t in inputs), ket], ()),
        "square": ([*inputs, *(_renamed(t, swap, "~2") for t in inputs), bra, ket], ()),
    }


def _refuse_network(
    name: str, inputs: list, output: tuple, sizes: dict, itemsize: int, fixed: float, problem: Any, what: str
) -> None:
    """Raise :class:`MemoryLimitError` for a network of ``apply="network"`` that does not fit: the message
    names the caller's ``max_memory`` and a limit that works (the vectors and ``d`` held, plus twice the
    network's unsliced peak, or twice :data:`SQUARE_MEMORY` for the purity, which is sliced to that)."""
    if name == "square":
        need = fixed + 2.0 * SQUARE_MEMORY
    else:
        whole = plan_contraction(inputs, output, sizes, itemsize=itemsize, max_memory=2.0**62, seed=problem.seed)
        need = fixed + 2.0 * (whole.peak_bytes + whole.largest_bytes)
    check_memory(
        need, f"{what}, plus the {format_bytes(fixed)} of vectors held,", problem.max_memory,
        "choose a smaller k (or oversample), or apply='blocks' (Gram blocks, on dask workers with parallel=)",
    )  # fmt: skip


class _NetworkOperator:
    """``M X`` as one contraction of the streamed side's Gram network with ``S X`` attached to its ket cut
    indices: no block of ``G`` is formed (``Tr M`` and ``Tr M^2`` are two more contractions, the latter
    sliced by cotengra when it does not fit)."""

    def __init__(self, problem: Any, width: int, held: float) -> None:
        m = problem.cut.size
        plan_d, arrays_d, (arrays_b, inputs_b, output_b) = gram_sides(problem)
        itemsize = gram_itemsize(problem.network)
        fixed = held + 16.0 * 2**m  # the vectors, d and its square root
        budget = (float(problem.max_memory) - fixed) / 2  # a plan's peak and the rescaled copy of its largest
        plans = {}
        for name, (inputs, output) in operator_networks(inputs_b, output_b).items():
            sizes = {ix: 2 for term in inputs for ix in term} | {_COLUMN: width}
            what = f"the product of the Gram network of m={m} units with {width} vectors ({name})"
            try:
                plans[name] = plan_contraction(
                    inputs, output, sizes, itemsize=itemsize, slicing="inner", what=what, seed=problem.seed,
                    max_memory=max(min(budget, SQUARE_MEMORY) if name == "square" else budget, 1.0),
                )  # fmt: skip
            except MemoryLimitError:  # refuse with the limit the user gave and one that works
                _refuse_network(name, inputs, output, sizes, itemsize, fixed, problem, what)
                raise
        need = [p.peak_bytes + p.largest_bytes for p in plans.values()]
        self.memory = max(plan_d.peak_bytes + plan_d.largest_bytes + 8.0 * 2**m + held, fixed + max(need))
        check_memory(self.memory, f"{width} vectors and the Gram network of m={m} units", problem.max_memory,
                     "choose a smaller k (or oversample) or a larger max_memory")  # fmt: skip
        self.diag = gram_diagonal(plan_d, arrays_d, problem.backend)
        self.plans, self.arrays, self.backend, self.m = plans, list(arrays_b), problem.backend, m
        self.flops = {name: p.flops for name, p in plans.items()}
        self.slices = {name: p.n_slices for name, p in plans.items()}

    def __call__(self, x: np.ndarray, first: bool) -> tuple:
        """``(Y, log10 scale, trace mantissa, purity or None)``: ``M x = Y * 10**scale``."""
        shape = (2,) * self.m
        root = np.sqrt(self.diag)
        vectors = (root[:, None] * x).reshape(*shape, x.shape[1])
        y, scale = self.plans["apply"].contract([*self.arrays, vectors], backend=self.backend)
        y = root[:, None] * np.asarray(y).reshape(x.shape)
        d = self.diag.reshape(shape)
        t, t_exp = self.plans["trace"].contract([*self.arrays, d], backend=self.backend)
        trace = float(np.real(t)) * 10.0 ** (t_exp - scale)
        purity = None
        if first:
            sq, sq_exp = self.plans["square"].contract([*self.arrays, *self.arrays, d, d], backend=self.backend)
            total = float(np.real(t))
            if not total > 0:
                raise NumericalError("the Gram matrices give a zero state (the network's amplitudes vanish)")
            purity = float(np.real(sq)) / total**2 * 10.0 ** (sq_exp - 2 * t_exp)
        return y, scale, trace, purity


class _BlockOperator:
    """``M X`` from the blocks of ``G`` contracted one at a time (on threads or dask workers), each block
    multiplied into the rows it covers where it is computed; the first pass also sums the purity."""

    def __init__(self, problem: Any, held: float, group: int) -> None:
        self.diag, self.plan, job, self.memory, _ = streamed_setup(problem, fixed=held)
        self.setup = (self.diag, self.plan, job, problem.cut.size)
        self.parallel, self.group = problem.parallel, group

    def __call__(self, x: np.ndarray, first: bool) -> tuple:
        y, scale, trace, sums = _streamed_product(self.setup, x, first, self.parallel, self.group)
        return y, scale, trace, purity_from_sums(sums) if first else None


def _ritz(q: np.ndarray, y: np.ndarray, trace: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rayleigh-Ritz of ``M`` on the basis ``q`` (``y = M q``, both in units of the trace): the Ritz values
    (descending, normalized), their image ``M U`` and the residual ``M U - U diag(p)``."""
    h = q.conj().T @ y
    w, vecs = np.linalg.eigh((h + h.conj().T) / 2)
    w, vecs = w[::-1] / trace, vecs[:, ::-1]
    image = (y @ vecs) / trace
    residual = image - (q @ vecs) * w
    return w, image, residual


def _bounds(p: np.ndarray, residual: np.ndarray, k: int, purity: float, rank: float, orders: Any) -> tuple:
    """``((S_lo, S_hi), renyi bounds, ||R||_2)`` of the top ``k`` Ritz pairs (:func:`entropy_bounds`)."""
    top = residual[:, :k]
    spectral = float(np.sqrt(max(np.linalg.eigvalsh(top.conj().T @ top)[-1], 0.0)))
    bounds, renyi = entropy_bounds(p[:k], purity, spectral, float(np.linalg.norm(top)), rank, orders)
    return bounds, renyi, spectral


def _check_k(k: Any, dim: int, name: str = "k") -> int:
    k = check_int(k, name, minimum=1)
    if k >= dim:
        raise InvalidParameterError(
            f"{name} must be smaller than the {dim} possible Schmidt values of this cut; got {name}={k} "
            "(for the whole spectrum use tnrbm.entanglement(state, region, method='cut'))"
        )
    return k


def top_schmidt(
    state: BoltzmannNetwork,
    region: Any,
    k: int = 64,
    renyi: Any = (2,),
    base: float | None = None,
    max_memory: int | str | None = None,
    oversample: int | None = None,
    tol: float = 1e-10,
    max_iter: int = 30,
    seed: int | None = 0,
    surface: Any = None,
    backend: str | None = None,
    parallel: Any = None,
    apply: str = "auto",
    gap_tol: float | None = None,
) -> TopSchmidtResult:
    """The ``k`` largest Schmidt probabilities of ``region``, its exact purity and certified entropy bounds.

    For cuts whose Gram matrices do not fit (``m >= 16``): nothing of size ``4**m`` is held. The cut must be
    made of the visible spins of one side (:func:`~tnrbm.entropy.blocks.diagonal_side`); its other Gram is
    applied once per iteration, as one contraction of its Gram network with the vectors attached
    (``apply="network"``) or in blocks, each costing about one :func:`~tnrbm.entropy.purity` of the same
    cut plus ``4**m (k + oversample)`` product flops per pass (``apply="blocks"``).

    Parameters
    ----------
    state
        An RBM or DBM (:class:`~tnrbm.network.BoltzmannNetwork`).
    region, base, max_memory, surface, backend
        As in :func:`~tnrbm.entropy.entanglement`.
    k
        How many Schmidt values (``1 <= k < 2**m``).
    renyi
        Renyi orders to bound (``0``, ``inf`` allowed; ``2`` is exact).
    oversample
        Extra columns iterated (default ``max(8, k // 4)``); more converge faster per pass.
    tol
        Stop when every residual is below ``tol`` times its Ritz value (or rounding level).
    max_iter
        Largest number of streamed passes after the first (range-finding) one.
    seed
        Seed of the Gaussian start (recorded in the result).
    parallel
        Where the blocks run: None, ``"threads"``, ``"dask"``, an executor or a dask Client.
    apply
        How ``M X`` is computed: ``"network"`` contracts the Gram network with the vectors attached (no
        block of the Gram matrix is formed; the fastest, in this process), ``"blocks"`` contracts the Gram
        in blocks and multiplies each into ``X`` where it is computed (on ``parallel``'s workers);
        ``"auto"`` (default) is ``"blocks"`` when ``parallel`` is given, else ``"network"``.
    gap_tol
        Also stop when a pass narrowed the certified gap of ``S`` by less than ``gap_tol`` times the gap
        (it is then set by the tail mass beyond ``k``, not by the residuals); None (default): only ``tol``.
        The bounds hold either way; ``extra["gaps"]`` has the gap after each pass.

    Returns
    -------
    TopSchmidtResult

    Examples
    --------
    >>> import numpy as np, tnrbm
    >>> net = tnrbm.models.random_rbm(8, 4, seed=1)
    >>> res = top_schmidt(net, range(4), k=4, renyi=(2,))
    >>> exact = tnrbm.entanglement(net, range(4), method="dense")
    >>> bool(np.allclose(res.probabilities, exact.spectrum[:4], rtol=1e-10))
    True
    >>> lo, hi = res.entropy_bounds
    >>> bool(lo <= exact.entropy <= hi)
    True
    """
    t0 = time.perf_counter()
    base = check_base(base)
    orders = tuple(a for a in check_renyi(renyi))
    check_positive(tol, "tol")
    if gap_tol is not None:
        check_positive(gap_tol, "gap_tol")
    max_iter = check_int(max_iter, "max_iter", minimum=1)
    rng = rng_from_seed(seed)
    limit = memory_limit(max_memory)
    problem = make_problem(state, region, "cut", limit, surface, False, backend=backend, parallel=parallel)
    if problem.network is None:
        raise InvalidParameterError("top_schmidt needs an RBM or a DBM (it streams the Gram matrix of a cut)")
    m = problem.cut.size
    if diagonal_side(problem) is None:
        raise InvalidParameterError(
            f"top_schmidt needs a cut made of the visible spins of one side (one Gram matrix diagonal); the cut "
            f"of region {problem.region} has hidden units: pass surface= with visible units, or use "
            "tnrbm.entanglement(state, region, method='cut') where both Gram matrices fit"
        )
    dim = 2**m
    k = _check_k(k, dim)
    oversample = max(8, k // 4) if oversample is None else check_int(oversample, "oversample", minimum=0)
    width = min(k + oversample, dim)
    itemsize = 16 if gram_itemsize(problem.network) > 8 else 8
    serial = parallel in (None, "serial")
    if apply not in APPLY_ROUTES:
        raise InvalidParameterError(f"apply must be one of {APPLY_ROUTES}; got apply={apply!r}")
    route = ("network" if serial else "blocks") if apply == "auto" else apply
    group = 1 if serial or route == "network" else max(2, os.cpu_count() or 1)
    held = (VECTORS_HELD + group) * float(dim) * width * itemsize
    way_out = f"choose a smaller k (or oversample) than k={k}, oversample={oversample}"
    check_memory(held + 16.0 * dim, f"{width} vectors of 2**{m} entries", limit, way_out)
    operator: Any = (
        _NetworkOperator(problem, width, held) if route == "network" else _BlockOperator(problem, held, group)
    )
    return _iterate(operator, problem, k, width, orders, base, (tol, gap_tol, max_iter), rng, seed, t0)


def _iterate(
    operator: Any,
    problem: Any,
    k: int,
    width: int,
    orders: Any,
    base: Any,
    stop: tuple,
    rng: np.random.Generator,
    seed: Any,
    t0: float,
) -> Any:
    """Subspace iteration with Rayleigh-Ritz after each pass, then the certificates (see :func:`top_schmidt`;
    kept apart for its length: one pass, one Ritz step, one stopping test per loop)."""
    diag, m = operator.diag, problem.cut.size
    complex_ = gram_itemsize(problem.network) > 8
    x = rng.standard_normal((diag.size, width))
    if complex_:
        x = x + 1j * rng.standard_normal((diag.size, width))
    seconds = []
    t = time.perf_counter()
    y, scale, trace, purity = operator(x, True)
    seconds.append(time.perf_counter() - t)
    q = np.linalg.qr(y)[0]
    tol, gap_tol, max_iter = stop
    rank = min(float(np.count_nonzero(diag)), 2.0 ** min(len(problem.region), problem.n - len(problem.region)))
    converged, gaps, stopped = False, [], "max_iter"
    for _ in range(max_iter):
        t = time.perf_counter()
        y, scale, trace, _ = operator(q, False)
        seconds.append(time.perf_counter() - t)
        p, image, residual = _ritz(q, y, trace)
        norms = np.linalg.norm(residual, axis=0)
        (s_lo, s_hi), renyi, spectral = _bounds(p, residual, k, purity, rank, orders)
        gaps.append(s_hi - s_lo)
        converged = bool(np.all(norms[:k] <= tol * p[:k] + _FLOOR * p[0]))
        if converged or (gap_tol is not None and len(gaps) > 1 and gaps[-2] - gaps[-1] <= gap_tol * gaps[-1]):
            stopped = "tol" if converged else "gap_tol"
            break
        q = np.linalg.qr(image)[0]
    del y, q, image
    ln_base = nats_per_unit(base)
    renyi = {a: (lo / ln_base, hi / ln_base) for a, (lo, hi) in renyi.items()}
    extra = {"pass_seconds": seconds, "rank_bound": rank, "width": width, "gaps": gaps, "stopped": stopped}
    if isinstance(operator, _BlockOperator):
        extra.update(apply="blocks", n_blocks=operator.plan.n_slices)
    else:
        extra.update(apply="network", flops=operator.flops, slices=operator.slices)
    return TopSchmidtResult(
        probabilities=np.clip(p[:k], 0.0, None),
        k=k,
        tail_mass=max(1.0 - float(np.sum(p[:k])), 0.0),
        purity=purity,
        log10_trace=math.log10(trace) + scale,
        entropy_bounds=(s_lo / ln_base, s_hi / ln_base),
        renyi_bounds=renyi,
        residuals=norms[:k],
        residual_norm=spectral,
        converged=converged,
        iterations=len(seconds),
        oversample=width - k,
        seed=seed if seed is None or isinstance(seed, int) else None,
        base=base,
        region=problem.region,
        m=m,
        memory=float(operator.memory),
        seconds=time.perf_counter() - t0,
        extra=extra,
    )
