"""The ``tnrbm`` command line.

Subcommands: ``demo``, ``entropy``, ``cut``, ``profile``, ``ed``, ``fit``, ``draw``, ``save``, ``bench``,
``info``. Models are saved ``.npz`` files or built-in specs (``local-chain:n=64,alpha=1,radius=2,seed=0``);
regions are ``0:16``, ``0,3,5`` or ``0:8,32:40``. Errors print as one line and exit non-zero (exit 1; 2 for
a usage error); ``--debug`` (before or after the command) shows the traceback.

Layout: :mod:`~tnrbm.cli.app` (the lazy click group and :func:`main`), :mod:`~tnrbm.cli.commands` (one
module per command family, imported only when one of its commands runs), :mod:`~tnrbm.cli.parsing`
(region, Renyi and memory text), :mod:`~tnrbm.cli.reports` (the rows and payloads the commands print),
:mod:`~tnrbm.cli.formatting` (tables, numbers, units, JSON) and :mod:`~tnrbm.cli.progress` (spinners and
bars on a terminal).

Examples
--------
>>> from tnrbm.cli import main
>>> main(["--help"])  # doctest: +ELLIPSIS
Usage: tnrbm [OPTIONS] COMMAND [ARGS]...
...
0
"""

from __future__ import annotations

from .app import cli, main

__all__ = ["cli", "main"]
