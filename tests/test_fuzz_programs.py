"""Property: any mutant of a shipped program loads and runs a few ticks, or ends in AutumnError.

Never another exception, and within bounded memory. The mutations (``worldtest.autumn.mutate``)
delete, duplicate and swap tokens and subtrees, replace literals by extreme values, insert
runaway constructs, nest deeply, truncate and insert bytes that are not UTF-8. Every choice is a
Hypothesis draw, so a failure shrinks to a small mutant. ``benchmarks/fuzz_programs.py`` runs
the same mutations by the hundred thousand.
"""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from worldtest.autumn.mutate import mutate, run_program

ROOT = Path(__file__).resolve().parent.parent
BASES = {p.stem: p.read_text(encoding="utf-8")
         for p in sorted((ROOT / "environments").glob("*.sexp"))}
#: Traced allocation peak allowed for one mutant (load, static check and the ticks). The
#: interpreter's limits (worldtest/autumn/limits.py) bound one tick's allocation at about 75 MB.
MAX_PEAK_BYTES = 160_000_000


def _run(tmp_path: Path, name: str, data: st.DataObject, ticks: int,
         max_calls: int | None) -> None:
    def choose(n: int) -> int:
        return data.draw(st.integers(0, n - 1))

    mutant = mutate(BASES[name], choose, 1 + choose(3))
    path = tmp_path / "mutant.sexp"
    path.write_bytes(mutant)
    tracemalloc.start()
    try:
        outcome = run_program(path, ticks, choose, max_calls)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert not outcome.startswith("BUG"), (outcome, mutant[:2000])
    assert peak < MAX_PEAK_BYTES, (peak, outcome, mutant[:2000])


@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(name=st.sampled_from(sorted(BASES)), data=st.data())
def test_mutants_end_ok_or_in_autumn_error(tmp_path, name, data):
    # Fast version: a small work budget, so that runaway mutants stop in milliseconds.
    _run(tmp_path, name, data, ticks=2, max_calls=20_000)


@pytest.mark.slow
@settings(max_examples=400, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(name=st.sampled_from(sorted(BASES)), data=st.data())
def test_mutants_end_ok_or_in_autumn_error_slow(tmp_path, name, data):
    # The interpreter's own limits, and more ticks.
    _run(tmp_path, name, data, ticks=4, max_calls=None)


def test_every_mutation_applies_to_every_shipped_program():
    import random

    from worldtest.autumn.mutate import MUTATIONS, tokens
    rng = random.Random(3)
    for name, text in BASES.items():
        assert "".join(tokens(text)) == text, name
        for m, fn in MUTATIONS.items():
            out = "".join(fn(tokens(text), rng.randrange))
            assert out != text or m in ("swap-identifier", "swap-tokens", "swap-subtrees",
                                        "truncate", "huge-number", "huge-string"), (name, m)
