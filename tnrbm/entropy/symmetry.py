"""Symmetry-resolved entanglement, exact: sector probabilities, sector spectra, number entropy, charged moments.

Across the minimal cut ``psi = X Y^T`` (:mod:`tnrbm.entropy.cut`). With a twist ``U_alpha`` on the
region's physical legs (:mod:`tnrbm.network.charges`), the *twisted Gram*
``G_A(alpha) = X^dagger U_alpha X`` is the Gram network of the plain cut with one phase vector
``diag(1, e^{i alpha})`` multiplied into a ket tensor on each charged leg (or, for the spin flip, the
bra's legs reversed): the same tensors, the same contraction plan. Then

* ``Tr rho_A^n U_alpha = Tr[(G G_A)^{n-1} G G_A(alpha)] / Tr[G G_A]^n`` with ``G = G_B^T``;
* the sector Gram ``G_A^(q) = (1/K) sum_k e^{-i alpha_k q} G_A(alpha_k) = X^dagger P_q X`` (a discrete
  Fourier transform over the ``K`` twists);
* when ``[rho_A, Q_A] = 0``, the spectrum of ``rho_A`` in sector ``q`` is the nonzero spectrum of
  ``G^{1/2} G_A^(q) G^{1/2}`` and ``p(q) = Tr[G G_A^(q)] / Tr[G G_A]``.

The cost is ``K`` (or ``K/2 + 1`` for U(1): ``G_A(-alpha) = G_A(alpha)^dagger``) region contractions,
one complement contraction and ``K`` eigenproblems of ``2**m`` -- never ``2**N``. Derivations and the
checks on dense states are in ``docs/theory/symmetry.md``.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.linalg

from .._deprecated import renamed_keywords
from .._numerics import nats_per_unit
from ..bulk import min_cut
from ..errors import InvalidParameterError, InvalidRegionError, NumericalError
from ..network import BoltzmannNetwork
from ..network.charges import Charge, as_charge
from ..network.projected import ProjectedRBM
from ..validation import (
    MaxMemory,
    as_float,
    check_base,
    check_choice,
    check_memory,
    check_region,
    check_renyi,
    memory_limit,
)
from .cut import gram_networks, gram_threads, plan_grams
from .dense import as_state_vector, pow2
from .grams import GRAM_ARRAYS_HELD, LAPACK_WORK, spectrum_from_grams
from .sectors import SymmetryResult, split_entropy
from .spectrum import renyi_entropy

__all__ = [
    "SymmetryWarning",
    "charged_moment_from_grams",
    "sector_spectra_dense",
    "symmetry_resolved",
    "twisted_arrays",
    "twisted_grams",
]

#: sector probabilities below this (relative) are rounding noise of the Fourier transform: the sector is empty
EMPTY_SECTOR = 1e-13
_CHECKS = ("state", "spectrum", "none")


class SymmetryWarning(UserWarning):
    """The state is not symmetric: the sector-resolved quantities describe ``sum_q P_q rho_A P_q``."""


# --------------------------------------------------------------------------------- twisted Gram networks
def twisted_arrays(
    arrays: Sequence[np.ndarray], inputs: Sequence[tuple], legs: Sequence[str], charge: Charge, alpha: float
) -> list[np.ndarray]:
    """The arrays of a Gram network (:func:`~tnrbm.entropy.cut.gram_network`: the ket terms, then their
    conjugates) for ``X^dagger U_alpha X``, with ``U_alpha`` on the physical indices ``legs``.

    A diagonal charge multiplies ``diag(1, e^{i alpha})`` into the first ket term carrying each leg; the
    spin flip (``alpha = pi``) reverses every bra term along each leg. Shapes and indices are unchanged, so
    the plain Gram's contraction plan contracts it.

    Examples
    --------
    >>> import numpy as np, cotengra as ctg
    >>> from tnrbm.entropy.cut import gram_network
    >>> from tnrbm.network.charges import as_charge
    >>> x = np.array([[1.0, 2.0], [0.5, -1.0]])  # X[v, c]
    >>> arrays, inputs, out = gram_network([(x, ("k0", "c"))], ["k0"], ["c"])
    >>> flip = twisted_arrays(arrays, inputs, ["k0"], as_charge("z2", 1), np.pi)
    >>> bool(np.allclose(ctg.array_contract(flip, inputs, out), x.T @ x[::-1]))
    True
    """
    out = list(arrays)
    half = len(arrays) // 2
    leg_set = set(legs)
    if charge.diagonal:
        phase = np.array([1.0, np.exp(1j * alpha)])
        if abs(phase[1] - round(phase[1].real)) < 1e-15:
            phase = phase.real
        for leg in leg_set:
            k = next((t for t in range(half) if leg in inputs[t]), None)
            if k is None:
                raise InvalidParameterError(f"the Gram network has no ket tensor on leg {leg!r}")
            shape = [1] * np.ndim(out[k])
            shape[inputs[k].index(leg)] = 2
            out[k] = out[k] * phase.reshape(shape)
        return out
    if abs(np.exp(1j * alpha) - 1) < 1e-12:
        return out
    for t in range(half, len(arrays)):
        axes = tuple(a for a, ix in enumerate(inputs[t]) if ix in leg_set)
        if axes:
            out[t] = np.ascontiguousarray(np.flip(out[t], axis=axes))
    return out


@renamed_keywords(n="renyi_order")
def charged_moment_from_grams(
    gram_a: np.ndarray, gram_a_twisted: np.ndarray, gram_b: np.ndarray, renyi_order: int = 1
) -> complex:
    """``Tr rho_A^n U_alpha = Tr[(G G_A)^{n-1} G G_A(alpha)] / Tr[G G_A]^n`` with ``G = G_B^T``.

    Valid for any state (symmetric or not); ``O(n 8**m)`` work.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> x, y = rng.normal(size=(4, 3)), rng.normal(size=(8, 3))
    >>> u = np.diag([1, -1, -1, 1])  # Z on both spins of A
    >>> rho = (x @ y.T) @ (x @ y.T).T
    >>> z = charged_moment_from_grams(x.T @ x, x.T @ u @ x, y.T @ y, renyi_order=2)
    >>> bool(np.isclose(z, np.trace(rho @ rho @ u) / np.trace(rho) ** 2))
    True
    """
    renyi_order = int(renyi_order)
    if renyi_order < 1:
        raise InvalidParameterError(f"renyi_order must be an integer >= 1; got {renyi_order}")
    g = np.asarray(gram_b).T
    ga = np.asarray(gram_a)
    norm = np.trace(g @ ga)
    mat = g @ np.asarray(gram_a_twisted)
    step = g @ ga / norm
    for _ in range(renyi_order - 1):
        mat = step @ mat
    return complex(np.trace(mat) / norm)


# --------------------------------------------------------------------------------- dense states
def sector_spectra_dense(
    psi: np.ndarray, n: int, region: tuple[int, ...], charge: Charge
) -> tuple[np.ndarray, list[np.ndarray], np.ndarray]:
    """``(p(q), [normalized spectrum of sector q], plain spectrum)`` of a normalized state vector.

    ``M = psi`` reshaped to ``A x B``; sector ``q`` is ``P_q M`` (the rows of charge ``q``, or
    ``(M +- M[flip]) / 2`` for the spin flip) and its squared singular values.

    Examples
    --------
    >>> import numpy as np
    >>> from tnrbm.network.charges import as_charge
    >>> ghz = np.zeros(8); ghz[[0, 7]] = 2**-0.5
    >>> p, spectra, _ = sector_spectra_dense(ghz, 3, (0,), as_charge("z2", 3))
    >>> np.round(p, 12).tolist(), [np.round(s, 12).tolist() for s in spectra]
    ([0.5, 0.5], [[1.0, 0.0], [1.0, 0.0]])
    """
    rest = [i for i in range(n) if i not in set(region)]
    mat = psi.reshape((2,) * n).transpose(list(region) + rest).reshape(2 ** len(region), -1)
    k = charge.n_sectors(region)
    if charge.diagonal:
        rows = charge.row_charges(region)
        blocks = [mat[rows == q] for q in range(k)]
    else:
        flipped = mat[charge.flip_rows(region)]
        blocks = [(mat + flipped) / 2, (mat - flipped) / 2]
    probs, spectra = [], []
    for b in blocks:
        s = np.linalg.svd(b, compute_uv=False) ** 2 if b.size else np.zeros(0)
        w = float(s.sum())
        probs.append(w)
        spectra.append(np.sort(s / w)[::-1] if w > EMPTY_SECTOR else np.zeros(0))
    plain = np.linalg.svd(mat, compute_uv=False) ** 2
    p = np.array(probs)
    p[p <= EMPTY_SECTOR] = 0.0
    return p / p.sum(), spectra, plain / plain.sum()


def _global_twist_dense(psi: np.ndarray, n: int, charge: Charge) -> tuple[complex, float]:
    """``(<psi| U |psi>, alpha)`` for the twist generating the global group."""
    if not charge.diagonal:
        return complex(np.vdot(psi, psi[charge.flip_rows(range(n))])), math.pi
    alpha = charge.alphas(range(n))[1]
    return complex(np.vdot(psi, np.exp(1j * alpha * charge.row_charges(range(n))) * psi)), alpha


# --------------------------------------------------------------------------------- the cut route
def _twisted_gram(plan: Any, arrays: list, inputs: list, legs: list, charge: Charge, alpha: float) -> tuple:
    """``(mantissa, log10 exponent)`` of one twisted Gram (``2**m x 2**m``)."""
    mant, exp = plan.contract(twisted_arrays(arrays, inputs, legs, charge, alpha))
    side = int(round(math.sqrt(mant.size)))
    return mant.reshape(side, side), float(exp)


class _SectorGrams:
    """The sector Grams of one side: its twisted Grams (``K``, or ``K/2 + 1`` for U(1)) held, each sector's
    made on demand by the Fourier transform, real when the network is real."""

    def __init__(self, plan: Any, arrays: list, inputs: list, part: Sequence[int], charge: Charge, real: bool):
        legs = [f"k{i}" for i in charge.charged(part)]
        self.alphas = charge.alphas(part)
        k = len(self.alphas)
        half = k // 2 + 1 if charge.kind == "u1" else k
        grams = [_twisted_gram(plan, arrays, inputs, legs, charge, a) for a in self.alphas[:half]]
        top = max(e for _, e in grams)
        self.twisted = [g * 10.0 ** (e - top) for g, e in grams]
        self.exponent, self.real, self.n_contractions = top, real, half

    def twisted_gram(self, j: int) -> np.ndarray:
        """``G(alpha_j)`` (mantissa; the shared exponent is :attr:`exponent`)."""
        if j < len(self.twisted):
            return self.twisted[j]
        return self.twisted[len(self.alphas) - j].conj().T

    def at(self, alpha: float) -> np.ndarray:
        """``G(alpha)`` at any angle of a diagonal charge, from the held twists: with ``Q_A`` in ``0 ... K-1``,
        ``U_alpha = sum_q e^{i alpha q} P_q``, so ``G(alpha) = sum_k c_k G(alpha_k)`` with
        ``c_k = (1/K) sum_q e^{i (alpha - alpha_k) q}``."""
        k = len(self.alphas)
        q = np.arange(k)
        coef = [np.sum(np.exp(1j * (alpha - a) * q)) / k for a in self.alphas]
        return sum(c * self.twisted_gram(j) for j, c in enumerate(coef))

    def traces(self, other: np.ndarray) -> np.ndarray:
        """``t_j = sum_ab G(alpha_j)[a, b] other[a, b]`` for every twist ``j`` (``Tr[G(alpha_j) other^T]``) as BLAS
        dot products, without forming the twists that are not held: for those,
        ``G(alpha_j) = G(alpha_{K-j})^dagger`` and ``t_j = vdot(G(alpha_{K-j}), other^T)``."""
        k, held = len(self.alphas), len(self.twisted)
        flat = np.ascontiguousarray(other).reshape(-1)
        out = [np.dot(t.reshape(-1), flat) for t in self.twisted]
        if held < k:
            flat_t = np.ascontiguousarray(np.asarray(other).T).reshape(-1)
            out += [np.vdot(self.twisted[k - j].reshape(-1), flat_t) for j in range(held, k)]
        return np.array(out, dtype=complex)

    def fourier(self, q: int) -> np.ndarray:
        """The coefficients ``e^{-i alpha_j q} / K`` of sector ``q``."""
        return np.exp(-1j * self.alphas * q) / len(self.alphas)

    def sector(self, q: int) -> np.ndarray:
        """``X^dagger P_q X`` (mantissa), Hermitian up to rounding (the spectrum reads one triangle).

        Accumulated in place by BLAS ``axpy``, in real arithmetic when the twists and their coefficients are
        real (Z2 on a real network). The twists that are not held enter as one conjugate transpose at the
        end: ``sum_{j >= h} c_j G_{K-j}^dagger = (sum_{j >= h} conj(c_j) G_{K-j})^dagger``."""
        coef = self.fourier(q)
        k, held = len(self.alphas), len(self.twisted)
        real = held == k and all(np.isrealobj(t) for t in self.twisted) and np.allclose(coef.imag, 0.0, atol=1e-15)
        dtype = float if real else complex
        axpy = scipy.linalg.blas.daxpy if real else scipy.linalg.blas.zaxpy
        acc = np.zeros(self.twisted[0].shape, dtype=dtype)
        for j in range(held):
            axpy(
                np.asarray(self.twisted[j], dtype=dtype).reshape(-1),
                acc.reshape(-1),
                a=coef[j].real if real else coef[j],
            )
        if held < k:
            rest = np.zeros_like(acc)
            for j in range(held, k):
                axpy(self.twisted[k - j].reshape(-1), rest.reshape(-1), a=np.conj(coef[j]))
            np.conj(rest, out=rest)
            acc += rest.T
            del rest
        return np.ascontiguousarray(acc.real) if self.real and not real else acc


def twisted_grams(
    network: BoltzmannNetwork,
    region: Any,
    alphas: Any,
    symmetry: Any = "u1",
    sites: Any = None,
    max_memory: MaxMemory = None,
) -> tuple[list[np.ndarray], np.ndarray]:
    """``([G_A(alpha) for alpha in alphas], G_B)`` through the minimal cut of ``region``, the ``G_A(alpha)``
    on one common scale (``G_B`` on its own).

    ``G_A(alpha) = X^dagger U_alpha X`` with ``U_alpha = e^{i alpha Q_A}`` (the flip ``F_A`` at
    ``alpha = pi`` for ``"z2"``); with :func:`charged_moment_from_grams` it gives
    ``Tr rho_A^n U_alpha`` of any state.

    Examples
    --------
    >>> import numpy as np, tnrbm
    >>> ghz = tnrbm.states.ghz(6)
    >>> (g0, g1), gb = twisted_grams(ghz, [0, 1, 2], [0.0, np.pi], "z2")
    >>> round(abs(charged_moment_from_grams(g0, g1, gb, renyi_order=1)), 12)  # <F_A> = 0
    0.0
    """
    region = check_region(region, network.n_visible)
    charge = as_charge(symmetry, network.n_visible, sites)
    alphas = [as_float(a) for a in np.atleast_1d(alphas)]
    cut = min_cut(network, region)
    limit = memory_limit(max_memory)
    _check_cut_memory(cut.size, len(alphas) + 1, 16, limit)
    networks, plans = plan_grams(network, region, cut, limit)
    inputs = gram_networks(network, region, cut)[0][2]
    legs = [f"k{i}" for i in charge.charged(region)]
    grams = [_twisted_gram(plans[0], networks[0], inputs, legs, charge, a) for a in alphas]
    top = max(e for _, e in grams)
    mant, _ = plans[1].contract(networks[1])
    return [g * 10.0 ** (e - top) for g, e in grams], mant.reshape(grams[0][0].shape)


def _held(charge: Charge, part: Sequence[int]) -> int:
    """Twisted Grams of ``part`` held at once (``K``, or ``K/2 + 1`` for U(1))."""
    k = charge.n_sectors(part)
    return k // 2 + 1 if charge.kind == "u1" else k


def _check_cut_memory(m: int, held: int, itemsize: int, limit: int) -> None:
    """Refuse before contracting when ``held`` Gram-sized arrays (twisted Grams, the complement's, one
    sector Gram per side) and the spectrum's work space (:data:`~tnrbm.entropy.grams.GRAM_ARRAYS_HELD`)
    exceed ``limit``."""
    check_memory(
        (held + GRAM_ARRAYS_HELD) * itemsize * 4.0**m + LAPACK_WORK,
        f"{held} Gram-sized arrays (twisted Grams, sector Grams) and the spectrum work space of a cut of m={m} "
        f"units ({2**m} x {2**m}, {itemsize} bytes per entry)",
        limit,
        "choose a region with a smaller minimal cut, or a Z2 symmetry (2 twists instead of |A| + 1)",
    )


def _cut_itemsize(net: BoltzmannNetwork, charge: Charge) -> int:
    """8 when every Gram stays real (a real network and real twists: Z2), else 16."""
    return 8 if not net.is_complex and charge.kind != "u1" else 16


def _state_check(grams_a: _SectorGrams, side_b: tuple, gb: tuple, charge: Charge) -> tuple:
    """``(<psi|U|psi>, alpha)`` for the twist generating the global group, ``Tr[G_A(alpha) G_B(alpha)^T]``
    over ``Tr[G_A G_B^T]``: one more complement contraction (``G_A(alpha)`` comes from the region's held
    twists, :meth:`_SectorGrams.at`). ``side_b`` is ``(plan, arrays, inputs, part)``."""
    alpha = math.pi if charge.kind != "u1" else float(charge.alphas(range(charge.n))[1])
    ga_alpha = grams_a.at(alpha) if charge.kind == "u1" else grams_a.twisted_gram(1)
    plan, arrays, inputs, part = side_b
    gb_alpha, eb = _twisted_gram(plan, arrays, inputs, [f"k{i}" for i in charge.charged(part)], charge, alpha)
    norm = np.sum(grams_a.twisted_gram(0) * gb[0])
    return complex(np.sum(ga_alpha * gb_alpha) * 10.0 ** (eb - gb[1]) / norm), alpha


def _cut_route(network: Any, region: tuple, charge: Charge, limit: int, check: str) -> dict:
    """Sector probabilities and spectra of a network (or a projected RBM) through its minimal cut."""
    projected = isinstance(network, ProjectedRBM)
    net = network.rbm if projected else network
    complement = tuple(i for i in range(net.n_visible) if i not in set(region))
    cut = min_cut(net, region)
    k_a = charge.n_sectors(region)
    held = _held(charge, region) + 1 + (_held(charge, complement) + 1 if projected else 1)
    held += 0 if projected or check != "state" else 1 + (charge.kind == "u1")  # G_B(alpha), and G_A(alpha) for U(1)
    _check_cut_memory(cut.size, held, _cut_itemsize(net, charge), limit)
    networks, plans = plan_grams(net, region, cut, limit)
    inputs = [spec[2] for spec in gram_networks(net, region, cut)]
    sides = [(plans[s], networks[s], inputs[s], part) for s, part in enumerate((region, complement))]
    real = not net.is_complex
    t0 = time.perf_counter()
    with gram_threads(plans, cut.size):
        grams_a = _SectorGrams(*sides[0], charge, real)
        if projected:
            grams_b = _SectorGrams(*sides[1], charge, real)
            out = _projected_sectors(grams_a, grams_b, charge, network.value, k_a)
            n_contractions = grams_a.n_contractions + grams_b.n_contractions
        else:
            mant, exp = plans[1].contract(networks[1])
            gb = (mant.reshape(grams_a.twisted[0].shape), float(exp))
            out = _sectors_from_grams(grams_a, gb[0], k_a)
            n_contractions = grams_a.n_contractions + 1
            if check == "spectrum":
                out["plain"] = _spectrum(grams_a.twisted_gram(0), gb[0])
            elif check == "state":
                out["twist"] = _state_check(grams_a, sides[1], gb, charge)
                n_contractions += 1
    out.update(cut=cut, contract_seconds=time.perf_counter() - t0, n_contractions=n_contractions)
    return out


def _sectors_from_grams(grams_a: _SectorGrams, gb: np.ndarray, k: int) -> dict:
    """``p(q)`` and the normalized spectrum of each sector from the region's sector Grams and ``G_B``:
    the weights ``Tr[G_A^(q) G_B^T]`` as the Fourier transform of the ``K`` traces ``Tr[G_A(alpha_j) G_B^T]``,
    then each populated sector's Gram, one at a time."""
    t = grams_a.traces(gb)
    weights = [float(np.real(grams_a.fourier(q) @ t)) for q in range(k)]
    return _finish_sectors(weights, lambda q: (grams_a.sector(q), gb))


def _projected_sectors(grams_a: _SectorGrams, grams_b: _SectorGrams, charge: Charge, value: int, k: int) -> dict:
    """Sector ``q`` of ``P_Q psi``: the sector Grams ``X^dagger P_q X`` and ``Y^dagger P_{Q-q} Y``."""
    k_b = len(grams_b.alphas)

    def rest(q: int) -> int:
        return (value - q) % 2 if charge.kind != "u1" else value - q

    traces = np.array([grams_a.traces(grams_b.twisted_gram(j)) for j in range(k_b)])  # T[j_b, j_a], BLAS dots
    weights = [
        float(np.real(grams_b.fourier(rest(q)) @ traces @ grams_a.fourier(q))) if 0 <= rest(q) < k_b else 0.0
        for q in range(k)
    ]
    return _finish_sectors(weights, lambda q: (grams_a.sector(q), grams_b.sector(rest(q))))


def _real_valued(g: np.ndarray) -> bool:
    return not np.iscomplexobj(g) or not np.any(g.imag)


def _spectrum(ga: np.ndarray, gb: np.ndarray) -> np.ndarray:
    """The normalized nonzero spectrum of ``G_A G_B^T``: :func:`~tnrbm.entropy.grams.spectrum_from_grams`,
    with the arguments swapped (``eig(G_B^T G_A)``, the same spectrum) when only ``G_A`` is real-valued, so
    that a complex ``G_B`` is never read as real (a sector Gram can be exactly real while its partner is not)."""
    if _real_valued(ga) and not _real_valued(gb):
        return spectrum_from_grams(gb.T, ga.T)[0]
    return spectrum_from_grams(ga, gb)[0]


def _finish_sectors(weights: list, grams_of: Any) -> dict:
    """Normalized ``p(q)`` (rounding-level sectors emptied) and each populated sector's spectrum."""
    w = np.clip(np.array(weights, dtype=float), 0.0, None)
    total = float(w.sum())
    if not total > 0:
        raise NumericalError("the Gram matrices give a zero state (the network's amplitudes vanish)")
    p = w / total
    p[p <= EMPTY_SECTOR] = 0.0
    p /= p.sum()
    spectra = [_spectrum(*grams_of(q)) if p[q] > 0 else np.zeros(0) for q in range(len(p))]
    return {"p": p, "spectra": spectra}


# --------------------------------------------------------------------------------- the public function
def _asymmetry(out: dict, check: str, tol: float, strict: bool, charge: Charge) -> tuple[float | None, dict]:
    """The asymmetry measure of ``check`` and what it found; warns (or raises when ``strict``) beyond ``tol``."""
    info: dict = {}
    if check == "state" and "twist" in out:
        value, alpha = out["twist"]
        asym = max(0.0, 1.0 - abs(value))
        if charge.kind == "u1":
            info["global_charge"] = int(round(np.angle(value) / alpha)) % (len(charge.sites) + 1)
        else:
            info["global_charge"] = 0 if value.real > 0 else 1
    elif check == "spectrum" and "plain" in out:
        pinched = np.concatenate([p * s for p, s in zip(out["p"], out["spectra"]) if s.size])
        s_plain = split_entropy(np.array([1.0]), [out["plain"]], 1.0)[2][0]
        s_pinched = split_entropy(np.array([1.0]), [np.sort(pinched)[::-1]], 1.0)[2][0]
        asym = max(0.0, float(s_pinched - s_plain))
        info["plain_entropy"] = float(s_plain)
    else:
        return None, info
    if asym > tol:
        msg = (
            f"the state is not {charge.kind}-symmetric (asymmetry {asym:.3g} > tol={tol:g}, check={check!r}): "
            "the sector quantities describe sum_q P_q rho_A P_q, which is rho_A only if [rho_A, Q_A] = 0 "
            "(check='spectrum' tests that directly); project the state first (tnrbm.network.ProjectedRBM) "
            "or choose the symmetry it has"
        )
        if strict:
            raise InvalidParameterError(msg)
        warnings.warn(msg, SymmetryWarning, stacklevel=3)
    return asym, info


def symmetry_resolved(
    state: Any,
    region: Any,
    symmetry: Any = "z2",
    sites: Any = None,
    renyi: Any = (2,),
    base: float | None = None,
    method: str = "auto",
    max_memory: MaxMemory = None,
    check: str = "state",
    tol: float = 1e-8,
    strict: bool = False,
) -> SymmetryResult:
    """Symmetry-resolved entanglement of ``region``: ``p(q)``, each sector's spectrum and entropies,
    the number and configurational entropies, charged moments and equipartition.

    Parameters
    ----------
    state
        An RBM or DBM (through its minimal cut; a NetKet state or ``(model, params)`` pair is converted by
        :func:`tnrbm.interop.as_network`), a :class:`~tnrbm.network.ProjectedRBM` (through the sector Grams
        of its RBM; its symmetry is used), or a state vector of length ``2**N`` (dense).
    region
        The visible units of A.
    symmetry
        ``"z2"`` (spin flip ``prod sigma^x``), ``"parity"`` (``prod sigma^z``), ``"u1"`` (number of down
        spins) or a :class:`~tnrbm.network.charges.Charge`.
    sites
        The spins the symmetry acts on (default all; e.g. one sublattice).
    renyi
        Renyi orders of the sector entropies.
    base
        Logarithm base (None: nats).
    method
        ``"auto"`` (the cut for networks, dense for vectors), ``"cut"`` or ``"dense"`` (forms ``2**N``).
    max_memory
        Limit in bytes or a size string; refused before anything big is allocated.
    check
        ``"state"`` (default): ``1 - |<psi|U|psi>|`` for the generator of the group (one more
        complement contraction); ``"spectrum"``: ``S(sum_q P_q rho P_q) - S(rho)`` (one more
        eigenproblem); ``"none"``.
    tol, strict
        Beyond ``tol`` a :class:`SymmetryWarning` is issued (an
        :class:`~tnrbm.errors.InvalidParameterError` when ``strict``).

    Returns
    -------
    SymmetryResult

    Examples
    --------
    >>> import numpy as np, tnrbm
    >>> res = symmetry_resolved(tnrbm.states.ghz(6), [0, 1, 2], "z2")
    >>> np.round(res.probabilities, 12).tolist(), round(res.number_entropy, 12), res.m
    ([0.5, 0.5], 0.69314718056, 1)
    """
    t0 = time.perf_counter()
    check = check_choice(check, "check", _CHECKS)
    orders, base, tol = check_renyi(renyi), check_base(base), as_float(tol)
    method = check_choice(method, "method", ("auto", "cut", "dense"))
    limit = memory_limit(max_memory)
    if isinstance(state, ProjectedRBM):
        charge = _projection_charge(state, symmetry, sites)
        n = state.n_visible
    else:
        n = state.n_visible if isinstance(state, BoltzmannNetwork) else as_state_vector(state)[1]
        charge = as_charge(symmetry, n, sites)
    region = check_region(region, n)
    if not (tol >= 0):
        raise InvalidParameterError(f"tol must be a number >= 0; got {tol}")
    if method == "auto":
        network = isinstance(state, (BoltzmannNetwork, ProjectedRBM))
        method = "cut" if network and len(region) < n else "dense"
    if method == "cut" and len(region) == n:
        raise InvalidRegionError(
            f"region holds all {n} spins: rho_A is the pure state itself and its sectors are the state's global "
            "charge distribution, which has no cut; use method='dense' (small N) or a proper subset"
        )
    out = _run(state, region, charge, method, limit, check)
    asym, info = _asymmetry(out, check, tol, bool(strict), charge)
    return _result(out, charge, region, n, orders, base, asym, {**info, **out.get("extra", {})}, t0)


def _projection_charge(state: ProjectedRBM, symmetry: Any, sites: Any) -> Charge:
    """The projected state's own charge; a different ``symmetry`` or ``sites`` asked for is refused."""
    ch = state.charge
    asked = symmetry.kind if isinstance(symmetry, Charge) else symmetry
    if asked != ch.kind or (sites is not None and tuple(sorted(sites)) != ch.sites):
        raise InvalidParameterError(
            f"symmetry={asked!r} (sites={sites!r}) differs from the projection's {ch.kind!r} on {len(ch.sites)} "
            f"sites; pass symmetry={ch.kind!r} and no sites"
        )
    return ch


def _run(state: Any, region: tuple, charge: Charge, method: str, limit: int, check: str) -> dict:
    """The sectors by the cut route or densely: ``{"p", "spectra", ...}``."""
    if method == "cut":
        if not isinstance(state, (BoltzmannNetwork, ProjectedRBM)):
            raise InvalidParameterError("method='cut' needs an RBM, a DBM or a ProjectedRBM; got a state vector")
        out = _cut_route(state, region, charge, limit, check)
        out["extra"] = {"n_contractions": out["n_contractions"], "contract_seconds": out["contract_seconds"]}
        out["method"] = "projected" if isinstance(state, ProjectedRBM) else "cut"
        return out
    n = charge.n
    check_memory(
        6 * 16 * pow2(n), f"the dense state vector of {n} spins and its sector blocks", limit, "use method='cut'"
    )
    if isinstance(state, (BoltzmannNetwork, ProjectedRBM)):
        psi = state.to_dense(normalize=True, max_memory=limit)
    else:
        psi = as_state_vector(state)[0]
    p, spectra, plain = sector_spectra_dense(psi, n, region, charge)
    out = {"p": p, "spectra": spectra, "plain": plain, "method": "dense"}
    if check == "state" and not isinstance(state, ProjectedRBM):
        out["twist"] = _global_twist_dense(psi, n, charge)
    if isinstance(state, BoltzmannNetwork):
        out["cut"] = min_cut(state, region)
    return out


def _result(
    out: dict, charge: Charge, region: tuple, n: int, orders: tuple, base: Any, asym: Any, extra: dict, t0: float
) -> SymmetryResult:
    ln_base = nats_per_unit(base)
    p, spectra = out["p"], [np.asarray(s, dtype=float) for s in out["spectra"]]
    number, config, sq = split_entropy(p, spectra, ln_base)
    sector_renyi = {
        a: np.array([renyi_entropy(s, as_float(a), 1e-12) / ln_base + 0.0 if s.size else 0.0 for s in spectra])
        for a in orders
    }
    cut = out.get("cut")
    return SymmetryResult(
        symmetry=charge.kind,
        sites=charge.sites,
        region=region,
        n_visible=n,
        sectors=tuple(charge.sector_names(region)),
        probabilities=p,
        spectra=tuple(spectra),
        sector_entropies=sq,
        sector_renyi=sector_renyi,
        number_entropy=number,
        configurational_entropy=config,
        entropy=number + config,
        asymmetry=asym,
        method=out["method"],
        m=None if cut is None else int(cut.size),
        base=base,
        seconds=time.perf_counter() - t0,
        extra=extra,
    )
