"""A toy tnrbm plug-in: the entanglement method ``toy`` and the model spec ``toy-model``.

``toy`` forms the state vector and takes the eigenvalues of the reduced density matrix ``rho_A`` (an
eigen-decomposition, where tnrbm's dense method takes an SVD). ``toy-model:n=6,seed=0`` is an RBM with
one hidden unit per pair of neighbouring spins and complex couplings drawn from ``seed``. Importing this
module registers nothing: tnrbm registers the two objects under their entry-point names.
"""

from __future__ import annotations

import numpy as np

from tnrbm import RBM
from tnrbm.entropy import NotApplicableError, Plan, Problem


def toy_model(n: int, seed: int = 0) -> RBM:
    """An open chain of ``n`` spins with ``n - 1`` hidden units, each coupled to two neighbours."""
    rng = np.random.default_rng(seed)
    w = np.zeros((n, n - 1), dtype=complex)
    for j in range(n - 1):
        w[j : j + 2, j] = 0.5 * rng.normal(size=2) + 0.5j * rng.normal(size=2)
    return RBM(w, 0.1 * rng.normal(size=n), 0.1 * rng.normal(size=n - 1))


def plan_toy(problem: Problem) -> Plan:
    """Plan the eigenvalues of ``rho_A`` from the state vector (up to 14 spins)."""
    n, region = problem.n, problem.region
    if n > 14:
        raise NotApplicableError(f"method='toy' takes up to 14 spins; got {n}")

    def run() -> tuple[np.ndarray, dict]:
        psi = problem.psi if problem.psi is not None else problem.network.to_dense(normalize=True)
        rest = [i for i in range(n) if i not in region]
        m = np.transpose(np.reshape(psi, (2,) * n), list(region) + rest).reshape(2 ** len(region), -1)
        p = np.clip(np.linalg.eigvalsh(m @ m.conj().T), 0.0, None)
        return p / p.sum(), {"toy": True}

    return Plan("toy", flops=float(2**n * 2 ** len(region)), memory=32.0 * 2**n, run=run)
