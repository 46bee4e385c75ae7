"""Contracting quimb networks (hyper-indices allowed) with a planned, cached, memory-checked path."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from .._lazy import lazy_module
from ..contract import plan_contraction
from ..network import BoltzmannNetwork, physical_inds
from ..validation import MaxMemory, check_bool, check_memory
from .forms import to_tensor_network

if TYPE_CHECKING:  # the annotations name quimb's classes; at run time quimb loads on first use
    import quimb.tensor as qtn
else:
    qtn = lazy_module("quimb.tensor")

__all__ = ["contract_dense", "contract_network"]


def contract_network(
    tn: qtn.TensorNetwork,
    output_inds: Sequence[str],
    max_memory: MaxMemory = None,
    what: str = "the contraction",
) -> tuple[np.ndarray, float]:
    """Contract a (hyper-index) network to its ``output_inds``, in that order, with a planned, cached path.

    The path comes from :func:`tnrbm.contract.plan_contraction` (memory checked before anything is
    allocated). Returns ``(mantissa, exponent)``: the value is ``mantissa * 10**exponent``, the
    network's own ``exponent`` included.

    Examples
    --------
    >>> import numpy as np, tnrbm
    >>> rbm = tnrbm.models.random_rbm(3, 2, seed=0)
    >>> m, e = contract_network(tnrbm.to_tensor_network(rbm), tnrbm.physical_inds(rbm))
    >>> bool(np.allclose(m.reshape(-1) * 10**e, rbm.to_dense(normalize=False)))
    True
    """
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


def contract_dense(
    network: BoltzmannNetwork, normalize: bool = True, form: str = "factor", max_memory: MaxMemory = None
) -> np.ndarray:
    """The state vector by contracting a tensor-network form of ``network`` (kron order).

    Examples
    --------
    >>> import numpy as np, tnrbm
    >>> dbm = tnrbm.models.random_dbm([4, 3, 2], seed=1)
    >>> psi = contract_dense(dbm, form="copy")
    >>> round(float(np.linalg.norm(psi)), 12)
    1.0
    """
    normalize = check_bool(normalize, "normalize")
    tn = to_tensor_network(network, form)
    n = network.n_visible
    check_memory(
        16.0 * 2**n,
        f"the dense state vector of {n} spins",
        max_memory,
        "use method='cut' or 'mps' in tnrbm.entanglement, which never forms it",
    )
    mantissa, exponent = contract_network(tn, physical_inds(network), max_memory, "the state-vector contraction")
    psi = np.asarray(mantissa).reshape(-1)
    if not network.is_complex:
        psi = psi.real
    if normalize:
        return psi / np.linalg.norm(psi)
    return psi * 10.0**exponent
