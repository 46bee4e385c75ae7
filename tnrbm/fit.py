"""Variational fits of RBMs with exact sums over all ``2**N`` configurations (``N <= 16``).

``variational_ground_state(rbm, H)`` minimizes the energy ``<psi|H|psi> / <psi|psi>``;
``to_state(rbm, vector)`` maximizes the fidelity with a target vector. Both use stochastic
reconfiguration (SR, imaginary-time evolution projected on the variational manifold) with a diagonal
shift, or plain gradient descent, with every expectation value summed exactly -- no Monte Carlo noise.
(``ground_state`` is the old name of ``variational_ground_state``; :func:`tnrbm.ed.ground_state` is the
eigensolver.)

The free parameters are the visible bias ``a``, the hidden bias ``b`` and the *nonzero* couplings of
the starting RBM (its connectivity is kept: a zero coupling is no edge). The log-derivatives are
analytic: ``d ln psi / d a_i = v_i``, ``d ln psi / d b_j = tanh theta_j`` (spin hidden units) or
``sigmoid theta_j`` (binary), ``d ln psi / d W_ij = v_i d ln psi / d b_j``. Real RBMs are fitted with
real parameters (enough for sign-free ground states such as the TFIM's); complex RBMs (or
``complex_parameters=True``) with complex, holomorphic ones.

Step control. Near a small random start (NetKet's default initialization has standard deviation
0.01) the hidden-unit log-derivatives ``tanh theta_j ~ theta_j`` are of the size of the weights, so
the SR matrix ``S`` has eigenvalues down to ``1e-11`` and ``S^-1 F`` is a parameter step of order 1
even at ``learning_rate = 0.1`` (TFIM N = 12 at scale 0.01: the first step changes the weights by
1.6-2.1 while they were 0.03; the predicted energy change is -2.3, the actual +6.8). The state then
falls into saturated ``tanh`` units where the gradient vanishes (the fit stalls at E = -0.236 or
-5.236 against -15.32). By default (``step_control="adaptive"``) no parameter moves by more than 0.2
in one step (a trust region in parameter space: without it a large ``learning_rate`` still jumps into
such a trap, e.g. ``to_state`` stalling at F = 0.74), and a step is accepted only when the exact
objective falls by at least a tenth of the first-order prediction (Armijo backtracking: the step is
halved until it does); it grows again by 1.5, up to ``learning_rate``, when the prediction holds. So
the energy never rises. ``step_control="fixed"`` is the plain fixed step of earlier versions.

Examples
--------
>>> import tnrbm
>>> from tnrbm import ed, fit
>>> rbm = tnrbm.models.random_rbm(6, 6, scale=0.01, seed=1)
>>> res = fit.variational_ground_state(rbm, ed.tfim(6), steps=200)
>>> exact = ed.ground_state(ed.tfim(6)).energy
>>> bool(abs(res.energy - exact) / abs(exact) < 1e-4), bool(all(res.history[1:] <= res.history[:-1]))
(True, True)
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp

from ._deprecated import forward, renamed_keywords
from .bulk import min_cut
from .contract import blas_threads
from .ed import as_operator, fidelity, state_vector, tfim
from .ed import ground_state as eigensolver_ground_state
from .entropy import entanglement
from .errors import InvalidParameterError
from .models import random_rbm
from .network import RBM, all_configurations, check_configurations, log_sum_hidden
from .validation import (
    check_bool,
    check_choice,
    check_int,
    check_memory,
    check_nonnegative,
    check_positive,
    check_seed,
    rng_from_seed,
)

__all__ = [
    "FitResult",
    "fit_report",
    "variational_ground_state",
    "to_state",
    "log_derivatives",
    "estimate",
    "METHODS",
    "STEP_CONTROLS",
    "MAX_SPINS",
]

METHODS = ("sr", "gd")
#: ``"adaptive"``: Armijo backtracking on the exact objective; ``"fixed"``: every step at learning_rate
STEP_CONTROLS = ("adaptive", "fixed")
#: exact sums over 2**N configurations are allowed up to this N
MAX_SPINS = 16
#: a step is halved at most this many times; if none of them lowers the objective the fit has converged
_MAX_HALVINGS = 30
#: accept a step when the objective falls by at least this fraction of the first-order prediction
_ARMIJO = 0.1
#: grow the step (by _GROWTH, up to learning_rate) when the fall is at least this fraction of the prediction
_GOOD_RATIO = 0.5
_GROWTH = 1.5
#: no parameter moves by more than this in one adaptive step (a trust region in parameter space)
_MAX_PARAMETER_STEP = 0.2

Progress = Callable[[int, float], Any] | bool | None


@dataclass
class FitResult:
    """The outcome of a fit.

    Attributes
    ----------
    rbm : RBM
        The fitted network (same connectivity and hidden convention as the start).
    history : numpy.ndarray
        The objective after each step: energies (``variational_ground_state``) or fidelities
        (``to_state``); entry 0 is the starting value.
    energy : float or None
        The exact final energy (``variational_ground_state``).
    fidelity : float or None
        The final fidelity with the target (``to_state``, or ``variational_ground_state`` given
        ``reference``).
    method : str
        ``"sr"`` or ``"gd"``.
    steps : int
        Number of updates made (fewer than asked when the adaptive step control found no step that
        lowers the objective: a minimum to rounding error).
    seconds : float
        Wall time.
    rejected : int
        Trial steps the adaptive step control rejected (each costs one evaluation, not an SR solve).
    """

    rbm: RBM
    history: np.ndarray
    energy: float | None
    fidelity: float | None
    method: str
    steps: int
    seconds: float
    rejected: int = 0

    @property
    def energies(self) -> np.ndarray:
        """The energy history (``variational_ground_state`` fits)."""
        return self.history


class _Parametrization:
    """Packs (a, b, nonzero W) into one vector and evaluates ln psi and its log-derivatives exactly."""

    def __init__(self, rbm: RBM, complex_parameters: bool | None) -> None:
        if not isinstance(rbm, RBM):
            raise InvalidParameterError(f"rbm must be a tnrbm.RBM; got {type(rbm).__name__}")
        n = rbm.n_visible
        if n > MAX_SPINS:
            raise InvalidParameterError(
                f"rbm.n_visible must be at most {MAX_SPINS} for exact sums over 2**N configurations; got {n} "
                "(raise tnrbm.fit.MAX_SPINS for more: time and memory grow like 2**N)"
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
        log_factor = log_sum_hidden(theta, self.hidden)
        d_theta = np.tanh(theta) if self.hidden == "spin" else 1.0 / (1.0 + np.exp(-theta))
        log_psi = v @ a + log_factor.sum(axis=1)
        psi = np.exp(log_psi - log_psi.real.max())
        psi = psi / np.linalg.norm(psi)
        o = np.empty((len(v), self.n_params), dtype=self.dtype)
        o[:, : self.n] = v
        o[:, self.n : self.n + self.m] = d_theta
        o[:, self.n + self.m :] = v[:, self.rows] * d_theta[:, self.cols]
        return (psi if self.complex else psi.real), o


def _direction(
    o: np.ndarray, p: np.ndarray, force: np.ndarray, method: str, diag_shift: float, real: bool
) -> np.ndarray:
    """The parameter change for a unit step: ``-(S + shift)^-1 F`` (SR) or ``-F`` (gradient descent)."""
    if method == "gd":
        return -(force.real if real else force)
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
    return -delta


@dataclass
class _Point:
    """The objective at one parameter vector: the loss minimized, the value reported, and what SR needs."""

    params: np.ndarray
    loss: float
    value: float
    psi: np.ndarray
    o: np.ndarray
    force: np.ndarray


def _energy_objective(par: _Parametrization, op: Any) -> Callable[[np.ndarray], _Point]:
    def at(params: np.ndarray) -> _Point:
        psi, o = par.evaluate(params)
        hpsi = op @ psi
        e = float(np.vdot(psi, hpsi).real)
        force = o.conj().T @ (psi.conj() * hpsi) - (np.abs(psi) ** 2 @ o).conj() * e
        return _Point(params, e, e, psi, o, force)

    return at


def _fidelity_objective(par: _Parametrization, phi: np.ndarray) -> Callable[[np.ndarray], _Point]:
    """SR on ``-ln F``: the force is ``<O*>_psi - sum_v psi* O* phi / <psi|phi>``."""

    def at(params: np.ndarray) -> _Point:
        psi, o = par.evaluate(params)
        overlap = np.vdot(psi, phi)
        f = float(min(abs(overlap) ** 2, 1.0))
        if abs(overlap) < 1e-300:
            return _Point(params, np.inf, f, psi, o, np.zeros(par.n_params, dtype=par.dtype))
        force = (np.abs(psi) ** 2 @ o).conj() - o.conj().T @ (psi.conj() * phi) / overlap
        return _Point(params, -np.log(f), f, psi, o, force)

    return at


def _fixed_step(at: Callable, point: _Point, delta: np.ndarray, rate: float, step: int, hint: str) -> _Point:
    params = point.params + rate * delta
    if not np.all(np.isfinite(params)):
        raise InvalidParameterError(f"the fit diverged at step {step}; use a smaller learning_rate (got {rate}){hint}")
    point = at(params)
    if not np.isfinite(point.loss):
        raise InvalidParameterError(
            f"the fit reached a state orthogonal to the target at step {step}; use a smaller learning_rate "
            f"(got {rate}) or step_control='adaptive'"
        )
    return point


def _adaptive_step(at: Callable, point: _Point, delta: np.ndarray, rate: float) -> tuple[_Point | None, float, int]:
    """Armijo backtracking: halve the step until the loss falls by ``_ARMIJO`` x the first-order
    prediction ``2 Re <F, delta>``; returns (the new point or None, the next step, rejections). The
    next step is the one used, times ``_GROWTH`` when the fall reached ``_GOOD_RATIO`` x the prediction
    (capped at learning_rate by the caller)."""
    slope = 2.0 * float(np.vdot(point.force, delta).real)
    largest = float(np.abs(delta).max(initial=0.0))
    if largest * rate > _MAX_PARAMETER_STEP:
        rate = _MAX_PARAMETER_STEP / largest
    for tries in range(_MAX_HALVINGS + 1):
        params = point.params + rate * delta
        if np.all(np.isfinite(params)):
            trial = at(params)
            fall = point.loss - trial.loss
            if np.isfinite(trial.loss) and fall > 0 and fall >= -_ARMIJO * rate * slope:
                return trial, (rate if fall < -_GOOD_RATIO * rate * slope else _GROWTH * rate), tries
        rate *= 0.5
    return None, rate, _MAX_HALVINGS + 1


def _descend(at: Callable, par: _Parametrization, steps: int, options: dict, report: Callable | None) -> tuple:
    """The optimization loop shared by both fits; returns (final point, history, updates, rejected)."""
    point = at(par.params)
    if not np.isfinite(point.loss):
        raise InvalidParameterError("the rbm is orthogonal to the target vector: start from another rbm")
    history, rejected, lr_max = [point.value], 0, options["learning_rate"]
    rate = lr_max
    hint = "" if options["method"] == "gd" else f" or a larger diag_shift (got {options['diag_shift']})"
    for step in range(1, steps + 1):
        delta = _direction(
            point.o, np.abs(point.psi) ** 2, point.force, options["method"], options["diag_shift"], not par.complex
        )
        if options["step_control"] == "fixed":
            point = _fixed_step(at, point, delta, rate, step, hint)
        else:
            new, used, tries = _adaptive_step(at, point, delta, rate)
            rejected += tries
            if new is None:  # no step lowers the objective: converged to rounding error
                return point, history, step - 1, rejected
            point, rate = new, min(used, lr_max)
        history.append(point.value)
        if report is not None:
            report(step, point.value)
    return point, history, steps, rejected


@contextlib.contextmanager
def _reporter(progress: Any, steps: int, label: str) -> Iterator[Callable[[int, float], Any] | None]:
    """``progress`` as a callable(step, value): a user callable, a tqdm bar (True, tqdm installed), a
    stderr line every ``steps // 20`` steps (True, no tqdm), or None (None or False)."""
    if progress is None or progress is False:
        yield None
        return
    if callable(progress):
        yield progress
        return
    if progress is not True:
        raise InvalidParameterError(f"progress must be a callable(step, value), True, False or None; got {progress!r}")
    try:
        from tqdm.auto import tqdm
    except ImportError:
        every = max(1, steps // 20)
        yield (
            lambda step, value: (
                print(f"{label}: step {step}/{steps}, {value:.10g}", file=sys.stderr, flush=True)
                if step % every == 0 or step == steps
                else None
            )
        )
        return
    bar = tqdm(total=steps, desc=label, file=sys.stderr)

    def advance(step: int, value: float) -> None:
        bar.update(step - bar.n)
        bar.set_postfix_str(f"{value:.10g}", refresh=False)

    try:
        yield advance
    finally:
        bar.close()


def _netket_sparse(hamiltonian: Any, n: int) -> sp.csr_array:
    """The sparse matrix of a NetKet operator on ``nk.hilbert.Spin(1/2, n)``, in tnrbm's kron order.

    NetKet's Pauli operators have the same matrix in both orderings of ``Spin`` (basis index 0 is the
    ``sigma^z = +1`` state also with ``inverted_ordering=True``, whose local states read ``[-1, 1]``),
    and that is tnrbm's order (``v = +1`` first), so the sparse form is used as it is."""
    import netket as nk  # optional; already imported when H is a NetKet operator

    hilbert: Any = getattr(hamiltonian, "hilbert", None)
    ok = isinstance(hilbert, nk.hilbert.Spin) and hilbert.local_size == 2 and not hilbert.constrained
    if not ok or hilbert.size != n:
        raise InvalidParameterError(
            f"H is a NetKet operator on {hilbert!r}; the fit needs an unconstrained nk.hilbert.Spin(s=1/2, N={n}) "
            f"(N = rbm.n_visible)"
        )
    matrix = sp.csr_array(hamiltonian.to_sparse())
    return matrix


def _hamiltonian(hamiltonian: Any, n: int) -> Any:
    """``hamiltonian`` as an operator of size ``2**n``: PauliSum, sparse, LinearOperator, array or NetKet operator."""
    if hasattr(hamiltonian, "to_sparse") and type(hamiltonian).__module__.startswith("netket"):
        hamiltonian = _netket_sparse(hamiltonian, n)  # noqa: N806
    op = as_operator(hamiltonian)
    if op.shape[0] != 2**n:
        raise InvalidParameterError(f"H must have size 2**{n} = {2**n}; got shape {op.shape}")
    return op


#: the largest starting noise: the parameters enter exponentials, and larger noise overflows them
MAX_NOISE = 100.0


def _prepare(
    rbm: RBM, steps: Any, seed: Any, noise: Any, options: dict, complex_parameters: Any
) -> tuple[_Parametrization, int, dict]:
    check_choice(options["method"], "method", METHODS)
    check_choice(options["step_control"], "step_control", STEP_CONTROLS)
    if complex_parameters is not None:
        complex_parameters = check_bool(complex_parameters, "complex_parameters")
    par = _Parametrization(rbm, complex_parameters)
    options["learning_rate"] = check_positive(options["learning_rate"], "learning_rate")
    options["diag_shift"] = check_nonnegative(options["diag_shift"], "diag_shift")
    steps = check_int(steps, "steps", minimum=0)
    scale = check_nonnegative(noise, "noise")
    check_seed(seed)
    if scale > MAX_NOISE:
        raise InvalidParameterError(f"noise must be at most {MAX_NOISE} (a perturbation of the start); got {noise!r}")
    if seed is not None and scale != 0:
        rng = rng_from_seed(seed)
        perturbation = rng.normal(0.0, scale, size=par.n_params)
        if par.complex:
            perturbation = perturbation + 1j * rng.normal(0.0, scale, size=par.n_params)
        par.params = par.params + perturbation
    return par, steps, options


def _run(
    par: _Parametrization, objective: Any, steps: int, options: dict, progress: Any, label: str, t0: float
) -> tuple[Any, FitResult]:
    """Descend ``objective`` from ``par``; the final point and a :class:`FitResult` without energy/fidelity."""
    # one BLAS thread: the matrices are at most 2**16 x a few hundred, and on 2 shared cores two threads
    # made an N = 16 SR step 3x slower (2.8 s against 0.9 s), up to 50x at N = 12
    with blas_threads(1), _reporter(progress, steps, label) as report:
        point, history, made, rejected = _descend(objective, par, steps, options, report)
    res = FitResult(
        rbm=par.to_rbm(point.params),
        history=np.array(history),
        energy=None,
        fidelity=None,
        method=options["method"],
        steps=made,
        seconds=time.perf_counter() - t0,
        rejected=rejected,
    )
    return point, res


@renamed_keywords(H="hamiltonian")
def variational_ground_state(
    rbm: RBM,
    hamiltonian: Any,
    steps: int = 300,
    method: str = "sr",
    learning_rate: float = 0.1,
    diag_shift: float = 1e-4,
    seed: Any = None,
    noise: float = 0.0,
    complex_parameters: bool | None = None,
    reference: Any = None,
    progress: Progress = None,
    step_control: str = "adaptive",
) -> FitResult:
    """Minimize the exact energy of an RBM for a Hamiltonian (``N <= 16``).

    Parameters
    ----------
    rbm
        The starting network; its connectivity and hidden convention are kept.
    hamiltonian
        The Hamiltonian: a :class:`~tnrbm.ed.PauliSum`, scipy sparse matrix, ``LinearOperator``, dense
        array of size ``2**N``, or a NetKet operator on ``nk.hilbert.Spin(1/2, N)`` (its
        ``to_sparse()`` form). Mind the sign: NetKet's ``nk.operator.Ising(hilbert, graph, h, J)`` is
        ``H = -h sum X + J sum ZZ`` (``J > 0`` is antiferromagnetic), while ``tnrbm.ed.tfim(n, J, h)``
        is ``-J sum ZZ - h sum X``: ``Ising(h=h, J=J)`` equals ``ed.tfim(n, J=-J, h=h)``.
    steps
        Maximum number of updates.
    method
        ``"sr"`` (stochastic reconfiguration, exact) or ``"gd"`` (plain gradient descent).
    learning_rate
        The largest step (the imaginary-time step for SR); with the adaptive step control, also the
        first one tried.
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
        ``callable(step, energy)`` called after every step, ``True`` for a tqdm bar on stderr (a
        plain stderr line every ``steps // 20`` steps without tqdm), or None.
    step_control
        ``"adaptive"``: move no parameter by more than 0.2 per step, halve a step until the exact
        energy falls by a tenth of the first-order prediction and grow it again (by 1.5, up to
        ``learning_rate``) when the prediction holds; the energy never rises, and the fit stops early
        when no step lowers it. ``"fixed"``: every step
        at ``learning_rate`` (the behaviour before; overshoots from small starts).

    Returns
    -------
    FitResult
        ``history`` holds the energy before the first step and after every step.

    Examples
    --------
    >>> import tnrbm
    >>> from tnrbm import ed, fit
    >>> res = fit.variational_ground_state(tnrbm.models.random_rbm(4, 4, scale=0.1, seed=0), ed.tfim(4), steps=100)
    >>> bool(res.energy - ed.ground_state(ed.tfim(4)).energy < 1e-5)
    True
    """
    t0 = time.perf_counter()
    options = {"method": method, "learning_rate": learning_rate, "diag_shift": diag_shift}
    par, steps, options = _prepare(
        rbm, steps, seed, noise, {**options, "step_control": step_control}, complex_parameters
    )
    op = _hamiltonian(hamiltonian, par.n)
    point, res = _run(par, _energy_objective(par, op), steps, options, progress, "variational ground state", t0)
    res.energy = float(res.history[-1])
    res.fidelity = None if reference is None else fidelity(point.psi, reference)
    return res


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
    step_control: str = "adaptive",
) -> FitResult:
    """Maximize the fidelity ``|<phi|psi>|**2 / <psi|psi>`` of an RBM with a target vector ``phi``.

    SR on ``-ln F``: the force is ``<O*>_psi - sum_v psi* O* phi / <psi|phi>``. Arguments as in
    :func:`variational_ground_state` (the adaptive step control acts on ``-ln F``: the fidelity never
    falls); ``progress(step, fidelity)``. With ``step_control="fixed"``, steps much above 0.05 can
    throw complex RBMs into a trap (a zero of ``cosh theta``) where the fidelity stalls at a small value.

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
    t0 = time.perf_counter()
    options = {"method": method, "learning_rate": learning_rate, "diag_shift": diag_shift}
    par, steps, options = _prepare(
        rbm, steps, seed, noise, {**options, "step_control": step_control}, complex_parameters
    )
    phi = state_vector(vector, "vector")
    if phi.size != 2**par.n:
        raise InvalidParameterError(f"vector must have length 2**{par.n} = {2**par.n}; got {phi.size}")
    if np.iscomplexobj(phi) and not par.complex and np.abs(phi.imag).max() > 1e-12:
        raise InvalidParameterError("vector is complex: fit it with complex_parameters=True")
    if not par.complex:
        phi = phi.real
    _, res = _run(par, _fidelity_objective(par, phi), steps, options, progress, "fit to state", t0)
    res.fidelity = float(res.history[-1])
    return res


def log_derivatives(rbm: RBM, v: Any) -> np.ndarray:
    """``d ln psi / d (a, b, W_nonzero)`` at configurations ``v``, shape ``(..., n_params)``.

    The parameter order is ``a`` (n_visible), ``b`` (n_hidden), then the nonzero couplings sorted by
    (visible, hidden) index -- the order :func:`variational_ground_state` uses.

    Examples
    --------
    >>> import numpy as np, tnrbm
    >>> from tnrbm import fit
    >>> rbm = tnrbm.RBM(np.array([[0.3]]), visible_bias=[0.1], hidden_bias=[0.2])
    >>> d = fit.log_derivatives(rbm, [1.0])
    >>> bool(np.allclose(d, [1.0, np.tanh(0.5), np.tanh(0.5)]))
    True
    """
    par = _Parametrization(rbm, None)
    conf = check_configurations(v, rbm.n_visible)
    flat = conf.reshape(-1, rbm.n_visible)
    theta = rbm.theta(flat)
    d_theta = np.tanh(theta) if rbm.hidden == "spin" else 1.0 / (1.0 + np.exp(-theta))
    out = np.concatenate([flat, d_theta, flat[:, par.rows] * d_theta[:, par.cols]], axis=1).astype(par.dtype)
    return out.reshape(conf.shape[:-1] + (par.n_params,))


def estimate(rbm: RBM, steps: int = 300, method: str = "sr", complex_parameters: bool | None = None) -> dict:
    """The memory and time a fit of ``rbm`` will take, before running it.

    The memory is the bound the fit itself checks (the ``2**N x n_params`` log-derivative matrix and its
    two working copies, plus the ``n_params x n_params`` SR matrix); the time is one step's linear
    algebra (amplitudes, log-derivatives and, for SR, the S matrix and its solve) timed at this size on
    this machine, times ``steps``. The Hamiltonian's product and the adaptive control's rejected trials
    (a few, at the start) add a little; a loaded machine takes longer.

    Returns
    -------
    dict
        ``configurations`` (``2**N``), ``parameters``, ``bytes``, ``seconds_per_step``, ``seconds``.

    Examples
    --------
    >>> import tnrbm
    >>> from tnrbm import fit
    >>> cost = fit.estimate(tnrbm.models.random_rbm(8, 8, seed=0), steps=100)
    >>> cost["configurations"], cost["parameters"], cost["bytes"] < 2**20
    (256, 80, True)
    """
    if method not in METHODS:
        raise InvalidParameterError(f"method must be one of {METHODS}; got {method!r}")
    steps = check_int(steps, "steps", minimum=0)
    par = _Parametrization(rbm, complex_parameters)
    itemsize = np.dtype(par.dtype).itemsize
    nbytes = 3.0 * itemsize * 2**par.n * par.n_params + 2.0 * itemsize * par.n_params**2
    with blas_threads(1):
        t0 = time.perf_counter()
        psi, o = par.evaluate(par.params)
        _direction(o, np.abs(psi) ** 2, o[0].conj(), method, 1e-4, not par.complex)
        per_step = time.perf_counter() - t0
    return {
        "configurations": 2**par.n,
        "parameters": par.n_params,
        "bytes": int(nbytes),
        "seconds_per_step": per_step,
        "seconds": per_step * steps,
    }


def fit_report(
    n: int = 12,
    h: float = 1.0,
    J: float = 1.0,  # noqa: N803
    alpha: int = 1,
    steps: int = 300,
    learning_rate: float = 0.1,
    diag_shift: float = 1e-4,
    method: str = "sr",
    seed: int = 0,
    progress: Callable | None = None,
) -> dict[str, Any]:
    """Fit a fully connected RBM to the periodic TFIM and compare with ED (the rows ``tnrbm fit`` prints; was ``run_fit``).

    Returns ``{"summary": rows, "cuts": rows, "rbm": RBM, "history": energies}``: the summary rows are
    ``quantity, rbm, ed, error``; the cut rows are ``cut, entropy_rbm, entropy_ed, difference, bound`` for
    the blocks ``[0, l)``, with ``bound = m ln 2`` from the fitted RBM's minimal cut.

    Examples
    --------
    >>> from tnrbm.fit import fit_report
    >>> out = fit_report(n=4, steps=50)
    >>> [row["quantity"] for row in out["summary"]]
    ['energy', 'relative error', 'fidelity', 'seconds']
    """
    hamiltonian = tfim(n, J=J, h=h)
    exact = eigensolver_ground_state(hamiltonian)
    start = random_rbm(n, alpha * n, scale=0.05, bias_scale=0.0, seed=seed)
    res = variational_ground_state(
        start,
        hamiltonian,
        steps=steps,
        method=method,
        learning_rate=learning_rate,
        diag_shift=diag_shift,
        reference=exact.vector,
        progress=progress,
    )
    energy, fidelity = res.energy, res.fidelity
    assert energy is not None and fidelity is not None  # variational_ground_state with a reference sets both
    rel = abs(energy - exact.energy) / abs(exact.energy)
    summary = [
        {"quantity": "energy", "rbm": energy, "ed": exact.energy, "error": energy - exact.energy},
        {"quantity": "relative error", "rbm": rel, "ed": 0.0, "error": rel},
        {"quantity": "fidelity", "rbm": fidelity, "ed": 1.0, "error": 1.0 - fidelity},
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


#: ``run_fit`` (the rows ``tnrbm fit`` prints) is :func:`fit_report`;
#: ``ground_state`` (variational) is ``variational_ground_state`` (``tnrbm.ed.ground_state`` is the eigensolver)
__getattr__, _dir = forward(
    __name__,
    {"run_fit": "tnrbm.fit:fit_report", "ground_state": "tnrbm.fit:variational_ground_state"},
    why={"ground_state": "tnrbm.ed.ground_state is the eigensolver"},
)
