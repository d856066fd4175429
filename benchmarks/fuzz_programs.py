"""Fuzz the Autumn interpreter with mutated programs; count how each run ended.

Run by hand::

    PYTHONPATH=$PWD nice python benchmarks/fuzz_programs.py --programs 100000 --ticks 3

Each program is a mutant of a shipped program (``environments/*.sexp``, picked in turn) made by
:func:`worldtest.autumn.mutate.mutate` with a seeded ``random.Random``; it is written to one
temporary file, loaded with ``load_program``, checked statically (as ``worldtest autumn check``
does) and run for ``--ticks`` ticks of random input, all in this one process. The figures
printed: the count of each outcome (``ok``, each ``AutumnError`` kind, and ``BUG:`` for any
other exception, which is a bug), the slowest program in CPU seconds (wall time on a shared
machine measures the other processes too) and the largest traced allocation peak of
one program (``tracemalloc``, Python allocations only; it slows allocation-heavy programs about
tenfold, so ``--trace-every N`` traces one program in N), and the process's peak RSS, which
bounds every program's memory. Every bug, and every program slower than ``--slow`` seconds, is
written out (``--bugs DIR``) as the mutant. Exit status 1 if any bug was found.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from worldtest.autumn.mutate import mutate, run_program  # noqa: E402
from worldtest.autumn.runtime import DEFAULT_MAX_CALLS  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--programs", type=int, default=1000, help="mutants to run")
    ap.add_argument("--ticks", type=int, default=3, help="ticks per mutant after loading")
    ap.add_argument("--seed", type=int, default=0, help="seed of the mutation generator")
    ap.add_argument("--max-rounds", type=int, default=3, help="mutations per mutant (1..N)")
    ap.add_argument("--max-calls", type=int, default=DEFAULT_MAX_CALLS,
                    help="per-tick work budget (default: the interpreter's)")
    ap.add_argument("--trace-every", type=int, default=1,
                    help="measure the allocation peak (tracemalloc, slow) of one program in N; "
                    "0 for none")
    ap.add_argument("--slow", type=float, default=5.0,
                    help="also save mutants that take more CPU seconds than this")
    ap.add_argument("--bugs", default="fuzz-bugs", help="directory for mutants that hit a bug")
    ap.add_argument("--progress", type=int, default=1000, help="print counts every N programs")
    args = ap.parse_args(argv)

    bases = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "environments").glob("*.sexp"))]
    rng = random.Random(args.seed)
    counts: Counter[str] = Counter()
    slowest = (0.0, -1, "")
    peak = (0, -1, "")
    bugs = 0
    slow = 0
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "mutant.sexp"
        for i in range(args.programs):
            data = mutate(bases[i % len(bases)], rng.randrange, 1 + rng.randrange(args.max_rounds))
            path.write_bytes(data)
            trace = args.trace_every > 0 and i % args.trace_every == 0
            if trace:
                tracemalloc.start()
            t0 = time.process_time()
            outcome = run_program(path, args.ticks, rng.randrange, args.max_calls)
            dt = time.process_time() - t0
            if trace:
                mem = tracemalloc.get_traced_memory()[1]
                tracemalloc.stop()
                if mem > peak[0]:
                    peak = (mem, i, outcome)
            # tracemalloc makes deep recursion and heavy allocation 10 to 300 times slower:
            # time only the untraced programs
            if not trace and dt > slowest[0]:
                slowest = (dt, i, outcome)
            key = outcome.split(":")[0] + ":" + outcome.split(":")[1] \
                if outcome.startswith("BUG") else outcome
            counts[key] += 1
            if outcome.startswith("BUG") or (dt > args.slow and not trace):
                what = "bug" if outcome.startswith("BUG") else "slow"
                bugs += what == "bug"
                slow += what == "slow"
                out = Path(args.bugs)
                out.mkdir(exist_ok=True)
                (out / f"{what}-{args.seed}-{i}.sexp").write_bytes(data)
                print(f"program {i}: {outcome} in {dt:.1f} s CPU", flush=True)
            if args.progress and (i + 1) % args.progress == 0:
                print(f"[{i + 1} programs, {time.perf_counter() - start:.0f} s] "
                      + ", ".join(f"{k} {v}" for k, v in counts.most_common()), flush=True)
    total = time.perf_counter() - start
    n = args.programs
    print(f"\n{n} programs (seed {args.seed}, {args.ticks} ticks each) in {total:.0f} s "
          f"({n / total:.1f} programs/s)")
    for k, v in sorted(counts.items(), key=lambda kv: -kv[1]):
        print(f"  {k:32s} {v:8d}")
    print(f"bugs (exceptions other than AutumnError): {bugs}")
    print(f"slowest untraced program: {slowest[0]:.2f} s CPU (#{slowest[1]}, {slowest[2]}); "
          f"{slow} over {args.slow:g} s")
    if args.trace_every:
        print(f"largest traced allocation peak of one program (1 in {args.trace_every} traced): "
              f"{peak[0] / 1e6:.1f} MB (#{peak[1]}, {peak[2]})")
    print(f"process peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return 1 if bugs else 0


if __name__ == "__main__":
    sys.exit(main())
