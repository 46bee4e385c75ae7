"""Symmetry-resolved entanglement, the entanglement levels by sector, and every minimal surface.

1. A 2D RBM with zero biases (Z2 spin-flip symmetric), half of a 6 x 4 open lattice (m = 8): ``p(+-1)``,
   ``S = S_number + S_config``, the levels by sector (figure ``levels.png``).
2. The XXZ chain's ground state (ED, U(1)): ``p(q)`` over the number of down spins of half the chain.
3. An RBM projected onto ``S^z = 0`` (:class:`tnrbm.network.ProjectedRBM`), through its sector Grams.
4. The two-region transition of minimal cuts on a hierarchical network and a 2D lattice (figure
   ``cut_transition.png``), and the number of minimal surfaces of a block of an open chain.

``python examples/symmetry_sectors.py [--out docs/assets]`` writes the two figures there.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

import tnrbm  # noqa: E402
import tnrbm.plot  # noqa: E402
from tnrbm import ed  # noqa: E402
from tnrbm.bulk import minimal_surfaces, two_region_transition  # noqa: E402
from tnrbm.entropy import entanglement_levels, symmetry_resolved  # noqa: E402
from tnrbm.network import ProjectedRBM  # noqa: E402


def lattice_sectors(small: bool) -> dict:
    ly = 3 if small else 4
    net = tnrbm.models.local_lattice((6, ly), radius=1, periodic=False, bias_scale=0.0, seed=0)
    res = symmetry_resolved(net, range(3 * ly), "z2")
    plain = tnrbm.entanglement(net, range(3 * ly), method="cut")
    print(f"2D RBM 6x{ly}, half, m = {res.m}: p = {res.probabilities.round(6).tolist()}")
    print(f"  S = {res.entropy:.6f} = {res.number_entropy:.6f} (number) + {res.configurational_entropy:.6f} (config)")
    print(f"  plain cut S = {plain.entropy:.6f}; asymmetry {res.asymmetry:.1e}")
    return {"result": res, "plain": plain.entropy, "levels": entanglement_levels(res)}


def xxz_sectors(small: bool) -> dict:
    n = 10 if small else 14
    gs = ed.ground_state(ed.heisenberg(n, delta=0.5)).vectors[:, 0]
    res = symmetry_resolved(gs, range(n // 2), "u1")
    print(f"XXZ N = {n}, delta = 0.5, half chain: p(q) = {res.probabilities.round(5).tolist()}")
    print(
        f"  S = {res.entropy:.6f}, S_number = {res.number_entropy:.6f}, S(q) = {res.sector_entropies.round(4).tolist()}"
    )
    return {"n": n, "result": res, "plain": tnrbm.entanglement(gs, range(n // 2)).entropy}


def projected_sectors(small: bool) -> dict:
    n = 8 if small else 12
    rbm = tnrbm.models.local_chain(n, alpha=2, radius=1, periodic=True, seed=3)
    proj = ProjectedRBM(rbm, n // 2, "u1")
    res = symmetry_resolved(proj, range(n // 2), "u1")
    dense = tnrbm.entanglement(proj.to_dense(), range(n // 2)).entropy
    print(f"local RBM N = {n} projected on S^z = 0: S = {res.entropy:.6f} (dense {dense:.6f}), m = {res.m}")
    return {"result": res, "dense": dense}


def transitions(small: bool) -> dict:
    n = 32 if small else 64
    hier = tnrbm.models.hierarchical(n, seed=0)
    gaps = list(range(0, n // 2 - 8 + 1))
    rows_h = two_region_transition(hier, [(range(0, 8), range(8 + d, 16 + d)) for d in gaps])
    lat = tnrbm.models.local_lattice((12, 4), radius=1, periodic=False, seed=0)
    cols = list(range(0, 7))
    rows_l = two_region_transition(lat, [(range(0, 8), range(8 + 4 * d, 16 + 4 * d)) for d in cols])
    chain = tnrbm.models.local_chain(12, radius=1, periodic=False, seed=0)
    surf = minimal_surfaces(chain, range(6))
    print(f"hierarchical N = {n}, two 8-blocks: I_cut/ln2 = {[r['m_A'] + r['m_B'] - r['m_AB'] for r in rows_h]}")
    print(f"2D 12x4, two 2-column blocks: I_cut/ln2 = {[r['m_A'] + r['m_B'] - r['m_AB'] for r in rows_l]}")
    print(f"open chain N = 12, half: {surf.count} minimal surfaces of m = {surf.m}")
    return {"hierarchical": (gaps, rows_h), "lattice": (cols, rows_l), "surfaces": surf}


def figures(out: Path, sectors: dict, trans: dict) -> None:
    tnrbm.plot.entanglement_levels_plot(sectors["levels"], max_level=14.0, path=out / "levels.png")
    fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")
    gaps, rows = trans["hierarchical"]
    tnrbm.plot.cut_transition(rows, gaps, ax=ax, label="hierarchical N = 64, |A| = |B| = 8")
    cols, rows = trans["lattice"]
    tnrbm.plot.cut_transition(rows, cols, ax=ax, label="2D 12 x 4, |A| = |B| = 2 columns")
    ax.set_xlabel("separation (spins on the chain; columns on the lattice)")
    tnrbm.plot.save_figure(fig, out / "cut_transition.png", dpi=100, seed=0)  # the version and seed in its metadata
    plt.close(fig)


def main(small: bool = False, out: str | None = None) -> dict:
    results = {
        "lattice": lattice_sectors(small),
        "xxz": xxz_sectors(small),
        "projected": projected_sectors(small),
        "transitions": transitions(small),
    }
    if out is not None:
        figures(Path(out), results["lattice"], results["transitions"])
    assert math.isclose(results["lattice"]["result"].entropy, results["lattice"]["plain"], abs_tol=1e-9)
    return results


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--small", action="store_true")
    ap.add_argument("--out", default=None, help="folder for levels.png and cut_transition.png")
    args = ap.parse_args()
    main(small=args.small, out=args.out)
