"""Constructors of Boltzmann networks: random, local (chains and lattices), hierarchical (RG / AdS).

Every constructor takes ``seed`` (an int or a numpy Generator). Couplings are drawn independently
from a normal distribution of standard deviation ``scale``; ``complex=True`` adds an independent
imaginary part of the same scale. Biases are drawn with ``bias_scale`` (default ``scale``; 0 gives
zero biases).
"""

from __future__ import annotations

from .hierarchy import correlation_length, hierarchical, hierarchical_layer_sizes, ir_depth
from .local import local_chain, local_lattice
from .random import random_dbm, random_rbm, rng_from_seed

__all__ = [
    "random_rbm",
    "random_dbm",
    "local_chain",
    "local_lattice",
    "rng_from_seed",
    "hierarchical",
    "hierarchical_layer_sizes",
    "ir_depth",
    "correlation_length",
]
