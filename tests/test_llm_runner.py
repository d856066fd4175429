"""The episode as a state machine, the async driver, and the runner with model agents:
concurrency per endpoint, the response cache across runs, resume after an interruption, and
the command line."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
from llm_helpers import tiny_suite, write_preset
from tiny_suite import ScriptAgent, make_suite

from worldtest import cli, runner
from fakeserver import FakeServer
from worldtest.protocol import Episode, Settings, run_episode, run_episode_async
from worldtest.results import ResultsStore
from worldtest.runner import RunConfig, run

FAST = Settings(budget=4, horizon=6, ticks_per_action=2)
TIMING = {"started_at", "duration_s"}


@pytest.fixture(scope="module")
def suite(tmp_path_factory):
    return tiny_suite(tmp_path_factory)


class AsyncScript(ScriptAgent):
    """ScriptAgent awaited: the same actions through the async driver."""

    async def act_async(self, obs):
        await asyncio.sleep(0)
        return self.act(obs)

    def clone(self):
        return AsyncScript(self.scripts["interaction"], self.scripts["test"], self.after)


def args(suite, family):
    return (suite.spec("dot"), suite.program("dot"), suite.task("dot", family), FAST, 42)


@pytest.mark.parametrize("family", ["mfp", "planning", "cd"])
def test_sync_and_async_drivers_give_the_same_record(suite, family):
    script = {"interaction": ["right", "jump", "reset", "down"],
              "test": ["step", "click 2 1", "found-change", "noop", "choose-frame 2", "submit"]}
    a = run_episode(ScriptAgent(**script), *args(suite, family), rng=np.random.default_rng(3))
    b = asyncio.run(run_episode_async(AsyncScript(**script), *args(suite, family),
                                      rng=np.random.default_rng(3)))  # fmt: skip
    strip = TIMING | {"interaction", "test"}
    assert a.model_dump(exclude=strip) == b.model_dump(exclude=strip)
    assert [x.model_dump(exclude={"t_wall"}) for x in a.interaction + a.test] == [
        x.model_dump(exclude={"t_wall"}) for x in b.interaction + b.test]  # fmt: skip


def test_the_episode_is_driven_one_action_at_a_time(suite):
    episode = Episode(ScriptAgent(), *args(suite, "planning"), rng=np.random.default_rng(0))
    obs = episode.start()
    assert obs.phase == "interaction" and obs.remaining == 4 and not episode.done
    obs = episode.send("go-to-test", 0.5)
    assert obs.phase == "planning" and obs.first
    assert episode.send("click 2 1") is None and episode.done
    record = episode.record()
    assert record.score == 1.0 and record.interaction[0].t_wall == 0.5
    with pytest.raises(RuntimeError, match="over"):
        episode.send("noop")

    failing = Episode(ScriptAgent(), *args(suite, "cd"), rng=np.random.default_rng(0))
    failing.start()
    failing.send("noop")
    failing.fail("agent 'x' gave up")
    assert failing.done and failing.observation is None
    record = failing.record()
    assert (record.status, record.error, len(record.interaction)) == ("failed",
                                                                      "agent 'x' gave up", 1)


def test_an_async_agent_that_raises_gives_a_failed_record(suite):
    class Broken(AsyncScript):
        async def act_async(self, obs):
            raise ConnectionError("the model is gone")

    record = asyncio.run(run_episode_async(Broken(), *args(suite, "mfp"),
                                           rng=np.random.default_rng(0)))  # fmt: skip
    assert record.status == "failed"
    assert "raised in act_async(): ConnectionError: the model is gone" in record.error


# -- the runner -----------------------------------------------------------------------------------


@pytest.fixture
def tiny(tmp_path):
    return make_suite(tmp_path / "suite")


def config(tmp_path, tiny, agents, **kw):
    return RunConfig(agents=agents, suite=tiny, results_dir=tmp_path / "results", budget=3,
                     horizon=4, ticks_per_action=1, cache_dir=tmp_path / "cache", **kw)  # fmt: skip


def test_episodes_run_concurrently_within_the_endpoint_limit(tmp_path, tiny):
    with FakeServer(latency=0.03) as srv:
        presets = [str(write_preset(tmp_path / "agents", f"m{i}", srv,
                                    extra="[request]\nconcurrency = 4")) for i in range(4)]
        records = run(config(tmp_path, tiny, ["random", *presets]), show_progress=False)
        assert srv.max_in_flight == 4  # 12 episodes, at most 4 at once on the one endpoint
    assert [(r.agent, r.family) for r in records] == [
        (a, f) for a in ["random", "m0", "m1", "m2", "m3"] for f in ("mfp", "planning", "cd")]
    assert all(r.status == "ok" for r in records)
    calls = sum(r.usage.get("calls", 0) for r in records)
    assert calls == srv.n_requests == 12 * 7  # budget 3 + horizon 4, policy "first"
    lines = ResultsStore.for_dir(tmp_path / "results").path.read_text().splitlines()
    assert len(lines) == 15 and all('"usage"' in line for line in lines)
    assert all('"transcript"' not in line for line in lines[:3])  # random: no transcript


def test_concurrency_override_and_a_failure_does_not_stop_the_run(tmp_path, tiny):
    with FakeServer(latency=0.01) as srv:
        srv.add(*[{"status": 400, "body": "context too long"}])
        preset = str(write_preset(tmp_path / "agents", "m", srv))
        records = run(config(tmp_path, tiny, [preset], concurrency=1), show_progress=False)
        assert srv.max_in_flight == 1
    failed = [r for r in records if r.status == "failed"]
    assert len(failed) == 1 and "HTTP 400" in failed[0].error and "context too long" in \
        failed[0].error  # fmt: skip
    assert sum(r.status == "ok" for r in records) == 2


def test_a_rerun_costs_nothing_and_gives_the_same_records(tmp_path, tiny):
    with FakeServer(policy="hash") as srv:
        preset = str(write_preset(tmp_path / "agents", "m", srv))
        first = run(config(tmp_path, tiny, [preset]), show_progress=False)
        n = srv.n_requests
        assert n == sum(r.usage["calls"] for r in first) > 0
        resumed = run(config(tmp_path, tiny, [preset]), show_progress=False)  # nothing to do
        fresh = run(config(tmp_path, tiny, [preset]).model_copy(
            update={"results_dir": tmp_path / "again"}), show_progress=False)  # fmt: skip
        assert srv.n_requests == n  # every reply came from the cache
        nocache = run(config(tmp_path, tiny, [preset], cache=False).model_copy(
            update={"results_dir": tmp_path / "nocache"}), show_progress=False)  # fmt: skip
        assert srv.n_requests == 2 * n
    assert [r.model_dump() for r in resumed] == [r.model_dump() for r in first]
    for a, b, c in zip(first, fresh, nocache, strict=True):
        strip = TIMING | {"interaction", "test", "usage", "transcript"}
        assert a.model_dump(exclude=strip) == b.model_dump(exclude=strip) == c.model_dump(
            exclude=strip)  # fmt: skip
        assert [x.action for x in a.interaction + a.test] == [x.action for x in b.interaction
                                                              + b.test]  # fmt: skip
        assert a.transcript["messages"] == b.transcript["messages"]
        assert b.usage["cache_hits"] == b.usage["calls"] and b.usage["attempts"] == 0
        assert {k: b.usage[k] for k in ("calls", "input_tokens", "output_tokens", "cost_usd")} \
            == {k: a.usage[k] for k in ("calls", "input_tokens", "output_tokens", "cost_usd")}
        assert c.usage["cache_hits"] == 0


def test_an_interrupted_concurrent_run_resumes_without_duplicates(tmp_path, tiny, monkeypatch):
    with FakeServer(latency=0.01) as srv:
        presets = [str(write_preset(tmp_path / "agents", f"m{i}", srv,
                                    extra="[request]\nconcurrency = 2")) for i in range(2)]
        real = runner.run_episode_async
        started = []

        async def interrupted(*a, **kw):
            started.append(1)
            if len(started) == 4:
                await asyncio.sleep(0.05)  # let the first episodes finish and be written
                raise KeyboardInterrupt
            return await real(*a, **kw)

        monkeypatch.setattr(runner, "run_episode_async", interrupted)
        with pytest.raises(KeyboardInterrupt):
            run(config(tmp_path, tiny, presets), show_progress=False)
        store = ResultsStore.for_dir(tmp_path / "results")
        kept = store.load()
        assert 1 <= len(kept) < 6
        monkeypatch.setattr(runner, "run_episode_async", real)
        before = srv.n_requests
        records = run(config(tmp_path, tiny, presets), show_progress=False)
    keys = [r.key for r in store.load()]
    assert len(keys) == len(set(keys)) == 6 and len(records) == 6
    resumed = [r for r in records if r.key not in {k.key for k in kept}]
    assert srv.n_requests - before == sum(r.usage["calls"] - r.usage["cache_hits"]
                                          for r in resumed)  # fmt: skip


def test_ctrl_c_on_the_command_line_loses_only_the_episodes_in_flight(tmp_path, tiny):
    results = tmp_path / "results"
    with FakeServer(latency=0.02) as srv:
        preset = write_preset(tmp_path / "agents", "m", srv, extra="[request]\nconcurrency = 1")
        cmd = [sys.executable, "-m", "worldtest", "run", "--agent", str(preset), "--suite",
               str(tiny), "--results", str(results), "--budget", "12", "--horizon", "12",
               "--ticks-per-action", "1", "--cache-dir", str(tmp_path / "cache"),
               "--no-progress"]  # fmt: skip
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                cwd=tmp_path, env={**os.environ, "PYTHONPATH": os.getcwd()})
        path = results / "episodes.jsonl"
        deadline = time.monotonic() + 60
        while not (path.exists() and path.read_text().count("\n") >= 1):
            assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read()
            time.sleep(0.02)
        time.sleep(0.1)  # into the next episode
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
        assert proc.returncode == 130 and "run the same command again to resume" in err
        kept = ResultsStore(path).load()
        assert 1 <= len(kept) < 3
        before = srv.n_requests
        done = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path, timeout=60,
                              check=False,
                              env={**os.environ, "PYTHONPATH": os.getcwd()})  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert "resuming:" in done.stdout + done.stderr
    records = ResultsStore(path).load()
    assert len(records) == 3 and len({r.key for r in records}) == 3
    assert records[:len(kept)] == kept
    # the episode that was in flight replays its first calls from the cache
    assert records[len(kept)].usage["cache_hits"] > 0
    assert srv.n_requests - before < sum(r.usage["calls"] for r in records[len(kept):])


def test_cli_flags_make_an_ad_hoc_model_agent(tmp_path, tiny, capsys):
    with FakeServer() as srv:
        code = cli.main(["run", "--agent", "llm", "--provider", "gemini", "--model", "g-test",
                         "--base-url", srv.url + "/v1beta", "--api-key-env", "", "--suite",
                         str(tiny), "--results", str(tmp_path / "r"), "--budget", "2",
                         "--horizon", "2", "--family", "cd", "--cache-dir",
                         str(tmp_path / "c"), "--no-progress", "--concurrency", "3"])
        assert code == 0, capsys.readouterr().err
        assert srv.requests[0]["route"] == "gemini"
        assert srv.requests[0]["path"] == "/v1beta/models/g-test:generateContent"
    (record,) = ResultsStore.for_dir(tmp_path / "r").load()
    assert record.agent == "llm/gemini/g-test" and record.usage["calls"] == 4
    assert "leaderboard" in capsys.readouterr().out
    assert list((tmp_path / "c").rglob("*.json"))

    args = cli.build_parser().parse_args(["run", "--agent", "llm", "--provider", "openai",
                                          "--model", "m", "--base-url", "http://x",
                                          "--api-key-env", "V", "--no-cache",
                                          "--cache-dir", "d", "--concurrency", "4"])  # fmt: skip
    assert (args.provider, args.model, args.base_url, args.api_key_env) == (
        "openai", "m", "http://x", "V")  # fmt: skip
    assert (args.no_cache, args.cache_dir, args.concurrency) == (True, "d", 4)
    assert cli.main(["run", "--provider", "openai", "--model", "m", "--suite", str(tiny),
                     "--results", str(tmp_path / "x")]) == 1  # flags without --agent llm
    assert "add --agent llm" in capsys.readouterr().err
