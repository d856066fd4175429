"""Per-episode results as CSV (``worldtest report --csv PATH``), for spreadsheets and pandas.

One row per episode after de-duplication (:func:`worldtest.report.rows.deduplicate`: the last
``ok`` record of a key wins), in the order the records were read. Columns (:data:`CSV_COLUMNS`):
agent, agent version, environment, family, task id and version, stochastic, seed, task seed,
score in [0, 1], status (``ok`` / ``failed``), interaction and test actions (counts), resets,
invalid actions, duration in wall seconds, model calls, input and output tokens, cost in USD
(empty when the agent reports none), start time (ISO 8601 UTC), worldtest version, the
protocol settings (``budget``, ``horizon``, ``ticks_per_action``, ``reset_seed``), the record's
key, and the error of a failed episode.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from worldtest.errors import ConfigError
from worldtest.report.rows import deduplicate
from worldtest.results import EpisodeRecord

__all__ = ["CSV_COLUMNS", "episodes_csv", "write_csv"]

CSV_COLUMNS: tuple[str, ...] = (
    "agent", "agent_version", "env", "family", "task_id", "task_version", "stochastic", "seed",
    "task_seed", "score", "status", "interaction_actions", "test_actions", "resets", "invalid",
    "duration_s", "calls", "input_tokens", "output_tokens", "cost_usd", "started_at",
    "worldtest_version", "budget", "horizon", "ticks_per_action", "reset_seed", "key", "error",
)  # fmt: skip
"""The CSV header, in column order (module docstring)."""


def _row(record: EpisodeRecord) -> dict[str, object]:
    usage, settings = record.usage, record.settings
    return {
        "agent": record.agent,
        "agent_version": record.agent_version,
        "env": record.env,
        "family": record.family,
        "task_id": record.task_id,
        "task_version": record.task_version,
        "stochastic": record.stochastic,
        "seed": record.seed,
        "task_seed": record.task_seed,
        "score": record.score,
        "status": record.status,
        "interaction_actions": len(record.interaction),
        "test_actions": len(record.test),
        "resets": record.n_resets,
        "invalid": record.n_invalid,
        "duration_s": round(record.duration_s, 3),
        "calls": usage.get("calls"),
        "input_tokens": usage.get("input_tokens"),
        "output_tokens": usage.get("output_tokens"),
        "cost_usd": usage.get("cost_usd"),
        "started_at": record.started_at,
        "worldtest_version": record.worldtest_version,
        **{name: settings.get(name) for name in ("budget", "horizon", "ticks_per_action",
                                                  "reset_seed")},
        "key": record.key,
        "error": record.error,
    }


def episodes_csv(records: Sequence[EpisodeRecord]) -> str:
    """The CSV text: header, then one row per de-duplicated episode (``None`` -> empty cell)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for record in deduplicate(records):
        writer.writerow({k: "" if v is None else v for k, v in _row(record).items()})
    return out.getvalue()


def write_csv(records: Sequence[EpisodeRecord], path: Path) -> Path:
    """Write :func:`episodes_csv` to ``path`` (creating its folder); returns ``path``.

    Raises:
        ConfigError: the file cannot be written.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(episodes_csv(records), encoding="utf-8")
    except OSError as err:
        raise ConfigError(f"{path}: cannot write the CSV: {err.strerror or err}") from None
    return path
