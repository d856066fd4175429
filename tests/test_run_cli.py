"""`worldtest run` and `worldtest report` as a user meets them: several seeds, the exit status
of a run with failed episodes, per-episode CSV, and two runs compared."""

from __future__ import annotations

import csv

import pytest
from tiny_suite import make_suite

from worldtest.cli import main
from worldtest.report.compare import compare_runs, paired_interval
from worldtest.report.export import CSV_COLUMNS
from worldtest.results import ResultsStore, load_records


class CrashAgent:
    """Raises on its first action: every episode it plays fails."""

    id = "crash"
    version = "1"

    def reset(self, start):
        pass

    def act(self, obs):
        raise RuntimeError("the agent fell over")


@pytest.fixture
def suite(tmp_path):
    return make_suite(tmp_path / "suite")


def run(suite, results, *extra):
    return main(["run", "--suite", str(suite), "--results", str(results), "--no-progress",
                 "--budget", "3", "--horizon", "5", *extra])


def test_seeds_ranges_lists_and_repeated_seed(suite, tmp_path):
    results = tmp_path / "r"
    assert run(suite, results, "--agent", "random", "--seeds", "1-3,7", "--seed", "9",
               "--seed", "2") == 0
    records = ResultsStore.for_dir(results).load()
    assert sorted({r.seed for r in records}) == [1, 2, 3, 7, 9]
    assert len(records) == 5 * 3  # each seed once (2 given twice), three tasks
    assert run(suite, results, "--agent", "random", "--seeds", "1-3") == 0  # all resumed
    assert len(ResultsStore.for_dir(results).load()) == 15


@pytest.mark.parametrize("bad", ["3-1", "a-b", "1,,2", "0-20000"])
def test_bad_seed_lists_are_usage_errors(suite, tmp_path, bad, capsys):
    assert run(suite, tmp_path / "r", "--seeds", bad) == 2
    assert "--seeds" in capsys.readouterr().err


def test_a_run_with_failed_episodes_exits_1_and_says_where_to_look(suite, tmp_path, capsys):
    results = tmp_path / "r"
    code = run(suite, results, "--agent", "random", "--agent", "test_run_cli:CrashAgent")
    err = capsys.readouterr().err
    assert code == 1
    assert "3 of 6 episodes failed" in err
    assert "crash dot/mfp seed 42" in err
    assert str(ResultsStore.for_dir(results).path) in err and "worldtest report" in err


def test_a_run_without_failures_exits_0(suite, tmp_path):
    assert run(suite, tmp_path / "r", "--agent", "random") == 0


def test_report_csv_has_one_row_per_episode(suite, tmp_path):
    results = tmp_path / "r"
    run(suite, results, "--agent", "random", "--agent", "test_run_cli:CrashAgent",
        "--seeds", "1-2")
    out = tmp_path / "out"
    path = tmp_path / "episodes.csv"
    assert main(["report", str(results), "--out", str(out), "--episodes", "0",
                 "--resamples", "50", "--csv", str(path)]) == 0
    rows = list(csv.DictReader(path.open()))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == 12
    assert {(r["agent"], r["seed"]) for r in rows} == {(a, s) for a in ("random", "crash")
                                                       for s in ("1", "2")}
    crashed = [r for r in rows if r["agent"] == "crash"]
    assert all(r["status"] == "failed" and float(r["score"]) == 0 and "fell over" in r["error"]
               for r in crashed)
    ok = [r for r in rows if r["agent"] == "random"]
    assert all(int(r["interaction_actions"]) == 3 and r["budget"] == "3" for r in ok)
    assert all(r["cost_usd"] == "" for r in rows)


def test_compare_two_runs(suite, tmp_path, capsys):
    a, b = tmp_path / "a", tmp_path / "b"
    run(suite, a, "--agent", "random", "--agent", "tiny_suite:ScriptAgent")
    run(suite, b, "--agent", "random", "--agent", "test_run_cli:CrashAgent")
    capsys.readouterr()
    assert main(["report", str(a), str(b), "--compare", "--resamples", "100"]) == 0
    out = capsys.readouterr().out
    assert "only in A: script" in out and "only in B: crash" in out
    assert "random" in out and "B - A" in out and "+0.000" in out
    found, only_a, only_b = compare_runs(load_records([a]), load_records([b]), n_resamples=100)
    assert only_a == ["script"] and only_b == ["crash"]
    assert [c.column for c in found] == ["cd", "mfp", "planning", "overall"]
    assert all(c.diff == 0 and c.low == c.high == 0 and c.n_envs == 1 for c in found)


def test_compare_needs_two_runs(tmp_path, capsys):
    assert main(["report", str(tmp_path), "--compare"]) == 1
    assert "--compare takes two runs" in capsys.readouterr().err


def test_paired_interval_brackets_the_mean_difference():
    diffs = [0.1, 0.2, 0.3, 0.0, 0.4, 0.25]
    low, high = paired_interval(diffs, n_resamples=500)
    assert low < sum(diffs) / len(diffs) < high
    assert paired_interval([0.5], n_resamples=10) == (0.5, 0.5)
    with pytest.raises(ValueError):
        paired_interval([])
