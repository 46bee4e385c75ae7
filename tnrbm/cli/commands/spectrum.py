"""``tnrbm spectrum``: the entanglement spectrum as levels by charge sector (symmetry-resolved entanglement)."""

from __future__ import annotations

from typing import Any

import click

from ...entropy import entanglement, entanglement_levels, symmetry_resolved
from ...network import SYMMETRIES
from ...validation import check_base
from ..formatting import emit_json, region_keys, region_text, table, units
from ..options import BASE_OPTION, JSON_OPTION, max_memory_option, plot_option
from ..parsing import parse_memory_option, parse_region
from ..plots import save_plot
from ..provenance import figure_options, load_model, stamp

__all__ = ["spectrum"]

_SHOWN = 6


def _sector_rows(res: Any, lev: Any) -> list[list]:
    rows = []
    for name, p, s, deg in zip(res.sectors, res.probabilities, res.sector_entropies, lev.degeneracies):
        low = " ".join(f"{lv:.4g}" + (f"(x{k})" if k > 1 else "") for lv, k in deg[:_SHOWN])
        rows.append([name, p, s, low + (" ..." if len(deg) > _SHOWN else "")])
    return rows


@click.command()
@click.argument("model")
@click.argument("region")
@click.option(
    "--sectors",
    type=click.Choice([*SYMMETRIES, "none"]),
    default="z2",
    show_default=True,
    help="Resolve by this symmetry: z2 (spin flip), parity (prod Z), u1 (number of down spins), or none.",
)
@click.option(
    "--sites", default=None, help="The spins the symmetry acts on, written like a region (0,2,4,6 or 0:8); default all."
)
@BASE_OPTION
@max_memory_option("Largest array allowed: bytes or a size such as 4GiB.")
@click.option(
    "--check",
    type=click.Choice(["state", "spectrum", "none"]),
    default="state",
    show_default=True,
    help="How to check the symmetry: <psi|U|psi> (state), the pinched spectrum (spectrum) or not at all.",
)
@JSON_OPTION
@plot_option("the levels against sector")
def spectrum(
    model: str,
    region: str,
    sectors: str,
    sites: str | None,
    base: float | None,
    max_memory: str | None,
    check: str,
    as_json: bool,
    plot_path: str | None,
) -> None:
    """Entanglement levels xi = -ln lambda of REGION in MODEL, by symmetry sector, with degeneracies and gap."""
    base = check_base(base)
    net, model = load_model(model)
    reg = parse_region(region, net.n_visible)
    limit = parse_memory_option(max_memory)
    res: Any  # an EntanglementResult, or a SymmetryResult when resolved by sector
    if sectors == "none":
        res = entanglement(net, reg, base=base, max_memory=limit)
        lev = entanglement_levels(res)
        payload = {"symmetry": "none", "entropy": res.entropy, "m": None if res.cut is None else res.cut.size}
        payload["method"] = res.method
    else:
        chosen = None if sites is None else parse_region(sites, net.n_visible, name="--sites")
        res = symmetry_resolved(net, reg, sectors, sites=chosen, base=base, max_memory=limit, check=check)
        lev = entanglement_levels(res)
        payload = res.to_dict()
        payload["sites"] = region_keys(payload["sites"], net.n_visible)["region"]
    payload.update(region_keys(reg, net.n_visible), base=base, units=units(base).name)
    payload["levels"] = {**lev.to_dict(), "region": payload["region"]}
    if plot_path:
        save_plot("levels", lev, plot_path, **figure_options(model))
    if as_json:
        emit_json(stamp("spectrum", payload, model))
        return
    unit = units(base).name
    title = f"entanglement levels of region {region_text(reg)} ({len(reg)} of {net.n_visible} spins)"
    if sectors == "none":
        low = " ".join(f"{lv:.4g}" + (f"(x{k})" if k > 1 else "") for lv, k in lev.degeneracies[0][:_SHOWN])
        table(title, ["quantity", "value"], [[f"S ({unit})", res.entropy], ["lowest levels", low], ["gap", lev.gap]])
        return
    table(title, ["sector", "p(q)", f"S(q) ({unit})", "lowest levels xi (multiplicity)"], _sector_rows(res, lev))
    rows = [[f"S ({unit})", res.entropy], ["S_number", res.number_entropy], ["S_config", res.configurational_entropy]]
    rows += [["gap xi_1 - xi_0", lev.gap], ["m (cut size)", res.m], ["asymmetry", res.asymmetry]]
    rows += [["method", res.method], ["seconds", res.seconds]]
    table(f"{sectors}-resolved entanglement", ["quantity", "value"], rows)
