"""What every output of the command line records so that it can be regenerated: the seed, the model, the versions.

One seed per run (:class:`RunSeed`, kept in the click context's ``meta``): the global ``tnrbm --seed N``,
or a command's own ``--seed N`` (the two must agree when both are given), or else a fresh draw
(:func:`tnrbm.specs.draw_seed`) made the first time the run needs randomness, printed on stderr as one
line ``seed: N (rerun with tnrbm --seed N ...)`` when the command ends without an error. It seeds every random draw of the run: the weights of
a model spec that leaves out its ``seed`` (the spec then records ``seed=N``, :func:`load_model`), fits,
samplers, the random start of ``topk``. A spec that writes its own ``seed=`` keeps it. A run that draws
nothing random records ``"seed": null`` (unless ``--seed`` was given).

:func:`stamp` adds the shared keys of the JSON schema (``tnrbm/cli/schema.json``): ``command``,
``model``, ``seed``, ``versions``; :func:`figure_options` gives the same to a picture's metadata and
:func:`file_provenance` to a saved ``.npz``. :func:`json_schema` is the schema of every output.

Examples
--------
>>> seed = RunSeed(given=5)
>>> seed.get(), seed.value
(5, 5)
>>> sorted(versions())
['cotengra', 'networkx', 'numpy', 'quimb', 'scipy', 'tnrbm']
"""

from __future__ import annotations

import functools
import json
import sys
from importlib import resources
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import click

from .._version import __version__
from ..network import BoltzmannNetwork
from ..specs import canonical_spec, draw_seed, parse_model, unseeded

__all__ = [
    "VERSION_PACKAGES",
    "RunSeed",
    "figure_options",
    "file_provenance",
    "json_schema",
    "load_model",
    "run_seed",
    "stamp",
    "versions",
]

#: the libraries whose versions every output records (besides tnrbm)
VERSION_PACKAGES = ("numpy", "scipy", "quimb", "cotengra", "networkx")
_KEY = "tnrbm.run_seed"


@functools.cache
def versions() -> dict[str, str]:
    """``{"tnrbm": ..., "numpy": ..., ...}``: the versions of tnrbm and :data:`VERSION_PACKAGES` (none imported).

    Examples
    --------
    >>> versions()["tnrbm"] == __version__
    True
    """
    out = {"tnrbm": __version__}
    for name in VERSION_PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:  # pragma: no cover - every one is a dependency
            out[name] = "not installed"
    return out


class RunSeed:
    """The one seed of a command-line run: given (``--seed``), or drawn and announced on first use.

    Parameters
    ----------
    given
        The seed of ``tnrbm --seed N`` (None: not given).

    Examples
    --------
    >>> seed = RunSeed()
    >>> seed.value is None, seed.get() == seed.value, 0 <= seed.value < 2**32
    (True, True, True)
    """

    def __init__(self, given: int | None = None) -> None:
        self.given = given
        self.drawn: int | None = None

    def combine(self, command_seed: int | None, option: str = "--seed") -> None:
        """Take a command's own ``--seed``; refuse one that disagrees with the global ``tnrbm --seed``."""
        if command_seed is None:
            return
        if self.given is not None and self.given != command_seed:
            raise click.UsageError(
                f"tnrbm --seed {self.given} and {option} {command_seed} disagree; give one seed (or the same twice)"
            )
        self.given = command_seed

    @property
    def value(self) -> int | None:
        """The seed this run used or was given (None when it drew nothing random and none was given)."""
        return self.given if self.given is not None else self.drawn

    def get(self) -> int:
        """The seed, drawn when none was given.

        A drawn seed is printed on stderr as ``seed: N (rerun with tnrbm --seed N ...)`` when the command
        ends without an error (an error stays one line), or at once outside a click command.
        """
        if self.given is not None:
            return self.given
        if self.drawn is None:
            self.drawn = draw_seed()
            ctx = click.get_current_context(silent=True)
            if ctx is None:
                self._announce()
            else:
                ctx.call_on_close(self._announce)
        return self.drawn

    def _announce(self) -> None:
        if sys.exc_info()[0] is None:  # the context closes while an error propagates: say nothing
            click.echo(f"seed: {self.drawn} (rerun with tnrbm --seed {self.drawn} ...)", err=True)


def run_seed(command_seed: int | None = None) -> RunSeed:
    """The run's :class:`RunSeed` (from the click context; a fresh one outside click), given ``command_seed``.

    Examples
    --------
    >>> run_seed(3).get()
    3
    """
    ctx = click.get_current_context(silent=True)
    if ctx is None:
        seed = RunSeed()
    elif _KEY in ctx.meta:  # meta is shared by every context of the run
        seed = ctx.meta[_KEY]
    else:  # the global ``tnrbm --seed`` is a parameter of the root context (the group)
        seed = ctx.meta[_KEY] = RunSeed(ctx.find_root().params.get("seed"))
    seed.combine(command_seed)
    return seed


def load_model(spec: str) -> tuple[BoltzmannNetwork, str]:
    """``(network, canonical spec)``: an unseeded spec takes the run's seed (drawn if none was given).

    Examples
    --------
    >>> net, spec = load_model("local-chain:n=6,radius=1,seed=2")
    >>> spec, net.n_visible
    ('local-chain:n=6,radius=1,seed=2', 6)
    """
    spec = spec.strip()
    if unseeded(spec):
        spec = canonical_spec(spec, seed=run_seed().get())
    return parse_model(spec), spec


def stamp(command: str, payload: dict, model: str | None = None) -> dict:
    """``payload`` with the keys every JSON output shares: ``command``, ``model``, ``seed``, ``versions``.

    ``seed`` is the run's (:class:`RunSeed`): given, drawn, or None when the run drew nothing random.

    Examples
    --------
    >>> out = stamp("cut", {"m": 2}, model="ghz:n=4")
    >>> out["command"], out["model"], out["m"], out["seed"], out["versions"]["tnrbm"] == __version__
    ('cut', 'ghz:n=4', 2, None, True)
    """
    return {"command": command, "model": model, **payload, "seed": run_seed().value, "versions": versions()}


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of every command's ``--json`` output: ``tnrbm/cli/schema.json``.

    Shared pieces (``versions``, ``seed``, ``region``, ``renyi``, ...) are in ``$defs``, with one definition
    per command (``entropy``, ``rg_sample``, ...), chosen by the output's ``command``; a key that the
    command's definition does not name is refused (``unevaluatedProperties: false``).

    Examples
    --------
    >>> schema = json_schema()
    >>> schema["$schema"], "entropy" in schema["properties"]["command"]["enum"]
    ('https://json-schema.org/draft/2020-12/schema', True)
    """
    return json.loads(resources.files(__package__).joinpath("schema.json").read_text(encoding="utf-8"))


def figure_options(model: str | None = None) -> dict[str, Any]:
    """The ``seed=`` and ``metadata=`` of :func:`tnrbm.cli.plots.save_plot`: the run's seed, the model, versions.

    Examples
    --------
    >>> opts = figure_options("ghz:n=4")
    >>> opts["seed"], opts["metadata"]["model"], opts["metadata"]["numpy version"] == versions()["numpy"]
    (None, 'ghz:n=4', True)
    """
    meta = {f"{name} version": v for name, v in versions().items() if name != "tnrbm"}
    if model is not None:
        meta["model"] = model
    return {"seed": run_seed().value, "metadata": meta}


def file_provenance(model: str | None) -> dict[str, Any]:
    """The ``provenance=`` of :func:`tnrbm.io.save`: the model, the run's seed and the versions.

    Examples
    --------
    >>> sorted(file_provenance("ghz:n=4"))
    ['model', 'seed', 'versions']
    """
    out: dict[str, Any] = {"seed": run_seed().value, "versions": versions()}
    if model is not None:
        out["model"] = model
    return out
