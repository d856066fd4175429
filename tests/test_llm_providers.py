"""Presets, the three request bodies and reply shapes, and the agent registry's model ids."""

from __future__ import annotations

import pytest

from worldtest.agents import make_agent
from worldtest.agents.llm.preset import (
    DEFAULT_MAX_INPUT_TOKENS,
    LLM_VERSION,
    Preset,
    find_preset,
    load_preset,
)
from worldtest.agents.llm.providers import (
    MalformedReply,
    Reply,
    build_request,
    merge_roles,
    parse_reply,
)
from worldtest.errors import ConfigError

IMAGE = {"type": "image", "media_type": "image/png", "data": "iVBORw0KGgo="}
MESSAGES = [
    {"role": "system", "content": [{"type": "text", "text": "be brief"}]},
    {"role": "user", "content": [{"type": "text", "text": "first"}]},
    {"role": "user", "content": [{"type": "text", "text": "second"}, IMAGE]},
    {"role": "assistant", "content": [{"type": "text", "text": "<action>noop</action>"}]},
    {"role": "user", "content": [{"type": "text", "text": "third"}]},
]


def make(provider: str, **sampling) -> Preset:
    return Preset(id="p", provider=provider, model="m-1", base_url="http://h/x/",
                  sampling=sampling)  # fmt: skip


def test_merge_roles_concatenates_runs_of_one_role():
    merged = merge_roles(MESSAGES[1:])
    assert [role for role, _ in merged] == ["user", "assistant", "user"]
    assert [p.get("text") for p in merged[0][1]] == ["first", "second", None]


def test_openai_body():
    url, headers, body = build_request(
        make("openai", temperature=0.5, seed=3, max_output_tokens=77,
             max_tokens_field="max_completion_tokens", extra={"reasoning_effort": "low"}),
        MESSAGES, "k",
    )  # fmt: skip
    assert url == "http://h/x/chat/completions"
    assert headers["authorization"] == "Bearer k"
    assert body["messages"][0] == {"role": "system", "content": "be brief"}
    user = body["messages"][1]
    assert user["content"][0] == {"type": "text", "text": "first"}
    assert user["content"][2] == {
        "type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}
    }  # fmt: skip
    assert body["messages"][2] == {"role": "assistant", "content": "<action>noop</action>"}
    assert body["messages"][3] == {"role": "user", "content": "third"}
    assert (body["max_completion_tokens"], body["temperature"], body["seed"]) == (77, 0.5, 3)
    assert body["reasoning_effort"] == "low" and "top_p" not in body and "max_tokens" not in body


def test_anthropic_body():
    url, headers, body = build_request(make("anthropic", top_p=0.9), MESSAGES, "k")
    assert url == "http://h/x/v1/messages"
    assert headers["x-api-key"] == "k" and headers["anthropic-version"] == "2023-06-01"
    assert body["system"] == "be brief" and body["max_tokens"] == 4096 and body["top_p"] == 0.9
    assert [m["role"] for m in body["messages"]] == ["user", "assistant", "user"]
    assert body["messages"][0]["content"][2] == {
        "type": "image",
        "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="},
    }
    assert "temperature" not in body


def test_gemini_body_puts_the_key_in_a_header_never_the_url():
    url, headers, body = build_request(
        make("gemini", temperature=0.0, extra={"generationConfig": {"thinkingConfig": {"x": 1}}}),
        MESSAGES, "k",
    )  # fmt: skip
    assert url == "http://h/x/models/m-1:generateContent" and "k" not in url.split("/")[-1]
    assert headers["x-goog-api-key"] == "k"
    assert body["systemInstruction"] == {"parts": [{"text": "be brief"}]}
    assert [c["role"] for c in body["contents"]] == ["user", "model", "user"]
    assert body["contents"][0]["parts"][2] == {
        "inlineData": {"mimeType": "image/png", "data": "iVBORw0KGgo="}
    }
    assert body["generationConfig"] == {
        "maxOutputTokens": 4096, "temperature": 0.0, "thinkingConfig": {"x": 1}
    }  # fmt: skip


def test_no_key_sends_no_auth_header():
    for provider in ("openai", "anthropic", "gemini"):
        _, headers, _ = build_request(make(provider), MESSAGES, None)
        assert not {"authorization", "x-api-key", "x-goog-api-key"} & set(headers)


@pytest.mark.parametrize(
    ("provider", "data", "expected"),
    [
        ("openai", {"choices": [{"message": {"content": "hi"}, "finish_reason": "stop"}],
                    "usage": {"prompt_tokens": 10, "completion_tokens": 3}},
         Reply("hi", 10, 3, "stop")),
        ("openai", {"choices": [{"message": {"content": None}}]}, Reply("", 0, 0, None)),
        ("anthropic", {"content": [{"type": "thinking", "thinking": "hmm"},
                                   {"type": "text", "text": "a"}, {"type": "text", "text": "b"}],
                       "stop_reason": "end_turn",
                       "usage": {"input_tokens": 5, "cache_read_input_tokens": 2,
                                 "output_tokens": 4}},
         Reply("ab", 7, 4, "end_turn")),
        ("gemini", {"candidates": [{"content": {"parts": [{"text": "plan", "thought": True},
                                                          {"text": "<action>up</action>"}]},
                                    "finishReason": "STOP"}],
                    "usageMetadata": {"promptTokenCount": 9, "candidatesTokenCount": 2,
                                      "thoughtsTokenCount": 30}},
         Reply("<action>up</action>", 9, 32, "STOP")),
        ("gemini", {"promptFeedback": {"blockReason": "SAFETY"},
                    "usageMetadata": {"promptTokenCount": 9}}, Reply("", 9, 0, "blocked")),
    ],
)  # fmt: skip
def test_parse_reply(provider, data, expected):
    assert parse_reply(provider, data) == expected


@pytest.mark.parametrize(
    ("provider", "data"),
    [("openai", {"choices": []}), ("openai", []), ("anthropic", {"id": 1}),
     ("gemini", {"error": "x"}), ("openai", {"choices": [{"message": 3}]})],
)  # fmt: skip
def test_malformed_replies_raise(provider, data):
    with pytest.raises(MalformedReply):
        parse_reply(provider, data)


# -- presets --------------------------------------------------------------------------------------


def test_preset_defaults_and_version():
    p = Preset(id="x", provider="anthropic", model="m")
    assert (p.base_url, p.api_key_env) == ("https://api.anthropic.com", "ANTHROPIC_API_KEY")
    assert p.context.observation == "names" and p.context.history == "full"
    assert p.context.max_input_tokens == DEFAULT_MAX_INPUT_TOKENS
    assert p.version.startswith(f"{LLM_VERSION}-")
    assert p.endpoint == "anthropic https://api.anthropic.com"
    same = Preset(id="y", provider="anthropic", model="m", prices={"input_per_mtok": 1,
                  "output_per_mtok": 2}, request={"max_attempts": 2})  # fmt: skip
    assert same.version == p.version  # prices and limits do not change behaviour
    for change in ({"model": "n"}, {"sampling": {"temperature": 0.1}},
                   {"context": {"history": "window"}}, {"base_url": "http://other"},
                   {"context": {"max_input_tokens": 5000}}):
        assert Preset(**{"id": "x", "provider": "anthropic", "model": "m", **change}).version \
            != p.version  # fmt: skip


def test_prices_from_the_command_line_override_the_presets():
    p = Preset(id="x", provider="openai", model="m", prices={
        "input_per_mtok": 1, "output_per_mtok": 2,
        "above": {"threshold_tokens": 10, "input_per_mtok": 5, "output_per_mtok": 6}})  # fmt: skip
    assert p.with_prices(None, None) is p
    both = p.with_prices(3.0, 4.0)
    assert (both.prices.input_per_mtok, both.prices.output_per_mtok, both.prices.above) == (
        3.0, 4.0, None)  # fmt: skip
    assert both.version == p.version  # prices do not change behaviour
    one = p.with_prices(None, 9.0)
    assert (one.prices.input_per_mtok, one.prices.output_per_mtok) == (1, 9.0)
    bare = Preset(id="x", provider="openai", model="m")
    assert bare.with_prices(0.5, 1.5).prices.per_mtok(10**6) == (0.5, 1.5)
    with pytest.raises(ConfigError, match="give both --input-price and --output-price"):
        bare.with_prices(0.5, None)
    with pytest.raises(ConfigError, match=">= 0"):
        p.with_prices(-1.0, None)


def test_load_preset_names_file_and_field(tmp_path):
    good = tmp_path / "mine.toml"
    good.write_text('provider = "gemini"\nmodel = "g"\n[sampling]\ntemperature = 0.2\n')
    p = load_preset(good)
    assert (p.id, p.sampling.temperature, p.source) == ("mine", 0.2, str(good))
    bad = tmp_path / "bad.toml"
    bad.write_text('provider = "gemini"\nmodel = "g"\n[sampling]\ntemprature = 0.2\n')
    with pytest.raises(ConfigError, match=r"bad\.toml: field 'sampling\.temprature'"):
        load_preset(bad)
    bad.write_text('provider = "palm"\nmodel = "g"\n')
    with pytest.raises(ConfigError, match="field 'provider'"):
        load_preset(bad)
    bad.write_text('id = "other"\nprovider = "gemini"\nmodel = "g"\n')
    with pytest.raises(ConfigError, match="a preset's id is its file name"):
        load_preset(bad)
    bad.write_text("provider = \n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_preset(bad)


def test_shipped_presets_load_and_have_prices():
    from worldtest.agents.llm.preset import known_presets, preset_dirs

    names = known_presets()
    assert {"gpt-5", "o3", "claude-sonnet-4-5", "gemini-2.5-pro", "ollama-qwen3"} <= set(names)
    providers = set()
    for name in names:
        p = load_preset(find_preset(name))
        providers.add(p.provider)
        assert p.prices is not None, name
    assert providers == {"openai", "anthropic", "gemini"}
    assert any((d / "gpt-5.toml").is_file() for d in preset_dirs())


def test_make_agent_from_file_short_id_and_flags(tmp_path, monkeypatch):
    monkeypatch.setenv("WT_FAKE_KEY", "abc123")
    path = tmp_path / "agents" / "tiny.toml"
    path.parent.mkdir()
    path.write_text('provider = "openai"\nmodel = "m"\napi_key_env = "WT_FAKE_KEY"\n')
    agent = make_agent(str(path), cache_dir=tmp_path / "c")
    assert (agent.id, agent.version) == ("tiny", load_preset(path).version)
    monkeypatch.chdir(tmp_path)
    assert make_agent("tiny", cache_dir=tmp_path / "c").id == "tiny"  # ./agents/tiny.toml
    adhoc = make_agent("llm", provider="gemini", model="g-2", api_key_env="WT_FAKE_KEY",
                       concurrency=5)  # fmt: skip
    assert (adhoc.id, adhoc.concurrency) == ("llm/gemini/g-2", 5)
    assert adhoc.preset.base_url == "https://generativelanguage.googleapis.com/v1beta"
    with pytest.raises(ConfigError, match="needs --provider"):
        make_agent("llm", model="m")
    monkeypatch.delenv("WT_FAKE_KEY")
    with pytest.raises(ConfigError, match="WT_FAKE_KEY is not set") as err:
        make_agent("tiny")
    assert "abc123" not in str(err.value)
    with pytest.raises(ConfigError, match="unknown agent 'nope': expected one of .*random.*, llm "
                       r"\(with --provider and --model\), a preset in agents/ \(.*gpt-5"):
        make_agent("nope")
