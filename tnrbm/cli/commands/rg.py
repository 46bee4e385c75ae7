"""The ``tnrbm rg`` command group: the renormalization-group side (exact decimation, log Z, K~, sampling, learning).

Wired into the ``tnrbm`` command as ``cli.add_command(rg)``. Every subcommand prints a table, or JSON
with ``--json``; ``--plot PATH`` saves a picture (matplotlib, Agg).

Examples
--------
>>> from click.testing import CliRunner
>>> out = CliRunner().invoke(rg, ["flow", "--coupling", "1", "--levels", "2", "--json"])
>>> import json; [round(x, 6) for x in json.loads(out.output)["coupling"]]
[1.0, 0.662501, 0.350061]
"""

from __future__ import annotations

import math
import time
from typing import Any

import click
import numpy as np

from ..._lazy import lazy_module
from ...rg import coarse, decimation, hamiltonian, sampling, training
from ...rg.energy import log_partition
from ..options import JSON_OPTION, levels_option, method_option, plot_option, size_option
from ..progress import progress_bar, spinner
from ..provenance import run_seed, stamp
from ._rg_tables import emit as _emit
from ._rg_tables import save_plot as _save_plot
from .rg_learned import mcrg, rsmi

#: tnrbm's pictures (and matplotlib), loaded when a figure is drawn
plot_lib = lazy_module("tnrbm.plot")

__all__ = ["rg"]


@click.group()
def rg() -> None:
    """The renormalization-group side of the paper (eqs. 5-17)."""


@rg.command()
@click.option("--coupling", "-K", type=float, default=1.0, show_default=True, help="Initial coupling K.")
@click.option("--field", "-B", type=float, default=0.0, show_default=True, help="Initial field B.")
@levels_option("Decimation steps (RG levels, bulk depth).", 4, old_names=("--steps",), dest="steps")
@JSON_OPTION
@plot_option("the flow")
def flow(coupling: float, field: float, steps: int, as_json: bool, plot_path: str | None) -> None:
    """The exact decimation flow of the 1D Ising chain: (K, B, constant per spin) per RG step."""
    fl = decimation.decimation_flow(coupling, field, steps)
    payload = {k: v.tolist() for k, v in fl.items()}
    rows = [[step, fl["coupling"][step], fl["field"][step], fl["per_spin"][step]] for step in range(steps + 1)]
    _emit(
        stamp("rg flow", payload), as_json, "decimation flow (depth = RG step)", ["step", "K", "B", "c per spin"], rows
    )

    def draw(ax: Any) -> None:
        plot_lib.coupling_flow(fl["coupling"], fl["field"], ax=ax)

    _save_plot(plot_path, draw)


@rg.command()
@click.option("--lattice", type=click.Choice(["chain", "torus"]), default="chain", show_default=True)
@size_option("Linear size: chain length N, or torus side L.", 1000)
@click.option("--coupling", "-K", type=float, default=0.5, show_default=True)
@click.option(
    "--via",
    type=click.Choice(["hamiltonian", "rbm"]),
    default="hamiltonian",
    show_default=True,
    help="Contract the Hamiltonian's bond tensors, or its exact RBM (one hidden unit per bond).",
)
@method_option(
    hamiltonian.LOG_PARTITION_METHODS,
    "With --via hamiltonian: auto (transfer matrix for the torus, contraction otherwise), contract, transfer.",
)
@JSON_OPTION
def logz(lattice: str, size: int, coupling: float, via: str, method: str, as_json: bool) -> None:
    """Exact log Z of the Ising chain or torus (torus: row-to-row transfer matrix; chain: with the closed form)."""
    ham = hamiltonian.ising_chain(size, coupling) if lattice == "chain" else hamiltonian.ising_torus(size, coupling)
    t0 = time.perf_counter()
    with spinner(f"log Z of the Ising {lattice}, size {size}, via {via}"):
        if via == "rbm":
            rbm, offset = ham.to_rbm()
            value = log_partition(rbm) + offset
        else:
            value = ham.log_partition(method=method)
    seconds = time.perf_counter() - t0
    ref = None
    if lattice == "chain":
        ref = size * math.log(2 * math.cosh(coupling)) + math.log1p(math.tanh(coupling) ** size)
    payload = {
        "lattice": lattice,
        "size": size,
        "coupling": coupling,
        "via": via,
        "method": method if via == "hamiltonian" else None,
        "log_z": value,
        "closed_form": ref,
        "seconds": seconds,
    }
    rows = [[lattice, size, coupling, via, value, "-" if ref is None else value - ref, seconds]]
    _emit(
        stamp("rg logz", payload),
        as_json,
        "exact log Z",
        ["lattice", "size", "K", "via", "log Z", "minus closed form", "s"],
        rows,
    )


@rg.command()
@click.option("--kept", type=int, default=8, show_default=True, help="Hidden (kept) spins of the decimation RBM.")
@click.option("--coupling", "-K", type=float, default=1.0, show_default=True)
@click.option("--field", "-B", type=float, default=0.0, show_default=True)
@JSON_OPTION
def couplings(kept: int, coupling: float, field: float, as_json: bool) -> None:
    """K~ of H^RBM for the exact decimation RBM (Walsh-Hadamard transform), against the closed-form flow."""
    rbm = decimation.decimation_rbm(kept, coupling, field)
    kt = coarse.coarse_couplings(rbm, max_order=2)
    k1, b1, g = decimation.decimation_step(coupling, field)
    big = sorted(((s, v) for s, v in kt.items() if abs(v) > 1e-12), key=lambda t: (len(t[0]), t[0]))
    payload = {"couplings": {",".join(map(str, s)): v for s, v in big}, "flow": {"K": k1, "B": b1, "g": g}}
    rows = [[",".join(map(str, s)) or "(constant)", v] for s, v in big]
    _emit(
        stamp("rg couplings", payload),
        as_json,
        f"K~ of H^RBM (closed form: K' = {k1:.10g}, B' = {b1:.10g})",
        ["subset", "K~"],
        rows,
    )


@rg.command()
@size_option("Side L of the square torus.", 32)
@click.option("--coupling", "-K", type=float, default=sampling.CRITICAL_COUPLING, show_default=True)
@click.option("--sweeps", type=int, default=500, show_default=True)
@click.option("--chains", type=int, default=8, show_default=True)
@click.option("--seed", type=click.IntRange(min=0), default=None, help="Seed of the chains (default: the run's).")
@JSON_OPTION
@plot_option("a histogram of the magnetization m")
def sample(
    size: int, coupling: float, sweeps: int, chains: int, seed: int | None, as_json: bool, plot_path: str | None
) -> None:
    """Swendsen-Wang sampling of the 2D Ising torus: energy per spin and |m| with error bars."""
    seed = run_seed(seed).get()
    t0 = time.perf_counter()
    with spinner(f"Swendsen-Wang, L = {size}, {chains} chains x {sweeps} sweeps"):
        res = sampling.swendsen_wang((size, size), coupling, n_sweeps=sweeps, n_chains=chains, seed=seed)
    seconds = time.perf_counter() - t0
    e, de = sampling.block_estimate(res.energy)
    m, dm = sampling.block_estimate(res.abs_magnetization)
    payload = {
        "size": size,
        "coupling": coupling,
        "energy": e,
        "energy_err": de,
        "abs_m": m,
        "abs_m_err": dm,
        "sweeps": sweeps,
        "chains": chains,
        "seconds": seconds,
    }
    _emit(
        stamp("rg sample", payload),
        as_json,
        "Swendsen-Wang",
        ["L", "K", "E/N", "err", "|m|", "err", "s"],
        [[size, coupling, e, de, m, dm, seconds]],
    )

    def draw(ax: Any) -> None:
        plot_lib.magnetization_histogram(
            res.magnetization, size=size, coupling=coupling, sweeps=sweeps, chains=chains, ax=ax
        )

    _save_plot(plot_path, draw)


@rg.command()
@size_option("Spins of the training chain.", 8, old_names=("--n",), dest="n_spins")
@levels_option("Decimation steps (RG levels) to learn, one RBM each.", 2, old_names=("--steps",), dest="steps")
@click.option("--coupling", "-K", type=float, default=1.0, show_default=True, help="K_0 of the flow.")
@click.option(
    "--seed", type=click.IntRange(min=0), default=None, help="Seed of samples and training (default: the run's)."
)
@JSON_OPTION
@plot_option("the learned against the exact flow")
def learn(n_spins: int, steps: int, coupling: float, seed: int | None, as_json: bool, plot_path: str | None) -> None:
    """Train tied bond RBMs on chain samples at K_{l+1}; the learned weight is K_l and K~ of H^RBM is K_{l+1}."""
    seed = run_seed(seed).get()
    exact = decimation.decimation_flow(coupling, steps=steps)["coupling"]
    mask = np.zeros((n_spins, n_spins))
    for j in range(n_spins):
        mask[j, j] = mask[(j + 1) % n_spins, j] = 1
    rows: list[list] = []
    learned_w: list[float] = []
    learned_k: list[float] = []
    errors: list[tuple[float, float]] = []
    with progress_bar(steps, f"learning {steps} decimation steps", label="K~") as advance:
        for level in range(steps):
            _learn_level(level, n_spins, exact, mask, seed, (rows, learned_w, learned_k, errors))
            advance(level, learned_k[-1])
    payload = {"exact_flow": exact.tolist(), "learned_weight": learned_w, "learned_coupling": learned_k}
    _emit(
        stamp("rg learn", payload),
        as_json,
        "learned decimation (weights -> K_l, K~ of H^RBM -> K_{l+1})",
        ["step", "K_l", "learned |w|", "K_{l+1}", "learned K~"],
        rows,
    )

    def draw(ax: Any) -> None:
        plot_lib.coupling_flow(
            exact, learned_weight=learned_w, learned_weight_error=[e[0] for e in errors],
            learned_coupling=learned_k, learned_coupling_error=[e[1] for e in errors], ax=ax,
            title=f"learned decimation, chain of {n_spins}, $K_0 = {coupling:.4g}$ (error: sampling)",
        )  # fmt: skip

    _save_plot(plot_path, draw)


def _learn_level(level: int, n_spins: int, exact: Any, mask: np.ndarray, seed: int, out: tuple) -> None:
    """Learn decimation step ``level`` of ``rg learn``: append its table row, weight, K~ and errors to ``out``."""
    rows, learned_w, learned_k, errors = out
    res = sampling.swendsen_wang(
        (n_spins,), exact[level + 1], n_sweeps=400, n_chains=100, burn_in=20, keep_samples=True, seed=seed + level
    )
    assert res.samples is not None  # keep_samples=True
    tr = training.train_rbm(
        res.samples.reshape(-1, n_spins),
        mask=mask,
        tie=np.zeros(mask.shape, int),
        epochs=80,
        learning_rate=0.05,
        seed=seed,
    )
    w = float(np.abs(tr.rbm.W.toarray()[0, 0]))
    kt = coarse.coarse_coupling(tr.rbm, [0, 1])
    learned_w.append(w)
    learned_k.append(kt)
    errors.append(_sampling_errors(res.samples))
    rows.append([level, exact[level], w, exact[level + 1], kt])


def _sampling_errors(samples: Any) -> tuple[float, float]:
    """The sampling errors of ``K_l = atanh sqrt(c)`` and ``K_{l+1} = atanh c`` estimated from the nearest-neighbour
    correlation ``c`` of the training samples (block estimate over each chain), propagated to first order."""
    s = np.asarray(samples, dtype=float)
    c, dc = sampling.block_estimate(np.mean(s * np.roll(s, -1, axis=-1), axis=-1))
    c = min(max(c, 1e-12), 1 - 1e-12)
    return dc / (2 * math.sqrt(c) * (1 - c)), dc / (1 - c * c)


rg.add_command(rsmi)
rg.add_command(mcrg)
