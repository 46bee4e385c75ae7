"""Random Boltzmann networks: fully or sparsely connected RBMs and deep Boltzmann machines.

Every constructor takes ``seed`` (an int or a numpy Generator). Couplings are drawn independently
from a normal distribution of standard deviation ``scale``; ``complex=True`` adds an independent
imaginary part of the same scale. Biases are drawn with ``bias_scale`` (default ``scale``; 0 gives
zero biases).
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

from ..errors import InvalidParameterError
from ..network import DBM, RBM

__all__ = ["random_rbm", "random_dbm", "rng_from_seed"]


def rng_from_seed(seed: Any) -> np.random.Generator:
    """A numpy Generator from ``seed`` (None, an int, or a Generator).

    Examples
    --------
    >>> bool(rng_from_seed(0).integers(10) == rng_from_seed(0).integers(10))
    True
    """
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is not None and not isinstance(seed, numbers.Integral):
        raise InvalidParameterError(f"seed must be None, an int or a numpy Generator; got {seed!r}")
    return np.random.default_rng(seed)


def _check_int(value: Any, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise InvalidParameterError(f"{name} must be an integer >= {minimum}; got {value!r}")
    return int(value)


def _check_scale(value: Any, name: str) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise InvalidParameterError(f"{name} must be a finite number >= 0; got {value!r}") from None
    if not np.isfinite(x) or x < 0:
        raise InvalidParameterError(f"{name} must be a finite number >= 0; got {value!r}")
    return x


def _check_density(value: Any) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError):
        x = float("nan")
    if isinstance(value, bool) or not 0.0 < x <= 1.0:
        raise InvalidParameterError(f"density must be a number in (0, 1]; got {value!r}")
    return x


def _draw(rng: np.random.Generator, size: Any, scale: float, complex_: bool) -> np.ndarray:
    x = rng.normal(0.0, scale, size=size)
    if complex_:
        x = x + 1j * rng.normal(0.0, scale, size=size)
    return x


def _sparse_weights(
    rows: np.ndarray, cols: np.ndarray, shape: tuple[int, int], rng: np.random.Generator, scale: float, complex_: bool
) -> sp.csr_array:
    data = _draw(rng, len(rows), scale, complex_)
    data[data == 0] = scale or 1.0  # a drawn exact zero would silently delete the edge
    return sp.csr_array((data, (rows, cols)), shape=shape)


def random_rbm(
    n_visible: int,
    n_hidden: int,
    scale: float = 0.5,
    complex: bool = False,  # noqa: A002 - the natural name
    hidden: str = "spin",
    density: float = 1.0,
    bias_scale: float | None = None,
    seed: Any = None,
) -> RBM:
    """A fully random RBM; ``density < 1`` keeps each coupling with that probability (sparse).

    Examples
    --------
    >>> import tnrbm
    >>> tnrbm.models.random_rbm(6, 4, complex=True, seed=0)
    RBM(layer_sizes=[6, 4], edges=24, hidden='spin', complex)
    """
    n_visible = _check_int(n_visible, "n_visible", 1)
    n_hidden = _check_int(n_hidden, "n_hidden", 0)
    scale = _check_scale(scale, "scale")
    bias_scale = scale if bias_scale is None else _check_scale(bias_scale, "bias_scale")
    density = _check_density(density)
    rng = rng_from_seed(seed)
    mask = rng.random((n_visible, n_hidden)) < density
    rows, cols = np.nonzero(mask)
    w = _sparse_weights(rows, cols, (n_visible, n_hidden), rng, scale, complex)
    if density == 1.0:
        w = w.toarray()
    a = _draw(rng, n_visible, bias_scale, complex)
    b = _draw(rng, n_hidden, bias_scale, complex)
    return RBM(w, a, b, hidden=hidden)


def random_dbm(
    layer_sizes: Sequence[int],
    scale: float = 0.5,
    complex: bool = False,  # noqa: A002
    hidden: str = "spin",
    density: float = 1.0,
    bias_scale: float | None = None,
    seed: Any = None,
) -> DBM:
    """A random deep Boltzmann machine with ``layer_sizes = [n_visible, n_1, n_2, ...]``.

    Examples
    --------
    >>> import tnrbm
    >>> tnrbm.models.random_dbm([6, 4, 2], seed=0)
    DBM(layer_sizes=[6, 4, 2], edges=32, hidden='spin', real)
    """
    if isinstance(layer_sizes, (str, bytes)) or not isinstance(layer_sizes, Sequence) or len(layer_sizes) < 2:
        raise InvalidParameterError(
            f"layer_sizes must be a list [n_visible, n_1, ...] of at least two sizes; got {layer_sizes!r}"
        )
    sizes = [_check_int(n, f"layer_sizes[{k}]", 1) for k, n in enumerate(layer_sizes)]
    scale = _check_scale(scale, "scale")
    bias_scale = scale if bias_scale is None else _check_scale(bias_scale, "bias_scale")
    density = _check_density(density)
    rng = rng_from_seed(seed)
    weights = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        rows, cols = np.nonzero(rng.random((n_in, n_out)) < density)
        weights.append(_sparse_weights(rows, cols, (n_in, n_out), rng, scale, complex))
    biases = [_draw(rng, n, bias_scale, complex) for n in sizes]
    return DBM(weights, biases, hidden=hidden)
