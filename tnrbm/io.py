"""Saved models: one ``.npz`` file per network, read back without pickles.

A file holds plain numeric arrays and one JSON metadata string:

- ``metadata``: JSON with the schema name and version, the kind (``"RBM"`` or ``"DBM"``), the hidden
  convention, the layer sizes, the dtype, the spin ordering, the NetKet normalization note and the
  network's ``geometry``;
- ``couplings_{l}_row``, ``couplings_{l}_col``, ``couplings_{l}_data``, ``couplings_{l}_shape``: the
  coupling matrix between layers ``l`` and ``l + 1`` as sparse COO triplets (only nonzero couplings);
- ``biases_{l}``: the bias vector of layer ``l`` (layer 0 = visible).

:func:`load` opens the file with ``numpy.load(path, allow_pickle=False)`` and checks every array
against the metadata; a missing, truncated, corrupted, wrong-schema or pickle-bearing file raises
:class:`~tnrbm.errors.FileFormatError` with a one-line message and never runs code from the file.

Examples
--------
>>> import os, tempfile, numpy as np, tnrbm
>>> from tnrbm.io import save, load
>>> rbm = tnrbm.models.local_chain(6, radius=1, seed=0)
>>> path = os.path.join(tempfile.mkdtemp(), "chain.npz")
>>> save(path, rbm)
>>> back = load(path)
>>> bool(np.allclose(back.to_dense(), rbm.to_dense())), back.geometry == rbm.geometry
(True, True)
"""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from ._version import __version__
from .errors import FileFormatError, InvalidParameterError, TnrbmError
from .network import DBM, HIDDEN_CONVENTIONS, RBM, BoltzmannNetwork
from .network.geometry import check_geometry_value, from_json_object
from .validation import check_memory

__all__ = ["save", "load", "read_metadata", "SCHEMA", "SCHEMA_VERSION", "SPIN_ORDERING", "NETKET_NOTE"]

#: schema name written into every file
SCHEMA = "tnrbm.network"
#: schema version; :func:`load` refuses files of another version
SCHEMA_VERSION = 1
#: the basis convention of every dense vector tnrbm writes
SPIN_ORDERING = "kron: site 0 most significant, +1 = index 0"
#: how the amplitudes relate to NetKet's nk.models.RBM with the same parameters
NETKET_NOTE = (
    "psi_tnrbm = 2**M psi_NetKet for spin hidden units (NetKet's log_cosh drops the log 2 of each of the "
    "M hidden units); NetKet params {'Dense': {'kernel': W, 'bias': b}, 'visible_bias': a}"
)
_AMPLITUDE = {
    "spin": "psi(v) = sum_h exp(sum_l b_l.x_l + sum_l x_l^T W_l x_{l+1}), x_0 = v in {+1,-1}, h in {+1,-1}",
    "binary": "psi(v) = sum_h exp(sum_l b_l.x_l + sum_l x_l^T W_l x_{l+1}), x_0 = v in {+1,-1}, h in {0,1}",
}
_DTYPES = {"float64": np.float64, "complex128": np.complex128}
_KINDS = {"RBM": RBM, "DBM": DBM}


# --------------------------------------------------------------------------- geometry <-> JSON
def _as_path(path: Any, action: str) -> Path:
    """``path`` (a str, bytes or os.PathLike) as a Path, or InvalidParameterError naming it."""
    if isinstance(path, (str, bytes, os.PathLike)):
        try:
            text = os.fsdecode(os.fspath(path))
        except (TypeError, ValueError, UnicodeError):
            text = None
        if text is not None and text and "\0" not in text:
            return Path(text)
    raise InvalidParameterError(
        f"path must be a non-empty file name (a str or os.PathLike) to {action}; got {path!r} ({type(path).__name__})"
    )


# --------------------------------------------------------------------------- save
def save(path: str | os.PathLike, network: BoltzmannNetwork) -> None:
    """Save ``network`` (an :class:`~tnrbm.RBM` or :class:`~tnrbm.DBM`) to the ``.npz`` file ``path``.

    The file is written exactly at ``path`` (no suffix is added), through a temporary file in the
    same folder that replaces ``path`` only once it is complete: a failed save leaves an existing
    file untouched.

    Parameters
    ----------
    path
        Where to write.
    network
        The network; its ``geometry`` (if any) must be JSON-safe: dicts with string keys, lists,
        tuples, strings, finite numbers, booleans, None, real numpy arrays.

    Raises
    ------
    InvalidParameterError
        ``network`` is not an RBM or DBM, or its geometry cannot be saved.
    FileFormatError
        The file cannot be written (missing folder, no permission).

    Examples
    --------
    >>> import os, tempfile, numpy as np, tnrbm
    >>> path = os.path.join(tempfile.mkdtemp(), "rbm.npz")
    >>> tnrbm.io.save(path, tnrbm.RBM(np.array([[0.5], [0.25]])))
    >>> sorted(np.load(path, allow_pickle=False).files)[:3]
    ['biases_0', 'biases_1', 'couplings_0_col']
    """
    target = _as_path(path, "save to")
    kind = "DBM" if isinstance(network, DBM) else "RBM" if isinstance(network, RBM) else None
    if kind is None:
        raise InvalidParameterError(f"network must be a tnrbm.RBM or tnrbm.DBM; got {type(network).__name__}")
    geometry = check_geometry_value(getattr(network, "geometry", None), json=True)
    dtype_name = np.dtype(network.dtype).name
    meta = {
        "schema": SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "kind": kind,
        "hidden": network.hidden,
        "layer_sizes": [int(n) for n in network.layer_sizes],
        "dtype": dtype_name,
        "spin_ordering": SPIN_ORDERING,
        "amplitude": _AMPLITUDE[network.hidden],
        "netket_note": NETKET_NOTE,
        "geometry": geometry,
    }
    meta["tnrbm_version"] = __version__
    arrays: dict[str, np.ndarray] = {"metadata": np.array(json.dumps(meta, allow_nan=False))}
    for layer, mat in enumerate(network.couplings):
        coo = sp.coo_array(mat)
        order = np.lexsort((coo.col, coo.row))
        arrays[f"couplings_{layer}_row"] = np.asarray(coo.row[order], dtype=np.int64)
        arrays[f"couplings_{layer}_col"] = np.asarray(coo.col[order], dtype=np.int64)
        arrays[f"couplings_{layer}_data"] = np.asarray(coo.data[order], dtype=_DTYPES[dtype_name])
        arrays[f"couplings_{layer}_shape"] = np.asarray(mat.shape, dtype=np.int64)
    for layer, bias in enumerate(network.biases):
        arrays[f"biases_{layer}"] = np.asarray(bias, dtype=_DTYPES[dtype_name])

    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise FileFormatError(f"cannot save to {str(target)!r}: the folder {str(folder)!r} does not exist")
    tmp_name = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as fh:
            np.savez_compressed(fh, **arrays)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp_name, 0o666 & ~umask)  # the permissions of an ordinary new file, not mkstemp's 0600
        os.replace(tmp_name, target)
        tmp_name = None
    except OSError as err:
        raise FileFormatError(f"cannot save to {str(target)!r}: {err.strerror or err}") from None
    finally:
        if tmp_name is not None and os.path.exists(tmp_name):
            os.unlink(tmp_name)


# --------------------------------------------------------------------------- load
def _fail(path: Any, why: str) -> FileFormatError:
    return FileFormatError(f"cannot load {str(path)!r}: {why}")


def _open_npz(path: str | os.PathLike) -> tuple[Path, dict[str, np.ndarray]]:
    """Every array of the npz at ``path``, read without pickles, or :class:`FileFormatError`."""
    target = _as_path(path, "load")
    try:
        exists, is_file = target.exists(), target.is_file()
    except OSError as err:
        raise _fail(target, f"cannot be read ({err.strerror or err})") from None
    if not exists:
        raise _fail(target, "no such file")
    if not is_file:
        raise _fail(target, "not a file")
    try:
        is_zip = zipfile.is_zipfile(target)
    except OSError as err:
        raise _fail(target, f"cannot be read ({err.strerror or err})") from None
    if not is_zip:
        raise _fail(
            target,
            "not a .npz archive (a tnrbm model is a zip of .npy arrays; the file is truncated, "
            "corrupted or of another format)",
        )
    try:
        with zipfile.ZipFile(target) as zf:
            total = sum(info.file_size for info in zf.infolist())
        check_memory(total, f"the arrays of {str(target)!r}", None, "this is not a model tnrbm saved")
        arrays: dict[str, np.ndarray] = {}
        with np.load(target, allow_pickle=False) as npz:
            for name in npz.files:
                arrays[name] = npz[name]
                if not isinstance(arrays[name], np.ndarray):  # numpy hands back a non-.npy member as bytes
                    raise _fail(target, f"the member {name!r} is not a .npy array")
    except TnrbmError:
        raise
    except ValueError as err:
        if "pickle" in str(err).lower() or "object arrays" in str(err).lower():
            raise _fail(
                target,
                "it holds pickled (object) arrays, which tnrbm never writes and refuses to read (they could run code)",
            ) from None
        raise _fail(target, f"corrupted array data ({err})") from None
    except (OSError, EOFError, zipfile.BadZipFile, zlib.error, KeyError, NotImplementedError, RuntimeError) as err:
        raise _fail(target, f"truncated or corrupted archive ({type(err).__name__}: {err})") from None
    return target, arrays


def _is_name(value: Any, options: Any) -> bool:
    """Whether ``value`` is a string among ``options`` (a JSON list or object is never one, nor hashable)."""
    return isinstance(value, str) and value in options


def _parse_metadata(target: Path, arrays: dict[str, np.ndarray]) -> dict:
    if "metadata" not in arrays:
        raise _fail(target, "no 'metadata' entry: not a model saved by tnrbm.save")
    raw = arrays["metadata"]
    if raw.shape != () or raw.dtype.kind != "U":
        raise _fail(
            target, f"'metadata' must be a JSON string; got an array of dtype {raw.dtype} and shape {raw.shape}"
        )
    try:
        meta = json.loads(str(raw[()]), object_hook=from_json_object)
    except (ValueError, TypeError, RecursionError) as err:
        raise _fail(target, f"'metadata' is not valid JSON ({err})") from None
    if not isinstance(meta, dict):
        raise _fail(target, "'metadata' must be a JSON object")
    if meta.get("schema") != SCHEMA:
        raise _fail(target, f"schema must be {SCHEMA!r}; got {meta.get('schema')!r}")
    if meta.get("schema_version") != SCHEMA_VERSION:
        raise _fail(
            target,
            f"schema_version must be {SCHEMA_VERSION} (this tnrbm reads version {SCHEMA_VERSION}); "
            f"got {meta.get('schema_version')!r}",
        )
    if not _is_name(meta.get("kind"), _KINDS):
        raise _fail(target, f"kind must be one of {tuple(_KINDS)}; got {meta.get('kind')!r}")
    if not _is_name(meta.get("hidden"), HIDDEN_CONVENTIONS):
        raise _fail(target, f"hidden must be one of {HIDDEN_CONVENTIONS}; got {meta.get('hidden')!r}")
    if not _is_name(meta.get("dtype"), _DTYPES):
        raise _fail(target, f"dtype must be one of {tuple(_DTYPES)}; got {meta.get('dtype')!r}")
    if meta.get("spin_ordering") != SPIN_ORDERING:
        raise _fail(target, f"spin_ordering must be {SPIN_ORDERING!r}; got {meta.get('spin_ordering')!r}")
    sizes = meta.get("layer_sizes")
    if (
        not isinstance(sizes, list)
        or len(sizes) < 2
        or not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in sizes)
        or sizes[0] < 1
    ):
        raise _fail(target, f"layer_sizes must be a list of at least 2 sizes, the first >= 1; got {sizes!r}")
    if meta["kind"] == "RBM" and len(sizes) != 2:
        raise _fail(target, f"kind 'RBM' needs exactly one hidden layer; got layer_sizes {sizes}")
    geometry = meta.get("geometry")
    if geometry is not None and not isinstance(geometry, dict):
        raise _fail(target, f"geometry must be a JSON object or null; got {type(geometry).__name__}")
    return meta


def _get(target: Path, arrays: dict[str, np.ndarray], name: str, kind: str, shape: tuple | None) -> np.ndarray:
    if name not in arrays:
        raise _fail(target, f"the array {name!r} is missing")
    arr = arrays[name]
    if arr.dtype.kind not in kind:
        raise _fail(target, f"the array {name!r} has dtype {arr.dtype}, expected kind {kind!r}")
    if shape is not None and arr.shape != shape:
        raise _fail(target, f"the array {name!r} has shape {arr.shape}, expected {shape}")
    return arr


def _read_coupling(target: Path, arrays: dict, meta: dict, layer: int, expected: set) -> sp.csr_array:
    """The coupling matrix of ``layer``, every array checked against the metadata."""
    sizes = meta["layer_sizes"]
    dtype = _DTYPES[meta["dtype"]]
    dkind = "fc" if dtype is np.complex128 else "f"
    names = [f"couplings_{layer}_{part}" for part in ("row", "col", "data", "shape")]
    expected.update(names)
    shape = tuple(int(x) for x in _get(target, arrays, names[3], "iu", (2,)))
    if shape != (sizes[layer], sizes[layer + 1]):
        raise _fail(target, f"{names[3]} is {shape}, but layer_sizes say {(sizes[layer], sizes[layer + 1])}")
    row = _get(target, arrays, names[0], "iu", None)
    if row.ndim != 1:
        raise _fail(target, f"the array {names[0]!r} must be 1D; got shape {row.shape}")
    col = _get(target, arrays, names[1], "iu", row.shape)
    data = _get(target, arrays, names[2], dkind, row.shape)
    if data.dtype != dtype:
        raise _fail(target, f"the array {names[2]!r} has dtype {data.dtype}, metadata says {meta['dtype']}")
    for idx, name, n in ((row, names[0], sizes[layer]), (col, names[1], sizes[layer + 1])):
        if idx.size and (idx.min() < 0 or idx.max() >= n):
            raise _fail(target, f"the array {name!r} has indices outside [0, {n})")
    if not np.all(np.isfinite(data)):
        raise _fail(target, f"the array {names[2]!r} holds NaN or infinite couplings")
    pairs = np.stack([row.astype(np.int64), col.astype(np.int64)], axis=1)
    if len(np.unique(pairs, axis=0)) != len(pairs):
        raise _fail(target, f"the arrays of layer {layer} repeat a (row, col) pair")
    return sp.csr_array((data, (row.astype(np.int64), col.astype(np.int64))), shape=shape)


def _read_bias(target: Path, arrays: dict, meta: dict, layer: int, expected: set) -> np.ndarray:
    """The bias vector of ``layer``, checked against the metadata."""
    dtype = _DTYPES[meta["dtype"]]
    name = f"biases_{layer}"
    expected.add(name)
    bias = _get(target, arrays, name, "fc" if dtype is np.complex128 else "f", (meta["layer_sizes"][layer],))
    if bias.dtype != dtype:
        raise _fail(target, f"the array {name!r} has dtype {bias.dtype}, metadata says {meta['dtype']}")
    if not np.all(np.isfinite(bias)):
        raise _fail(target, f"the array {name!r} holds NaN or infinite biases")
    return bias


def load(path: str | os.PathLike) -> RBM | DBM:
    """Load a network saved by :func:`save`.

    The file is read with ``numpy.load(path, allow_pickle=False)``: no code in it ever runs.

    Parameters
    ----------
    path
        The ``.npz`` file.

    Returns
    -------
    RBM or DBM
        With the saved couplings, biases, hidden convention and ``geometry``.

    Raises
    ------
    FileFormatError
        The file is missing, truncated, corrupted, of another schema or version, holds pickled
        arrays, or its arrays disagree with its metadata (one-line message).

    Examples
    --------
    >>> import os, tempfile, numpy as np, tnrbm
    >>> path = os.path.join(tempfile.mkdtemp(), "dbm.npz")
    >>> dbm = tnrbm.models.random_dbm([4, 2, 1], seed=1)
    >>> tnrbm.io.save(path, dbm)
    >>> back = tnrbm.io.load(path)
    >>> v = tnrbm.all_configurations(4)
    >>> back.layer_sizes, bool(np.allclose(back.log_amplitude(v), dbm.log_amplitude(v)))
    ((4, 2, 1), True)
    >>> try:
    ...     tnrbm.io.load(path + ".missing")
    ... except tnrbm.errors.FileFormatError as err:
    ...     print(str(err).split(": ")[-1])
    no such file
    """
    target, arrays = _open_npz(path)
    meta = _parse_metadata(target, arrays)
    sizes = meta["layer_sizes"]
    dtype = _DTYPES[meta["dtype"]]
    expected = {"metadata"}
    couplings = [_read_coupling(target, arrays, meta, layer, expected) for layer in range(len(sizes) - 1)]
    biases = [_read_bias(target, arrays, meta, layer, expected) for layer in range(len(sizes))]
    extra = sorted(set(arrays) - expected)
    if extra:
        raise _fail(target, f"unexpected arrays {extra} for layer_sizes {sizes}")
    try:
        if meta["kind"] == "RBM":
            network: RBM | DBM = RBM(couplings[0], biases[0], biases[1], hidden=meta["hidden"])
        else:
            network = DBM(couplings, biases, hidden=meta["hidden"])
    except TnrbmError as err:
        raise _fail(target, f"invalid parameters ({err})") from None
    if network.dtype != dtype:  # a complex file whose imaginary parts are all zero stays complex
        network.couplings = tuple(m.astype(dtype) for m in network.couplings)
        network.biases = tuple(b.astype(dtype) for b in network.biases)
    try:
        network.geometry = meta.get("geometry")
    except InvalidParameterError as err:
        raise _fail(target, f"its geometry is not valid ({err})") from None
    return network


def read_metadata(path: str | os.PathLike) -> dict:
    """The JSON metadata of a saved model (schema, kind, hidden convention, sizes, notes, geometry).

    Checks the schema like :func:`load` but does not build the network.

    Examples
    --------
    >>> import os, tempfile, numpy as np, tnrbm
    >>> path = os.path.join(tempfile.mkdtemp(), "rbm.npz")
    >>> tnrbm.io.save(path, tnrbm.RBM(np.ones((3, 2))))
    >>> meta = tnrbm.io.read_metadata(path)
    >>> meta["kind"], meta["layer_sizes"], meta["spin_ordering"]
    ('RBM', [3, 2], 'kron: site 0 most significant, +1 = index 0')
    """
    target, arrays = _open_npz(path)
    return _parse_metadata(target, arrays)
