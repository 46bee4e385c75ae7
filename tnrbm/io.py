"""Saved models: one ``.npz`` file per network, read back without pickles.

A file holds plain numeric arrays and one JSON metadata string:

- ``metadata``: JSON with the schema name and version, the kind (``"RBM"`` or ``"DBM"``), the hidden
  convention, the layer sizes, the dtype, the spin ordering, the NetKet normalization note and the
  network's ``geometry``;
- ``couplings_{l}_row``, ``couplings_{l}_col``, ``couplings_{l}_data``, ``couplings_{l}_shape``: the
  coupling matrix between layers ``l`` and ``l + 1`` as sparse COO triplets (only nonzero couplings);
- ``biases_{l}``: the bias vector of layer ``l`` (layer 0 = visible).

:func:`load` reads each ``.npy`` member itself, without pickles: the header first (object dtypes
refused; the claimed size checked against the stored size and ``max_memory``), then the data; every
array is checked against the metadata, and the metadata's every key against its type and allowed
values. A missing, truncated, corrupted, wrong-schema or pickle-bearing file raises
:class:`~tnrbm.errors.FileFormatError` with a one-line message and never runs code from the file.
:func:`save` writes through :func:`tnrbm.validation.write_atomically` (symbolic links followed;
directories, devices, fifos and sockets refused; temporary files cleaned).

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
import math
import os
import struct
import tokenize
import zipfile
import zlib
from typing import Any

import numpy as np
import scipy.sparse as sp

from ._version import __version__
from .errors import FileFormatError, InvalidParameterError, TnrbmError
from .network import DBM, HIDDEN_CONVENTIONS, RBM, BoltzmannNetwork
from .network.geometry import check_geometry_value, from_json_object
from .validation import MaxMemory, check_memory, check_path, memory_limit, open_regular_file, write_atomically

__all__ = [
    "save",
    "load",
    "read_metadata",
    "SCHEMA",
    "SCHEMA_VERSION",
    "SPIN_ORDERING",
    "NETKET_NOTE",
    "PROVENANCE_KEYS",
]

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


# --------------------------------------------------------------------------- save
def save(path: str | os.PathLike, network: BoltzmannNetwork, *, provenance: dict | None = None) -> None:
    """Save ``network`` (an :class:`~tnrbm.RBM` or :class:`~tnrbm.DBM`) to the ``.npz`` file ``path``.

    The file is written exactly at ``path`` (no suffix is added), through a temporary file in the
    same folder that replaces ``path`` only once it is complete (``os.replace``): a failed or
    interrupted save leaves an existing file untouched, and temporary files left by a save that was
    killed outright are removed by the next save into that folder
    (:func:`tnrbm.validation.write_atomically`).

    Parameters
    ----------
    path
        Where to write: a regular file (replaced) or a new name in an existing folder. A symbolic
        link is followed and its target written (the link stays); a directory, a device node, a fifo
        or a socket is refused before anything is opened.
    network
        The network; its ``geometry`` (if any) must be JSON-safe: dicts with string keys, lists,
        tuples, strings, finite numbers, booleans, None, real numpy arrays.
    provenance
        Where the network came from, written into the metadata (the command line passes it): any of
        ``"model"`` (the spec that builds it again, with its seed), ``"seed"`` (an int or None) and
        ``"versions"`` (package name -> version string). Files without it load as before.

    Raises
    ------
    InvalidParameterError
        ``network`` is not an RBM or DBM, or its geometry cannot be saved.
    InvalidPathError
        ``path`` is a directory, a device, a fifo, a socket or a link loop, or its folder does not exist
        (a FileFormatError and an InvalidParameterError too).
    FileFormatError
        The file cannot be written (no permission, disk full).

    Examples
    --------
    >>> import os, tempfile, numpy as np, tnrbm
    >>> path = os.path.join(tempfile.mkdtemp(), "rbm.npz")
    >>> tnrbm.io.save(path, tnrbm.RBM(np.array([[0.5], [0.25]])))
    >>> sorted(np.load(path, allow_pickle=False).files)[:3]
    ['biases_0', 'biases_1', 'couplings_0_col']
    """
    check_path(path, action="save to")
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
    meta.update(_checked_provenance(provenance))
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

    # numpy's stub types **kwds against its own allow_pickle keyword; the keys here are array names
    write_atomically(path, lambda fh: np.savez_compressed(fh, **arrays), action="save to")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- load
def _fail(path: Any, why: str) -> FileFormatError:
    return FileFormatError(f"cannot load {str(path)!r}: {why}")


#: the compression methods numpy writes (np.savez: stored, np.savez_compressed: deflate)
_COMPRESSIONS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflate"}
#: deflate never expands data more than 1032-fold; a member claiming more is corrupt
_DEFLATE_RATIO = 1032
#: array kinds a model file may hold (bool, integers, floats, complex, text)
_ARRAY_KINDS = "biufcU"
#: bytes read from a member at a time (256 KiB as numpy reads; 16 MiB chunks made large loads 1.37x slower)
_CHUNK = 1 << 18
#: what load catches from zipfile, zlib and numpy's header parser and turns into FileFormatError
_READ_ERRORS = (
    OSError,
    EOFError,
    zipfile.BadZipFile,
    zlib.error,
    KeyError,
    IndexError,
    NotImplementedError,
    RuntimeError,
    ValueError,
    TypeError,
    SyntaxError,
    OverflowError,
    RecursionError,
    struct.error,
    tokenize.TokenError,  # numpy's header parser retokenizes a version-1.0 header it cannot read
)


def _check_entry(target: str, info: zipfile.ZipInfo, size: int) -> None:
    """Refuse a zip entry whose sizes cannot be true, before anything is decompressed."""
    name = info.filename
    if info.compress_type not in _COMPRESSIONS:
        raise _fail(
            target, f"the member {name!r} uses compression method {info.compress_type}; allowed: stored or deflate"
        )
    end = info.header_offset + info.compress_size
    if end > size:
        raise _fail(
            target, f"the member {name!r} ends at byte {end}, past the end of the file ({size} bytes): truncated"
        )
    most = info.compress_size if info.compress_type == zipfile.ZIP_STORED else _DEFLATE_RATIO * info.compress_size + 64
    if info.file_size > most:
        raise _fail(
            target,
            f"the member {name!r} claims {info.file_size} bytes from {info.compress_size} stored bytes "
            f"({_COMPRESSIONS[info.compress_type]} cannot give more than {most})",
        )


def _read_header(target: str, fp: Any, name: str) -> tuple[np.dtype, tuple[int, ...], bool]:
    """The dtype, shape and order of a .npy member, checked before any data are read."""
    version = np.lib.format.read_magic(fp)
    if version == (1, 0):
        shape, fortran, dtype = np.lib.format.read_array_header_1_0(fp)
    elif version == (2, 0):
        shape, fortran, dtype = np.lib.format.read_array_header_2_0(fp)
    else:
        raise _fail(target, f"the member {name!r} is a .npy file of version {version}; allowed: (1, 0) or (2, 0)")
    if dtype.hasobject:
        raise _fail(
            target,
            f"the member {name!r} holds pickled (object) arrays, which tnrbm never writes and refuses to read "
            "(they could run code)",
        )
    if dtype.kind not in _ARRAY_KINDS or dtype.fields is not None or dtype.subdtype is not None:
        raise _fail(target, f"the member {name!r} has dtype {dtype}; allowed: plain numbers or text")
    if any(n < 0 for n in shape):
        raise _fail(target, f"the member {name!r} claims the shape {shape}; sizes must be >= 0")
    return dtype, tuple(shape), bool(fortran)


def _read_data(target: str, fp: Any, name: str, dtype: np.dtype, shape: tuple[int, ...], fortran: bool) -> np.ndarray:
    """The array data of a member whose header was read and checked, read in chunks into one array."""
    count = math.prod(shape)
    arr = np.empty(count, dtype=dtype)
    buf = arr.view(np.uint8).data if arr.nbytes else memoryview(b"")
    filled = 0
    while filled < arr.nbytes:
        got = fp.readinto(buf[filled : filled + _CHUNK])
        if not got:
            raise _fail(target, f"the member {name!r} is truncated ({filled} of {arr.nbytes} data bytes)")
        filled += got
    if fp.read(1):  # also makes zipfile check the CRC at the end of the member
        raise _fail(target, f"the member {name!r} has data past its {arr.nbytes} bytes")
    return arr.reshape(shape[::-1]).T if fortran else arr.reshape(shape)


def _read_members(target: str, zf: zipfile.ZipFile, size: int, limit: int) -> dict[str, np.ndarray]:
    """Every member as an array; each header is checked against the stored size and ``limit`` first."""
    infos = zf.infolist()
    for info in infos:
        _check_entry(target, info, size)
    way_out = "pass a larger max_memory if this is a model you trust"
    what = f"reading the arrays of {target!r}"
    check_memory(sum(i.file_size for i in infos), what, limit, way_out)
    arrays: dict[str, np.ndarray] = {}
    total = 0
    for info in infos:
        name = info.filename
        if not name.endswith(".npy"):
            raise _fail(target, f"the member {name!r} is not a .npy array")
        if name[:-4] in arrays:
            raise _fail(target, f"the member {name!r} appears twice")
        with zf.open(info) as fp:
            dtype, shape, fortran = _read_header(target, fp, name)
            claimed, stored = math.prod(shape) * dtype.itemsize, info.file_size - fp.tell()
            if claimed != stored:
                raise _fail(
                    target,
                    f"the member {name!r} claims shape {shape} of {dtype} ({claimed} bytes) "
                    f"but stores {stored} bytes of data",
                )
            total += claimed
            check_memory(total, what, limit, way_out)
            arrays[name[:-4]] = _read_data(target, fp, name, dtype, shape, fortran)
    return arrays


def _open_npz(path: str | os.PathLike, max_memory: MaxMemory = None) -> tuple[str, dict[str, np.ndarray]]:
    """Every array of the npz at ``path``, read without pickles, or :class:`FileFormatError`."""
    target = check_path(path, action="load")
    limit = memory_limit(max_memory)
    with open_regular_file(path, action="load") as fh:
        try:
            size = os.fstat(fh.fileno()).st_size
            is_zip = zipfile.is_zipfile(fh)
            if is_zip:
                fh.seek(0)
                with zipfile.ZipFile(fh) as zf:
                    return target, _read_members(target, zf, size, limit)
        except TnrbmError:
            raise
        except _READ_ERRORS as err:
            raise _fail(target, f"truncated or corrupted archive ({type(err).__name__}: {err})") from None
    raise _fail(
        target,
        "not a .npz archive (a tnrbm model is a zip of .npy arrays; the file is truncated, "
        "corrupted or of another format)",
    )


def _is_name(value: Any, options: Any) -> bool:
    """Whether ``value`` is a string among ``options`` (a JSON list or object is never one, nor hashable)."""
    return isinstance(value, str) and value in options


def _show(value: Any) -> str:
    """``value`` for a message: its repr (cut to 80 characters) and, unless it is None, its JSON type."""
    text = repr(value)
    text = text if len(text) <= 80 else text[:77] + "..."
    return text if value is None or value is _MISSING else f"{text} ({type(value).__name__})"


class _Missing:
    def __repr__(self) -> str:
        return "nothing (the key is missing)"


_MISSING = _Missing()


def _is_int(value: Any) -> bool:
    """A JSON integer: an int that is not a bool (``True == 1`` in Python)."""
    return isinstance(value, int) and not isinstance(value, bool)


#: every metadata key, with the test its value must pass and what is allowed (for the message)
_META_KEYS: dict[str, tuple[Any, str]] = {
    "schema": (lambda v: v == SCHEMA and isinstance(v, str), repr(SCHEMA)),
    "schema_version": (
        lambda v: _is_int(v) and v == SCHEMA_VERSION,
        f"{SCHEMA_VERSION} (an integer; this tnrbm reads version {SCHEMA_VERSION})",
    ),
    "kind": (lambda v: _is_name(v, _KINDS), f"one of {tuple(_KINDS)}"),
    "hidden": (lambda v: _is_name(v, HIDDEN_CONVENTIONS), f"one of {HIDDEN_CONVENTIONS}"),
    "dtype": (lambda v: _is_name(v, _DTYPES), f"one of {tuple(_DTYPES)}"),
    "spin_ordering": (lambda v: isinstance(v, str) and v == SPIN_ORDERING, repr(SPIN_ORDERING)),
    "layer_sizes": (
        lambda v: isinstance(v, list) and len(v) >= 2 and all(_is_int(n) and n >= 0 for n in v) and v[0] >= 1,
        "a list of at least 2 sizes (integers >= 0, the first >= 1)",
    ),
}
#: keys a file may leave out (informational, or the geometry)
_META_OPTIONAL: dict[str, tuple[Any, str]] = {
    "amplitude": (lambda v: isinstance(v, str), "a string"),
    "netket_note": (lambda v: isinstance(v, str), "a string"),
    "tnrbm_version": (lambda v: isinstance(v, str), "a string"),
    "geometry": (lambda v: v is None or isinstance(v, dict), "a JSON object or null"),
    "model": (lambda v: isinstance(v, str), "a string (the spec that builds the network)"),
    "seed": (lambda v: v is None or (_is_int(v) and v >= 0), "null or an integer >= 0"),
    "versions": (
        lambda v: isinstance(v, dict) and all(isinstance(x, str) for x in v.values()),
        "a JSON object of version strings",
    ),
}
#: the keys of ``save(..., provenance=)``
PROVENANCE_KEYS = ("model", "seed", "versions")


def _checked_provenance(provenance: dict | None) -> dict:
    """``provenance`` checked as :func:`load` checks it back (keys :data:`PROVENANCE_KEYS`)."""
    if provenance is None:
        return {}
    if not isinstance(provenance, dict) or set(provenance) - set(PROVENANCE_KEYS):
        raise InvalidParameterError(
            f"provenance must be None or a dict with keys among {PROVENANCE_KEYS}; got {provenance!r}"
        )
    for key, value in provenance.items():
        test, allowed = _META_OPTIONAL[key]
        if not test(value):
            raise InvalidParameterError(f"provenance[{key!r}] must be {allowed}; got {value!r}")
    return dict(provenance)


def _parse_metadata(target: str, arrays: dict[str, np.ndarray]) -> dict:
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
    unknown = sorted(set(meta) - set(_META_KEYS) - set(_META_OPTIONAL))
    if unknown:
        known = sorted([*_META_KEYS, *_META_OPTIONAL])
        raise _fail(target, f"'metadata' has unknown keys {unknown}; allowed keys: {known}")
    for key, (test, allowed) in [*_META_KEYS.items(), *_META_OPTIONAL.items()]:
        if key not in meta and key in _META_OPTIONAL:
            continue
        value = meta.get(key, _MISSING)
        if value is _MISSING or not test(value):
            raise _fail(target, f"{key} must be {allowed}; got {_show(value)}")
    if meta["kind"] == "RBM" and len(meta["layer_sizes"]) != 2:
        raise _fail(target, f"kind 'RBM' needs exactly one hidden layer; got layer_sizes {meta['layer_sizes']}")
    return meta


def _get(target: str, arrays: dict[str, np.ndarray], name: str, kind: str, shape: tuple | None) -> np.ndarray:
    if name not in arrays:
        raise _fail(target, f"the array {name!r} is missing")
    arr = arrays[name]
    if arr.dtype.kind not in kind:
        raise _fail(target, f"the array {name!r} has dtype {arr.dtype}, expected kind {kind!r}")
    if shape is not None and arr.shape != shape:
        raise _fail(target, f"the array {name!r} has shape {arr.shape}, expected {shape}")
    return arr


def _read_coupling(target: str, arrays: dict, meta: dict, layer: int, expected: set) -> sp.csr_array:
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


def _read_bias(target: str, arrays: dict, meta: dict, layer: int, expected: set) -> np.ndarray:
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


def load(path: str | os.PathLike, max_memory: MaxMemory = None) -> RBM | DBM:
    """Load a network saved by :func:`save`.

    No pickle is ever read and no code in the file ever runs. Before any array is allocated, the
    header of each ``.npy`` member is read and the size it claims (shape times item size) is compared
    with the size the zip stores, and the running total with ``max_memory``; object (pickle) dtypes are
    refused from the header.

    Parameters
    ----------
    path
        The ``.npz`` file: a regular file, or a symbolic link to one (directories, devices, fifos and
        sockets are refused without being opened for reading in a blocking way).
    max_memory
        The most bytes the arrays of the file may take (a number or a size such as ``"4GiB"``); None
        means :func:`tnrbm.validation.default_max_memory`.

    Returns
    -------
    RBM or DBM
        With the saved couplings, biases, hidden convention and ``geometry``.

    Raises
    ------
    FileFormatError
        The file is missing, truncated, corrupted, of another schema or version, holds pickled
        arrays, a member's header disagrees with its stored size, the metadata has a key of the wrong
        type or value (``true`` is not the integer 1) or an unknown key, or the arrays disagree with
        the metadata (one-line message).
    InvalidPathError
        ``path`` is a directory, a device, a fifo or a socket (a FileFormatError too).
    MemoryLimitError
        The arrays would take more than ``max_memory``.

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
    target, arrays = _open_npz(path, max_memory)
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


def read_metadata(path: str | os.PathLike, max_memory: MaxMemory = None) -> dict:
    """The JSON metadata of a saved model (schema, kind, hidden convention, sizes, notes, geometry).

    Checks the file and the schema like :func:`load` (``max_memory`` as there) but does not build the
    network.

    Examples
    --------
    >>> import os, tempfile, numpy as np, tnrbm
    >>> path = os.path.join(tempfile.mkdtemp(), "rbm.npz")
    >>> tnrbm.io.save(path, tnrbm.RBM(np.ones((3, 2))))
    >>> meta = tnrbm.io.read_metadata(path)
    >>> meta["kind"], meta["layer_sizes"], meta["spin_ordering"]
    ('RBM', [3, 2], 'kron: site 0 most significant, +1 = index 0')
    >>> tnrbm.io.save(path, tnrbm.models.local_chain(4, seed=5), provenance={"model": "local-chain:n=4,seed=5", "seed": 5})
    >>> meta = tnrbm.io.read_metadata(path)
    >>> meta["model"], meta["seed"]
    ('local-chain:n=4,seed=5', 5)
    """
    target, arrays = _open_npz(path, max_memory)
    return _parse_metadata(target, arrays)
