"""The report as Markdown (``leaderboard.md``), generated from records only.

The output has no timestamps, so the same records always give the same file. It holds the same
tables as the HTML page (:mod:`worldtest.report.html`) without the figures; episode replays are
linked as GIF files. Every text the report did not write itself (agent, environment and model
names, error messages, notes) goes through :func:`md_text`, so a name such as ``<script>`` or
``a | b`` shows as written and cannot add HTML, links or table columns.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from worldtest import __version__
from worldtest.report.aggregate import COLUMN_TITLES, COLUMNS, FAMILIES, AgentSummary
from worldtest.report.bootstrap import interval_sentence
from worldtest.report.model import Report
from worldtest.report.reference import (
    REFERENCE_NOTE,
    REFERENCE_ROWS,
    REFERENCE_SOURCE,
    caveat_lines,
)
from worldtest.results import qualified_env
from worldtest.report.text import (
    AGGREGATION_NOTE,
    fmt_cell_detail,
    fmt_int,
    fmt_money,
    fmt_ratio,
    fmt_score,
    missing_note,
    rows_apart_note,
)

__all__ = ["md_text", "render_markdown"]

_MD_SPECIAL = re.compile(r"([\\`*_\[\]~#])")


def md_text(value: object) -> str:
    """Text the report did not write, made inert for Markdown: on one line, ``&``, ``<`` and
    ``>`` as HTML entities (no tag survives), and the characters that start emphasis, code,
    links or strike-through (``\\ ` * _ [ ] ~ #``) backslash-escaped. A ``|`` is escaped by the
    table writer, which sees every cell."""
    text = " ".join(str(value).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|")


def _table(header: Sequence[str], rows: Sequence[Sequence[object]], right_from: int = 1) -> str:
    align = ["---" if i < right_from else "---:" for i in range(len(header))]
    lines = ["| " + " | ".join(_cell(h) for h in header) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _value(s: AgentSummary, column: str) -> str:
    cell = s.cells.get(column)
    text = fmt_score(cell.value if cell else None)
    return f"**{text}**" if column == "overall" else text


def _leaderboard(summaries: Sequence[AgentSummary]) -> str:
    """Point estimates, then a second table with each interval and its number of tasks."""
    titles = [COLUMN_TITLES[c] for c in COLUMNS]
    rows = [
        [
            md_text(s.agent),
            *(_value(s, c) for c in COLUMNS),
            f"{s.n_tasks}{'' if s.complete else '*'}",
            s.n_episodes,
        ]
        for s in summaries
    ]
    text = _table(["agent", *titles, "tasks", "episodes"], rows)
    flagged = [s for s in summaries if not s.complete]
    if flagged:
        text += "\n\n" + "\n".join(
            f"\\* {md_text(s.agent)}: {md_text(missing_note(s))}." for s in flagged
        )
    if any(s.n_failed for s in summaries):
        failed = ", ".join(f"{md_text(s.agent)}: {s.n_failed}" for s in summaries if s.n_failed)
        text += f"\n\nFailed episodes (scored 0): {failed}."
    intervals = [
        [md_text(s.agent), *(fmt_cell_detail(s.cells.get(c)) or "—" for c in COLUMNS)]
        for s in summaries
    ]
    return (
        text
        + "\n\n95% intervals and tasks behind each score:\n\n"
        + _table(["agent", *titles], intervals)
    )


def _per_environment(report: Report) -> str:
    labels = [s.agent for s in report.summaries]
    rows: list[list[object]] = []
    for env in report.envs:
        name = md_text(f"{env} (stochastic)" if report.stochastic[env] else env)
        for family in FAMILIES:
            cells = [report.per_env[a].get(env, {}).get(family) for a in labels]
            if any(c is not None for c in cells):
                rows.append([name, family, *(fmt_score(c) for c in cells)])
        means = [
            sum(report.per_env[a][env].values()) / len(report.per_env[a][env])
            if report.per_env[a].get(env)
            else None
            for a in labels
        ]
        rows.append([name, "**mean**", *(fmt_score(m) for m in means)])
    return _table(["environment", "family", *map(md_text, labels)], rows, right_from=2)


def _behaviour(report: Report, labels: Sequence[str]) -> str:
    rows = []
    for label in labels:
        b = report.behaviour[label]
        rows.append(
            [
                md_text(label),
                fmt_ratio(b.interaction_actions, 1),
                fmt_ratio(b.resets),
                fmt_ratio(b.reset_share, 3),
                f"{fmt_ratio(b.reset_similarity)} ({b.n_similarities})",
                fmt_ratio(b.invalid),
                fmt_int(b.usage["input_tokens"]),
                fmt_int(b.usage["output_tokens"]),
                fmt_money(b.usage["cost_usd"]),
            ]
        )
    return _table(
        [
            "agent",
            "interaction actions / episode",
            "resets / episode",
            "reset share",
            "before/after-reset similarity (resets)",
            "invalid / episode",
            "input tokens",
            "output tokens",
            "cost",
        ],
        rows,
    ) + (
        "\n\nReset similarity: for each reset, the longest common subsequence of the valid "
        "program actions before and after it, divided by the longer of the two, averaged over "
        "resets (the paper found humans about 0.83, models at most 0.36). Tokens and cost are "
        "totals over the row's episodes; a dash means the agent reports none."
    )


def _reference() -> str:
    rows = [
        [r.name, fmt_score(r.cd), fmt_score(r.mfp), fmt_score(r.planning), fmt_score(r.overall)]
        for r in REFERENCE_ROWS
    ]
    return (
        f"> Reference rows from {REFERENCE_SOURCE}, mean over the paper's 43 environments, "
        f"{REFERENCE_NOTE} with the rows above (this project's environments and tasks are "
        f"others) and not part of the ranking.\n\n"
        + _table(["reference", "CD", "MFP", "planning", "overall"], rows)
        + "".join(f"\n{line}\n" for line in caveat_lines())
    )


def _episodes(report: Report) -> str:
    lines = []
    for label, families in report.media.items():
        for family in FAMILIES:
            for item in families.get(family, []):
                r = item.record
                what = (f"[GIF replay](<{item.gif}>)" if item.gif
                        else f"not drawn: {md_text(item.error)}")
                lines.append(
                    f"- {md_text(label)} · {family} · {md_text(qualified_env(r))} · seed {r.seed} · "
                    f"score {r.score:.3f}: {what}"
                )
    return "\n".join(lines)


def render_markdown(report: Report) -> str:
    """Render the whole report as Markdown.

    Args:
        report: from :func:`worldtest.report.build.build_report`.

    Returns:
        The document: the leaderboard with intervals, flags for rows lacking tasks, what the
        intervals mean, the paper's reference rows in their own labelled block, the
        per-environment table, the behaviour table, individual human participants, links to
        episode replays. Ends with a newline.
    """
    summaries = report.summaries
    parts = [
        "# worldtest leaderboard",
        f"Generated by worldtest {__version__} from {report.n_records} episode records "
        f"({report.n_episodes} episodes after de-duplication; regenerate with "
        f"`worldtest report`; do not edit). Bootstrap: {report.n_resamples} resamples, numpy "
        f"default_rng seed {report.seed}.",
        "## Leaderboard",
        _leaderboard(summaries) if summaries else "No episode records.",
        AGGREGATION_NOTE,
    ]
    if summaries:
        parts += [interval_sentence(report.seed, report.n_resamples), rows_apart_note()]
    parts += ["## Reference rows (not comparable)", _reference()]
    if summaries:
        parts += ["## Per environment", _per_environment(report)]
        parts += ["## Behaviour", _behaviour(report, [s.agent for s in summaries])]
    if report.humans:
        rows = [[md_text(s.agent), *(_value(s, c) for c in COLUMNS), s.n_tasks]
                for s in report.humans]
        parts += [
            "## Human participants",
            _table(["participant", *(COLUMN_TITLES[c] for c in COLUMNS), "tasks"], rows),
            _behaviour(report, [s.agent for s in report.humans]),
        ]
    if report.media:
        parts += ["## Episode replays", _episodes(report)]
    if report.notes:
        parts += ["## Notes", "\n".join(f"- {md_text(note)}" for note in report.notes)]
    return "\n\n".join(parts) + "\n"
