"""Exact tensor-network forms of a Boltzmann network (quimb).

Three forms, each exactly ``psi(v)`` when contracted with the physical indices ``k0, k1, ...`` open
(index value 0 is spin +1):

``"factor"``
    One index per unit (``k{i}`` visible, ``h{j}`` hidden, ``j`` the global hidden index), a vector
    ``exp(bias * x)`` on each unit, a 2x2 matrix ``exp(w x y)`` on each coupling. Indices shared by
    more than two tensors are hyper-indices: pass ``output_inds=physical_inds(network)``.
``"copy"``
    A COPY (diagonal) tensor per unit carrying its bias, with one leg per coupling and the physical
    leg on visible units; every index joins exactly two tensors (or is a physical leg).
``"bond"``
    Hidden units of the odd hidden layers (all hidden units of an RBM) are summed into one tensor on
    their neighbours, ``B_j[x_S] = sum_h exp(h (b_j + sum_{s in S} w_sj x_s))``: hidden units become
    bond tensors. A hidden unit with two neighbours becomes a bond matrix between them.

Every tensor is stored scaled to largest magnitude 1 with the scale kept in the network's
``exponent`` (log10), so that networks of any size contract without overflow when
``strip_exponent=True`` is passed to quimb.

Limitation: with fields of order 1000 (couplings and biases of order 100), single entries of a tensor
span more than float64's range; the copy and bond forms can then lose the largest amplitudes in an
intermediate contraction. The factor form and the closed-form ``RBM.log_amplitude`` stay exact there.
The COPY form of a densely connected network is also very wide to contract: use it for display and cuts.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import quimb.tensor as qtn

from ._memory import check_memory
from .errors import InvalidParameterError
from .network import BoltzmannNetwork, Unit, log_sum_hidden

__all__ = [
    "FORMS",
    "contract_network",
    "to_tensor_network",
    "physical_inds",
    "unit_index",
    "contract_dense",
    "dbm_log_amplitude",
]


def _silence_kahypar_warning() -> None:
    """cotengra warns once, the first time its default hyper-optimizer is built, that the optional
    ``kahypar`` is missing (it then uses its own ``labels`` partitioner). tnrbm works without it, so
    the warning is settled here, once, and no other warning is touched."""
    try:
        from cotengra.hyperoptimizers.hyper import get_default_hq_methods
    except ImportError:  # pragma: no cover - other cotengra versions
        return
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Couldn't import `kahypar`")
        get_default_hq_methods()  # lru-cached: later calls do not warn


_silence_kahypar_warning()

FORMS = ("factor", "copy", "bond")
#: the largest number of neighbours a hidden unit may have in the bond form (a 2**d tensor)
MAX_BOND_DEGREE = 24


def physical_inds(network: BoltzmannNetwork) -> list[str]:
    """The open (physical) indices ``['k0', 'k1', ...]`` of every form, in site order.

    Examples
    --------
    >>> import tnrbm
    >>> physical_inds(tnrbm.models.random_rbm(3, 1, seed=0))
    ['k0', 'k1', 'k2']
    """
    return [f"k{i}" for i in range(network.n_visible)]


def unit_index(network: BoltzmannNetwork, unit: Unit) -> str:
    """The index of a unit in the factor and bond forms: ``k{i}`` or ``h{j}``.

    Examples
    --------
    >>> import tnrbm
    >>> dbm = tnrbm.models.random_dbm([3, 2, 2], seed=0)
    >>> unit_index(dbm, (0, 1)), unit_index(dbm, (2, 0))  # visible 1; first unit of hidden layer 2
    ('k1', 'h2')
    """
    layer, i = unit
    return f"k{i}" if layer == 0 else f"h{network.hidden_offset(layer) + i}"


def _unit_tags(network: BoltzmannNetwork, unit: Unit) -> set[str]:
    layer = unit[0]
    tags = {network.unit_label(unit), "VISIBLE" if layer == 0 else "HIDDEN"}
    if layer > 0:
        tags.add(f"L{layer}")
    return tags


def _scaled(data: np.ndarray) -> tuple[np.ndarray, float]:
    """Scale an array to largest magnitude 1; return it and the log10 of the scale."""
    peak = float(np.max(np.abs(data))) if data.size else 1.0
    if peak == 0.0 or not np.isfinite(peak):
        return data, 0.0
    return data / peak, float(np.log10(peak))


def _exp_scaled(logs: np.ndarray) -> tuple[np.ndarray, float]:
    """``exp(logs)`` scaled to largest magnitude 1, computed without overflow."""
    shift = float(np.max(logs.real)) if logs.size else 0.0
    data = np.exp(logs - shift)
    return data, shift / np.log(10.0)


def _add(tn: qtn.TensorNetwork, data: np.ndarray, inds: tuple[str, ...], tags: set[str]) -> None:
    tn.add_tensor(qtn.Tensor(data, inds=inds, tags=tags), virtual=True)


def _check_form(form: str) -> None:
    if form not in FORMS:
        raise InvalidParameterError(f"form must be one of {FORMS}; got {form!r}")


def to_tensor_network(network: BoltzmannNetwork, form: str = "factor") -> qtn.TensorNetwork:
    """The exact tensor network of ``network`` (see the module docstring for the forms).

    Parameters
    ----------
    network
        An :class:`~tnrbm.RBM` or :class:`~tnrbm.DBM`.
    form
        ``"factor"``, ``"copy"`` or ``"bond"``.

    Returns
    -------
    quimb.tensor.TensorNetwork
        Physical indices ``k0 ... k{N-1}``; tags ``V{i}`` and ``H{j}`` on the tensors of each unit
        (a coupling tensor carries the tags of both its units, plus ``EDGE``), ``L{l}`` on hidden
        layer ``l``. The overall scale is in ``tn.exponent`` (log10).

    Examples
    --------
    >>> import numpy as np, tnrbm
    >>> rbm = tnrbm.models.random_rbm(4, 3, seed=0)
    >>> tn = tnrbm.to_tensor_network(rbm, form="factor")
    >>> psi = tn.contract(output_inds=tnrbm.physical_inds(rbm)).data.reshape(-1)
    >>> bool(np.allclose(psi, rbm.to_dense(normalize=False)))
    True
    """
    _check_form(form)
    if form == "factor":
        return _factor_form(network)
    if form == "copy":
        return _copy_form(network)
    return _bond_form(network)


def _factor_form(
    network: BoltzmannNetwork,
    skip_layers: frozenset[int] = frozenset(),
    skip_biases: frozenset[int] = frozenset(),
) -> qtn.TensorNetwork:
    """Factor form without the units of ``skip_layers`` and the bias vectors of ``skip_biases``."""
    tn = qtn.TensorNetwork([])
    exponent = 0.0
    for layer, (bias, size) in enumerate(zip(network.biases, network.layer_sizes)):
        if layer in skip_layers or layer in skip_biases:
            continue
        vals = network.layer_values(layer)
        for i in range(size):
            unit = (layer, i)
            data, e = _exp_scaled(bias[i] * vals)
            exponent += e
            _add(tn, data, (unit_index(network, unit),), _unit_tags(network, unit))
    for u, v, w in network.edges():
        if u[0] in skip_layers or v[0] in skip_layers:
            continue
        data, e = _exp_scaled(w * np.outer(network.layer_values(u[0]), network.layer_values(v[0])))
        exponent += e
        tags = _unit_tags(network, u) | _unit_tags(network, v) | {"EDGE"}
        _add(tn, data, (unit_index(network, u), unit_index(network, v)), tags)
    tn.exponent = exponent
    return tn


def _copy_form(network: BoltzmannNetwork) -> qtn.TensorNetwork:
    legs: dict[Unit, list[str]] = {unit: [] for unit in network.units()}
    tn = qtn.TensorNetwork([])
    exponent = 0.0
    for e, (u, v, w) in enumerate(network.edges()):
        iu, iv = f"{unit_index(network, u)}.e{e}", f"{unit_index(network, v)}.e{e}"
        legs[u].append(iu)
        legs[v].append(iv)
        data, s = _exp_scaled(w * np.outer(network.layer_values(u[0]), network.layer_values(v[0])))
        exponent += s
        _add(tn, data, (iu, iv), _unit_tags(network, u) | _unit_tags(network, v) | {"EDGE"})
    for unit, unit_legs in legs.items():
        layer, i = unit
        inds = ([f"k{i}"] if layer == 0 else []) + unit_legs
        diag, s = _exp_scaled(network.biases[layer][i] * network.layer_values(layer))
        exponent += s
        if not inds:  # isolated hidden unit: a scalar factor
            data = np.array(diag.sum())
        else:
            data = np.zeros((2,) * len(inds), dtype=diag.dtype)
            for x in range(2):
                data[(x,) * len(inds)] = diag[x]
        _add(tn, data, tuple(inds), _unit_tags(network, unit) | {"COPY"})
    tn.exponent = exponent
    return tn


def _bond_form(network: BoltzmannNetwork) -> qtn.TensorNetwork:
    summed = frozenset(range(1, len(network.layer_sizes), 2))
    tn = _factor_form(network, skip_layers=summed)
    exponent = tn.exponent
    for layer in sorted(summed):
        below = network.couplings[layer - 1]  # (n_{l-1}, n_l)
        above = network.couplings[layer] if layer < len(network.couplings) else None
        for j in range(network.layer_sizes[layer]):
            col = below[:, [j]].tocoo()
            nbrs = [((layer - 1, int(r)), w) for r, w in zip(col.row, col.data)]
            if above is not None:
                row = above[[j], :].tocoo()
                nbrs += [((layer + 1, int(c)), w) for c, w in zip(row.col, row.data)]
            unit = (layer, j)
            if len(nbrs) > MAX_BOND_DEGREE:
                raise InvalidParameterError(
                    f"form='bond' makes a 2**{len(nbrs)} tensor for hidden unit {network.unit_label(unit)} "
                    f"({len(nbrs)} neighbours; at most {MAX_BOND_DEGREE} allowed); use form='factor'"
                )
            # field[x_S] = b_j + sum_s w_s val(x_s), on the 2**d grid
            field = np.full((2,) * len(nbrs), network.biases[layer][j], dtype=network.dtype)
            for axis, (nb, w) in enumerate(nbrs):
                shape = [1] * len(nbrs)
                shape[axis] = 2
                field = field + (w * network.layer_values(nb[0])).reshape(shape)
            data, s = _exp_scaled(log_sum_hidden(field, network.hidden))
            exponent += s
            inds = tuple(unit_index(network, nb) for nb, _ in nbrs)
            tags = _unit_tags(network, unit) | {"BOND"} | {network.unit_label(nb) for nb, _ in nbrs}
            _add(tn, data, inds, tags)
    tn.exponent = exponent
    return tn


def contract_dense(
    network: BoltzmannNetwork,
    normalize: bool = True,
    form: str = "factor",
    max_memory: float | None = None,
) -> np.ndarray:
    """The state vector by contracting the tensor network (kron order).

    Examples
    --------
    >>> import numpy as np, tnrbm
    >>> dbm = tnrbm.models.random_dbm([4, 3, 2], seed=1)
    >>> psi = tnrbm.tensor.contract_dense(dbm, form="copy")
    >>> round(float(np.linalg.norm(psi)), 12)
    1.0
    """
    n = network.n_visible
    check_memory(
        16.0 * 2**n,
        f"the dense state vector of {n} spins",
        max_memory,
        "use method='cut' or 'mps' in tnrbm.entanglement, which never forms it",
    )
    tn = to_tensor_network(network, form)
    out = physical_inds(network)
    mantissa, exponent = contract_network(tn, out, max_memory=max_memory, what="the state-vector contraction")
    psi = np.asarray(mantissa).reshape(-1)
    if not network.is_complex:
        psi = psi.real
    if normalize:
        return psi / np.linalg.norm(psi)
    return psi * 10.0**exponent


def dbm_log_amplitude(network: BoltzmannNetwork, configs: np.ndarray, chunk: int = 4096) -> np.ndarray:
    """``log psi(v)`` of a deep network for validated configurations of shape ``(B, N)``.

    The visible spins are fixed, which turns the couplings to hidden layer 1 into fields; the
    hidden layers are then contracted with a batch hyper-index, the scale of each configuration
    kept apart in logs.

    Examples
    --------
    >>> import numpy as np, tnrbm
    >>> dbm = tnrbm.models.random_dbm([3, 2, 1], seed=0)
    >>> v = tnrbm.all_configurations(3)
    >>> bool(np.allclose(np.exp(dbm_log_amplitude(dbm, v)), dbm.to_dense(normalize=False)))
    True
    """
    out = np.empty(len(configs), dtype=np.complex128)
    for start in range(0, len(configs), chunk):
        out[start : start + chunk] = _dbm_log_amplitude_chunk(network, configs[start : start + chunk])
    return out


def _dbm_log_amplitude_chunk(network: BoltzmannNetwork, conf: np.ndarray) -> np.ndarray:
    hv = network.hidden_values
    fields = network.biases[1] + (network.couplings[0].T @ conf.T).T  # (B, n_1)
    logs = fields[:, :, None] * hv[None, None, :]  # (B, n_1, 2)
    shift = logs.real.max(axis=2)  # (B, n_1)
    # a ones vector keeps the batch index alive when hidden layer 1 is empty
    tensors = [qtn.Tensor(np.ones(len(conf)), inds=("batch",))]
    for j in range(network.layer_sizes[1]):
        tensors.append(qtn.Tensor(np.exp(logs[:, j, :] - shift[:, j, None]), inds=("batch", f"h{j}")))
    tn = qtn.TensorNetwork(tensors)
    # the hidden layers; layer 1's bias is already in the fields
    hidden_only = _factor_form(network, skip_layers=frozenset({0}), skip_biases=frozenset({1}))
    tn = tn.combine(hidden_only, check_collisions=False)
    tn.exponent = hidden_only.exponent
    mantissa, exponent = contract_network(tn, ("batch",), what="the hidden-layer contraction")
    vals = np.asarray(mantissa, dtype=np.complex128).reshape(-1)
    return conf @ network.biases[0] + shift.sum(axis=1) + np.log(vals) + exponent * np.log(10.0)


def contract_network(
    tn: qtn.TensorNetwork,
    output_inds: Sequence[str],
    max_memory: float | None = None,
    what: str = "the contraction",
) -> tuple[np.ndarray, float]:
    """Contract a (hyper-index) network to its ``output_inds``, in that order, with a planned, cached path.

    The path comes from :func:`tnrbm.contraction.plan_contraction` (greedy, cached; memory checked
    before anything is allocated). Returns ``(mantissa, exponent)``: the value is
    ``mantissa * 10**exponent``, the network's own ``exponent`` included.

    Examples
    --------
    >>> import numpy as np, tnrbm
    >>> rbm = tnrbm.models.random_rbm(3, 2, seed=0)
    >>> m, e = contract_network(tnrbm.to_tensor_network(rbm), tnrbm.physical_inds(rbm))
    >>> bool(np.allclose(m.reshape(-1) * 10**e, rbm.to_dense(normalize=False)))
    True
    """
    from .contraction import plan_contraction

    tensors = list(tn)
    inputs = [t.inds for t in tensors]
    size_dict = {ix: d for t in tensors for ix, d in zip(t.inds, t.shape)}
    plan = plan_contraction(
        inputs,
        tuple(output_inds),
        size_dict,
        max_memory=max_memory,
        what=what,
        way_out="use tnrbm.entanglement with method='cut' or 'mps', which never forms the state vector",
    )
    mantissa, exponent = plan.contract([t.data for t in tensors])
    return np.asarray(mantissa), float(exponent) + float(tn.exponent)
