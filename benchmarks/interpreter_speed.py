"""Interpreter speed: ticks per second for every environment over a fixed action mix.

Run by hand: ``python benchmarks/interpreter_speed.py [--ticks N] [--env NAME ...]``.

For each program in ``environments/`` it replays the same seeded action mix (40% noop, 30%
arrows, 30% clicks, of which half on a non-background cell of the current frame, half on a
uniform cell) and prints ticks per second, rendering included, as ``World.step`` always renders.

Two figures are printed per environment, because these machines are shared and noisy:
- ``ticks/s``: wall-clock rate of ``World.step``;
- ``x floor``: that rate divided by the rate of a same-run baseline, the near-empty program below
  (one state variable, no rules), which measures the fixed per-tick overhead of this machine in
  this run. The ratio is what to compare across runs and machines.
The reference C++ interpreter runs the public AutumnBench programs at 200 to 10,000 ticks/s on
this kind of machine (geometric mean about 1,700; figures given in the foundation issue); the
geometric mean over our environments is printed beside that figure.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from worldtest.autumn import compile_program, load_program  # noqa: E402

REFERENCE_GEOMEAN = 1700.0
FLOOR = '(program (: n Number) (= n (initnext 0 (+ (prev n) 1))))'


def action_mix(world, n: int, seed: int = 7):
    """The fixed action mix, generated against the world as it evolves."""
    rng = np.random.default_rng(seed)
    size = world.grid_size
    arrows = ["left", "right", "up", "down"]
    for _ in range(n):
        r = rng.random()
        if r < 0.4:
            yield None
        elif r < 0.7:
            yield arrows[int(rng.integers(4))]
        elif r < 0.85 and world.cells:
            x, y, _ = world.cells[int(rng.integers(len(world.cells)))]
            yield ("click", int(x) % size, int(y) % size)
        else:
            yield ("click", int(rng.integers(size)), int(rng.integers(size)))


def ticks_per_second(program, ticks: int, seed: int = 42) -> float:
    world = program.start(seed)
    events = list(action_mix(world.copy(), ticks))
    start = time.perf_counter()
    for ev in events:
        world.step(ev)
    return ticks / (time.perf_counter() - start)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ticks", type=int, default=2000, help="ticks per environment")
    ap.add_argument("--env", action="append", help="only these environments")
    args = ap.parse_args()
    floor = ticks_per_second(compile_program(FLOOR), args.ticks * 5)
    print(f"{'environment':<16}{'ticks/s':>10}{'x floor':>10}")
    print(f"{'(floor)':<16}{floor:>10.0f}{1.0:>10.3f}")
    rates = []
    for path in sorted((ROOT / "environments").glob("*.sexp")):
        if args.env and path.stem not in args.env:
            continue
        # Note: the action mix is generated on a copy, so the timed world replays fixed events.
        rate = ticks_per_second(load_program(str(path)), args.ticks)
        rates.append(rate)
        print(f"{path.stem:<16}{rate:>10.0f}{rate / floor:>10.4f}")
    if rates:
        gm = math.exp(sum(math.log(r) for r in rates) / len(rates))
        print(f"{'geometric mean':<16}{gm:>10.0f}{gm / floor:>10.4f}")
        print(f"reference C++ interpreter, public programs (issue figure): geometric mean "
              f"{REFERENCE_GEOMEAN:.0f} ticks/s -> ours is {gm / REFERENCE_GEOMEAN:.2f}x that")


if __name__ == "__main__":
    main()
