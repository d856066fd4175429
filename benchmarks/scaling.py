"""Scaling: episodes per second with 1, 2 (and N) worker processes and Ray local; serial vs
parallel ``tasks validate``; model-agent throughput at concurrency 1, 8 and 32.

Run by hand: ``python benchmarks/scaling.py [--envs a,b,c] [--budget B] [--workers 1,2]
[--ray] [--validate-envs a,b] [--llm] [--latency S]``.

1. **episodes**: ``worldtest.runner.run`` of the agents random and oracle on ``--envs`` (every
   family), into a fresh results folder, once per worker count (``--workers``, default 1, 2
   and the machine's cores when more) and, with ``--ray``, on a local Ray instance (its start
   and stop included). Printed: wall time, episodes per second, the speed-up over 1 worker,
   the episodes in flight on average (sum of episode durations / wall time), the longest
   episode's share of the wall time (a bound on any speed-up), and whether the records equal
   the 1-worker run's apart from wall-clock fields (they must). A **control** first: the same
   CPU-bound job in 1 and in ``max(--workers)`` processes, i.e. what the machine's other load
   leaves for parallel work at that moment.
2. **validate**: ``worldtest.authoring.validate.validate`` of ``--validate-envs`` with 1 and 2
   workers; the speed-up, and whether the printed lines are the same (they must).
3. **model agents** (``--llm``): ``benchmarks/llm_throughput.py``'s fake server (latency
   ``--latency``) and presets (``--presets`` at concurrency 32, proportionally fewer below);
   for concurrency 1, 8 and 32, wall time of ``run`` against the ideal
   ``calls x latency / concurrency``, as a fraction, and the CPU per call.

Worker processes import worldtest when they start: by default the compiled modules are cached
(as in an installed package) even where ``PYTHONDONTWRITEBYTECODE`` is set; ``--no-pyc`` keeps
that setting. The machines these run on are shared and noisy: compare the ratios of one run,
not times across runs; the printed wall times include every process start.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from worldtest.runner import RunConfig, run  # noqa: E402

WALL = ("started_at", "duration_s")


def comparable(path: Path) -> list[dict]:
    out = []
    for line in path.read_text().splitlines():
        record = json.loads(line)
        for name in WALL:
            record.pop(name)
        for phase in ("interaction", "test"):
            for action in record[phase]:
                action.pop("t_wall", None)
        out.append(record)
    return out


def spin(n: int) -> float:
    """Pure-Python arithmetic: ``n`` steps; returns the CPU seconds it took."""
    t0, x = time.process_time(), 0
    for i in range(n):
        x += i * i
    return time.process_time() - t0


def control(workers: int, steps: int = 10_000_000) -> None:
    """What the machine gives ``workers`` processes now: a fixed CPU-bound job per process,
    run one after another in this process, then at once in a process pool."""
    from worldtest.parallel import process_pool

    t0 = time.perf_counter()
    for _ in range(workers):
        spin(steps)
    serial = time.perf_counter() - t0
    with process_pool(workers) as pool:
        list(pool.map(spin, [1000] * workers))  # started
        t0 = time.perf_counter()
        list(pool.map(spin, [steps] * workers))
        parallel = time.perf_counter() - t0
    print(f"-- control: {workers} CPU-bound jobs, one after another {serial:.2f} s, at once "
          f"in {workers} processes {parallel:.2f} s: x{serial / parallel:.2f} of the ideal "
          f"x{workers} (what this machine's load leaves for parallel work now)")


def episodes(args: argparse.Namespace, tmp: Path) -> None:
    envs = None if args.envs == "all" else args.envs.split(",")
    counts = [int(n) for n in args.workers.split(",")]
    runs: list[tuple[str, dict]] = [(f"{n} worker(s)", {"workers": n}) for n in counts]
    if args.ray:
        runs.append(("ray local", {"ray": "local", "workers": max(counts)}))
    common = dict(agents=["random", "oracle"], envs=envs, budget=args.budget)
    shown = "every environment (the default run)" if envs is None else (
        f"{len(envs)} environments ({', '.join(envs)})")
    base_wall = None
    base_records = None
    print(f"-- episodes: random + oracle on {shown}, budget {args.budget}, "
          f"{os.cpu_count()} cores")  # fmt: skip
    for name, extra in runs:
        folder = tmp / name.replace(" ", "-")
        t0 = time.perf_counter()
        records = run(RunConfig(results_dir=folder, **common, **extra), show_progress=False)
        wall = time.perf_counter() - t0
        busy = sum(r.duration_s for r in records) / wall
        longest = max(r.duration_s for r in records) / wall
        same = comparable(folder / "episodes.jsonl")
        if base_wall is None:
            base_wall, base_records = wall, same
        mean = sum(r.score for r in records) / len(records)
        print(f"  {name:14s} {len(records):4d} episodes {wall:7.2f} s  "
              f"{len(records) / wall:6.2f} episodes/s  x{base_wall / wall:.2f} vs first  "
              f"episodes in flight on average {busy:.2f}, longest episode {longest:.0%} of the "
              f"wall time  mean score {mean:.4f}  "
              f"records equal to the first: {same == base_records}")


def validation(args: argparse.Namespace) -> None:
    from worldtest.authoring.validate import validate

    envs = args.validate_envs.split(",")
    print(f"-- tasks validate on {len(envs)} environments ({', '.join(envs)})")
    lines: dict[int, list[str]] = {}
    walls: dict[int, float] = {}
    for n in (1, 2):
        lines[n] = []
        t0 = time.perf_counter()
        validate(ROOT, envs, echo=lines[n].append, workers=n)
        walls[n] = time.perf_counter() - t0
        print(f"  {n} worker(s) {walls[n]:7.2f} s")
    print(f"  speed-up x{walls[1] / walls[2]:.2f}; printed lines equal: {lines[1] == lines[2]}")


def model_agents(args: argparse.Namespace, tmp: Path) -> None:
    from llm_throughput import harness, start_server, write_presets

    proc, url = start_server(args.latency)
    print(f"-- model agents: fake server, latency {args.latency:g} s, "
          f"up to {args.presets} presets x the tasks of {args.llm_envs}, budget 10, "
          "horizon 10")  # fmt: skip
    try:
        for conc in (1, 8, 32):
            # Fewer presets (so fewer calls) at low concurrency: the same ideal time order.
            n = max(1, args.presets * conc // 32)
            presets = write_presets(tmp / f"agents-{conc}", url, n, conc)
            config = RunConfig(agents=presets, envs=args.llm_envs.split(","),
                               results_dir=tmp / f"llm-{conc}", budget=10, horizon=10,
                               ticks_per_action=1, cache_dir=tmp / f"cache-{conc}")  # fmt: skip
            wall, cpu, calls, _ = harness(config)
            ideal = calls * args.latency / conc
            print(f"  concurrency {conc:3d}: {calls} calls {wall:7.2f} s, ideal {ideal:6.2f} s "
                  f"-> {ideal / wall:.3f} of ideal; {cpu * 1000 / calls:.2f} ms CPU per call")
    finally:
        proc.terminate()
        proc.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--envs", default="gravity,lamp,ice,nim,counters,lightbar,sand,paint",
                        help="comma-separated, 'all' (the default run), or '' (skip)")
    parser.add_argument("--budget", type=int, default=200)
    cores = os.cpu_count() or 1
    parser.add_argument("--workers", default="1,2" + (f",{cores}" if cores > 2 else ""))
    parser.add_argument("--ray", action="store_true", help="also Ray local")
    parser.add_argument("--validate-envs", default="", help="e.g. gravity,lamp,ice,nim")
    parser.add_argument("--llm", action="store_true", help="model-agent throughput")
    parser.add_argument("--latency", type=float, default=0.25)
    parser.add_argument("--presets", type=int, default=8)
    parser.add_argument("--llm-envs", default="ice,lamp,gravity")
    parser.add_argument("--no-pyc", action="store_true",
                        help="keep PYTHONDONTWRITEBYTECODE: every process compiles worldtest "
                        "from source (default: compiled modules cached, as once installed)")
    args = parser.parse_args()
    if not args.no_pyc and os.environ.pop("PYTHONDONTWRITEBYTECODE", None):
        os.environ["PYTHONPYCACHEPREFIX"] = tempfile.mkdtemp(prefix="worldtest-pyc-")
        sys.pycache_prefix = os.environ["PYTHONPYCACHEPREFIX"]
        sys.dont_write_bytecode = False
    with tempfile.TemporaryDirectory() as tmp:
        control(max(int(n) for n in args.workers.split(",")))
        if args.envs:
            episodes(args, Path(tmp))
        if args.validate_envs:
            validation(args)
        if args.llm:
            model_agents(args, Path(tmp))


if __name__ == "__main__":
    main()
