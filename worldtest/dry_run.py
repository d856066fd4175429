"""``worldtest run --dry-run``: what a run would take, estimated without running it.

For each agent of a :class:`~worldtest.runner.RunConfig`: the episodes it would run (those not
yet in the results store) and, for model agents, their calls, tokens and cost
(:mod:`worldtest.agents.llm.estimate` per episode, on frames sampled from each environment).
No model is called and no API key is needed. Planning and the cost checks are the runner's
own (:func:`worldtest.runner.plan`, :func:`worldtest.runner.check_money`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from worldtest.agents import make_agent
from worldtest.errors import WorldtestError
from worldtest.results import ResultsStore
from worldtest.runner import RunConfig, check_money, plan
from worldtest.suite import Suite

__all__ = ["ESTIMATE_ACTIONS", "AgentEstimate", "estimate"]


@dataclass(frozen=True)
class AgentEstimate:
    """What one agent's share of a run would take (``worldtest.agents.llm.estimate``).

    Attributes:
        agent: the agent id (a preset's id, as records name it); episodes: episodes to run
        (those not yet in the store);
        stored: episodes already in the store (not run again); calls: model calls at most;
        input_tokens, output_tokens: expected totals; cost_usd: expected USD (0 for agents
        that call no model, None for a model agent without prices); worst_cost_usd: with
        every reply ``max_output_tokens`` long; largest_input_tokens: the largest input of
        one call; max_input_tokens: the context budget (0: none; None: not a model agent);
        episode_worst_usd: the worst cost of one episode; in_flight: episodes at most in
        flight at once (the concurrency).
    """

    agent: str
    episodes: int
    stored: int
    calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float | None = 0.0
    worst_cost_usd: float | None = 0.0
    largest_input_tokens: int = 0
    max_input_tokens: int | None = None
    episode_worst_usd: float | None = 0.0
    in_flight: int = 1


def estimate(config: RunConfig) -> list[AgentEstimate]:
    """Estimate each agent's episodes, calls, tokens and cost for ``config``, making no call
    and needing no API key (``worldtest run --dry-run``).

    Returns:
        One :class:`AgentEstimate` per agent, in ``config.agents`` order.

    Raises:
        ConfigError: as :func:`run` (but for an unset API key variable).
    """
    from worldtest.agents import AGENTS
    from worldtest.agents.llm import llm_preset
    from worldtest.agents.llm.estimate import estimate_episode

    suite = Suite(config.suite)
    options = config.llm_options()
    agents: dict[str, Any] = {}
    for agent_id in config.agents:
        preset = None if agent_id in AGENTS else llm_preset(agent_id, **options)
        agents[agent_id] = preset if preset is not None else make_agent(agent_id, **options)
    check_money(config, {a: _Priced(p) for a, p in agents.items()})
    jobs = plan(config, suite, agents, None)
    done = ResultsStore.for_dir(config.results_dir).keys()
    samples: dict[tuple[str, int], list[list[Any]]] = {}
    out = []
    for agent_id, agent in agents.items():
        mine = [job for job in jobs if job.agent_id == agent_id]
        todo = [job for job in mine if job.key not in done]
        if not hasattr(agent, "context"):  # not a model agent
            out.append(AgentEstimate(agent.id, len(todo), len(mine) - len(todo)))
            continue
        rows = []
        for job in todo:
            tpa = job.settings.ticks_per_action
            if (job.env, tpa) not in samples:
                samples[job.env, tpa] = _sample_frames(
                    suite.program(job.env), config.episode_seed, tpa
                )
            rows.append(estimate_episode(agent, job.settings, samples[job.env, tpa],
                                         job.task.family))  # fmt: skip
        priced = agent.prices is not None
        out.append(AgentEstimate(
            agent.id, len(todo), len(mine) - len(todo),
            calls=sum(r.calls for r in rows),
            input_tokens=sum(r.input_tokens for r in rows),
            output_tokens=sum(r.output_tokens for r in rows),
            cost_usd=sum(r.cost_usd or 0.0 for r in rows) if priced else None,
            worst_cost_usd=sum(r.worst_cost_usd or 0.0 for r in rows) if priced else None,
            largest_input_tokens=max((r.largest_input_tokens for r in rows), default=0),
            max_input_tokens=agent.context.max_input_tokens,
            episode_worst_usd=max((r.worst_cost_usd or 0.0 for r in rows), default=0.0)
            if priced else None,
            in_flight=min(len(todo), config.concurrency or agent.request.concurrency),
        ))  # fmt: skip
    return out


ESTIMATE_ACTIONS = 12
"""Actions sampled per environment to size the interaction observations of an estimate."""


def _sample_frames(program: Any, seed: int, ticks_per_action: int) -> list[list[Any]]:
    """Frame 0, then the frames of :data:`ESTIMATE_ACTIONS` actions drawn uniformly from the
    program actions (clicks on uniform cells) by ``default_rng(seed)``, labelled as the
    protocol labels them. A program that fails on the way ends the sample early."""
    from worldtest.env import PROGRAM_TEMPLATES, AutumnEnv, Frame

    env = AutumnEnv(program, seed, ticks_per_action=ticks_per_action)
    rng = np.random.default_rng(seed)
    out = [[Frame(0, None, env.frame)]]
    for _ in range(ESTIMATE_ACTIONS):
        action = str(rng.choice(PROGRAM_TEMPLATES))
        if action == "click X Y":
            x, y = rng.integers(env.grid_size, size=2)
            action = f"click {x} {y}"
        try:
            grids = env.step(action)
        except WorldtestError:
            break
        first = env.tick - len(grids) + 1
        out.append([Frame(first + i, action if i == 0 else None, g) for i, g in enumerate(grids)])
    return out


class _Priced:
    """A preset seen as an agent by :func:`worldtest.runner.check_money` (None for other agents)."""

    def __init__(self, agent: Any) -> None:
        self.preset = agent if hasattr(agent, "prices") else None
