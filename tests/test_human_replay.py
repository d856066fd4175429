"""worldtest.human.replay / replay_view: rebuild recorded episodes, check digests, GIF, window."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pygame
import pytest
from human_driver import Driver, key
from PIL import Image
from tiny_suite import ScriptAgent

from worldtest import cli
from worldtest.replay import ReplayError, reconstruct
from worldtest.human.replay_view import (
    ReplayScreen,
    render_frame,
    replay_command,
    write_gif,
)
from worldtest.human.window import Window
from worldtest.palette import COLOURS, RGB
from worldtest.protocol import Settings, digest, run_episode
from worldtest.runner import RunConfig, run
from worldtest.suite import Suite


@pytest.fixture(scope="module")
def agent_records(tmp_path_factory):
    """The random agent on every task of lamp and gravity (40 actions of 8 ticks each)."""
    results = tmp_path_factory.mktemp("results")
    records = run(
        RunConfig(agents=["random"], envs=["lamp", "gravity"], results_dir=results, budget=40),
        show_progress=False,
    )
    return records, results


def test_agent_episodes_replay_frame_for_frame(agent_records):
    records, _ = agent_records
    assert len(records) == 6
    for record in records:
        replay = reconstruct(record)
        assert replay.score == record.score
        interaction = [f for f in replay.frames if f.phase == "interaction"]
        ticks = sum(a.ticks for a in record.interaction)
        assert len(interaction) == 1 + ticks  # the start frame, then one frame per tick
        assert digest(interaction[-1].grid) == record.interaction[-1].digest
        test = [f for f in replay.frames if f.phase == record.family]
        assert digest(test[-1].grid) == record.test[-1].digest


def test_fresh_reset_seeds_and_invalid_actions_replay(tmp_path):
    suite = Suite()
    agent = ScriptAgent(
        interaction=["jump", "click 99 99", "reset", "left", "reset", "down"],
        test=["step", "noop", "left"],
        after="quit",
    )
    settings = Settings(budget=10, horizon=6, reset_seed="fresh")
    record = run_episode(
        agent,
        suite.spec("particles"),
        suite.program("particles"),
        suite.task("particles", "planning"),
        settings,
        42,
        rng=np.random.default_rng(3),
    )
    assert record.status == "ok" and record.n_invalid == 3 and record.n_resets == 2
    seeds = [a.message for a in record.interaction if a.action == "reset"]
    assert all(m.startswith("reset with seed ") and m != "reset with seed 42" for m in seeds)
    replay = reconstruct(record, suite)
    assert [f.action for f in replay.frames if f.action][:4] == [
        "jump",
        "click 99 99",
        "reset",
        "left",
    ]
    # Replaying resets with the episode seed instead would not match the stochastic world.
    same = record.model_copy(update={"settings": {**record.settings, "reset_seed": "same"}})
    with pytest.raises(ReplayError, match="interaction action 4 \\('left'\\)"):
        reconstruct(same, suite)


def test_a_changed_record_fails_clearly(agent_records):
    record = agent_records[0][0]
    logs = [a.model_copy() for a in record.interaction]
    logs[6] = logs[6].model_copy(update={"digest": "000000000000"})
    with pytest.raises(ReplayError, match="interaction action 7 .* digest 000000000000"):
        reconstruct(record.model_copy(update={"interaction": logs}))
    with pytest.raises(ReplayError, match="replayed score"):
        reconstruct(record.model_copy(update={"score": 1.0 - record.score}))
    with pytest.raises(ReplayError, match="task version 9"):
        reconstruct(record.model_copy(update={"task_version": 9}))


def test_gif_frames_show_the_grid_in_palette_colours(agent_records, tmp_path):
    record = next(r for r in agent_records[0] if r.family == "planning")
    replay = reconstruct(record)
    image = render_frame(replay, replay.frames[0], cell=16)
    grid = replay.frames[0].grid
    for y, x in [(0, 0), (13, 7), (5, 7)]:
        assert tuple(image[y * 16 + 8, x * 16 + 8]) == RGB[COLOURS[grid[y, x]]]
    path = write_gif(replay, tmp_path / "ep.gif", speed=4)
    with Image.open(path) as gif:
        # every frame as wide as the test phase's: the grid, a gap of one cell, the goal
        assert gif.n_frames > 50 and gif.size == (2 * image.shape[1] + 16, image.shape[0])
        gif.seek(gif.n_frames - 1)
        last = np.asarray(gif.convert("RGB"))
    goal = RGB[COLOURS[replay.phase.task.goal[0, 0]]]  # the goal's top-left cell, beside the grid
    assert tuple(last[8, 272 + 8]) in (goal, tuple(v // 3 for v in goal))  # dimmed if free


def test_cli_replay_writes_a_gif_and_rejects_a_missing_episode(agent_records, tmp_path, capsys):
    _, results = agent_records
    out = tmp_path / "last.gif"
    assert cli.main(["replay", str(results), "--episode", "-1", "--gif", str(out)]) == 0
    assert out.exists() and f"wrote {out}" in capsys.readouterr().out
    assert cli.main(["replay", str(results), "--episode", "6", "--gif", str(out)]) == 1
    assert "no episode 6: it holds 6 record(s)" in capsys.readouterr().err


def test_replay_window_pauses_steps_and_speeds_up(agent_records, tmp_path):
    _, results = agent_records
    shots = Path(os.environ.get("WORLDTEST_SCREENSHOTS") or tmp_path)
    reached = []

    def at_four(screen):
        if screen.index >= 4:
            reached.append(driver.now)
        return bool(reached)

    def shot(window, screen):
        window.screenshot(shots / "replay.png")

    driver = Driver(
        [
            ("replay", key(pygame.K_SPACE), at_four),  # it plays by itself; pause at frame 4
            ("replay", key(pygame.K_RIGHT)),
            ("replay", key(pygame.K_RIGHT)),
            ("replay", key(pygame.K_LEFT)),
            ("replay", key(pygame.K_UP)),
            ("replay", shot),
            ("replay", key(pygame.K_ESCAPE)),
        ],
        clock_step=1 / 16,
    )
    screens = []
    window = Window(
        (900, 650),
        fps=0,
        on_frame=lambda w, s: (screens.append(s), driver(w, s)),
        clock=driver.clock,
    )
    try:
        assert replay_command(results, episode=0, window=window) is None
    finally:
        window.close()
    screen = screens[-1]
    assert isinstance(screen, ReplayScreen) and not driver.steps
    assert screen.index == 5 and screen.speed == 2.0 and not screen.playing
    assert reached[0] == pytest.approx(4 / 8, abs=2 / 16)  # 8 frames per second (FRAME_RATE)
    assert pygame.image.load(str(shots / "replay.png")).get_size() == (900, 650)


def test_mfp_replay_gif_ends_on_the_truth_and_the_score(agent_records, tmp_path):
    record = next(r for r in agent_records[0] if r.family == "mfp")
    replay = reconstruct(record)
    path = write_gif(replay, tmp_path / "mfp.gif", speed=4)
    task = replay.phase.task
    full = np.array(task.frames[-1])
    task.mask.region(full)[...] = task.options[task.answer]
    with Image.open(path) as gif:
        gif.seek(gif.n_frames - 1)
        assert gif.info["duration"] == 2000
        last = np.asarray(gif.convert("RGB"))
    m = task.mask
    for y in range(m.y, m.y + m.height):  # the mask holds the true patch (cell centres)
        for x in range(m.x, m.x + m.width):
            assert tuple(last[y * 16 + 8, x * 16 + 8]) == RGB[COLOURS[full[y, x]]]
    white = (last[m.y * 16 : (m.y + m.height) * 16, m.x * 16] == 255).all(axis=1)
    assert white.all()  # the mask's left edge is outlined
