"""Array backends: where contractions and Gram spectra run (numpy, torch, jax, cupy), through autoray.

:data:`BACKENDS` maps a name to a :class:`Backend`: how to move a numpy array there (``to``) and back
(``to_numpy``). cotengra contracts any array autoray knows, and the Gram spectra call
``autoray.do("linalg.eigh", ...)``, so a backend is only these two moves. ``"numpy"`` is the default;
``"torch"`` (CUDA when available), ``"jax"`` (64-bit enabled: jax defaults to float32) and ``"cupy"`` are
imported only when asked for. Arrays keep their dtype (complex128 or float64).

Examples
--------
>>> import numpy as np
>>> be = get_backend("numpy")
>>> be.name, be.to_numpy(be.to(np.eye(2))).dtype
('numpy', dtype('float64'))
>>> sorted(BACKENDS)
['cupy', 'jax', 'numpy', 'torch']
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import autoray
import numpy as np

from ..errors import InvalidParameterError
from ..registry import Registry

__all__ = ["BACKENDS", "Backend", "available_backends", "get_backend", "register_backend"]


@dataclass(frozen=True)
class Backend:
    """An array library: its name, the module that must be importable, and the two moves.

    Attributes
    ----------
    name : str
        The name passed as ``backend=``.
    module : str
        The module that must be importable (``"numpy"``, ``"torch"``, ...).
    to : callable
        ``to(numpy_array) -> backend array`` (same dtype; on the backend's default device).
    to_numpy : callable
        ``to_numpy(backend array) -> numpy.ndarray``.
    """

    name: str
    module: str
    to: Callable[[np.ndarray], Any]
    to_numpy: Callable[[Any], np.ndarray]

    @property
    def available(self) -> bool:
        """Whether the backend's module is installed."""
        return importlib.util.find_spec(self.module) is not None


def _to_numpy(x: Any) -> np.ndarray:
    return np.asarray(autoray.to_numpy(x))


def _torch_to(x: np.ndarray) -> Any:
    import torch  # optional dependency

    device = "cuda" if torch.cuda.is_available() else "cpu"
    return torch.as_tensor(np.ascontiguousarray(x), device=device)


def _jax_to(x: np.ndarray) -> Any:
    import jax  # optional dependency

    jax.config.update("jax_enable_x64", True)
    return jax.numpy.asarray(x)


def _cupy_to(x: np.ndarray) -> Any:
    import cupy  # optional dependency

    return cupy.asarray(x)


def _check_backend(name: str, backend: Any) -> None:
    if not isinstance(backend, Backend):
        raise InvalidParameterError(f"backend must be a tnrbm.contract.Backend; got {backend!r}")
    if backend.name != name:
        raise InvalidParameterError(f"backend {backend.name!r} registered as {name!r}: the two names must agree")


#: name -> :class:`Backend`
BACKENDS: Registry[Backend] = Registry(
    "backend",
    {
        "numpy": Backend("numpy", "numpy", np.asarray, np.asarray),
        "torch": Backend("torch", "torch", _torch_to, _to_numpy),
        "jax": Backend("jax", "jax", _jax_to, _to_numpy),
        "cupy": Backend("cupy", "cupy", _cupy_to, _to_numpy),
    },
    check=_check_backend,
)


def register_backend(name: str | Backend, backend: Backend | None = None, *, replace: bool = False) -> None:
    """Add a :class:`Backend`: ``register_backend(name, backend)`` as every registry, or
    ``register_backend(backend)`` (its own name; the form before 0.4).

    A taken name is refused unless ``replace=True``; ``BACKENDS.unregister(name)`` removes one.

    Examples
    --------
    >>> register_backend("numpy-copy", Backend("numpy-copy", "numpy", np.array, np.asarray))
    >>> get_backend("numpy-copy").name
    'numpy-copy'
    >>> del BACKENDS["numpy-copy"]
    """
    if backend is None and isinstance(name, Backend):
        BACKENDS.register(name.name, name, replace=replace)
        return
    BACKENDS.register(name, backend, replace=replace)  # type: ignore[arg-type]  # the check refuses a non-Backend


def get_backend(name: str | Backend | None) -> Backend:
    """The :class:`Backend` called ``name`` (None: numpy); a clear error when unknown or not installed.

    Examples
    --------
    >>> get_backend(None).name
    'numpy'
    >>> try:
    ...     get_backend("fortran")
    ... except InvalidParameterError as err:
    ...     print(str(err)[:52])
    backend must be one of 'cupy', 'jax', 'numpy', 'torc
    """
    if name is None:
        return BACKENDS["numpy"]
    if isinstance(name, Backend):
        return name
    backend = BACKENDS.get(name)
    if not backend.available:
        raise InvalidParameterError(
            f"backend={name!r} needs the package {backend.module!r}, which is not installed "
            f"(pip install {backend.module}); the installed backends are {available_backends()}"
        )
    return backend


def available_backends() -> tuple[str, ...]:
    """The names of the registered backends whose module is installed.

    Examples
    --------
    >>> "numpy" in available_backends()
    True
    """
    return tuple(name for name in sorted(BACKENDS) if BACKENDS[name].available)
