"""Train an exploration policy on a world's Gymnasium interaction phase, then score it.

The agent is a tabular Q-learner (optimistic initial values, epsilon-greedy) trained only on an
intrinsic reward -- the count-based novelty bonus of ``worldtest.gym.CountNovelty`` -- on
``worldtest/<env>-v0``, wrapped with Gymnasium's own ``TransformObservation`` (frames hashed to
table keys) and ``RecordEpisodeStatistics``. No torch needed. Any library's agent plugs in the same
way: e.g. with stable-baselines3 (which needs torch), ``PPO("MlpPolicy", env).learn(...)`` and
``policy = lambda obs: int(model.predict(obs, deterministic=True)[0])``.

The trained policy is then scored through the WorldTest protocol: it plays the interaction phase
of real episodes (``worldtest.protocol.run_episode``), the explorer's world model learns from the
ticks its actions produced, and the three test phases measure what that exploration taught
(``worldtest.gym.policy_explorer``). The built-in ``explorer`` (deliberate experiments) and
``random`` agents are scored beside it on the same episodes.

Run by hand (about a minute per environment with the defaults)::

    python examples/train_gym.py --env ice --env gravity --episodes 20 --seed 42

It prints, per agent, the score of each family and the mean over the three; the test suite runs
a tiny version (one environment, two short episodes).
"""

from __future__ import annotations

import argparse
import hashlib
import time
from collections import defaultdict

import gymnasium as gym
import numpy as np
from gymnasium.wrappers import RecordEpisodeStatistics, TransformObservation

import worldtest.gym as wg
from worldtest.agents import make_agent
from worldtest.env import FAMILIES, Suite
from worldtest.protocol import Settings, run_episode
from worldtest.runner import episode_rng


class QLearner:
    """Tabular Q-learning over hashed frames with optimistic initial values.

    Args:
        n_actions: size of the Discrete action space.
        rng: the learner's generator (exploration and ties).
        alpha, gamma, epsilon: step size, discount, exploration rate.
        optimism: the initial value of every (state, action).
    """

    def __init__(self, n_actions: int, rng: np.random.Generator, alpha: float = 0.5,
                 gamma: float = 0.9, epsilon: float = 0.1, optimism: float = 2.0) -> None:
        self.n = n_actions
        self.rng = rng
        self.alpha, self.gamma, self.epsilon = alpha, gamma, epsilon
        self.q: dict[bytes, np.ndarray] = defaultdict(lambda: np.full(self.n, optimism))

    def act(self, state: bytes, greedy: bool = False) -> int:
        if not greedy and self.rng.random() < self.epsilon:
            return int(self.rng.integers(self.n))
        values = self.q[state]
        best = np.flatnonzero(values == values.max())
        return int(best[int(self.rng.integers(len(best)))])

    def update(self, s: bytes, a: int, r: float, s2: bytes, done: bool) -> None:
        target = r + (0.0 if done else self.gamma * self.q[s2].max())
        self.q[s][a] += self.alpha * (target - self.q[s][a])


def state_key(frame: np.ndarray) -> bytes:
    """A frame's table key: 16 bytes of its SHA-1."""
    return hashlib.sha1(np.ascontiguousarray(frame).tobytes()).digest()[:16]


def train(env_name: str, episodes: int, seed: int, budget: int = 200) -> QLearner:
    """Train a :class:`QLearner` on ``worldtest/<env>-v0`` with the novelty bonus only."""
    env = gym.make(f"worldtest/{env_name}-v0", budget=budget)
    env = wg.CountNovelty(env)
    env = TransformObservation(env, state_key, observation_space=None)
    env = RecordEpisodeStatistics(env)
    learner = QLearner(env.action_space.n, np.random.default_rng(seed))
    for episode in range(episodes):
        state, _ = env.reset(seed=seed + episode)
        done = False
        while not done:
            action = learner.act(state)
            nxt, reward, terminated, truncated, _ = env.step(action)
            learner.update(state, action, reward, nxt, terminated)
            state, done = nxt, terminated or truncated
    env.close()
    return learner


def score(agents: dict, env_name: str, seeds: list[int], suite: Suite | None = None,
          settings: Settings | None = None) -> dict[str, dict[str, float]]:
    """Mean score per agent and family over ``seeds`` on the tasks of one environment."""
    suite = suite or Suite()
    settings = settings or Settings()
    out: dict[str, dict[str, float]] = {}
    for name, agent in agents.items():
        out[name] = {}
        for family in FAMILIES:
            task = suite.task(env_name, family)
            scores = [run_episode(agent, suite.spec(env_name), suite.program(env_name), task,
                                  settings, s, rng=episode_rng(s, agent.id, task.id)).score
                      for s in seeds]
            out[name][family] = float(np.mean(scores))
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--env", action="append", help="environment (repeatable; default ice)")
    parser.add_argument("--episodes", type=int, default=20, help="training episodes per env")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--eval-seeds", type=int, default=2, help="protocol seeds per task")
    args = parser.parse_args(argv)
    seeds = [args.seed + i for i in range(args.eval_seeds)]
    for env_name in args.env or ["ice"]:
        t0 = time.perf_counter()
        learner = train(env_name, args.episodes, args.seed)
        policy = lambda obs, q=learner: q.act(state_key(obs), greedy=True)
        agents = {"q-novelty": wg.policy_explorer(policy, agent_id="q-novelty"),
                  "explorer": make_agent("explorer"), "random": make_agent("random")}
        table = score(agents, env_name, seeds)
        print(f"{env_name}: trained {args.episodes} episodes, "
              f"{len(learner.q)} states ({time.perf_counter() - t0:.0f} s in all)")
        for name, row in table.items():
            cells = "  ".join(f"{f} {row[f]:.3f}" for f in FAMILIES)
            print(f"  {name:10s} {cells}  mean {np.mean(list(row.values())):.3f}")


if __name__ == "__main__":
    main()
