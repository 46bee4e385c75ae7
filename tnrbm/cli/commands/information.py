"""``tnrbm information``: the mutual information I(A:B) and the tripartite information I3(A:B:C) of regions.

Examples
--------
>>> from click.testing import CliRunner
>>> import json
>>> out = CliRunner().invoke(information, ["ghz:n=4", "0", "1", "2", "--base", "2", "--json"]).stdout
>>> round(json.loads(out)["value"], 9), json.loads(out)["quantity"]
(1.0, 'I3(A:B:C)')
"""

from __future__ import annotations

from typing import Any

import click

from ...entropy import method_names, mutual_information, tripartite_information
from ...validation import check_base
from ..formatting import bound_label, emit_json, region_text, table, units
from ..options import BASE_OPTION, JSON_OPTION, max_memory_option, method_option
from ..parsing import parse_memory_option, parse_region
from ..provenance import load_model, stamp

__all__ = ["information"]


@click.command()
@click.argument("model")
@click.argument("region_a", metavar="A")
@click.argument("region_b", metavar="B")
@click.argument("region_c", metavar="[C]", required=False, default=None)
@method_option(method_names(), "How to compute each entropy (as in tnrbm entropy).")
@BASE_OPTION
@max_memory_option("Largest array allowed for each entropy: bytes or a size such as 4GiB.")
@JSON_OPTION
def information(
    model: str,
    region_a: str,
    region_b: str,
    region_c: str | None,
    method: str,
    base: float | None,
    max_memory: str | None,
    as_json: bool,
) -> None:
    """Mutual information I(A:B) = S_A + S_B - S_AB of disjoint regions A, B of MODEL; with a third region C,
    the tripartite information I3 = S_A + S_B + S_C - S_AB - S_AC - S_BC + S_ABC. Both exact, beside the
    same combination of the minimal cuts (m ln 2)."""
    base = check_base(base)
    net, model = load_model(model)
    texts = {"A": region_a, "B": region_b} | ({} if region_c is None else {"C": region_c})
    regions = {k: parse_region(v, net.n_visible, name=f"region {k}") for k, v in texts.items()}
    options: dict[str, Any] = {"method": method, "base": base, "max_memory": parse_memory_option(max_memory)}
    if region_c is None:
        res, quantity = mutual_information(net, regions["A"], regions["B"], **options), "I(A:B)"
    else:
        res, quantity = tripartite_information(net, regions["A"], regions["B"], regions["C"], **options), "I3(A:B:C)"
    entropies = {
        name: {"region": region_text(r.region), "entropy": r.entropy, "m": r.m, "bound": r.bound, "method": r.method}
        for name, r in res.entropies.items()
    }
    payload: dict[str, Any] = {"quantity": quantity, "regions": {k: region_text(v) for k, v in regions.items()}}
    payload.update(n_visible=net.n_visible, value=res.value, cut_value=res.cut_value, method=res.method)
    payload.update(base=base, units=units(base).name, entropies=entropies)
    if as_json:
        emit_json(stamp("information", payload, model))
        return
    unit = units(base).name
    rows = [[f"S_{name} ({unit})", e["entropy"], e["m"], e["bound"], e["method"]] for name, e in entropies.items()]
    rows += [[f"{quantity} ({unit})", res.value, None, res.cut_value, "-"]]
    parts = ", ".join(f"{k} = {region_text(v)}" for k, v in regions.items())
    table(
        f"{quantity} of {parts} in {model}",
        ["quantity", "value", "m", f"cut {bound_label('m', base)}", "method"],
        rows,
        legend="the last row: the same combination of the entropies, and of the cut bounds m ln 2 (a combination "
        "of bounds, not itself a bound)",
    )
