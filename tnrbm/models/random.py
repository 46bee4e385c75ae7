"""Random Boltzmann networks: fully or sparsely connected RBMs and deep Boltzmann machines.

Every constructor takes ``seed`` (an int or a numpy Generator). Couplings are drawn independently
from a normal distribution of standard deviation ``scale``; ``complex=True`` adds an independent
imaginary part of the same scale. Biases are drawn with ``bias_scale`` (default ``scale``; 0 gives
zero biases).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

from ..errors import InvalidParameterError
from ..network import DBM, RBM
from ..validation import as_float, check_bool, check_fraction, check_int, check_memory, check_nonnegative, rng_from_seed

__all__ = ["random_rbm", "random_dbm", "rng_from_seed", "check_model_size"]

#: above this many pairs, sparse networks are sampled without a dense mask
DENSE_MASK_LIMIT = 2**24


#: bytes per coupling while a constructor builds it (Python lists of indices, then the sparse arrays)
BYTES_PER_EDGE = 200.0


def check_model_size(n_units: float, n_edges: float, what: str) -> None:
    """Refuse, before any loop or allocation, a network of ``n_units`` units and ``n_edges`` couplings too big.

    The estimate counts the Python index lists the constructors fill (about :data:`BYTES_PER_EDGE` per
    coupling) and the biases, and is checked against the default memory limit.

    Examples
    --------
    >>> check_model_size(64, 192, "a chain")  # small: nothing happens
    """
    check_memory(
        BYTES_PER_EDGE * as_float(n_edges) + 48.0 * as_float(n_units),
        f"{what} ({as_float(n_units):.3g} units, {as_float(n_edges):.3g} couplings)",
        None,
        "use fewer spins, hidden units or couplings",
        option=None,
    )


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


def _sample_pairs(rng: np.random.Generator, n_in: int, n_out: int, density: float) -> tuple[np.ndarray, np.ndarray]:
    """Each of the ``n_in * n_out`` pairs kept with probability ``density``, as (rows, cols).

    Small matrices draw a dense mask (the streams of earlier versions); above :data:`DENSE_MASK_LIMIT`
    entries the number of pairs is drawn from the binomial law and the pairs without replacement, so
    no ``n_in x n_out`` array is ever allocated.
    """
    total = n_in * n_out
    if total <= DENSE_MASK_LIMIT:
        rows, cols = np.nonzero(rng.random((n_in, n_out)) < density)
        return rows, cols
    check_memory(
        3 * 8.0 * density * total,
        f"the couplings of a {n_in} x {n_out} network at density {density}",
        None,
        "use a smaller density or fewer units",
    )
    flat = np.sort(rng.choice(total, size=int(rng.binomial(total, density)), replace=False))
    return flat // n_out, flat % n_out


def check_scales(scale: Any, bias_scale: Any, complex_: Any) -> tuple[float, float, bool]:
    """The drawing options every model takes, checked: ``scale``, ``bias_scale`` (None: ``scale``) and
    ``complex``.

    Examples
    --------
    >>> check_scales(0.5, None, False)
    (0.5, 0.5, False)
    """
    scale = check_nonnegative(scale, "scale")
    bias_scale = scale if bias_scale is None else check_nonnegative(bias_scale, "bias_scale")
    return scale, bias_scale, check_bool(complex_, "complex")


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
    n_visible = check_int(n_visible, "n_visible", 1)
    n_hidden = check_int(n_hidden, "n_hidden", 0)
    scale, bias_scale, complex = check_scales(scale, bias_scale, complex)  # noqa: A001
    density = check_fraction(density, "density")
    check_model_size(n_visible + n_hidden, density * as_float(n_visible * n_hidden), "random_rbm")
    rng = rng_from_seed(seed)
    rows, cols = _sample_pairs(rng, n_visible, n_hidden, density)
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
    sizes = [check_int(n, f"layer_sizes[{k}]", 1) for k, n in enumerate(layer_sizes)]
    scale, bias_scale, complex = check_scales(scale, bias_scale, complex)  # noqa: A001
    density = check_fraction(density, "density")
    check_model_size(sum(sizes), density * as_float(sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))), "random_dbm")
    rng = rng_from_seed(seed)
    weights = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        rows, cols = _sample_pairs(rng, n_in, n_out, density)
        weights.append(_sparse_weights(rows, cols, (n_in, n_out), rng, scale, complex))
    biases = [_draw(rng, n, bias_scale, complex) for n in sizes]
    return DBM(weights, biases, hidden=hidden)
