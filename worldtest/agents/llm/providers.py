"""The three provider APIs, spoken over plain HTTP: request bodies in, replies out.

Messages are kept in one provider-neutral form (what records store)::

    {"role": "system" | "user" | "assistant",
     "content": [{"type": "text", "text": "..."},
                 {"type": "image", "media_type": "image/png", "data": "<base64>"}]}

and turned into each API's body here, deterministically (so the record's messages determine
the exact bytes sent). Consecutive messages of the same role are merged into one (their parts
concatenated), as every API wants user and assistant turns to alternate.

- ``openai``: OpenAI-compatible chat completions, ``POST {base_url}/chat/completions`` with
  ``Authorization: Bearer`` (OpenAI, OpenRouter, vLLM, Ollama, llama.cpp server).
- ``anthropic``: the Messages API, ``POST {base_url}/v1/messages`` with ``x-api-key`` and
  ``anthropic-version: 2023-06-01``.
- ``gemini``: ``POST {base_url}/models/{model}:generateContent`` with ``x-goog-api-key`` (a
  header, never the ``?key=`` query, so the key cannot leak through a URL in an error).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from worldtest.agents.llm.preset import Preset, Sampling

__all__ = ["MalformedReply", "Reply", "build_request", "merge_roles", "parse_reply"]

ANTHROPIC_VERSION = "2023-06-01"


class MalformedReply(ValueError):
    """A 2xx response whose body is not the API's reply shape."""


@dataclass(frozen=True)
class Reply:
    """What a call returned.

    Attributes:
        text: the reply text (thinking blocks left out); ``""`` when the model gave none.
        input_tokens, output_tokens: as the provider counted them (output includes reasoning
            or thinking tokens, which are billed as output); 0 when not reported.
        finish: the provider's stop reason, when given.
    """

    text: str
    input_tokens: int
    output_tokens: int
    finish: str | None = None


def merge_roles(messages: Sequence[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """Merge consecutive messages of one role: ``[(role, parts), ...]``."""
    out: list[tuple[str, list[dict[str, Any]]]] = []
    for message in messages:
        if out and out[-1][0] == message["role"]:
            out[-1][1].extend(message["content"])
        else:
            out.append((message["role"], list(message["content"])))
    return out


def _text(parts: list[dict[str, Any]]) -> str:
    return "\n\n".join(p["text"] for p in parts if p["type"] == "text")


def _deep_merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            base[key] = _deep_merge(dict(base[key]), value)
        else:
            base[key] = value
    return base


def build_request(
    preset: Preset, messages: Sequence[dict[str, Any]], api_key: str | None
) -> tuple[str, dict[str, str], dict[str, Any]]:
    """The URL, headers and JSON body of one call.

    Args:
        preset: provider, model, endpoint and sampling settings.
        messages: neutral messages; a leading ``system`` message becomes the system prompt.
        api_key: sent in the provider's header; None sends none (a local server).

    Returns:
        ``(url, headers, body)``.
    """
    system = _text(messages[0]["content"]) if messages and messages[0]["role"] == "system" else ""
    turns = merge_roles(messages[1:] if system else messages)
    builder = {"openai": _openai, "anthropic": _anthropic, "gemini": _gemini}[preset.provider]
    url, headers, body = builder(preset, system, turns, api_key)
    return url, headers, _deep_merge(body, dict(preset.sampling.extra))


def _openai(
    preset: Preset, system: str, turns: list, api_key: str | None
) -> tuple[str, dict[str, str], dict[str, Any]]:
    out: list[dict[str, Any]] = [{"role": "system", "content": system}] if system else []
    for role, parts in turns:
        if all(p["type"] == "text" for p in parts):
            out.append({"role": role, "content": _text(parts)})
            continue
        content = [
            {"type": "text", "text": p["text"]}
            if p["type"] == "text"
            else {"type": "image_url", "image_url": {"url": f"data:{p['media_type']};base64,"
                                                             f"{p['data']}"}}
            for p in parts
        ]  # fmt: skip
        out.append({"role": role, "content": content})
    s: Sampling = preset.sampling
    body: dict[str, Any] = {"model": preset.model, "messages": out}
    body[s.max_tokens_field] = s.max_output_tokens
    for name in ("temperature", "top_p", "seed"):
        if getattr(s, name) is not None:
            body[name] = getattr(s, name)
    headers = {"content-type": "application/json"}
    if api_key:
        headers["authorization"] = f"Bearer {api_key}"
    return f"{preset.base_url}/chat/completions", headers, body


def _anthropic(
    preset: Preset, system: str, turns: list, api_key: str | None
) -> tuple[str, dict[str, str], dict[str, Any]]:
    out = []
    for role, parts in turns:
        content = [
            {"type": "text", "text": p["text"]}
            if p["type"] == "text"
            else {"type": "image", "source": {"type": "base64", "media_type": p["media_type"],
                                              "data": p["data"]}}
            for p in parts
        ]  # fmt: skip
        out.append({"role": role, "content": content})
    s = preset.sampling
    body: dict[str, Any] = {"model": preset.model, "max_tokens": s.max_output_tokens}
    if system:
        body["system"] = system
    body["messages"] = out
    for name in ("temperature", "top_p"):
        if getattr(s, name) is not None:
            body[name] = getattr(s, name)
    headers = {"content-type": "application/json", "anthropic-version": ANTHROPIC_VERSION}
    if api_key:
        headers["x-api-key"] = api_key
    return f"{preset.base_url}/v1/messages", headers, body


def _gemini(
    preset: Preset, system: str, turns: list, api_key: str | None
) -> tuple[str, dict[str, str], dict[str, Any]]:
    contents = []
    for role, parts in turns:
        gparts = [
            {"text": p["text"]}
            if p["type"] == "text"
            else {"inlineData": {"mimeType": p["media_type"], "data": p["data"]}}
            for p in parts
        ]
        contents.append({"role": "model" if role == "assistant" else "user", "parts": gparts})
    s = preset.sampling
    config: dict[str, Any] = {"maxOutputTokens": s.max_output_tokens}
    for name, key in (("temperature", "temperature"), ("top_p", "topP"), ("seed", "seed")):
        if getattr(s, name) is not None:
            config[key] = getattr(s, name)
    body: dict[str, Any] = {}
    if system:
        body["systemInstruction"] = {"parts": [{"text": system}]}
    body["contents"] = contents
    body["generationConfig"] = config
    headers = {"content-type": "application/json"}
    if api_key:
        headers["x-goog-api-key"] = api_key
    return f"{preset.base_url}/models/{preset.model}:generateContent", headers, body


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def parse_reply(provider: str, data: Any) -> Reply:
    """Read a 2xx response body of ``provider``.

    A reply without text (a refusal, a blocked prompt, only thinking) is a :class:`Reply` with
    ``text == ""`` (the agent then sends an invalid action); a body that is not the API's shape
    raises.

    Raises:
        MalformedReply: not a JSON object of the expected shape (the message says what lacked).
    """
    if not isinstance(data, dict):
        raise MalformedReply(f"expected a JSON object, got {type(data).__name__}")
    try:
        return {"openai": _parse_openai, "anthropic": _parse_anthropic, "gemini": _parse_gemini}[
            provider
        ](data)
    except (KeyError, IndexError, TypeError, AttributeError) as err:
        raise MalformedReply(
            f"not a {provider} reply: {type(err).__name__}: {err}"
        ) from None


def _parse_openai(data: dict[str, Any]) -> Reply:
    choice = data["choices"][0]
    content = choice["message"].get("content")
    if isinstance(content, list):  # some servers return parts
        content = "".join(p.get("text", "") for p in content if isinstance(p, dict))
    usage = data.get("usage") or {}
    return Reply(
        content if isinstance(content, str) else "",
        _int(usage.get("prompt_tokens")),
        _int(usage.get("completion_tokens")),
        choice.get("finish_reason"),
    )


def _parse_anthropic(data: dict[str, Any]) -> Reply:
    blocks = data["content"]
    text = "".join(b["text"] for b in blocks if b.get("type") == "text")
    usage = data.get("usage") or {}
    input_tokens = sum(
        _int(usage.get(k))
        for k in ("input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens")
    )
    return Reply(text, input_tokens, _int(usage.get("output_tokens")), data.get("stop_reason"))


def _parse_gemini(data: dict[str, Any]) -> Reply:
    usage = data.get("usageMetadata") or {}
    tokens_in = _int(usage.get("promptTokenCount"))
    tokens_out = _int(usage.get("candidatesTokenCount")) + _int(usage.get("thoughtsTokenCount"))
    candidates = data.get("candidates")
    if not candidates:
        if "promptFeedback" in data or "usageMetadata" in data:  # a blocked prompt
            return Reply("", tokens_in, tokens_out, "blocked")
        raise KeyError("candidates")
    first = candidates[0]
    parts = (first.get("content") or {}).get("parts") or []
    text = "".join(p.get("text", "") for p in parts if not p.get("thought"))
    return Reply(text, tokens_in, tokens_out, first.get("finishReason"))
