"""Model runs that cannot overspend: replies capped in the history, the context budget, the
run's cost cap (``--max-cost``), the estimate before a run (``--dry-run``) and prices on the
command line. Every run talks to the fake server on 127.0.0.1."""

from __future__ import annotations

import json

import pytest
from llm_helpers import agent_for, close_agents, play, tiny_suite, write_preset
from tiny_suite import make_suite

from worldtest import cli
from worldtest.agents.llm.conversation import (
    HISTORY_REPLY_CHARS,
    Conversation,
    cap_reply,
    estimate_tokens,
)
from fakeserver import FakeServer
from worldtest.agents.llm.render import png
from worldtest.errors import ConfigError
from worldtest.protocol import Settings
from worldtest.results import ResultsStore
from worldtest.dry_run import estimate
from worldtest.runner import RunConfig, Spending, run

HUGE = 5_000_000  # characters of a runaway reply (the 5 MB)


@pytest.fixture(scope="module")
def suite(tmp_path_factory):
    return tiny_suite(tmp_path_factory)


@pytest.fixture(autouse=True)
def _close_agents():
    yield
    close_agents()


def text(n: int) -> list[dict]:
    return [{"type": "text", "text": "x" * n}]


# -- the history keeps replies cut; the record keeps them once ----------------------------------


def test_cap_reply_keeps_head_and_tail_and_says_how_much_was_cut():
    assert cap_reply("short") == "short"
    long = "A" * 6000 + "<action>left</action>"
    kept = cap_reply(long)
    assert kept.startswith("A" * 3000) and kept.endswith("<action>left</action>")
    assert f"[... {len(long) - HISTORY_REPLY_CHARS:,} of the {len(long):,} characters" in kept
    assert len(kept) < HISTORY_REPLY_CHARS + 100


def test_token_estimates_of_text_and_images():
    assert estimate_tokens(text(400)) == 4 + 100
    import numpy as np

    image = png(np.zeros((10, 10), np.uint8), 15)  # 150 x 150 pixels: 22,500 / 750 = 30
    import base64

    part = {"type": "image", "media_type": "image/png", "data": base64.b64encode(image).decode()}
    assert estimate_tokens([part]) == 4 + 30


def test_a_5_mb_reply_is_cut_in_the_history_and_stored_once(suite, tmp_path):
    runaway = "<scratchpad>" + "z" * HUGE + "</scratchpad><action>right</action>"
    with FakeServer() as server:
        server.add({"reply": runaway})
        agent = agent_for(server, tmp_path, use_cache=False, request={"timeout_s": 30.0})
        record = play(suite, agent, settings=Settings(budget=4, horizon=3))
        later = [len(json.dumps(r["body"])) for r in server.requests[1:]]
    assert record.status == "ok" and record.interaction[0].action == "right"  # the tail is kept
    calls, messages = record.transcript["calls"], record.transcript["messages"]
    assert calls[0]["reply"] == runaway  # whole, once
    kept = messages[calls[0]["reply_message"]]["content"][0]["text"]
    assert len(kept) < HISTORY_REPLY_CHARS + 100 and "characters of this reply cut" in kept
    # Every later request carries the cut reply, not the runaway one.
    assert len(later) == len(calls) - 1 >= 5 and max(later) < 30_000
    assert max(c["input_tokens"] for c in calls[1:]) < 10_000
    store = ResultsStore.for_dir(tmp_path / "results")
    store.append(record)
    size = store.path.stat().st_size
    assert HUGE < size < HUGE + 200_000
    assert store.path.read_text().count("z" * 10_000) == HUGE // 10_000  # one copy


def test_a_rambling_server_is_cut_in_every_turn_of_the_history(suite, tmp_path):
    with FakeServer(pad=20_000) as server:  # every policy reply: 20,000 characters, then the action
        record = play(suite, agent_for(server, tmp_path), settings=Settings(budget=3, horizon=3))
    calls, messages = record.transcript["calls"], record.transcript["messages"]
    assert all(len(c["reply"]) > 20_000 and c["action"] is not None for c in calls)
    assert all(len(messages[c["reply_message"]]["content"][0]["text"]) < HISTORY_REPLY_CHARS + 100
               for c in calls)  # fmt: skip


# -- the context budget ------------------------------------------------------------------------


def grow(conv: Conversation, n: int, size: int = 400) -> list[list[int]]:
    """Play ``n`` turns of ``size`` characters each; the indices each call sends."""
    conv.set_system("s" * 400)
    sent = []
    for step in range(1, n + 1):
        conv.add_user(text(size), "interaction", step, f"obs {step}")
        sent.append(conv.to_send())
        conv.add_assistant("r" * size, f"act {step}")
    return sent


def test_full_history_is_trimmed_oldest_first_within_the_budget():
    conv = Conversation("full", max_input_tokens=2000)  # a turn is 2 x 104 tokens
    sent = grow(conv, 30)
    sizes = [sum(conv.tokens[i] for i in s) for s in sent]
    assert max(sizes) <= 2000 and conv.trimmed > 0 and conv.over_budget == 0
    assert sizes[:8] == sorted(sizes[:8])  # nothing cut before the budget is reached
    last = sent[-1]
    first_user = conv.turns[0].user
    assert last[0] == conv.system and last[1] == first_user  # system prompt, then the opening
    note = conv.messages[last[2]]["content"][0]["text"]
    assert note.startswith(f"Steps 1-{conv.turns[conv.trimmed - 1].step} are not shown")
    assert "context budget of 2,000 tokens" in note
    turns = [i for t in conv.turns[conv.trimmed:] for i in (t.user, t.assistant)]
    assert last[3:] == turns[:-1]  # the last turn's reply came after the call
    # Cut to 3/4 of the budget: the calls after a cut share their prefix for a while.
    cuts = sum(1 for a, b in zip(sent, sent[1:], strict=False) if b[:len(a) - 1] != a[:-1])
    assert cuts < 10
    # Without a budget the same conversation sends everything.
    free = grow(Conversation("full"), 30)
    assert len(free[-1]) == 1 + 2 * 30 - 1


def test_summary_history_folds_before_it_trims():
    conv = Conversation("summary", window=5, max_input_tokens=1500)
    sent = grow(conv, 40)
    assert conv.budget_folded > 0 and max(sum(conv.tokens[i] for i in s) for s in sent) <= 1500
    texts = [conv.messages[i]["content"][0]["text"] for i in sent[-1]]
    assert any(t.startswith("Summary of steps") for t in texts)


def test_a_request_that_cannot_be_cut_is_sent_and_counted():
    conv = Conversation("full", max_input_tokens=100)
    conv.set_system("s" * 1000)
    conv.add_user(text(40), "interaction", 1, "")
    assert conv.to_send() == [0, 1] and conv.over_budget == 1 and conv.estimate > 100


def test_an_episode_on_a_small_budget_records_what_was_trimmed(suite, tmp_path):
    with FakeServer() as server:
        agent = agent_for(server, tmp_path, context={"max_input_tokens": 1500})
        record = play(suite, agent, family="cd", settings=Settings(budget=12, horizon=8,
                                                                   ticks_per_action=1))
        reported = [c["input_tokens"] for c in record.transcript["calls"]]
    u = record.usage
    assert u["max_input_tokens"] == 1500 and u["trimmed_turns"] > 0
    assert u["over_budget_calls"] == 0
    assert u["largest_input_tokens"] == max(reported)
    calls = record.transcript["calls"]
    assert all(c["estimated_input_tokens"] <= 1500 for c in calls)
    assert calls[-1]["trimmed_turns"] == u["trimmed_turns"] > calls[0]["trimmed_turns"] == 0
    # The fake server counts a quarter of the request's bytes: after the first calls, the
    # estimate scaled by the reported usage keeps the reported input near the budget too.
    assert max(reported[3:]) < 1.25 * 1500


# -- the run: --max-cost, --dry-run, prices ----------------------------------------------------


@pytest.fixture
def tiny(tmp_path):
    return make_suite(tmp_path / "suite")


def config(tmp_path, tiny, agents, **kw):
    return RunConfig(agents=agents, suite=tiny, results_dir=tmp_path / "results", budget=3,
                     horizon=4, ticks_per_action=1, cache_dir=tmp_path / "cache", **kw)  # fmt: skip


SHORT = "[sampling]\nmax_output_tokens = 16\n"  # a call's worst case near its cost


def test_max_cost_cuts_the_episode_short_and_starts_no_other(tmp_path, tiny):
    with FakeServer() as srv:
        preset = str(write_preset(tmp_path / "agents", "m", srv,
                                  extra=SHORT + "[request]\nconcurrency = 1"))
        first = run(config(tmp_path, tiny, [preset]), show_progress=False)  # fills the cache
        per_episode = [r.usage["spent_usd"] for r in first]
        assert all(c > 0 for c in per_episode)
        n = srv.n_requests
        # A cap at 60% of the first episode's cost: it is cut short, the other two never start.
        cap = per_episode[0] * 0.6
        spending = Spending()
        capped = run(config(tmp_path, tiny, [preset], max_cost=cap, cache=False)
                     .model_copy(update={"results_dir": tmp_path / "capped"}),
                     show_progress=False, spending=spending)  # fmt: skip
        (cut,) = capped
        assert cut.status == "failed" and "CostCapReached: cost cap of" in cut.error
        assert cut.usage["cut_by_cost_cap"] and 0 < cut.usage["calls"] < first[0].usage["calls"]
        assert (spending.cut, spending.not_started, spending.refused) == (1, 2, 1)
        assert cut.usage["spent_usd"] == pytest.approx(spending.spent_usd) and \
            spending.spent_usd <= cap  # fmt: skip
        assert srv.n_requests - n == cut.usage["calls"]  # the refused call was not made
        refused = cut.transcript["calls"][-1]
        assert refused["refused"] and spending.spent_usd + refused["worst_usd"] > cap
        assert cut.usage["failed_calls"] == 0
        assert spending.reserved_usd == 0
        # Replies from the cache cost nothing: the same cap lets a cached run finish.
        cached = run(config(tmp_path, tiny, [preset], max_cost=cap)
                     .model_copy(update={"results_dir": tmp_path / "cached"}),
                     show_progress=False)  # fmt: skip
        assert len(cached) == 3 and all(r.usage["spent_usd"] == 0 for r in cached)
        assert all(r.status == "ok" for r in cached)


def test_max_cost_on_the_command_line_says_so_and_exits_3(tmp_path, tiny, capsys):
    with FakeServer() as srv:

        def worldtest(max_cost):
            return cli.main(["run", "--agent", "llm", "--provider", "openai", "--model", "m",
                             "--base-url", srv.url + "/v1", "--api-key-env", "", "--suite",
                             str(tiny), "--results", str(tmp_path / "r"), "--budget", "2",
                             "--horizon", "2", "--cache-dir", str(tmp_path / "c"),
                             "--no-progress", "--concurrency", "1", "--max-cost", max_cost,
                             "--input-price", "2", "--output-price", "8"])  # fmt: skip

        code = worldtest("0.000001")  # under any call's worst case: nothing runs
        out, err = capsys.readouterr()
        assert code == cli.EXIT_MAX_COST == 3 and srv.n_requests == 0
        assert "--max-cost 1e-06 USD reached" in err
        assert "0 episode(s) cut short (recorded as failed), 3 not started" in err
        assert "the cap was reached" in out
        assert not ResultsStore.for_dir(tmp_path / "r").load()  # refused at once: no record
        code = worldtest("100")
    out, err = capsys.readouterr()
    assert code == 0 and "spent" in out and "leaderboard" in out
    records = ResultsStore.for_dir(tmp_path / "r").load()
    assert len(records) == 3 and all(r.status == "ok" for r in records)
    u = records[0].usage
    assert u["prices"] == {"input_per_mtok": 2.0, "output_per_mtok": 8.0, "above": None}
    assert u["cost_usd"] == pytest.approx((u["input_tokens"] * 2 + u["output_tokens"] * 8) / 1e6)


def test_max_cost_needs_prices_and_prices_need_a_model_agent(tmp_path, tiny):
    flags = {"provider": "openai", "model": "m", "base_url": "http://127.0.0.1:9/v1",
             "api_key_env": ""}  # fmt: skip
    with pytest.raises(ConfigError, match="--max-cost needs the prices of agent 'llm'"):
        run(config(tmp_path, tiny, ["llm"], max_cost=1.0, **flags), show_progress=False)
    with pytest.raises(ConfigError, match="set the prices of model agents"):
        run(config(tmp_path, tiny, ["random"], input_price=1.0), show_progress=False)
    with pytest.raises(ConfigError, match="give both --input-price and --output-price"):
        run(config(tmp_path, tiny, ["llm"], input_price=1.0, **flags), show_progress=False)
    assert not (tmp_path / "results").exists()


def test_dry_run_prints_an_estimate_and_makes_no_call(tmp_path, tiny, capsys):
    with FakeServer() as srv:
        preset = write_preset(tmp_path / "agents", "m", srv, api_key_env="NO_SUCH_KEY_VAR")
        code = cli.main(["run", "--agent", str(preset), "--agent", "random", "--suite",
                         str(tiny), "--results", str(tmp_path / "r"), "--budget", "3",
                         "--horizon", "4", "--dry-run", "--output-price", "16",
                         "--max-cost", "1"])  # fmt: skip
        assert code == 0 and srv.n_requests == 0
    out = capsys.readouterr().out
    assert "estimate before any call" in out and "no prices" in out
    assert "--max-cost 1 USD: no call is made whose worst case" in " ".join(out.split())
    rows = {line.split()[0]: line.split() for line in out.splitlines() if line.split()
            and line.split()[0] in ("m", "random", "total")}  # fmt: skip
    assert rows["m"][1:3] == ["3", "21"]  # 3 episodes, at most (3 + 4) calls each
    assert rows["random"][1:3] == ["3", "0"] and rows["total"][1] == "6"
    assert not (tmp_path / "r").exists()  # nothing run, nothing written


def test_the_estimate_bounds_a_run_and_follows_the_store(tmp_path, tiny):
    with FakeServer() as srv:  # policy "first": noop while exploring, then the first offered
        preset = str(write_preset(tmp_path / "agents", "m", srv))
        cfg = config(tmp_path, tiny, [preset])
        (before,) = estimate(cfg)
        records = run(cfg, show_progress=False)
        (after,) = estimate(cfg)
    calls = sum(r.usage["calls"] for r in records)
    tokens = sum(r.usage["input_tokens"] for r in records)
    cost = sum(r.usage["cost_usd"] for r in records)
    assert (before.episodes, before.stored, after.episodes, after.stored) == (3, 0, 0, 3)
    assert calls <= before.calls == 21 and after.calls == 0
    # The fake server counts a quarter of each request's JSON bytes; the estimate is close.
    assert 0.5 * tokens < before.input_tokens < 2 * tokens
    assert 0.3 * cost < before.cost_usd < before.worst_cost_usd
    assert before.in_flight == 3 and 0 < before.episode_worst_usd < before.worst_cost_usd
