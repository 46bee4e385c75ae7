"""The exact conditional of a block and its buffer given the environment, for RSMI.

A block ``V`` at ``[w, w + b)`` per axis of a periodic lattice, its buffer ``B`` (the square
``[0, b + 2w)`` minus ``V``) and the environment ``E`` (the rest). Given ``e`` the spins of ``V u B`` are a
small Ising system with the bonds to ``e`` as fields, so ``p(v | e)`` is exact by summing:

* ``method="enumerate"``: all ``2**(|V| + |B|)`` configurations (``|V| + |B| <= MAX_BLOCK_BUFFER``);
* ``method="ring"`` (a width-1 buffer of a square block, e.g. ``3 x 3`` with ``w = 1``: 25 spins): the
  buffer is a cycle of ``4 (b + 1)`` spins with fields from ``v`` and ``e``, summed by its ``2 x 2``
  transfer matrices, ``Z_B(v, e) = Tr prod_k diag(e^{f_k}, e^{-f_k}) T``, ``T = [[e^K, e^-K], [e^-K, e^K]]``,
  for each of the ``2**|V|`` block configurations.

:func:`exact_environment` enumerates ``e`` with its exact probability.

Examples
--------
>>> g = rsmi_geometry((7, 7), 0.44, 3, 1)   # 25 spins in V u B: the ring method
>>> g.method, len(g.buffer_sites)
('ring', 16)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._numerics import log_sum_exp
from ..errors import InvalidParameterError
from ..validation import MaxMemory, check_choice, check_int, check_memory, check_nonnegative
from .blocking import block_configurations
from .sampling import lattice_bonds

__all__ = [
    "RSMIGeometry",
    "rsmi_geometry",
    "block_conditional",
    "exact_environment",
    "MAX_BLOCK_BUFFER",
    "MAX_EXACT_ENVIRONMENT",
    "CONDITIONAL_METHODS",
]

#: how ``p(v | e)`` is summed
CONDITIONAL_METHODS = ("auto", "enumerate", "ring")

#: most spins in block + buffer whose configurations are summed
MAX_BLOCK_BUFFER = 20
#: most environment spins that :func:`rsmi_exact` enumerates
MAX_EXACT_ENVIRONMENT = 20


@dataclass(frozen=True)
class RSMIGeometry:
    """Block, buffer and environment of a periodic lattice, with the couplings needed for ``p(v, b | e)``.

    Attributes
    ----------
    shape : tuple of int
    coupling : float
    block, buffer : int
    visible, buffer_sites, environment : numpy.ndarray
        Site indices (row-major) of ``V`` (block order), ``B`` and ``E``.
    configs : numpy.ndarray
        ``(2**m, m)`` configurations of ``V u B`` (V first, kron order), ``m = |V| + |B|``.
    internal : numpy.ndarray
        ``K sum_<ij in V u B> s_i s_j`` per configuration.
    field_matrix : numpy.ndarray
        ``(m, |E|)``: ``K`` times the number of bonds between a ``V u B`` site and an ``E`` site.
    method : str
        ``"enumerate"`` or ``"ring"``. For ``"ring"``, ``configs`` and ``internal`` are those of ``V``
        alone, ``buffer_sites`` is in cycle order and ``ring_coupling`` (``(|V|, |B|)``) holds the
        ``V``-``B`` bonds times ``K``.
    ring_coupling : numpy.ndarray or None
    """

    shape: tuple
    coupling: float
    block: int
    buffer: int
    visible: np.ndarray
    buffer_sites: np.ndarray
    environment: np.ndarray
    configs: np.ndarray
    internal: np.ndarray
    field_matrix: np.ndarray
    method: str = "enumerate"
    ring_coupling: np.ndarray | None = None


def _region_sites(shape: tuple, block: int, buffer: int) -> tuple[np.ndarray, np.ndarray]:
    side = block + 2 * buffer
    idx = np.arange(math.prod(shape)).reshape(shape)
    inner = tuple(slice(buffer, buffer + block) for _ in shape)
    outer = tuple(slice(0, side) for _ in shape)
    v = idx[inner].ravel()
    vb = idx[outer].ravel()
    return v, vb[~np.isin(vb, v)]


def _cycle_order(sites: np.ndarray, bonds: np.ndarray) -> np.ndarray | None:
    """``sites`` in cycle order when their bonds form one simple cycle through all of them, else None."""
    inside = set(sites.tolist())
    nbrs: dict[int, list[int]] = {int(i): [] for i in sites}
    for i, j in bonds:
        if int(i) in inside and int(j) in inside:
            nbrs[int(i)].append(int(j))
            nbrs[int(j)].append(int(i))
    if any(len(set(v)) != 2 or len(v) != 2 for v in nbrs.values()):
        return None
    order, prev = [int(sites[0])], -1
    while len(order) < len(sites):
        nxt = [x for x in nbrs[order[-1]] if x != prev][0]
        if nxt == order[0]:
            return None
        prev = order[-1]
        order.append(nxt)
    return np.array(order)


def rsmi_geometry(shape: Any, coupling: float, block: int, buffer: int = 1, method: str = "auto") -> RSMIGeometry:
    """The block ``V`` at ``[w, w + b)`` (per axis), the buffer ``[0, b + 2w)`` minus ``V``, the rest ``E``.

    Parameters
    ----------
    shape
        ``(L,)`` or ``(Lx, Ly)``, each side at least ``b + 2w + 1`` (a nonempty environment).
    coupling
        ``K >= 0``.
    block, buffer
        ``b`` and ``w``.
    method
        ``"enumerate"`` (``|V| + |B| <= MAX_BLOCK_BUFFER``), ``"ring"`` (a buffer that is one cycle of the
        lattice: width 1 around a square block) or ``"auto"`` (enumerate when it fits, else ring).

    Examples
    --------
    >>> g = rsmi_geometry((5, 5), 0.44, 2, 1)
    >>> len(g.visible), len(g.buffer_sites), len(g.environment), g.method
    (4, 12, 9, 'enumerate')
    """
    dims = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
    b = check_int(block, "block", minimum=1)
    w = check_int(buffer, "buffer", minimum=0)
    k = check_nonnegative(coupling, "coupling")
    how = check_choice(method, "method", CONDITIONAL_METHODS)
    if len(dims) not in (1, 2) or any(check_int(d, "shape", minimum=3) < b + 2 * w + 1 for d in dims):
        raise InvalidParameterError(
            f"shape must be (L,) or (Lx, Ly) with every side >= block + 2 * buffer + 1 = {b + 2 * w + 1}; got {shape!r}"
        )
    dims = tuple(int(d) for d in dims)
    v, bb = _region_sites(dims, b, w)
    bonds = lattice_bonds(dims)
    ring = _cycle_order(bb, bonds) if w > 0 and how != "enumerate" else None
    if how == "auto":
        how = "enumerate" if v.size + bb.size <= MAX_BLOCK_BUFFER or ring is None else "ring"
    if how == "ring" and (ring is None or v.size > 16):
        raise InvalidParameterError(
            f"method='ring' needs a buffer that is one cycle (buffer=1 around a square block of at most 4x4); "
            f"got block {b}, buffer {w} on {dims}"
        )
    if how == "enumerate" and v.size + bb.size > MAX_BLOCK_BUFFER:
        raise InvalidParameterError(
            f"block {b} with buffer {w} has {v.size + bb.size} spins in V u B; at most {MAX_BLOCK_BUFFER} are "
            "summed (use a thinner buffer, or buffer=1 in 2D for the ring method)"
        )
    if ring is not None and how == "ring":
        bb = ring
    return _build_geometry(dims, k, b, w, v, bb, bonds, how)


def _build_geometry(
    dims: tuple[int, ...],
    k: float,
    b: int,
    w: int,
    v: np.ndarray,
    bb: np.ndarray,
    bonds: np.ndarray,
    how: str,
) -> RSMIGeometry:
    vb = np.concatenate([v, bb])
    m = vb.size
    n = math.prod(dims)
    where = -np.ones(n, dtype=np.int64)
    where[vb] = np.arange(m)
    env = np.flatnonzero(where < 0)
    where_e = -np.ones(n, dtype=np.int64)
    where_e[env] = np.arange(env.size)
    kept = v.size if how == "ring" else m
    configs = block_configurations(kept)
    internal = np.zeros(configs.shape[0])
    fields = np.zeros((m, env.size))
    ring_coupling = np.zeros((v.size, bb.size)) if how == "ring" else None
    for i, j in bonds:
        a, c = where[i], where[j]
        if a >= 0 and c >= 0:
            if a < kept and c < kept:
                internal += k * configs[:, a] * configs[:, c]
            elif ring_coupling is not None and min(a, c) < v.size <= max(a, c):
                ring_coupling[min(a, c), max(a, c) - v.size] += k
        elif a >= 0 or c >= 0:
            s, e = (a, where_e[j]) if a >= 0 else (c, where_e[i])
            fields[s, e] += k
    return RSMIGeometry(dims, k, b, w, v, bb, env, configs, internal, fields, how, ring_coupling)


def block_conditional(geometry: RSMIGeometry, env: Any, max_memory: MaxMemory = None) -> tuple[np.ndarray, np.ndarray]:
    """``p(v | e)`` of the block for each environment, and ``log Z_{V u B}(e)``.

    Parameters
    ----------
    geometry
        From :func:`rsmi_geometry`.
    env
        ``(n, |E|)`` environment spins (in ``geometry.environment`` order).

    Returns
    -------
    p_v : numpy.ndarray
        ``(n, 2**|V|)``, rows summing to 1.
    log_z : numpy.ndarray
        ``(n,)`` ``log sum_{v, b} exp(K E_int + fields . (v, b))``.

    Examples
    --------
    >>> g = rsmi_geometry((4,), 0.0, 1, 0)
    >>> block_conditional(g, np.ones((1, 3)))[0].tolist()  # K = 0: a fair spin
    [[0.5, 0.5]]
    """
    e = np.asarray(env, dtype=float)
    if e.ndim != 2 or e.shape[1] != geometry.environment.size:
        raise InvalidParameterError(f"env must be (n, {geometry.environment.size}); got shape {e.shape}")
    if geometry.method == "ring":
        return _ring_conditional(geometry, e, max_memory)
    n_conf = geometry.configs.shape[0]
    n_v = 2**geometry.visible.size
    chunk = max(1, int(2**22 // n_conf))  # about 32 MiB per temporary
    check_memory(
        8.0 * min(chunk, e.shape[0]) * n_conf * 3, "the block-buffer weights", max_memory, "use a thinner buffer"
    )
    configs = geometry.configs.astype(float)
    p_v = np.empty((e.shape[0], n_v))
    log_z = np.empty(e.shape[0])
    for start in range(0, e.shape[0], chunk):
        f = e[start : start + chunk] @ geometry.field_matrix.T
        logw = geometry.internal[None, :] + f @ configs.T
        log_z[start : start + chunk] = lz = log_sum_exp(logw, axis=1)
        p_v[start : start + chunk] = np.exp(logw - lz[:, None]).reshape(logw.shape[0], n_v, -1).sum(axis=2)
    return p_v, log_z


def _ring_log_z(fields: np.ndarray, coupling: float) -> np.ndarray:
    """``log Tr prod_k diag(e^{f_k}, e^{-f_k}) T`` of a ring with fields ``(..., R)``, rescaled at each step."""
    t = np.array([[math.exp(coupling), math.exp(-coupling)], [math.exp(-coupling), math.exp(coupling)]])
    m = np.broadcast_to(np.eye(2), (*fields.shape[:-1], 2, 2)).copy()
    logs = np.zeros(fields.shape[:-1])
    for r in range(fields.shape[-1]):
        d = np.exp(np.stack([fields[..., r], -fields[..., r]], axis=-1))
        m = (m * d[..., None, :]) @ t
        scale = m.max(axis=(-2, -1))
        m /= scale[..., None, None]
        logs += np.log(scale)
    return logs + np.log(m[..., 0, 0] + m[..., 1, 1])


def _ring_conditional(geometry: RSMIGeometry, e: np.ndarray, max_memory: MaxMemory) -> tuple[np.ndarray, np.ndarray]:
    n_v = geometry.configs.shape[0]
    n_ring = geometry.buffer_sites.size
    chunk = max(1, int(2**21 // (n_v * n_ring)))
    check_memory(
        8.0 * min(chunk, e.shape[0]) * n_v * (n_ring + 12), "the ring fields", max_memory, "use a smaller block"
    )
    configs = geometry.configs.astype(float)
    n_vis = geometry.visible.size
    from_v = configs @ geometry.ring_coupling  # (n_v, R)
    p_v = np.empty((e.shape[0], n_v))
    log_z = np.empty(e.shape[0])
    for start in range(0, e.shape[0], chunk):
        f = e[start : start + chunk] @ geometry.field_matrix.T  # (n, |V| + R)
        ring_fields = f[:, None, n_vis:] + from_v[None, :, :]
        logw = geometry.internal[None, :] + f[:, :n_vis] @ configs.T + _ring_log_z(ring_fields, geometry.coupling)
        log_z[start : start + chunk] = lz = log_sum_exp(logw, axis=1)
        p_v[start : start + chunk] = np.exp(logw - lz[:, None])
    return p_v, log_z


def exact_environment(geometry: RSMIGeometry, max_memory: MaxMemory = None) -> tuple[np.ndarray, np.ndarray]:
    """Every environment configuration ``(2**|E|, |E|)`` and its exact probability ``p(e)``.

    ``log p(e) = K sum_<ij in E> e_i e_j + log Z_{V u B}(e) - log Z``.

    Examples
    --------
    >>> e, p = exact_environment(rsmi_geometry((4,), 0.3, 1, 0))
    >>> e.shape, round(float(p.sum()), 12)
    ((8, 3), 1.0)
    """
    n_e = geometry.environment.size
    if n_e > MAX_EXACT_ENVIRONMENT:
        raise InvalidParameterError(f"the environment has {n_e} spins; at most {MAX_EXACT_ENVIRONMENT} are enumerated")
    check_memory(8.0 * 2**n_e * (n_e + 4), f"the 2**{n_e} environments", max_memory, "use rsmi_estimate")
    e = block_configurations(n_e)
    where = -np.ones(math.prod(geometry.shape), dtype=np.int64)
    where[geometry.environment] = np.arange(n_e)
    ee = np.zeros(e.shape[0])
    for i, j in lattice_bonds(geometry.shape):
        if where[i] >= 0 and where[j] >= 0:
            ee += geometry.coupling * e[:, where[i]] * e[:, where[j]]
    _, log_z = block_conditional(geometry, e, max_memory)
    logp = ee + log_z
    p = np.exp(logp - logp.max())
    return e, p / p.sum()
