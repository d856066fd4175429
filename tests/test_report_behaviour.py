"""worldtest.report.behaviour: LCS on hand examples, reset similarity, the behaviour table."""

import pytest
from test_report import rec

from worldtest.report.behaviour import (
    behaviour,
    lcs_length,
    reset_segments,
    reset_similarities,
)
from worldtest.report.build import build_report
from worldtest.report.markdown import render_markdown
from worldtest.report.rows import group_rows
from worldtest.results import ActionLog


def log(action, valid=True):
    return ActionLog(phase="interaction", action=action, valid=valid, tick=0, ticks=0, digest="x")


def logs(*actions):
    return [log(a[1:], valid=False) if a.startswith("!") else log(a) for a in actions]


def test_lcs_length_on_hand_examples():
    assert lcs_length("ABCBDAB", "BDCABA") == 4  # the textbook example: BCBA
    assert lcs_length("ABC", "ABC") == 3
    assert lcs_length("ABC", "CBA") == 1
    assert lcs_length("", "ABC") == 0 and lcs_length("ABC", "") == 0
    assert lcs_length(["click 1 2", "up"], ["click 2 1", "up"]) == 1  # clicks match by cell
    assert lcs_length("AXBYC", "ABC") == lcs_length("ABC", "AXBYC") == 3


def test_segments_leave_out_invalid_actions_and_go_to_test():
    interaction = logs("right", "!jump", "click 1 1", "reset", "right", "go-to-test")
    assert reset_segments(interaction) == [["right", "click 1 1"], ["right"]]
    assert reset_segments(logs("!reset", "up")) == [["up"]]  # an invalid reset is no reset


def test_reset_similarity_by_hand():
    # A human-like re-run: five of six actions repeated in order -> 5/6 ~ 0.83 (the paper's
    # human figure); then an unrelated segment -> 0; two resets in a row are left out.
    interaction = logs(
        "up",
        "up",
        "click 3 4",
        "left",
        "noop",
        "down",
        "reset",
        "up",
        "up",
        "click 3 4",
        "left",
        "noop",
        "right",
        "reset",
        "reset",
        "click 0 0",
        "!fly",
    )
    record = rec("A", "e1/mfp", 1.0, resets=3, interaction=interaction)
    # reset 1: LCS 5 / 6; reset 2: [..6 actions] vs [] -> 0 / 6; reset 3: [] vs [click 0 0] -> 0
    assert reset_similarities(record) == pytest.approx([5 / 6, 0.0, 0.0])
    assert reset_similarities(rec("A", "e1/mfp", 1.0, interaction=logs("reset", "reset"))) == []
    unequal = logs("a", "b", "c", "d", "reset", "b", "d")
    assert reset_similarities(rec("A", "e1/mfp", 1.0, interaction=unequal)) == [0.5]  # 2 / 4


def test_behaviour_row_with_usage_and_dashes():
    rerun = logs("up", "left", "reset", "up", "left", "reset", "down")  # similarities 1, 0
    records = [
        rec(
            "M",
            "e1/mfp",
            1.0,
            resets=2,
            interaction=rerun,
            usage={"input_tokens": 1000, "output_tokens": 30, "cost_usd": 0.015, "calls": 4},
        ),
        rec(
            "M",
            "e2/mfp",
            0.0,
            resets=0,
            interaction=logs("up", "!x", "go-to-test"),
            usage={"input_tokens": 500, "output_tokens": 20},
        ),
        rec("R", "e1/mfp", 0.0, resets=0),
    ]
    rows = {row.label: behaviour(row) for row in group_rows(records)}
    m = rows["M"]
    assert m.n_episodes == 2
    assert m.interaction_actions == pytest.approx((7 + 3) / 2)
    assert m.resets == pytest.approx(1.0) and m.reset_share == pytest.approx(2 / 10)
    assert m.reset_similarity == pytest.approx(0.5) and m.n_similarities == 2
    assert m.invalid == pytest.approx(1.0)  # rec() records one invalid action per episode
    assert m.invalid_share == pytest.approx(2 / 12)
    assert m.usage == {"input_tokens": 1500.0, "output_tokens": 50.0, "cost_usd": 0.015}
    r = rows["R"]
    assert r.reset_similarity is None and r.n_similarities == 0
    assert r.usage == {"input_tokens": None, "output_tokens": None, "cost_usd": None}

    text = render_markdown(build_report(records, n_resamples=10))
    table = text.split("## Behaviour", 1)[1]
    assert "| M | 5.0 | 1.00 | 0.200 | 0.50 (2) | 1.00 | 1,500 | 50 | $0.0150 |" in table
    assert "| R | 4.0 | 0.00 | 0.000 | — (0) | 1.00 | — | — | — |" in table
