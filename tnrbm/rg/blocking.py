"""Coarse-graining rules on blocks of spins: decimation, majority rule, an RBM filter, any table.

A rule maps a block ``V`` of ``b`` spins (chain) or ``b x b`` spins (square lattice) to one coarse
spin ``h`` by a filter ``p(h | v)``. It is stored as the table ``p_up[v] = p(h = +1 | v)`` over the
``2**|V|`` block configurations in kron order (the block's sites in row-major order, site 0 the most
significant bit, spin +1 the bit 0), so deterministic and stochastic rules are one kind of object:

* decimation: ``h = v_0`` (the block's first site);
* majority rule: ``h = sign(sum_i v_i)``, a tie (even blocks) broken by a fair coin, ``p_up = 1/2``;
* RBM filter (one spin hidden unit on the block): ``p(h | v) = exp(h theta) / (2 cosh theta)``,
  ``theta = c + sum_i w_i v_i``, so ``p_up = (1 + tanh theta) / 2``.

:func:`coarse_grain` applies a rule to every block of a batch of periodic configurations at once (a
table look-up and, for stochastic entries, one uniform draw per block).

Examples
--------
>>> import numpy as np
>>> rule = majority_rule(3)
>>> s = np.ones((1, 6, 6), dtype=np.int8); s[0, :3, :3] = -1
>>> coarse_grain(s, rule, seed=0)[0].tolist()
[[-1, 1], [1, 1]]
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import InvalidParameterError
from ..validation import check_int, rng_from_seed
from .training import train_rbm

__all__ = [
    "BlockRule",
    "decimation_rule",
    "majority_rule",
    "rbm_rule",
    "table_rule",
    "block_configurations",
    "block_index",
    "coarse_grain",
    "make_rule",
    "likelihood_rule",
    "canonical_sign",
    "RULES",
]

#: the named rules of :func:`make_rule` (and of ``tnrbm rg rsmi/mcrg --rule``)
RULES = ("decimation", "majority")

#: largest block (number of spins) whose table is stored
MAX_BLOCK_SPINS = 16


@dataclass(frozen=True)
class BlockRule:
    """A coarse-graining filter ``p(h = +1 | v)`` of one block.

    Attributes
    ----------
    name : str
    block : int
        Side ``b`` of the block.
    dim : int
        1 (chain: ``b`` spins) or 2 (square lattice: ``b x b`` spins).
    p_up : numpy.ndarray
        ``(2**n_block,)`` read-only ``p(h = +1 | v)`` in kron order.
    weights, bias
        The RBM filter's ``w`` (``(n_block,)``) and ``c`` when the rule is an RBM filter, else None.
    """

    name: str
    block: int
    dim: int
    p_up: np.ndarray
    weights: np.ndarray | None = None
    bias: float | None = None

    @property
    def n_block(self) -> int:
        """Number of spins in the block."""
        return self.block**self.dim

    @property
    def deterministic(self) -> bool:
        """True when every entry of ``p_up`` is 0 or 1."""
        return bool(np.all((self.p_up == 0.0) | (self.p_up == 1.0)))

    def to_dict(self) -> dict:
        """JSON-ready fields."""
        out: dict[str, Any] = {"name": self.name, "block": self.block, "dim": self.dim}
        if self.weights is not None:
            out["weights"] = self.weights.tolist()
            out["bias"] = self.bias
        else:
            out["p_up"] = self.p_up.tolist()
        return out

    def __repr__(self) -> str:
        shape = f"{self.block}x{self.block}" if self.dim == 2 else f"{self.block}"
        return f"BlockRule({self.name!r}, block={shape})"


def _check_block(block: Any, dim: Any) -> tuple[int, int]:
    b = check_int(block, "block", minimum=1)
    d = check_int(dim, "dim", minimum=1, maximum=2)
    if b**d > MAX_BLOCK_SPINS:
        raise InvalidParameterError(
            f"block={b} with dim={d} has {b**d} spins; at most {MAX_BLOCK_SPINS} are allowed (a 2**n table)"
        )
    return b, d


def block_configurations(n: int) -> np.ndarray:
    """All ``2**n`` spin configurations ``(2**n, n)`` int8 in kron order (+1 first).

    Examples
    --------
    >>> block_configurations(2).tolist()
    [[1, 1], [1, -1], [-1, 1], [-1, -1]]
    """
    bits = (np.arange(2**n)[:, None] >> np.arange(n - 1, -1, -1)[None, :]) & 1
    return (1 - 2 * bits).astype(np.int8)


def block_index(v: np.ndarray) -> np.ndarray:
    """Kron-order index of spin configurations along the last axis (+1 is bit 0, site 0 most significant).

    Examples
    --------
    >>> int(block_index(np.array([1, -1, -1])))
    3
    """
    v = np.asarray(v)
    n = v.shape[-1]
    powers = (1 << np.arange(n - 1, -1, -1)).astype(np.int64)
    return ((v < 0).astype(np.int64) * powers).sum(axis=-1)


def _rule(name: str, b: int, d: int, p_up: np.ndarray, **extra: Any) -> BlockRule:
    p = np.asarray(p_up, dtype=float).copy()
    p.setflags(write=False)
    return BlockRule(name, b, d, p, **extra)


def decimation_rule(block: int = 2, dim: int = 2) -> BlockRule:
    """Decimation: the coarse spin is the block's first spin, ``h = v_0``.

    Examples
    --------
    >>> decimation_rule(2, dim=1).p_up.tolist()
    [1.0, 1.0, 0.0, 0.0]
    """
    b, d = _check_block(block, dim)
    configs = block_configurations(b**d)
    return _rule("decimation", b, d, (configs[:, 0] > 0).astype(float))


def majority_rule(block: int = 3, dim: int = 2) -> BlockRule:
    """Majority rule ``h = sign(sum v)``; ties (even blocks) go either way with probability 1/2.

    Examples
    --------
    >>> majority_rule(2, dim=1).p_up.tolist()
    [1.0, 0.5, 0.5, 0.0]
    """
    b, d = _check_block(block, dim)
    total = block_configurations(b**d).sum(axis=1, dtype=np.int64)
    return _rule("majority", b, d, np.where(total > 0, 1.0, np.where(total < 0, 0.0, 0.5)))


def rbm_rule(weights: Any, bias: float = 0.0, block: int | None = None, dim: int = 2, name: str = "rbm") -> BlockRule:
    """An RBM filter: one spin hidden unit on the block, ``p(h = +1 | v) = (1 + tanh(c + w . v)) / 2``.

    Parameters
    ----------
    weights
        ``w``, one per block site (row-major), or a ``(b, b)`` array.
    bias
        ``c``.
    block, dim
        The block side and dimension (inferred from a 2D ``weights``).

    Examples
    --------
    >>> r = rbm_rule([[0.5, 0.5], [0.5, 0.5]])
    >>> round(float(r.p_up[0]), 6)  # all up: (1 + tanh 2) / 2
    0.982014
    """
    w = np.asarray(weights, dtype=float)
    if w.ndim == 2:
        if w.shape[0] != w.shape[1]:
            raise InvalidParameterError(f"weights must be square (b, b) for a 2D block; got shape {w.shape}")
        block, dim = w.shape[0], 2
    w = w.ravel()
    if block is None:
        block = round(w.size ** (1.0 / dim))
    b, d = _check_block(block, dim)
    if w.size != b**d or not np.all(np.isfinite(w)) or not math.isfinite(float(bias)):
        raise InvalidParameterError(f"weights must be {b**d} finite numbers and bias finite; got {w.size} weights")
    theta = float(bias) + block_configurations(b**d) @ w
    return _rule(name, b, d, 0.5 * (1.0 + np.tanh(theta)), weights=w.copy(), bias=float(bias))


def table_rule(p_up: Any, block: int, dim: int = 2, name: str = "table") -> BlockRule:
    """Any filter given as its table ``p(h = +1 | v)`` over the ``2**n_block`` block configurations.

    Examples
    --------
    >>> table_rule([1, 1, 0, 0], 2, dim=1).deterministic
    True
    """
    b, d = _check_block(block, dim)
    p = np.asarray(p_up, dtype=float)
    if p.shape != (2 ** (b**d),) or not np.all((p >= 0) & (p <= 1)):
        raise InvalidParameterError(f"p_up must be {2 ** (b**d)} probabilities in [0, 1]; got shape {p.shape}")
    return _rule(name, b, d, p)


def make_rule(name: str, block: int, dim: int = 2) -> BlockRule:
    """A named rule of :data:`RULES`.

    Examples
    --------
    >>> make_rule("majority", 3).name
    'majority'
    """
    if name == "decimation":
        return decimation_rule(block, dim)
    if name == "majority":
        return majority_rule(block, dim)
    raise InvalidParameterError(f"rule must be one of {RULES}; got {name!r}")


def coarse_grain(samples: Any, rule: BlockRule, seed: Any = None) -> np.ndarray:
    """Apply ``rule`` to every block of periodic configurations: ``(n, L, L) -> (n, L/b, L/b)`` int8.

    Parameters
    ----------
    samples
        ``(n, L)`` chains or ``(n, L, L)`` square lattices of +1/-1 (``L`` a multiple of ``b``).
    rule
        A :class:`BlockRule` of the same dimension.
    seed
        int or Generator for the stochastic entries (ties, RBM filters); unused for deterministic rules.

    Examples
    --------
    >>> coarse_grain(np.array([[1, -1, -1, -1]]), decimation_rule(2, dim=1)).tolist()
    [[1, -1]]
    """
    s = np.asarray(samples)
    b, d = rule.block, rule.dim
    if s.ndim != d + 1 or any(n % b for n in s.shape[1:]) or any(n < b for n in s.shape[1:]):
        raise InvalidParameterError(
            f"samples must be (n, {'L' if d == 1 else 'L, L'}) with L a multiple of the block {b}; got {s.shape}"
        )
    n = s.shape[0]
    if d == 1:
        blocks: np.ndarray = s.reshape(n, -1, b)
    else:
        lx, ly = s.shape[1] // b, s.shape[2] // b
        blocks = s.reshape(n, lx, b, ly, b).transpose(0, 1, 3, 2, 4).reshape(n, lx, ly, b * b)
    p = rule.p_up[block_index(blocks)]
    if rule.deterministic:
        return np.where(p > 0.5, 1, -1).astype(np.int8)
    rng = rng_from_seed(seed)
    return np.where(rng.random(p.shape) < p, 1, -1).astype(np.int8)


def canonical_sign(rule: BlockRule) -> BlockRule:
    """The same filter with ``h`` flipped when that makes it agree with the block's sum on average.

    A likelihood or an ``I(H : E)`` does not see the sign of ``h``; the odd operators of MCRG do. The
    canonical sign has ``sum_v p_up(v) sum_i v_i >= 0`` (majority-like).

    Examples
    --------
    >>> canonical_sign(rbm_rule([-1.0, -1.0, -1.0, -1.0])).weights.tolist()
    [1.0, 1.0, 1.0, 1.0]
    """
    total = block_configurations(rule.n_block).sum(axis=1)
    if float((2 * rule.p_up - 1) @ total) >= 0:
        return rule
    if rule.weights is not None:
        return rbm_rule(-rule.weights, -float(rule.bias or 0.0), rule.block, rule.dim, name=rule.name)
    return table_rule(1.0 - rule.p_up, rule.block, rule.dim, name=rule.name)


def likelihood_rule(
    samples: Any,
    block: int = 2,
    epochs: int = 30,
    learning_rate: float = 0.05,
    method: str = "contrastive",
    seed: Any = None,
    name: str = "likelihood",
) -> BlockRule:
    """The filter of an RBM trained by maximum likelihood (Mehta-Schwab) with one hidden unit per block.

    Hidden unit ``j`` sees only block ``j`` of the ``(n, L, L)`` samples (a local receptive field), and
    the weights are tied by the position in the block (translation invariance); CD-1 by default, as
    Mehta and Schwab. The filter is the hidden unit's conditional ``p(h | v)`` with the mean hidden
    bias, in the canonical sign (:func:`canonical_sign`).

    Examples
    --------
    >>> s = np.where(np.random.default_rng(0).random((200, 4, 4)) < 0.5, 1, -1)
    >>> likelihood_rule(s, 2, epochs=2, seed=0).n_block
    4
    """
    s = np.asarray(samples)
    b = check_int(block, "block", minimum=1)
    if s.ndim != 3 or s.shape[1] % b or s.shape[2] % b:
        raise InvalidParameterError(f"samples must be (n, L, L) with L a multiple of block {b}; got {s.shape}")
    lx, ly = s.shape[1] // b, s.shape[2] // b
    n_v = s.shape[1] * s.shape[2]
    idx = np.arange(n_v).reshape(s.shape[1], s.shape[2])
    mask = np.zeros((n_v, lx * ly))
    tie = -np.ones((n_v, lx * ly), dtype=int)
    for j in range(lx * ly):
        sites = idx[(j // ly) * b : (j // ly + 1) * b, (j % ly) * b : (j % ly + 1) * b].ravel()
        mask[sites, j] = 1
        tie[sites, j] = np.arange(b * b)
    res = train_rbm(
        s.reshape(s.shape[0], -1), mask=mask, tie=tie, method=method, epochs=epochs,
        learning_rate=learning_rate, seed=seed,
    )  # fmt: skip
    w = res.rbm.W.toarray().real
    weights = np.array([w[idx[k // b, k % b], 0] for k in range(b * b)])
    return canonical_sign(rbm_rule(weights, float(res.rbm.hidden_bias.real.mean()), b, 2, name=name))
