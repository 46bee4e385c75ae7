"""Exact tensor networks of Boltzmann networks (quimb): the forms, dense contraction, exact MPS.

:mod:`~tnrbm.tn.forms` builds the factor, COPY and bond forms (a registry: :func:`register_form`) from
the one factory of local tensors (:mod:`tnrbm.network.local`); :mod:`~tnrbm.tn.dense` contracts them
with planned, memory-checked paths (:mod:`tnrbm.contract`); :mod:`~tnrbm.tn.mps` sweeps a network into
its exact matrix product state.
"""

from __future__ import annotations

from .dense import contract_dense, contract_network
from .forms import FORMS, physical_inds, register_form, to_tensor_network, unit_index, unit_tags
from .mps import (
    MPSPlan,
    bond_spectrum,
    exact_mps,
    mps_arrays,
    plan_mps,
    profile_spectra,
    site_network,
    streamed_bond_spectrum,
)

__all__ = [
    "FORMS",
    "MPSPlan",
    "bond_spectrum",
    "contract_dense",
    "contract_network",
    "exact_mps",
    "mps_arrays",
    "physical_inds",
    "plan_mps",
    "profile_spectra",
    "register_form",
    "site_network",
    "streamed_bond_spectrum",
    "to_tensor_network",
    "unit_index",
    "unit_tags",
]
