"""Exact quimb tensor-network forms of a Boltzmann network, in a registry of forms.

Each form is exactly ``psi(v)`` when contracted with the physical indices ``k0, k1, ...`` open
(index value 0 is spin +1); every tensor comes from the one factory of local tensors,
:class:`tnrbm.network.local.TermBuilder`:

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
``strip_exponent=True`` is passed to quimb. A new form is one function ``build(network) ->
quimb.tensor.TensorNetwork`` added with :func:`register_form`.

Limitation: with fields of order 1000 (couplings and biases of order 100), single entries of a tensor
span more than float64's range; the copy and bond forms can then lose the largest amplitudes in an
intermediate contraction. The factor form and the closed-form ``RBM.log_amplitude`` stay exact there.
The COPY form of a densely connected network is also very wide to contract: use it for display and cuts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from .._lazy import lazy_module
from ..errors import InvalidParameterError
from ..network import BoltzmannNetwork, TermBuilder, Unit, physical_inds, unit_index
from ..network.local import MAX_BOND_DEGREE
from ..registry import Registry, check_callable

if TYPE_CHECKING:  # the annotations name quimb's classes; at run time quimb loads on first use
    import quimb.tensor as qtn
else:
    qtn = lazy_module("quimb.tensor")

__all__ = ["FORMS", "register_form", "to_tensor_network", "physical_inds", "unit_index", "unit_tags"]


def unit_tags(network: BoltzmannNetwork, unit: Unit) -> set[str]:
    """The tags of a unit's tensors: its label (``V{i}``/``H{j}``), ``VISIBLE`` or ``HIDDEN`` and ``L{l}``.

    Examples
    --------
    >>> import tnrbm
    >>> sorted(unit_tags(tnrbm.models.random_rbm(2, 2, seed=0), (1, 1)))
    ['H1', 'HIDDEN', 'L1']
    """
    layer = unit[0]
    tags = {network.unit_label(unit), "VISIBLE" if layer == 0 else "HIDDEN"}
    if layer > 0:
        tags.add(f"L{layer}")
    return tags


def _network(terms: list, scale: float) -> qtn.TensorNetwork:
    tn = qtn.TensorNetwork([])
    for data, inds, tags in terms:
        tn.add_tensor(qtn.Tensor(data, inds=inds, tags=tags), virtual=True)
    tn.exponent = scale
    return tn


def _tags(network: BoltzmannNetwork, kind: str, units: tuple) -> set[str]:
    if kind == "bias":
        return unit_tags(network, units[0])
    if kind == "edge":
        return unit_tags(network, units[0]) | unit_tags(network, units[1]) | {"EDGE"}
    return unit_tags(network, units[0]) | {"BOND"} | {network.unit_label(u) for u in units[1:]}


def _from_builder(network: BoltzmannNetwork, builder: TermBuilder, sum_out: bool) -> qtn.TensorNetwork:
    records: list = []
    terms, scale = builder.terms(network.units(), range(len(builder.edges)), sum_out=sum_out, records=records)
    tagged = [(data, inds, _tags(network, kind, units)) for (data, inds), (kind, units) in zip(terms, records)]
    return _network(tagged, scale)


def _factor_form(network: BoltzmannNetwork) -> qtn.TensorNetwork:
    return _from_builder(network, TermBuilder(network), sum_out=False)


def _bond_form(network: BoltzmannNetwork) -> qtn.TensorNetwork:
    builder = TermBuilder(network, max_bond_degree=MAX_BOND_DEGREE)
    for unit, nbrs in builder.neighbours.items():
        if unit[0] % 2 == 1 and len(nbrs) > MAX_BOND_DEGREE:
            raise InvalidParameterError(
                f"form='bond' makes a 2**{len(nbrs)} tensor for hidden unit {network.unit_label(unit)} "
                f"({len(nbrs)} neighbours; at most {MAX_BOND_DEGREE} allowed); use form='factor'"
            )
    return _from_builder(network, builder, sum_out=True)


def _copy_form(network: BoltzmannNetwork) -> qtn.TensorNetwork:
    builder = TermBuilder(network)
    legs: dict[Unit, list[str]] = {unit: [] for unit in network.units()}
    terms: list[tuple[np.ndarray, tuple[str, ...], set[str]]] = []
    scale = 0.0
    for e, (u, v, _) in enumerate(builder.edges):
        iu, iv = f"{unit_index(network, u)}.e{e}", f"{unit_index(network, v)}.e{e}"
        legs[u].append(iu)
        legs[v].append(iv)
        data, s = builder.edge_tensor(e)
        scale += s
        terms.append((data, (iu, iv), _tags(network, "edge", (u, v))))
    for unit, unit_legs in legs.items():
        layer, i = unit
        inds = ([f"k{i}"] if layer == 0 else []) + unit_legs
        diag, s = builder.bias_tensor(unit)
        scale += s
        if not inds:  # isolated hidden unit: a scalar factor
            data = np.array(diag.sum())
        else:
            data = np.zeros((2,) * len(inds), dtype=diag.dtype)
            for x in range(2):
                data[(x,) * len(inds)] = diag[x]
        terms.append((data, tuple(inds), unit_tags(network, unit) | {"COPY"}))
    return _network(terms, scale)


#: name -> builder of the form; :func:`to_tensor_network` dispatches on it
FORMS: Registry[Callable[[BoltzmannNetwork], qtn.TensorNetwork]] = Registry(
    "form", {"factor": _factor_form, "copy": _copy_form, "bond": _bond_form}, check=check_callable("build")
)


def register_form(name: str, build: Callable[[BoltzmannNetwork], qtn.TensorNetwork], *, replace: bool = False) -> None:
    """Add a tensor-network form: ``build(network)`` returns the quimb network (physical indices ``k{i}``).

    Examples
    --------
    A taken name is refused unless ``replace=True``; ``FORMS.unregister(name)`` removes one.

    >>> register_form("factor-again", FORMS["factor"])
    >>> del FORMS["factor-again"]
    """
    FORMS.register(name, build, replace=replace)


def to_tensor_network(network: BoltzmannNetwork, form: str = "factor") -> qtn.TensorNetwork:
    """The exact tensor network of ``network`` (see the module docstring for the forms).

    Parameters
    ----------
    network
        An :class:`~tnrbm.RBM` or :class:`~tnrbm.DBM`.
    form
        A name in :data:`FORMS`: ``"factor"``, ``"copy"`` or ``"bond"``.

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
    if not isinstance(network, BoltzmannNetwork):
        raise InvalidParameterError(f"network must be an RBM or a DBM; got {type(network).__name__}")
    return FORMS.get(form)(network)
