"""Generic exact contraction: paths, plans with cost and memory estimates, execution.

This layer knows nothing of Boltzmann networks: it contracts lists of arrays with named indices
(cotengra's form, hyper-indices allowed). :mod:`~tnrbm.contract.paths` finds and caches trees
(:class:`PathCache`, the registry of path finders), :mod:`~tnrbm.contract.plan` estimates cost and
memory and refuses what does not fit, and :mod:`~tnrbm.contract.threads` limits BLAS threads. A new
array backend or executor goes here, next to :meth:`ContractionPlan.contract`.
"""

from __future__ import annotations

from .paths import (
    DEFAULT_PATH_CACHE,
    PATH_FINDERS,
    PathCache,
    find_tree,
    path_optimizer,
    register_path_finder,
    sequential_path,
    tree_sizes,
)
from .plan import ContractionPlan, contract_arrays, plan_contraction, strip_exponent
from .threads import SMALL_ARRAY, blas_threads

__all__ = [
    "ContractionPlan",
    "DEFAULT_PATH_CACHE",
    "PATH_FINDERS",
    "PathCache",
    "SMALL_ARRAY",
    "blas_threads",
    "contract_arrays",
    "find_tree",
    "path_optimizer",
    "plan_contraction",
    "register_path_finder",
    "sequential_path",
    "strip_exponent",
    "tree_sizes",
]
