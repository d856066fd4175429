"""Per-family scores with bootstrap confidence intervals, and run time, from episode records.

Reads the JSONL records that ``worldtest run`` appends (``results/episodes.jsonl``; files or
folders) and prints, per agent: the mean score of each family (CD, MFP, planning) and overall,
each with a 95% percentile-bootstrap interval, and the wall-clock time of its episodes. The unit
of resampling is one (environment, seed) pair with its three task scores, so the interval covers
the variation over environments and seeds (protocol section 4); overall is the mean over units of
the mean of their family scores. The paper's reference rows (Warrier et al. 2025, measured on
the paper's own environments) are printed below, never ranked with ours.

Typical use (the run that produced the table in the explorer's documentation)::

    for s in 1 2 3; do worldtest run --agent explorer --agent simulator --agent random \\
        --seed $s --results results/explorer --no-progress; done
    python examples/score_table.py results/explorer
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

import numpy as np

FAMILIES = ("cd", "mfp", "planning")
REFERENCE = {  # CD, MFP, planning, overall (protocol section 4)
    "simulator (paper)": (0.349, 0.814, 0.186, 0.450),
    "o3 (paper)": (0.222, 0.279, 0.326, 0.275),
    "humans (paper)": (0.914, 0.938, 0.953, 0.935),
}


def load(paths: list[str]) -> list[dict]:
    """Every episode record (dict) under ``paths``; the last record of a repeated key wins."""
    files = []
    for p in map(Path, paths):
        files += sorted(p.rglob("*.jsonl")) if p.is_dir() else [p]
    latest = {}
    for f in files:
        for line in f.read_text(encoding="utf-8").splitlines():
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:
                continue  # a truncated last line
            latest[rec.get("key", id(rec))] = rec
    return list(latest.values())


def bootstrap(units: np.ndarray, rng: np.random.Generator, n: int = 2000) -> tuple[float, float]:
    """95% percentile interval of the mean of ``units`` (1-D), resampled ``n`` times."""
    if len(units) < 2:
        return float(units.mean()), float(units.mean())
    means = units[rng.integers(len(units), size=(n, len(units)))].mean(axis=1)
    return float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))


def table(records: list[dict], seed: int = 0) -> list[str]:
    """The Markdown rows: agent | CD | MFP | planning | overall | units | time."""
    rng = np.random.default_rng(seed)
    by_agent: dict[str, dict[tuple, dict[str, float]]] = defaultdict(lambda: defaultdict(dict))
    seconds: dict[str, list[float]] = defaultdict(list)
    for r in records:
        if r.get("status", "ok") != "ok" and r.get("score") is None:
            continue
        by_agent[r["agent"]][(r["env"], r["seed"])][r["family"]] = float(r["score"])
        seconds[r["agent"]].append(float(r.get("duration_s", 0.0)))
    rows = ["| agent | CD | MFP | planning | overall | env x seed | time (s): total, per episode |",
            "|---|---|---|---|---|---|---|"]
    for agent in sorted(by_agent, key=lambda a: -_overall(by_agent[a])):
        units = [u for u in by_agent[agent].values() if all(f in u for f in FAMILIES)]
        cells = []
        for f in FAMILIES:
            v = np.array([u[f] for u in units])
            lo, hi = bootstrap(v, rng)
            cells.append(f"{v.mean():.3f} [{lo:.2f}, {hi:.2f}]")
        v = np.array([np.mean([u[f] for f in FAMILIES]) for u in units])
        lo, hi = bootstrap(v, rng)
        cells.append(f"**{v.mean():.3f}** [{lo:.2f}, {hi:.2f}]")
        t = seconds[agent]
        rows.append(f"| {agent} | " + " | ".join(cells)
                    + f" | {len(units)} | {sum(t):.0f}, {np.mean(t):.2f} |")
    for name, (cd, mfp, plan, overall) in REFERENCE.items():
        rows.append(f"| *{name}* | {cd:.3f} | {mfp:.3f} | {plan:.3f} | {overall:.3f} | 43 envs | |")
    return rows


def _overall(units: dict) -> float:
    full = [u for u in units.values() if all(f in u for f in FAMILIES)]
    return float(np.mean([np.mean([u[f] for f in FAMILIES]) for u in full])) if full else 0.0


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", default=["results"], help="JSONL files or folders")
    parser.add_argument("--bootstrap-seed", type=int, default=0)
    args = parser.parse_args(argv)
    print("\n".join(table(load(args.paths), args.bootstrap_seed)))


if __name__ == "__main__":
    main()
