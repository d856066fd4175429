"""Agent presets: one small TOML file per configured model agent (``agents/<id>.toml``).

A preset names the provider, the model, the endpoint, the environment variable that holds the
API key (never the key itself), the sampling settings, the context policy, the request limits
and the prices. The preset's id is its file stem: ``agents/gpt-4.1.toml`` is the agent
``gpt-4.1``. Format (every table but the top level is optional; defaults shown)::

    kind = "llm"                             # optional (worldtest.agents.presets)
    provider = "openai"                      # openai | anthropic | gemini
    model = "gpt-4.1-2025-04-14"
    base_url = "https://api.openai.com/v1"   # default: the provider's public endpoint
    api_key_env = "OPENAI_API_KEY"           # default: the provider's usual name; "" = no key

    [sampling]
    temperature = 1.0                        # omitted = the provider's default
    top_p = 0.95                             # omitted = the provider's default
    max_output_tokens = 4096
    seed = 7                                 # OpenAI-compatible and Gemini only
    max_tokens_field = "max_tokens"          # OpenAI-compatible: or "max_completion_tokens"
    extra = { reasoning_effort = "high" }    # merged into the request body as is

    [context]
    observation = "names"                    # names | letters | image
    history = "full"                         # full | window | summary
    window = 20                              # turns kept verbatim by window / summary
    scratchpad = true                        # invite <scratchpad> notes before the action
    cell_px = 16                             # image: pixels per cell
    max_input_tokens = 100000                # context budget per request; 0 = none

    [request]
    timeout_s = 120.0                        # per attempt
    max_attempts = 6
    backoff_s = 1.0                          # first backoff; doubles per attempt, with jitter
    backoff_max_s = 60.0
    retry_after_max_s = 300.0                # longest Retry-After honoured
    concurrency = 8                          # episodes in flight on this endpoint

    [prices]                                 # USD per million tokens; omitted = cost unknown
    input_per_mtok = 2.0
    output_per_mtok = 8.0
    above = { threshold_tokens = 200000, input_per_mtok = 4.0, output_per_mtok = 16.0 }

The agent's version (records carry it, house style 4) is derived from :data:`LLM_VERSION` and a
hash of everything that changes behaviour (provider, model, endpoint, sampling, context), so
changing any of those gives new episode keys; prices, limits and the key variable do not.
"""

from __future__ import annotations

import hashlib
import json
import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    model_serializer,
    model_validator,
)

from worldtest.errors import ConfigError

__all__ = [
    "DEFAULT_BASE_URLS",
    "DEFAULT_KEY_ENVS",
    "DEFAULT_MAX_INPUT_TOKENS",
    "LLM_VERSION",
    "PROVIDERS",
    "Context",
    "Preset",
    "Prices",
    "Request",
    "Sampling",
    "find_preset",
    "known_presets",
    "load_preset",
    "preset_dirs",
]

LLM_VERSION = "4"
"""Version of the model agent's behaviour (prompts, rendering, parsing, what the history
keeps); part of every LLM agent's version string. 2: replies capped in the history, the
context budget, feedback on an invalid reply said once. 3: the planning and CD prompts no
longer say the test restarts from the initial state (issue 15). 4: the ``reference`` prompt
style no longer says which of X and Y is the column, drops its text-mode grid header and its
system-prompt note on notes (docs/paper-profile.md)."""

DEFAULT_MAX_INPUT_TOKENS = 100_000
"""The context budget of a preset that sets none (``[context] max_input_tokens``), in input
tokens per request. Below the context window of every shipped hosted model (the smallest,
Claude's and o3's, hold 200k tokens), with room for the reply and for the error of the
estimate; it caps one call's input cost at 0.1 x the input price per million tokens."""

PROVIDERS = ("openai", "anthropic", "gemini")
"""The provider APIs spoken (``worldtest.agents.llm.providers``)."""

DEFAULT_BASE_URLS = {
    "openai": "https://api.openai.com/v1",
    "anthropic": "https://api.anthropic.com",
    "gemini": "https://generativelanguage.googleapis.com/v1beta",
}
"""The public endpoint of each provider, used when a preset gives no ``base_url``."""

DEFAULT_KEY_ENVS = {
    "openai": "OPENAI_API_KEY",
    "anthropic": "ANTHROPIC_API_KEY",
    "gemini": "GEMINI_API_KEY",
}
"""The usual environment variable of each provider's key, used when none is named."""


class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Sampling(_Table):
    """How replies are sampled. None leaves a setting to the provider's default."""

    temperature: float | None = Field(default=None, ge=0.0)
    top_p: float | None = Field(default=None, gt=0.0, le=1.0)
    max_output_tokens: int = Field(default=4096, ge=1)
    seed: int | None = None
    max_tokens_field: Literal["max_tokens", "max_completion_tokens"] = "max_tokens"
    extra: dict[str, Any] = Field(default_factory=dict)


class Context(_Table):
    """What the model is shown (``worldtest.agents.llm.render`` and ``.conversation``).

    Attributes:
        observation: ``names`` (each frame a grid of colour names, as in the paper), ``letters``
            (one character per cell, with a legend) or ``image`` (one PNG per frame).
        history: ``full`` (every earlier message, the default), ``window`` (the last ``window``
            turns, plus the first message of the episode and of the current phase) or
            ``summary`` (older turns replaced by one-line summaries written by the harness,
            in blocks of ``window``).
        window: turns (observation + reply) kept verbatim by ``window`` and ``summary``.
        scratchpad: tell the model it may think in ``<scratchpad>`` tags before acting.
        cell_px: pixels per cell side in images.
        max_input_tokens: the context budget: the most input tokens one request may hold (as
            estimated by ``worldtest.agents.llm.conversation``); older turns are then left out
            (``full``, ``window``) or summarised first (``summary``). 0: no budget. Default
            :data:`DEFAULT_MAX_INPUT_TOKENS`.
        prompt_style: ``worldtest`` (our prompts), ``reference`` (the information the reference
            harness gives its model, each frame a full JSON colour grid:
            ``worldtest.agents.llm.prompts.PROMPT_STYLES``), or None: ``reference`` under
            ``--profile paper``, else ``worldtest``. Transcripts record the style in force.
    """

    observation: Literal["names", "letters", "image"] = "names"
    history: Literal["full", "window", "summary"] = "full"
    window: int = Field(default=20, ge=1)
    scratchpad: bool = True
    cell_px: int = Field(default=16, ge=1, le=64)
    max_input_tokens: int = Field(default=DEFAULT_MAX_INPUT_TOKENS, ge=0)
    prompt_style: Literal["worldtest", "reference"] | None = None

    @model_serializer(mode="wrap")
    def _dump(self, handler: Any) -> dict[str, Any]:
        # Left out when None, so agent versions (a hash of this dump) stay as they were.
        data = handler(self)
        if data.get("prompt_style", "") is None:
            del data["prompt_style"]
        return data


class Request(_Table):
    """Per-call limits, retries (exponential backoff with jitter) and concurrency."""

    timeout_s: float = Field(default=120.0, gt=0.0)
    max_attempts: int = Field(default=6, ge=1)
    backoff_s: float = Field(default=1.0, ge=0.0)
    backoff_max_s: float = Field(default=60.0, ge=0.0)
    retry_after_max_s: float = Field(default=300.0, ge=0.0)
    concurrency: int = Field(default=8, ge=1)


class LongContextPrices(_Table):
    """Prices for calls whose input exceeds ``threshold_tokens`` (e.g. Gemini 2.5 Pro)."""

    threshold_tokens: int = Field(ge=1)
    input_per_mtok: float = Field(ge=0.0)
    output_per_mtok: float = Field(ge=0.0)


class Prices(_Table):
    """USD per million input and output tokens (reasoning tokens are billed as output)."""

    input_per_mtok: float = Field(ge=0.0)
    output_per_mtok: float = Field(ge=0.0)
    above: LongContextPrices | None = None

    def per_mtok(self, input_tokens: int) -> tuple[float, float]:
        """The (input, output) prices that apply to a call with ``input_tokens`` input."""
        if self.above is not None and input_tokens > self.above.threshold_tokens:
            return self.above.input_per_mtok, self.above.output_per_mtok
        return self.input_per_mtok, self.output_per_mtok


class Preset(_Table):
    """One configured model agent (see the module docstring for the TOML form).

    Attributes:
        id: the agent id (the file stem, or ``llm/<provider>/<model>`` for a preset made from
            command-line flags).
        provider, model, base_url, api_key_env: the endpoint; ``api_key_env`` names the
            environment variable holding the key (``""``: send no key, e.g. a local server).
        sampling, context, request, prices: the tables above; ``prices`` None = cost unknown.
        source: the file it came from, if any.
    """

    id: str = Field(min_length=1)
    provider: Literal["openai", "anthropic", "gemini"]
    model: str = Field(min_length=1)
    base_url: str = ""
    api_key_env: str | None = None
    sampling: Sampling = Field(default_factory=Sampling)
    context: Context = Field(default_factory=Context)
    request: Request = Field(default_factory=Request)
    prices: Prices | None = None
    source: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _defaults(cls, data: Any) -> Any:
        """Fill ``base_url`` and ``api_key_env`` from the provider's defaults."""
        if isinstance(data, dict) and data.get("provider") in PROVIDERS:
            data = dict(data)
            data["base_url"] = str(data.get("base_url") or DEFAULT_BASE_URLS[data["provider"]])
            data["base_url"] = data["base_url"].rstrip("/")
            if data.get("api_key_env") is None:
                data["api_key_env"] = DEFAULT_KEY_ENVS[data["provider"]]
        return data

    @property
    def version(self) -> str:
        """``"<LLM_VERSION>-<8 hex digits>"``: changes with anything that changes behaviour."""
        behaviour = {
            "provider": self.provider,
            "model": self.model,
            "base_url": self.base_url,
            "sampling": self.sampling.model_dump(),
            "context": self.context.model_dump(),
        }
        canonical = json.dumps(behaviour, sort_keys=True, separators=(",", ":"))
        return f"{LLM_VERSION}-{hashlib.sha256(canonical.encode()).hexdigest()[:8]}"

    def with_prices(self, input_per_mtok: float | None, output_per_mtok: float | None) -> Preset:
        """This preset with the prices of ``--input-price`` / ``--output-price`` (USD per
        million tokens). A price not given keeps the preset's; the long-context tier
        (``above``) is dropped when either is given (the command line sets flat prices).

        Raises:
            ConfigError: only one of the two given and the preset has no prices, or a
                negative price.
        """
        if input_per_mtok is None and output_per_mtok is None:
            return self
        old = self.prices
        if old is None and (input_per_mtok is None or output_per_mtok is None):
            raise ConfigError(
                f"agent {self.id!r} has no prices: give both --input-price and --output-price "
                "(USD per million tokens)"
            )
        if min(p for p in (input_per_mtok, output_per_mtok) if p is not None) < 0:
            raise ConfigError("--input-price and --output-price must be >= 0 (USD per million "
                              "tokens)")  # fmt: skip
        prices = Prices(
            input_per_mtok=old.input_per_mtok if input_per_mtok is None else input_per_mtok,
            output_per_mtok=old.output_per_mtok if output_per_mtok is None else output_per_mtok,
        )
        return self.model_copy(update={"prices": prices})

    @property
    def endpoint(self) -> str:
        """``"<provider> <base_url>"``: the runner's unit of concurrency."""
        return f"{self.provider} {self.base_url}"

    def api_key(self) -> str | None:
        """The API key from the environment, or None when the preset names no variable.

        Raises:
            ConfigError: the named variable is not set or empty (the message names the
                variable, never a value).
        """
        if not self.api_key_env:
            return None
        key = os.environ.get(self.api_key_env, "")
        if not key:
            raise ConfigError(
                f"agent {self.id!r}: the environment variable {self.api_key_env} is not set; "
                f"it must hold the {self.provider} API key (api_key_env of the preset, or "
                f'--api-key-env; use api_key_env = "" for a server that needs no key)'
            )
        return key

    @classmethod
    def from_flags(
        cls,
        provider: str | None,
        model: str | None,
        base_url: str | None = None,
        api_key_env: str | None = None,
    ) -> Preset:
        """A preset from the ``--provider --model --base-url --api-key-env`` flags.

        Raises:
            ConfigError: no provider or model, or an unknown provider.
        """
        if not provider or not model:
            raise ConfigError(
                "agent 'llm' needs --provider (openai, anthropic or gemini) and --model NAME "
                "(or use a preset: --agent agents/NAME.toml)"
            )
        data = {"id": f"llm/{provider}/{model}", "provider": provider, "model": model}
        if base_url:
            data["base_url"] = base_url
        if api_key_env is not None:
            data["api_key_env"] = api_key_env
        return _validate(data, "command-line flags")


def _validate(data: dict[str, Any], where: str) -> Preset:
    try:
        return Preset.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "<preset>"
        raise ConfigError(
            f"{where}: field '{field}': {first['msg']} ({err.error_count()} error(s))"
        ) from None


def load_preset(path: str | os.PathLike[str]) -> Preset:
    """Read a preset file; its id is the file stem.

    Raises:
        ConfigError: the file cannot be read, is not TOML, sets ``id`` itself, or a field is
            wrong (the message names the file and the dotted field).
    """
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise ConfigError(f"{path}: cannot read the preset: {err.strerror or err}") from None
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: not valid TOML: {err}") from None
    if "id" in data or "source" in data:
        raise ConfigError(f"{path}: field 'id': a preset's id is its file name ({path.stem!r})")
    if data.get("kind", "llm") == "llm":  # the kind (worldtest.agents.presets) may be said
        data.pop("kind", None)
    return _validate({**data, "id": path.stem, "source": str(path)}, str(path))


def preset_dirs() -> list[Path]:
    """Where short preset ids are looked up: ``./agents``, then the project's ``agents/``."""
    from worldtest.suite import default_suite_root

    out: list[Path] = []
    for d in (Path.cwd() / "agents", default_suite_root() / "agents"):
        if d.resolve() not in [o.resolve() for o in out]:
            out.append(d)
    return out


def find_preset(agent_id: str) -> Path | None:
    """The preset file of an id: a path to a ``.toml`` file, or a file stem in :func:`preset_dirs`.

    Returns None when there is none.
    """
    if agent_id.endswith(".toml") or os.sep in agent_id or "/" in agent_id:
        path = Path(agent_id)
        return path if path.suffix == ".toml" and path.is_file() else None
    for d in preset_dirs():
        candidate = d / f"{agent_id}.toml"
        if candidate.is_file():
            return candidate
    return None


def known_presets() -> list[str]:
    """The ids of the presets in :func:`preset_dirs`, sorted."""
    return sorted({p.stem for d in preset_dirs() if d.is_dir() for p in d.glob("*.toml")})
