"""The layout is part of the design: strictly layered imports, no cycles, short functions, registries.

The layers, bottom to top (docs/architecture.md). A module may import its own package and the layers
below it, never a layer above; the deprecated flat modules (``tnrbm.tensor``, ``tnrbm.contraction``,
``tnrbm.mps``, ``tnrbm._memory``) forward old names and nothing in the library may import them.
"""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

import tnrbm

ROOT = Path(tnrbm.__file__).resolve().parent

LAYERS = [
    ["errors", "_lazy", "_deprecated", "_version", "registry", "_numerics"],
    ["validation"],
    ["exact", "contract"],
    ["network"],
    ["io", "interop"],
    ["tn", "bulk"],
    ["models"],
    ["ed"],
    ["states"],
    ["specs"],
    ["entropy"],
    ["rg"],
    ["fit"],
    ["plot"],
    ["cli"],
    ["__init__", "__main__"],
]
RANK = {name: k for k, layer in enumerate(LAYERS) for name in layer}
#: old flat modules that only forward names (above every layer; nothing may import them)
SHIMS = {"tensor", "contraction", "mps", "_memory", "_deprecated_impl"}
#: imports allowed inside functions: optional dependencies only
OPTIONAL = {"netket", "jax", "jaxlib", "flax", "torch", "cupy", "dask", "distributed", "tqdm", "pandas"}


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _package(module: str) -> str:
    parts = module.split(".")
    return "__init__" if len(parts) == 1 else parts[1]


def _imports(module: str, path: Path) -> list[tuple[str, int, bool]]:
    """``(imported module, line, inside a function)`` for every tnrbm import of ``module``."""
    tree = ast.parse(path.read_text())
    is_pkg = path.name == "__init__.py"
    base = module.split(".") if is_pkg else module.split(".")[:-1]
    found = []
    funcs = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    inner = {id(n) for f in funcs for n in ast.walk(f) if isinstance(n, (ast.Import, ast.ImportFrom))}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                prefix = ".".join(base[: len(base) - node.level + 1])
                target = f"{prefix}.{node.module}" if node.module else prefix
                subs = [f"{target}.{a.name}" for a in node.names if f"{target}.{a.name}" in MODULES]
                names = subs if node.module is None else [target, *subs]
            else:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        else:
            continue
        for name in names:
            found.append((name, node.lineno, id(node) in inner))
    return found


def _tnrbm_edges() -> list[tuple[str, str, int]]:
    edges = []
    for module, path in MODULES.items():
        for name, line, _ in _imports(module, path):
            if name.split(".")[0] == "tnrbm" and name in MODULES:
                edges.append((module, name, line))
    return edges


def test_every_package_has_a_layer():
    packages = {_package(m) for m in MODULES} - SHIMS
    assert packages <= set(RANK), f"packages without a layer in LAYERS: {sorted(packages - set(RANK))}"


def test_no_upward_imports_and_no_shim_imports():
    bad = []
    for src, dst, line in _tnrbm_edges():
        ps, pd = _package(src), _package(dst)
        if ps in SHIMS or ps == pd:
            continue
        if pd in SHIMS:
            bad.append(f"{src}:{line} imports the deprecated module {dst}")
        elif RANK[pd] > RANK[ps]:
            bad.append(f"{src}:{line} imports {dst} from a higher layer ({pd} above {ps})")
    assert not bad, "\n".join(bad)


def test_no_import_cycles_between_modules():
    g = nx.DiGraph()
    for src, dst, _ in _tnrbm_edges():
        if src != dst and not dst.startswith(src + "."):  # a package importing its own submodules
            g.add_edge(src, dst)
    cycles = [c for c in nx.simple_cycles(g) if not all(_package(m) == "__init__" for m in c)]
    assert not cycles, f"import cycles: {cycles[:5]}"


def test_no_imports_inside_functions_except_optional_dependencies():
    bad = []
    for module, path in MODULES.items():
        if _package(module) in SHIMS:
            continue
        for name, line, inside in _imports(module, path):
            if inside and name.split(".")[0] not in OPTIONAL:
                bad.append(f"{module}:{line} imports {name} inside a function")
    assert not bad, "\n".join(bad)


def _long_functions(limit: int = 60) -> list[str]:
    out = []
    for module, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            doc = ast.get_docstring(node) or ""
            body = node.body[1:] if doc else node.body
            if not body:
                continue
            lines = body[-1].end_lineno - body[0].lineno + 1
            if lines > limit and "Long because" not in doc:
                out.append(f"{module}.{node.name}: {lines} lines")
    return out


def test_no_function_over_60_lines_without_a_reason():
    long = _long_functions()
    assert not long, "functions over 60 lines (without 'Long because' in their docstring):\n" + "\n".join(long)


# --------------------------------------------------------------------------- one-place extensions
def test_a_toy_entanglement_method_is_one_registration():
    """A new method registers once and is then reachable by name (and by ``auto`` when asked)."""
    from tnrbm.entropy import METHODS, Plan, entanglement, method_names, register_method
    from tnrbm.entropy.methods import AUTO_METHODS

    calls = []

    def toy(problem):  # the exact spectrum of a product state, by hand: one Schmidt value
        calls.append(problem.region)
        return Plan("toy", flops=0.0, memory=0.0, run=lambda: (np.array([1.0]), {"toy": True}))

    register_method("toy", toy, auto=True)
    try:
        net = tnrbm.RBM(np.zeros((14, 1)))  # psi = const: a product state, S = 0 by hand
        res = entanglement(net, [0, 1], method="toy")
        assert res.method == "toy" and res.entropy == 0.0 and res.extra["toy"] and "toy" in method_names()
        assert entanglement(net, [0, 1]).method == "toy"  # auto takes the cheapest: zero flops
    finally:
        del METHODS["toy"]
        AUTO_METHODS.remove("toy")
    assert calls == [(0, 1), (0, 1)]
    assert "toy" not in method_names()


def test_a_toy_min_cut_solver_is_one_registration():
    """A max-flow solver registers once (or is passed as a callable) and gives the same cut."""
    from tnrbm.bulk import FLOWS, min_cut, register_flow

    used = []

    def solver(cap, source, sink):
        used.append(cap.shape)
        return FLOWS["networkx_edmonds_karp"](cap, source, sink)

    chain = tnrbm.models.local_chain(12, radius=1, seed=0)
    register_flow("toy", solver)
    try:
        assert min_cut(chain, range(6), flow="toy").surface == min_cut(chain, range(6)).surface
    finally:
        del FLOWS["toy"]
    assert min_cut(chain, range(3), flow=solver).size == min_cut(chain, range(3)).size == 3  # min(4 r, |A|)
    assert len(used) == 2
    with pytest.raises(tnrbm.errors.InvalidParameterError, match="flow must be one of"):
        min_cut(chain, range(3), flow="toy")


def test_a_toy_tensor_form_and_path_finder_are_one_registration():
    from tnrbm.contract import PATH_FINDERS, plan_contraction, register_path_finder
    from tnrbm.tn import FORMS, register_form, to_tensor_network

    rbm = tnrbm.models.random_rbm(3, 2, seed=0)
    register_form("toy", lambda net: to_tensor_network(net, "bond"))
    try:
        psi = to_tensor_network(rbm, "toy").contract(output_inds=tnrbm.physical_inds(rbm)).data.reshape(-1)
    finally:
        del FORMS["toy"]
    assert np.allclose(psi / np.linalg.norm(psi), rbm.to_dense())
    seen = []
    register_path_finder("toy", lambda inputs, output, sizes, keys: seen.append(len(inputs)))
    try:
        plan_contraction([("a", "b"), ("b", "c")], ("a", "c"), {"a": 2, "b": 2, "c": 2}, cache=None)
    finally:
        del PATH_FINDERS["toy"]
    assert seen  # consulted (it found no tree, the others did)


def test_import_tnrbm_loads_no_heavy_library():
    """``import tnrbm`` is lazy: no numpy, scipy, quimb, cotengra, networkx or matplotlib until used."""
    import subprocess
    import sys

    code = "import sys, tnrbm; print(sorted(m for m in ('numpy','scipy','quimb','cotengra','networkx','matplotlib') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == "[]"


#: the package doors that convert NetKet objects (tnrbm.interop.netket_door) on their public names
NETKET_DOORS = {"tnrbm.bulk", "tnrbm.entropy", "tnrbm.ed"}


def _interop_importers() -> set[str]:
    return {
        module
        for module, path in MODULES.items()
        if _package(module) not in SHIMS and module != "tnrbm.interop"
        for name, _, _ in _imports(module, path)
        if name == "tnrbm.interop" or name.startswith("tnrbm.interop.")
    }


def test_netket_enters_only_through_the_package_doors():
    """Only the package doors import tnrbm.interop: the modules behind them never see a NetKet object."""
    importers = _interop_importers()
    assert importers <= NETKET_DOORS, (
        f"modules importing tnrbm.interop behind the doors: {sorted(importers - NETKET_DOORS)}"
    )
    assert importers == NETKET_DOORS  # each door is still in use (the set is not stale)


def test_the_door_check_sees_a_planted_interop_import(tmp_path, monkeypatch):
    """The check above would fail on a core module that imports interop (relative or absolute)."""
    for text in (
        "from ..interop import as_network\n",
        "import tnrbm.interop\n",
        "from tnrbm.interop import is_netket_object\n",
    ):
        planted = tmp_path / "planted.py"
        planted.write_text(text)
        monkeypatch.setitem(MODULES, "tnrbm.entropy.planted", planted)
        assert "tnrbm.entropy.planted" in _interop_importers()


def test_the_public_names_of_the_doors_accept_netket_and_the_modules_behind_do_not_convert():
    """Every door wraps its public name (functools.wraps keeps the signature and the docstring), and
    the function behind it is the module's own."""
    from tnrbm import bulk, ed, entropy
    from tnrbm.bulk import cut
    from tnrbm.ed import solve
    from tnrbm.entropy import compute

    for door, inner in (
        (bulk.min_cut, cut.min_cut),
        (entropy.entanglement, compute.entanglement),
        (ed.ground_state, solve.ground_state),
    ):
        assert door is not inner and inspect.unwrap(door) is inspect.unwrap(inner) and door.__doc__ == inner.__doc__
    assert tnrbm.entanglement is entropy.entanglement and tnrbm.min_cut is bulk.min_cut


def test_every_public_function_of_the_doors_that_takes_a_state_or_an_operator_is_behind_the_door():
    """A new public function of bulk, entropy or ed whose parameter is named state/network/hamiltonian/
    operator (the vocabulary the door reads) must be listed in its package's open_doors call."""
    from tnrbm import bulk, ed, entropy
    from tnrbm.interop import DOOR_PARAMETERS

    missing = []
    for pkg in (bulk, entropy, ed):
        for name in pkg.__all__:
            obj = getattr(pkg, name)
            takes = set(inspect.signature(obj).parameters) & set(DOOR_PARAMETERS) if inspect.isfunction(obj) else set()
            if takes and sorted(getattr(obj, "netket_door", {})) != sorted(takes):
                missing.append(f"{pkg.__name__}.{name} ({sorted(takes)})")
    assert not missing, f"public functions outside the NetKet door: {missing}"
