"""Real-space mutual information (RSMI) with exact conditionals: ``I(H : E)`` of a coarse-graining filter.

A block ``V`` (``b`` or ``b x b`` spins), a buffer ``B`` of width ``w`` around it and the environment
``E`` (all other spins) of a periodic Ising lattice ``p(s) ~ exp(K sum_<ij> s_i s_j)``. A filter
``p(h | v)`` (:class:`~tnrbm.rg.blocking.BlockRule`) makes the coarse spin ``H``, and (Koch-Janusz and
Ringel 2018) a good coarse-graining keeps ``I(H : E) = H(H) - H(H | E)`` large.

Given ``e``, the block and buffer are a small Ising system with the couplings to ``e`` as fields,

    p(v, b | e) ~ exp(K sum_{<ij> in V u B} s_i s_j + K sum_{i in V u B, j in E, <ij>} s_i e_j),

so ``p(h | e) = sum_v p(h | v) p(v | e)`` is exact by summing the ``2**(|V| + |B|)`` configurations, or
the buffer as a ring of transfer matrices (:mod:`~tnrbm.rg.conditional`, whose names are re-exported
here). The only Monte Carlo is over ``e`` (Swendsen-Wang samples):

    H(H | E) = E_e[ h2(q_e) ],   H(H) = h2(qbar),   qbar = E_e[q_e],   q_e = p(h = +1 | e),

with ``h2`` the binary entropy in nats. The plug-in ``h2(mean q)`` is consistent with a bias
``-Var(q) / (2 n qbar (1 - qbar)) = O(1/n)``; errors and a bias-corrected value come from a jackknife over
bins of samples. :func:`rsmi_exact` enumerates ``e`` too (small lattices); :func:`chain_decimation_information`
is the closed form of decimation on a ring.

For an RBM filter ``p_up(v) = (1 + tanh(c + w . v)) / 2`` the estimate's gradient is exact:

    dI/dp = E_e[ (h2'(qbar) - h2'(q_e)) dq_e/dp ],  dq_e/dp = sum_v p(v | e) (1 - tanh^2) / 2 * (v, 1),

with ``h2'(q) = ln((1 - q) / q)``; :func:`train_rsmi` ascends it (Adam) with ``p(v | e)`` computed once.

Examples
--------
>>> from tnrbm.rg.blocking import decimation_rule
>>> r = rsmi_exact((5,), 0.5, decimation_rule(1, dim=1), buffer=1)
>>> round(r.mutual_information, 10) == round(chain_decimation_information(0.5, 1, 1, 5), 10)
True
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from .._numerics import LN2
from ..errors import InvalidParameterError
from ..validation import MaxMemory, check_int, check_nonnegative, check_positive, rng_from_seed
from .blocking import BlockRule, block_configurations, canonical_sign, rbm_rule
from .conditional import (
    MAX_BLOCK_BUFFER,
    MAX_EXACT_ENVIRONMENT,
    RSMIGeometry,
    block_conditional,
    exact_environment,
    rsmi_geometry,
)
from .sampling import swendsen_wang

__all__ = [
    "RSMIGeometry",
    "RSMIResult",
    "rsmi_geometry",
    "block_conditional",
    "rsmi_estimate",
    "rsmi_exact",
    "rsmi_from_conditionals",
    "rsmi_difference",
    "rsmi_gradient",
    "train_rsmi",
    "rsmi_trained_rule",
    "environment_conditionals",
    "RSMITrainResult",
    "exact_environment",
    "chain_decimation_information",
    "binary_entropy",
    "MAX_BLOCK_BUFFER",
    "MAX_EXACT_ENVIRONMENT",
]


def binary_entropy(q: Any) -> np.ndarray:
    """``h2(q) = -q ln q - (1 - q) ln(1 - q)`` in nats (0 at q = 0, 1).

    Examples
    --------
    >>> float(binary_entropy(0.5)) == math.log(2)
    True
    """
    q = np.clip(np.asarray(q, dtype=float), 0.0, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = -np.where(q > 0, q * np.log(q), 0.0) - np.where(q < 1, (1 - q) * np.log1p(-q), 0.0)
    return out


@dataclass(frozen=True)
class RSMIResult:
    """``I(H : E)`` of one filter, with its parts and error bars (nats).

    Attributes
    ----------
    rule : str
    coupling : float
    shape : tuple
    block, buffer : int
    mutual_information : float
        Plug-in ``h2(qbar) - mean h2(q_e)`` (exact when ``method == "exact"``).
    error : float
        Jackknife standard error (0 for exact).
    jackknife : float
        Bias-corrected (jackknife) estimate.
    entropy : float
        ``H(H)``.
    conditional_entropy : float
        ``H(H | E)``.
    n_samples, n_positions : int
        Environment samples and block positions per sample.
    method : str
        ``"sampled"`` or ``"exact"``.
    seed : Any
    seconds : float
    """

    rule: str
    coupling: float
    shape: tuple
    block: int
    buffer: int
    mutual_information: float
    error: float
    jackknife: float
    entropy: float
    conditional_entropy: float
    n_samples: int
    n_positions: int
    method: str
    seed: Any = None
    seconds: float = 0.0

    def to_dict(self) -> dict:
        """JSON-ready fields."""
        out = asdict(self)
        out["shape"] = list(self.shape)
        return out

    def __repr__(self) -> str:
        return (
            f"RSMIResult({self.rule}, K={self.coupling:.6g}, I={self.mutual_information:.6f} "
            f"+- {self.error:.2g} nats, {self.method})"
        )


def rsmi_from_conditionals(q: Any, weights: Any = None, n_bins: int = 20) -> tuple[float, float, float, float, float]:
    """``(I, error, I_jackknife, H(H), H(H|E))`` from ``q = p(h = +1 | e)``: ``(n_samples, n_positions)``.

    With ``weights`` (exact probabilities of each row) the sums are exact and the error is 0.
    Otherwise rows are samples, grouped in ``n_bins`` bins for the jackknife.

    Examples
    --------
    >>> i, err, jk, hh, hc = rsmi_from_conditionals(np.array([[1.0], [0.0]]), weights=[0.5, 0.5])
    >>> round(i, 12) == round(math.log(2), 12), err
    (True, 0.0)
    """
    q = np.asarray(q, dtype=float).reshape(len(q), -1)
    qs, hs = q.mean(axis=1), binary_entropy(q).mean(axis=1)
    if weights is not None:
        p = np.asarray(weights, dtype=float)
        hh, hc = float(binary_entropy(p @ qs)), float(p @ hs)
        return hh - hc, 0.0, hh - hc, hh, hc
    hh, hc = float(binary_entropy(qs.mean())), float(hs.mean())
    nb = min(check_int(n_bins, "n_bins", minimum=2), qs.size)
    if nb < 2:
        return hh - hc, math.nan, hh - hc, hh, hc
    bins = np.array_split(np.arange(qs.size), nb)
    sq = np.array([qs[b].sum() for b in bins])
    sh = np.array([hs[b].sum() for b in bins])
    cnt = np.array([b.size for b in bins], dtype=float)
    loo = binary_entropy((sq.sum() - sq) / (cnt.sum() - cnt)) - (sh.sum() - sh) / (cnt.sum() - cnt)
    err = math.sqrt((nb - 1) / nb * float(np.sum((loo - loo.mean()) ** 2)))
    return hh - hc, err, nb * (hh - hc) - (nb - 1) * float(loo.mean()), hh, hc


def rsmi_difference(q_a: Any, q_b: Any, n_bins: int = 20) -> tuple[float, float]:
    """``I_a - I_b`` of two filters on the same environments, with its paired jackknife error.

    The two estimates share their environments, so their errors are strongly correlated; the error of
    the difference is much smaller than either error.

    Examples
    --------
    >>> q = np.random.default_rng(0).random((100, 2))
    >>> rsmi_difference(q, q)
    (0.0, 0.0)
    """
    qa, qb = (np.asarray(x, dtype=float).reshape(len(x), -1) for x in (q_a, q_b))
    if qa.shape[0] != qb.shape[0]:
        raise InvalidParameterError(f"q_a and q_b must have the same rows; got {qa.shape} and {qb.shape}")
    nb = min(check_int(n_bins, "n_bins", minimum=2), qa.shape[0])
    bins = np.array_split(np.arange(qa.shape[0]), nb)
    stats = []
    for q in (qa, qb):
        qs, hs = q.mean(axis=1), binary_entropy(q).mean(axis=1)
        stats.append((np.array([qs[b].sum() for b in bins]), np.array([hs[b].sum() for b in bins])))
    cnt = np.array([b.size for b in bins], dtype=float)

    def info(sq: np.ndarray, sh: np.ndarray, n: Any) -> Any:
        return binary_entropy(sq / n) - sh / n

    full = sum(sign * info(sq.sum(), sh.sum(), cnt.sum()) for sign, (sq, sh) in zip((1, -1), stats))
    loo = sum(sign * info(sq.sum() - sq, sh.sum() - sh, cnt.sum() - cnt) for sign, (sq, sh) in zip((1, -1), stats))
    err = math.sqrt((nb - 1) / nb * float(np.sum((loo - loo.mean()) ** 2)))
    return float(full), err


def _environment_samples(geometry: RSMIGeometry, samples: np.ndarray, positions: int) -> np.ndarray:
    """``(n, positions, |E|)``: each sample translated so that the block sits at each of a grid of positions."""
    dims = geometry.shape
    side = geometry.block + 2 * geometry.buffer
    grid = [range(0, d - side + 1 if d >= 2 * side else 1, side) for d in dims]
    offsets = np.array(np.meshgrid(*grid, indexing="ij")).reshape(len(dims), -1).T[:positions]
    s = samples.reshape((samples.shape[0], *dims))
    out = np.empty((samples.shape[0], len(offsets), geometry.environment.size), dtype=np.int8)
    for k, off in enumerate(offsets):
        shifted = np.roll(s, tuple(-int(o) for o in off), axis=tuple(range(1, len(dims) + 1)))
        out[:, k] = shifted.reshape(samples.shape[0], -1)[:, geometry.environment]
    return out


def environment_conditionals(
    shape: Any,
    coupling: float,
    block: int,
    buffer: int = 1,
    n_samples: int = 1000,
    positions: int = 4,
    thin: int = 2,
    seed: Any = None,
    samples: Any = None,
    max_memory: MaxMemory = None,
) -> np.ndarray:
    """``p(v | e)`` of the block, ``(n_samples, positions, 2**|V|)``, for Swendsen-Wang environments.

    The filter-independent part of :func:`rsmi_estimate`: compute it once, then evaluate or train any
    number of filters on it (``q = p_v @ rule.p_up``).

    Examples
    --------
    >>> environment_conditionals((8,), 0.5, 2, 1, n_samples=10, positions=2, seed=0).shape
    (10, 2, 4)
    """
    geo = rsmi_geometry(shape, coupling, block, buffer)
    pos = check_int(positions, "positions", minimum=1)
    if samples is None:
        n_s = check_int(n_samples, "n_samples", minimum=2)
        res = swendsen_wang(geo.shape, geo.coupling, n_sweeps=n_s * thin, thin=thin, keep_samples=True, seed=seed)
        samples = np.asarray(res.samples)[0]
    s = np.asarray(samples)
    if s.ndim != 2 or s.shape[1] != math.prod(geo.shape):
        raise InvalidParameterError(f"samples must be (n, {math.prod(geo.shape)}); got shape {s.shape}")
    env = _environment_samples(geo, s, pos)
    p_v, _ = block_conditional(geo, env.reshape(-1, env.shape[2]), max_memory)
    return p_v.reshape(env.shape[0], env.shape[1], -1)


def _check_rule(rule: BlockRule, geometry: RSMIGeometry) -> None:
    if not isinstance(rule, BlockRule) or rule.block != geometry.block or rule.dim != len(geometry.shape):
        raise InvalidParameterError(
            f"rule must be a BlockRule with block {geometry.block} and dim {len(geometry.shape)}; got {rule!r}"
        )


def rsmi_estimate(
    shape: Any,
    coupling: float,
    rule: BlockRule,
    buffer: int = 1,
    n_samples: int = 1000,
    positions: int = 4,
    thin: int = 2,
    n_bins: int = 20,
    seed: Any = None,
    samples: Any = None,
    max_memory: MaxMemory = None,
) -> RSMIResult:
    """Monte Carlo ``I(H : E)`` with exact conditionals: environments from Swendsen-Wang, ``p(h | e)`` exact.

    Parameters
    ----------
    shape, coupling
        The periodic lattice and ``K``.
    rule
        The filter (its block side and dimension fix ``V``).
    buffer
        Width ``w`` of the buffer.
    n_samples, positions, thin
        Swendsen-Wang samples (``thin`` sweeps apart, after 100 burn-in sweeps), and block positions per
        sample (a grid of non-overlapping block-buffer squares; samples are translation invariant).
    n_bins
        Jackknife bins.
    seed
        int or Generator (recorded in the result when an int).
    samples
        Optional ``(n, N)`` spin samples to use instead of sampling.

    Examples
    --------
    >>> from tnrbm.rg.blocking import decimation_rule
    >>> r = rsmi_estimate((6,), 0.5, decimation_rule(1, dim=1), buffer=1, n_samples=400, seed=0)
    >>> exact = chain_decimation_information(0.5, 1, 1, 6)
    >>> bool(abs(r.mutual_information - exact) < 5 * r.error + 0.01)
    True
    """
    t0 = time.perf_counter()
    geo = rsmi_geometry(shape, coupling, rule.block, buffer)
    _check_rule(rule, geo)
    p_v = environment_conditionals(
        shape, coupling, rule.block, buffer, n_samples, positions, thin, seed, samples, max_memory
    )
    q = p_v @ rule.p_up
    i, err, jk, hh, hc = rsmi_from_conditionals(q, n_bins=n_bins)
    return RSMIResult(
        rule.name, geo.coupling, geo.shape, geo.block, geo.buffer, i, err, jk, hh, hc,
        q.shape[0], q.shape[1], "sampled", seed if isinstance(seed, (int, np.integer)) else None,
        time.perf_counter() - t0,
    )  # fmt: skip


def rsmi_exact(
    shape: Any, coupling: float, rule: BlockRule, buffer: int = 1, max_memory: MaxMemory = None, method: str = "auto"
) -> RSMIResult:
    """``I(H : E)`` exactly: the estimator's sums with every environment weighted by its exact ``p(e)``.

    Examples
    --------
    >>> from tnrbm.rg.blocking import majority_rule
    >>> r = rsmi_exact((4, 4), 0.0, majority_rule(2), buffer=0)
    >>> abs(r.mutual_information) < 1e-14  # K = 0: nothing to share
    True
    """
    t0 = time.perf_counter()
    geo = rsmi_geometry(shape, coupling, rule.block, buffer, method)
    _check_rule(rule, geo)
    e, p = exact_environment(geo, max_memory)
    p_v, _ = block_conditional(geo, e, max_memory)
    i, err, jk, hh, hc = rsmi_from_conditionals(p_v @ rule.p_up, weights=p)
    return RSMIResult(
        rule.name, geo.coupling, geo.shape, geo.block, geo.buffer, i, err, jk, hh, hc,
        e.shape[0], 1, "exact", None, time.perf_counter() - t0,
    )  # fmt: skip


def chain_decimation_information(coupling: float, block: int, buffer: int, n: int | None = None) -> float:
    """Closed form of ``I(H : E)`` for decimation (``h = v_0``) of a block of a periodic chain.

    Given its nearest environment spins ``e_L`` (``d_1 = w + 1`` bonds to the left of ``v_0``) and ``e_R``
    (``d_2 = b + w`` bonds to the right), ``v_0`` is independent of the rest (Markov chain), and
    ``p(v_0 | e_L, e_R) ~ (1 + v_0 e_L t^{d_1}) (1 + v_0 e_R t^{d_2})``, ``t = tanh K``. With
    ``P(e_L e_R = +-1) = (1 +- g) / 2``, ``g = <e_L e_R> = (t^d + t^{n-d}) / (1 + t^n)``, ``d = d_1 + d_2``
    (``g = t^d`` for ``n = None``, the infinite chain):

        I = ln 2 - sum_{+-} (1 +- g)/2 h2( (1 + a)(1 +- c) / (2 (1 +- a c)) ),  a = t^{d_1}, c = t^{d_2}.

    Examples
    --------
    >>> round(chain_decimation_information(0.0, 2, 1), 12)
    0.0
    """
    t = math.tanh(check_nonnegative(coupling, "coupling"))
    d1, d2 = check_int(buffer, "buffer", minimum=0) + 1, check_int(block, "block", minimum=1) + buffer
    a, c = t**d1, t**d2
    g = a * c if n is None else (t ** (d1 + d2) + t ** (n - d1 - d2)) / (1 + t**n)
    out = LN2
    for sign in (1, -1):
        out -= (1 + sign * g) / 2 * float(binary_entropy((1 + a) * (1 + sign * c) / (2 * (1 + sign * a * c))))
    return out


def rsmi_gradient(p_v: Any, weights: Any, bias: float, env_weights: Any = None) -> tuple[float, np.ndarray, float]:
    """``I`` of an RBM filter over fixed block conditionals ``p(v | e)``, with its exact gradient in ``(w, c)``.

    Parameters
    ----------
    p_v
        ``(n, 2**|V|)`` block conditionals (from :func:`block_conditional`), one row per environment.
    weights, bias
        The filter ``p_up(v) = (1 + tanh(c + w . v)) / 2``.
    env_weights
        Probabilities of the rows (exact enumeration); None: rows are equally likely samples.

    Returns
    -------
    (I, dI/dw, dI/dc)

    Examples
    --------
    >>> i, gw, gc = rsmi_gradient(np.full((3, 4), 0.25), np.zeros(2), 0.0)
    >>> i, gw.tolist(), gc
    (0.0, [0.0, 0.0], 0.0)
    """
    pv = np.asarray(p_v, dtype=float)
    w = np.asarray(weights, dtype=float)
    x = block_configurations(w.size).astype(float)
    th = np.tanh(float(bias) + x @ w)
    p_up, dp = 0.5 * (1 + th), 0.5 * (1 - th**2)
    r = np.full(pv.shape[0], 1.0 / pv.shape[0]) if env_weights is None else np.asarray(env_weights, dtype=float)
    q = np.clip(pv @ p_up, 1e-300, 1 - 1e-16)
    qbar = float(r @ q)
    info = float(binary_entropy(qbar) - r @ binary_entropy(q))
    coef = (np.log((1 - qbar) / qbar) - np.log((1 - q) / q)) * r
    grad_theta = pv.T @ coef * dp
    return info, x.T @ grad_theta, float(grad_theta.sum())


@dataclass(frozen=True)
class RSMITrainResult:
    """A filter trained to maximize ``I(H : E)``, and its history."""

    rule: BlockRule
    mutual_information: list
    seed: Any = None


def train_rsmi(
    p_v: Any,
    block: int,
    dim: int = 2,
    steps: int = 300,
    learning_rate: float = 0.05,
    init_scale: float = 0.1,
    seed: Any = None,
    progress: Any = None,
    env_weights: Any = None,
    symmetric: bool = False,
) -> RSMITrainResult:
    """Maximize ``I(H : E)`` over an RBM filter ``(w, c)`` by Adam on the exact gradient (:func:`rsmi_gradient`).

    Parameters
    ----------
    p_v
        Block conditionals ``p(v | e)`` of the training environments (fixed: computed once).
    block, dim
        The block.
    steps, learning_rate, init_scale
        Adam steps and step size; initial weights ``N(0, init_scale)`` (``w = 0`` is a saddle, ``I = 0``).
    seed
        int or Generator.
    progress
        Optional callback ``progress(step, I)``.
    env_weights
        Exact probabilities of the rows of ``p_v`` (enumerated environments); None for samples.
    symmetric
        Keep ``c = 0``: the filter commutes with the spin flip, ``p(h | -v) = p(-h | v)``. Without it the
        optimum at zero field can break the symmetry (measured: on 2x2 blocks at ``K_c`` ties sent to
        ``h = -1`` carry more ``I(H : E)`` than ties broken by a coin).

    Examples
    --------
    >>> g = rsmi_geometry((6,), 0.6, 2, 0)
    >>> e, p = exact_environment(g)
    >>> pv, _ = block_conditional(g, e)
    >>> res = train_rsmi(pv, 2, dim=1, steps=50, seed=0, env_weights=p)
    >>> res.mutual_information[-1] > res.mutual_information[0]
    True
    """
    pv = np.asarray(p_v, dtype=float)
    check_positive(learning_rate, "learning_rate")
    n_steps = check_int(steps, "steps", minimum=1)
    rng = rng_from_seed(seed)
    n_v = check_int(block, "block", minimum=1) ** check_int(dim, "dim", minimum=1, maximum=2)
    if pv.ndim != 2 or pv.shape[1] != 2**n_v:
        raise InvalidParameterError(f"p_v must be (n, {2**n_v}) for a block of {n_v} spins; got shape {pv.shape}")
    params = np.concatenate([rng.normal(0.0, init_scale, n_v), [0.0]])
    m1, m2 = np.zeros_like(params), np.zeros_like(params)
    history = []
    for t in range(1, n_steps + 1):
        info, gw, gc = rsmi_gradient(pv, params[:-1], params[-1], env_weights)
        g = np.concatenate([gw, [0.0 if symmetric else gc]])
        m1 = 0.9 * m1 + 0.1 * g
        m2 = 0.999 * m2 + 0.001 * g**2
        params += learning_rate * (m1 / (1 - 0.9**t)) / (np.sqrt(m2 / (1 - 0.999**t)) + 1e-12)
        history.append(info)
        if progress is not None:
            progress(t - 1, info)
    history.append(rsmi_gradient(pv, params[:-1], params[-1], env_weights)[0])
    rule = rbm_rule(params[:-1], params[-1], block=block, dim=dim, name="rsmi")
    return RSMITrainResult(rule, history, seed if isinstance(seed, (int, np.integer)) else None)


def rsmi_trained_rule(
    shape: Any,
    coupling: float,
    block: int = 2,
    buffer: int = 1,
    n_samples: int = 500,
    positions: int = 16,
    steps: int = 300,
    learning_rate: float = 0.05,
    seed: Any = None,
    progress: Any = None,
    symmetric: bool = True,
) -> BlockRule:
    """The RSMI-optimal RBM filter on ``b x b`` blocks: :func:`train_rsmi` on Swendsen-Wang environments.

    Returned in the canonical sign (:func:`~tnrbm.rg.blocking.canonical_sign`), named ``"rsmi"``
    (``symmetric``: ``c = 0``, the default, as MCRG needs) or ``"rsmi-free"``.

    Examples
    --------
    >>> r = rsmi_trained_rule((12, 12), 0.44, 2, 1, n_samples=20, positions=2, steps=20, seed=0)
    >>> r.name, r.n_block
    ('rsmi', 4)
    """
    rng = rng_from_seed(seed)
    p_v = environment_conditionals(shape, coupling, block, buffer, n_samples, positions, seed=rng)
    res = train_rsmi(
        p_v.reshape(-1, p_v.shape[2]), block, 2, steps, learning_rate, seed=rng, progress=progress, symmetric=symmetric
    )
    rule = canonical_sign(res.rule)
    return rbm_rule(rule.weights, rule.bias or 0.0, rule.block, 2, name="rsmi" if symmetric else "rsmi-free")
