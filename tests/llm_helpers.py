"""Shared pieces of the model-agent tests: the fake server, presets, and one-episode runs.

Every test talks to a real HTTP server on 127.0.0.1 (``tests/fakeserver.py``),
never to the network. Timeouts and backoffs are a fraction of a second.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from tiny_suite import make_suite

from worldtest.agents.llm.agent import LlmAgent
from fakeserver import FakeServer
from worldtest.agents.llm.preset import Preset
from worldtest.env import Suite
from worldtest.protocol import Settings, run_episode

PROVIDERS = ("openai", "anthropic", "gemini")
SMALL = Settings(budget=3, horizon=4, ticks_per_action=2)
KEY = "sk-test-Zq8v1SECRETkey0042"


def base_url(server: FakeServer, provider: str) -> str:
    """The endpoint of ``provider`` on the fake server, as a preset would write it."""
    return {"openai": server.url + "/v1", "anthropic": server.url,
            "gemini": server.url + "/v1beta"}[provider]  # fmt: skip


def preset(server: FakeServer, provider: str = "openai", **tables: Any) -> Preset:
    """A preset on the fake server with fast limits (overridable per table)."""
    request = {"timeout_s": 0.2, "max_attempts": 3, "backoff_s": 0.01, "backoff_max_s": 0.05,
               **tables.pop("request", {})}  # fmt: skip
    data = {
        "id": tables.pop("id", f"fake-{provider}"),
        "provider": provider,
        "model": tables.pop("model", "fake-model"),
        "base_url": base_url(server, provider),
        "api_key_env": tables.pop("api_key_env", ""),
        "request": request,
        "prices": tables.pop("prices", {"input_per_mtok": 2.0, "output_per_mtok": 8.0}),
        **tables,
    }
    return Preset.model_validate(data)


def write_preset(folder: Path, name: str, server: FakeServer, provider: str = "openai",
                 extra: str = "", api_key_env: str = "") -> Path:  # fmt: skip
    """An ``agents/<name>.toml`` file on the fake server."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.toml"
    path.write_text(
        f'provider = "{provider}"\nmodel = "fake-{name}"\n'
        f'base_url = "{base_url(server, provider)}"\n'
        f'api_key_env = "{api_key_env}"\n{extra}\n'
        "[prices]\ninput_per_mtok = 2.0\noutput_per_mtok = 8.0\n"
    )
    return path


def tiny_suite(tmp_path_factory: Any) -> Suite:
    """The tiny ``dot`` suite in a fresh temporary folder."""
    return Suite(make_suite(tmp_path_factory.mktemp("suite")))


def play(suite: Suite, agent: Any, family: str = "planning", settings: Settings = SMALL,
         rng_seed: int = 0):  # fmt: skip
    """One episode of the tiny ``dot`` suite (sync driver)."""
    return run_episode(
        agent,
        suite.spec("dot"),
        suite.program("dot"),
        suite.task("dot", family),
        settings,
        42,
        rng=np.random.default_rng(rng_seed),
    )


OPEN: list[LlmAgent] = []


def close_agents() -> None:
    """Close the agents :func:`agent_for` made (their private loops hold connections)."""
    while OPEN:
        OPEN.pop().close()


def agent_for(server: FakeServer, tmp_path: Path, provider: str = "openai", *,
              use_cache: bool = True, **tables: Any):  # fmt: skip
    """An LlmAgent on the fake server, its cache under ``tmp_path``, sleeps recorded; closed
    after the test."""
    agent = LlmAgent(preset(server, provider, **tables), cache_dir=tmp_path / "cache",
                     use_cache=use_cache)  # fmt: skip
    OPEN.append(agent)
    agent.http.slept = []

    async def sleep(seconds: float) -> None:
        agent.http.slept.append(seconds)

    agent.http.sleep = sleep
    return agent
