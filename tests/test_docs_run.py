"""Every Python and shell block of README.md and docs/**/*.md runs as written (issue 19, item 7).

The Python blocks of a page run in order in one namespace, in a fresh interpreter, in an empty folder;
each shell block runs by bash (``set -euo pipefail``) with ``tnrbm`` and ``python`` as the interpreter and
checkout under test. A block that raises (a non-zero exit) fails the test, and so does a deprecated tnrbm
name in a Python block. Printed output is not compared with the comments (they are rounded prose); the
pages' numbers are checked by the tests of each subject. Blocks that need a GPU, a remote scheduler,
an install from the network or minutes carry a mark (tests/doc_blocks.py) and are skipped, or run only
with ``-m slow``, with the mark's reason.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import doc_blocks as db
import pytest

#: seconds one page or block may take before the test fails (default and slow runs; generous: a hang, not
#: a slow machine, is what they catch -- the default pages took 10-90 s each at load 6-8 on 2 cores)
TIMEOUT = {"": 600, "slow": 1800}


def _missing(module: str) -> bool:
    return bool(module) and importlib.util.find_spec(module) is None


def _python_cases() -> list:
    cases = []
    for path in db.pages():
        page_blocks = [b for b in db.blocks(path) if b.lang in db.PYTHON_LANGS]
        runnable = [b for b in page_blocks if b.kind != "skip" and not _missing(b.requires)]
        if not runnable:
            continue
        page = runnable[0].page
        first_slow = next((i for i, b in enumerate(runnable) if b.kind == "slow"), None)
        if first_slow is None:
            cases.append(pytest.param(runnable, id=page))
            continue
        if first_slow:  # the blocks before the first slow one also run by default
            cases.append(pytest.param(runnable[:first_slow], id=f"{page}:before-{runnable[first_slow].line}"))
        reason = runnable[first_slow].reason
        cases.append(pytest.param(runnable, id=page, marks=[pytest.mark.slow(reason=reason), pytest.mark.docs_slow]))
    return cases


def _shell_cases() -> list:
    cases = []
    for path in db.pages():
        for b in db.blocks(path):
            if b.lang not in db.SHELL_LANGS:
                continue
            marks = []
            if b.kind == "skip":
                marks.append(pytest.mark.skip(reason=b.reason))
            elif b.kind == "slow":
                marks += [pytest.mark.slow(reason=b.reason), pytest.mark.docs_slow]
            elif _missing(b.requires):
                marks.append(pytest.mark.skip(reason=f"needs {b.requires}: {b.reason}"))
            cases.append(pytest.param(b, id=b.where, marks=marks))
    return cases


def _run(args: list[str], folder: Path, timeout: float) -> subprocess.CompletedProcess:
    folder.mkdir(exist_ok=True)
    bin_dir = db.make_bin(folder)
    return subprocess.run(
        args, cwd=folder, env=db.environment(bin_dir), capture_output=True, text=True, timeout=timeout
    )


def _failure(res: subprocess.CompletedProcess) -> str:
    return f"exit {res.returncode}\n--- stdout (tail)\n{res.stdout[-3000:]}\n--- stderr (tail)\n{res.stderr[-6000:]}"


@pytest.mark.parametrize("blocks", _python_cases())
def test_python_blocks_of_a_page_run(blocks: list[db.Block], tmp_path: Path) -> None:
    script = tmp_path / "_doc_page.py"
    script.write_text(db.python_script(blocks))
    timeout = TIMEOUT["slow" if any(b.kind == "slow" for b in blocks) else ""]
    res = _run([sys.executable, str(script)], tmp_path, timeout)
    assert res.returncode == 0, _failure(res)
    ran = re.findall(r"^--- (.+:\d+)$", res.stdout, flags=re.M)
    assert ran == [f"{db.ROOT / b.page}:{b.line}" for b in blocks]  # every block ran, in order


@pytest.mark.parametrize("block", _shell_cases())
def test_shell_block_runs(block: db.Block, tmp_path: Path) -> None:
    res = _run(["bash", "-c", db.shell_script(block)], tmp_path, TIMEOUT[block.kind if block.kind == "slow" else ""])
    assert res.returncode == 0, _failure(res)


# --------------------------------------------------------------------------- the harness itself
def test_every_fence_is_found_and_commands_are_tagged() -> None:
    """A count of the fences by a plain line scan, against the parser; an untagged block of commands
    would never run, so a block without a language must not start with ``tnrbm`` or ``python``."""
    for path in db.pages():
        fences = [line for line in path.read_text().splitlines() if line.startswith("```")]
        found = db.blocks(path)
        assert len(fences) == 2 * len(found), path
        for b in found:
            if b.lang in ("", "text"):
                first = b.code.lstrip().split(maxsplit=1)[:1]
                assert first not in (["tnrbm"], ["python"], ["$"]), f"{b.where}: tag the commands bash (or mark them)"


def test_every_mark_sits_before_a_block_and_gives_a_reason() -> None:
    for path in db.pages():
        lines = path.read_text().splitlines()
        for i, line in enumerate(lines):
            if "docs-test:" in line:
                after = next((x for x in lines[i + 1 :] if not x.lstrip().startswith("<!--")), "")
                assert after.startswith("```"), f"{path}:{i + 1}: a mark not before a block"
        assert all(b.reason for b in db.blocks(path) if b.kind), path


def test_a_block_that_raises_fails_and_a_deprecated_name_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "probe.md"
    path.write_text("# probe\n\n```python\nx = 1\n```\n\n```python\nassert x == 2, 'x'\n```\n")
    found = db.blocks(path)
    assert [b.line for b in found] == [4, 8]
    script = tmp_path / "probe.py"
    script.write_text(db.python_script(found))
    res = _run([sys.executable, str(script)], tmp_path / "a", 60)
    assert res.returncode != 0 and 'probe.md", line 8' in res.stderr  # the page's own line in the traceback
    script.write_text(
        db.python_script([db.Block(str(path), "python", 1, "from tnrbm import mps\nmps.entanglement_profile\n")])
    )
    res = _run([sys.executable, str(script)], tmp_path / "b", 60)
    assert res.returncode != 0 and "DeprecationWarning" in res.stderr
    shell = db.Block(str(path), "console", 1, "$ tnrbm --version\nnot a command\n$ false\n$ echo never\n")
    res = _run(["bash", "-c", db.shell_script(shell)], tmp_path / "c", 60)
    assert res.returncode != 0 and "tnrbm" in res.stdout and "never" not in res.stdout  # $ lines only, set -e


def test_a_mark_without_a_reason_or_of_an_unknown_kind_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "probe.md"
    for mark in ("<!-- docs-test: skip -->", '<!-- docs-test: later reason="x" -->'):
        path.write_text(f"{mark}\n```python\npass\n```\n")
        with pytest.raises(ValueError, match="docs-test mark"):
            db.blocks(path)
