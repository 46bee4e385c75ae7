"""The rows and payloads the commands print, computed with the public library API.

:func:`ed_levels` and :func:`fit_report` are the report code that lived in the library
(``tnrbm.ed.run_ed``, ``tnrbm.fit.run_fit``); the others turn entanglement results, cuts and profiles into
table rows and JSON payloads, with every bound in the result's units.

Examples
--------
>>> from tnrbm import models
>>> rows = entropy_rows(models.local_chain(8, radius=1, seed=0), [range(2)])
>>> rows[0]["region"], rows[0]["m"], rows[0]["S"] <= rows[0]["bound"] + 1e-12
('0:2', 2, True)
"""

from __future__ import annotations

import inspect
import math
import time
from collections.abc import Callable, Sequence
from typing import Any

from .. import ed as ed_lib
from .. import entanglement, min_cut, specs
from .. import exact as exact_lib
from .. import fit as fit_lib
from .. import models as models_lib
from ..errors import InvalidParameterError
from ..validation import check_bool, check_choice, check_real
from .formatting import region_text

__all__ = [
    "PYTHON_RENYI",
    "SPECTRUM_LIMIT",
    "cut_payload",
    "ed_levels",
    "entropy_payload",
    "entropy_rows",
    "fit_report",
    "log2_in",
    "profile_rows",
    "spec_parameters",
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
    return math.log(2.0) if base is None else math.log(2.0) / math.log(base)


def entropy_payload(res: Any, model: str, full_spectrum: bool = False) -> dict:
    """The JSON of ``tnrbm entropy``: ``res.to_dict()`` with the model and an honest spectrum.

    The spectrum holds the :data:`SPECTRUM_LIMIT` largest Schmidt probabilities unless ``full_spectrum``;
    ``spectrum_length`` is the length of the whole spectrum and ``spectrum_truncated`` says whether values
    were left out.

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
    payload = {"model": model, **res.to_dict()}
    payload.update(
        spectrum=shown,
        spectrum_length=len(spectrum),
        spectrum_truncated=len(shown) < len(spectrum),
        units=_unit_name(res.base),
    )
    return payload


def _unit_name(base: float | None) -> str:
    return "nats" if base is None else ("bits" if base == 2 else f"log base {base:g}")


def entropy_rows(network: Any, regions: Sequence[Sequence[int]], renyi: tuple = (2,)) -> list[dict]:
    """One row per region: S, S_2, the cut size m, the bounds ``m ln 2`` and ``min(|A|,|B|) ln 2`` (nats).

    Examples
    --------
    >>> from tnrbm import models
    >>> [r["size"] for r in entropy_rows(models.local_chain(6, radius=1, seed=0), [[0], [0, 1]])]
    [1, 2]
    """
    rows = []
    for region in regions:
        res = entanglement(network, region, renyi=renyi)
        cut = res.cut if res.cut is not None else min_cut(network, region)
        rows.append(
            {
                "region": region_text(res.region),
                "size": len(res.region),
                "S": res.entropy,
                "S2": res.renyi.get(2),
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
        "region": list(c.region),
        "m": c.size,
        "bound": c.size * per_unit,
        "bond_dimension": 2**c.size,
        "surface": [network.unit_label(u) for u in c.surface],
        "trivial_bound": min(len(region), network.n_visible - len(region)) * per_unit,
        "base": base,
        "units": _unit_name(base),
    }


def profile_rows(network: Any, prof: Any) -> list[dict]:
    """One row per cut of an :class:`~tnrbm.EntanglementProfile`, with the minimal cut m of ``order[:l]``.

    Keys ``cut, S, S_<alpha>..., m, bound, mps_legs, schmidt_rank``; ``bound`` is ``m log_base 2``.

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
        row: dict[str, Any] = {"cut": int(size), "S": float(prof.entropy[i])}
        row.update({f"S_{k:g}": float(v[i]) for k, v in prof.renyi.items()})
        row.update(m=m, bound=m * per_unit, mps_legs=int(prof.separator_sizes[i]))
        row["schmidt_rank"] = int(prof.schmidt_ranks[i])
        rows.append(row)
    return rows


def _hamiltonian(model: str, n: int, J: float, h: float, delta: float, periodic: bool, form: str) -> tuple:  # noqa: N803
    """The Hamiltonian of a named ED model and its number of qubits."""
    if model == "tfim":
        return ed_lib.tfim(n, J=J, h=h, periodic=periodic, form=form), n
    if model == "heisenberg":
        return ed_lib.heisenberg(n, J=J, delta=delta, periodic=periodic, form=form), n
    if model == "cluster":
        return ed_lib.cluster_hamiltonian(n, periodic=periodic, form=form), n
    return ed_lib.toric_code_hamiltonian(n, form=form), 2 * n * n


def ed_levels(
    model: str = "tfim",
    n: int = 12,
    k: int = 2,
    J: float = 1.0,  # noqa: N803
    h: float = 1.0,
    delta: float = 1.0,
    periodic: bool = True,
    form: str = "sparse",
    max_memory: Any = None,
) -> list[dict]:
    """The ``k`` lowest levels of a named model (one row each), for ``tnrbm ed`` (was ``tnrbm.ed.run_ed``).

    Parameters
    ----------
    model
        One of ``tnrbm.ed.MODELS`` (``"toric"``: ``n`` is L, ``2 L**2`` qubits).
    n, k
        Size and number of eigenvalues.
    J, h, delta, periodic
        Model parameters (each model uses the ones it has).
    form
        ``"sparse"`` or ``"operator"`` (matrix-free).
    max_memory
        The matrix (or operator) and the eigensolver together, checked before either is built (the
        refusal names the larger part and the smallest limit that works); default a quarter of the
        available memory.

    Returns
    -------
    list of dict
        Keys ``level, energy, energy_per_site, gap, reference, error, seconds``; ``reference`` is the
        exact free-fermion energy of the periodic TFIM ground state (else None).

    Examples
    --------
    >>> ed_levels("tfim", n=8, k=1)[0]["error"] < 1e-9
    True
    """
    check_choice(model, "model", ed_lib.HAMILTONIANS)
    J, h, delta = check_real(J, "J"), check_real(h, "h"), check_real(delta, "delta")  # noqa: N806
    periodic = check_bool(periodic, "periodic")
    if not isinstance(form, str) or form not in ("sparse", "operator"):
        raise InvalidParameterError(f"form must be 'sparse' or 'operator'; got {form!r}")
    t0 = time.perf_counter()
    pauli, sites = _hamiltonian(model, n, J, h, delta, periodic, "pauli")
    parts = ed_lib.ground_state_memory(pauli, k)  # [the operator or sparse matrix ground_state builds, the solver]
    if form == "sparse":
        parts[0] = (f"the sparse matrix ({sites} qubits)", pauli.memory("sparse"))
    way_out = "use fewer spins" + (" or --matrix-free (form='operator')" if form == "sparse" else "")
    ed_lib.pauli.check_ed_memory(parts, max_memory, way_out, f"exact diagonalization of {model} with n = {n}")
    hamiltonian = pauli.as_form(form, max_memory)
    build = time.perf_counter() - t0
    res = ed_lib.ground_state(hamiltonian, k=k, max_memory=max_memory)
    reference = exact_lib.tfim_ground_energy(n, J=J, h=h) if model == "tfim" and periodic else None
    e0 = float(res.energies[0])
    return [
        {
            "level": level,
            "energy": float(e),
            "energy_per_site": float(e) / sites,
            "gap": float(e) - e0,
            "reference": reference if level == 0 else None,
            "error": abs(float(e) - reference) if (level == 0 and reference is not None) else None,
            "seconds": build + res.seconds,
        }
        for level, e in enumerate(res.energies)
    ]


def fit_report(
    n: int = 12,
    h: float = 1.0,
    J: float = 1.0,  # noqa: N803
    alpha: int = 1,
    steps: int = 300,
    learning_rate: float = 0.1,
    diag_shift: float = 1e-4,
    method: str = "sr",
    seed: int = 0,
    progress: Callable | None = None,
) -> dict[str, Any]:
    """Fit a fully connected RBM to the periodic TFIM and compare with ED (was ``tnrbm.fit.run_fit``).

    Returns ``{"summary": rows, "cuts": rows, "rbm": RBM, "history": energies}``: the summary rows are
    ``quantity, rbm, ed, error``; the cut rows are ``cut, entropy_rbm, entropy_ed, difference, bound`` for
    the blocks ``[0, l)``, with ``bound = m ln 2`` from the fitted RBM's minimal cut.

    Examples
    --------
    >>> out = fit_report(n=4, steps=50)
    >>> [row["quantity"] for row in out["summary"]]
    ['energy', 'relative error', 'fidelity', 'seconds']
    """
    hamiltonian = ed_lib.tfim(n, J=J, h=h)
    exact = ed_lib.ground_state(hamiltonian)
    start = models_lib.random_rbm(n, alpha * n, scale=0.05, bias_scale=0.0, seed=seed)
    res = fit_lib.variational_ground_state(
        start,
        hamiltonian,
        steps=steps,
        method=method,
        learning_rate=learning_rate,
        diag_shift=diag_shift,
        reference=exact.vector,
        progress=progress,
    )
    energy, fidelity = res.energy, res.fidelity
    assert energy is not None and fidelity is not None  # variational_ground_state with a reference sets both
    rel = abs(energy - exact.energy) / abs(exact.energy)
    summary = [
        {"quantity": "energy", "rbm": energy, "ed": exact.energy, "error": energy - exact.energy},
        {"quantity": "relative error", "rbm": rel, "ed": 0.0, "error": rel},
        {"quantity": "fidelity", "rbm": fidelity, "ed": 1.0, "error": 1.0 - fidelity},
        {"quantity": "seconds", "rbm": res.seconds, "ed": exact.seconds, "error": None},
    ]
    psi = res.rbm.to_dense()
    cuts = []
    for length in range(1, n):
        s_rbm = entanglement(psi, range(length)).entropy
        s_ed = entanglement(exact.vector, range(length)).entropy
        cuts.append(
            {
                "cut": length,
                "entropy_rbm": s_rbm,
                "entropy_ed": s_ed,
                "difference": s_rbm - s_ed,
                "bound": min_cut(res.rbm, range(length)).bound,
            }
        )
    return {"summary": summary, "cuts": cuts, "rbm": res.rbm, "history": res.history}


def _spec_value(value: Any) -> str:
    """A default as it is typed in a spec: ``true``, ``none``, ``4x4``, ``8-4-2``."""
    if value is inspect.Parameter.empty:
        return "(required)"
    if isinstance(value, bool) or value is None:
        return str(value).lower()
    if isinstance(value, tuple):
        return "x".join(str(v) for v in value)
    if isinstance(value, list):
        return "-".join(str(v) for v in value)
    return str(value)


def spec_parameters() -> dict[str, dict[str, str]]:
    """Every built-in model spec with its keys and their defaults, read from the builder's signature.

    Examples
    --------
    >>> spec_parameters()["local-chain"]["n"]
    '(required)'
    """
    out = {}
    for name in specs.model_names():
        params = inspect.signature(specs.MODEL_SPECS[name]).parameters.values()
        out[name] = {p.name: _spec_value(p.default) for p in params if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)}
    return out
