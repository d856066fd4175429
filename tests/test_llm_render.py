"""What the model is shown and told, how its reply is read, and which messages each call sends."""

from __future__ import annotations

import base64
import io

import numpy as np
import pytest
from PIL import Image

from worldtest.agents.base import EpisodeStart, Frame, Observation
from worldtest.agents.llm.conversation import Conversation, runs
from worldtest.agents.llm.parse import extract_action
from worldtest.agents.llm.prompts import phase_opening, system_prompt
from worldtest.agents.llm.render import observation_parts, png
from worldtest.palette import from_letters, to_rgb
from worldtest.protocol import Settings

START = EpisodeStart("dot", 4, 8, Settings(budget=7, horizon=9, ticks_per_action=3),
                     np.random.default_rng(0))  # fmt: skip
A = from_letters(["R...", "....", "....", "...."])
B = from_letters(["....", "R...", "....", "...."])
OFFERED = ["noop", "left", "right", "up", "down", "click X Y", "reset", "go-to-test"]


def interaction(frames, message=None, first=False):
    return Observation("interaction", frames, frames[-1].grid if frames else A, OFFERED, 5,
                       message, first=first)  # fmt: skip


def text(parts):
    return "\n".join(p["text"] for p in parts if p["type"] == "text")


def test_names_grid_with_ticks_actions_and_collapsed_quiet_ticks():
    obs = interaction([Frame(1, "down", B), Frame(2, None, B), Frame(3, None, B)])
    out = text(observation_parts(obs, START, "names"))
    assert out == (
        "Interaction phase. Actions left in the budget: 5.\n"
        "Frames since your last action:\n"
        "Tick 1 (after action down):\n"
        "black black black black\nred black black black\n"
        "black black black black\nblack black black black\n"
        "Ticks 2-3 (no input): unchanged\n"
        "Actions you may take now: noop, left, right, up, down, "
        "click X Y (X = column 0..3, Y = row 0..3), reset, go-to-test"
    )


def test_letters_grid_has_a_legend_and_feedback_comes_first():
    obs = interaction([Frame(0, "reset", A)], message="invalid action 'jump': unknown action")
    out = text(observation_parts(obs, START, "letters", intro="A note."))
    assert out.startswith("A note.\n\nYour last action was not accepted: invalid action 'jump'")
    assert "Tick 0 (after reset):\nR...\n....\n....\n....\nLegend: . = black, R = red" in out


def decode_png(data: bytes) -> np.ndarray:
    """The pixels of a PNG (Pillow), ``uint8`` (H, W, 3); it must be an RGB PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "PNG" and image.mode == "RGB"
        return np.asarray(image)


def test_png_is_the_frame_scaled_with_grid_lines_and_reproducible():
    image = decode_png(png(B, cell_px=8))
    assert image.shape == (32, 32, 3)
    assert tuple(image[12, 4]) == tuple(to_rgb(B)[1, 0]) == (255, 0, 0)  # the red cell
    assert tuple(image[4, 4]) == (0, 0, 0) and tuple(image[8, 3]) == (64, 64, 64)  # a line
    assert png(B, 8) == png(B, 8)
    assert decode_png(png(B, cell_px=1)).tolist() == to_rgb(B).tolist()


def test_image_mode_sends_base64_pngs_with_their_labels():
    obs = interaction([Frame(1, "down", B)])
    parts = observation_parts(obs, START, "image", cell_px=2)
    images = [p for p in parts if p["type"] == "image"]
    assert len(images) == 1 and images[0]["media_type"] == "image/png"
    assert decode_png(base64.b64decode(images[0]["data"])).shape == (8, 8, 3)
    assert "Tick 1 (after action down):" in text(parts) and "black" not in text(parts)


def test_planning_goal_cells_that_do_not_matter_are_mask():
    goal, mask = B.copy(), np.zeros_like(B)
    mask[1, 0] = 1
    obs = Observation("planning", [Frame(0, None, A)], A, ["noop", "quit"], 9, goal=goal,
                      goal_mask=mask, first=True)  # fmt: skip
    out = text(observation_parts(obs, START, "names"))
    assert "Goal (cells shown as mask do not matter" in out
    assert "mask mask mask mask\nred mask mask mask\n" in out


def test_mfp_options_and_cd_frame_numbers():
    opts = [np.full((1, 2), c, np.uint8) for c in (1, 11)]
    mfp = Observation("mfp", [Frame(4, "click 0 3", A)], A, ["rewind", "choose N"], 3,
                      options=opts, frame_index=4, n_frames=5)  # fmt: skip
    out = text(observation_parts(mfp, START, "names"))
    assert "Frame 4 of 0..4 (recorded action click 0 3)" in out
    assert "Option 0:\nblack black\nOption 1:\nred red" in out and "choose N (N = 0..1)" in out
    cd = Observation("cd", [Frame(6, "left", B)], B, ["noop", "found-change", "quit"], 3,
                     frame_index=7, n_frames=8)  # fmt: skip
    out = text(observation_parts(cd, START, "letters"))
    assert "Frame 7, tick 6 (after action left)" in out and "frames seen so far: 0..7" in out


def test_system_prompt_explains_the_protocol_and_the_current_phase():
    first = system_prompt("interaction", START, scratchpad=True)
    assert "budget of 7 actions" in first and "3 tick(s)" in first and "4 x 4" in first
    assert "<action>click 3 4</action>" in first and "<scratchpad>" in first
    assert "change detection" not in first.lower()  # the test is not revealed while exploring
    cd = system_prompt("cd", START, scratchpad=False)
    assert cd.startswith(first.split("\n\nHow to answer")[0])
    assert "found-change" in cd and "choose-frame K" in cd and "9 test actions" in cd
    assert "scratchpad" not in cd and "Reply with the action tag only" in cd
    assert "planning" in phase_opening("planning") and "mfp" not in system_prompt(
        "mfp", START, True
    )


# -- parsing ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reply", "action", "send", "note"),
    [
        ("<action>click 1 2</action>", "click 1 2", "click 1 2", None),
        ("I go <ACTION> Left </ACTION> then <action>up</action>", "left", "left", None),
        ("<action>jump</action><action>click 9 9</action><action>down</action>", "down", "down",
         None),
        ("<scratchpad>maybe <action>reset</action></scratchpad><action>noop</action>", "noop",
         "noop", None),
        ("<think>try <action>up</action>", None, "<think>try <action>up</action>", "no <action>"),
        ("  noop \n", "noop", "noop", None),
        ("<action>quit</action>", None, "quit", "quit is not offered now."),
        ("<action>fly</action><action>step</action>", None, "fly",
         "'fly' is not an action written as in the list below (nor was any of its 1 other"),
        ("<action>click 4 0</action>", None, "click 4 0", "click 4 0 is outside the 4x4 grid"),
        ("I would rather not.", None, "I would rather not.", "no <action>"),
        ("   ", None, "(empty reply)", "no <action>"),
    ],
)  # fmt: skip
def test_the_first_valid_action_is_taken(reply, action, send, note):
    parsed = extract_action(reply, interaction([Frame(0, None, A)]), 4)
    assert (parsed.action, parsed.send) == (action, send)
    assert (parsed.note is None) if note is None else (note in parsed.note)


def test_range_checks_follow_the_observation():
    opts = [np.zeros((1, 1), np.uint8)] * 6
    mfp = Observation("mfp", [], A, ["rewind", "choose N"], 3, options=opts, n_frames=5)
    assert extract_action("<action>choose 6</action><action>choose 5</action>", mfp, 4).action \
        == "choose 5"  # fmt: skip
    assert "choose 6: N must be in 0..5" in extract_action("<action>choose 6</action>", mfp,
                                                           4).note  # fmt: skip
    cd = Observation("cd", [], A, ["choose-frame K", "quit"], 3, n_frames=3)
    parsed = extract_action("<action>choose-frame 3</action>", cd, 4)
    assert parsed.action is None and "choose-frame 3: K must be in 0..2" in parsed.note


# -- context policies -----------------------------------------------------------------------------


def conversation(history, window, turns, phases=None):
    conv = Conversation(history, window)
    conv.set_system("sys-interaction")
    for i in range(turns):
        phase = (phases or {}).get(i, "interaction")
        if phase != "interaction":
            conv.set_system(f"sys-{phase}")
        conv.add_user([{"type": "text", "text": f"obs {i}"}], phase, i + 1, f"saw {i}")
        if i < turns - 1:
            conv.add_assistant(f"<action>noop</action> {i}", "chose noop")
    return conv


def sent_texts(conv):
    return [conv.messages[i]["content"][0]["text"] for i in conv.to_send()]


def test_full_history_sends_everything_with_the_current_system_prompt():
    conv = conversation("full", 2, 4, {3: "cd"})
    assert sent_texts(conv) == ["sys-cd", "obs 0", "<action>noop</action> 0", "obs 1",
                                "<action>noop</action> 1", "obs 2", "<action>noop</action> 2",
                                "obs 3"]  # fmt: skip
    assert runs(conv.to_send()) == [[7, 7], [1, 6], [8, 8]]


def test_window_keeps_the_last_turns_and_pins_the_phase_openings():
    conv = conversation("window", 2, 6, {4: "planning", 5: "planning"})
    assert sent_texts(conv) == ["sys-planning", "obs 0", "obs 4", "<action>noop</action> 4",
                                "obs 5"]  # fmt: skip
    conv = conversation("window", 2, 6)
    assert sent_texts(conv) == ["sys-interaction", "obs 0", "obs 4", "<action>noop</action> 4",
                                "obs 5"]  # fmt: skip


def test_summary_folds_old_turns_into_stored_summaries():
    conv = conversation("summary", 2, 4)
    assert len(sent_texts(conv)) == 8  # 4 turns, not more than 2 * window: nothing folded
    conv = conversation("summary", 2, 6)  # 6 turns > 2 * 2: the oldest 2 are folded
    texts = sent_texts(conv)
    assert texts[1] == "obs 0"  # the episode's first message stays
    assert texts[2].startswith("Summary of steps 1-2 (written by the harness; frames left out):")
    assert "- step 1 (interaction): saw 0 -> chose noop" in texts[2]
    assert texts[3:] == ["obs 2", "<action>noop</action> 2", "obs 3", "<action>noop</action> 3",
                         "obs 4", "<action>noop</action> 4", "obs 5"]  # fmt: skip
    before = len(conv.messages)
    conv.to_send()
    assert len(conv.messages) == before  # a summary is stored once


def test_action_tags_are_found_as_the_regex_finds_them_without_its_rescans():
    import random
    import re

    from worldtest.agents.llm.parse import _tagged

    regex = re.compile(r"<action>(.*?)</action>", re.IGNORECASE | re.DOTALL)
    rng = random.Random(1)
    pieces = ["<action>", "</action>", "<ACTION>", "</Action>", "a", " noop ", "<act", "ion>", "\n"]
    for _ in range(2000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(30)))
        assert _tagged(text) == regex.findall(text), text
    # 200,000 opening tags and no closing one: the regex rescans the rest for each (hours).
    hostile = "<action>" * 200_000 + "noop"
    parsed = extract_action(hostile, interaction([Frame(0, None, A)]), 4)
    assert parsed.action is None and "no <action>" in parsed.note
