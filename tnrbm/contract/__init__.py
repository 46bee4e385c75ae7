"""Generic exact contraction: paths, plans with cost and memory estimates, execution.

This layer knows nothing of Boltzmann networks: it contracts lists of arrays with named indices
(cotengra's form, hyper-indices allowed). :mod:`~tnrbm.contract.paths` finds and caches trees
(:class:`PathCache`, the registry of path finders), :mod:`~tnrbm.contract.plan` estimates cost and
memory and refuses what does not fit (slicing over inner or output indices), :mod:`~tnrbm.contract.threads`
limits BLAS threads, :mod:`~tnrbm.contract.backends` moves arrays to numpy, torch, jax or cupy, and
:mod:`~tnrbm.contract.executors` runs slices and independent jobs serially, on threads, on any
``concurrent.futures`` executor or on dask.distributed.
"""

from __future__ import annotations

from .backends import BACKENDS, Backend, available_backends, get_backend, register_backend
from .executors import PARALLEL_CHOICES, cluster, dask_client, make_progress, run_jobs
from .paths import (
    DEFAULT_PATH_CACHE,
    DEFAULT_SEED,
    PATH_FINDERS,
    PathCache,
    check_seed,
    find_tree,
    path_optimizer,
    register_path_finder,
    sequential_path,
    tree_sizes,
)
from .plan import ContractionPlan, contract_arrays, contract_block, plan_contraction, strip_exponent
from .threads import SMALL_ARRAY, blas_threads

__all__ = [
    "BACKENDS",
    "Backend",
    "PARALLEL_CHOICES",
    "available_backends",
    "cluster",
    "dask_client",
    "get_backend",
    "make_progress",
    "register_backend",
    "run_jobs",
    "ContractionPlan",
    "DEFAULT_PATH_CACHE",
    "DEFAULT_SEED",
    "PATH_FINDERS",
    "PathCache",
    "SMALL_ARRAY",
    "blas_threads",
    "check_seed",
    "contract_arrays",
    "contract_block",
    "find_tree",
    "path_optimizer",
    "plan_contraction",
    "register_path_finder",
    "sequential_path",
    "strip_exponent",
    "tree_sizes",
]
