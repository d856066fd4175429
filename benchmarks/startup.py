"""Start-up time of the command line: ``python -m worldtest --version``, against bare Python.

Run by hand: ``python benchmarks/startup.py [--runs N] [--before DIR]``.

Times, in one run and interleaved (so that the machine's load hits every variant alike),
``--runs`` starts each of:

- ``python -c pass``: the interpreter with this environment's ``site`` (the floor);
- ``python -m worldtest --version`` with this checkout first on ``PYTHONPATH`` (after);
- the same with ``--before DIR`` first on ``PYTHONPATH`` (e.g. an older checkout: before).

By default the compiled modules are cached (``.pyc`` under a temporary
``PYTHONPYCACHEPREFIX``), as in an installed package; ``--no-pyc`` compiles every module at every
start instead (what ``PYTHONDONTWRITEBYTECODE=1`` gives a source checkout without
``__pycache__``).

Printed: inside each process, the time from the start of ``worldtest``'s own code (``runpy`` of
``worldtest.__main__``) to its exit (the part worldtest controls, little disturbed by the
machine's load); the median CPU time (user + system, from ``os.wait4``) and wall time of each
start; the ratios after / before of the whole start and of the part worldtest adds to bare
Python (median minus the floor). The machine is shared and noisy, so only the ratios of one
run are worth comparing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Every start runs in an empty folder: `-c` and `-m` put the working directory first on
# sys.path, which would otherwise pick the checkout the benchmark is started from.
NEUTRAL = tempfile.mkdtemp(prefix="worldtest-startup-")


def once(argv: list[str], pythonpath: Path | None, pyc: Path | None) -> tuple[float, float]:
    """(wall seconds, CPU seconds: user + system) of one start."""
    env = dict(os.environ)
    if pyc is not None:  # compiled modules cached (in a folder of our own), as after pip install
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(pyc)
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, cwd=NEUTRAL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{argv} exited with {proc.returncode}")
    return wall, usage.ru_utime + usage.ru_stime


INSIDE = (
    "import runpy, sys, time; sys.argv = ['worldtest', '--version']; t0 = time.perf_counter()\n"
    "try:\n    runpy.run_module('worldtest', run_name='__main__', alter_sys=True)\n"
    "except SystemExit:\n    pass\n"
    "sys.stderr.write(repr(time.perf_counter() - t0))"
)


def measured_inside(pythonpath: Path, pyc: Path | None) -> float:
    """Seconds from runpy's start of ``worldtest`` to its exit, measured by the process."""
    env = dict(os.environ, PYTHONPATH=str(pythonpath))
    if pyc is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(pyc)
    out = subprocess.run([sys.executable, "-c", INSIDE], env=env, capture_output=True,
                         text=True, check=True, cwd=NEUTRAL)  # fmt: skip
    return float(out.stderr.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--before", type=Path, help="another checkout to compare with")
    parser.add_argument("--no-pyc", action="store_true",
                        help="compile every module at every start (as with "
                        "PYTHONDONTWRITEBYTECODE=1 and no __pycache__); default: cached .pyc")
    args = parser.parse_args()
    pyc = None if args.no_pyc else Path(tempfile.mkdtemp(prefix="worldtest-pyc-"))
    variants: dict[str, tuple[list[str], Path | None]] = {
        "python -c pass": ([sys.executable, "-c", "pass"], None),
        "after: python -m worldtest --version": ([sys.executable, "-m", "worldtest", "--version"],
                                                  ROOT),
    }  # fmt: skip
    if args.before is not None:
        variants["before: python -m worldtest --version"] = (
            [sys.executable, "-m", "worldtest", "--version"], args.before.resolve())  # fmt: skip
    inside = {"after": ROOT} | ({"before": args.before.resolve()} if args.before else {})
    own: dict[str, list[float]] = {name: [] for name in inside}
    wall: dict[str, list[float]] = {name: [] for name in variants}
    cpu: dict[str, list[float]] = {name: [] for name in variants}
    for name, (argv, path) in variants.items():  # warm the .pyc files
        once(argv, path, pyc)
    for _ in range(args.runs):
        for name, (argv, path) in variants.items():
            w, c = once(argv, path, pyc)
            wall[name].append(w)
            cpu[name].append(c)
        for name, path in inside.items():
            own[name].append(measured_inside(path, pyc))
    print("compiled modules:", "none (compiled at every start)" if pyc is None else "cached")
    print(f"-- inside the process: `python -m worldtest --version` after Python's own start "
          f"(runpy of worldtest.__main__), median over {args.runs} runs")
    for name, ts in own.items():
        print(f"{name:42s} {statistics.median(ts) * 1000:7.2f} ms")
    if args.before is not None:
        print(f"ratio after / before, inside the process: "
              f"{statistics.median(own['after']) / statistics.median(own['before']):.3f}")
    for label, times in (("CPU (user + system)", cpu), ("wall", wall)):
        median = {name: statistics.median(ts) for name, ts in times.items()}
        print(f"-- {label} time, median over {args.runs} runs")
        for name, value in median.items():
            print(f"{name:42s} {value * 1000:7.1f} ms")
        floor = median["python -c pass"]
        after = median["after: python -m worldtest --version"]
        print(f"worldtest's own part (after): {(after - floor) * 1000:.1f} ms")
        if args.before is not None:
            before = median["before: python -m worldtest --version"]
            print(f"worldtest's own part (before): {(before - floor) * 1000:.1f} ms")
            print(f"ratio after / before, whole start: {after / before:.2f}")
            if before - floor > 0.001:
                print(f"ratio after / before, worldtest's own part: "
                      f"{(after - floor) / (before - floor):.2f}")  # fmt: skip

if __name__ == "__main__":
    main()
