"""The report as one self-contained HTML page (``report.html``).

Everything the page shows is inside the file: the style sheet is inline, figures and episode
thumbnails are base64 PNG ``data:`` URIs, and there is no script; it opens offline in any
browser. Only the GIF replays are separate files, linked relative to the page
(``replays/*.gif``). The page has no timestamp, so the same records give the same page.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from html import escape

import numpy as np

from worldtest import __version__
from worldtest.report.aggregate import COLUMN_TITLES, COLUMNS, FAMILIES, AgentSummary
from worldtest.report.bootstrap import interval_sentence
from worldtest.report.model import Report
from worldtest.report.plots import bars_png, env_heatmap_png
from worldtest.report.reference import (
    REFERENCE_NOTE,
    REFERENCE_ROWS,
    REFERENCE_SOURCE,
    caveat_lines,
)
from worldtest.results import qualified_env
from worldtest.report.text import (
    AGGREGATION_NOTE,
    fmt_int,
    fmt_money,
    fmt_ratio,
    fmt_score,
    missing_note,
    rows_apart_note,
)

__all__ = ["render_html"]


_SHORT = {"mfp": "MFP", "planning": "planning", "cd": "CD"}
FAMILY_ORDER = ("cd", "mfp", "planning")  # as in the leaderboard's columns

_STYLE = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2430;
 margin:0;background:#f6f7f9}
main{max-width:1320px;margin:0 auto;padding:24px 32px 48px}
h1{font-size:26px;margin:0 0 4px}h2{font-size:19px;margin:34px 0 10px;border-bottom:2px solid
 #d8dde5;padding-bottom:4px}h3{font-size:15px;margin:18px 0 8px}
.meta{color:#5a6473;margin:0 0 8px}.note{color:#4a5363;font-size:13px;max-width:1050px}
table{border-collapse:collapse;background:#fff;box-shadow:0 1px 2px rgba(0,0,0,.08);margin:6px 0}
th,td{padding:6px 10px;border-bottom:1px solid #e4e7ec;text-align:right;vertical-align:top}
th{background:#eef1f5;font-weight:600;font-size:13px}th:first-child,td:first-child{text-align:left}
td.agent{font-weight:600;white-space:nowrap}.v{display:block;font-variant-numeric:tabular-nums}
.ci,.n{display:block;font-size:11px;color:#6b7483;white-space:nowrap}td.overall .v{font-weight:700}
tr.incomplete td{background:#fff8e6}.flag{color:#a15c00;font-weight:600;white-space:nowrap}
.warn{background:#fff8e6;border-left:4px solid #e0a100;padding:8px 12px;margin:8px 0;
 max-width:1050px}
.reference{background:#eceef2;border:1px dashed #9aa3b2;padding:10px 16px 14px;margin-top:10px}
.reference table{box-shadow:none}.reference h2{border:0;margin-top:6px}
.figs{display:flex;flex-wrap:wrap;gap:12px}.figs img{background:#fff;max-width:100%;
 box-shadow:0 1px 2px rgba(0,0,0,.08)}
.cards{display:flex;flex-wrap:wrap;gap:12px}.card{background:#fff;padding:8px 10px;
 box-shadow:0 1px 2px rgba(0,0,0,.1);max-width:640px}.card h5{margin:0 0 6px;font-size:13px}
.card.mfp{border-top:3px solid #3b6ea8}.card.planning{border-top:3px solid #4f9a5a}
.card.cd{border-top:3px solid #b5643c}
.thumbs{display:flex;flex-wrap:wrap;gap:8px;align-items:flex-start}
figure{margin:0;text-align:center}figure img{image-rendering:pixelated;display:block;margin:auto;
 border:1px solid #c5cbd5}figcaption{font-size:11px;color:#5a6473;max-width:130px}
.err{color:#a3261b;font-size:12px}details summary{cursor:pointer;color:#2c5d9c}
"""


def _png_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _score_cell(s: AgentSummary, column: str) -> str:
    cell = s.cells.get(column)
    klass = f' class="{column}"'
    if cell is None:
        return f"<td{klass}><span class=v>—</span></td>"
    return (
        f"<td{klass}><span class=v>{cell.value:.3f}</span>"
        f"<span class=ci>[{cell.low:.3f}, {cell.high:.3f}]</span>"
        f"<span class=n>n={cell.n_tasks} task{'s' if cell.n_tasks != 1 else ''}</span></td>"
    )


def _leaderboard(summaries: Sequence[AgentSummary], first: str = "agent") -> str:
    head = "".join(f"<th>{COLUMN_TITLES[c]}</th>" for c in COLUMNS)
    rows = []
    for s in summaries:
        tasks = (
            f"{s.n_tasks}"
            if s.complete
            else (
                f'{s.n_tasks} <span class=flag title="{escape(", ".join(s.missing))}">'
                f"⚠ {len(s.missing)} missing</span>"
            )
        )
        members = (
            f"<span class=n>{len(s.members)} participants</span>" if s.name == "humans" else ""
        )
        rows.append(
            f"<tr class={'complete' if s.complete else 'incomplete'}>"
            f"<td class=agent>{escape(s.agent)}{members}</td>"
            + "".join(_score_cell(s, c) for c in COLUMNS)
            + f"<td>{tasks}</td><td>{s.n_episodes}</td></tr>"
        )
    table = (
        f"<table><tr><th>{first}</th>{head}<th>tasks</th><th>episodes</th></tr>"
        + "".join(rows)
        + "</table>"
    )
    flags = [
        f"<div class=warn><b>{escape(s.agent)}</b> {escape(missing_note(s, 12))}.</div>"
        for s in summaries
        if not s.complete
    ]
    failed = [f"{escape(s.agent)}: {s.n_failed}" for s in summaries if s.n_failed]
    if failed:
        flags.append(f"<p class=note>Failed episodes (scored 0): {', '.join(failed)}.</p>")
    return table + "".join(flags)


def _reference() -> str:
    rows = "".join(
        f"<tr><td>{escape(r.name)}</td>"
        + "".join(f"<td>{fmt_score(v)}</td>" for v in (r.cd, r.mfp, r.planning, r.overall))
        + "</tr>"
        for r in REFERENCE_ROWS
    )
    return (
        "<section class=reference><h2>Reference rows from the paper (not comparable)</h2>"
        f"<p class=note>{escape(REFERENCE_SOURCE)}: mean scores over the paper's 43 "
        f"environments, {escape(REFERENCE_NOTE)} with the rows above (this project's "
        "environments and tasks are others) and not part of the ranking.</p>"
        "<table><tr><th>reference</th><th>CD</th><th>MFP</th><th>planning</th><th>overall</th>"
        f"</tr>{rows}</table>"
        + "".join(f"<p class=note>{escape(line)}</p>" for line in caveat_lines())
        + "</section>"
    )


def _figures(report: Report) -> str:
    labels = [s.agent for s in report.summaries]
    bars = []
    for column in ("cd", "mfp", "planning", "overall"):
        cells = [s.cells.get(column) for s in report.summaries]
        png = bars_png(
            labels,
            [c.value if c else None for c in cells],
            [(c.low, c.high) if c else None for c in cells],
            f"{COLUMN_TITLES[column]}: score with 95% interval",
        )
        bars.append(f'<img alt="{COLUMN_TITLES[column]} bar chart" src="{_png_uri(png)}">')
    envs = report.envs
    names = [f"{e} *" if report.stochastic[e] else e for e in envs]
    columns = [*FAMILY_ORDER, None]
    maps = []
    for label in labels:  # one tall map per agent: environments down, families across
        scores = np.full((len(envs), len(columns)), np.nan)
        for i, env in enumerate(envs):
            fams = report.per_env[label].get(env, {})
            for j, family in enumerate(columns):
                value = fams.get(family) if family else (
                    sum(fams.values()) / len(fams) if fams else None)
                scores[i, j] = np.nan if value is None else value
        heads = [_SHORT[f] if f else "mean" for f in columns]
        png = env_heatmap_png(names, heads, scores, label)
        maps.append(f'<img class=heat alt="heatmap of {escape(label)} per environment" '
                    f'src="{_png_uri(png)}">')
    return (
        "<h2>Figures</h2><h3>Scores per family, with bootstrap intervals</h3>"
        f"<div class=figs>{''.join(bars)}</div>"
        "<h3>Per environment (one map per agent; * = stochastic)</h3>"
        "<p class=note>Each cell is the task score in that environment (seeds averaged); "
        "mean: the environment's score, the mean of its families. Grey: not run.</p>"
        f"<div class='figs heats'>{''.join(maps)}</div>"
    )


def _behaviour(report: Report, labels: Sequence[str]) -> str:
    head = (
        "<tr><th>agent</th><th>interaction actions / episode</th><th>resets / episode</th>"
        "<th>reset share</th><th>before/after-reset similarity</th><th>invalid / episode</th>"
        "<th>input tokens</th><th>output tokens</th><th>cost</th></tr>"
    )
    rows = []
    for label in labels:
        b = report.behaviour[label]
        sim = fmt_ratio(b.reset_similarity)
        cells = [
            fmt_ratio(b.interaction_actions, 1),
            fmt_ratio(b.resets),
            fmt_ratio(b.reset_share, 3),
            f"{sim}<span class=n>over {b.n_similarities} resets</span>",
            fmt_ratio(b.invalid),
            fmt_int(b.usage["input_tokens"]),
            fmt_int(b.usage["output_tokens"]),
            fmt_money(b.usage["cost_usd"]),
        ]
        rows.append(
            f"<tr><td class=agent>{escape(label)}</td>"
            + "".join(f"<td>{c}</td>" for c in cells)
            + "</tr>"
        )
    return f"<table>{head}{''.join(rows)}</table>"


def _per_env_table(report: Report) -> str:
    labels = [s.agent for s in report.summaries]
    head = "".join(f"<th>{escape(a)}</th>" for a in labels)
    rows = []
    for env in report.envs:
        name = f"{env} (stochastic)" if report.stochastic[env] else env
        for family in FAMILIES:
            cells = [report.per_env[a].get(env, {}).get(family) for a in labels]
            if any(c is not None for c in cells):
                rows.append(
                    f"<tr><td>{escape(name)}</td><td>{family}</td>"
                    + "".join(f"<td>{fmt_score(c)}</td>" for c in cells)
                    + "</tr>"
                )
    return (
        "<details><summary>Per-environment table</summary><table><tr><th>environment</th>"
        f"<th>family</th>{head}</tr>{''.join(rows)}</table></details>"
    )


def _episodes(report: Report) -> str:
    parts = [
        "<h2>Episodes</h2><p class=note>A few episodes per agent and family, re-created "
        "by replaying each record (program, seed, actions) and checking every frame "
        "against its recorded digest; the colour on top of a card is its family. Click "
        "a link for the GIF replay (one frame per action).</p>"
    ]
    for label in [s.agent for s in report.summaries]:
        families = report.media.get(label, {})
        cards = []
        for family in FAMILIES:
            for item in families.get(family, []):
                r = item.record
                where = qualified_env(r)
                title = f"{_SHORT[family]} · {where} · seed {r.seed} · score {r.score:.2f}"
                if item.error:
                    body = f"<p class=err>not drawn: {escape(item.error)}</p>"
                else:
                    figures = "".join(
                        f'<figure><img alt="{escape(c)}" src="{uri}"><figcaption>{escape(c)}'
                        "</figcaption></figure>"
                        for c, uri in item.thumbnails
                    )
                    link = f'<a href="{escape(item.gif or "")}">GIF replay</a>'
                    body = f"<div class=thumbs>{figures}</div>{link}"
                cards.append(f"<div class='card {family}'><h5>{escape(title)}</h5>{body}</div>")
        if cards:
            parts.append(f"<h3>{escape(label)}</h3><div class=cards>{''.join(cards)}</div>")
    return "".join(parts)


def render_html(report: Report) -> str:
    """Render the whole report as one self-contained HTML page.

    Args:
        report: from :func:`worldtest.report.build.build_report`.

    Returns:
        The page: leaderboard with intervals and task counts, flags for rows lacking tasks,
        what the intervals mean, the paper's reference rows in their own labelled block, bar
        charts per family and per-environment heatmaps, the behaviour table, individual human
        participants, episode thumbnails with links to GIF replays, notes.
    """
    body = [
        "<h1>worldtest report</h1>",
        f"<p class=meta>Generated by worldtest {__version__} from {report.n_records} episode "
        f"records ({report.n_episodes} episodes after de-duplication). Bootstrap: "
        f"{report.n_resamples} resamples, numpy default_rng seed {report.seed}. Regenerate "
        "with <code>worldtest report</code>; do not edit.</p>",
        "<h2>Leaderboard</h2>",
    ]
    if report.summaries:
        body += [
            _leaderboard(report.summaries),
            f"<p class=note>{escape(interval_sentence(report.seed, report.n_resamples))}</p>",
            f"<p class=note>{escape(AGGREGATION_NOTE)} {escape(rows_apart_note())}</p>",
        ]
    else:
        body.append("<p>No episode records.</p>")
    body.append(_reference())
    if report.summaries:
        body += [
            _figures(report),
            _per_env_table(report),
            "<h2>Behaviour</h2>",
            _behaviour(report, [s.agent for s in report.summaries]),
            "<p class=note>Reset similarity: for each reset, the longest common "
            "subsequence of the valid program actions before and after it divided by the "
            "longer of the two, averaged over resets (the paper found humans about 0.83, "
            "models at most 0.36). Tokens and cost are totals over the row's episodes; a "
            "dash means the agent reports none.</p>",
        ]
    if report.humans:
        body += [
            "<h2>Human participants</h2>",
            _leaderboard(report.humans, "participant"),
            _behaviour(report, [s.agent for s in report.humans]),
        ]
    if report.media:
        body.append(_episodes(report))
    if report.notes:
        items = "".join(f"<li>{escape(n)}</li>" for n in report.notes)
        body.append(f"<h2>Notes</h2><ul class=note>{items}</ul>")
    return (
        "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>"
        "<meta name=viewport content='width=device-width,initial-scale=1'>"
        f"<title>worldtest report</title><style>{_STYLE}</style></head>"
        f"<body><main>{''.join(body)}</main></body></html>\n"
    )
