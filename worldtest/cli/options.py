"""The options of ``worldtest run``, declared once: the parser is built from this table and
``worldtest run`` makes its :class:`~worldtest.runner.RunConfig` from it.

Each :class:`Option` names the ``RunConfig`` field it sets (``None``: the option is the command
line's own, or ``_cmd_run`` combines it with others: ``--agent``, ``--env``, ``--family``,
``--seed``/``--seeds``, ``--workers``/``--ray``), so a new field needs one entry here rather than
an ``add_argument`` call and a hand-copied keyword. Standard library only (``--version`` stays
cheap).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field as dc_field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from worldtest.cli.common import FAMILIES, _non_negative, _positive, _seed_list, _usd

if TYPE_CHECKING:  # pragma: no cover
    import argparse

__all__ = ["Option", "RUN_OPTIONS", "MODEL_OPTIONS", "MODEL_GROUP", "COMPUTED_FIELDS",
           "add_options", "config_fields"]


def _path_or_none(value: str | None) -> Path | None:
    return Path(value) if value else None


@dataclass(frozen=True)
class Option:
    """One command-line option: ``add_argument(*flags, **kwargs)``; it sets ``RunConfig.<field>``
    to ``convert(value)`` (the value itself when ``convert`` is ``None``)."""

    flags: tuple[str, ...]
    kwargs: dict[str, Any]
    field: str | None = None
    convert: Callable[[Any], Any] | None = None
    dest: str = dc_field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "dest", self.flags[-1].lstrip("-").replace("-", "_"))


#: ``RunConfig`` fields ``_cmd_run`` computes from several options (not one-to-one).
COMPUTED_FIELDS = frozenset({"agents", "envs", "families", "seed", "seeds", "workers"})

RUN_OPTIONS: tuple[Option, ...] = (
    Option(("--agent",), dict(
        action="append", metavar="ID",
        help="agent id (built-in or an installed entry point: `worldtest agents`), llm, or a "
        "preset: agents/NAME.toml or NAME (repeatable; default: random and oracle)")),
    Option(("--env",), dict(
        action="append", metavar="NAME", help="environment (repeatable; default: all)")),
    Option(("--family",), dict(
        action="append", choices=FAMILIES, help="task family (repeatable; default: all)")),
    Option(("--seed",), dict(
        type=int, action="append", metavar="N",
        help="episode seed (repeatable; default 42; 0 under --profile paper)")),
    Option(("--seeds",), dict(
        type=_seed_list, metavar="LIST",
        help="episode seeds: ranges and lists, e.g. 1-5 or 1,3,7 (with --seed: both)")),
    Option(("--profile",), dict(
        choices=("worldtest", "paper"), default="worldtest",
        help="protocol settings: ours (default) or the reference harness's "
             "(paper: seed 0, 300-action budget, 501 steps over both phases, "
             "MFP rewind one frame back; README 'The paper profile')"), "profile"),
    Option(("--results",), dict(
        default="results", metavar="DIR", help="results directory (default: results)"),
        "results_dir", Path),
    Option(("--budget",), dict(
        type=_non_negative, metavar="N", help="interaction-phase budget in agent actions"),
        "budget"),
    Option(("--horizon",), dict(
        type=_positive, metavar="N", help="test-phase horizon in test actions"), "horizon"),
    Option(("--ticks-per-action",), dict(
        type=_positive, metavar="N", help="ticks run per interaction action"),
        "ticks_per_action"),
    Option(("--reset-seed",), dict(
        choices=("same", "fresh"), help="seed used after a reset (default: same)"),
        "reset_seed"),
    Option(("--suite",), dict(
        metavar="DIR", help="folder holding environments/ and tasks/ (default: the project root)"),
        "suite", _path_or_none),
    Option(("--summary-json",), dict(metavar="PATH", help="also write the summary as JSON")),
    Option(("--no-progress",), dict(action="store_true", help="no progress bar")),
    Option(("--max-cost",), dict(
        type=_usd, metavar="USD",
        help="make no model call whose worst case would take this run's "
        "spending over USD: episodes then in flight end as failed, no new one "
        "starts; exit status 3 if any was cut or not started (a re-run with a "
        "higher cap resumes them)"), "max_cost"),
    Option(("--dry-run",), dict(
        action="store_true",
        help="print the episodes, calls, tokens and cost each agent would take, "
        "then exit without running (no call, no API key needed)")),
    Option(("--workers",), dict(
        type=_positive, metavar="N",
        help="processes playing the episodes (default: the machine's cores)")),
    Option(("--ray",), dict(
        metavar="ADDRESS",
        help="play the episodes as Ray tasks: 'local' (a Ray instance on this "
        "machine), 'auto' or ray://HOST:PORT (a cluster); needs worldtest[ray]"), "ray"),
    Option(("--wait-lock",), dict(
        action="store_true",
        help="wait while another run writes the same results folder (default: stop)"),
        "wait_lock"),
)

#: The title and description of the argument group of :data:`MODEL_OPTIONS`.
MODEL_GROUP = ("model agents",
               "--agent llm with these flags, or --agent agents/NAME.toml (or NAME)")

MODEL_OPTIONS: tuple[Option, ...] = (
    Option(("--provider",), dict(
        choices=("openai", "anthropic", "gemini"),
        help="API of the agent llm (openai = any OpenAI-compatible server)"), "provider"),
    Option(("--model",), dict(metavar="NAME", help="model of the agent llm"), "model"),
    Option(("--base-url",), dict(
        metavar="URL", help="endpoint of the agent llm (default: the provider's public API)"),
        "base_url"),
    Option(("--api-key-env",), dict(
        metavar="VAR", help="environment variable holding the "
        "API key of the agent llm ('' for none; default: the provider's usual one)"),
        "api_key_env"),
    Option(("--concurrency",), dict(
        type=_positive, metavar="N",
        help="model-agent episodes in flight per endpoint (default: the preset's)"),
        "concurrency"),
    Option(("--cache-dir",), dict(
        metavar="DIR", help="response cache of model agents (default: .worldtest-cache/llm)"),
        "cache_dir", _path_or_none),
    Option(("--no-cache",), dict(
        action="store_true", help="call the model even when the response cache has the reply"),
        "cache", lambda no_cache: not no_cache),
    Option(("--input-price",), dict(
        type=_usd, metavar="USD_PER_MTOK",
        help="input price of the model agents, USD per million tokens (overrides the presets')"),
        "input_price"),
    Option(("--output-price",), dict(
        type=_usd, metavar="USD_PER_MTOK",
        help="output price of the model agents, USD per million tokens "
        "(overrides the presets')"), "output_price"),
)


def add_options(parser: argparse.ArgumentParser | argparse._ArgumentGroup,
                options: tuple[Option, ...]) -> None:
    """Add ``options`` to ``parser`` (a parser or an argument group), in order."""
    for opt in options:
        parser.add_argument(*opt.flags, **opt.kwargs)


def config_fields(args: argparse.Namespace, options: tuple[Option, ...]) -> dict[str, Any]:
    """The ``RunConfig`` keyword arguments the one-to-one ``options`` give from parsed ``args``."""
    out = {}
    for opt in options:
        if opt.field is not None:
            value = getattr(args, opt.dest)
            out[opt.field] = value if opt.convert is None else opt.convert(value)
    return out
