"""Language models as WorldTest agents, over plain HTTP (httpx; no vendor SDKs).

- :mod:`.preset`: the TOML presets in ``agents/`` (provider, model, endpoint, key variable,
  sampling, context policy, limits, prices);
- :mod:`.providers`: OpenAI-compatible chat completions, Anthropic Messages, Gemini
  generateContent: bodies in, replies out;
- :mod:`.client`: one endpoint: timeout, retries with backoff, ``Retry-After``, the cache;
- :mod:`.cache`: the on-disk response cache keyed by the exact request;
- :mod:`.render` and :mod:`.prompts`: what the model is shown and told;
- :mod:`.conversation`: the messages of an episode and the context policies;
- :mod:`.parse`: the action out of a reply;
- :mod:`.agent`: :class:`LlmAgent`, tying them together;

A local server speaking the three APIs with scripted replies (for tests, benchmarks and trying
the harness offline) is a test helper outside the package: ``tests/fakeserver.py``.

Agent ids: ``llm`` (configured by ``--provider --model --base-url --api-key-env``), a preset
file (``agents/NAME.toml``) or a preset's short id (``NAME``, looked up in ``./agents`` and the
project's ``agents/``).
"""

from __future__ import annotations

import os
from typing import Any

__all__ = ["LlmAgent", "llm_preset", "make_llm_agent"]


def __getattr__(name: str) -> Any:  # keep ``import worldtest.agents.llm`` cheap
    if name == "LlmAgent":
        from worldtest.agents.llm.agent import LlmAgent

        return LlmAgent
    raise AttributeError(name)


def make_llm_agent(
    agent_id: str,
    *,
    provider: str | None = None,
    model: str | None = None,
    base_url: str | None = None,
    api_key_env: str | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    cache: bool = True,
    concurrency: int | None = None,
    input_price: float | None = None,
    output_price: float | None = None,
) -> Any:
    """Make the model agent of an id, or return None when the id is not a model agent.

    Args:
        agent_id: ``"llm"`` (then ``provider`` and ``model`` are required), a path to a preset
            file, or a preset's short id.
        provider, model, base_url, api_key_env: the ``llm`` agent's endpoint (the CLI flags).
        cache_dir: the response cache (default ``.worldtest-cache/llm``); cache: False
            bypasses it; concurrency: episodes in flight per endpoint (default: the preset's).
        input_price, output_price: USD per million tokens, overriding the preset's prices
            (``--input-price``, ``--output-price``; see :meth:`.preset.Preset.with_prices`).

    Raises:
        ConfigError: a bad preset, missing ``--provider`` / ``--model``, an API key variable
            that is not set, or one price without the other for an agent without prices.
    """
    from worldtest.agents.llm.agent import LlmAgent
    from worldtest.agents.llm.cache import DEFAULT_CACHE_DIR

    preset = llm_preset(agent_id, provider=provider, model=model, base_url=base_url,
                        api_key_env=api_key_env, input_price=input_price,
                        output_price=output_price)  # fmt: skip
    if preset is None:
        return None
    return LlmAgent(
        preset,
        cache_dir=cache_dir if cache_dir is not None else DEFAULT_CACHE_DIR,
        use_cache=cache,
        concurrency=concurrency,
    )


def llm_preset(
    agent_id: str,
    *,
    provider: str | None = None,
    model: str | None = None,
    base_url: str | None = None,
    api_key_env: str | None = None,
    input_price: float | None = None,
    output_price: float | None = None,
    **_: Any,
) -> Any:
    """The :class:`~.preset.Preset` of a model agent id (no API key needed), or None when the
    id is not a model agent (an entry point's id, a preset of kind ``agent``, another id). Arguments as :func:`make_llm_agent` (others are ignored).

    Raises:
        ConfigError: as :func:`make_llm_agent`, but for the API key.
    """
    from worldtest.agents.llm.preset import Preset, find_preset, load_preset

    if agent_id == "llm":
        preset = Preset.from_flags(provider, model, base_url, api_key_env)
    else:
        from worldtest.agents.plugins import entry_point_agents
        from worldtest.agents.presets import preset_kind, read_preset_table

        path = find_preset(agent_id)
        if path is None or any(e.id == agent_id for e in entry_point_agents()):
            return None  # not a model agent, or an installed agent's id (found first)
        if preset_kind(read_preset_table(path), path) != "llm":
            return None  # a preset of another kind (worldtest.agents.presets)
        preset = load_preset(path)
    return preset.with_prices(input_price, output_price)
