"""What the model is told: the system prompt of each phase and the words that open a phase.

Written for this project (not copied from the reference harness). The system prompt explains
the WorldTest protocol (worldtest-protocol.md sections 1-3) and the phase in progress; it
changes when the test phase starts. The test family is not revealed during the interaction
phase: the agent explores without knowing which kind of test follows, as the protocol intends.
Changing any wording here changes behaviour: bump ``LLM_VERSION`` in ``preset.py``.
"""

from __future__ import annotations

from worldtest.agents.base import EpisodeStart

__all__ = ["PROMPT_STYLES", "phase_opening", "prompt_style", "system_prompt"]

PROMPT_STYLES = ("worldtest", "reference")
"""``worldtest``: our prompts (above). ``reference``: the information the reference harness
gives its model agent (BasisResearch/MARAProtocol, ``prompts.py`` with ``hint: true`` and
``instruction_type: reflection``, and the observation texts of ``concrete_envs.py``), in our
own words: one system prompt for the whole episode that describes the actions and suggests
trying each kind of action; no budget, no tick count, no list of the test families, no scoring
rule beyond "a claim before the change is penalised"."""

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


_REFERENCE_SYSTEM = """You are an agent exploring a world made of a grid of coloured cells. At \
every step you receive an observation and the list of actions you may take. Interact with the \
world well and economically, and work out the rules that drive it. The worlds follow simple \
rules, some of them modelled on everyday physics. It pays to try every kind of action (clicks \
and the four arrows) and to watch what follows; look for the objects in the world and for any \
hidden quantities the rules may depend on.

The actions:
- click X Y: click the cell at position (X, Y) of the grid.
- left, right, up, down: press that arrow key.
- noop: do nothing and let the world move on by one step.
- step: show the next frame of a recording.
- reset: put the world back into its initial state.
- go-to-test: leave the exploration and go to the test.
- quit: leave the world.
Further actions are explained when they become available.

Write the action you choose exactly as offered, inside action tags: to click the cell at \
position (1, 2), answer <action>click 1 2</action>."""
# The reference's system prompt does not say which of X and Y is the column (nor do its
# observations), and it asks for notes only in each step's message: so does this one.

_REFERENCE_OPENINGS = {
    "interaction": """This is the interaction phase: act in the world with the actions offered \
in order to learn how it works. Learn the world and its dynamics well. When you think you \
understand it, choose go-to-test to move on to the test phase, where you will have to use what \
you learned to answer questions about this world.""",
    "mfp": """The interaction phase has ended. You will now go through the frames of a \
recording made in the world you explored, one frame per step action. Each frame is a JSON \
object: "render" is the grid, "video_location" is the position of the frame in the recording, \
"action_took" is the action taken at that point, "is_finished" says whether the recording has \
reached its end. Near the end of the recording part of the grid is hidden (those cells read \
mask); at the end you get candidate contents for the hidden part and must pick the one that \
belongs there in the last frame. Once at the end, rewind goes back one frame.""",
    "planning": """The interaction phase has ended; this is the test phase. You are given a \
goal grid and a highlight mask of the grid's size: 1 marks a cell that must reach the goal's \
colour, 0 a cell that does not matter. Solve this planning task in the world you explored: \
bring the highlighted region into the goal state. You can no longer reset, so plan with care. \
After every step your grid is compared with the goal on the highlighted cells; when they all \
match you succeed. You may quit at any time if you are stuck.""",
    "cd": """This is the test phase. You now act in a changed version of the world: one of \
its rules has been altered. It starts out behaving normally and at some point begins to behave \
differently. Use what you learned to notice the change. As soon as you see it, choose \
found-change; then pick the frame at which the change happened with choose-frame K (you may \
look at frames as often as you like) and hand it in with submit. Choosing found-change before \
the change has happened is penalised.""",
}


def prompt_style(context_style: str | None, start: EpisodeStart) -> str:
    """The style in force: the preset's ``context.prompt_style``, or when it is None the
    profile's (``reference`` under ``--profile paper``, else ``worldtest``)."""
    if context_style is not None:
        return context_style
    return "reference" if getattr(start.settings, "profile", "worldtest") == "paper" \
        else "worldtest"


def system_prompt(phase: str, start: EpisodeStart, scratchpad: bool,
                  style: str = "worldtest") -> str:
    """The system prompt for ``phase`` (``interaction``, ``mfp``, ``planning`` or ``cd``);
    ``style="reference"``: one prompt for the whole episode (:data:`PROMPT_STYLES`)."""
    if style == "reference":
        return _REFERENCE_SYSTEM  # notes are invited in each user message (render.py)
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


def phase_opening(phase: str, style: str = "worldtest") -> str:
    """The words that open a phase's first observation."""
    if style == "reference":
        return _REFERENCE_OPENINGS[phase]
    if phase == "interaction":
        return "The interaction phase begins. This is the world's initial state."
    name = {"mfp": "masked-frame prediction", "planning": "planning", "cd": "change detection"}
    return f"The interaction phase is over. The test phase begins: {name[phase]}."
