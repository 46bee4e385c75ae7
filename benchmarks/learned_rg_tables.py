"""Write the tables of docs/how-to/learned-rg.md from the benchmark JSONs (between <!-- NAME --> markers).

python benchmarks/learned_rg_tables.py            # print them
python benchmarks/learned_rg_tables.py --update   # rewrite the page's marked blocks
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
PAGE = ROOT / "docs" / "how-to" / "learned-rg.md"


def _load(name: str) -> dict | None:
    path = RESULTS / name
    return json.loads(path.read_text()) if path.exists() else None


def rsmi_table(report: dict) -> str:
    lines = [
        "| K | filter | weights w (c) | I(H:E), 32x32 | minus majority (paired) | exact, small torus |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for k, entry in report["couplings"].items():
        filt = {f["name"]: f for f in entry["filters"]}
        for row in entry["rows"]:
            f = filt[row["filter"]]
            w = f"{', '.join(f'{x:.2f}' for x in f['weights'])} ({f['bias']:.2f})" if "weights" in f else "-"
            size = row.get("exact_size", 5)
            lines.append(
                f"| {float(k):.4f} | {row['filter']} | {w} | {row['I']:.5f} ± {row['error']:.5f} | "
                f"{row.get('minus_majority', float('nan')):+.5f} ± {row.get('minus_majority_error', float('nan')):.5f} | "
                f"{row['exact_5x5']:.5f} ({size}x{size}) |"
            )
    return "\n".join(lines)


def summary(y: np.ndarray, err: np.ndarray) -> dict:
    """As ``bench_mcrg.summary``: the last two levels (one when there are two or fewer), full truncation."""
    last = slice(-2, None) if y.shape[0] > 2 else slice(-1, None)
    tail = y[1:, 1:] if y.shape[0] > 1 and y.shape[1] > 1 else y
    return {
        "estimate": float(np.mean(y[last, -1])),
        "error": float(np.sqrt(np.mean(err[last, -1] ** 2))),
        "spread": float(np.nanmax(tail) - np.nanmin(tail)),
    }


def mcrg_table(report: dict) -> str:
    n_levels = len(report["results"][0]["y_t"])
    head = " | ".join(f"level {i + 1}" for i in range(n_levels))
    lines = [f"| rule | {head} | estimate | spread |", "| --- " * (n_levels + 3) + "|"]
    for res in report["results"]:
        for key in ("y_t", "y_h"):
            y, e = np.array(res[key]), np.array(res[key + "_error"])
            sm = summary(y, e)
            cells = " | ".join(f"{y[i, -1]:.4f}({round(e[i, -1] * 1e4):d})" for i in range(y.shape[0]))
            lines.append(
                f"| {res['rule']} {key} | {cells} | {sm['estimate']:.4f} ± {sm['error']:.4f} | {sm['spread']:.4f} |"
            )
    return "\n".join(lines)


def speed_table(report: dict) -> str:
    sp = report["sweeps_per_second"]
    lines = ["| sampler | sweeps / s |", "| --- | --- |"]
    lines += [f"| {k} | {v:.1f} |" for k, v in sp.items() if k != "size"]
    return "\n".join(lines)


def flow_table(report: dict) -> str:
    grid = np.array(report["grid"])
    i = int(np.argmin(abs(grid - 0.45)))
    lines = ["| rule | K* | lambda = dK~/dK | y_t (one coupling) | K~ at K = 0.45 |", "| --- | --- | --- | --- | --- |"]
    for fl in report["flows"]:
        lines.append(
            f"| {fl['rule']} | {fl['fixed_point']:.4f} | {fl['eigenvalue']:.3f} | {fl['y_t']:.3f} | "
            f"{fl['coarse'][i]:.4f} ± {fl['error'][i]:.4f} |"
        )
    return "\n".join(lines)


def tables() -> dict:
    out = {}
    for name, fn, builder in (
        ("RSMI_TABLE", "rsmi.json", rsmi_table),
        ("RSMI_TABLE_B3", "rsmi_b3.json", rsmi_table),
        ("MCRG_TABLE", "mcrg_L128.json", mcrg_table),
        ("MCRG_TABLE_B3", "mcrg_L81_b3.json", mcrg_table),
        ("MCRG_TABLE_256", "mcrg_L256.json", mcrg_table),
        ("SPEED_TABLE", "mcrg_L128.json", speed_table),
        ("FLOW_TABLE", "flow.json", flow_table),
    ):
        report = _load(fn)
        if report is not None:
            out[name] = builder(report)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--update", action="store_true")
    args = ap.parse_args()
    found = tables()
    if not args.update:
        for name, text in found.items():
            print(f"<!-- {name} -->\n{text}\n")
        return
    page = PAGE.read_text()
    for name, text in found.items():
        page = re.sub(
            rf"<!-- {name} -->.*?<!-- /{name} -->", f"<!-- {name} -->\n{text}\n<!-- /{name} -->", page, flags=re.S
        )
    PAGE.write_text(page)


if __name__ == "__main__":
    main()
