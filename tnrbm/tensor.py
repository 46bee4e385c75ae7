"""Deprecated module: the tensor-network forms live in :mod:`tnrbm.tn`, the local tensors in
:mod:`tnrbm.network.local`. Every old name still works and warns with a :class:`DeprecationWarning`."""

from __future__ import annotations

from ._deprecated import forward

__getattr__, __dir__ = forward(
    __name__,
    {
        "FORMS": "tnrbm.tn.forms",
        "MAX_BOND_DEGREE": "tnrbm.network.local",
        "contract_network": "tnrbm.tn.dense",
        "contract_dense": "tnrbm.tn.dense",
        "to_tensor_network": "tnrbm.tn.forms",
        "physical_inds": "tnrbm.network.local",
        "unit_index": "tnrbm.network.local",
        "dbm_log_amplitude": "tnrbm._deprecated_impl:dbm_log_amplitude",
    },
)
