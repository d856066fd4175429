"""Two-stage percentile bootstrap over environments, then episodes (seeds) within them.

Source: protocol section 4 ("a bootstrap confidence interval over environments, and over seeds
where several were run; the report says what the interval means"), Warrier et al. 2025.

A score is a mean of environment values, and an environment's value is a mean over its family
groups of the mean over the group's tasks of the mean over the task's episodes (one episode per
seed, or per human participant). The bootstrap redraws that whole hierarchy:

1. ``idx = rng.integers(0, n_env, size=(n_resamples, n_env))``: each replicate draws ``n_env``
   environments with replacement (environments in the order given).
2. For each environment ``e`` in order, let ``m_e`` be how often it was drawn over all
   replicates. For each of its groups in order, for each task in order with ``k > 1`` episode
   scores: ``draws = rng.integers(0, k, size=(m_e, k))``; row ``i`` of ``draws`` resamples the
   task's episodes for the ``i``-th time ``e`` was drawn, counting the positions of ``idx`` in
   row-major (replicate, position) order. A task with one episode keeps its score (no draw).
3. Each replicate's statistic is the mean over its ``n_env`` drawn environment values.
4. The interval is ``np.percentile(stats, [2.5, 97.5])`` (numpy's default linear
   interpolation) for a 95% level: the percentile interval.

Every interval starts from a fresh ``numpy.random.default_rng(seed)``, so it does not depend on
which other agents or columns are in the report, and the same records give the same report.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = [
    "BOOTSTRAP_SEED",
    "CONFIDENCE",
    "N_RESAMPLES",
    "EnvScores",
    "bootstrap_interval",
    "interval_sentence",
    "point_estimate",
]

BOOTSTRAP_SEED = 20251022
"""Default seed of the bootstrap's ``numpy.random.default_rng`` (recorded in every report)."""

N_RESAMPLES = 2000
"""Default number of bootstrap replicates."""

CONFIDENCE = 0.95
"""Confidence level of the percentile intervals."""

EnvScores = Sequence[Sequence[Sequence[float]]]
"""One environment: groups (families) -> tasks -> episode scores in [0, 1]."""


def _env_value(env: EnvScores) -> float:
    return float(np.mean([np.mean([np.mean(task) for task in group]) for group in env]))


def point_estimate(envs: Sequence[EnvScores]) -> float:
    """The score itself: mean over environments of the environment values (no resampling).

    Args:
        envs: one entry per environment, see :data:`EnvScores`; at least one.

    Raises:
        ValueError: no environments, or an environment, group or task without scores.
    """
    _check(envs)
    return float(np.mean([_env_value(env) for env in envs]))


def _check(envs: Sequence[EnvScores]) -> None:
    if not envs:
        raise ValueError("expected at least one environment, got none")
    for i, env in enumerate(envs):
        if not env or any(not group or any(len(task) == 0 for task in group) for group in env):
            raise ValueError(f"environment {i}: expected non-empty groups, tasks and scores")


def bootstrap_interval(
    envs: Sequence[EnvScores],
    *,
    seed: int = BOOTSTRAP_SEED,
    n_resamples: int = N_RESAMPLES,
    confidence: float = CONFIDENCE,
) -> tuple[float, float]:
    """Percentile bootstrap interval of :func:`point_estimate` (module docstring, steps 1-4).

    Args:
        envs: one entry per environment (see :data:`EnvScores`), in a fixed order.
        seed: seed of the fresh ``numpy.random.default_rng`` the replicates are drawn from.
        n_resamples: bootstrap replicates, at least 1.
        confidence: the interval's level in (0, 1); 0.95 gives the 2.5th and 97.5th percentiles.

    Returns:
        ``(low, high)`` with ``low <= high``, both in the range of the scores.

    Raises:
        ValueError: ``n_resamples < 1``, ``confidence`` outside (0, 1), or ``envs`` as for
            :func:`point_estimate`.
    """
    _check(envs)
    if n_resamples < 1:
        raise ValueError(f"n_resamples must be >= 1, got {n_resamples}")
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    rng = np.random.default_rng(seed)
    n_env = len(envs)
    idx = rng.integers(0, n_env, size=(n_resamples, n_env))
    if all(len(task) == 1 for env in envs for group in env for task in group):
        values = np.array([_env_value(env) for env in envs])[idx]  # no second stage to draw
    else:
        values = np.empty(idx.shape)
        for e, env in enumerate(envs):
            where = np.nonzero(idx == e)  # row-major (replicate, position) order
            m = len(where[0])
            group_means = []
            for group in env:
                task_means = []
                for task in group:
                    scores = np.asarray(task, dtype=float)
                    if len(scores) == 1:
                        task_means.append(np.full(m, scores[0]))
                    else:
                        draws = rng.integers(0, len(scores), size=(m, len(scores)))
                        task_means.append(scores[draws].mean(axis=1))
                group_means.append(np.mean(task_means, axis=0))
            values[where] = np.mean(group_means, axis=0)
    stats = values.mean(axis=1)
    tail = (1.0 - confidence) / 2.0 * 100.0
    low, high = np.percentile(stats, [tail, 100.0 - tail])
    return float(low), float(high)


def interval_sentence(seed: int = BOOTSTRAP_SEED, n_resamples: int = N_RESAMPLES) -> str:
    """The sentence every report prints about what its intervals mean."""
    return (
        f"Intervals are {CONFIDENCE:.0%} percentile bootstrap confidence intervals: the "
        f"environments behind a score are redrawn with replacement, and within each drawn "
        f"environment the episodes of each task (seeds, or human participants) are redrawn "
        f"with replacement; the score is recomputed {n_resamples} times "
        f"(numpy default_rng seed {seed}) and the interval holds the middle {CONFIDENCE:.0%} "
        f"of those scores. It says how much the score could move on another set of "
        f"environments like these (and other seeds), not how it would fare on the paper's "
        f"environments; n is the number of tasks behind the score. Over a single environment "
        f"with a single episode per task an interval collapses to the score and says nothing."
    )
