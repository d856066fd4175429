"""worldtest.human: whole episodes played through the window with real pygame events (headless).

Set ``WORLDTEST_SCREENSHOTS=DIR`` to keep a PNG of every screen in DIR (docs/screenshots holds
one such set); otherwise they go to a temporary folder and are only checked.
"""

from __future__ import annotations

import os
from pathlib import Path

import pygame
import pytest
from human_driver import (
    Driver,
    anytime,
    button,
    cell,
    close_window,
    drag_slider,
    key,
    nothing,
    option,
    resize,
)

from worldtest import cli
from worldtest.env import FAMILIES
from worldtest.errors import ResultsError
from worldtest.human.play import family_order, play
from worldtest.replay import reconstruct
from worldtest.human.window import Window
from worldtest.protocol import Settings
from worldtest.report.aggregate import summarise
from worldtest.results import ResultsStore
from worldtest.runner import RunConfig, run
from worldtest.suite import Suite
from worldtest.tasks import start_phase

ENTER, SPACE, RIGHT = pygame.K_RETURN, pygame.K_SPACE, pygame.K_RIGHT
SIZE = (1000, 700)
LAMP = {f: Suite().task("lamp", f) for f in ("mfp", "planning", "cd")}
"""The shipped lamp tasks the script solves (their hidden starts change with derivation)."""
CD_ACTIONS = ["click 7 13", "click 7 13", "noop"]  # the button twice: every second press toggles


def _as_input(action: str):
    """The window input that makes a planning action: a cell click, an arrow key, Space."""
    if action.startswith("click"):
        _, x, y = action.split()
        return cell(int(x), int(y))
    keys = {"left": pygame.K_LEFT, "right": pygame.K_RIGHT, "up": pygame.K_UP,
            "down": pygame.K_DOWN, "noop": SPACE}
    return key(keys[action])


def _cd_trigger_time() -> int:
    """T of lamp's CD test under CD_ACTIONS, from the test phase itself."""
    phase = start_phase(LAMP["cd"], Suite().program("lamp"), Settings())
    for action in CD_ACTIONS:
        phase.apply(action)
    phase.apply("found-change")
    return phase.trigger_time


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    wanted = os.environ.get("WORLDTEST_SCREENSHOTS")
    return Path(wanted) if wanted else tmp_path_factory.mktemp("shots")


def _go_to_test(card: str = "card-interaction") -> list[tuple]:
    return [
        (card, key(ENTER)),
        ("interaction", button("go-to-test")),
        ("interaction", button("go-to-test")),
    ]


def _script(shot) -> list[tuple]:
    """All three lamp tasks, solved, with a screenshot of every screen."""
    steps = [
        ("card-interaction", shot("card-interaction")),
        ("card-interaction", key(ENTER)),
        ("interaction", cell(7, 13)),  # the lamp's button
        ("interaction", key(SPACE)),
        ("interaction", key(pygame.K_LEFT)),
        ("interaction", shot("interaction")),
        ("interaction", button("reset")),
        ("interaction", resize((800, 600))),  # cells shrink; clicks still hit the right cell
        ("interaction", cell(3, 3)),
        ("interaction", resize(SIZE)),
        ("interaction", button("go-to-test")),  # arms: asks for a second press
        ("interaction", button("go-to-test")),
        ("card-mfp", key(ENTER)),
        *[("mfp", key(RIGHT))] * 5,
        ("mfp", button("rewind")),
        ("mfp", button("play")),  # steps by itself ...
        (
            "mfp",
            key(pygame.K_p),
            lambda s: s.obs.frame_index >= LAMP["mfp"].mask.from_frame,
        ),  # ... pause it on a masked frame
        ("mfp", shot("mfp-player")),
        ("mfp", key(pygame.K_p)),  # ... and on to the last frame
        ("mfp-options", shot("mfp-options")),
        ("mfp-options", option(LAMP["mfp"].answer)),
        ("mfp-options", shot("mfp-options-selected")),
        ("mfp-options", button("choose")),
        ("end-mfp", key(ENTER)),
        *_go_to_test(),
        ("card-planning", key(ENTER)),
        *[("planning", _as_input(a)) for a in LAMP["planning"].plan[:-1]],
        ("planning", shot("planning-goal")),
        ("planning", _as_input(LAMP["planning"].plan[-1])),
        ("success", shot("planning-success")),
        ("success", key(ENTER)),
        *_go_to_test(),
        ("card-cd", key(ENTER)),
        *[("cd", _as_input(a)) for a in CD_ACTIONS],
        ("cd", button("found-change")),
        ("cd", button("found-change")),
        ("cd-slider", drag_slider(3, _cd_trigger_time())),
        ("cd-slider", shot("cd-slider")),
        ("cd-slider", button("submit")),
        ("end-cd", shot("cd-result")),
        ("end-cd", key(ENTER)),
    ]
    return steps


@pytest.fixture(scope="module")
def played(tmp_path_factory, shots):
    results = tmp_path_factory.mktemp("results")
    driver = Driver([], shots=shots, clock_step=1 / 16)  # a fake clock: 2 passes per tick
    driver.steps.extend(_script(driver.shot))
    window = Window(SIZE, fps=0, on_frame=driver, clock=driver.clock)
    try:
        records = play(
            "lamp",
            name="tester",
            families=["mfp", "planning", "cd"],  # the order the script plays
            real_time=False,
            results_dir=results,
            window=window,
            echo=lambda line: None,
        )
    finally:
        window.close()
    return records, results, driver


def test_all_three_families_played_through_the_window(played):
    records, results, driver = played
    assert not driver.steps, "the script did not run to its end"
    assert [r.family for r in records] == ["mfp", "planning", "cd"]
    assert ResultsStore.for_dir(results).load() == records  # appended, nothing else
    for record in records:
        assert record.agent == "human:tester" and record.agent_version == "1"
        assert record.status == "ok" and record.score == 1.0
        assert record.settings == Settings().resolved(8).model_dump()  # as `worldtest run`
        assert all(a.t_wall is not None and a.t_wall >= 0 for a in record.interaction + record.test)
        assert record.usage == {
            "interface": "pygame",
            "mode": "turn-based",
            "idle_interaction_actions": [],
            "idle_test_actions": [],
        }
    mfp, planning, cd = records
    assert [a.action for a in mfp.interaction] == [
        "click 7 13",
        "noop",
        "left",
        "reset",
        "click 3 3",
        "go-to-test",
    ]
    assert mfp.n_resets == 1 and [a.ticks for a in mfp.interaction][:3] == [8, 8, 8]
    last = len(LAMP["mfp"].frames) - 1
    assert [a.action for a in mfp.test] == ["step"] * 5 + ["rewind"] + ["step"] * last + [
        f"choose {LAMP['mfp'].answer}"
    ]
    assert [a.action for a in planning.interaction] == ["go-to-test"]
    assert [a.action for a in planning.test] == LAMP["planning"].plan
    assert planning.outcome["success"]
    assert planning.outcome["actions_used"] == len(LAMP["planning"].plan)
    trigger = _cd_trigger_time()
    assert [a.action for a in cd.test] == CD_ACTIONS + [
        "found-change",
        f"choose-frame {trigger}",
        "submit",
    ]
    assert cd.outcome["trigger_time"] == trigger


def test_human_records_replay_and_rank_beside_agents(played, tmp_path):
    records, _, _ = played
    for record in records:
        assert reconstruct(record).score == record.score
    agents = run(
        RunConfig(agents=["random"], envs=["lamp"], results_dir=tmp_path, budget=5),
        show_progress=False,
    )
    rows = {s.agent: s for s in summarise(records + agents, n_resamples=50)}
    assert set(rows) == {"humans", "random"}  # every human:NAME counts in the humans row
    assert rows["humans"].members == ["human:tester"]
    assert rows["humans"].overall == 1.0 and rows["humans"].n_tasks == 3
    own = {s.agent for s in summarise(records, n_resamples=50, group_humans=False)}
    assert own == {"human:tester"}


def test_screenshots_of_every_screen(played, shots):
    names = [
        "card-interaction",
        "interaction",
        "mfp-player",
        "mfp-options",
        "mfp-options-selected",
        "planning-goal",
        "planning-success",
        "cd-slider",
        "cd-result",
    ]
    for name in names:
        image = pygame.image.load(str(shots / f"{name}.png"))
        assert image.get_size() == SIZE, name


def test_a_second_play_skips_finished_tasks(played):
    _, results, _ = played
    said = []
    assert play("lamp", name="tester", families=["cd"], results_dir=results, echo=said.append) == []
    assert "already played lamp/cd" in said[0]


def test_real_time_runs_at_frame_rate_and_marks_idle_noops(tmp_path):
    step = 1 / 32  # seconds of the fake clock per drawn frame
    driver = Driver(
        [
            ("card-interaction", key(ENTER)),
            ("interaction", cell(7, 13), anytime),  # queued: sent after the first tick interval
            ("interaction", nothing, lambda s: s.obs.remaining <= 197),  # two idle seconds
            ("interaction", key(pygame.K_g), anytime),
            ("interaction", key(pygame.K_g), anytime),
            ("card-planning", key(ENTER)),
            *[("planning", _as_input(a)) for a in LAMP["planning"].plan],
            ("success", key(ENTER)),
        ],
        clock_step=step,
    )
    window = Window(SIZE, fps=0, on_frame=driver, clock=driver.clock)
    try:
        (record,) = play(
            "lamp",
            name="rt",
            families=["planning"],
            results_dir=tmp_path,
            window=window,
            echo=lambda line: None,
        )
    finally:
        window.close()
    actions = [a.action for a in record.interaction]
    assert actions[0] == "click 7 13" and actions[-1] == "go-to-test"
    assert set(actions[1:-1]) == {"noop"} and len(actions) >= 4
    assert record.usage["mode"] == "real-time"
    assert record.usage["idle_interaction_actions"] == list(range(1, len(actions) - 1))
    assert record.usage["idle_test_actions"] == []
    # One action = 8 ticks at 8 ticks per second: go-to-test is sent one tick interval after
    # the start, plus one second per action before it.
    elapsed = driver.times["card-planning"] - driver.times["interaction"]
    assert elapsed == pytest.approx(0.125 + (len(actions) - 1), abs=3 * step)


def test_closing_the_window_mid_episode_saves_nothing_of_it(tmp_path):
    driver = Driver(
        [
            *_go_to_test(),
            ("card-planning", key(ENTER)),
            *[("planning", _as_input(a)) for a in LAMP["planning"].plan],
            ("success", key(ENTER)),
            ("card-interaction", key(ENTER)),
            ("interaction", cell(7, 13)),
            ("interaction", close_window),
        ]
    )
    window = Window(SIZE, fps=0, on_frame=driver)
    said = []
    records = play(
        "lamp",
        name="quitter",
        families=["planning", "cd"],
        real_time=False,
        results_dir=tmp_path,
        window=window,
        tick_seconds=0,
        echo=said.append,
    )
    assert window.closed and not driver.steps
    assert [r.family for r in records] == ["planning"]
    assert ResultsStore.for_dir(tmp_path).load() == records
    assert "lamp/cd was not finished" in said[-1]


def test_cli_play_and_replay_are_wired(monkeypatch, tmp_path):
    seen = {}
    monkeypatch.setattr("worldtest.human.play.play", lambda env, **kw: seen.update(env=env, **kw))
    assert (
        cli.main(
            [
                "play",
                "lamp",
                "--family",
                "cd",
                "--name",
                "ann",
                "--turn-based",
                "--seed",
                "7",
                "--results",
                str(tmp_path),
            ]
        )
        == 0
    )
    assert seen["env"] == "lamp" and seen["families"] == ["cd"] and seen["name"] == "ann"
    assert seen["real_time"] is False and seen["seed"] == 7
    assert seen["results_dir"] == tmp_path


def test_cd_result_card_outlines_the_first_changed_cells(played):
    from worldtest.human.play import result_screen
    from worldtest.report.media import cd_first_change
    from worldtest.suite import Suite

    records, results, _ = played
    record = next(r for r in records if r.family == "cd")
    suite = Suite()
    screen = result_screen(record, suite, results, "Close")
    phase = reconstruct(record, suite).phase
    k, cells = cd_first_change(phase.seen, suite.program("lamp"), phase.env.seed,
                               phase.env.prefix)
    outlined = [p for p in screen.panels if p.outline is not None]
    assert len(outlined) == 1 and "changed cells outlined" in outlined[0].caption
    assert f"frame {k}" in outlined[0].caption.lower()
    assert (outlined[0].outline == cells).all()


def test_default_family_order_is_a_seeded_permutation_per_player() -> None:
    orders = {name: family_order(42, f"human:{name}", "lamp")
              for name in ("ada", "bo", "cy", "di", "ed", "flo", "gus", "hal")}
    assert all(sorted(o) == sorted(FAMILIES) for o in orders.values())
    assert family_order(42, "human:ada", "lamp") == orders["ada"]  # reproducible
    # Not one fixed order: players meet different tests first (and last).
    assert len({o[0] for o in orders.values()}) > 1 and len({o[-1] for o in orders.values()}) > 1


def test_play_does_not_write_a_folder_another_run_holds(tmp_path) -> None:
    store = ResultsStore.for_dir(tmp_path)
    window = Window(SIZE, fps=0)
    try:
        with store.lock(), pytest.raises(ResultsError, match="lock"):
            play("lamp", name="tester", families=["cd"], real_time=False,
                 results_dir=tmp_path, window=window, echo=lambda line: None)
    finally:
        window.close()
    assert not store.path.exists() or store.load() == []
