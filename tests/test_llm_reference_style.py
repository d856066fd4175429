"""The ``reference`` prompt style: what a model agent is told under ``--profile paper``.

A model agent on the fake server (a real HTTP server on 127.0.0.1) plays the planning task of
``tests/fixtures/reference_example`` under the paper settings; the transcript shows what it was
sent. The reference harness's content (BasisResearch/MARAProtocol, ``prompts.py`` and
``concrete_envs.py``) is checked item by item: one system prompt describing every action with
the hint to try each kind, the full JSON colour grid of every frame, each stacked frame with its
time and action, the goal and highlight mask in every planning observation, and none of our
hints (budget, tick count, the three test families, scoring).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from llm_helpers import preset

from worldtest.agents.llm.agent import LlmAgent
from fakeserver import FakeServer
from worldtest.protocol import Settings, run_episode
from worldtest.suite import Suite
from worldtest.authoring.reference import import_reference

EXAMPLE = Path(__file__).resolve().parent / "fixtures" / "reference_example"


@pytest.fixture(scope="module")
def suite(tmp_path_factory: pytest.TempPathFactory) -> Suite:
    root = tmp_path_factory.mktemp("autumnbench")
    import_reference(EXAMPLE, root)
    return Suite(root)


def _play(suite: Suite, tmp_path: Path, settings: Settings, **context: object) -> dict:
    with FakeServer() as server:
        server.add({"reply": "<action>right</action>"}, {"reply": "<action>go-to-test</action>"},
                   {"reply": "<action>noop</action>"})
        agent = LlmAgent(preset(server, request={"timeout_s": 5},
                                context={"scratchpad": True, **context}),
                         cache_dir=tmp_path / "cache")
        try:
            record = run_episode(agent, suite.spec("pebble"), suite.program("pebble"),
                                 suite.task("pebble", "planning"), settings, 0,
                                 rng=np.random.default_rng(0))
        finally:
            agent.close()
    return record.transcript


def _texts(transcript: dict, role: str) -> list[str]:
    return ["\n".join(p["text"] for p in m["content"] if p["type"] == "text")
            for m in transcript["messages"] if m["role"] == role]


def test_paper_profile_sends_the_reference_information(suite: Suite, tmp_path: Path) -> None:
    transcript = _play(suite, tmp_path, Settings.paper(horizon=2).resolved(8))
    assert transcript["prompt_style"] == "reference"
    (system,) = _texts(transcript, "system")  # one system prompt, all phases
    for action in ("click X Y", "left, right, up, down", "noop", "step", "reset", "go-to-test",
                   "quit"):
        assert action in system
    assert "try every kind of action" in system and "<action>click 1 2</action>" in system
    first, second, third = _texts(transcript, "user")[:3]
    grid0 = [["lightblue"] + ["black"] * 5] + [["black"] * 6] * 4 + \
        [["black", "black", "gold", "black", "black", "black"]]
    assert f"Here is the initial state of the grid:\n{json.dumps(grid0)}" in first
    assert "go-to-test to move on to the test phase" in first
    # One action = 1 + FRAME_RATE // 2 = 5 ticks, every one shown as a full grid.
    assert second.count("Frame time: ") == 5 and second.count("Observation: [[") == 5
    assert "Frame time: 1\nAction took: right\nObservation: [[" in second
    assert "Frame time: 2\nAction took: noop\nObservation: [[" in second
    for text in (first, second):
        assert "Actions you may take now: noop, left, right, up, down, click X Y" in text
        assert "Reflect on the action" in text and "<scratchpad>" in text
        for hint in ("budget", "ticks", "masked-frame", "change detection", "score"):
            assert hint not in text.lower() and hint not in system.lower()
    # What the reference does not say, ours does not either: which of X and Y is the column
    # (it offers "click [0-N] [0-N]"), a grid header in text mode, notes in the system prompt.
    assert first.startswith("This is the interaction phase:")
    assert "click X Y (X, Y = 0..5)" in first and "click the cell at position (X, Y)" in system
    for text in (first, second, system):
        assert not re.search(r"\b(column|row)\b", text)
        assert "The current grid is as follows" not in text
    assert "scratchpad" not in system.lower()
    planning = json.loads(third[third.index("{"):third.index("}") + 1])
    assert set(planning) == {"render", "goal", "highlight_mask"}
    assert planning["highlight_mask"][5] == [1] * 6 and planning["goal"][5][1] == "lightblue"


def test_preset_style_overrides_the_profile(suite: Suite, tmp_path: Path) -> None:
    ours = _play(suite, tmp_path, Settings.paper(horizon=2).resolved(8), prompt_style="worldtest")
    assert ours["prompt_style"] == "worldtest" and ours["context"]["prompt_style"] == "worldtest"
    assert "budget" in _texts(ours, "system")[0]
    ref = _play(suite, tmp_path, Settings(horizon=2).resolved(8), prompt_style="reference")
    assert ref["prompt_style"] == "reference"
    assert "Here is the initial state of the grid:" in _texts(ref, "user")[0]


def test_default_profile_keeps_our_prompts(suite: Suite, tmp_path: Path) -> None:
    transcript = _play(suite, tmp_path, Settings(horizon=2).resolved(8))
    assert transcript["prompt_style"] == "worldtest" and "prompt_style" not in \
        transcript["context"]
    assert "Actions left in the budget" in _texts(transcript, "user")[0]


def test_fake_server_logs_every_request_body_as_a_json_line(tmp_path: Path) -> None:
    """``tests/fakeserver.py --log FILE``: one JSON line per request, the body as sent (how the
    prompts in docs/paper-profile.md were captured); a body that is not JSON logs as null."""
    import subprocess
    import sys

    import httpx

    log = tmp_path / "requests.jsonl"
    server = subprocess.Popen(
        [sys.executable, str(Path(__file__).parent / "fakeserver.py"), "--port", "0",
         "--log", str(log)], stdout=subprocess.PIPE, text=True)
    try:
        url = server.stdout.readline().strip()
        body = {"model": "fake", "messages": [
            {"role": "system", "content": "sys"},
            {"role": "user", "content": "grid [[\"black\"]]\nActions you may take now: noop, up"}]}
        reply = httpx.post(url + "/v1/chat/completions", json=body, timeout=10)
        assert reply.json()["choices"][0]["message"]["content"] == "<action>noop</action>"
        httpx.post(url + "/v1/chat/completions", content=b"not json", timeout=10)
    finally:
        server.terminate()
        server.wait(10)
    first, second = (json.loads(line) for line in log.read_text().splitlines())
    assert first == {"route": "openai", "path": "/v1/chat/completions", "body": body}
    assert second["body"] is None


def test_the_prompts_shown_in_the_docs_are_those_sent(suite: Suite, tmp_path: Path) -> None:
    """docs/paper-profile.md quotes the requests verbatim (captured on ``lock``, 5 x 5): its
    system message and the end of its first user message must be what the agent sends."""
    doc = (Path(__file__).resolve().parents[1] / "docs" / "paper-profile.md").read_text()
    system_doc, user_doc = re.findall(r"```text\n(.*?)\n```", doc, re.S)[:2]
    transcript = _play(suite, tmp_path, Settings.paper(horizon=2).resolved(8))
    (system,) = _texts(transcript, "system")
    assert system_doc == system
    tail = user_doc[user_doc.index("Actions you may take now:"):].replace("0..4", "0..5")
    assert _texts(transcript, "user")[0].endswith(tail)
