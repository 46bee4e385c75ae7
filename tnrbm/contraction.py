"""Deprecated module: contraction planning lives in :mod:`tnrbm.contract`, the local tensors in
:mod:`tnrbm.network.local`, the Gram networks in :mod:`tnrbm.entropy.cut`. Every old name still works
and warns with a :class:`DeprecationWarning`."""

from __future__ import annotations

from ._deprecated import forward

__getattr__, __dir__ = forward(
    __name__,
    {
        "Term": "tnrbm.network.local",
        "TermBuilder": "tnrbm.network.local",
        "chain_positions": "tnrbm.network.local",
        "absorb_vectors": "tnrbm.network.local",
        "ContractionPlan": "tnrbm.contract.plan",
        "plan_contraction": "tnrbm.contract.plan",
        "path_optimizer": "tnrbm.contract.paths",
        "sequential_path": "tnrbm.contract.paths",
        "blas_threads": "tnrbm.contract.threads",
        "SMALL_ARRAY": "tnrbm.contract.threads",
        "gram_network": "tnrbm.entropy.cut",
        "BRA_SUFFIX": "tnrbm.entropy.cut",
        "check_positive": "tnrbm.validation",
    },
)
