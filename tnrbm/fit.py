"""Variational fits of RBMs with exact sums over all ``2**N`` configurations (``N <= 16``).

``ground_state(rbm, H)`` minimizes the energy ``<psi|H|psi> / <psi|psi>``; ``to_state(rbm, vector)``
maximizes the fidelity with a target vector. Both use stochastic reconfiguration (SR, imaginary-time
evolution projected on the variational manifold) with a diagonal shift, or plain gradient descent,
with every expectation value summed exactly -- no Monte Carlo noise.

The free parameters are the visible bias ``a``, the hidden bias ``b`` and the *nonzero* couplings of
the starting RBM (its connectivity is kept: a zero coupling is no edge). The log-derivatives are
analytic: ``d ln psi / d a_i = v_i``, ``d ln psi / d b_j = tanh theta_j`` (spin hidden units) or
``sigmoid theta_j`` (binary), ``d ln psi / d W_ij = v_i d ln psi / d b_j``. Real RBMs are fitted with
real parameters (enough for sign-free ground states such as the TFIM's); complex RBMs (or
``complex_parameters=True``) with complex, holomorphic ones.

Examples
--------
>>> import tnrbm
>>> from tnrbm import ed, fit
>>> rbm = tnrbm.models.random_rbm(6, 6, scale=0.05, seed=1)
>>> res = fit.ground_state(rbm, ed.tfim(6), steps=200, seed=1)
>>> exact = ed.ground_state(ed.tfim(6)).energy
>>> bool(abs(res.energy - exact) / abs(exact) < 1e-4)
True
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp

from ._memory import check_memory
from .errors import InvalidParameterError
from .network import RBM, all_configurations
from .validation import check_bool, check_choice, check_nonnegative, check_positive, check_seed

__all__ = ["FitResult", "ground_state", "to_state", "log_derivatives", "run_fit", "METHODS", "MAX_SPINS"]

METHODS = ("sr", "gd")
#: exact sums over 2**N configurations are allowed up to this N
MAX_SPINS = 16

Progress = Callable[[int, float], Any] | None


@dataclass
class FitResult:
    """The outcome of a fit.

    Attributes
    ----------
    rbm : RBM
        The fitted network (same connectivity and hidden convention as the start).
    history : numpy.ndarray
        The objective after each step: energies (``ground_state``) or fidelities (``to_state``);
        entry 0 is the starting value.
    energy : float or None
        The exact final energy (``ground_state``).
    fidelity : float or None
        The final fidelity with the target (``to_state``, or ``ground_state`` given ``reference``).
    method : str
        ``"sr"`` or ``"gd"``.
    steps : int
        Number of updates made.
    seconds : float
        Wall time.
    """

    rbm: RBM
    history: np.ndarray
    energy: float | None
    fidelity: float | None
    method: str
    steps: int
    seconds: float

    @property
    def energies(self) -> np.ndarray:
        """The energy history (``ground_state`` fits)."""
        return self.history


class _Parametrization:
    """Packs (a, b, nonzero W) into one vector and evaluates ln psi and its log-derivatives exactly."""

    def __init__(self, rbm: RBM, complex_parameters: bool | None) -> None:
        if not isinstance(rbm, RBM):
            raise InvalidParameterError(f"rbm must be a tnrbm.RBM; got {type(rbm).__name__}")
        n = rbm.n_visible
        if n > MAX_SPINS:
            raise InvalidParameterError(
                f"rbm.n_visible must be at most {MAX_SPINS} for exact sums over 2**N configurations; got {n}"
            )
        self.complex = rbm.is_complex if complex_parameters is None else bool(complex_parameters)
        if rbm.is_complex and not self.complex:
            raise InvalidParameterError("complex_parameters=False needs a real rbm; got one with complex parameters")
        self.dtype = np.complex128 if self.complex else np.float64
        coo = rbm.W.tocoo()
        order = np.lexsort((coo.col, coo.row))
        self.rows, self.cols = coo.row[order], coo.col[order]
        self.n, self.m, self.hidden = n, rbm.n_hidden, rbm.hidden
        self.geometry = rbm.geometry
        self.configs = all_configurations(n)
        self.n_params = n + self.m + len(self.rows)
        check_memory(
            3.0 * np.dtype(self.dtype).itemsize * 2**n * self.n_params,
            f"the log-derivative matrix ({2**n} configurations x {self.n_params} parameters)",
            None,
            "use fewer hidden units or spins",
        )
        self.params = np.concatenate([rbm.visible_bias, rbm.hidden_bias, np.asarray(coo.data[order])]).astype(
            self.dtype
        )

    def unpack(self, params: np.ndarray) -> tuple[np.ndarray, np.ndarray, sp.csr_array]:
        a = params[: self.n]
        b = params[self.n : self.n + self.m]
        w = sp.csr_array((params[self.n + self.m :], (self.rows, self.cols)), shape=(self.n, self.m))
        return a, b, w

    def to_rbm(self, params: np.ndarray) -> RBM:
        a, b, _ = self.unpack(params)
        wd = np.zeros((self.n, self.m), dtype=self.dtype)
        wd[self.rows, self.cols] = params[self.n + self.m :]
        rbm = RBM(sp.csr_array(wd), visible_bias=a, hidden_bias=b, hidden=self.hidden)
        rbm.geometry = self.geometry
        return rbm

    def evaluate(self, params: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Normalized psi over all configurations and the log-derivatives O (2**n x n_params)."""
        a, b, _ = self.unpack(params)
        v = self.configs
        wd = np.zeros((self.n, self.m), dtype=self.dtype)
        wd[self.rows, self.cols] = params[self.n + self.m :]
        theta = v @ wd + b
        if self.hidden == "spin":
            s = np.where(theta.real >= 0, 1.0, -1.0)
            t = s * theta
            log_factor = t + np.log1p(np.exp(-2.0 * t))
            d_theta = np.tanh(theta)
        else:
            pos = theta.real > 0
            log_factor = np.where(pos, theta, 0.0) + np.log1p(np.exp(np.where(pos, -theta, theta)))
            d_theta = 1.0 / (1.0 + np.exp(-theta))
        log_psi = v @ a + log_factor.sum(axis=1)
        psi = np.exp(log_psi - log_psi.real.max())
        psi = psi / np.linalg.norm(psi)
        o = np.empty((len(v), self.n_params), dtype=self.dtype)
        o[:, : self.n] = v
        o[:, self.n : self.n + self.m] = d_theta
        o[:, self.n + self.m :] = v[:, self.rows] * d_theta[:, self.cols]
        return (psi if self.complex else psi.real), o


def _blas_threads() -> contextlib.AbstractContextManager:
    """One BLAS thread during a fit: the matrices are at most 2**16 x a few hundred, and on 2 shared
    cores two threads made an N = 16 SR step 3x slower (2.8 s against 0.9 s), up to 50x at N = 12."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - optional
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def _check_steps(steps: Any) -> int:
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 0:
        raise InvalidParameterError(f"steps must be an integer >= 0; got {steps!r}")
    return int(steps)


def _check_positive(value: Any, name: str, allow_zero: bool = False) -> float:
    return check_nonnegative(value, name) if allow_zero else check_positive(value, name)


def _update(
    o: np.ndarray, p: np.ndarray, force: np.ndarray, method: str, learning_rate: float, diag_shift: float, real: bool
) -> np.ndarray:
    """The parameter change: ``-lr (S + shift)^-1 F`` (SR) or ``-lr F`` (gradient descent)."""
    if method == "gd":
        return -learning_rate * (force.real if real else force)
    mean = p @ o
    oc = o - mean
    s = (oc.conj().T * p) @ oc
    if real:
        s, force = s.real, force.real
    s[np.diag_indices_from(s)] += diag_shift
    try:
        delta = sla.solve(s, force, assume_a="pos")
    except (sla.LinAlgError, ValueError):
        delta = sla.lstsq(s, force)[0]
    return -learning_rate * delta


def _prepare(
    rbm: RBM,
    steps: Any,
    method: str,
    learning_rate: Any,
    diag_shift: Any,
    complex_parameters: bool | None,
    progress: Any = None,
) -> tuple[_Parametrization, int, float, float]:
    check_choice(method, "method", METHODS)
    if progress is not None and not callable(progress):
        raise InvalidParameterError(f"progress must be None or a callable(step, value); got {progress!r}")
    if complex_parameters is not None:
        complex_parameters = check_bool(complex_parameters, "complex_parameters")
    par = _Parametrization(rbm, complex_parameters)
    return (
        par,
        _check_steps(steps),
        _check_positive(learning_rate, "learning_rate"),
        _check_positive(diag_shift, "diag_shift", allow_zero=True),
    )


#: the largest starting noise: the parameters enter exponentials, and larger noise overflows them
MAX_NOISE = 100.0


def _perturb(par: _Parametrization, seed: Any, scale: float) -> None:
    check_seed(seed)
    if scale > MAX_NOISE:
        raise InvalidParameterError(f"noise must be at most {MAX_NOISE} (a perturbation of the start); got {scale!r}")
    if seed is None or scale == 0:
        return
    from .models import rng_from_seed

    rng = rng_from_seed(seed)
    noise = rng.normal(0.0, scale, size=par.n_params)
    if par.complex:
        noise = noise + 1j * rng.normal(0.0, scale, size=par.n_params)
    par.params = par.params + noise


def ground_state(
    rbm: RBM,
    H: Any,  # noqa: N803
    steps: int = 300,
    method: str = "sr",
    learning_rate: float = 0.1,
    diag_shift: float = 1e-4,
    seed: Any = None,
    noise: float = 0.0,
    complex_parameters: bool | None = None,
    reference: Any = None,
    progress: Progress = None,
) -> FitResult:
    """Minimize the exact energy of an RBM for a Hamiltonian (``N <= 16``).

    Parameters
    ----------
    rbm
        The starting network; its connectivity and hidden convention are kept.
    H
        The Hamiltonian: a :class:`~tnrbm.ed.PauliSum`, scipy sparse matrix, ``LinearOperator`` or
        dense array of size ``2**N``.
    steps
        Number of updates.
    method
        ``"sr"`` (stochastic reconfiguration, exact) or ``"gd"`` (plain gradient descent).
    learning_rate
        Step size (the imaginary-time step for SR).
    diag_shift
        Added to the diagonal of the SR matrix S.
    seed, noise
        Gaussian noise of standard deviation ``noise`` added to the starting parameters (seeded);
        none by default.
    complex_parameters
        Fit complex parameters (None: complex exactly when the rbm is).
    reference
        An optional exact vector (e.g. the ED ground state): the final fidelity is reported.
    progress
        ``callable(step, energy)`` called after every step (e.g. to drive a progress bar).

    Returns
    -------
    FitResult
        ``history`` holds the energy before the first step and after every step.

    Examples
    --------
    >>> import tnrbm
    >>> from tnrbm import ed, fit
    >>> res = fit.ground_state(tnrbm.models.random_rbm(4, 4, scale=0.1, seed=0), ed.tfim(4), steps=100)
    >>> bool(res.energy - ed.ground_state(ed.tfim(4)).energy < 1e-5), len(res.history)
    (True, 101)
    """
    from .ed import as_operator

    t0 = time.perf_counter()
    par, steps, lr, shift = _prepare(rbm, steps, method, learning_rate, diag_shift, complex_parameters, progress)
    op = as_operator(H)
    if op.shape[0] != 2**par.n:
        raise InvalidParameterError(f"H must have size 2**{par.n} = {2**par.n}; got shape {op.shape}")
    _perturb(par, seed, _check_positive(noise, "noise", allow_zero=True))
    history = []
    with _blas_threads():
        for step in range(steps + 1):
            psi, o = par.evaluate(par.params)
            hpsi = op @ psi
            e = float(np.vdot(psi, hpsi).real)
            history.append(e)
            if step > 0 and progress is not None:
                progress(step, e)
            if step == steps:
                break
            p = np.abs(psi) ** 2
            force = o.conj().T @ (psi.conj() * hpsi) - (p @ o).conj() * e
            par.params = par.params + _update(o, p, force, method, lr, shift, not par.complex)
            if not np.all(np.isfinite(par.params)):
                raise InvalidParameterError(
                    f"the fit diverged at step {step + 1}; use a smaller learning_rate (got {learning_rate}) "
                    f"or a larger diag_shift (got {diag_shift})"
                )
    fid = None
    if reference is not None:
        from .ed import fidelity

        fid = fidelity(psi, reference)
    return FitResult(
        rbm=par.to_rbm(par.params),
        history=np.array(history),
        energy=history[-1],
        fidelity=fid,
        method=method,
        steps=steps,
        seconds=time.perf_counter() - t0,
    )


def to_state(
    rbm: RBM,
    vector: Any,
    steps: int = 300,
    method: str = "sr",
    learning_rate: float = 0.05,
    diag_shift: float = 1e-4,
    seed: Any = None,
    noise: float = 0.0,
    complex_parameters: bool | None = None,
    progress: Progress = None,
) -> FitResult:
    """Maximize the fidelity ``|<phi|psi>|**2 / <psi|psi>`` of an RBM with a target vector ``phi``.

    SR on ``-ln F``: the force is ``<O*>_psi - sum_v psi* O* phi / <psi|phi>``. Arguments as in
    :func:`ground_state`; ``progress(step, fidelity)``. Steps much above 0.05 can throw complex
    RBMs into a trap (a zero of ``cosh theta``) where the fidelity stalls at a small value.

    Returns
    -------
    FitResult
        ``history`` holds the fidelity before the first step and after every step.

    Examples
    --------
    >>> import numpy as np, tnrbm
    >>> from tnrbm import ed, fit
    >>> target = ed.ground_state(ed.tfim(5, h=2.0)).vector
    >>> res = fit.to_state(tnrbm.models.random_rbm(5, 5, scale=0.1, seed=0), target, steps=100, learning_rate=0.1)
    >>> bool(res.fidelity > 1 - 1e-6)
    True
    """
    from .ed import state_vector

    t0 = time.perf_counter()
    par, steps, lr, shift = _prepare(rbm, steps, method, learning_rate, diag_shift, complex_parameters, progress)
    phi = state_vector(vector, "vector")
    if phi.size != 2**par.n:
        raise InvalidParameterError(f"vector must have length 2**{par.n} = {2**par.n}; got {phi.size}")
    if np.iscomplexobj(phi) and not par.complex and np.abs(phi.imag).max() > 1e-12:
        raise InvalidParameterError("vector is complex: fit it with complex_parameters=True")
    if not par.complex:
        phi = phi.real
    _perturb(par, seed, _check_positive(noise, "noise", allow_zero=True))
    history = []
    with _blas_threads():
        for step in range(steps + 1):
            psi, o = par.evaluate(par.params)
            overlap = np.vdot(psi, phi)
            f = float(min(abs(overlap) ** 2, 1.0))
            history.append(f)
            if step > 0 and progress is not None:
                progress(step, f)
            if step == steps:
                break
            if abs(overlap) < 1e-300:
                raise InvalidParameterError("the rbm is orthogonal to the target vector: start from another rbm")
            p = np.abs(psi) ** 2
            force = (p @ o).conj() - o.conj().T @ (psi.conj() * phi) / overlap
            par.params = par.params + _update(o, p, force, method, lr, shift, not par.complex)
            if not np.all(np.isfinite(par.params)):
                raise InvalidParameterError(
                    f"the fit diverged at step {step + 1}; use a smaller learning_rate (got {learning_rate})"
                )
    return FitResult(
        rbm=par.to_rbm(par.params),
        history=np.array(history),
        energy=None,
        fidelity=history[-1],
        method=method,
        steps=steps,
        seconds=time.perf_counter() - t0,
    )


def log_derivatives(rbm: RBM, v: Any) -> np.ndarray:
    """``d ln psi / d (a, b, W_nonzero)`` at configurations ``v``, shape ``(..., n_params)``.

    The parameter order is ``a`` (n_visible), ``b`` (n_hidden), then the nonzero couplings sorted by
    (visible, hidden) index -- the order :func:`ground_state` uses.

    Examples
    --------
    >>> import numpy as np, tnrbm
    >>> from tnrbm import fit
    >>> rbm = tnrbm.RBM(np.array([[0.3]]), visible_bias=[0.1], hidden_bias=[0.2])
    >>> d = fit.log_derivatives(rbm, [1.0])
    >>> bool(np.allclose(d, [1.0, np.tanh(0.5), np.tanh(0.5)]))
    True
    """
    from .network import check_configurations

    par = _Parametrization(rbm, None)
    conf = check_configurations(v, rbm.n_visible)
    flat = conf.reshape(-1, rbm.n_visible)
    theta = rbm.theta(flat)
    d_theta = np.tanh(theta) if rbm.hidden == "spin" else 1.0 / (1.0 + np.exp(-theta))
    out = np.concatenate([flat, d_theta, flat[:, par.rows] * d_theta[:, par.cols]], axis=1).astype(par.dtype)
    return out.reshape(conf.shape[:-1] + (par.n_params,))


def run_fit(
    n: int = 12,
    h: float = 1.0,
    J: float = 1.0,  # noqa: N803
    alpha: int = 1,
    steps: int = 300,
    learning_rate: float = 0.1,
    diag_shift: float = 1e-4,
    method: str = "sr",
    seed: int = 0,
    progress: Progress = None,
) -> dict[str, list[dict]]:
    """Fit a fully connected RBM (``alpha n`` spin hidden units) to the periodic TFIM and compare with ED.

    For the ``tnrbm fit`` command. Returns ``{"summary": rows, "cuts": rows, "rbm": RBM, "history":
    energies}``: the summary rows are ``quantity, rbm, ed, error``; the cut rows are ``cut,
    entropy_rbm, entropy_ed, difference, bound`` for the blocks ``[0, l)``, with ``bound = m ln 2``
    from the fitted RBM's minimal cut (``min(l, n - l) ln 2`` for a fully connected RBM).

    Examples
    --------
    >>> from tnrbm import fit
    >>> out = fit.run_fit(n=4, steps=50)
    >>> [row["quantity"] for row in out["summary"]]
    ['energy', 'relative error', 'fidelity', 'seconds']
    """
    from .bulk import min_cut
    from .ed import ground_state as ed_ground_state
    from .ed import tfim
    from .entropy import entanglement
    from .models import random_rbm

    hamiltonian = tfim(n, J=J, h=h)
    exact = ed_ground_state(hamiltonian)
    start = random_rbm(n, alpha * n, scale=0.05, bias_scale=0.0, seed=seed)
    res = ground_state(
        start,
        hamiltonian,
        steps=steps,
        method=method,
        learning_rate=learning_rate,
        diag_shift=diag_shift,
        reference=exact.vector,
        progress=progress,
    )
    rel = abs(res.energy - exact.energy) / abs(exact.energy)
    summary = [
        {"quantity": "energy", "rbm": res.energy, "ed": exact.energy, "error": res.energy - exact.energy},
        {"quantity": "relative error", "rbm": rel, "ed": 0.0, "error": rel},
        {"quantity": "fidelity", "rbm": res.fidelity, "ed": 1.0, "error": 1.0 - res.fidelity},
        {"quantity": "seconds", "rbm": res.seconds, "ed": exact.seconds, "error": None},
    ]
    psi = res.rbm.to_dense()
    cuts = []
    for length in range(1, n):
        s_rbm = entanglement(psi, range(length)).entropy
        s_ed = entanglement(exact.vector, range(length)).entropy
        cuts.append(
            {
                "cut": length,
                "entropy_rbm": s_rbm,
                "entropy_ed": s_ed,
                "difference": s_rbm - s_ed,
                "bound": min_cut(res.rbm, range(length)).bound,
            }
        )
    return {"summary": summary, "cuts": cuts, "rbm": res.rbm, "history": res.history}
