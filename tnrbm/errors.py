"""The one small error hierarchy of tnrbm.

Every error the package raises on purpose derives from :class:`TnrbmError`, so a caller can
catch everything tnrbm refuses with a single ``except``. Each message names the argument, the
value it got and what is allowed.

Examples
--------
>>> import tnrbm
>>> try:
...     tnrbm.RBM([[1.0]], hidden="ising")
... except tnrbm.errors.TnrbmError as err:
...     print(type(err).__name__)
InvalidParameterError
"""

from __future__ import annotations

__all__ = [
    "TnrbmError",
    "InvalidParameterError",
    "InvalidRegionError",
    "InvalidConfigurationError",
    "MemoryLimitError",
    "FileFormatError",
    "InvalidPathError",
    "NotApplicableError",
    "NumericalError",
    "MinCutError",
    "MissingDependencyError",
]


class TnrbmError(Exception):
    """Base class of every error tnrbm raises on purpose."""


class InvalidParameterError(TnrbmError, ValueError):
    """A parameter has the wrong shape, dtype, value or option."""


class InvalidRegionError(TnrbmError, ValueError):
    """A boundary region is empty, repeated, or out of range."""


class InvalidConfigurationError(TnrbmError, ValueError):
    """A spin configuration is not made of +1 and -1 or has the wrong length."""


class MemoryLimitError(TnrbmError, MemoryError):
    """A dense vector or contraction would need more memory than allowed.

    The message carries the estimate and a way out. ``needed`` is the estimated peak in bytes of what was
    refused (the smallest ``max_memory`` that lets it run, where known; else None) and ``limit`` the
    limit it was compared with.
    """

    def __init__(self, *args: object, needed: float | None = None, limit: float | None = None) -> None:
        super().__init__(*args)
        self.needed = needed
        self.limit = limit


class FileFormatError(TnrbmError, ValueError):
    """A file cannot be read or written, or a saved model is missing, truncated, corrupted, of the wrong
    schema, or carries pickles."""


class InvalidPathError(FileFormatError, InvalidParameterError):
    """A path names something tnrbm does not read or write: a directory, a device node, a fifo, a socket,
    a symbolic-link loop, or a file in a folder that does not exist.

    Both a :class:`FileFormatError` (what file functions raised before) and an
    :class:`InvalidParameterError` (the path is a bad argument).
    """


class NotApplicableError(InvalidParameterError):
    """A method cannot treat this problem (e.g. a contraction method given a bare state vector).

    Also importable as ``tnrbm.entropy.methods.NotApplicableError`` (its old home), the same class.
    """


class NumericalError(TnrbmError, FloatingPointError):
    """A numerical step failed on values that passed validation: a LAPACK factorization returned an
    error code, or the Gram matrices of a network give a zero state (all amplitudes vanish in float64).

    A :class:`FloatingPointError`, what these refusals raised before.
    """


class MinCutError(TnrbmError, RuntimeError):
    """A max-flow solver returned a flow whose cut breaks the max-flow/min-cut theorem (a flow value that
    differs from the number of cut units, a surface that does not separate the region, a listed cut that is
    not minimal): a wrong solver registered with :func:`tnrbm.bulk.register_flow`, or a bug in tnrbm.

    A :class:`RuntimeError`, what these checks raised before.
    """


class MissingDependencyError(TnrbmError, ModuleNotFoundError):
    """A module tnrbm loads lazily (quimb, cotengra, ...) is not installed."""
