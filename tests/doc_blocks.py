"""The code blocks of README.md and docs/**/*.md, and how to run them as a reader would.

A fenced block is run when its language is ``python`` (the blocks of a page share one namespace, in
order, in a fresh interpreter), or ``bash``/``sh``/``shell``/``console`` (each block on its own, by bash
with ``set -e``; in a ``console`` block only the lines after ``$ `` are commands, the rest is output).
Other blocks (``text``, ``toml``, a diagram without a language) are not code.

An HTML comment among the comment lines right above a block marks it (the reason is required, and
shown by pytest; other comments may sit between it and the block, as README.md's ``<!-- demo-command -->``,
which .ci/run reads from the line after it):

``<!-- docs-test: skip reason="needs a GPU" -->``
    never run (a GPU, a remote scheduler, an install from the network, the whole test suite);
``<!-- docs-test: slow reason="about 2 minutes" -->``
    run only with ``-m slow`` (the page's Python test becomes slow: its blocks share a namespace);
``<!-- docs-test: requires="torch" reason="an array backend the user installs" -->``
    skipped when the module cannot be imported.

Shell blocks find ``tnrbm`` and ``python`` (also as ``.venv/bin/tnrbm``, ``.venv/bin/python``) as the
interpreter under test and the checkout under test (``sys.executable -m tnrbm`` with the repository on
``PYTHONPATH``); ``examples/`` and ``benchmarks/`` are linked into the folder they run in.
"""

from __future__ import annotations

import os
import re
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON_LANGS = {"python", "py"}
SHELL_LANGS = {"bash", "sh", "shell", "console"}
_FENCE = re.compile(r"^(`{3,})\s*([\w+-]*)\s*$")
_MARK = re.compile(r"^\s*<!--\s*docs-test:\s*(.*?)\s*-->\s*$")
_COMMENT = re.compile(r"^\s*<!--.*-->\s*$")
_OPTION = re.compile(r'(\w+)(?:="([^"]*)")?')
KINDS = {"skip", "slow", "requires"}


@dataclass(frozen=True)
class Block:
    """One fenced code block: its page, language, first code line (1-based), code and mark."""

    page: str
    lang: str
    line: int
    code: str
    kind: str = ""  # "", "skip", "slow" or "requires"
    reason: str = ""
    requires: str = ""

    @property
    def where(self) -> str:
        return f"{self.page}:{self.line}"


def pages() -> list[Path]:
    """README.md and every page under docs/, sorted."""
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def _parse_mark(text: str, where: str) -> tuple[str, str, str]:
    options = {key: value for key, value in _OPTION.findall(text)}
    kinds = [k for k in options if k in KINDS]
    unknown = set(options) - KINDS - {"reason"}
    if len(kinds) != 1 or unknown or not options.get("reason"):
        raise ValueError(
            f'{where}: a docs-test mark is one of skip, slow, requires="module", with reason="..."; got {text!r}'
        )
    return kinds[0], options["reason"], options.get("requires", "")


def blocks(path: Path) -> list[Block]:
    """Every fenced block of one markdown page, with the docs-test mark on the line before it."""
    lines = path.read_text(encoding="utf-8").splitlines()
    page = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)
    out: list[Block] = []
    i = 0
    while i < len(lines):
        fence = _FENCE.match(lines[i])
        if not fence:
            i += 1
            continue
        ticks, lang = fence.group(1), fence.group(2).lower()
        end = next((j for j in range(i + 1, len(lines)) if lines[j].strip() == ticks), None)
        if end is None:
            raise ValueError(f"{page}:{i + 1}: a code block that is never closed")
        mark = None
        j = i - 1
        while j >= 0 and _COMMENT.match(lines[j]):  # the comment lines right above the fence
            if _MARK.match(lines[j]):
                if mark:
                    raise ValueError(f"{page}:{j + 1}: two docs-test marks on one block")
                mark = _MARK.match(lines[j])
            j -= 1
        kind, reason, requires = _parse_mark(mark.group(1), f"{page}:{j + 2}") if mark else ("", "", "")
        code = "\n".join(lines[i + 1 : end]) + "\n"
        out.append(Block(page, lang, i + 2, code, kind, reason, requires))
        i = end + 1
    return out


def python_script(page_blocks: list[Block]) -> str:
    """A script that runs the blocks in one namespace; a traceback names the page and its line."""
    parts = [
        "import sys, traceback",
        "ns = {'__name__': 'docs_block'}",
        "for path, line, code in BLOCKS:",
        "    print(f'--- {path}:{line}', flush=True)",
        "    try:",
        "        exec(compile('\\n' * (line - 1) + code, path, 'exec'), ns)",
        "    except BaseException:",
        "        traceback.print_exc()",
        "        sys.exit(f'the block at {path}:{line} raised')",
    ]
    blocks_literal = repr([(str(ROOT / b.page), b.line, b.code) for b in page_blocks])
    return f"BLOCKS = {blocks_literal}\n" + "\n".join(parts) + "\n"


def shell_script(block: Block) -> str:
    """The block as a bash script (``set -e``); a console block keeps only its ``$ `` lines."""
    code = block.code
    if block.lang == "console":
        commands = [line[2:] for line in code.splitlines() if line.startswith("$ ")]
        code = "\n".join(commands) + "\n"
    return "set -euo pipefail\n" + code


def make_bin(folder: Path) -> Path:
    """``tnrbm`` and ``python`` (and ``.venv/bin/...``) in ``folder``, as the interpreter under test."""
    bin_dir = folder / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    exe = shlex.quote(sys.executable)
    scripts = {"python": f'exec {exe} "$@"', "python3": f'exec {exe} "$@"', "tnrbm": f'exec {exe} -m tnrbm "$@"'}
    for name, body in scripts.items():
        script = bin_dir / name
        script.write_text(f"#!/bin/sh\n{body}\n")
        script.chmod(0o755)
    for name in ("examples", "benchmarks"):
        (folder / name).symlink_to(ROOT / name)
    return bin_dir


def environment(bin_dir: Path) -> dict[str, str]:
    """The environment of a doc block: the checkout first on the path, no display, no calibration."""
    env = dict(os.environ)
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])
    env["MPLBACKEND"] = "Agg"
    env.setdefault("TNRBM_NO_CALIBRATION", "1")
    # one BLAS thread unless asked: on a shared machine a threaded BLAS spins (ising_torus(16): 40 s of CPU
    # with 2 threads under load, 4.6 s with one; benchmarks/quoted_times.py)
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(name, "1")
    # a deprecated tnrbm name in a doc block is an error (the forwarders warn at the caller's line)
    env["PYTHONWARNINGS"] = "error::DeprecationWarning:docs_block"
    return env
