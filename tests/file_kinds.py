"""Every kind of path a user can hand to ``save``/``load``, made inside a test folder (never /dev).

``make(kind, path)`` creates it; ``kind_of(path)`` tells what is there now, from ``os.lstat`` and the
:mod:`stat` module only (written independently of :func:`tnrbm.validation.file_kind`);
``npy_header`` writes a .npy header by hand, for members that lie about their size.
"""

from __future__ import annotations

import os
import socket
import stat
from pathlib import Path

import pytest

#: what ``make`` can create
KINDS = ("absent", "regular", "directory", "fifo", "socket", "char_device")
#: the kinds ``save`` may write to (replace, or create)
WRITABLE = {"absent", "regular"}


def make(kind: str, path: Path) -> None:
    """Create a ``kind`` at ``path`` (a character device is /dev/null's numbers 1, 3; skip if not root)."""
    if kind == "absent":
        return
    if kind == "regular":
        path.write_bytes(b"not a model")
    elif kind == "directory":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "socket":
        here = os.getcwd()
        os.chdir(path.parent)  # a short relative name: AF_UNIX paths are limited to 108 bytes
        try:
            with socket.socket(socket.AF_UNIX) as sock:
                sock.bind(path.name)  # the socket file stays after the socket is closed
        finally:
            os.chdir(here)
    elif kind == "char_device":
        try:
            os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))
        except PermissionError:
            pytest.skip("making a device node needs root")
    else:  # pragma: no cover
        raise ValueError(kind)


def kind_of(path: Path) -> str:
    """What is at ``path`` now, without following a symbolic link."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return "absent"
    for test, name in (
        (stat.S_ISLNK, "symlink"),
        (stat.S_ISREG, "regular"),
        (stat.S_ISDIR, "directory"),
        (stat.S_ISFIFO, "fifo"),
        (stat.S_ISSOCK, "socket"),
        (stat.S_ISCHR, "char_device"),
    ):
        if test(mode):
            return name
    return "other"


def temp_files(folder: Path) -> list[str]:
    """Hidden ``*.tmp`` files in ``folder`` (what an interrupted save would leave)."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".") and p.name.endswith(".tmp"))


def npy_header(descr: str, shape: tuple, fortran: bool = False, version: tuple = (1, 0)) -> bytes:
    """A .npy header written by hand (the layout of numpy.lib.format), claiming whatever we like."""
    text = f"{{'descr': {descr!r}, 'fortran_order': {fortran!r}, 'shape': {shape!r}, }}"
    pre = 10 if version == (1, 0) else 12  # magic (6) + version (2) + header length (2 or 4)
    text += " " * (-(pre + len(text) + 1) % 64) + "\n"
    size = len(text).to_bytes(2 if version == (1, 0) else 4, "little")
    return b"\x93NUMPY" + bytes(version) + size + text.encode("latin1")
