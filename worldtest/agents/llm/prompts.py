"""What the model is told: the system prompt of each phase and the words that open a phase.

Written for this project (not copied from the reference harness). The system prompt explains
the WorldTest protocol (worldtest-protocol.md sections 1-3) and the phase in progress; it
changes when the test phase starts. The test family is not revealed during the interaction
phase: the agent explores without knowing which kind of test follows, as the protocol intends.
Changing any wording here changes behaviour: bump ``LLM_VERSION`` in ``preset.py``.
"""

from __future__ import annotations

from worldtest.agents.base import EpisodeStart

__all__ = ["phase_opening", "system_prompt"]

_WORLD = """You are the agent in an experiment about learning how an unknown world works.

The world is a grid of {g} x {g} coloured cells. It is a small program that runs in discrete \
ticks: on every tick it may move, create, recolour or remove things, by rules you are not told \
and must discover. Some worlds use randomness. Cells are addressed as (X, Y): X is the column, \
0..{gm} from left to right; Y is the row, 0..{gm} from top to bottom. Your inputs are the \
arrow keys (left, right, up, down), a click on a cell (click X Y), or noop (no input).

The episode has two phases.
1. Interaction phase: explore freely. There is no goal and no reward. Your only job is to work \
out how the world behaves: what each input does, what happens without input, which objects \
exist and how they interact, what is random. You have a budget of {budget} actions; every \
action you send costs one, including reset, go-to-test and actions that are not accepted. \
One action runs {tpa} tick(s): your input is applied on the first, the remaining ticks run \
with no input, and you are shown every resulting frame. reset restarts the world from its \
initial state{reset_note}. go-to-test ends the exploration early; otherwise it ends when the \
budget is spent.
2. Test phase: you are then tested on what you learned, in a related but different situation, \
with one of three kinds of test: predict the hidden part of a recording of this world, bring \
the world into a goal state, or notice when the world starts breaking one of its own rules. \
Explore so that you could do any of them."""

_TESTS = {
    "mfp": """The test phase has begun: masked-frame prediction. You are shown a recording of \
this same world, frame by frame; each frame is labelled with the action that produced it (one \
tick per frame). In the last frames of the recording a rectangular region is hidden (its cells \
are shown as mask). step shows the next frame; rewind goes back to frame 0. Once you have \
reached the last frame you are shown six candidate contents for the hidden region, and choose N \
picks the one you believe was really there in the last frame. Choosing ends the test: 1 point \
for the true candidate, 0 otherwise. You have {horizon} test actions.""",
    "planning": """The test phase has begun: planning. The world is shown in a new state, \
not necessarily its initial one (and random events need not repeat those you saw). You are \
shown a goal: a grid in which some cells have a required colour (the others, shown as mask, \
do not matter). Use noop, the arrows and clicks (one tick per action) to make \
the world show every required colour at once; the moment it does, you succeed. quit gives up. \
You have {horizon} test actions; running out scores 0.""",
    "cd": """The test phase has begun: change detection. The world is shown in a new \
state, not necessarily its initial one (and random events need not repeat those you saw), and at \
some point one of its rules may start to work differently from what you learned. Act (noop, \
arrows, clicks: one tick each; reset returns to this test's first frame) and watch for the \
first frame that breaks the rules you learned. Every frame you see gets a number, counting on \
across resets. Once at least 3 ticks have run you may say found-change; then choose-frame K shows \
frame K and marks it as your answer (you may choose again), and submit hands in the last \
frame chosen. Full credit for the first frame that shows the change or the one after it, less \
the later you answer, nothing for an answer before the change. quit gives up. You have \
{horizon} test actions; running out scores 0.""",
}

_FORMAT = """How to answer: every reply must contain exactly one action in action tags, \
written as in the list of actions offered, for example <action>click 3 4</action> or \
<action>noop</action>. {scratch}Only the first valid action tag counts; a reply without one \
costs an action and is not applied."""

_SCRATCH = (
    "You may first think in <scratchpad>...</scratchpad> tags (keep notes on the rules you "
    "find there); anything inside the scratchpad is never taken as your action. "
)
_NO_SCRATCH = "Reply with the action tag only. "


def system_prompt(phase: str, start: EpisodeStart, scratchpad: bool) -> str:
    """The system prompt for ``phase`` (``interaction``, ``mfp``, ``planning`` or ``cd``)."""
    s = start.settings
    g = start.grid_size
    reset_note = (
        " (with the same random seed, so random events repeat)"
        if s.reset_seed == "same"
        else " (with a new random seed)"
    )
    text = _WORLD.format(
        g=g, gm=g - 1, budget=s.budget, tpa=s.ticks_per_action, reset_note=reset_note
    )
    if phase != "interaction":
        text += "\n\n" + _TESTS[phase].format(horizon=s.horizon)
    return text + "\n\n" + _FORMAT.format(scratch=_SCRATCH if scratchpad else _NO_SCRATCH)


def phase_opening(phase: str) -> str:
    """The words that open a phase's first observation."""
    if phase == "interaction":
        return "The interaction phase begins. This is the world's initial state."
    name = {"mfp": "masked-frame prediction", "planning": "planning", "cd": "change detection"}
    return f"The interaction phase is over. The test phase begins: {name[phase]}."
