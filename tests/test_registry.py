"""One Registry for every kind of plug-in, entry-point plug-ins, and the options it reaches.

References: numpy SVDs of brute-force amplitudes (conftest), networkx's own minimum cut, counted calls.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from conftest import brute_force_psi_of, entropies, svd_spectrum

import tnrbm
from tnrbm.bulk import FLOWS, min_cut, register_flow
from tnrbm.cli import main
from tnrbm.contract import BACKENDS, PATH_FINDERS, Backend, get_backend, register_backend
from tnrbm.ed import HAMILTONIANS, register_hamiltonian
from tnrbm.entropy import METHODS, entanglement, purity, register_method, unregister_method
from tnrbm.errors import InvalidParameterError
from tnrbm.registry import Registry, UnknownNameError
from tnrbm.specs import MODEL_SPECS, register_model
from tnrbm.tn import FORMS

PLUGIN = Path(__file__).parent / "plugins" / "tnrbm_toy_plugin"
ROOT = Path(__file__).resolve().parents[1]

ALL = {
    "method": METHODS,
    "flow": FLOWS,
    "form": FORMS,
    "path finder": PATH_FINDERS,
    "backend": BACKENDS,
    "model": HAMILTONIANS,
    "model spec": MODEL_SPECS,
}


# ------------------------------------------------------------------ the class
def test_register_get_unregister_and_the_mapping():
    reg = Registry("colour", {"red": 1, "blue": 2})
    assert list(reg) == ["red", "blue"] and reg.names() == ("blue", "red") and len(reg) == 2
    assert "red" in reg and "green" not in reg and 3 not in reg and dict(reg.items()) == {"red": 1, "blue": 2}
    with pytest.raises(InvalidParameterError, match="colour 'red' is already registered; pass replace=True"):
        reg.register("red", 3)
    assert reg["red"] == 1  # the refused registration changed nothing
    reg.register("red", 3, replace=True)
    assert reg["red"] == 3 and reg.get("green", None) is None
    for lookup in (lambda: reg["green"], lambda: reg.get("green"), lambda: reg.unregister("green")):
        with pytest.raises(InvalidParameterError, match=r"colour must be one of 'blue', 'red'; got 'green'") as info:
            lookup()
        assert isinstance(info.value, KeyError) and isinstance(info.value, UnknownNameError)
        assert str(info.value) == "colour must be one of 'blue', 'red'; got 'green'"
    assert reg.unregister("blue") == 2 and list(reg) == ["red"]
    del reg["red"]
    assert len(reg) == 0
    for bad in ("", None, 3):
        with pytest.raises(InvalidParameterError, match="colour name must be a non-empty string"):
            reg.register(bad, 1)


@pytest.mark.parametrize("kind", sorted(ALL))
def test_every_registry_is_one_registry_listing_valid_names(kind):
    reg = ALL[kind]
    assert isinstance(reg, Registry)
    with pytest.raises(InvalidParameterError) as info:
        reg.get("no-such-thing")
    text = str(info.value)
    assert "no-such-thing" in text and all(repr(name) in text for name in reg.names())
    name = next(iter(reg))
    with pytest.raises(InvalidParameterError, match="already registered"):
        reg.register(name, reg[name])


def test_old_register_functions_and_dict_names_keep_working():
    chain = tnrbm.models.local_chain(8, radius=1, seed=2)
    register_flow("toy-flow", FLOWS["networkx_dinitz"])
    try:
        assert min_cut(chain, range(4), flow="toy-flow").size == min_cut(chain, range(4), flow="dinic").size
        with pytest.raises(InvalidParameterError, match="already registered"):
            register_flow("toy-flow", FLOWS["dinic"])
        register_flow("toy-flow", FLOWS["dinic"], replace=True)
        assert FLOWS["toy-flow"] is FLOWS["dinic"]
    finally:
        del FLOWS["toy-flow"]
    copy = Backend("numpy-copy", "numpy", np.array, np.asarray)
    register_backend(copy)  # the one-argument form
    try:
        assert get_backend("numpy-copy") is copy
        with pytest.raises(InvalidParameterError, match="already registered"):
            register_backend("numpy-copy", copy)
        with pytest.raises(InvalidParameterError, match="the two names must agree"):
            register_backend("other", copy)
    finally:
        BACKENDS.unregister("numpy-copy")
    assert "numpy-copy" not in BACKENDS


def test_ed_models_follows_register_hamiltonian():
    assert "ising" not in tnrbm.ed.MODELS
    register_hamiltonian("ising", tnrbm.ed.tfim)
    try:
        assert "ising" in tnrbm.ed.MODELS and tnrbm.ed.MODELS == tuple(HAMILTONIANS)
    finally:
        del HAMILTONIANS["ising"]
    assert "ising" not in tnrbm.ed.MODELS


def test_unregister_method_leaves_auto_and_a_stale_auto_name_is_ignored():
    net = tnrbm.models.local_chain(6, radius=1, seed=0)
    ref = entropies(svd_spectrum(brute_force_psi_of(net), range(3), 6))[1]

    def broken(problem):  # would give a wrong answer if auto ever ran it
        return tnrbm.entropy.Plan("broken", flops=0.0, memory=0.0, run=lambda: (np.array([1.0]), {}))

    register_method("broken", broken, auto=True)
    assert "broken" in tnrbm.entropy.auto_methods()
    del METHODS["broken"]  # the dict way leaves AUTO_METHODS: auto must skip the name
    try:
        assert abs(entanglement(net, range(3)).entropy - ref) < 1e-10
    finally:
        tnrbm.entropy.methods.AUTO_METHODS.remove("broken")
    register_method("broken", broken, auto=True)
    unregister_method("broken")
    assert "broken" not in tnrbm.entropy.auto_methods() and "broken" not in tnrbm.entropy.methods.AUTO_METHODS


# ------------------------------------------------------------------ entry points, in this process
def _install(target: Path, name: str, module: str, entry_points: dict[str, dict[str, str]]) -> None:
    """What an installed distribution looks like to importlib.metadata: the module and its dist-info."""
    (target / f"{name}.py").write_text(module)
    info = target / f"{name}-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n")
    lines = []
    for group, entries in entry_points.items():
        lines += [f"[{group}]", *(f"{k} = {v}" for k, v in entries.items()), ""]
    (info / "entry_points.txt").write_text("\n".join(lines))


def test_entry_points_are_loaded_on_first_lookup(tmp_path, monkeypatch):
    module = "def answer():\n    return 42\n"
    _install(
        tmp_path,
        "tnrbm_reg_probe",
        module,
        {
            "tnrbm.test-probe": {
                "answer": "tnrbm_reg_probe:answer",
                "missing": "tnrbm_reg_probe:no_such_name",
                "taken": "tnrbm_reg_probe:answer",
            }
        },
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    reg = Registry("probe", {"taken": 1}, group="tnrbm.test-probe")
    assert "tnrbm_reg_probe" not in sys.modules  # nothing loaded when the registry is made
    with pytest.warns(RuntimeWarning) as caught:
        names = reg.names()
    assert names == ("answer", "taken") and reg["answer"]() == 42 and reg["taken"] == 1
    messages = sorted(str(w.message) for w in caught)
    assert len(messages) == 2
    assert "'missing'" in messages[0] and "tnrbm.test-probe" in messages[0]
    assert "'taken'" in messages[1] and "already registered" in messages[1]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert reg.names() == ("answer", "taken")  # loaded once


# ------------------------------------------------------------------ the plug-in package, in a subprocess
@pytest.fixture(scope="module")
def plugin_env(tmp_path_factory):
    """The toy plug-in installed as a distribution in a temporary folder (offline: no pip, no build)."""
    tomllib = pytest.importorskip("tomllib" if sys.version_info >= (3, 11) else "tomli")
    target = tmp_path_factory.mktemp("site")
    project = tomllib.loads((PLUGIN / "pyproject.toml").read_text())["project"]
    _install(target, "tnrbm_toy_plugin", (PLUGIN / "tnrbm_toy_plugin.py").read_text(), project["entry-points"])
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(target), str(ROOT)]))
    env.update(OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    return env


def _run(env: dict, *args: str) -> str:
    out = subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    assert out.returncode == 0, out.stderr
    return out.stdout


def _toy_reference(n: int, seed: int, region: range) -> np.ndarray:
    sys.path.insert(0, str(PLUGIN))
    try:
        import tnrbm_toy_plugin
    finally:
        sys.path.remove(str(PLUGIN))
    return svd_spectrum(brute_force_psi_of(tnrbm_toy_plugin.toy_model(n, seed=seed)), region, n)


def test_plugin_package_appears_in_info_and_runs_from_the_cli(plugin_env):
    probe = "import sys, tnrbm; print('tnrbm_toy_plugin' in sys.modules)"
    assert _run(plugin_env, "-c", probe).strip() == "False"  # import tnrbm stays light
    info = json.loads(_run(plugin_env, "-m", "tnrbm", "info", "--json"))
    assert "toy" in info["methods"] and "toy-model" in info["models"]
    assert info["specs"]["toy-model"] == {"n": "(required)", "seed": "0"}
    text = _run(plugin_env, "-m", "tnrbm", "info")
    assert "toy-model" in text and "toy" in text
    ref = entropies(_toy_reference(7, 3, range(3)))
    out = json.loads(
        _run(plugin_env, "-m", "tnrbm", "entropy", "toy-model:n=7,seed=3", "0:3", "--method", "toy", "--json")
    )
    assert out["method"] == "toy" and abs(out["entropy"] - ref[1]) < 1e-10
    args = ("-m", "tnrbm", "purity", "toy-model:n=7,seed=3", "0:3", "--method", "toy", "--json")
    out = json.loads(_run(plugin_env, *args))
    assert out["method"] == "spectrum:toy" and abs(out["renyi"]["2"] - ref[2]) < 1e-10


# ------------------------------------------------------------------ purity, flow=, backends
@pytest.mark.parametrize("method", ["dense", "mps", "cut", "spectrum", "auto"])
def test_purity_takes_registered_methods(method):
    net = tnrbm.models.local_chain(8, radius=1, complex=True, seed=4)
    p = svd_spectrum(brute_force_psi_of(net), range(4), 8)
    res = purity(net, range(4), method=method)
    assert abs(res.purity - float(np.sum(p**2))) < 1e-10
    if method in ("dense", "mps"):
        assert res.method == f"spectrum:{method}"


def test_purity_refuses_unknown_methods_listing_them():
    with pytest.raises(InvalidParameterError, match="method must be one of.*'mps'.*got 'svd'"):
        purity(tnrbm.states.ghz(4), range(2), method="svd")


def test_flow_reaches_min_cut_from_entanglement_purity_and_the_cli(capsys):
    net = tnrbm.models.local_chain(10, radius=1, seed=5)
    calls = []

    def counted(capacity, source, sink):
        calls.append(capacity.shape)
        return FLOWS["networkx_edmonds_karp"](capacity, source, sink)

    p = svd_spectrum(brute_force_psi_of(net), range(5), 10)
    res = entanglement(net, range(5), method="cut", flow=counted)
    assert len(calls) == 1 and abs(res.entropy - entropies(p)[1]) < 1e-10
    assert abs(purity(net, range(5), method="cut", flow=counted).purity - float(np.sum(p**2))) < 1e-10
    assert len(calls) == 2
    with pytest.raises(InvalidParameterError, match="flow must be one of"):
        entanglement(net, range(5), flow="simplex")
    with pytest.raises(InvalidParameterError, match="flow must be one of"):
        entanglement(brute_force_psi_of(net), range(5), flow="simplex")
    spec = "local-chain:n=10,radius=1,seed=5"
    for cmd in (["cut", spec, "0:5"], ["entropy", spec, "0:5", "--method", "cut"], ["purity", spec, "0:5"]):
        assert main([*cmd, "--flow", "networkx_preflow_push", "--json"]) == 0
        out = json.loads(capsys.readouterr().out)
        assert out["m"] == res.cut.size
    assert main(["cut", spec, "0:5", "--flow", "simplex"]) == 2
    assert "simplex" in capsys.readouterr().err


@pytest.mark.parametrize("method", ["mps", "dense"])
def test_numpy_only_methods_refuse_another_backend(method):
    net = tnrbm.models.local_chain(8, radius=1, seed=0)
    with pytest.raises(InvalidParameterError, match=f"method='{method}' runs on numpy only; got backend='torch'"):
        entanglement(net, range(4), method=method, backend="torch")
    with pytest.raises(InvalidParameterError, match="runs on numpy only"):
        entanglement(net, range(4), method=method, backend=Backend("jax", "jax", np.asarray, np.asarray))
    ref = entropies(svd_spectrum(brute_force_psi_of(net), range(4), 8))[1]
    assert abs(entanglement(net, range(4), method=method, backend="numpy").entropy - ref) < 1e-10


def test_auto_with_another_backend_refuses_a_state_vector_clearly():
    psi = brute_force_psi_of(tnrbm.models.local_chain(6, radius=1, seed=0))
    with pytest.raises(InvalidParameterError, match="method='auto' found no method.*dense: method='dense' runs"):
        entanglement(psi, range(3), backend="torch")


def test_model_specs_registry_refuses_bad_names():
    with pytest.raises(InvalidParameterError, match="without ':' or ','"):
        register_model("a:b", tnrbm.models.local_chain)
    with pytest.raises(InvalidParameterError, match="'auto'"):
        register_method("auto", lambda problem: None)


def test_moved_ed_names_still_warn_at_the_caller():
    with pytest.warns(DeprecationWarning, match="run_ed moved") as caught:
        assert callable(tnrbm.ed.run_ed)
    assert caught[0].filename == __file__


def test_estimate_takes_the_flow_too():
    net = tnrbm.models.local_chain(12, radius=2, seed=1)
    calls = []

    def counted(capacity, source, sink):
        calls.append(1)
        return FLOWS["networkx_boykov_kolmogorov"](capacity, source, sink)

    est = tnrbm.entropy.estimate(net, range(6), flow=counted)
    assert calls == [1] and est.m == min_cut(net, range(6), flow="edmonds_karp").size
