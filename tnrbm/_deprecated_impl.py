"""Old functions whose job moved into a method: thin wrappers kept for the deprecated module paths."""

from __future__ import annotations

import numpy as np

from .network import BoltzmannNetwork

__all__ = ["dbm_log_amplitude"]


def dbm_log_amplitude(network: BoltzmannNetwork, configs: np.ndarray, chunk: int = 4096) -> np.ndarray:
    """``log psi(v)`` (complex) of a deep network: use ``network.log_amplitude(configs)`` instead."""
    return np.asarray(network.log_amplitude(configs), dtype=np.complex128)
