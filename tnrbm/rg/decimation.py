"""Exact decimation of the 1D Ising chain as an RBM step, stacked into a deep network (depth = RG step).

The periodic chain of ``2 n`` spins, ``-H = K sum s_k s_{k+1} + B sum s_k``, is bipartite: put the odd
sites in the visible layer and the even sites in the hidden layer, and the chain *is* an RBM,
``E(v, h) = H(v, h)`` with ``W = K`` on the two bonds of each visible spin and biases ``B``
(:func:`decimation_rbm`). Summing out the visible layer is decimation, exactly:
``exp(-H^RBM(h)) = prod_j 2 cosh(K (h_j + h_{j+1}) + B) exp(B h_j)``, a chain of ``n`` spins with

    x_{++} = 2 cosh(2K + B),  x_{--} = 2 cosh(2K - B),  x_{+-} = 2 cosh B,
    K' = (1/4) ln(x_{++} x_{--} / x_{+-}^2),  B' = B + (1/2) ln(x_{++} / x_{--}),
    g = (1/4) ln(x_{++} x_{--} x_{+-}^2)  (the constant per decimated spin),

at zero field ``K' = (1/2) ln cosh 2K`` (``tanh K' = tanh^2 K``) and ``g = ln 2 + K'``. With the constant
per spin ``c`` of ``-H / N`` the three-parameter flow is ``(K, B, c) -> (K', B', 2 c + g)``. The hidden
layer of step ``l`` is the whole chain of step ``l + 1``, whose odd and even sites are the visible and
hidden layers of the next RBM (:func:`decimation_stack`); the couplings of a layer only appear after
the layer below is summed out, so the stack is a sequence of RBMs rather than one DBM.

Examples
--------
>>> k, b, g = decimation_step(1.0)
>>> round(k, 6), b
(0.662501, 0.0)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from .._numerics import log_cosh
from ..errors import InvalidParameterError
from ..network import RBM, log_sum_hidden
from ..validation import as_float, check_int, check_memory, check_real
from .hamiltonian import SpinHamiltonian, ising_chain
from .transfer import _log_sinh, ising_chain_log_partition

__all__ = [
    "decimation_step",
    "decimation_flow",
    "decimation_rbm",
    "decimated_hamiltonian",
    "decimation_stack",
    "DecimationStack",
    "chain_log_partition",
]


#: peak bytes per visible unit while :func:`decimation_rbm` builds its sparse couplings and the RBM checks them
RBM_BYTES_PER_SPIN = 400
#: the most steps :func:`decimation_flow` takes: the flow of a chain of 2**1000 spins; the constant per spin
#: ``c_l`` doubles each step and leaves float64 near 1024 steps (measured 14 us a step: 1000 steps in 0.02 s)
MAX_FLOW_STEPS = 1000
#: measured seconds per step of :func:`decimation_flow` (for the refusal's estimate)
SECONDS_PER_FLOW_STEP = 1.4e-5


def _lc(x: float) -> float:
    """``ln(2 cosh x)``, stable."""
    return float(log_sum_hidden(np.array(x), "spin"))


def decimation_step(coupling: float, field: float = 0.0) -> tuple[float, float, float]:
    """One decimation step of the chain: ``(K, B) -> (K', B', g)`` with ``g`` the constant per decimated spin.

    Examples
    --------
    >>> k, b, g = decimation_step(0.5)
    >>> bool(np.isclose(np.tanh(k), np.tanh(0.5) ** 2)), bool(np.isclose(g, np.log(2) + k))
    (True, True)
    """
    k, b = check_real(coupling, "coupling"), check_real(field, "field")
    if not math.isfinite(4.0 * (2.0 * abs(k) + abs(b))):
        raise InvalidParameterError(
            f"coupling={coupling!r} and field={field!r}: the step needs 8 |coupling| + 4 |field| finite in float64; "
            "use smaller values"
        )
    lpp, lmm, lpm = _lc(2 * k + b), _lc(2 * k - b), _lc(b)
    # K' = (1/4) ln(1 + sinh^2 2K / cosh^2 B) and B' = B + atanh(tanh 2K tanh B): no difference of
    # nearly equal logarithms, so K' and B' keep their relative precision as the flow goes to 0
    r = 2.0 * (_log_sinh(2.0 * k) - float(log_cosh(b)))
    k1 = 0.25 * (r + math.log1p(math.exp(-r)) if r > 0.0 else math.log1p(math.exp(r)))
    t = math.tanh(2.0 * k) * math.tanh(b)
    b1 = b + (math.atanh(t) if abs(t) < 0.5 else 0.5 * (lpp - lmm))
    return k1, b1, 0.25 * (lpp + lmm + 2 * lpm)


def decimation_flow(coupling: float, field: float = 0.0, steps: int = 4) -> dict[str, np.ndarray]:
    """The RG flow ``K_l, B_l`` (``steps + 1`` values), the constants ``g_l`` and ``c_l`` (constant per spin).

    At most :data:`MAX_FLOW_STEPS` steps (a chain of ``2**1000`` spins); more is refused with the time it
    would take, as is a flow whose constant per spin (which doubles each step) leaves float64.

    Examples
    --------
    >>> np.round(decimation_flow(1.0, steps=4)["coupling"], 6).tolist()
    [1.0, 0.662501, 0.350061, 0.113672, 0.012812]
    """
    steps = check_int(steps, "steps", minimum=0)
    if steps > MAX_FLOW_STEPS:
        raise InvalidParameterError(
            f"steps={steps} would take about {as_float(steps) * SECONDS_PER_FLOW_STEP:.2g} s and describes a chain of 2**steps "
            f"spins; decimation_flow takes at most {MAX_FLOW_STEPS} steps (the constant per spin doubles each step "
            "and leaves float64 near 1024; K_l reaches its fixed point within a few dozen): use steps <= "
            f"{MAX_FLOW_STEPS}"
        )
    ks, bs, gs, cs = [check_real(coupling, "coupling")], [check_real(field, "field")], [], [0.0]
    for _ in range(int(steps)):
        k, b, g = decimation_step(ks[-1], bs[-1])
        ks.append(k)
        bs.append(b)
        gs.append(g)
        cs.append(2 * cs[-1] + g)
    if not math.isfinite(cs[-1]):
        first = next(i for i, c in enumerate(cs) if not math.isfinite(c))
        raise InvalidParameterError(
            f"the constant per spin leaves float64 at step {first} of steps={steps} (coupling={coupling!r}, "
            f"field={field!r}): use steps < {first}"
        )
    return {"coupling": np.array(ks), "field": np.array(bs), "constant": np.array(gs), "per_spin": np.array(cs)}


def decimation_rbm(n: int, coupling: float, field: float = 0.0) -> RBM:
    """The periodic chain of ``2 n`` spins as an RBM: odd sites visible (decimated), even sites hidden (kept).

    Visible ``i`` (site ``2 i + 1``) couples to hidden ``i`` and ``i + 1 mod n`` (sites ``2 i``, ``2 i + 2``).

    Examples
    --------
    >>> decimation_rbm(4, 1.0).W.toarray()[0].tolist()
    [1.0, 1.0, 0.0, 0.0]
    """
    n = check_int(n, "n", minimum=2)
    k, b = check_real(coupling, "coupling"), check_real(field, "field")
    check_memory(
        RBM_BYTES_PER_SPIN * n,
        f"the decimation RBM of a chain of 2 n = {2 * n} spins",
        None,
        "use a shorter chain (chain_log_partition and decimation_flow give log Z and the flow at any length)",
    )
    sites = np.arange(n)
    rows = np.concatenate([sites, sites])
    cols = np.concatenate([sites, (sites + 1) % n])
    w = sp.csr_array((np.full(2 * n, k), (rows, cols)), shape=(n, n))
    return RBM(w, visible_bias=np.full(n, b), hidden_bias=np.full(n, b))


def decimated_hamiltonian(n: int, coupling: float, field: float = 0.0) -> SpinHamiltonian:
    """``H^RBM(h)`` of :func:`decimation_rbm` in closed form: the chain of ``n`` spins with ``K', B'`` and ``-n g``.

    By the symmetry of the periodic chain it is also the visible marginal ``-log psi(v)``.

    Examples
    --------
    >>> ham = decimated_hamiltonian(4, 1.0)
    >>> round(ham.terms[(0, 1)], 6), round(ham.constant, 6)
    (0.662501, -5.422594)
    """
    n = check_int(n, "n", minimum=2)
    k1, b1, g = decimation_step(coupling, field)
    chain = ising_chain(n, k1, b1, periodic=n > 2) if n > 2 else SpinHamiltonian(2, {(0, 1): 2 * k1, 0: b1, 1: b1})
    return SpinHamiltonian(n, chain.terms, constant=-n * g)


def chain_log_partition(n: int, coupling: float, field: float = 0.0) -> float:
    """``log Z`` of the periodic chain of ``n >= 1`` spins from the transfer matrix, ``log(l_+^n + l_-^n)``.

    :func:`tnrbm.rg.transfer.ising_chain_log_partition` with ``periodic=True``: stable for any ``n``, ``K``
    and ``B`` whose ``log Z`` fits a float (relative error below 5e-16 measured up to ``n = 10^6``).

    Examples
    --------
    >>> bool(np.isclose(chain_log_partition(4, 0.3), np.log((2 * np.cosh(0.3)) ** 4 + (2 * np.sinh(0.3)) ** 4)))
    True
    """
    return ising_chain_log_partition(n, coupling, field, periodic=True)


@dataclass
class DecimationStack:
    """The exact decimation RG of a chain as a stack of RBMs (depth = RG step).

    Attributes
    ----------
    rbms : list of RBM
        ``rbms[l]`` decimates the chain of step ``l`` (``sizes[l]`` spins) to step ``l + 1``.
    sizes : list of int
        Chain lengths, ``sizes[l + 1] = sizes[l] / 2``.
    flow : dict
        :func:`decimation_flow` of the couplings.
    log_partition : float
        ``log Z`` of the original chain: ``sum_l (sizes[l] / 2) g_l + log Z`` of the last chain.
    """

    rbms: list
    sizes: list
    flow: dict = field(default_factory=dict)
    log_partition: float = 0.0


def decimation_stack(n: int, coupling: float, field: float = 0.0, depth: int = 3) -> DecimationStack:
    """Stack ``depth`` exact decimation RBMs on a periodic chain of ``n`` spins (``n / 2**depth >= 2``).

    Examples
    --------
    >>> st = decimation_stack(32, 1.0, depth=3)
    >>> st.sizes, [r.n_visible for r in st.rbms]
    ([32, 16, 8, 4], [16, 8, 4])
    >>> bool(np.isclose(st.log_partition, chain_log_partition(32, 1.0)))
    True
    """
    depth = check_int(depth, "depth", minimum=1)
    n_ok = not isinstance(n, (bool, np.bool_)) and isinstance(n, (int, np.integer)) and n >= 2
    if not n_ok or depth >= int(n).bit_length() or int(n) % (1 << depth) or int(n) >> depth < 2:
        bound = f" = {2**depth}" if depth < 64 else ""
        raise InvalidParameterError(
            f"n must be a multiple of 2**depth{bound} with n / 2**depth >= 2 (depth={depth}); got {n!r}"
        )
    n = int(n)
    flow = decimation_flow(coupling, field, depth)
    sizes = [int(n) // 2**k for k in range(depth + 1)]
    rbms = [decimation_rbm(sizes[k] // 2, flow["coupling"][k], flow["field"][k]) for k in range(depth)]
    log_z = sum(sizes[k] // 2 * flow["constant"][k] for k in range(depth))
    log_z += chain_log_partition(sizes[-1], flow["coupling"][-1], flow["field"][-1])
    return DecimationStack(rbms=rbms, sizes=sizes, flow=flow, log_partition=float(log_z))
