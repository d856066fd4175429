"""Build a whole report from records and write it: ``leaderboard.md``, ``report.html``, GIFs.

:func:`build_report` gathers everything the renderings show (leaderboard rows with intervals,
individual human participants, behaviour statistics, per-environment scores, and for each row
and family a few replayed episodes with thumbnails and GIFs); :func:`write_report` writes the
Markdown and the self-contained HTML page. The records are the only input besides the suite
(programs and tasks), which is needed only to replay episodes for pictures.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from worldtest.errors import ConfigError
from worldtest.report.aggregate import (
    FAMILIES,
    env_family_scores,
    stochastic_envs,
    summarise,
)
from worldtest.report.behaviour import behaviour
from worldtest.report.bootstrap import BOOTSTRAP_SEED, N_RESAMPLES
from worldtest.report.html import render_html
from worldtest.report.markdown import render_markdown
from worldtest.report.model import Report
from worldtest.report.rows import HUMAN_PREFIX, deduplicate, group_rows
from worldtest.results import EpisodeRecord

__all__ = ["HTML_FILE", "MARKDOWN_FILE", "REPLAYS_DIR", "Report", "build_report", "write_report"]

MARKDOWN_FILE = "leaderboard.md"
HTML_FILE = "report.html"
REPLAYS_DIR = "replays"



def build_report(
    records: Sequence[EpisodeRecord],
    *,
    seed: int = BOOTSTRAP_SEED,
    n_resamples: int = N_RESAMPLES,
    out_dir: Path | None = None,
    suite: object | None = None,
    episodes: int = 3,
    echo: Callable[[str], None] | None = None,
) -> Report:
    """Aggregate records and, with ``out_dir``, draw episodes for the report.

    Args:
        records: episode records of any agents and files.
        seed, n_resamples: bootstrap seed and replicates (:mod:`worldtest.report.bootstrap`).
        out_dir: the report folder; GIF replays go to ``<out_dir>/replays/``. None draws no
            episodes (no thumbnails, no GIFs).
        suite: a :class:`worldtest.suite.Suite` to replay episodes with (default: the default
            suite); only used with ``out_dir``.
        episodes: episodes drawn per row and family (0: none).
        echo: called with one line per episode that could not be replayed.

    Returns:
        The :class:`Report`. An episode that cannot be replayed is not drawn; the reason goes
        to :attr:`Report.notes` (and ``echo``), and the report is still built.
    """
    summaries = summarise(records, seed=seed, n_resamples=n_resamples)
    human_records = [r for r in records if r.agent.startswith(HUMAN_PREFIX)]
    humans = (
        summarise(human_records, seed=seed, n_resamples=n_resamples, group_humans=False)
        if human_records
        else []
    )
    rows = group_rows(records)
    stats = {row.label: behaviour(row) for row in rows}
    stats.update(
        {row.label: behaviour(row) for row in group_rows(human_records, group_humans=False)}
    )
    report = Report(
        n_records=len(records),
        n_episodes=len(deduplicate(records)),
        summaries=summaries,
        humans=humans,
        behaviour=stats,
        per_env=env_family_scores(records),
        stochastic=stochastic_envs(records),
        seed=seed,
        n_resamples=n_resamples,
    )
    if out_dir is not None and episodes > 0 and rows:
        _draw(report, rows, Path(out_dir), suite, episodes, echo or (lambda line: None))
    return report


def _draw(
    report: Report,
    rows: list,
    out_dir: Path,
    suite: object | None,
    n: int,
    echo: Callable[[str], None],
) -> None:
    """Replay a few episodes per row and family; thumbnails and GIFs into ``report.media``."""
    from worldtest.report.media import EpisodeMedia, gif_name, pick_episodes, thumbnails, write_gif
    from worldtest.report.replay import ReplayError, replay
    from worldtest.suite import Suite

    suite = suite if suite is not None else Suite()
    for row in rows:
        for family in FAMILIES:
            chosen = pick_episodes([r for r in row.episodes if r.family == family], n)
            drawn = []
            for record in chosen:
                item = EpisodeMedia(record)
                try:
                    rp = replay(record, suite)
                    item.thumbnails = thumbnails(rp, program=suite.program(record.env))
                    name = gif_name(record, row.label)
                    write_gif(rp, out_dir / REPLAYS_DIR / name)
                    item.gif = f"{REPLAYS_DIR}/{name}"
                except ReplayError as err:
                    item.error = str(err)
                    report.notes.append(str(err))
                    echo(str(err))
                except OSError as err:
                    where = out_dir / REPLAYS_DIR
                    raise ConfigError(f"{where}: cannot write a replay: {err}") from None
                drawn.append(item)
            if drawn:
                report.media.setdefault(row.label, {})[family] = drawn


def write_report(report: Report, out_dir: Path) -> list[Path]:
    """Write ``leaderboard.md`` and ``report.html`` into ``out_dir`` (created if needed).

    Returns:
        The paths written, Markdown first.

    Raises:
        ConfigError: a file cannot be written (the message names it).
    """
    out_dir = Path(out_dir)
    written = []
    for name, text in ((MARKDOWN_FILE, render_markdown(report)), (HTML_FILE, render_html(report))):
        path = out_dir / name
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        except OSError as err:
            raise ConfigError(f"{path}: cannot write the report: {err.strerror or err}") from None
        written.append(path)
    return written
