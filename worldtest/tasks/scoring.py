"""The scores of change detection and the planning efficiency credit (protocol section 3.3, 3.2).

The decay f(r) = clip(1.377 / (1 - r * e^(-r)) - 1.178, 0, 1) is the reference harness's CD
credit for a frame chosen r = c / T times later than the trigger time T (protocol section 3.3).
It is 1 at r = 1, decreases for r > 1, and tends to 1.377 - 1.178 = 0.199 as r -> infinity:
f(1.5) ~ 0.892, f(2) ~ 0.710, f(3) ~ 0.441, f(5) ~ 0.247. Planning reuses it on
actions_used / optimal_actions (protocol section 3.2).
"""

from __future__ import annotations

import math

__all__ = ["DECAY_FLOOR", "cd_decay", "cd_raw_score", "cd_score", "planning_efficiency"]

_A, _B = 1.377, 1.178  # protocol section 3.3
DECAY_FLOOR = _A - _B
"""lim f(r) for r -> infinity: 0.199 (protocol section 3.3)."""


def cd_decay(r: float) -> float:
    """f(r) = clip(1.377 / (1 - r * e^(-r)) - 1.178, 0, 1) (protocol section 3.3).

    Args:
        r: the lateness ratio, >= 1 where the protocol applies f (for r < 1 the raw formula
            exceeds 1 and is clipped to 1; ``math.inf`` gives the limit 0.199).

    Returns:
        The credit in [0.199, 1].

    Raises:
        ValueError: ``r`` is negative or NaN.
    """
    if not r >= 0:
        raise ValueError(f"the lateness ratio r must be >= 0, got {r!r}")
    if (
        r <= 1
    ):  # r * e^-r peaks at r = 1, where f = 1; below it f > 1 -> 1 (and f(0) is not a credit)
        return 1.0
    if math.isinf(r):
        return DECAY_FLOOR
    value = _A / (1.0 - r * math.exp(-r)) - _B
    return min(1.0, max(0.0, value))


def cd_raw_score(chosen_frame: int, trigger_time: int | None) -> float:
    """The reference harness's raw CD score: -1 for no trigger or an early claim, else the score.

    Args:
        chosen_frame: c, the index of the frame the agent chose (0-based, frames seen in the
            test phase).
        trigger_time: T, the first test tick (1-based) at whose start the trigger condition
            held, or None if it never held; frame T - 1 is the first defective frame.

    Returns:
        -1.0 if the trigger never happened or c < T - 1; 1.0 if c in {T - 1, T}; otherwise
        f(c / T) (protocol section 3.3).

    Raises:
        ValueError: c < 0 or T < 1.
    """
    if chosen_frame < 0:
        raise ValueError(f"chosen_frame must be >= 0, got {chosen_frame}")
    if trigger_time is None:
        return -1.0
    if trigger_time < 1:
        raise ValueError(f"trigger_time counts ticks from 1, got {trigger_time}")
    if chosen_frame < trigger_time - 1:
        return -1.0
    if chosen_frame <= trigger_time:
        return 1.0
    return cd_decay(chosen_frame / trigger_time)


def cd_score(chosen_frame: int, trigger_time: int | None) -> float:
    """The CD score in [0, 1]: the raw score with -1 reported as 0 (protocol section 3.3).

    Args and errors as :func:`cd_raw_score`; the caller records the raw score separately.
    """
    return max(0.0, cd_raw_score(chosen_frame, trigger_time))


def planning_efficiency(actions_used: int, optimal: int) -> float:
    """The planning efficiency credit f(actions_used / optimal) (protocol section 3.2).

    Args:
        actions_used: test actions (= ticks) the agent used to reach the goal, >= 1.
        optimal: ``optimal_actions`` of the task, >= 1.

    Returns:
        1.0 when ``actions_used <= optimal``, else f(actions_used / optimal) in (0.199, 1).
        Only meaningful for a successful plan; the protocol layer records 0 otherwise.

    Raises:
        ValueError: ``optimal`` < 1 or ``actions_used`` < 0.
    """
    if optimal < 1 or actions_used < 0:
        raise ValueError(
            f"expected optimal >= 1 and actions_used >= 0, got {optimal}, {actions_used}"
        )
    return cd_decay(actions_used / optimal)
