"""Training RBMs on spin samples: exact log-likelihood gradients where Z is exact, PCD otherwise; greedy stacking.

The log-likelihood of data ``v^(s)`` is ``L = <log psi(v)>_data - log Z``; its gradients are
``dL/dW_ij = <v_i E[h_j | v]>_data - <v_i h_j>_model`` (likewise for the biases), with
``E[h | v] = tanh(theta)`` (spin) or ``sigmoid(theta)`` (binary). ``method="exact"`` takes the model
average over all ``2**N`` visible configurations (``N <= 20``); ``method="pcd"`` (persistent
contrastive divergence) takes it over persistent Gibbs chains; ``method="contrastive"`` (CD-k, as
Hinton's and Mehta-Schwab's codes) over ``k = gibbs_steps`` Gibbs steps started at the mini-batch. A
``mask`` fixes the connectivity (zeros stay zero: local receptive fields). ``l1`` maximizes
``L - l1 * sum_ij |W_ij|`` (L the mean log-likelihood per sample) by proximal steps: after each Adam step
the weights are soft-thresholded by ``l1`` times their step size, so weak weights become exactly zero.
On 2D Ising samples, CD-1 with ``l1`` about 0.02-0.03 learns local receptive fields; PCD, whose model
average is unbiased, learns fields with a lattice-wide background (see ``docs/how-to/rg.md``).
``progress=True`` shows a tqdm bar (when tqdm is installed). :func:`greedy_stack` trains a deep
stack layer by layer on the hidden activations of the layer below.

Examples
--------
>>> import numpy as np
>>> data = np.array([[1, 1], [-1, -1]] * 50)
>>> res = train_rbm(data, n_hidden=1, epochs=200, learning_rate=0.2, seed=0)
>>> bool(res.log_likelihood[-1] > res.log_likelihood[0])
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import InvalidParameterError
from ..network import RBM, all_configurations, check_configurations, log_sum_hidden
from ..validation import MaxMemory, check_memory, check_nonnegative, rng_from_seed

__all__ = ["train_rbm", "TrainResult", "greedy_stack", "hidden_mean", "sample_hidden", "MAX_EXACT", "METHODS"]

#: training methods: exact likelihood, persistent contrastive divergence, contrastive divergence (CD-k)
METHODS = ("exact", "pcd", "contrastive")

#: the most visible spins for which ``method="exact"`` enumerates every configuration
MAX_EXACT = 20


@dataclass
class TrainResult:
    """A trained RBM and its history.

    Attributes
    ----------
    rbm : RBM
    log_likelihood : list of float
        Mean log-likelihood per epoch (exact method), or the mean ``log psi`` of the data minus a
        running ``log Z`` estimate left out (PCD: the pseudo-likelihood proxy ``<log psi>_data``).
    """

    rbm: RBM
    log_likelihood: list = field(default_factory=list)


def hidden_mean(rbm: RBM, v: np.ndarray) -> np.ndarray:
    """``E[h | v]``: ``tanh(theta)`` for spin units, ``sigmoid(theta)`` for binary ones.

    Examples
    --------
    >>> import numpy as np, tnrbm
    >>> float(hidden_mean(tnrbm.RBM([[0.5]]), np.array([[1.0]]))[0, 0]) == float(np.tanh(0.5))
    True
    """
    theta = np.asarray(v, float) @ rbm.W.toarray().real + rbm.hidden_bias.real
    return np.tanh(theta) if rbm.hidden == "spin" else 0.5 * (1.0 + np.tanh(theta / 2.0))


def sample_hidden(rbm: RBM, v: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Draw ``h ~ p(h | v)``.

    Examples
    --------
    >>> import numpy as np, tnrbm
    >>> sample_hidden(tnrbm.RBM([[50.0]]), np.array([[1.0]]), np.random.default_rng(0)).tolist()
    [[1.0]]
    """
    return _draw_hidden(hidden_mean(rbm, v), rbm.hidden, rng)


def _draw_hidden(mean: np.ndarray, hidden: str, rng: np.random.Generator) -> np.ndarray:
    if hidden == "spin":
        return np.where(rng.random(mean.shape) < (1.0 + mean) / 2.0, 1.0, -1.0)
    return (rng.random(mean.shape) < mean).astype(float)


def _sample_visible(w: np.ndarray, a: np.ndarray, h: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    p_up = 0.5 * (1.0 + np.tanh(h @ w.T + a))
    return np.where(rng.random(p_up.shape) < p_up, 1.0, -1.0)


def _stats(
    w: np.ndarray, a: np.ndarray, b: np.ndarray, v: np.ndarray, hidden: str, weights: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    theta = v @ w + b
    mh = np.tanh(theta) if hidden == "spin" else 0.5 * (1.0 + np.tanh(theta / 2.0))
    if weights is None:
        weights = np.full(v.shape[0], 1.0 / v.shape[0])
    return (v * weights[:, None]).T @ mh, weights @ v, weights @ mh


def _log_psi(w: np.ndarray, a: np.ndarray, b: np.ndarray, v: np.ndarray, hidden: str) -> np.ndarray:
    return v @ a + log_sum_hidden(v @ w + b, hidden).sum(axis=1)


def _check_training(data: Any, n_hidden: Any, mask: Any, method: str) -> tuple[np.ndarray, np.ndarray]:
    v = check_configurations(data, np.asarray(data).shape[-1] if np.ndim(data) else 1, name="data")
    if v.ndim != 2 or v.shape[0] < 1:
        raise InvalidParameterError(f"data must have shape (n_samples, n_visible); got shape {v.shape}")
    if method not in METHODS:
        raise InvalidParameterError(f"method must be one of {', '.join(map(repr, METHODS))}; got {method!r}")
    if method == "exact" and v.shape[1] > MAX_EXACT:
        raise InvalidParameterError(
            f"method='exact' enumerates 2**n_visible configurations, limited to n_visible <= {MAX_EXACT}; "
            f"got {v.shape[1]} (use method='pcd')"
        )
    if mask is None:
        if isinstance(n_hidden, bool) or not isinstance(n_hidden, (int, np.integer)) or n_hidden < 1:
            raise InvalidParameterError(f"n_hidden must be a positive integer (or give mask); got {n_hidden!r}")
        m = np.ones((v.shape[1], int(n_hidden)))
    else:
        m = (np.asarray(mask) != 0).astype(float)
        if m.ndim != 2 or m.shape[0] != v.shape[1]:
            raise InvalidParameterError(f"mask must have shape ({v.shape[1]}, n_hidden); got shape {m.shape}")
    return v, m


def train_rbm(
    data: Any,
    n_hidden: int | None = None,
    mask: Any = None,
    hidden: str = "spin",
    method: str = "exact",
    epochs: int = 200,
    learning_rate: float = 0.1,
    l1: float = 0.0,
    batch_size: int = 100,
    n_chains: int = 100,
    gibbs_steps: int = 1,
    init_scale: float = 0.01,
    init: RBM | None = None,
    tie: Any = None,
    seed: Any = None,
    progress: bool = False,
    max_memory: MaxMemory = None,
) -> TrainResult:
    """Fit an RBM to spin samples by gradient ascent on the log-likelihood (Adam steps).

    Parameters
    ----------
    data
        ``(n_samples, n_visible)`` spins +1/-1.
    n_hidden, mask
        The number of hidden units (fully connected), or a ``(n_visible, n_hidden)`` 0/1 connectivity.
    hidden
        ``"spin"`` or ``"binary"``.
    method
        ``"exact"`` (model average over all visible configurations), ``"pcd"`` (persistent chains) or
        ``"contrastive"`` (CD-k: chains restarted at the mini-batch, ``k = gibbs_steps``).
    epochs, learning_rate, l1
        Passes over the data, Adam step size, L1 penalty per sample on the weights (not the biases),
        applied as a proximal soft-threshold: weights reach exact zeros.
    batch_size, n_chains, gibbs_steps
        Mini-batches (PCD, CD), persistent chains (PCD) and Gibbs steps per update (PCD, CD).
    init_scale, init
        Standard deviation of the initial weights, or an RBM to start from.
    tie
        Optional ``(n_visible, n_hidden)`` integer labels: weights with the same label ``>= 0`` are one
        parameter (translation invariance, symmetric receptive fields). Without ties the weights of a
        hidden unit on two spins are not identifiable from the data (only ``cosh(w1 + w2) / cosh(w1 - w2)``
        is), and neither is ``H^RBM``.
    seed
        int or numpy Generator.
    progress
        Show a tqdm progress bar.
    max_memory
        Byte limit for the exact enumeration.

    Returns
    -------
    TrainResult

    Examples
    --------
    >>> import numpy as np
    >>> data = np.where(np.random.default_rng(0).random((200, 3)) < 0.8, 1, -1)
    >>> res = train_rbm(data, n_hidden=2, epochs=100, learning_rate=0.1, seed=1)
    >>> bool(np.all(res.rbm.visible_bias > 0))  # the data prefer +1
    True
    >>> sparse = train_rbm(data, n_hidden=2, method="contrastive", epochs=100, l1=0.05, seed=1)
    >>> int(np.count_nonzero(sparse.rbm.W.toarray()))  # independent spins: L1 zeroes every weight
    0
    """
    v, m = _check_training(data, n_hidden, mask, method)
    l1 = check_nonnegative(l1, "l1")
    rng = rng_from_seed(seed)
    n_v, n_h = m.shape
    if init is not None:
        w, a, b = init.W.toarray().real * m, init.visible_bias.real.copy(), init.hidden_bias.real.copy()
    else:
        w, a, b = rng.normal(0, init_scale, (n_v, n_h)) * m, np.zeros(n_v), np.zeros(n_h)
    groups = _tie_groups(tie, m)
    for g in groups:
        w[g] = w[g].mean()
    opt = _Adam([w, a, b], learning_rate)
    configs, data_weights = None, None
    if method == "exact":
        check_memory(8.0 * n_v * 2**n_v * 2, f"the 2**{n_v} visible configurations", max_memory, "use method='pcd'")
        configs = all_configurations(n_v)
        v, counts = np.unique(v, axis=0, return_counts=True)  # each distinct sample once, with its weight
        data_weights = counts / counts.sum()
    chains = np.where(rng.random((n_chains, n_v)) < 0.5, 1.0, -1.0)
    history: list = []
    for _ in _progress(epochs, progress):
        order = rng.permutation(v.shape[0]) if method != "exact" else np.arange(v.shape[0])
        batches = [order] if method == "exact" else np.array_split(order, max(1, v.shape[0] // batch_size))
        for idx in batches:
            pos = _stats(w, a, b, v[idx], hidden, data_weights)
            if configs is not None:  # method == "exact"
                lp = _log_psi(w, a, b, configs, hidden)
                p = np.exp(lp - lp.max())
                neg = _stats(w, a, b, configs, hidden, p / p.sum())
            else:
                start = v[idx] if method == "contrastive" else chains
                chains = _gibbs(w, a, b, start, hidden, gibbs_steps, rng)
                neg = _stats(w, a, b, chains, hidden)
            grads = [(pos[0] - neg[0]) * m, pos[1] - neg[1], pos[2] - neg[2]]
            for g in groups:
                grads[0][g] = grads[0][g].mean()
            steps = opt.step(grads)
            if l1 > 0:  # proximal step of the L1 penalty: soft-threshold by (step size) * l1
                w[...] = _soft_threshold(w, steps[0] * l1)
                for g in groups:
                    w[g] = w[g].mean()
        history.append(_epoch_score(w, a, b, v, hidden, configs, data_weights))
    return TrainResult(rbm=RBM(w * m, a, b, hidden=hidden), log_likelihood=history)


def _gibbs(
    w: np.ndarray, a: np.ndarray, b: np.ndarray, v: np.ndarray, hidden: str, steps: int, rng: np.random.Generator
) -> np.ndarray:
    for _ in range(steps):
        theta = v @ w + b
        mh = np.tanh(theta) if hidden == "spin" else 0.5 * (1.0 + np.tanh(theta / 2.0))
        v = _sample_visible(w, a, _draw_hidden(mh, hidden, rng), rng)
    return v


def _soft_threshold(x: np.ndarray, threshold: Any) -> np.ndarray:
    """The proximal map of ``t |x|``: ``sign(x) max(|x| - t, 0)`` (exact zeros below the threshold)."""
    return np.sign(x) * np.maximum(np.abs(x) - threshold, 0.0)


class _Adam:
    """Adam ascent steps on a list of arrays, in place; :meth:`step` returns the per-entry step sizes."""

    def __init__(self, params: list, learning_rate: float):
        self.params, self.lr, self.t = params, learning_rate, 0
        self.moments = [[np.zeros_like(p), np.zeros_like(p)] for p in params]

    def step(self, grads: list) -> list:
        self.t += 1
        sizes = []
        for p_, g, mo in zip(self.params, grads, self.moments):
            mo[0] = 0.9 * mo[0] + 0.1 * g
            mo[1] = 0.999 * mo[1] + 0.001 * g * g
            size = self.lr / (np.sqrt(mo[1] / (1 - 0.999**self.t)) + 1e-8)
            p_ += size * mo[0] / (1 - 0.9**self.t)
            sizes.append(size)
        return sizes


def _tie_groups(tie: Any, mask: np.ndarray) -> list:
    if tie is None:
        return []
    labels = np.asarray(tie)
    if labels.shape != mask.shape or not np.issubdtype(labels.dtype, np.integer):
        raise InvalidParameterError(
            f"tie must be an integer array of shape {mask.shape}; got {labels.shape}, {labels.dtype}"
        )
    return [np.nonzero((labels == lab) & (mask > 0)) for lab in np.unique(labels[labels >= 0])]


def _epoch_score(
    w: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    v: np.ndarray,
    hidden: str,
    configs: np.ndarray | None,
    weights: np.ndarray | None = None,
) -> float:
    lpd = _log_psi(w, a, b, v, hidden)
    data_term = float(np.mean(lpd) if weights is None else weights @ lpd)
    if configs is None:
        return data_term
    lp = _log_psi(w, a, b, configs, hidden)
    top = float(lp.max())
    return data_term - (top + math.log(float(np.sum(np.exp(lp - top)))))


def _progress(epochs: int, show: bool) -> Any:
    if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 1:
        raise InvalidParameterError(f"epochs must be a positive integer; got {epochs!r}")
    if show:
        try:
            from tqdm.auto import tqdm

            return tqdm(range(int(epochs)), desc="training RBM")
        except ImportError:  # pragma: no cover - optional
            pass
    return range(int(epochs))


def greedy_stack(
    data: Any,
    layer_sizes: Any,
    seed: Any = None,
    sample: bool = True,
    layer_options: Any = None,
    **train_options: Any,
) -> list[TrainResult]:
    """Train a deep stack greedily: layer ``l + 1`` is an RBM trained on the hidden activations of layer ``l``.

    Parameters
    ----------
    data
        ``(n_samples, n_visible)`` spins.
    layer_sizes
        Hidden layer sizes, e.g. ``[400, 100, 25]`` (Mehta-Schwab on 40 x 40).
    sample
        Feed ``h ~ p(h | v)`` (True) or the sign of ``E[h | v]`` to the next layer.
    layer_options
        Optional sequence of dicts, one per layer, overriding ``train_options`` for that layer (e.g.
        ``[{}, {"l1": 0.01}, {"l1": 0.01}]``).
    **train_options
        Passed to :func:`train_rbm` (``method``, ``epochs``, ``l1``, ...); hidden units are spins.

    Examples
    --------
    >>> import numpy as np
    >>> data = np.where(np.random.default_rng(0).random((100, 8)) < 0.5, 1, -1)
    >>> stack = greedy_stack(data, [4, 2], epochs=5, seed=0)
    >>> [r.rbm.W.shape for r in stack]
    [(8, 4), (4, 2)]
    """
    rng = rng_from_seed(seed)
    x = check_configurations(data, np.asarray(data).shape[-1], name="data")
    sizes = list(layer_sizes)
    per_layer = [{}] * len(sizes) if layer_options is None else list(layer_options)
    if len(per_layer) != len(sizes) or not all(isinstance(o, dict) for o in per_layer):
        raise InvalidParameterError(f"layer_options must be one dict per layer ({len(sizes)}); got {layer_options!r}")
    out = []
    for size, extra in zip(sizes, per_layer):
        res = train_rbm(x, n_hidden=int(size), hidden="spin", seed=rng, **{**train_options, **extra})
        out.append(res)
        x = sample_hidden(res.rbm, x, rng) if sample else np.where(hidden_mean(res.rbm, x) >= 0, 1.0, -1.0)
    return out
