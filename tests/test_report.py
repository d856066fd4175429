"""worldtest.report: aggregation (protocol section 4) against hand-computed numbers, renderings."""

import pytest
from rich.console import Console

from worldtest import __version__
from worldtest.report.aggregate import agent_labels, env_family_scores, summarise, summary_json
from worldtest.report.markdown import render_markdown
from worldtest.report.reference import REFERENCE_ROWS
from worldtest.report.terminal import print_leaderboard
from worldtest.results import ActionLog, EpisodeRecord, episode_key

STOCHASTIC = {"e1": False, "e2": False, "e3": True}


def rec(agent, task, score, seed=1, status="ok", version="1", task_version=1, resets=1):
    env, family = task.split("/")
    settings = {"budget": 200}
    step = ActionLog(phase="interaction", action="noop", valid=True, tick=1, ticks=1, digest="x")
    return EpisodeRecord(
        key=episode_key(agent, version, task, task_version, seed, settings),
        worldtest_version=__version__,
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
        interaction=[step] * 4,
        test=[step.model_copy(update={"phase": "test"})],
        n_resets=resets,
        n_invalid=1,
        outcome={},
        score=score,
        status=status,
        error="boom" if status == "failed" else None,
        started_at="2025-01-01T00:00:00Z",
        duration_s=0.1,
    )


# Agent A: 3 envs (e3 stochastic), 7 tasks; e1/mfp over two seeds; e3/cd recorded twice with
# the same key (a failed attempt, then an ok retry). Agent B: 3 tasks, lacks e1/planning etc.,
# plus a record of an outdated version of e1/mfp that must be ignored.
RECORDS = [
    rec("A", "e1/mfp", 1.0, seed=1),
    rec("A", "e1/mfp", 0.0, seed=2),
    rec("A", "e1/planning", 1.0),
    rec("A", "e1/cd", 0.25),
    rec("A", "e2/mfp", 0.0),
    rec("A", "e2/planning", 1.0),
    rec("A", "e3/mfp", 1.0),
    rec("A", "e3/cd", 0.0, status="failed", resets=5),
    rec("A", "e3/cd", 0.5),
    rec("B", "e1/mfp", 0.0, task_version=0),
    rec("B", "e1/mfp", 1.0),
    rec("B", "e2/mfp", 1.0),
    rec("B", "e2/planning", 0.0),
]


def by_agent(summaries):
    return {s.agent: s for s in summaries}


def test_per_environment_family_scores():
    scores = env_family_scores(RECORDS)
    assert scores["A"] == {
        "e1": {"mfp": 0.5, "planning": 1.0, "cd": 0.25},  # seeds averaged
        "e2": {"mfp": 0.0, "planning": 1.0},
        "e3": {"mfp": 1.0, "cd": 0.5},  # the ok retry replaced the failed attempt
    }
    assert scores["B"] == {"e1": {"mfp": 1.0}, "e2": {"mfp": 1.0, "planning": 0.0}}


def test_summarise_matches_hand_computed_values():
    summaries = summarise(RECORDS)
    assert [s.agent for s in summaries] == ["B", "A"]  # best overall first
    a, b = by_agent(summaries)["A"], by_agent(summaries)["B"]

    # families: mean over environments of the family's task score
    assert a.families == pytest.approx({"mfp": 0.5, "planning": 1.0, "cd": 0.375})
    # overall: mean over environments of per-environment means (1.75/3, 0.5, 0.75),
    # which is not the mean of the family scores (0.625)
    assert a.overall == pytest.approx((1.75 / 3 + 0.5 + 0.75) / 3)
    assert a.deterministic == pytest.approx((1.75 / 3 + 0.5) / 2)
    assert a.stochastic == pytest.approx(0.75)
    assert a.n_tasks == 7
    assert a.complete
    assert a.n_episodes == 8 and a.n_failed == 0
    assert a.n_resets_mean == pytest.approx(1.0)  # the replaced failed attempt had 5 resets
    assert a.reset_share == pytest.approx(0.25)
    assert a.invalid_share == pytest.approx(0.2)

    assert b.families == pytest.approx({"mfp": 1.0, "planning": 0.0})
    assert b.overall == pytest.approx(0.75)
    assert b.deterministic == pytest.approx(0.75)
    assert b.stochastic is None
    assert b.n_tasks == 3
    assert not b.complete


def test_failed_episode_without_retry_counts_with_its_score():
    summaries = by_agent(
        summarise([rec("A", "e1/mfp", 1.0), rec("A", "e1/mfp", 0.0, seed=2, status="failed")])
    )
    assert summaries["A"].families["mfp"] == pytest.approx(0.5)
    assert summaries["A"].n_failed == 1


def test_agent_versions_are_separate_rows():
    records = [rec("A", "e1/mfp", 1.0, version="1"), rec("A", "e1/mfp", 0.0, version="2")]
    assert agent_labels(records) == {("A", "1"): "A@1", ("A", "2"): "A@2"}
    rows = by_agent(summarise(records))
    assert rows["A@1"].overall == 1.0 and rows["A@2"].overall == 0.0
    assert rows["A@2"].agent_version == "2"


def test_summarise_empty():
    assert summarise([]) == []
    assert summary_json([]) == []


def test_summary_json_exact_shape():
    out = summary_json(summarise(RECORDS))
    assert out == [
        {"agent": "B", "families": {"mfp": 1.0, "planning": 0.0}, "overall": 0.75, "n_tasks": 3},
        {
            "agent": "A",
            "families": {"mfp": 0.5, "planning": 1.0, "cd": 0.375},
            "overall": pytest.approx((1.75 / 3 + 0.5 + 0.75) / 3),
            "n_tasks": 7,
        },
    ]
    assert list(out[1]["families"]) == ["mfp", "planning", "cd"]


def test_markdown_has_leaderboard_per_environment_and_reference_block():
    text = render_markdown(summarise(RECORDS), RECORDS)
    assert text.startswith("# worldtest leaderboard\n")
    assert "| B | — | 1.000 | 0.000 | **0.750** | 0.750 | — | 3* |" in text
    assert "| e1 | mfp | 1.000 | 0.500 |" in text  # rows: environment x family, columns: agents
    assert "| e3 (stochastic) | cd | — | 0.500 |" in text
    assert "| e2 | **mean** | 0.500 | 0.500 |" in text
    reference = text.split("## Reference rows (not comparable)", 1)[1]
    assert "measured on the paper's environments, not comparable" in reference
    for row in REFERENCE_ROWS:
        cells = (row.name, *(f"{v:.3f}" for v in (row.cd, row.mfp, row.planning, row.overall)))
        assert "| " + " | ".join(cells) + " |" in reference
    assert "mean over environments" in text
    assert render_markdown(summarise(RECORDS), RECORDS) == text  # deterministic


def test_reference_rows_are_the_papers():
    assert REFERENCE_ROWS[0] == ("humans", 0.914, 0.938, 0.953, 0.935)
    assert REFERENCE_ROWS[-1] == ("simulator with the true program", 0.349, 0.814, 0.186, 0.450)
    assert len(REFERENCE_ROWS) == 7
    assert REFERENCE_ROWS[1].family("planning") == 0.326


def test_terminal_leaderboard_then_separate_reference_table():
    console = Console(record=True, width=160)
    print_leaderboard(summarise(RECORDS), console)
    text = console.export_text()
    board, reference = text.split("Reference rows", 1)
    assert "│ B " in board and "│ A " in board and "0.611" in board and "3*" in board
    assert "humans" not in board
    assert "not comparable" in reference and "humans" in reference and "0.935" in reference
