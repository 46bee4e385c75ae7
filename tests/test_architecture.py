"""The layout is part of the design: strictly layered imports, no cycles, short functions, registries.

The layers, bottom to top (docs/architecture.md). A module may import its own package and the layers
below it, never a layer above; the deprecated flat modules (``tnrbm.tensor``, ``tnrbm.contraction``,
``tnrbm.mps``, ``tnrbm._memory``) forward old names and nothing in the library may import them.

Three kinds of import count, and :func:`layer_violations` resolves all three (``test_the_layering_check_
sees_every_kind_of_import`` plants each and watches it fail): plain imports; names read through a lazy
table (``from .. import entanglement`` imports the top-level package ``tnrbm``, the top row, and the owner
``tnrbm.entropy``: inside the library import from the owner); and string forwards, the module paths
given to ``_deprecated.forward``, ``_lazy.lazy_module`` and ``importlib.import_module`` or held in a
module-level table (``"tnrbm.ed.levels:ed_levels"``). A forward to no module fails too.
"""

from __future__ import annotations

import ast
import inspect
import re
from collections.abc import Collection, Mapping
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
#: module -> (source text, is a package): what the layering checker reads
SOURCES = {name: (path.read_text(), path.name == "__init__.py") for name, path in MODULES.items()}


def _package(module: str) -> str:
    parts = module.split(".")
    return "__init__" if len(parts) == 1 else parts[1]


# --------------------------------------------------------------------------- what a module imports
#: calls whose string arguments name a module that is imported later: the deprecation forwards, the lazy
#: modules and importlib (``forward(__name__, {"run_ed": "tnrbm.ed.levels:ed_levels"})``,
#: ``lazy_module("tnrbm.plot")``)
FORWARDERS = {"forward", "forward_attribute", "lazy_module", "import_module"}
_TARGET = re.compile(r"tnrbm(\.[\w{}]+)*(:[\w{}]+)?")


def _constants(tree: ast.Module) -> dict[str, str]:
    """Module-level ``NAME = "text"`` (so that ``f"{_PKG}.demo:demo"`` folds to a module path)."""
    out = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            out.update({t.id: node.value.value for t in node.targets if isinstance(t, ast.Name)})
    return out


def _text(node: ast.AST, consts: dict[str, str]) -> str | None:
    """The string ``node`` spells: a constant, a constant name, or an f-string (unknown parts as ``{}``)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return consts.get(node.id)
    if isinstance(node, ast.JoinedStr):
        parts = []
        for v in node.values:
            inner = v.value if isinstance(v, ast.FormattedValue) else v
            parts.append(_text(inner, consts) or "{}")
        return "".join(parts)
    return None


def _target(text: str, modules: Collection[str]) -> str | None:
    """The tnrbm module a forward ``"tnrbm.a.b"`` / ``"tnrbm.a.b:name"`` names, ``"?"`` when none; None if
    ``text`` is no module path at all."""
    if not _TARGET.fullmatch(text):
        return None
    parts = text.partition(":")[0].split(".")
    known = parts[: next((k for k, p in enumerate(parts) if "{" in p), len(parts))]
    return ".".join(known) if ".".join(known) in modules else "?"


def _string_forwards(tree: ast.Module, consts: dict[str, str], modules: Collection[str]) -> tuple[list, dict]:
    """``([(target module, line)], {forwarded name: target module})`` of the string forwards of a module:
    the string arguments of :data:`FORWARDERS` calls and the strings of module-level dicts (lazy tables)."""
    roots: list[ast.AST] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name in FORWARDERS:
                roots += [*node.args, *(k.value for k in node.keywords)]
    for stmt in tree.body:
        value = stmt.value if isinstance(stmt, (ast.Assign, ast.AnnAssign)) else None
        if isinstance(value, (ast.Dict, ast.DictComp)):
            roots.append(value)
    found, table = [], {}
    for root in roots:
        fragments = {id(c) for n in ast.walk(root) if isinstance(n, ast.JoinedStr) for c in ast.walk(n) if c is not n}
        for node in ast.walk(root):
            text = None if id(node) in fragments else _text(node, consts)
            target = None if text is None else _target(text, modules)
            if target is not None:
                found.append((target, node.lineno))
            if isinstance(node, ast.Dict):
                for key, value in zip(node.keys, node.values):
                    text = None if value is None else _text(value, consts)
                    target = None if text is None else _target(text, modules)
                    if isinstance(key, ast.Constant) and isinstance(key.value, str) and target not in (None, "?"):
                        table[key.value] = target
    return found, table


def _lazy_tables(sources: Mapping[str, tuple[str, bool]]) -> dict[str, dict[str, str]]:
    """module -> {name: the module that owns it} for every lazy or forwarding table (``tnrbm._NAMES``)."""
    out = {}
    for module, (text, _) in sources.items():
        tree = ast.parse(text)
        out[module] = _string_forwards(tree, _constants(tree), sources)[1]
    return out


def _imports(
    module: str,
    text: str,
    is_pkg: bool,
    modules: Collection[str] = MODULES,
    lazy: Mapping[str, Mapping[str, str]] | None = None,
) -> list[tuple[str, int, bool, str]]:
    """``(imported module, line, inside a function, how)`` for every tnrbm import of ``module``.

    ``how`` is ``"import"``; ``"lazy attribute"`` for a name read through a package's lazy table
    (``from .. import entanglement`` imports ``tnrbm`` and the owner ``tnrbm.entropy``); ``"string
    forward"`` for a module named in a forward or lazy table (``"tnrbm.ed.levels:ed_levels"``; ``"?"``
    when it names no module).
    """
    lazy = {} if lazy is None else lazy
    tree = ast.parse(text)
    base = module.split(".") if is_pkg else module.split(".")[:-1]
    found = []
    funcs = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    inner = {id(n) for f in funcs for n in ast.walk(f) if isinstance(n, (ast.Import, ast.ImportFrom))}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [(a.name, "import") for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                prefix = ".".join(base[: len(base) - node.level + 1])
                target = f"{prefix}.{node.module}" if node.module else prefix
            else:
                target = node.module or ""
            subs = [f"{target}.{a.name}" for a in node.names]
            attrs = [a.name for a in node.names if f"{target}.{a.name}" not in modules]
            names = [(sub, "import") for sub in subs if sub in modules]
            if node.module is not None or attrs:  # the package itself, for the names it holds
                names.append((target, "import"))
            names += [(lazy[target][a], "lazy attribute") for a in attrs if a in lazy.get(target, {})]
        else:
            continue
        found += [(name, node.lineno, id(node) in inner, how) for name, how in names]
    forwards, _ = _string_forwards(tree, _constants(tree), modules)
    found += [(target, line, False, "string forward") for target, line in forwards]
    return found


def layer_violations(sources: Mapping[str, tuple[str, bool]]) -> list[str]:
    """Every upward import, import of a deprecated module and forward to no module, in ``sources``
    (module -> (text, is a package)): plain imports, names read through a lazy table, string forwards."""
    lazy = _lazy_tables(sources)
    bad = []
    for src, (text, is_pkg) in sources.items():
        ps = _package(src)
        if ps in SHIMS:
            continue
        for dst, line, _, how in _imports(src, text, is_pkg, sources, lazy):
            if dst == "?":
                bad.append(f"{src}:{line} has a {how} to no tnrbm module")
                continue
            if dst.split(".")[0] != "tnrbm" or dst not in sources or dst == src:
                continue
            pd = _package(dst)
            if ps == pd:
                continue
            if pd in SHIMS:
                bad.append(f"{src}:{line} imports the deprecated module {dst} ({how})")
            elif RANK[pd] > RANK[ps]:
                bad.append(f"{src}:{line} imports {dst} from a higher layer ({pd} above {ps}; {how})")
    return bad


def _tnrbm_edges() -> list[tuple[str, str, int]]:
    lazy = _lazy_tables(SOURCES)
    edges = []
    for module, (text, is_pkg) in SOURCES.items():
        for name, line, _, _ in _imports(module, text, is_pkg, MODULES, lazy):
            if name.split(".")[0] == "tnrbm" and name in MODULES and name != module:
                edges.append((module, name, line))
    return edges


def test_every_package_has_a_layer():
    packages = {_package(m) for m in MODULES} - SHIMS
    assert packages <= set(RANK), f"packages without a layer in LAYERS: {sorted(packages - set(RANK))}"


def test_no_upward_imports_and_no_shim_imports():
    """Plain imports, names read through a lazy table and string forwards all follow the layers."""
    bad = layer_violations(SOURCES)
    assert not bad, "\n".join(bad)


def test_the_layering_check_sees_every_kind_of_import():
    """A module planted in ``ed`` (row 7) that reaches up to ``cli`` (row 14) or ``entropy`` (row 10) fails
    the check, whichever way it imports: plainly, through the lazy top-level package or as a string."""
    plants = {
        "import": "from ..cli import formatting\n",
        "absolute import": "import tnrbm.cli.formatting\n",
        "lazy attribute": "from .. import entanglement\n",
        "lazy attribute of a package": "from ..entropy import entanglement\n",
        "string forward": 'from .._deprecated import forward\n__getattr__, _ = forward(__name__, {"x": "tnrbm.cli.reports:x"})\n',
        "lazy module": 'from .._lazy import lazy_module\nplot = lazy_module("tnrbm.plot")\n',
        "lazy table": '_NAMES = {"x": "tnrbm.rg"}\n',
    }
    expected = {"import": "cli", "absolute import": "cli", "lazy attribute": "__init__"}
    for kind, text in plants.items():
        bad = layer_violations({**SOURCES, "tnrbm.ed.planted": (text, False)})
        assert bad and all(b.startswith("tnrbm.ed.planted:") for b in bad), (kind, bad)
        assert "above ed" in bad[0] and expected.get(kind, "") in bad[0], (kind, bad)
    # the lazy attribute resolves to its owner too: planted in rg (row 11), entropy (row 10) is below it, and
    # only the import of the top-level package itself is upward
    bad = layer_violations({**SOURCES, "tnrbm.rg.planted": ("from .. import entanglement\n", False)})
    assert len(bad) == 1 and "tnrbm from a higher layer (__init__ above rg; import)" in bad[0], bad
    bad = layer_violations({**SOURCES, "tnrbm.ed.planted": ('forward(__name__, {"x": "tnrbm.nothing:x"})\n', False)})
    assert bad == ["tnrbm.ed.planted:1 has a string forward to no tnrbm module"]
    # and the same plants one row lower than their targets' owners pass: nothing is flagged for nothing
    fine = "from .. import entropy\nfrom ..entropy import entanglement\nlazy_module('tnrbm.plot')\n"
    assert layer_violations({**SOURCES, "tnrbm.cli.planted": (fine, False)}) == []


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
        for name, line, inside, _ in _imports(module, path.read_text(), path.name == "__init__.py"):
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


def test_command_modules_load_matplotlib_only_when_a_figure_is_drawn(tmp_path):
    """Importing every command module runs no matplotlib and no ``tnrbm.plot`` (cli/plots.py binds them with
    ``lazy_module``), and ``tnrbm entropy``'s module runs neither ``fit`` nor the ED report; drawing one
    figure then loads them for real."""
    import subprocess
    import sys

    code = (
        "import importlib, sys\n"
        "from tnrbm.cli.app import COMMANDS\n"
        "def loaded(names):\n"
        "    return sorted(m for m in names if m in sys.modules and type(sys.modules[m]).__name__ != '_LazyModule')\n"
        "importlib.import_module('tnrbm.cli.commands.entanglement')\n"
        "print(loaded(('tnrbm.fit', 'tnrbm.ed.levels', 'matplotlib', 'tnrbm.plot')))\n"
        "for target, _ in COMMANDS.values():\n"
        "    importlib.import_module(target.partition(':')[0])\n"
        "print(loaded(('matplotlib', 'matplotlib.figure', 'matplotlib.pyplot', 'tnrbm.plot')))\n"
        "from tnrbm.cli.plots import save_drawing\n"
        "save_drawing(sys.argv[1], lambda ax: ax.plot([0, 1]))\n"
        "print(loaded(('matplotlib', 'matplotlib.figure', 'tnrbm.plot')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "x.png")], capture_output=True, text=True, timeout=120, check=True
    )
    assert out.stdout.split("\n")[:3] == ["[]", "[]", "['matplotlib', 'matplotlib.figure', 'tnrbm.plot']"]


#: the package doors that convert NetKet objects (tnrbm.interop.netket_door) on their public names, and the
#: top-level package, whose lazy table names interop's own public functions (from_netket, to_netket)
NETKET_DOORS = {"tnrbm", "tnrbm.bulk", "tnrbm.entropy", "tnrbm.ed"}


def _interop_importers() -> set[str]:
    return {
        module
        for module, path in MODULES.items()
        if _package(module) not in SHIMS and module != "tnrbm.interop"
        for name, _, _, _ in _imports(module, path.read_text(), path.name == "__init__.py")
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
