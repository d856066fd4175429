"""The runner: fixed enumeration, resume without duplicates, deterministic seeds."""

from __future__ import annotations

import io

import pytest
from rich.console import Console
from tiny_suite import make_suite

from worldtest import runner
from worldtest.errors import ConfigError
from worldtest.results import ResultsStore
from worldtest.runner import RunConfig, episode_rng, run, stable_hash

AGENTS = ["random", "tiny_suite:ScriptAgent"]


@pytest.fixture
def config(tmp_path):
    suite = make_suite(tmp_path / "suite")
    return RunConfig(
        agents=AGENTS,
        suite=suite,
        results_dir=tmp_path / "results",
        budget=5,
        horizon=20,
        ticks_per_action=2,
    )


def lines(config):
    path = ResultsStore.for_dir(config.results_dir).path
    return path.read_text().splitlines() if path.exists() else []


def test_run_enumerates_agents_envs_families_in_order(config):
    records = run(config, show_progress=False)
    assert [(r.agent, r.task_id) for r in records] == [
        ("random", "dot/mfp"),
        ("random", "dot/planning"),
        ("random", "dot/cd"),
        ("script", "dot/mfp"),
        ("script", "dot/planning"),
        ("script", "dot/cd"),
    ]
    assert all(r.status == "ok" and r.seed == 42 for r in records)
    assert all(r.settings["ticks_per_action"] == 2 and r.settings["budget"] == 5 for r in records)
    assert len(lines(config)) == 6


def test_second_run_appends_nothing(config):
    first = run(config, show_progress=False)
    before = lines(config)
    second = run(config, show_progress=False)
    assert lines(config) == before
    assert [r.key for r in second] == [r.key for r in first]
    assert [r.model_dump() for r in second] == [r.model_dump() for r in first]


def test_interrupted_run_resumes_without_duplicates(config, monkeypatch):
    real = runner.run_episode
    calls = []

    def flaky(*args, **kwargs):
        if len(calls) == 2:
            raise KeyboardInterrupt
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(runner, "run_episode", flaky)
    with pytest.raises(KeyboardInterrupt):
        run(config, show_progress=False)
    assert len(lines(config)) == 2
    monkeypatch.setattr(runner, "run_episode", real)
    records = run(config, show_progress=False)
    keys = [r.key for r in ResultsStore.for_dir(config.results_dir).load()]
    assert len(keys) == 6 and len(set(keys)) == 6
    assert [r.key for r in records] == [
        r.key
        for r in run(
            config.model_copy(update={"results_dir": config.results_dir.parent / "fresh"}),
            show_progress=False,
        )
    ]


def test_runs_are_reproducible(config, tmp_path):
    a = run(config, show_progress=False)
    b = run(config.model_copy(update={"results_dir": tmp_path / "other"}), show_progress=False)
    strip = {"started_at", "duration_s", "interaction", "test"}
    assert [r.model_dump(exclude=strip) for r in a] == [r.model_dump(exclude=strip) for r in b]
    assert [[x.action for x in r.interaction + r.test] for r in a] == [
        [x.action for x in r.interaction + r.test] for r in b
    ]


def test_a_different_seed_is_a_different_episode(config):
    run(config, show_progress=False)
    records = run(config.model_copy(update={"seed": 7}), show_progress=False)
    assert len(lines(config)) == 12 and all(r.seed == 7 for r in records)


def test_selection_and_progress_output(config):
    out = io.StringIO()
    console = Console(file=out, width=100, force_terminal=False)
    records = run(
        config.model_copy(update={"agents": ["random"], "families": ["cd"]}), console=console
    )
    assert [r.task_id for r in records] == ["dot/cd"]
    run(config.model_copy(update={"agents": ["random"], "families": ["cd"]}), console=console)
    assert "resuming: 1 of 1 episodes already in" in out.getvalue()


def test_missing_tasks_are_skipped_only_when_not_asked_for_explicitly(config):
    (config.suite / "tasks" / "dot" / "cd.json").unlink()
    out = io.StringIO()
    records = run(
        config.model_copy(update={"agents": ["random"]}),
        console=Console(file=out),
        show_progress=False,
    )
    assert [r.family for r in records] == ["mfp", "planning"]
    assert "skipping 1 missing task(s): dot/cd" in out.getvalue()
    with pytest.raises(ConfigError, match="no cd task for dot"):
        run(
            config.model_copy(update={"agents": ["random"], "envs": ["dot"], "families": ["cd"]}),
            show_progress=False,
        )


@pytest.mark.parametrize(
    ("update", "message"),
    [
        ({"agents": ["nobody"]}, "unknown agent 'nobody': expected one of explorer, oracle, random, simulator"),
        ({"envs": ["mars"]}, "unknown environment 'mars': expected one of dot"),
        ({"families": ["trivia"]}, "unknown task family 'trivia'"),
    ],
)
def test_bad_configuration_is_a_config_error(config, update, message):
    with pytest.raises(ConfigError, match=message):
        run(config.model_copy(update=update), show_progress=False)


def test_config_validation_and_settings():
    assert RunConfig().agents == ["random", "oracle"] and RunConfig().episode_seed == 42
    settings = RunConfig(horizon=9, reset_seed="fresh").settings()
    assert (settings.budget, settings.horizon, settings.ticks_per_action, settings.reset_seed) == (
        200,
        9,
        None,
        "fresh",
    )
    with pytest.raises(ValueError):
        RunConfig(budget=-1)
    with pytest.raises(ValueError):
        RunConfig(colour="red")


def test_episode_rng_is_stable_and_distinct():
    assert stable_hash("random", "ice/mfp") == stable_hash("random", "ice/mfp")
    assert stable_hash("random", "ice/mfp") != stable_hash("random", "ice/cd")
    assert stable_hash("ab", "c") != stable_hash("a", "bc")
    draw = episode_rng(42, "random", "ice/mfp").integers(1 << 30, size=4).tolist()
    assert draw == episode_rng(42, "random", "ice/mfp").integers(1 << 30, size=4).tolist()
    assert draw != episode_rng(43, "random", "ice/mfp").integers(1 << 30, size=4).tolist()
    assert stable_hash("random", "ice/mfp") == 0xBF68E101F618DDD0  # pinned: records depend on it
