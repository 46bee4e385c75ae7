"""The renormalization-group side of the paper (eqs. 5-17).

* :mod:`~tnrbm.rg.energy`: the Boltzmann view ``E(v, h)`` of any network (signs against the
  wavefunction convention stated there), exact ``log Z``, ``F^v``, ``F^h``, marginals ``p(v)``, ``p(h)``.
* :mod:`~tnrbm.rg.hamiltonian`: spin Hamiltonians with pair and multi-spin terms, their exact
  ``log Z`` and the exact RBM of pair couplings (one hidden spin per bond).
* :mod:`~tnrbm.rg.transfer`: exact ``log Z`` of the Ising torus by the row-to-row transfer matrix (one
  seam slice per symmetry orbit): ``L = 16`` in seconds; of the Ising chain in closed form (any length).
* :mod:`~tnrbm.rg.coarse`: ``H^RBM(h)``, its couplings ``K~`` (Walsh-Hadamard / Moebius), ``H^RG``
  (eq. 11), the Mehta-Schwab transform (eq. 15) and ``Delta F`` (eq. 12).
* :mod:`~tnrbm.rg.decimation`: exact 1D Ising decimation as RBM steps, stacked; the flow with field.
* :mod:`~tnrbm.rg.sampling`: vectorized Swendsen-Wang cluster sampling.
* :mod:`~tnrbm.rg.training`: RBM training (exact likelihood or PCD) and greedy stacking.
* :mod:`~tnrbm.rg.blocking`: coarse-graining rules on blocks (decimation, majority, RBM filters, tables).
* :mod:`~tnrbm.rg.conditional`: the exact ``p(v | e)`` of a block and its buffer (enumeration, or the
  buffer as a ring of transfer matrices for ``3 x 3`` blocks).
* :mod:`~tnrbm.rg.rsmi`: real-space mutual information ``I(H : E)`` with exact conditionals, its
  gradient and RSMI training.
* :mod:`~tnrbm.rg.mcrg`: Swendsen's Monte Carlo RG: ``y_t``, ``y_h`` of a coarse-graining rule.
* :mod:`~tnrbm.rg.flow`: the nearest-neighbour coupling flow ``K -> K~`` of a rule (pseudo-likelihood),
  its fixed point and eigenvalue.
* :mod:`~tnrbm.rg.clusters`: streaming Swendsen-Wang (long runs) and its straightforward numpy reference.

The hierarchical RG/AdS networks and the mass-to-depth rule live in :mod:`tnrbm.models.hierarchy`;
their old names here (``tnrbm.rg.hierarchical``, ``tnrbm.rg.correlation_length``, ...) still work and
warn once with a :class:`DeprecationWarning`.
"""

from __future__ import annotations

from .._deprecated import forward
from . import (
    blocking,
    clusters,
    coarse,
    conditional,
    decimation,
    energy,
    flow,
    hamiltonian,
    mcrg,
    rsmi,
    sampling,
    training,
    transfer,
)
from .blocking import BlockRule, coarse_grain, decimation_rule, majority_rule, rbm_rule, table_rule
from .clusters import swendsen_wang_reference, swendsen_wang_stream
from .coarse import (
    coarse_coupling,
    coarse_couplings,
    free_energy_difference,
    hamiltonian_rg,
    mehta_schwab_transform,
    moebius,
    normalization_defect,
    walsh_hadamard,
)
from .decimation import (
    DecimationStack,
    chain_log_partition,
    decimated_hamiltonian,
    decimation_flow,
    decimation_rbm,
    decimation_stack,
    decimation_step,
)
from .energy import (
    energy as boltzmann_energy,
)
from .energy import (
    free_energy,
    hamiltonian_hidden,
    hamiltonian_visible,
    log_marginal_hidden,
    log_marginal_visible,
    log_partition,
)
from .flow import FlowResult, coupling_flow, pseudo_likelihood_coupling
from .hamiltonian import SpinHamiltonian, bond_weight, ising_chain, ising_torus, random_hamiltonian
from .mcrg import MCRGResult, even_operators, linearized_map, mcrg_exponents, odd_operators
from .mcrg import mcrg as monte_carlo_rg
from .rsmi import (
    RSMIResult,
    chain_decimation_information,
    rsmi_estimate,
    rsmi_exact,
    rsmi_gradient,
    train_rsmi,
)
from .sampling import CRITICAL_COUPLING, SampleResult, block_estimate, swendsen_wang
from .training import TrainResult, greedy_stack, train_rbm
from .transfer import ising_chain_log_partition, ising_torus_log_partition, seam_orbits

__all__: list[str] = [
    "coarse",
    "decimation",
    "energy",
    "hamiltonian",
    "sampling",
    "training",
    "transfer",
    "boltzmann_energy",
    "log_partition",
    "free_energy",
    "log_marginal_visible",
    "log_marginal_hidden",
    "hamiltonian_visible",
    "hamiltonian_hidden",
    "SpinHamiltonian",
    "ising_chain",
    "ising_torus",
    "ising_torus_log_partition",
    "ising_chain_log_partition",
    "seam_orbits",
    "random_hamiltonian",
    "bond_weight",
    "walsh_hadamard",
    "moebius",
    "coarse_couplings",
    "coarse_coupling",
    "hamiltonian_rg",
    "mehta_schwab_transform",
    "free_energy_difference",
    "normalization_defect",
    "decimation_step",
    "decimation_flow",
    "decimation_rbm",
    "decimated_hamiltonian",
    "decimation_stack",
    "DecimationStack",
    "chain_log_partition",
    "swendsen_wang",
    "SampleResult",
    "block_estimate",
    "CRITICAL_COUPLING",
    "train_rbm",
    "TrainResult",
    "greedy_stack",
    "blocking",
    "conditional",
    "rsmi",
    "BlockRule",
    "coarse_grain",
    "decimation_rule",
    "majority_rule",
    "rbm_rule",
    "table_rule",
    "RSMIResult",
    "rsmi_estimate",
    "rsmi_exact",
    "rsmi_gradient",
    "train_rsmi",
    "chain_decimation_information",
    "clusters",
    "mcrg",
    "swendsen_wang_stream",
    "swendsen_wang_reference",
    "MCRGResult",
    "monte_carlo_rg",
    "even_operators",
    "odd_operators",
    "linearized_map",
    "mcrg_exponents",
    "flow",
    "FlowResult",
    "coupling_flow",
    "pseudo_likelihood_coupling",
]

#: the hierarchical networks moved to tnrbm.models (tnrbm.rg keeps its own names, so only __getattr__ is bound)
__getattr__, _dir = forward(
    __name__,
    {
        name: f"tnrbm.models:{name}"
        for name in ("correlation_length", "hierarchical", "hierarchical_layer_sizes", "ir_depth")
    },
)
