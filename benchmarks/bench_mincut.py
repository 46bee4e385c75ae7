"""Minimal cut of 100,000-unit networks: tnrbm.min_cut against a bare networkx minimum_cut.

Both solve the same node-split flow graph (``tnrbm.bulk.split_flow_graph``); tnrbm uses scipy's
compiled Dinic max flow and reads the cut closest to the region off the residual graph. The networkx
reference is ``networkx.minimum_cut`` with its fastest flow function measured here
(``boykov_kolmogorov``); building its DiGraph is timed separately. Run:

    python benchmarks/bench_mincut.py
"""

from __future__ import annotations

import argparse
import math
import platform
import time

import networkx as nx
from networkx.algorithms.flow import boykov_kolmogorov
from scipy.sparse import csgraph

import tnrbm
from tnrbm.bulk import min_cut, split_flow_graph


def bench(name: str, net: tnrbm.BoltzmannNetwork, region: range) -> None:
    n_units = sum(net.layer_sizes)
    t0 = time.perf_counter()
    cut = min_cut(net, region)
    t_tnrbm = time.perf_counter() - t0

    t0 = time.perf_counter()
    cap, source, sink, _ = split_flow_graph(net, region)
    flow = csgraph.maximum_flow(cap, source, sink, method="dinic")
    t_bare = time.perf_counter() - t0  # the floor: min_cut's own split graph and scipy's dinic, nothing else
    assert flow.flow_value == cut.size
    t0 = time.perf_counter()
    coo = cap.tocoo()
    graph = nx.DiGraph()
    graph.add_edges_from((int(u), int(w), {"capacity": int(c)}) for u, w, c in zip(coo.row, coo.col, coo.data))
    t_graph = time.perf_counter() - t0
    t0 = time.perf_counter()
    value, _ = nx.minimum_cut(graph, source, sink, flow_func=boykov_kolmogorov)
    t_nx = time.perf_counter() - t0
    assert value == cut.size, (value, cut.size)
    print(
        f"{name:<38} units={n_units:>7} edges={net.n_edges:>7} |A|={len(region):>6} m={cut.size:>3}  "
        f"tnrbm.min_cut {t_tnrbm:6.2f} s (< 10 s: {t_tnrbm < 10}; {t_tnrbm / t_bare:.2f}x its split graph + dinic)  "
        f"networkx minimum_cut {t_nx:6.2f} s (+ {t_graph:.2f} s to build its graph)  "
        f"ratio nx/tnrbm {t_nx / t_tnrbm:5.1f}x ({(t_nx + t_graph) / t_tnrbm:5.1f}x with the build)"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Minimal cuts of 100,000-unit networks against bare networkx.")
    parser.add_argument("--quick", action="store_true", help="10,000-unit networks only (seconds, not minutes)")
    args = parser.parse_args(argv)
    n = 5_000 if args.quick else 50_000
    print(f"python {platform.python_version()}, networkx {nx.__version__}, {platform.machine()}")
    chain = tnrbm.models.local_chain(n, radius=2, seed=0)
    bench(f"local chain n={n} r=2 (periodic)", chain, range(n // 5, 3 * n // 5))
    hier = tnrbm.models.hierarchical(n, seed=0)
    bench(f"hierarchical n={n} (depth {hier.n_layers})", hier, range(n // 4, n // 4 + 2 ** int(math.log2(n // 3))))
    rbm = tnrbm.models.random_rbm(n, n, density=1.5 / n, seed=0)
    bench(f"random sparse RBM {n}+{n}", rbm, range(0, n, 2))


if __name__ == "__main__":
    main()
