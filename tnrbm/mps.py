"""Deprecated module: exact MPS live in :mod:`tnrbm.tn.mps`, entanglement profiles in
:mod:`tnrbm.entropy.profile`. Every old name still works and warns with a :class:`DeprecationWarning`."""

from __future__ import annotations

from ._deprecated import forward

__getattr__, __dir__ = forward(
    __name__,
    {
        "MPSPlan": "tnrbm.tn.mps",
        "plan_mps": "tnrbm.tn.mps",
        "exact_mps": "tnrbm.tn.mps",
        "mps_arrays": "tnrbm.tn.mps",
        "bond_spectrum": "tnrbm.tn.mps",
        "EntanglementProfile": "tnrbm.entropy.profile",
        "entanglement_profile": "tnrbm.entropy.profile",
    },
)
