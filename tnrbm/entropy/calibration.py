"""The time model of the cut method, and the machine rates it runs on (measured once per machine).

A Gram contraction on binary indices is mostly data movement: each pairwise step transposes its two
inputs into a matrix product and rescales its output (:func:`tnrbm.contract.plan.strip_exponent`). Its
time is modelled as

    ``t = flops / gemm + traffic * memory + steps * step``

(:attr:`~tnrbm.contract.ContractionPlan.traffic`, :attr:`~tnrbm.contract.ContractionPlan.n_steps`; real
multiply-adds, entries of 8 bytes; a complex entry counts 4 multiply-adds and 2 entries). The Gram spectrum
(:func:`~tnrbm.entropy.grams.spectrum_from_grams`: a pivoted Cholesky root, ``?sygst`` and ``?syevd`` for
eigenvalues only, ``(1/6 + 1/2 + 2/3) n**3 = 4/3 n**3`` multiply-adds at ``n = 2**m``; ``2/3 n**3`` when a
Gram is diagonal) runs at ``spectrum`` (``spectrum_diagonal``) multiply-adds per second.

The rates are measured by :func:`calibrate` (a timed ``2048 x 2048`` matrix product, a permuted
copy of a ``2**22``-entry array with 22 binary axes, best of 3; the spectrum of random ``1536`` Grams, with
and without a diagonal one, best of 2, after a ``768`` warm-up: about 3 s) with the BLAS threads as they are, and kept in ``calibration.json`` under the user cache
directory (``$XDG_CACHE_HOME/tnrbm``, default ``~/.cache/tnrbm``), keyed by host name, CPU model, numpy
version and BLAS threads. :func:`machine_rates` reads them, measuring on first use; with the environment
variable ``TNRBM_NO_CALIBRATION=1`` (the test suite sets it, for reproducible choices) it measures and
writes nothing and returns :data:`DEFAULT_RATES`, those of the development machine (one thread of a
SkylakeX core).
"""

from __future__ import annotations

import functools
import json
import math
import os
import platform
import socket
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from threadpoolctl import ThreadpoolController

from ..validation import check_int
from .grams import spectrum_from_grams

__all__ = [
    "DEFAULT_RATES",
    "Rates",
    "calibrate",
    "calibration_path",
    "contraction_seconds",
    "machine_rates",
    "spectrum_flops",
    "spectrum_seconds",
]


@dataclass(frozen=True)
class Rates:
    """How fast this machine runs the stages of the cut method.

    Attributes
    ----------
    gemm : float
        Real multiply-adds per second of a large float64 matrix product.
    memory : float
        Seconds per 8-byte entry of a permuted copy with its rescaling (the transposes of a contraction step),
        for an array of :data:`MEMORY_SIZE` entries.
    memory_growth : float
        How that cost grows with the array: ``memory * (size / MEMORY_SIZE) ** memory_growth`` per entry.
        Not calibrated (a ratio of two timings is too noisy on a loaded machine): 0.3, measured on the quiet
        development machine (5.0 and 7.8 ns per entry at ``2**20`` and ``2**22`` entries).
    spectrum : float
        Real multiply-adds per second of the Gram spectrum (``4/3 n**3`` at ``n = 1536``).
    spectrum_diagonal : float
        The same when one Gram is diagonal (``2/3 n**3``: the eigenvalues of a scaled Gram only).
    complex_spectrum : float
        How many times longer the spectrum of complex Grams takes than that of real ones of the same order
        (measured at the smallest calibration size; 4 real multiply-adds per complex one would give 4).
    step : float
        Seconds of Python work per pairwise contraction step (cotengra's dispatch and the exponent strip).
    source : str
        ``"default"``, ``"measured"`` or ``"cache"``.
    key : str
        The machine the rates belong to (host, CPU, numpy version, BLAS threads).
    """

    gemm: float
    memory: float
    spectrum: float
    spectrum_diagonal: float
    complex_spectrum: float = 4.0
    memory_growth: float = 0.3
    step: float = 1.5e-5
    source: str = "default"
    key: str = ""

    def to_dict(self) -> dict:
        """The rates as a JSON-ready dict."""
        return asdict(self)


#: the rates of the development machine, one BLAS thread (SkylakeX, numpy/OpenBLAS; measured by
#: :func:`calibrate` on a quiet machine): used where calibration is off (``TNRBM_NO_CALIBRATION=1``)
DEFAULT_RATES = Rates(
    gemm=3.5e10,
    memory=7.0e-9,
    spectrum=1.25e10,
    spectrum_diagonal=9.0e9,
    complex_spectrum=4.0,
    memory_growth=0.3,
    step=1.5e-5,
    source="default",
    key="default",
)

#: entries of the permuted copy that sets :attr:`Rates.memory` (22 binary axes, 32 MiB)
MEMORY_SIZE = 2**22
#: the environment variable that turns calibration off
NO_CALIBRATION = "TNRBM_NO_CALIBRATION"
_FILE = "calibration.json"


def calibration_path() -> Path:
    """``$XDG_CACHE_HOME/tnrbm/calibration.json`` (``~/.cache/tnrbm/calibration.json`` without it)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "tnrbm" / _FILE


@functools.lru_cache(maxsize=1)
def _controller() -> ThreadpoolController:
    """Finding the BLAS libraries takes milliseconds: once; their thread counts are read live."""
    return ThreadpoolController()


def _blas_threads() -> int:
    counts = [int(lib.num_threads) for lib in _controller().lib_controllers if lib.user_api == "blas"]
    return max(counts) if counts else 1


@functools.lru_cache(maxsize=1)
def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine_key() -> str:
    """What a calibration is valid for: host name, CPU model, numpy version and BLAS threads."""
    return f"{socket.gethostname()}|{_cpu_model()}|numpy {np.__version__}|{_blas_threads()} threads"


def _best(fn: Any, repeats: int = 3) -> float:
    best = math.inf
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return max(best, 1e-9)


def _measure(sizes: tuple[int, ...], permuted_axes: int) -> Rates:
    """Time the three kernels (best of 3 each) and return the rates."""
    rng = np.random.default_rng(0)
    n = sizes[-1]
    a, b = rng.normal(size=(n, n)), rng.normal(size=(n, n))
    gemm = n**3 / _best(lambda: a @ b)
    growth = DEFAULT_RATES.memory_growth
    memory = _moved_seconds(rng, permuted_axes) / 2.0**permuted_axes * (MEMORY_SIZE / 2.0**permuted_axes) ** growth
    found = {}
    for k in sizes:  # the smaller sizes warm up; the largest sets the rates
        xa, xb = rng.normal(size=(k, k)), rng.normal(size=(k, k))
        gb = xb.T @ xb
        for diagonal, ga in ((False, xa.T @ xa), (True, np.diag(rng.uniform(0.5, 1.0, k)))):
            run = functools.partial(_spectrum_of_copies, ga, gb)
            found[diagonal] = spectrum_flops(k, diagonal) / _best(run, 2 if k == sizes[-1] else 1)
    k = sizes[0]
    xa, xb = (rng.normal(size=(k, k)) + 1j * rng.normal(size=(k, k)) for _ in range(2))
    ga, gb = xa.conj().T @ xa, xb.conj().T @ xb
    t_complex = _best(functools.partial(_spectrum_of_copies, ga, gb), 2)
    t_real = _best(functools.partial(_spectrum_of_copies, ga.real.copy(), gb.real.copy()), 2)
    return Rates(
        gemm=gemm,
        memory=memory,
        spectrum=found[False],
        spectrum_diagonal=found[True],
        complex_spectrum=t_complex / t_real,
        memory_growth=growth,
        step=DEFAULT_RATES.step,
        source="measured",
    )


def _moved_seconds(rng: np.random.Generator, axes: int) -> float:
    """Seconds of a permuted copy of a ``2**axes``-entry array with ``axes`` binary axes, and its rescaling."""
    x = rng.normal(size=(2,) * axes)
    perm = tuple(rng.permutation(axes))

    def moved() -> None:
        y = np.ascontiguousarray(x.transpose(perm))
        y /= float(np.max(np.abs(y)))

    return _best(moved)


def _spectrum_of_copies(ga: np.ndarray, gb: np.ndarray) -> None:
    spectrum_from_grams(ga.copy(), gb.copy(), overwrite=True)


def _read(path: Path) -> dict:
    """The stored calibrations (an empty dict for a missing, unreadable or malformed file: it is data)."""
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _valid(entry: Any) -> Rates | None:
    if not isinstance(entry, dict):
        return None
    try:
        names = ("gemm", "memory", "spectrum", "spectrum_diagonal", "complex_spectrum", "memory_growth", "step")
        values = {k: float(entry[k]) for k in names}
    except (KeyError, TypeError, ValueError):
        return None
    if not all(math.isfinite(v) and (v > 0 or k == "memory_growth" and v == 0) for k, v in values.items()):
        return None
    return Rates(**values, source="cache", key=str(entry.get("key", "")))


def calibrate(sizes: Any = (768, 1536), store: bool = True) -> Rates:
    """Measure this machine's rates for the time model of the cut method, and keep them.

    Parameters
    ----------
    sizes
        The orders of the Gram spectra timed (the last one sets the spectrum rate and the matrix product's
        size); each at least 64.
    store
        Write the rates to :func:`calibration_path` (keyed by :func:`machine_key`), where
        :func:`machine_rates` finds them in every later process.

    Returns
    -------
    Rates

    Examples
    --------
    >>> rates = calibrate(sizes=(64, 128), store=False)
    >>> rates.source, rates.gemm > 0 and rates.spectrum > 0
    ('measured', True)
    """
    sizes = tuple(check_int(k, "sizes", minimum=64) for k in (sizes if np.ndim(sizes) else (sizes,)))
    key = machine_key()
    rates = replace(_measure(sizes, 22 if max(sizes) >= 1024 else 16), key=key)
    if store:
        path = calibration_path()
        data = _read(path)
        data[key] = {**rates.to_dict(), "sizes": list(sizes), "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S")}
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps(data, indent=1), encoding="utf-8")
            os.replace(tmp, path)
        except OSError:
            pass  # a read-only cache: the rates hold for this process
    _MEASURED[key] = rates
    _rates_for.cache_clear()
    return rates


#: rates measured in this process, by machine key (what a read-only cache could not keep)
_MEASURED: dict[str, Rates] = {}


@functools.lru_cache(maxsize=8)
def _rates_for(key: str, path: str, off: bool) -> Rates:
    if off:
        return DEFAULT_RATES
    if key in _MEASURED:
        return _MEASURED[key]
    stored = _valid(_read(Path(path)).get(key))
    return stored if stored is not None else calibrate()


def machine_rates() -> Rates:
    """The rates of this machine: from :func:`calibration_path`, measured (:func:`calibrate`) the first
    time, or :data:`DEFAULT_RATES` when ``TNRBM_NO_CALIBRATION`` is set to anything but ``""``/``"0"``.

    Examples
    --------
    >>> machine_rates().gemm > 0
    True
    """
    off = os.environ.get(NO_CALIBRATION, "") not in ("", "0")
    return _rates_for(machine_key() if not off else "", str(calibration_path()), off)


def spectrum_flops(n: float, diagonal: bool = False) -> float:
    """Multiply-adds of the Gram spectrum of order ``n``: ``4/3 n**3`` (pivoted Cholesky ``n**3/6``,
    ``?sygst`` ``n**3/2``, the tridiagonal reduction of ``?syevd`` ``2/3 n**3``), ``2/3 n**3`` when a Gram is
    diagonal (the reduction only).

    Examples
    --------
    >>> spectrum_flops(2**10) / 2**30
    1.3333333333333333
    """
    return (2.0 / 3.0 if diagonal else 4.0 / 3.0) * float(n) ** 3


def spectrum_seconds(n: float, is_complex: bool, diagonal: bool = False, rates: Rates | None = None) -> float:
    """Estimated seconds of the Gram spectrum of order ``n`` (complex: ``rates.complex_spectrum`` times longer)."""
    rates = machine_rates() if rates is None else rates
    rate = rates.spectrum_diagonal if diagonal else rates.spectrum
    return spectrum_flops(n, diagonal) * (rates.complex_spectrum if is_complex else 1.0) / rate


def contraction_seconds(plans: Any, is_complex: bool, rates: Rates | None = None) -> float:
    """Estimated seconds of contracting ``plans`` (:class:`~tnrbm.contract.ContractionPlan`) one after the other."""
    rates = machine_rates() if rates is None else rates
    flops = sum(p.flops for p in plans) * (4.0 if is_complex else 1.0)
    width = 2.0 if is_complex else 1.0  # a complex entry moves 16 bytes
    moving = 0.0
    for p in plans:
        per_tree = sum(
            moved * (width * largest / MEMORY_SIZE) ** rates.memory_growth for moved, largest in p.step_traffic()
        )
        moving += per_tree * p.repeats * width * rates.memory
    return flops / rates.gemm + moving + sum(p.n_steps for p in plans) * rates.step
