"""Exact RBM states against exact diagonalization: GHZ, cluster, toric code and volume-law pairs.

Each state of tnrbm.states is compared with the ED ground state of its parent Hamiltonian (fidelity),
its stabilizers are evaluated (all +1), and the entropies of a few regions are printed beside the
minimal-cut bound m ln 2 and the value known for the state. Run:

    python examples/exact_states.py          # N up to 18
    python examples/exact_states.py --small  # N up to 8

A progress bar on stderr counts the four states while they run (when stderr is a terminal; ``--quiet``:
never, ``--progress``: also into a pipe or file).
"""

from __future__ import annotations

import math
import sys

import tnrbm
from tnrbm import ed, states
from tnrbm.bulk import min_cut
from tnrbm.cli.progress import progress_bar

LN2 = math.log(2)


def stabilizer_values(rbm: tnrbm.RBM, stabilizers: list) -> list[float]:
    """<S> for each stabilizer, exactly."""
    n = rbm.n_visible
    return [ed.expectation(rbm, ed.pauli_sum(n, [(1.0, ops, sites)])) for ops, sites in stabilizers]


def compare(name: str, rbm: tnrbm.RBM, hamiltonian, stabilizers: list, regions: list) -> dict:
    """Fidelity with the ED ground state, stabilizers and entropies of ``regions`` ((label, sites, expected))."""
    ground = ed.ground_state(hamiltonian, k=2)
    fid = ed.fidelity(rbm, ground.vector)
    values = stabilizer_values(rbm, stabilizers)
    psi = rbm.to_dense()
    print(
        f"\n{name}: N={rbm.n_visible}, M={rbm.n_hidden} {rbm.hidden} hidden units; ED E0={ground.energies[0]:.10f} "
        f"(gap {ground.energies[1] - ground.energies[0]:.4f}); 1 - fidelity = {1 - fid:.1e}; "
        f"{len(values)} stabilizers, min <S> = {min(values):.12f}"
    )
    rows = []
    for label, region, expected in regions:
        s = tnrbm.entanglement(psi, region).entropy
        cut = min_cut(rbm, region)
        rows.append({"region": label, "S": s, "expected": expected, "m": cut.size, "bound": cut.bound})
        print(
            f"  {label:<28} S/ln2 = {s / LN2:7.4f}  expected {expected / LN2:7.4f}  m = {cut.size:>2}  "
            f"bound m ln2 / ln2 = {cut.size}"
        )
    return {"name": name, "fidelity": fid, "min_stabilizer": min(values), "regions": rows}


def cases(small: bool = False) -> list[tuple]:
    """The four comparisons of :func:`main`: (name, rbm, hamiltonian, stabilizers, regions) each."""
    n = 8 if small else 18
    L = 2 if small else 3  # noqa: N806 - toric code: 2 L**2 qubits
    edges = ed.toric_code_edges(L)
    star = list(edges["stars"][0])
    plaquette = list(edges["plaquettes"][0])
    # a star's 4 edges touch 4 plaquettes (constraints cut): S = (4 - 1) ln 2; one edge: ln 2
    return [
        (
            "GHZ",
            states.ghz(n),
            states.parent_hamiltonian(n, states.ghz_stabilizers(n)),
            states.ghz_stabilizers(n),
            [(f"[0, {k})", list(range(k)), LN2) for k in (1, n // 2)],
        ),
        (
            "cluster ring",
            states.cluster(n),
            ed.cluster_hamiltonian(n),
            ed.cluster_stabilizers(n),
            [(f"[0, {k})", list(range(k)), 2 * LN2) for k in (2, n // 2)],
        ),
        (
            "volume-law pairs",
            states.volume_law(n),
            states.parent_hamiltonian(n, states.volume_law_stabilizers(n)),
            states.volume_law_stabilizers(n),
            [(f"[0, {k})", list(range(k)), k * LN2) for k in (1, n // 4, n // 2)],
        ),
        (
            f"toric code L={L}",
            states.toric_code(L),
            ed.toric_code_hamiltonian(L, sector_field=1.0),
            states.toric_code_stabilizers(L),
            [("one edge", [0], LN2), ("star of vertex (0,0)", star, 3 * LN2)]
            + ([("plaquette (0,0)", plaquette, 3 * LN2)] if L > 2 else []),
        ),
    ]


def main(small: bool = False, show_progress: bool | None = None) -> list[dict]:
    """Compare every exact state with ED (N <= 8 when ``small``, else up to 18).

    A progress bar on stderr counts the states (``show_progress``: None draws it when stderr is a terminal,
    False never, True always).
    """
    todo = cases(small)
    out = []
    with progress_bar(len(todo), "exact states against ED", label="1 - fidelity", show=show_progress) as advance:
        for step, case in enumerate(todo):
            out.append(compare(*case))
            advance(step, 1 - out[-1]["fidelity"])
    return out


if __name__ == "__main__":
    quiet, forced = "--quiet" in sys.argv, "--progress" in sys.argv
    main(small="--small" in sys.argv, show_progress=False if quiet else (True if forced else None))
