"""worldtest.report.replay and media: real episodes of the shipped suite re-created frame by
frame, every frame checked against its recorded digest; thumbnails and GIF replays."""

import base64
import io
import json

import numpy as np
import pytest
from PIL import Image

from worldtest.agents.oracle import OracleAgent
from worldtest.agents.random import RandomAgent
from worldtest.protocol import Settings, digest, run_episode
from worldtest.report.build import build_report
from worldtest.report.html import render_html
from worldtest.render import OUTLINE, frame_scale, outline_cells, upscale
from worldtest.report.media import cd_first_change, pick_episodes, thumbnails, write_gif
from worldtest.report.replay import ReplayError, replay
from worldtest.results import ResultsStore
from worldtest.suite import Suite

SETTINGS = Settings(budget=12, horizon=40, reset_seed="fresh")  # 8 ticks per action (FRAME_RATE)
SCRIPT = [
    "click 3 3",
    "right",
    "jump",
    "reset",
    "click 3 3",
    "right",
    "click 99 0",
    "reset",
    "noop",
    "down",
]


class Resetter:
    """Scripted interaction phase (resets, invalid actions), then random test actions."""

    version = "1"
    privileged = False

    def __init__(self, agent_id="resetter"):
        self.id = agent_id
        self.random = RandomAgent()

    def reset(self, start):
        self.queue = list(SCRIPT)
        self.random.reset(start)

    def act(self, obs):
        if obs.phase == "interaction":
            return self.queue.pop(0) if self.queue else "go-to-test"
        return self.random.act(obs)


@pytest.fixture(scope="module")
def suite():
    return Suite()


def play(suite, agent, env, family, settings=SETTINGS, seed=42):
    return run_episode(
        agent,
        suite.spec(env),
        suite.program(env),
        suite.task(env, family),
        settings,
        seed,
        rng=np.random.default_rng(seed),
    )


@pytest.fixture(scope="module")
def episodes(suite):
    """Real records: a stochastic env with fresh reset seeds (all families), and the oracle."""
    records = [play(suite, Resetter(), "particles", f) for f in ("mfp", "planning", "cd")]
    records.append(play(suite, OracleAgent(), "lamp", "cd", Settings(budget=5)))
    records.append(play(suite, Resetter(), "lamp", "planning"))
    assert all(r.status == "ok" for r in records)
    return records


def test_replay_recreates_every_frame_of_real_episodes(suite, episodes):
    for record in episodes:
        rp = replay(record, suite)
        assert len(rp.interaction) == len(record.interaction) + 1
        assert len(rp.test) == len(record.test) + 1
        logged = [log.digest for log in record.interaction + record.test]
        assert [digest(f) for f in rp.interaction[1:] + rp.test[1:]] == logged
        assert rp.score == record.score
        assert all(f.dtype == np.uint8 and f.shape == (16, 16) for f in rp.interaction + rp.test)
    mfp = replay(episodes[0], suite)
    assert mfp.interaction_labels[3] == "interaction 3/12: jump (invalid)"
    assert episodes[0].n_resets == 2 and "reset with seed" in episodes[0].interaction[3].message
    assert np.array_equal(mfp.test[0], suite.task("particles", "mfp").frames[0])


def test_fresh_reset_seed_comes_from_the_record(suite, episodes):
    record = episodes[0].model_copy(deep=True)
    assert record.interaction[3].reset_seed is not None
    record.interaction[3].reset_seed = 12345
    with pytest.raises(ReplayError, match=r"interaction action [45] \(.*\): replayed tick"):
        replay(record, suite)


def test_a_schema_1_record_names_its_fresh_reset_seed_in_the_message(suite, episodes, tmp_path):
    # Records written before ActionLog.reset_seed (schema 1) are still read and replayed: the
    # seed of a fresh reset comes from its message "reset with seed N".
    data = json.loads(episodes[0].model_dump_json())
    data["schema_version"] = 1
    for log in data["interaction"]:
        log.pop("reset_seed", None)
    path = tmp_path / "old.jsonl"
    path.write_text(json.dumps(data) + "\n")
    (record,) = ResultsStore(path).load()
    assert record.schema_version == 1 and record.interaction[3].reset_seed is None
    assert replay(record, suite).score == episodes[0].score
    record.interaction[3].message = "reset with seed 12345"
    with pytest.raises(ReplayError, match=r"interaction action [45] \(.*\): replayed tick"):
        replay(record, suite)
    record.interaction[3].message = None
    with pytest.raises(ReplayError, match=r"interaction action 4: names no fresh seed"):
        replay(record, suite)


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (
            lambda r: r.interaction[1].__setattr__("digest", "000000000000"),
            r"interaction action 2 \('right'\): replayed tick 16, 8 tick\(s\) run, frame digest "
            r"\w+; the record has tick 16, 8 tick\(s\), digest 000000000000",
        ),
        (
            lambda r: r.test[-1].__setattr__("digest", "ffffffffffff"),
            r"test action \d+ .* digest ffffffffffff",
        ),
        (
            lambda r: r.interaction[2].__setattr__("valid", True),
            r"interaction action 3 \('jump'\): recorded as valid",
        ),
        (lambda r: r.__setattr__("score", 1.0 - r.score), r"score: replayed score"),
        (lambda r: r.__setattr__("task_version", 99), r"task: .*particles/cd task version 99"),
        (lambda r: r.settings.__setitem__("budget", "many"), r"settings: .*valid integer"),
        (lambda r: r.__setattr__("env", "nowhere"), r"unknown environment 'nowhere'"),
    ],
)
def test_a_record_that_does_not_replay_fails_clearly(suite, episodes, change, match):
    record = episodes[2].model_copy(deep=True)  # particles/cd
    change(record)
    with pytest.raises(ReplayError, match=match) as err:
        replay(record, suite)
    assert record.key in str(err.value)


def test_thumbnails_are_the_replayed_frames_upscaled(suite, episodes):
    rp = replay(episodes[3], suite)  # the oracle on lamp/cd: it claims the first defective frame
    thumbs = dict(thumbnails(rp, scale=8))
    trigger = episodes[3].outcome["trigger_time"]
    assert list(thumbs) == [
        "first frame",
        f"last frame seen ({rp.phase.ticks})",
        f"first defective frame {trigger - 1}",
        f"chosen frame {episodes[3].outcome['chosen_frame']}",
    ]
    png = Image.open(io.BytesIO(base64.b64decode(thumbs["first frame"].split(",", 1)[1])))
    assert png.size == (128, 128)
    assert np.array_equal(np.asarray(png.convert("RGB")), upscale(rp.interaction[0], 8))
    # nearest neighbour: every cell is one colour, bar its darkened grid-line edge
    big = upscale(rp.interaction[0], 8)
    assert (big[0:7, 0:7] == big[0, 0]).all()
    assert list(dict(thumbnails(replay(episodes[4], suite)))) == [
        "first frame",
        "final frame",
        "goal (faded = any)",
    ]
    mfp = list(dict(thumbnails(replay(episodes[0], suite))))
    assert mfp[:3] == ["first frame", "final frame (masked)", "true patch"]


def test_gif_replay_has_one_frame_per_action_then_the_ending(suite, episodes, tmp_path):
    rp = replay(episodes[2], suite)
    path = write_gif(rp, tmp_path / "replays" / "x.gif")
    gif = Image.open(path)
    assert gif.n_frames == len(rp.interaction) + len(rp.test) + 1
    gif.seek(5)
    frame = np.asarray(gif.convert("RGB"))[:160]  # 16x16 cells, 10 pixels each (GIF minimum)
    assert np.array_equal(frame, upscale(rp.interaction[5], 10))


def test_mfp_gif_ends_on_the_truth_outlined(suite, episodes, tmp_path):
    rp = replay(episodes[0], suite)
    gif = Image.open(write_gif(rp, tmp_path / "mfp.gif"))
    assert gif.n_frames == len(rp.interaction) + len(rp.test) + 1
    gif.seek(gif.n_frames - 1)
    assert gif.info["duration"] == 2000  # held
    last = np.asarray(gif.convert("RGB"))
    task = rp.phase.task
    full = np.array(task.frames[-1])
    task.mask.region(full)[...] = task.options[task.answer]
    marked = np.zeros(full.shape, dtype=bool)
    task.mask.region(marked)[...] = True
    assert np.array_equal(last[:160], outline_cells(upscale(full, 10), marked, 10))
    assert not np.array_equal(full, task.frames[-1])  # the mask was filled
    caption = last[160:]
    assert (caption.sum(axis=2) < 100).sum() > 50  # the caption (truth, choice, score) is drawn


def test_cd_first_change_finds_the_cells_the_wrong_program_changed(suite, episodes):
    rp = replay(episodes[3], suite)  # the oracle on lamp/cd
    k, cells = cd_first_change(rp.phase.seen, suite.program("lamp"), rp.phase.env.seed,
                               rp.phase.env.prefix)
    trigger = episodes[3].outcome["trigger_time"]
    assert k in (trigger - 1, trigger) and cells.any()
    assert not cd_first_change(rp.phase.seen[:k], suite.program("lamp"), rp.phase.env.seed,
                               rp.phase.env.prefix)
    thumbs = dict(thumbnails(rp, program=suite.program("lamp")))
    title = f"first change: frame {k}, {int(cells.sum())} cell(s) outlined"
    png = Image.open(io.BytesIO(base64.b64decode(thumbs[title].split(",", 1)[1])))
    image = np.asarray(png.convert("RGB"))
    assert (image == OUTLINE).all(axis=2).sum() > 0


def test_outline_follows_the_border_of_the_marked_region():
    frame = np.ones((3, 3), dtype=np.uint8)
    cells = np.zeros((3, 3), dtype=bool)
    cells[1, 1:] = True  # two cells side by side
    image = outline_cells(upscale(frame, 10), cells, 10)
    magenta = (image == OUTLINE).all(axis=2)
    assert magenta[10:12, 10:30].all() and magenta[18:20, 10:30].all()  # top and bottom
    assert magenta[10:20, 10:12].all() and magenta[10:20, 28:30].all()  # outer sides
    assert not magenta[13:17, 18:22].any()  # no line between the two cells
    assert not magenta[:10].any() and not magenta[:, :10].any()


def test_small_grids_are_drawn_at_least_min_pixels():
    assert frame_scale(np.zeros((3, 3))) * 3 >= 128
    assert frame_scale(np.zeros((16, 16))) == 8
    assert frame_scale(np.zeros((25, 25))) == 8
    assert frame_scale(np.zeros((4, 4)), min_pixels=160) == 40


def test_pick_episodes_mixes_best_and_worst_from_different_envs():
    class R:
        def __init__(self, env, score, seed=1, status="ok"):
            self.env, self.score, self.seed, self.status, self.key = env, score, seed, status, env

    chosen = pick_episodes(
        [R("a", 1.0), R("b", 0.0), R("c", 0.5), R("a", 0.0, seed=0), R("d", 1.0)], 3
    )
    assert [(r.env, r.score) for r in chosen] == [("d", 1.0), ("b", 0.0), ("c", 0.5)]


def test_report_draws_episodes_and_notes_those_it_cannot(suite, episodes, tmp_path):
    broken = episodes[1].model_copy(deep=True, update={"agent": "broken", "key": "broken"})
    broken.test[0].digest = "000000000000"
    report = build_report([*episodes, broken], out_dir=tmp_path, suite=suite, n_resamples=20)
    drawn = report.media["resetter"]
    assert [m.record.env for m in drawn["mfp"]] == ["particles"]
    assert {m.record.env for m in drawn["planning"]} == {"particles", "lamp"}
    for items in drawn.values():
        for item in items:
            assert item.error is None and (tmp_path / item.gif).is_file()
    assert report.media["broken"]["planning"][0].error is not None
    assert len(report.notes) == 1 and "test action 1" in report.notes[0]
    html = render_html(report)
    assert "not drawn: cannot replay" in html and 'href="replays/' in html
