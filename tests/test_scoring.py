"""The CD score and the planning efficiency credit (protocol section 3.3 and 3.2)."""

import itertools
import math

import pytest

from worldtest.tasks.scoring import (
    DECAY_FLOOR,
    cd_decay,
    cd_raw_score,
    cd_score,
    planning_efficiency,
)


@pytest.mark.parametrize(("r", "expected"), [(1.5, 0.892), (2, 0.710), (3, 0.441), (5, 0.247)])
def test_decay_matches_the_protocol_table(r, expected):
    assert cd_decay(r) == pytest.approx(expected, abs=1e-3)


def test_decay_tends_to_the_floor():
    assert cd_decay(math.inf) == pytest.approx(0.199, abs=1e-12)
    assert DECAY_FLOOR == pytest.approx(0.199)
    assert cd_decay(20.0) == pytest.approx(0.199, abs=1e-3)
    assert cd_decay(20.0) > DECAY_FLOOR


def test_decay_is_one_at_one_and_decreasing_after():
    assert cd_decay(1.0) == 1.0
    values = [cd_decay(1 + k / 10) for k in range(1, 100)]
    assert all(a > b for a, b in itertools.pairwise(values))
    assert all(DECAY_FLOOR < v <= 1 for v in values)


def test_decay_rejects_negative_and_nan():
    with pytest.raises(ValueError):
        cd_decay(-0.5)
    with pytest.raises(ValueError):
        cd_decay(float("nan"))


def test_cd_score_never_triggered_is_zero_raw_minus_one():
    assert cd_raw_score(10, None) == -1.0
    assert cd_score(10, None) == 0.0


@pytest.mark.parametrize("chosen", [0, 3, 4])
def test_cd_claim_before_first_defective_frame_is_zero(chosen):
    # T = 6: frame 5 is the first defective frame; anything before it is an early claim
    assert cd_raw_score(chosen, 6) == -1.0
    assert cd_score(chosen, 6) == 0.0


@pytest.mark.parametrize("chosen", [5, 6])
def test_cd_exact_frames_score_one(chosen):
    assert cd_score(chosen, 6) == 1.0
    assert cd_raw_score(chosen, 6) == 1.0


def test_cd_late_frames_decay_with_c_over_t():
    assert cd_score(7, 6) == pytest.approx(cd_decay(7 / 6))
    assert cd_score(12, 6) == pytest.approx(0.710, abs=1e-3)
    assert cd_score(18, 6) == pytest.approx(0.441, abs=1e-3)
    assert cd_score(30, 6) == pytest.approx(0.247, abs=1e-3)


def test_cd_trigger_at_first_tick():
    # T = 1: frames 0 and 1 score 1, frame 2 is r = 2
    assert cd_score(0, 1) == 1.0 and cd_score(1, 1) == 1.0
    assert cd_score(2, 1) == pytest.approx(0.710, abs=1e-3)


def test_cd_rejects_bad_arguments():
    with pytest.raises(ValueError):
        cd_score(-1, 5)
    with pytest.raises(ValueError):
        cd_score(3, 0)


@pytest.mark.parametrize(
    ("used", "optimal", "expected"), [(3, 2, 0.892), (4, 2, 0.710), (9, 3, 0.441), (50, 10, 0.247)]
)
def test_planning_efficiency_uses_the_same_f(used, optimal, expected):
    assert planning_efficiency(used, optimal) == pytest.approx(expected, abs=1e-3)


def test_planning_efficiency_boundaries():
    assert planning_efficiency(7, 7) == 1.0
    assert planning_efficiency(5, 7) == 1.0  # better than the validator's plan: full credit
    assert planning_efficiency(10_000, 1) == pytest.approx(0.199, abs=1e-3)
    with pytest.raises(ValueError):
        planning_efficiency(3, 0)
