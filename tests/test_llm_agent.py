"""The model agent against a real HTTP server on 127.0.0.1 speaking all three APIs.

Scripted replies: valid actions, unparsable text, 429 with Retry-After, 500, a hang past the
timeout, malformed JSON, a dropped connection, a 401. The agent survives each, and the record
shows what happened. Also: the exact messages sent, tokens and cost, and the API key, which
never reaches a record, a log line or an error message.
"""

from __future__ import annotations

import json
import logging

import numpy as np
import pytest
from llm_helpers import (
    KEY,
    PROVIDERS,
    agent_for,
    close_agents,
    play,
    preset,
    tiny_suite,
)

from worldtest.agents.llm.agent import LlmAgent
from worldtest.agents.llm.conversation import TRANSCRIPT_VERSION
from fakeserver import FakeServer
from worldtest.agents.llm.providers import build_request
from worldtest.protocol import Settings
from worldtest.results import ResultsStore


@pytest.fixture
def server():
    with FakeServer() as srv:
        yield srv


@pytest.fixture(scope="module")
def suite(tmp_path_factory):
    return tiny_suite(tmp_path_factory)


@pytest.fixture(autouse=True)
def _close_agents():
    yield
    close_agents()


def sent_messages(record, call):
    messages = record.transcript["messages"]
    return [messages[i] for a, b in call["sent"] for i in range(a, b + 1)]


@pytest.mark.parametrize("provider", PROVIDERS)
def test_valid_actions_play_an_episode_and_the_record_has_everything(
    server, suite, tmp_path, provider
):
    server.add({"reply": "<scratchpad>try the arrow</scratchpad><action>right</action>"},
               {"reply": "<action>go-to-test</action>"}, {"reply": "<action>click 2 1</action>"})
    agent = agent_for(server, tmp_path, provider)
    record = play(suite, agent)
    assert record.status == "ok" and record.score == 1.0 and record.n_invalid == 0
    assert [a.action for a in record.interaction + record.test] == [
        "right", "go-to-test", "click 2 1"]  # fmt: skip
    t = record.transcript
    assert (t["version"], t["provider"], t["model"]) == (TRANSCRIPT_VERSION, provider, "fake-model")
    calls = t["calls"]
    assert [c["action"] for c in calls] == ["right", "go-to-test", "click 2 1"]
    assert [c["phase"] for c in calls] == ["interaction", "interaction", "planning"]
    assert calls[0]["reply"] == "<scratchpad>try the arrow</scratchpad><action>right</action>"
    assert all(c["attempts"] == 1 and c["cached"] is False and c["errors"] == [] for c in calls)
    # What the server received is exactly the record's messages, built into the API's body.
    assert len(server.requests) == 3
    for call, request in zip(calls, server.requests, strict=True):
        assert request["route"] == provider
        _, _, body = build_request(agent.preset, sent_messages(record, call), None)
        assert request["body"] == body
        assert call["input_tokens"] > 0 and call["output_tokens"] > 0
    # The planning call carries the whole history: system prompt of the phase, then every turn.
    last = sent_messages(record, calls[2])
    assert last[0]["role"] == "system" and "planning" in last[0]["content"][0]["text"]
    assert [m["role"] for m in last[1:]] == ["user", "assistant", "user", "assistant", "user"]
    assert "Goal (cells shown as mask" in last[-1]["content"][0]["text"]
    u = record.usage
    assert (u["calls"], u["cache_hits"], u["attempts"], u["failed_calls"]) == (3, 0, 3, 0)
    assert u["input_tokens"] == sum(c["input_tokens"] for c in calls)
    assert u["cost_usd"] == pytest.approx(
        (u["input_tokens"] * 2.0 + u["output_tokens"] * 8.0) / 1e6, abs=1e-12
    )


def test_an_unparsable_reply_is_an_invalid_action_that_costs_one_and_is_explained_once(
    server, suite, tmp_path
):
    server.add({"reply": "I think I should move the dot somewhere."},
               {"reply": "<action>fly north</action>"}, {"reply": "<action>step</action>"},
               {"reply": "<action>go-to-test</action>"}, {"reply": "<action>click 2 1</action>"})
    record = play(suite, agent_for(server, tmp_path), settings=Settings(budget=5, horizon=3))
    assert record.status == "ok" and record.score == 1.0 and record.n_invalid == 3
    first, second, third = record.interaction[:3]
    assert not first.valid and first.action == "I think I should move the dot somewhere."
    assert "unknown action" in first.message
    assert not second.valid and second.action == "fly north"
    assert not third.valid and third.action == "step"
    calls = record.transcript["calls"]
    assert calls[0]["reply"] == "I think I should move the dot somewhere."
    assert calls[0]["action"] is None and record.usage["invalid_replies"] == 3
    follows = [sent_messages(record, calls[i])[-1]["content"][0]["text"] for i in (1, 2, 3)]
    assert "it held no <action>...</action> tag" in follows[0]
    assert "'fly north' is not an action" in follows[1]
    assert "step is not offered now" in follows[2]
    for follow in follows:
        # Said once (the protocol's message is not repeated), and the only actions listed are
        # the ones offered now: none of the test phases' (the protocol's message lists them).
        assert follow.count("not accepted") == 1 and "expected one of" not in follow
        assert not any(word in follow for word in ("rewind", "choose", "found-change", "submit"))
        offered = follow.split("Actions you may take now: ")[1]
        assert offered.startswith("noop, left, right, up, down, click X Y") and "go-to-test" in \
            offered  # fmt: skip


def test_an_invalid_choice_is_explained_with_the_range_offered(server, suite, tmp_path):
    server.add({"reply": "<action>go-to-test</action>"}, *[{"reply": "<action>step</action>"}] * 4,
               {"reply": "<scratchpad>the last one</scratchpad><action>choose 9</action>"})
    record = play(suite, agent_for(server, tmp_path), family="mfp",
                  settings=Settings(budget=2, horizon=6))  # fmt: skip
    calls = record.transcript["calls"]
    bad = next(i for i, c in enumerate(calls) if c["reply"].endswith("choose 9</action>"))
    follow = sent_messages(record, calls[bad + 1])[-1]["content"][0]["text"]
    assert "choose 9: N must be in 0..5" in follow and follow.count("not accepted") == 1


@pytest.mark.parametrize("provider", PROVIDERS)
def test_retries_429_with_retry_after_500_hang_malformed_and_drop(
    server, suite, tmp_path, provider
):
    server.add(
        {"status": 429, "retry_after": "0.3", "body": "slow down"},
        {"status": 500, "body": "oops"},
        {"reply": "<action>go-to-test</action>"},
        {"hang": 1.0},
        {"malformed": True},
        {"reply": "<action>click 2 1</action>"},
    )
    agent = agent_for(server, tmp_path, provider, request={"max_attempts": 3})
    record = play(suite, agent)
    assert record.status == "ok" and record.score == 1.0
    first, second = record.transcript["calls"]
    assert first["attempts"] == 3 and second["attempts"] == 3
    assert "attempt 1: HTTP 429: " in first["errors"][0] and "slow down" in first["errors"][0]
    assert "attempt 2: HTTP 500" in first["errors"][1]
    assert second["errors"][0] == "attempt 1: no reply within 0.2 s"
    assert "attempt 2: malformed reply" in second["errors"][1]
    slept = agent.http.slept
    assert slept[0] == pytest.approx(0.3)  # Retry-After honoured
    assert all(0.005 <= s <= 0.02 for s in slept[1:]) and len(slept) == 4  # jittered backoff
    assert record.usage["attempts"] == 6 and record.usage["calls"] == 2

    server.add({"drop": True}, {"reply": "<action>go-to-test</action>"})
    record = play(suite, agent, settings=Settings(budget=1, horizon=1))
    assert "connection error" in record.transcript["calls"][0]["errors"][0]


def test_retry_after_forms():
    from email.utils import formatdate

    from worldtest.agents.llm.client import retry_after, retry_after_ms

    assert retry_after(formatdate(1000.0 + 7, usegmt=True), now=1000.0) == pytest.approx(7.0)
    assert retry_after("2") == 2.0 and retry_after("soon") is None and retry_after(None) is None
    assert retry_after_ms("1500") == 1.5 and retry_after_ms("x") is None


def test_attempts_exhausted_fail_the_episode_with_the_reason(server, suite, tmp_path):
    server.add({"reply": "<action>right</action>"}, *[{"status": 503}] * 3)
    agent = agent_for(server, tmp_path, request={"max_attempts": 3, "backoff_s": 0.02})
    record = play(suite, agent)
    assert record.status == "failed" and record.score == 0.0
    assert "raised in act(): LlmCallError: 3 attempt(s) failed on http://127.0.0.1:" in record.error
    assert "attempt 3: HTTP 503" in record.error
    assert [a.action for a in record.interaction] == ["right"]
    failed = record.transcript["calls"][-1]
    assert failed["attempts"] == 3 and "reply" not in failed and "LlmCallError" not in failed
    assert record.usage["failed_calls"] == 1 and record.usage["calls"] == 1
    assert agent.http.slept[0] == pytest.approx(agent.http.slept[0]) and len(agent.http.slept) == 2
    assert 0.01 <= agent.http.slept[0] <= 0.02 and 0.02 <= agent.http.slept[1] <= 0.04


def test_a_status_that_is_not_retried_fails_at_once(server, suite, tmp_path):
    server.add({"status": 404, "body": "no such model"})
    agent = agent_for(server, tmp_path)
    record = play(suite, agent)
    assert record.status == "failed" and "HTTP 404" in record.error
    assert "not retried" in record.error
    assert "no such model" in record.error and agent.http.slept == [] and server.n_requests == 1


@pytest.mark.parametrize("provider", PROVIDERS)
def test_the_api_key_is_sent_but_never_recorded_logged_or_shown(
    server, suite, tmp_path, provider, monkeypatch, caplog
):
    monkeypatch.setenv("WT_TEST_API_KEY", KEY)
    server.add({"echo_auth": True, "status": 500, "body": "bad key"},
               {"reply": "<action>go-to-test</action>"},
               *[{"echo_auth": True, "status": 401, "body": "unauthorised"}])  # fmt: skip
    agent = agent_for(server, tmp_path, provider, api_key_env="WT_TEST_API_KEY")
    with caplog.at_level(logging.DEBUG, logger="worldtest"):
        record = play(suite, agent)
    header = {"openai": "authorization", "anthropic": "x-api-key", "gemini": "x-goog-api-key"}
    assert KEY in server.requests[0]["headers"][header[provider]]
    assert all(KEY not in r["path"] for r in server.requests)
    assert record.status == "failed" and "HTTP 401" in record.error and "***" in record.error
    store = ResultsStore(tmp_path / "e.jsonl")
    store.append(record)
    assert "***" in store.path.read_text()
    for text in (store.path.read_text(), record.error, caplog.text, repr(agent), repr(agent.http),
                 *(p.read_text() for p in (tmp_path / "cache").rglob("*.json"))):
        assert KEY not in text
    assert "***" in caplog.text  # the retried 500 was logged, scrubbed


def test_cost_per_price_tier_and_unknown_prices(server, suite, tmp_path):
    server.add({"reply": "<action>go-to-test</action>"}, {"reply": "<action>click 2 1</action>"})
    agent = agent_for(server, tmp_path, prices={"input_per_mtok": 1.5, "output_per_mtok": 6.0,
                      "above": {"threshold_tokens": 750, "input_per_mtok": 3.0,
                                "output_per_mtok": 12.0}})  # fmt: skip
    record = play(suite, agent)
    calls = record.transcript["calls"]
    expected = 0.0
    for c in calls:
        p_in, p_out = (3.0, 12.0) if c["input_tokens"] > 750 else (1.5, 6.0)
        assert c["cost_usd"] == pytest.approx((c["input_tokens"] * p_in + c["output_tokens"]
                                               * p_out) / 1e6, abs=1e-12)  # fmt: skip
        expected += c["cost_usd"]
    assert {c["input_tokens"] > 750 for c in calls} == {True, False}  # both tiers used
    assert record.usage["cost_usd"] == pytest.approx(expected, abs=1e-12)
    assert record.usage["prices"]["above"]["threshold_tokens"] == 750
    # exact arithmetic on round numbers
    from worldtest.agents.llm.providers import Reply

    exact = agent._cost([Reply("", 1_000_000, 0), Reply("", 200, 50_000)])
    assert exact == 3.0 + (200 * 1.5 + 50_000 * 6.0) / 1e6 == 3.3003

    server.add({"reply": "<action>go-to-test</action>"}, {"reply": "<action>quit</action>"})
    free = agent_for(server, tmp_path, prices=None)
    record = play(suite, free)
    assert record.usage["cost_usd"] is None and record.usage["prices"] is None
    assert record.usage["input_tokens"] > 0


def test_images_reach_the_server_as_base64_png(server, suite, tmp_path):
    server.add({"reply": "<action>go-to-test</action>"}, {"reply": "<action>quit</action>"})
    agent = agent_for(server, tmp_path, "anthropic", context={"observation": "image",
                                                              "cell_px": 4})  # fmt: skip
    play(suite, agent)
    blocks = server.requests[0]["body"]["messages"][0]["content"]
    images = [b for b in blocks if b["type"] == "image"]
    assert images and images[0]["source"]["media_type"] == "image/png"
    import base64

    assert base64.b64decode(images[0]["source"]["data"]).startswith(b"\x89PNG")


def test_the_sync_act_refuses_to_run_before_reset(server, tmp_path):
    agent = LlmAgent(preset(server), cache_dir=tmp_path)
    with pytest.raises(RuntimeError, match="before reset"):
        agent.act(None)
    agent.close()


def test_the_cache_replays_an_episode_without_calls(server, suite, tmp_path):
    settings = Settings(budget=4, horizon=3, ticks_per_action=1)
    server.policy = "hash"
    first = play(suite, agent_for(server, tmp_path), "cd", settings)
    n = server.n_requests
    again = play(suite, agent_for(server, tmp_path), "cd", settings)
    assert server.n_requests == n and again.usage["cache_hits"] == again.usage["calls"] == n
    same = ("interaction", "test", "started_at", "duration_s", "transcript", "usage")
    assert again.model_dump(exclude=set(same)) == first.model_dump(exclude=set(same))
    assert [a.action for a in again.interaction + again.test] == [
        a.action for a in first.interaction + first.test]  # fmt: skip
    for key in ("calls", "input_tokens", "output_tokens", "cost_usd"):
        assert again.usage[key] == first.usage[key]
    assert again.transcript["messages"] == first.transcript["messages"]
    # the same requests in another episode (another rng: another cache salt) are not served
    other = play(suite, agent_for(server, tmp_path), "cd", settings, rng_seed=1)
    assert other.usage["cache_hits"] == 0
    assert other.transcript["calls"][0]["sent"] == first.transcript["calls"][0]["sent"]
    assert server.requests[n]["body"] == server.requests[0]["body"]
    # without the cache, every call is made
    play(suite, agent_for(server, tmp_path, use_cache=False), "cd", settings)
    assert server.n_requests == n + other.usage["calls"] + n
    assert json.loads(next((tmp_path / "cache").rglob("*.json")).read_text())["response"]
    np.testing.assert_equal(len(list((tmp_path / "cache").rglob("*.json"))),
                            n + other.usage["calls"])  # fmt: skip
