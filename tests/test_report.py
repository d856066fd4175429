"""worldtest.report: aggregation (protocol section 4) against hand-computed numbers, bootstrap
intervals against an independent implementation, merged and separate rows, flags, renderings."""

import math

import numpy as np
import pytest
from rich.console import Console

from worldtest import __version__
from worldtest.report.aggregate import env_family_scores, summarise, summary_json
from worldtest.report.bootstrap import bootstrap_interval, point_estimate
from worldtest.report.build import build_report
from worldtest.report.markdown import render_markdown
from worldtest.report.reference import REFERENCE_ROWS
from worldtest.report.rows import group_rows
from worldtest.report.terminal import print_leaderboard
from worldtest.results import ActionLog, EpisodeRecord, episode_key

STOCHASTIC = {"e1": False, "e2": False, "e3": True}
SEED, B = 7, 400  # small bootstrap for tests; the defaults are checked in the markdown test


def rec(
    agent,
    task,
    score,
    seed=1,
    status="ok",
    version="1",
    task_version=1,
    resets=1,
    settings=None,
    wt=__version__,
    usage=None,
    interaction=None,
):
    env, family = task.split("/")
    settings = {"budget": 200} if settings is None else settings
    step = ActionLog(phase="interaction", action="noop", valid=True, tick=1, ticks=1, digest="x")
    return EpisodeRecord(
        key=episode_key(agent, version, task, task_version, seed, settings),
        worldtest_version=wt,
        agent=agent,
        agent_version=version,
        env=env,
        family=family,
        task_id=task,
        task_version=task_version,
        stochastic=STOCHASTIC[env],
        seed=seed,
        task_seed=0,
        settings=settings,
        interaction=[step] * 4 if interaction is None else interaction,
        test=[step.model_copy(update={"phase": "test"})],
        n_resets=resets,
        n_invalid=1,
        outcome={},
        score=score,
        status=status,
        error="boom" if status == "failed" else None,
        started_at=f"2025-01-0{seed}T00:00:00Z",
        duration_s=0.1,
        usage=usage or {},
    )


# Agent A: complete (9 tasks, e3 stochastic); e1/mfp over two seeds (two runs, merged);
# e3/cd recorded twice with the same key (a failed attempt, then an ok retry).
# Agent B: 3 tasks of the newest version, plus an outdated e1/mfp v0 (shown apart).
RECORDS = [
    rec("A", "e1/mfp", 1.0, seed=1),
    rec("A", "e1/mfp", 0.0, seed=2),
    rec("A", "e1/planning", 1.0),
    rec("A", "e1/cd", 0.25),
    rec("A", "e2/mfp", 0.0),
    rec("A", "e2/planning", 1.0),
    rec("A", "e2/cd", 0.5),
    rec("A", "e3/mfp", 1.0),
    rec("A", "e3/planning", 0.0),
    rec("A", "e3/cd", 0.0, status="failed", resets=5),
    rec("A", "e3/cd", 0.5),
    rec("B", "e1/mfp", 0.0, task_version=0),
    rec("B", "e1/mfp", 1.0),
    rec("B", "e2/mfp", 1.0),
    rec("B", "e2/planning", 0.0),
]
OLD_B = "B (older task versions: e1/mfp v0)"


def by_agent(summaries):
    return {s.agent: s for s in summaries}


def simple_bootstrap(envs, seed, n_resamples):
    """An independent, loop-by-loop reading of the bootstrap's documented algorithm."""
    rng = np.random.default_rng(seed)
    n = len(envs)
    idx = rng.integers(0, n, size=(n_resamples, n))
    draws = {}
    if any(len(task) > 1 for env in envs for group in env for task in group):
        for e, env in enumerate(envs):
            times = int((idx == e).sum())
            for g, group in enumerate(env):
                for t, task in enumerate(group):
                    if len(task) > 1:
                        draws[e, g, t] = rng.integers(0, len(task), size=(times, len(task)))
    used = [0] * n
    stats = []
    for b in range(n_resamples):
        total = 0.0
        for j in range(n):
            e = int(idx[b, j])
            occurrence, used[e] = used[e], used[e] + 1
            group_means = []
            for g, group in enumerate(envs[e]):
                task_means = [
                    sum(task[d] for d in draws[e, g, t][occurrence]) / len(task)
                    if len(task) > 1
                    else task[0]
                    for t, task in enumerate(group)
                ]
                group_means.append(sum(task_means) / len(task_means))
            total += sum(group_means) / len(group_means)
        stats.append(total / n)
    stats.sort()

    def percentile(q):  # linear interpolation between order statistics
        pos = q * (n_resamples - 1)
        low = math.floor(pos)
        high = min(low + 1, n_resamples - 1)
        return stats[low] + (stats[high] - stats[low]) * (pos - low)

    return percentile(0.025), percentile(0.975)


# -- aggregation ------------------------------------------------------------------------------


def test_per_environment_family_scores():
    scores = env_family_scores(RECORDS)
    assert scores["A"] == {
        "e1": {"mfp": 0.5, "planning": 1.0, "cd": 0.25},  # seeds averaged
        "e2": {"mfp": 0.0, "planning": 1.0, "cd": 0.5},
        "e3": {"mfp": 1.0, "planning": 0.0, "cd": 0.5},  # the ok retry replaced the failure
    }
    assert scores["B"] == {"e1": {"mfp": 1.0}, "e2": {"mfp": 1.0, "planning": 0.0}}
    assert scores[OLD_B] == {"e1": {"mfp": 0.0}}


def test_summarise_matches_hand_computed_values():
    rows = by_agent(summarise(RECORDS, seed=SEED, n_resamples=B))
    a, b = rows["A"], rows["B"]
    e1, e2, e3 = 1.75 / 3, 0.5, 0.5  # per-environment means
    assert a.families == pytest.approx({"mfp": 0.5, "planning": 2 / 3, "cd": 1.25 / 3})
    assert a.overall == pytest.approx((e1 + e2 + e3) / 3)
    assert a.deterministic == pytest.approx((e1 + e2) / 2)
    assert a.stochastic == pytest.approx(e3)
    assert (a.n_tasks, a.complete, a.n_episodes, a.n_failed) == (9, True, 10, 0)
    assert a.max_episodes_per_task == 2
    counts = {c: (cell.n_tasks, cell.n_envs, cell.n_episodes) for c, cell in a.cells.items()}
    assert counts == {
        "cd": (3, 3, 3),
        "mfp": (3, 3, 4),
        "planning": (3, 3, 3),
        "overall": (9, 3, 10),
        "deterministic": (6, 2, 7),
        "stochastic": (3, 1, 3),
    }

    assert b.families == pytest.approx({"mfp": 1.0, "planning": 0.0})
    assert b.overall == pytest.approx((1.0 + 0.5) / 2)
    assert b.stochastic is None and "stochastic" not in b.cells and "cd" not in b.cells
    assert b.missing == ["e1/cd", "e1/planning", "e2/cd", "e3/cd", "e3/mfp", "e3/planning"]
    assert not b.complete
    old = rows[OLD_B]
    assert old.overall == 0.0 and "e1/mfp" in old.missing and len(old.missing) == 9


def test_rows_are_ranked_by_overall_even_when_flagged():
    assert [s.agent for s in summarise(RECORDS, seed=SEED, n_resamples=B)] == ["B", "A", OLD_B]


def test_failed_episode_without_retry_counts_with_its_score():
    rows = by_agent(
        summarise([rec("A", "e1/mfp", 1.0), rec("A", "e1/mfp", 0.0, seed=2, status="failed")])
    )
    assert rows["A"].families["mfp"] == pytest.approx(0.5)
    assert rows["A"].n_failed == 1


# -- bootstrap ------------------------------------------------------------------------------


def test_bootstrap_matches_an_independent_implementation_on_the_records():
    a = by_agent(summarise(RECORDS, seed=SEED, n_resamples=B))["A"]
    overall = [  # e1..e3: families mfp, planning, cd; e1/mfp has two seeds (sorted scores)
        [[[0.0, 1.0]], [[1.0]], [[0.25]]],
        [[[0.0]], [[1.0]], [[0.5]]],
        [[[1.0]], [[0.0]], [[0.5]]],
    ]
    assert (a.cells["overall"].low, a.cells["overall"].high) == pytest.approx(
        simple_bootstrap(overall, SEED, B), abs=1e-12
    )
    mfp = [[[[0.0, 1.0]]], [[[0.0]]], [[[1.0]]]]
    assert (a.cells["mfp"].low, a.cells["mfp"].high) == pytest.approx(
        simple_bootstrap(mfp, SEED, B), abs=1e-12
    )
    det = overall[:2]  # a single stage when every task has one episode
    planning = [[[[1.0]]], [[[1.0]]], [[[0.0]]]]
    assert bootstrap_interval(planning, seed=SEED, n_resamples=B) == pytest.approx(
        simple_bootstrap(planning, SEED, B), abs=1e-12
    )
    assert a.cells["deterministic"].low <= a.deterministic <= a.cells["deterministic"].high
    assert bootstrap_interval(det, seed=SEED, n_resamples=B) == pytest.approx(
        (a.cells["deterministic"].low, a.cells["deterministic"].high)
    )


def test_bootstrap_by_hand_on_tiny_cases():
    # One environment, one task, two seeds scoring 0 and 1: a replicate's mean is 0, 1/2 or 1
    # with probabilities 1/4, 1/2, 1/4, so the 2.5th and 97.5th percentiles are 0 and 1.
    assert point_estimate([[[[0.0, 1.0]]]]) == 0.5
    assert bootstrap_interval([[[[0.0, 1.0]]]], seed=1, n_resamples=2000) == (0.0, 1.0)
    # Identical environments leave nothing to vary.
    assert bootstrap_interval([[[[0.4]]]] * 5, seed=1) == pytest.approx((0.4, 0.4))
    # Two environments scoring 0 and 1: means 0, 1/2, 1 again.
    assert bootstrap_interval([[[[0.0]]], [[[1.0]]]], seed=3) == (0.0, 1.0)
    # The seed is the only source of randomness; another seed gives other replicates.
    envs = [[[[0.1 * i]]] for i in range(10)]
    assert bootstrap_interval(envs, seed=5) == bootstrap_interval(envs, seed=5)
    assert bootstrap_interval(envs, seed=5) != bootstrap_interval(envs, seed=6)
    with pytest.raises(ValueError, match="at least one environment"):
        bootstrap_interval([])
    with pytest.raises(ValueError, match="n_resamples"):
        bootstrap_interval(envs, n_resamples=0)


def test_interval_of_a_row_does_not_depend_on_the_other_rows():
    alone = by_agent(summarise([r for r in RECORDS if r.agent == "A"], seed=SEED, n_resamples=B))
    together = by_agent(summarise(RECORDS, seed=SEED, n_resamples=B))
    assert alone["A"].cells == together["A"].cells


# -- rows: merged or shown apart ------------------------------------------------------------


def labels(records):
    return sorted(s.agent for s in summarise(records, n_resamples=10))


def test_runs_with_other_seeds_and_dates_merge():
    rows = group_rows(
        [
            rec("A", "e1/mfp", 1.0, seed=1),
            rec("A", "e1/mfp", 0.0, seed=2),
            rec("A", "e2/mfp", 1.0, seed=3),
        ]
    )
    assert [(r.label, len(r.episodes)) for r in rows] == [("A", 3)]


def test_versions_settings_and_worldtest_major_are_shown_apart():
    assert labels([rec("A", "e1/mfp", 1.0, version="1"), rec("A", "e1/mfp", 0.0, version="2")]) == [
        "A@1",
        "A@2",
    ]
    assert labels(
        [
            rec("A", "e1/mfp", 1.0, settings={"budget": 200, "horizon": 300}),
            rec("A", "e1/mfp", 1.0, settings={"budget": 100, "horizon": 300}),
        ]
    ) == ["A [budget=100]", "A [budget=200]"]
    assert labels([rec("A", "e1/mfp", 1.0, wt="0.1.0"), rec("A", "e1/mfp", 1.0, wt="1.0.0")]) == [
        "A [worldtest 0.x]",
        "A [worldtest 1.x]",
    ]
    assert labels([rec("A", "e1/mfp", 1.0, wt="0.1.0"), rec("A", "e2/mfp", 1.0, wt="0.3.1")]) == [
        "A"
    ]  # a minor version merges


def test_humans_are_one_row_and_listable_one_by_one():
    records = [
        rec("human:ann", "e1/mfp", 1.0),
        rec("human:bob", "e1/mfp", 0.0),
        rec("human:bob", "e2/mfp", 1.0),
        rec("A", "e1/mfp", 1.0),
    ]
    rows = by_agent(summarise(records, n_resamples=10))
    assert set(rows) == {"humans", "A"}
    humans = rows["humans"]
    assert humans.members == ["human:ann", "human:bob"]
    assert humans.families["mfp"] == pytest.approx((0.5 + 1.0) / 2)  # participants averaged
    assert humans.max_episodes_per_task == 2
    report = build_report(records, n_resamples=10)
    assert {s.agent: s.families["mfp"] for s in report.humans} == {
        "human:bob": 0.5,
        "human:ann": 1.0,
    }
    ann = {s.agent: s for s in report.humans}["human:ann"]
    assert ann.missing == ["e2/mfp"]  # a task the benchmark has (bob played it)
    assert "## Human participants" in render_markdown(report)


# -- renderings -----------------------------------------------------------------------------


def test_markdown_has_leaderboard_intervals_flags_and_reference_block():
    report = build_report(RECORDS)
    text = render_markdown(report)
    assert text.startswith("# worldtest leaderboard\n")
    assert "2000 resamples, numpy default_rng seed 20251022" in text
    assert "| B | — | 1.000 | 0.000 | **0.750** | 0.750 | — | 3* | 3 |" in text
    assert "\\* B: lacks 6 of the benchmark's tasks (e1/cd, e1/planning, e2/cd, e3/cd" in text
    a = by_agent(report.summaries)["A"].cells["overall"]
    assert f"[{a.low:.3f}, {a.high:.3f}] n=9" in text
    assert "95% percentile bootstrap confidence intervals" in text
    assert "| e1 | mfp | 1.000 | 0.500 | 0.000 |" in text  # rows: environment x family
    assert "| e3 (stochastic) | cd | — | 0.500 | — |" in text
    reference = text.split("## Reference rows (not comparable)", 1)[1].split("##", 1)[0]
    assert "measured on the paper's environments, not comparable" in reference
    for row in REFERENCE_ROWS:
        cells = (row.name, *(f"{v:.3f}" for v in (row.cd, row.mfp, row.planning, row.overall)))
        assert "| " + " | ".join(cells) + " |" in reference
    assert render_markdown(build_report(RECORDS)) == text  # deterministic


def test_summary_json_exact_shape():
    out = summary_json(summarise(RECORDS, n_resamples=10))
    assert out[0] == {
        "agent": "B",
        "families": {"mfp": 1.0, "planning": 0.0},
        "overall": 0.75,
        "n_tasks": 3,
    }
    assert list(out[1]["families"]) == ["mfp", "planning", "cd"]


def test_reference_rows_are_the_papers():
    assert REFERENCE_ROWS[0] == ("humans", 0.914, 0.938, 0.953, 0.935)
    assert REFERENCE_ROWS[-1] == ("simulator with the true program", 0.349, 0.814, 0.186, 0.450)
    assert len(REFERENCE_ROWS) == 7
    assert REFERENCE_ROWS[1].family("planning") == 0.326


def test_terminal_shows_labels_verbatim_not_as_markup():
    console = Console(record=True, width=200)
    records = [
        rec("A", "e1/mfp", 1.0, settings={"budget": 1}),
        rec("A", "e1/mfp", 0.0, settings={"budget": 2}),
    ]
    print_leaderboard(summarise(records, n_resamples=10), console)
    text = console.export_text()
    assert "A [budget=1]" in text and "A [budget=2]" in text
    assert "1.00–1.00" in text and "0.00–0.00" in text  # both ends with two decimals


def test_terminal_leaderboard_fits_100_columns_without_breaking_names():
    long = "claude-sonnet-4-5-20250929-thinking-high"
    records = [rec(name, f"e{i}/{f}", score)
               for name, score in (("A", 1.0), (long, 0.05), ("B", 0.5))
               for i in (1, 2) for f in ("mfp", "planning", "cd")]
    summaries = summarise(records, n_resamples=20)
    for width in (100, 80):
        console = Console(record=True, width=width)
        print_leaderboard(summaries, console)
        lines = console.export_text().split("Scores are in")[0].splitlines()
        assert max(map(len, lines)) <= width
        rows = [line.split() for line in lines if line.split()[:1] in (["A"], ["B"])
                or "claude" in line]
        assert len(rows) == 3 + 1  # one line per name (plus its full form in the caption)
        assert any(line.startswith(f"claude-sonnet-4… = {long}") or line.startswith(
            f"claude-sonnet-4-5-2… = {long}") for line in lines), lines
        intervals = [w for line in lines for w in line.split() if "–" in w]
        assert intervals and all(len(w) == 9 for w in intervals), intervals  # 0.05–0.18 style
        assert ("det" in lines[2]) == (width == 100)


def test_terminal_leaderboard_then_separate_reference_table():
    console = Console(record=True, width=160)
    print_leaderboard(summarise(RECORDS, n_resamples=50), console)
    text = console.export_text()
    board, reference = text.split("Reference rows", 1)
    lines = board.splitlines()
    assert any(line.split()[:2] == ["B", "—"] for line in lines)
    assert any(line.split()[:1] == ["A"] and "0.528" in line for line in lines)
    assert "3*" in board and "n=9" in board and "B: lacks 6 of the benchmark's tasks" in board
    assert any(line.split()[:2] == ["(older", "—"] or "(older" in line for line in lines)
    assert "95% percentile bootstrap" in board
    assert "humans" not in board
    assert "not comparable" in reference and "humans" in reference and "0.935" in reference
