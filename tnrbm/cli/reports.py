"""The rows and payloads of the entanglement commands (``entropy``, ``cut``, ``profile``, the demo).

They turn entanglement results, cuts and profiles into table rows and JSON payloads, with every bound in
the result's units. The rows of ``tnrbm ed`` and ``tnrbm fit`` are the library's
(:func:`tnrbm.ed.levels.ed_levels`, :func:`tnrbm.fit.fit_report`); the spec table of ``tnrbm info`` is
in :mod:`tnrbm.cli.commands.about`.

Examples
--------
>>> from tnrbm import models
>>> rows = entropy_rows(models.local_chain(8, radius=1, seed=0), [range(2)])
>>> rows[0]["region"], rows[0]["m"], rows[0]["entropy"] <= rows[0]["bound"] + 1e-12
('0:2', 2, True)
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Sequence
from typing import Any

from .._numerics import log_in_base
from ..bulk import min_cut
from ..entropy import entanglement
from .formatting import region_keys, region_text, renyi_keys, units

__all__ = [
    "PYTHON_RENYI",
    "SPECTRUM_LIMIT",
    "cut_payload",
    "entropy_payload",
    "entropy_rows",
    "log2_in",
    "profile_rows",
]

#: the Renyi orders ``tnrbm.entanglement`` reports by default; ``tnrbm entropy --renyi`` defaults to the same
PYTHON_RENYI: tuple = tuple(inspect.signature(entanglement).parameters["renyi"].default)
#: the JSON spectrum holds this many of the largest Schmidt probabilities unless ``--full-spectrum``
SPECTRUM_LIMIT = 64


def log2_in(base: float | None) -> float:
    """``log_base 2``, the entropy of one cut unit (``ln 2`` for nats, 1 for bits).

    Examples
    --------
    >>> log2_in(2), round(log2_in(None), 6)
    (1.0, 0.693147)
    """
    return log_in_base(2.0, base)


def entropy_payload(res: Any, model: str, full_spectrum: bool = False) -> dict:
    """The JSON of ``tnrbm entropy``: ``res.to_dict()`` with the model, the region as text and an honest spectrum.

    The spectrum holds the :data:`SPECTRUM_LIMIT` largest Schmidt probabilities unless ``full_spectrum``;
    ``spectrum_length`` is the length of the whole spectrum and ``spectrum_truncated`` says whether values
    were left out. The region is range text (``"0:512"``, :func:`tnrbm.cli.formatting.region_keys`).

    Examples
    --------
    >>> from tnrbm import entanglement, models
    >>> res = entanglement(models.local_chain(6, radius=1, seed=0), range(3))
    >>> out = entropy_payload(res, "local-chain:n=6,radius=1,seed=0")
    >>> out["spectrum_truncated"], out["spectrum_length"] == len(out["spectrum"])
    (False, True)
    """
    spectrum = [float(p) for p in res.spectrum]
    shown = spectrum if full_spectrum else spectrum[:SPECTRUM_LIMIT]
    payload = {"model": model, **region_keys(res.region, res.n_visible)}
    payload.update((k, v) for k, v in res.to_dict().items() if k not in payload)
    payload["path_seed"] = payload.pop("seed")  # the contraction path search's; "seed" is the run's
    payload.update(
        renyi=renyi_keys(res.renyi),
        spectrum=shown,
        spectrum_length=len(spectrum),
        spectrum_truncated=len(shown) < len(spectrum),
        units=units(res.base).name,
    )
    return payload


def entropy_rows(network: Any, regions: Sequence[Sequence[int]], renyi: tuple = (2,)) -> list[dict]:
    """One row per region: the entropy, the Renyi entropies (``{"2": ...}``), the cut size m, the bounds
    ``m ln 2`` and ``min(|A|,|B|) ln 2`` (nats).

    Examples
    --------
    >>> from tnrbm import models
    >>> [r["region_size"] for r in entropy_rows(models.local_chain(6, radius=1, seed=0), [[0], [0, 1]])]
    [1, 2]
    """
    rows = []
    for region in regions:
        res = entanglement(network, region, renyi=renyi)
        cut = res.cut if res.cut is not None else min_cut(network, region)
        rows.append(
            {
                "region": region_text(res.region),
                "region_size": len(res.region),
                "entropy": res.entropy,
                "renyi": renyi_keys(res.renyi),
                "m": cut.size,
                "bound": cut.size * math.log(2),
                "trivial_bound": res.trivial_bound,
                "method": res.method,
                "seconds": res.seconds,
            }
        )
    return rows


def cut_payload(
    network: Any, region: Sequence[int], model: str, base: float | None = None, flow: str = "dinic"
) -> dict:
    """The JSON of ``tnrbm cut``: m, the bounds in the units of ``base``, ``2**m`` and the surface labels.

    Examples
    --------
    >>> from tnrbm import models
    >>> out = cut_payload(models.local_chain(8, radius=1, seed=0), (0, 1, 2), "chain", base=2)
    >>> out["m"], out["bound"], out["trivial_bound"]
    (3, 3.0, 3.0)
    """
    c = min_cut(network, region, flow=flow)
    per_unit = log2_in(base)
    return {
        "model": model,
        **region_keys(c.region, network.n_visible),
        "m": c.size,
        "bound": c.size * per_unit,
        "bond_dimension": 2**c.size,
        "surface": [network.unit_label(u) for u in c.surface],
        "trivial_bound": min(len(region), network.n_visible - len(region)) * per_unit,
        "base": base,
        "units": units(base).name,
    }


def profile_rows(network: Any, prof: Any) -> list[dict]:
    """One row per cut of an :class:`~tnrbm.EntanglementProfile`, with the minimal cut m of ``order[:l]``.

    Keys ``cut, entropy, renyi ({"2": ...}), m, bound, mps_legs, schmidt_rank``; ``bound`` is ``m log_base 2``.

    Examples
    --------
    >>> from tnrbm import entanglement_profile, models
    >>> net = models.local_chain(6, radius=1, periodic=False, seed=0)
    >>> [r["m"] for r in profile_rows(net, entanglement_profile(net))]
    [1, 2, 2, 2, 1]
    """
    per_unit = log2_in(prof.base)
    rows = []
    for i, size in enumerate(prof.sizes):
        m = min_cut(network, prof.order[: int(size)]).size
        row: dict[str, Any] = {"cut": int(size), "entropy": float(prof.entropy[i])}
        row["renyi"] = renyi_keys({k: v[i] for k, v in prof.renyi.items()})
        row.update(m=m, bound=m * per_unit, mps_legs=int(prof.separator_sizes[i]))
        row["schmidt_rank"] = int(prof.schmidt_ranks[i])
        rows.append(row)
    return rows
