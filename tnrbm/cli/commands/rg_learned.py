"""``tnrbm rg rsmi`` and ``tnrbm rg mcrg``: is a (learned) coarse-graining a good RG, measured.

``rsmi`` prints ``I(H : E)`` of each rule on the 2D Ising torus (exact conditionals, Swendsen-Wang
environments, jackknife errors; ``--exact`` enumerates the environment on small tori). ``mcrg`` prints
Swendsen's Monte Carlo RG exponents ``y_t`` and ``y_h`` per level. Both take ``--json`` and ``--plot``.

Examples
--------
>>> from click.testing import CliRunner
>>> out = CliRunner().invoke(rsmi, ["--size", "5", "--exact", "--json"])
>>> import json; [round(r["mutual_information"], 6) for r in json.loads(out.output)["results"]]
[0.388309, 0.470216]
"""

from __future__ import annotations

from typing import Any

import click
import numpy as np

from ...rg import blocking, sampling
from ...rg import mcrg as mcrg_module
from ...rg import rsmi as rsmi_module
from ..options import JSON_OPTION, levels_option, plot_option, size_option
from ..progress import progress_bar, spinner
from ..provenance import run_seed, stamp
from ._rg_tables import emit as _emit
from ._rg_tables import save_plot as _save

__all__ = ["rsmi", "mcrg", "RULE_CHOICES"]

#: the rules the two commands know
RULE_CHOICES = ("decimation", "majority", "likelihood", "rsmi", "rsmi-free")
_SEED_HELP = "Seed of sampling and training (default: the run's seed, tnrbm --seed or drawn)."


def _rules(names: tuple, block: int, coupling: float, seed: int | None, train: int = 500) -> list:
    """Build each named rule; the learned ones are trained at ``coupling`` on ``train`` samples (progress bars)."""
    out = []
    for name in names or ("decimation", "majority"):
        if name in blocking.RULES:
            out.append(blocking.make_rule(name, block))
        elif name == "likelihood":
            res = sampling.swendsen_wang(
                (8 * block, 8 * block), coupling, 2 * train, thin=2, keep_samples=True, seed=seed
            )
            out.append(
                blocking.likelihood_rule(np.asarray(res.samples)[0].reshape(-1, 8 * block, 8 * block), block, seed=seed)
            )
        else:
            with progress_bar(300, f"training {name}", label="I") as advance:
                out.append(
                    rsmi_module.rsmi_trained_rule(
                        (16 * block, 16 * block), coupling, block, 1, n_samples=train, positions=16, seed=seed,
                        progress=advance, symmetric=name == "rsmi",
                    )
                )  # fmt: skip
    return out


def _last_finite(y: np.ndarray, err: np.ndarray) -> tuple[float, float]:
    """The largest truncation whose ``T`` exists (operators can coincide on the smallest lattices)."""
    ok = np.flatnonzero(np.isfinite(y))
    return (float(y[ok[-1]]), float(err[ok[-1]])) if ok.size else (float("nan"), float("nan"))


@click.command("rsmi")
@size_option("Side L of the torus.", 32)
@click.option("--coupling", "-K", type=float, default=sampling.CRITICAL_COUPLING, show_default=True)
@click.option("--rule", "rules", multiple=True, type=click.Choice(RULE_CHOICES), help="Repeat; default: both fixed.")
@click.option("--block", type=int, default=2, show_default=True, help="Block side b.")
@click.option("--buffer", type=int, default=1, show_default=True, help="Buffer width w.")
@click.option("--samples", type=int, default=500, show_default=True, help="Environment samples.")
@click.option("--positions", type=int, default=8, show_default=True, help="Block positions per sample.")
@click.option("--exact", is_flag=True, help="Enumerate every environment (small tori: |E| <= 20).")
@click.option("--train-samples", "train", type=int, default=500, show_default=True, help="Samples for learned rules.")
@click.option("--seed", type=click.IntRange(min=0), default=None, help=_SEED_HELP)
@JSON_OPTION
@plot_option("a bar chart of I(H:E)")
def rsmi(
    size: int, coupling: float, rules: tuple, block: int, buffer: int, samples: int, positions: int,
    exact: bool, train: int, seed: int | None, as_json: bool, plot_path: str | None,
) -> None:  # fmt: skip
    """I(H:E) of coarse-graining rules on the 2D Ising torus, with exact block conditionals."""
    run = run_seed(seed)  # drawn only when something random runs: sampling, or a learned rule
    seed = run.get() if not exact or any(r not in blocking.RULES for r in rules) else run.value
    built = _rules(rules, block, coupling, seed, train)
    with spinner(f"I(H:E) of {len(built)} rules, L = {size}" + (", every environment" if exact else "")):
        results = _rsmi_results(built, exact, size, coupling, block, buffer, samples, positions, seed)
    payload = {"base": None, "units": "nats", "results": [r.to_dict() for r in results]}
    payload["filters"] = [r.to_dict() for r in built]
    rows = [[r.rule, r.mutual_information, r.error, r.entropy, r.conditional_entropy] for r in results]
    title = f"I(H:E) in nats, L = {size}, K = {coupling:.6g}, {block}x{block} blocks, buffer {buffer}"
    _emit(stamp("rg rsmi", payload), as_json, title, ["rule", "I(H:E)", "err", "H(H)", "H(H|E)"], rows)

    def draw(ax: Any) -> None:
        ax.bar(range(len(results)), [r.mutual_information for r in results], yerr=[r.error for r in results])
        ax.set_xticks(range(len(results)), [r.rule for r in results])
        ax.set_ylabel("I(H:E) [nats]")

    _save(plot_path, draw)


def _rsmi_results(
    built: list, exact: bool, size: int, coupling: float, block: int, buffer: int, samples: int, positions: int,
    seed: int | None,
) -> list:  # fmt: skip
    """The :class:`~tnrbm.rg.rsmi.RSMIResult` of each rule of ``rg rsmi``: exact, or from sampled environments."""
    if exact:
        return [rsmi_module.rsmi_exact((size, size), coupling, r, buffer) for r in built]
    results = []
    p_v = rsmi_module.environment_conditionals((size, size), coupling, block, buffer, samples, positions, seed=seed)
    for r in built:
        i, err, jk, hh, hc = rsmi_module.rsmi_from_conditionals(p_v @ r.p_up)
        results.append(
            rsmi_module.RSMIResult(
                r.name, coupling, (size, size), block, buffer, i, err, jk, hh, hc, p_v.shape[0], p_v.shape[1],
                "sampled", seed,
            )
        )  # fmt: skip
    return results


@click.command("mcrg")
@size_option("Side L of the torus (a multiple of block**levels).", 64)
@click.option("--coupling", "-K", type=float, default=sampling.CRITICAL_COUPLING, show_default=True)
@click.option("--rule", "rules", multiple=True, type=click.Choice(RULE_CHOICES), help="Repeat; default: both fixed.")
@click.option("--block", type=int, default=2, show_default=True)
@levels_option("Blocking steps (RG levels).", 3)
@click.option("--samples", type=int, default=1000, show_default=True)
@click.option("--thin", type=int, default=2, show_default=True, help="Sweeps between samples.")
@click.option("--train-samples", "train", type=int, default=500, show_default=True, help="Samples for learned rules.")
@click.option("--seed", type=click.IntRange(min=0), default=None, help=_SEED_HELP)
@JSON_OPTION
@plot_option("y_t and y_h per level")
def mcrg(
    size: int, coupling: float, rules: tuple, block: int, levels: int, samples: int, thin: int, seed: int | None,
    train: int, as_json: bool, plot_path: str | None,
) -> None:  # fmt: skip
    """Swendsen's Monte Carlo RG: y_t and y_h of coarse-graining rules (exact: 1 and 15/8 in 2D)."""
    seed = run_seed(seed).get()
    built = _rules(rules, block, coupling, seed, train)
    with progress_bar(samples, f"MCRG L = {size}", label="s") as advance:
        results = mcrg_module.mcrg(
            (size, size), coupling, built, levels=levels, n_samples=samples, thin=thin, seed=seed, progress=advance
        )
    payload = {"results": [r.to_dict() for r in results], "filters": [r.to_dict() for r in built], "seed": seed}
    rows = [
        [r.rule, lev + 1, *_last_finite(r.y_t[lev], r.y_t_error[lev]), *_last_finite(r.y_h[lev], r.y_h_error[lev])]
        for r in results
        for lev in range(r.y_t.shape[0])
    ]
    title = (
        f"MCRG at K = {coupling:.6g}, L = {size}, {samples} samples (largest truncation; exact y_t = 1, y_h = 1.875)"
    )
    _emit(stamp("rg mcrg", payload), as_json, title, ["rule", "level", "y_t", "err", "y_h", "err"], rows)

    def draw(ax: Any) -> None:
        for r in results:
            lev = np.arange(1, r.y_t.shape[0] + 1)
            ax.errorbar(lev, r.y_t[:, -1], r.y_t_error[:, -1], marker="o", capsize=3, label=f"{r.rule} y_t")
            ax.errorbar(lev, r.y_h[:, -1], r.y_h_error[:, -1], marker="s", capsize=3, label=f"{r.rule} y_h")
        ax.axhline(1.0, color="k", lw=0.7, ls="--")
        ax.axhline(15 / 8, color="k", lw=0.7, ls="--")
        ax.set_xlabel("RG level")
        ax.set_ylabel("y")
        ax.legend(fontsize=7)

    _save(plot_path, draw)
