"""``tnrbm entropy``, ``tnrbm cut`` and ``tnrbm profile``: entanglement, minimal cuts, profiles of chains."""

from __future__ import annotations

import inspect
from typing import Any

import click

from ...bulk import FLOWS
from ...contract import BACKENDS, cluster
from ...entropy import entanglement, entanglement_profile, method_names
from ...entropy import purity as purity_of
from ...entropy.renyi2 import purity_methods
from ...validation import check_base
from ..formatting import bound_label, emit_json, region_keys, region_text, renyi_keys, table, times_log2, units
from ..options import BASE_OPTION, JSON_OPTION, max_memory_option, method_option, plot_option
from ..parsing import parse_memory_option, parse_region, parse_renyi
from ..plots import save_plot
from ..provenance import figure_options, load_model, stamp
from ..reports import PYTHON_RENYI, cut_payload, entropy_payload, profile_rows

__all__ = ["cut", "entropy", "profile", "purity"]

_RENYI_DEFAULT = ",".join(f"{a:g}" for a in PYTHON_RENYI) or "none"
#: the Renyi orders of Python's entanglement_profile (its default), the default of ``profile --renyi``
_PROFILE_PYTHON = tuple(inspect.signature(entanglement_profile).parameters["renyi"].default)
_PROFILE_RENYI = ",".join(f"{a:g}" for a in _PROFILE_PYTHON) or "none"
_FLOW_OPTION = click.option(
    "--flow",
    type=click.Choice(list(FLOWS.names())),
    default="dinic",
    show_default=True,
    help="Max-flow solver of the minimal cut (tnrbm.bulk.FLOWS); all give the same cut.",
)


@click.command()
@click.argument("model")
@click.argument("region")
@method_option(method_names(), "How to compute it.")
@click.option(
    "--renyi",
    default=_RENYI_DEFAULT,
    show_default=True,
    help="Renyi orders, comma-separated ('0.5,2,inf'; 'none'); the default is Python's "
    f"tnrbm.entanglement(renyi={PYTHON_RENYI!r}).",
)
@BASE_OPTION
@max_memory_option(
    "Largest array allowed: bytes or a size such as 4GiB or 512MB (Python's max_memory); "
    "default a quarter of the available memory."
)
@JSON_OPTION
@click.option(
    "--full-spectrum",
    is_flag=True,
    help="Put the whole entanglement spectrum in the JSON (default: its 64 largest values; "
    "spectrum_truncated says whether values were left out).",
)
@plot_option("the entanglement spectrum")
@click.option(
    "--backend", type=click.Choice(sorted(BACKENDS)), default="numpy", show_default=True, help="Array backend."
)
@click.option("--slicing", is_flag=True, help="Slice contractions that exceed --max-memory (slower, smaller).")
@click.option("--workers", type=int, default=None, help="Run the slices on a local dask cluster of N processes.")
@click.option("--scheduler", default=None, help="Run the slices on a running dask scheduler (tcp://host:8786).")
@_FLOW_OPTION
def entropy(
    model: str,
    region: str,
    method: str,
    renyi: str,
    base: float | None,
    max_memory: str | None,
    as_json: bool,
    full_spectrum: bool,
    plot_path: str | None,
    backend: str,
    slicing: bool,
    workers: int | None,
    scheduler: str | None,
    flow: str,
) -> None:
    """Exact entanglement entropy of REGION in MODEL, with the cut bound m ln 2 and min(|A|,|B|) ln 2."""
    net, model = load_model(model)
    reg = parse_region(region, net.n_visible)
    options: dict[str, Any] = {
        "renyi": parse_renyi(renyi),
        "base": base,
        "max_memory": parse_memory_option(max_memory),
        "flow": flow,
    }
    with cluster(n_workers=workers, scheduler=scheduler) as client:
        parallel: dict[str, Any] = {} if client is None else {"parallel": client}
        res = entanglement(net, reg, method=method, backend=backend, slicing=slicing, **options, **parallel)
    if plot_path:
        save_plot("spectrum", res, plot_path, **figure_options(model))
    if as_json:
        emit_json(stamp("entropy", entropy_payload(res, model, full_spectrum=full_spectrum), model))
        return
    unit = units(base).name
    rows = [[f"S (von Neumann, {unit})", res.entropy]]
    rows += [[f"S_{k:g} ({unit})", v] for k, v in res.renyi.items()]
    if res.cut is not None:
        rows += [["m (cut size)", res.cut.size], [f"bound {bound_label('m', base)}", res.bound]]
        rows += [["saturation S / bound", res.saturation]]
    rows += [[bound_label("min(|A|,|B|)", base), res.trivial_bound], ["method", res.method]]
    rows += [["seconds", res.seconds]]
    title = f"entanglement of region {region_text(res.region)} ({len(res.region)} of {res.n_visible} spins, {unit})"
    table(title, ["quantity", "value"], rows)


@click.command()
@click.argument("model")
@click.argument("region")
@BASE_OPTION
@max_memory_option("Largest array allowed: bytes or a size such as 4GiB.")
@JSON_OPTION
@click.option(
    "--workers", type=int, default=None, help="Contract the two Grams on a local dask cluster of N processes."
)
@click.option("--scheduler", default=None, help="Contract them on a running dask scheduler (tcp://host:8786).")
@method_option(
    purity_methods(), "cut: from the Gram matrices; spectrum or an entanglement method: from that Schmidt spectrum."
)
@_FLOW_OPTION
def purity(
    model: str,
    region: str,
    base: float | None,
    max_memory: str | None,
    as_json: bool,
    workers: int | None,
    scheduler: str | None,
    method: str,
    flow: str,
) -> None:
    """Purity Tr rho_A^2 and Renyi-2 entropy of REGION in MODEL, without the Schmidt spectrum."""
    net, model = load_model(model)
    reg = parse_region(region, net.n_visible)
    with cluster(n_workers=workers, scheduler=scheduler) as client:
        options: dict[str, Any] = {"method": method, "flow": flow, "max_memory": parse_memory_option(max_memory)}
        res = purity_of(net, reg, base=check_base(base), parallel=client, **options)
    m = None if res.cut is None else res.cut.size
    payload = {**region_keys(res.region, net.n_visible), "purity": res.purity, "renyi": renyi_keys({2: res.renyi2})}
    payload.update({"base": res.base, "units": units(res.base).name, "m": m, "method": res.method})
    if as_json:
        emit_json(stamp("purity", {**payload, "seconds": res.seconds}, model))
        return
    unit = units(base).name
    rows = [["Tr rho_A^2", res.purity], [f"S_2 ({unit})", res.renyi2], ["m (cut size)", m]]
    rows += [["method", res.method], ["seconds", res.seconds]]
    table(
        f"purity of region {region_text(res.region)} ({len(res.region)} of {net.n_visible} spins)",
        ["quantity", "value"],
        rows,
    )


@click.command()
@click.argument("model")
@click.argument("region")
@BASE_OPTION
@JSON_OPTION
@_FLOW_OPTION
@plot_option("the bulk with the region and its minimal cut")
def cut(model: str, region: str, base: float | None, as_json: bool, flow: str, plot_path: str | None) -> None:
    """Minimal cut (Ryu-Takayanagi surface) of REGION in MODEL: m, the bound m ln 2, the surface."""
    check_base(base)
    net, model = load_model(model)
    reg = parse_region(region, net.n_visible)
    payload = cut_payload(net, reg, model, base=base, flow=flow)
    if plot_path:
        save_plot("bulk", (net, reg), plot_path, **figure_options(model))
    if as_json:
        emit_json(stamp("cut", payload, model))
        return
    table(
        f"minimal cut of region {region_text(reg)} in {model}",
        ["quantity", "value"],
        [
            ["m", payload["m"]],
            [f"bound {bound_label('m', base)}", payload["bound"]],
            ["bond dimension 2^m", payload["bond_dimension"]],
            [bound_label("min(|A|,|B|)", base), payload["trivial_bound"]],
            ["surface", " ".join(payload["surface"])],
        ],
    )


@click.command()
@click.argument("model")
@BASE_OPTION
@click.option(
    "--renyi",
    default=_PROFILE_RENYI,
    show_default=True,
    help="Renyi orders, comma-separated ('0.5,2,inf'; 'none'); the default is Python's "
    f"tnrbm.entanglement_profile(renyi={_PROFILE_PYTHON!r}).",
)
@JSON_OPTION
@plot_option("entropy against cut position")
def profile(model: str, base: float | None, renyi: str, as_json: bool, plot_path: str | None) -> None:
    """Entanglement entropy at every cut of a chain (one MPS sweep), with the cut bounds."""
    net, model = load_model(model)
    prof = entanglement_profile(net, base=base, renyi=parse_renyi(renyi))
    rows = profile_rows(net, prof)
    if plot_path:
        save_plot("profile", (prof, [r["m"] for r in rows]), plot_path, **figure_options(model))
    unit = units(base).name
    if as_json:
        payload = {"n_visible": net.n_visible, "base": base, "units": unit, "cuts": rows, "seconds": prof.seconds}
        emit_json(stamp("profile", payload, model))
        return
    head = ["cut", f"S ({unit})", *(f"S_{float(k):g} ({unit})" for k in prof.renyi)]
    head += ["m", f"bound {bound_label('m', base)}", "mps_legs", "schmidt_rank"]
    cols = ("m", "bound", "mps_legs", "schmidt_rank")
    table(
        f"entanglement profile of {model} ({unit})",
        head,
        [[r["cut"], r["entropy"], *r["renyi"].values(), *(r[k] for k in cols)] for r in rows],
        legend=f"cut: sites left of the cut; m: minimal cut of those sites; mps_legs: MPS indices crossing the "
        f"cut (S <= {times_log2('mps_legs', base)} too); schmidt_rank: exact Schmidt rank",
    )
