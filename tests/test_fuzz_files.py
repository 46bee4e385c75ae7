"""Fuzzing saved files and paths: byte flips, truncations, garbage files, odd paths (issues 12 and 13).

The property: :func:`tnrbm.load` either returns the network that was saved (its amplitudes equal the
original's on every configuration, its geometry equal) or raises :class:`~tnrbm.errors.FileFormatError`
-- never a raw zipfile/numpy/json exception, never a silently different network. :func:`tnrbm.save`
refuses bad paths with a tnrbm error and never leaves a partial file behind.
"""

from __future__ import annotations

import io
import json
import os
import time
import zipfile

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import tnrbm
from tnrbm.errors import FileFormatError, InvalidParameterError

NETWORKS = {
    "rbm": tnrbm.models.local_chain(5, seed=0),
    "complex_dbm": tnrbm.models.random_dbm([4, 2, 2], complex=True, hidden="binary", seed=1),
}


def _saved(tmp_path_factory, key):
    path = tmp_path_factory.mktemp("saved") / f"{key}.npz"
    tnrbm.save(path, NETWORKS[key])
    return path, path.read_bytes()


def _same_network(got, want):
    conf = tnrbm.all_configurations(want.n_visible)
    assert type(got) is type(want) and got.layer_sizes == want.layer_sizes and got.hidden == want.hidden
    assert np.array_equal(got.log_amplitude(conf), want.log_amplitude(conf))
    assert (got.geometry is None) == (want.geometry is None)
    if want.geometry is not None:
        assert got.geometry.to_dict() == want.geometry.to_dict()


def _load_or_file_error(path, want):
    t0 = time.perf_counter()
    try:
        got = tnrbm.load(path)
    except FileFormatError as err:
        assert str(path) in str(err) and "\n" not in str(err)
        return "refused"
    finally:
        assert time.perf_counter() - t0 < 3.0
    _same_network(got, want)  # a load that succeeds must give back exactly what was saved
    return "same"


@settings(max_examples=250, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
@given(
    key=st.sampled_from(sorted(NETWORKS)),
    flips=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(1, 255)), min_size=1, max_size=3),
)
def test_byte_flips(key, flips, tmp_path_factory):
    path, data = _saved(tmp_path_factory, key)
    buf = bytearray(data)
    for where, xor in flips:
        buf[int(where * len(buf))] ^= xor
    path.write_bytes(bytes(buf))
    _load_or_file_error(path, NETWORKS[key])


@settings(max_examples=120, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
@given(key=st.sampled_from(sorted(NETWORKS)), cut=st.floats(0, 1, exclude_max=True), tail=st.binary(max_size=8))
def test_truncations(key, cut, tail, tmp_path_factory):
    path, data = _saved(tmp_path_factory, key)
    path.write_bytes(data[: int(cut * len(data))] + tail)
    _load_or_file_error(path, NETWORKS[key])


@settings(max_examples=80, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
@given(data=st.binary(max_size=300))
def test_garbage_files(data, tmp_path_factory):
    path = tmp_path_factory.mktemp("garbage") / "x.npz"
    path.write_bytes(data)
    with pytest.raises(FileFormatError):
        tnrbm.load(path)


def _zip(path, members):
    with zipfile.ZipFile(path, "w") as zf:
        for name, payload in members.items():
            zf.writestr(name, payload)


def _npy(arr):
    out = io.BytesIO()
    np.save(out, arr, allow_pickle=True)
    return out.getvalue()


def _members(tmp_path):
    """The arrays of a real saved RBM, as npy bytes by member name."""
    src = tmp_path / "src.npz"
    tnrbm.save(src, NETWORKS["rbm"])
    with np.load(src, allow_pickle=False) as npz:
        return {f"{k}.npy": npz[k] for k in npz.files}


def _meta(members):
    return json.loads(str(members["metadata.npy"]))


_META_EDITS = {
    "metadata_int_dtype": lambda m: m.update({"metadata.npy": np.arange(3)}),
    "metadata_bytes": lambda m: m.update({"metadata.npy": np.array(b"{}")}),
    "metadata_2d": lambda m: m.update({"metadata.npy": np.array([["{}"]])}),
    "metadata_not_json": lambda m: m.update({"metadata.npy": np.array("{not json")}),
    "metadata_list": lambda m: m.update({"metadata.npy": np.array("[1, 2]")}),
    "metadata_nan": lambda m: m.update({"metadata.npy": np.array('{"schema": NaN}')}),
    "no_metadata": lambda m: m.pop("metadata.npy"),
    "object_array": lambda m: m.update({"biases_0.npy": np.array([None, 1], dtype=object)}),
    "bias_wrong_dtype": lambda m: m.update({"biases_0.npy": np.array(["a"] * 5)}),
    "bias_wrong_shape": lambda m: m.update({"biases_0.npy": np.zeros(7)}),
    "bias_nan": lambda m: m.update({"biases_0.npy": np.full(5, np.nan)}),
    "rows_out_of_range": lambda m: m.update({"couplings_0_row.npy": m["couplings_0_row.npy"] + 10**6}),
    "rows_negative": lambda m: m.update({"couplings_0_row.npy": m["couplings_0_row.npy"] - 10**6}),
    "rows_float": lambda m: m.update({"couplings_0_row.npy": m["couplings_0_row.npy"].astype(float)}),
    "rows_short": lambda m: m.update({"couplings_0_row.npy": m["couplings_0_row.npy"][:-1]}),
    "shape_huge": lambda m: m.update({"couplings_0_shape.npy": np.array([10**12, 10**12])}),
    "shape_negative": lambda m: m.update({"couplings_0_shape.npy": np.array([-5, 5])}),
    "missing_array": lambda m: m.pop("couplings_0_data.npy"),
    "extra_array": lambda m: m.update({"extra.npy": np.zeros(2)}),
}


def _meta_edit(key, value):
    def edit(m):
        meta = _meta(m)
        if value is KeyError:
            meta.pop(key, None)
        else:
            meta[key] = value
        m["metadata.npy"] = np.array(json.dumps(meta))

    return edit


for _key, _values in {
    "schema": ["other", None, 3],
    "schema_version": [99, "1", None, -1, 1.5],
    "kind": ["GAN", None, ["RBM"], KeyError],
    "hidden": ["ising", None, 0, KeyError],
    "layer_sizes": [[5], [5, -1], [5, 5, 5], "5-5", None, [5.5, 5], [True, 5], KeyError],
    "dtype": ["float16", "int64", None, 3, KeyError],
    "geometry": [{"kind": 3}, {"kind": "chain", "n": -1}, [1, 2], "chain", {"kind": "chain", "__tuple__": [1]}],
}.items():
    for _k, _v in enumerate(_values):
        _META_EDITS[f"meta_{_key}_{_k}"] = _meta_edit(_key, _v)


@pytest.mark.parametrize("edit", sorted(_META_EDITS))
def test_edited_archives_are_refused_or_exact(edit, tmp_path):
    members = _members(tmp_path)
    _META_EDITS[edit](members)
    path = tmp_path / "edited.npz"
    _zip(path, {name: _npy(arr) for name, arr in members.items()})
    _load_or_file_error(path, NETWORKS["rbm"])


@pytest.mark.parametrize(
    "members",
    [
        {"metadata.npy": b"not an npy file"},
        {"metadata.txt": b"hello"},
        {"metadata.npy": b"\x93NUMPY\x01\x00"},
        {},
    ],
)
def test_zip_with_non_npy_members(members, tmp_path):
    path = tmp_path / "odd.npz"
    _zip(path, members)
    with pytest.raises(FileFormatError):
        tnrbm.load(path)


def test_truncated_zip_and_a_large_garbage_member(tmp_path):
    path = tmp_path / "m.npz"
    tnrbm.save(path, NETWORKS["rbm"])
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(FileFormatError):
        tnrbm.load(path)
    big = tmp_path / "big.npz"  # 64 MiB of zeros compressed to a few KiB: not an npy array
    with zipfile.ZipFile(big, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("metadata.npy", b"\0" * (64 * 2**20))
    t0 = time.perf_counter()
    with pytest.raises(FileFormatError):
        tnrbm.load(big)
    assert time.perf_counter() - t0 < 3.0


@pytest.mark.parametrize("bad", [None, 3, 1.5, True, b"", "", "a\0b", ["x.npz"], object(), np.array("x")])
def test_bad_path_types(bad, tmp_path):
    with pytest.raises(InvalidParameterError, match="path"):
        tnrbm.save(bad, NETWORKS["rbm"])
    with pytest.raises((InvalidParameterError, FileFormatError), match="path|cannot load"):
        tnrbm.load(bad)


def test_paths_that_are_not_files(tmp_path):
    net = NETWORKS["rbm"]
    with pytest.raises(FileFormatError, match="not a file"):
        tnrbm.load(tmp_path)
    with pytest.raises(FileFormatError, match="no such file"):
        tnrbm.load(tmp_path / "missing.npz")
    with pytest.raises(FileFormatError, match="does not exist"):
        tnrbm.save(tmp_path / "no" / "such" / "x.npz", net)
    with pytest.raises(FileFormatError, match="cannot save"):
        tnrbm.save(tmp_path, net)  # a directory
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(FileFormatError, match="not a .npz"):
        tnrbm.load(text)
    npy = tmp_path / "array.npy"
    np.save(npy, np.zeros(3))
    with pytest.raises(FileFormatError):
        tnrbm.load(npy)
    assert sorted(os.listdir(tmp_path)) == ["array.npy", "notes.txt"]  # no temporary file left


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")
def test_unwritable_folder(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(FileFormatError, match="cannot save"):
            tnrbm.save(folder / "x.npz", NETWORKS["rbm"])
        assert os.listdir(folder) == []
    finally:
        folder.chmod(0o700)


def test_bytes_and_pathlike_paths_round_trip(tmp_path):
    net = NETWORKS["complex_dbm"]
    path = tmp_path / "m.npz"
    tnrbm.save(os.fsencode(path), net)
    _same_network(tnrbm.load(path), net)
    _same_network(tnrbm.load(str(path)), net)


# ---------------------------------------------------------------- paths of every kind, members that lie (issue 17)
import signal  # noqa: E402

from file_kinds import KINDS, WRITABLE, kind_of, make, npy_header, temp_files  # noqa: E402

from tnrbm.errors import InvalidPathError  # noqa: E402


class _BlockedError(Exception):
    pass


def _alarm(signum, frame):
    raise _BlockedError("a call blocked (a fifo opened?)")


@settings(max_examples=60, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
@given(
    kind=st.sampled_from([k for k in KINDS if k != "char_device" or os.geteuid() == 0]),  # mknod needs root
    via=st.sampled_from(["direct", "link", "link_to_link", "relative_link"]),
    key=st.sampled_from(sorted(NETWORKS)),
)
def test_file_kinds(kind, via, key, tmp_path_factory):
    """save writes a regular or new file (following links) and refuses every other kind, leaving it intact;
    load refuses without blocking; no temporary file is left either way."""
    folder = tmp_path_factory.mktemp("kinds")
    target = folder / "target.npz"
    make(kind, target)
    path = target
    if via != "direct":
        path = folder / "link.npz"
        path.symlink_to(target.name if via == "relative_link" else target)
        if via == "link_to_link":
            (folder / "link2.npz").symlink_to(path)
            path = folder / "link2.npz"
    links = {p.name: os.readlink(p) for p in folder.iterdir() if p.is_symlink()}
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(20)
    try:
        with pytest.raises(FileFormatError) as info:  # nothing saved there yet: never a model
            tnrbm.load(path)
        assert isinstance(info.value, InvalidPathError) == (kind not in WRITABLE)
        if kind in WRITABLE:
            tnrbm.save(path, NETWORKS[key])
            assert kind_of(target) == "regular"
            _same_network(tnrbm.load(path), NETWORKS[key])
        else:
            with pytest.raises(InvalidPathError, match=f"cannot save to {str(path)!r}"):
                tnrbm.save(path, NETWORKS[key])
            assert kind_of(target) == kind
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    assert {p.name: os.readlink(p) for p in folder.iterdir() if p.is_symlink()} == links  # links kept
    assert temp_files(folder) == []


def _original(path, name):
    """The data bytes of member ``name`` as ``save`` wrote them (``path`` is still the saved file)."""
    with np.load(path, allow_pickle=False) as npz:
        return npz[name[:-4]].tobytes()


@settings(max_examples=300, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
@given(
    key=st.sampled_from(sorted(NETWORKS)),
    which=st.floats(0, 1, exclude_max=True),
    edit=st.sampled_from(["header", "truncate", "flip", "extend"]),
    descr=st.sampled_from(["<f8", "<c16", "<i8", ">f8", "<f4", "|b1", "<U10", "<U0", "|O", "|V8", "|S3"]),
    shape=st.lists(st.integers(-2, 2**40) | st.integers(0, 12), max_size=3).map(tuple),
    fortran=st.booleans(),
    where=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(1, 255)), min_size=1, max_size=3),
    tail=st.binary(min_size=1, max_size=64),
    deflate=st.booleans(),
)
def test_corrupted_members(key, which, edit, descr, shape, fortran, where, tail, deflate, tmp_path_factory):
    """A member whose header or data are edited (the zip itself intact, CRCs right): the load raises
    FileFormatError -- never MemoryError, never another exception -- or gives back exactly the arrays numpy's
    own reader finds in the edited file (a flipped coupling is a valid, different number: no checksum
    beyond the zip's CRC can see it)."""
    path, _ = _saved(tmp_path_factory, key)
    with zipfile.ZipFile(path) as zf:
        members = {info.filename: zf.read(info) for info in zf.infolist()}
    name = sorted(members)[int(which * len(members))]
    npy = members[name]
    data_start = npy.index(b"\n") + 1  # numpy's header ends with a newline
    if edit == "header":
        npy = npy_header(descr, shape, fortran) + npy[data_start:]
    elif edit == "truncate":
        npy = npy[: int(where[0][0] * len(npy))]
    elif edit == "flip":
        buf = bytearray(npy)
        for pos, xor in where:
            buf[int(pos * len(buf))] ^= xor
        npy = bytes(buf)
    else:
        npy = npy + tail
    members[name] = npy
    out = path.with_name("edited.npz")
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED) as zf:
        for member, payload in members.items():
            zf.writestr(member, payload)
    t0 = time.perf_counter()
    try:
        got = tnrbm.load(out)
    except FileFormatError as err:
        assert str(out) in str(err) and "\n" not in str(err)
        event(f"{edit}: refused ({type(err).__name__})")
        return
    finally:
        assert time.perf_counter() - t0 < 3.0
    event(f"{edit}: loaded")
    assert edit in ("header", "flip")  # a member cut short or grown never loads
    with np.load(out, allow_pickle=False) as npz:  # the reference reader
        ref = {k: npz[k] for k in npz.files}
    for layer, bias in enumerate(got.biases):
        np.testing.assert_array_equal(bias, ref[f"biases_{layer}"])
    for layer, mat in enumerate(got.couplings):
        dense = np.zeros(tuple(ref[f"couplings_{layer}_shape"]), dtype=got.dtype)
        dense[ref[f"couplings_{layer}_row"], ref[f"couplings_{layer}_col"]] = ref[f"couplings_{layer}_data"]
        np.testing.assert_array_equal(mat.toarray(), dense)
    if name != "metadata.npy" and ref[name[:-4]].tobytes() == _original(path, name):
        _same_network(got, NETWORKS[key])  # the edit left the numbers alone: the very network saved
