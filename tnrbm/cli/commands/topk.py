"""``tnrbm topk``: the k largest Schmidt values of a cut past the Gram wall, with certified entropy bounds."""

from __future__ import annotations

from typing import Any

import click

from ...contract import cluster
from ...entropy import top_schmidt
from ...entropy.topk import APPLY_ROUTES
from ...validation import check_base
from ..formatting import emit_json, region_keys, region_text, table, units
from ..options import BASE_OPTION, max_memory_option
from ..parsing import parse_memory_option, parse_region, parse_renyi
from ..progress import spinner
from ..provenance import load_model, run_seed, stamp

__all__ = ["topk"]


@click.command()
@click.argument("model")
@click.argument("region")
@click.option("--k", "k", type=int, default=64, show_default=True, help="How many Schmidt values (k < 2**m).")
@click.option("--renyi", default="2", show_default=True, help="Renyi orders to bound, comma-separated ('0.5,2,inf').")
@BASE_OPTION
@max_memory_option("Largest memory allowed: bytes or a size such as 16GiB.")
@click.option("--oversample", type=int, default=None, help="Extra columns iterated (default max(8, k // 4)).")
@click.option("--tol", type=float, default=1e-10, show_default=True, help="Relative residual to stop at.")
@click.option("--max-iter", type=int, default=30, show_default=True, help="Most streamed passes after the first.")
@click.option(
    "--gap-tol",
    type=float,
    default=None,
    help="Also stop when a pass narrows the certified gap of S by less than this fraction of it.",
)
@click.option(
    "--apply",
    type=click.Choice(APPLY_ROUTES),
    default="auto",
    show_default=True,
    help="How M X is formed: one contraction of the Gram network (network) or Gram blocks (blocks); "
    "auto: network in one process, blocks on dask workers.",
)
@click.option(
    "--seed", type=click.IntRange(min=0), default=None, help="Seed of the random start (default: the run's seed)."
)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output (every value and bound).")
@click.option(
    "--workers", type=int, default=None, help="Stream the Gram blocks on a local dask cluster of N processes."
)
@click.option("--scheduler", default=None, help="Stream them on a running dask scheduler (tcp://host:8786).")
def topk(
    model: str,
    region: str,
    renyi: str,
    base: float | None,
    max_memory: str | None,
    as_json: bool,
    workers: int | None,
    scheduler: str | None,
    **solver: Any,
) -> None:
    """The K largest Schmidt values of REGION in MODEL, the exact purity and certified entropy bounds."""
    # solver: --k, --oversample, --tol, --max-iter, --gap-tol, --apply, --seed
    solver["seed"] = run_seed(solver["seed"]).get()
    net, model = load_model(model)
    reg = parse_region(region, net.n_visible)
    orders, limit = parse_renyi(renyi), parse_memory_option(max_memory)
    with (
        spinner(f"top {solver['k']} Schmidt values of {len(reg)} spins"),
        cluster(n_workers=workers, scheduler=scheduler) as client,
    ):
        res = top_schmidt(net, reg, renyi=orders, base=check_base(base), max_memory=limit, parallel=client, **solver)
    if as_json:
        payload = {**res.to_dict(), **region_keys(res.region, net.n_visible), "units": units(res.base).name}
        emit_json(stamp("topk", payload, model))
        return
    unit = units(base).name
    lo, hi = res.entropy_bounds
    rows = [[f"S ({unit}) lower", lo], [f"S ({unit}) upper", hi], ["gap", res.gap]]
    rows += [[f"S_{a:g} ({unit}) in", f"[{b[0]:.12g}, {b[1]:.12g}]"] for a, b in res.renyi_bounds.items()]
    rows += [["Tr rho_A^2", res.purity], ["tail mass 1 - sum p_i", res.tail_mass], ["p_1", res.probabilities[0]]]
    rows += [[f"p_{res.k}", res.probabilities[-1]], ["m (cut size)", res.m], ["passes", res.iterations]]
    rows += [["converged", res.converged], ["stopped by", res.extra.get("stopped", "")]]
    rows += [["apply", res.extra.get("apply", "")], ["residual norm", res.residual_norm], ["seed", res.seed]]
    rows += [["seconds", res.seconds]]
    title = (
        f"top {res.k} Schmidt values of region {region_text(res.region)} ({len(res.region)} of {net.n_visible} spins)"
    )
    table(title, ["quantity", "value"], rows)
