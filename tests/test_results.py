"""worldtest.results: records, the append-only JSONL store, truncation repair, resume keys."""

import json
import os
import warnings

import pytest

from worldtest import __version__, results
from worldtest.errors import ResultsError
from worldtest.results import ActionLog, EpisodeRecord, ResultsStore, episode_key, load_records

SETTINGS = {"budget": 200, "horizon": 300, "ticks_per_action": 8, "reset_seed": "same"}


def make_record(task="ice/mfp", seed=42, score=1.0, status="ok", settings=SETTINGS, **extra):
    env, family = task.split("/")
    fields = dict(
        key=episode_key("random", "1", task, 1, seed, settings),
        worldtest_version=__version__,
        agent="random",
        agent_version="1",
        env=env,
        family=family,
        task_id=task,
        task_version=1,
        stochastic=False,
        seed=seed,
        task_seed=7,
        settings=settings,
        interaction=[
            ActionLog(
                phase="interaction", action="left", valid=True, tick=8, ticks=8, digest="ab12"
            ),
            ActionLog(
                phase="interaction",
                action="jump",
                valid=False,
                tick=8,
                ticks=0,
                digest="ab12",
                message="unknown action 'jump'",
                t_wall=0.01,
            ),
        ],  # fmt: skip
        test=[
            ActionLog(phase="test", action="choose 3", valid=True, tick=0, ticks=0, digest="cd34")
        ],
        n_resets=0,
        n_invalid=1,
        outcome={"chosen": 3, "correct": 3},
        score=score,
        status=status,
        started_at="2025-01-01T00:00:00Z",
        duration_s=1.5,
    )
    fields.update(extra)
    return EpisodeRecord(**fields)


def test_append_load_round_trip(tmp_path):
    store = ResultsStore(tmp_path / "sub" / "episodes.jsonl")
    assert store.load() == []
    written = [make_record(seed=s, score=s / 10) for s in (1, 2, 3)]
    for record in written:
        store.append(record)
    assert store.load() == written
    lines = store.path.read_text().splitlines()
    assert len(lines) == 3
    assert json.loads(lines[0])["schema_version"] == 2  # 2 since ActionLog.reset_seed


def test_append_flushes_and_fsyncs_each_record(tmp_path, monkeypatch):
    calls = []
    real_fsync = os.fsync
    monkeypatch.setattr(results.os, "fsync", lambda fd: calls.append(fd) or real_fsync(fd))
    store = ResultsStore(tmp_path / "e.jsonl")
    store.append(make_record(seed=1))
    store.append(make_record(seed=2))
    assert len(calls) == 2


def test_for_dir_uses_episodes_jsonl(tmp_path):
    assert ResultsStore.for_dir(tmp_path).path == tmp_path / "episodes.jsonl"


def test_truncated_last_line_is_ignored_then_repaired(tmp_path):
    store = ResultsStore(tmp_path / "e.jsonl")
    store.append(make_record(seed=1))
    store.append(make_record(seed=2))
    partial = make_record(seed=3).model_dump_json()[:57]
    with open(store.path, "a") as fh:
        fh.write(partial)  # an interrupted write: half a line, no newline
    with pytest.warns(results.ResultsWarning, match=":3: ignoring a truncated last line"):
        loaded = store.load()
    assert [r.seed for r in loaded] == [1, 2]

    with pytest.warns(results.ResultsWarning, match="removing a truncated last line"):
        store.append(make_record(seed=4))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert [r.seed for r in store.load()] == [1, 2, 4]
    assert partial not in store.path.read_text()


def test_garbled_newline_terminated_last_line_is_repaired_too(tmp_path):
    store = ResultsStore(tmp_path / "e.jsonl")
    store.append(make_record(seed=1))
    with open(store.path, "a") as fh:
        fh.write('{"schema_version": 1, "key": \n')
    with pytest.warns(results.ResultsWarning):
        assert len(store.load()) == 1
    with pytest.warns(results.ResultsWarning):
        store.append(make_record(seed=2))
    assert [r.seed for r in store.load()] == [1, 2]


def test_complete_last_line_without_newline_is_kept(tmp_path):
    path = tmp_path / "e.jsonl"
    path.write_text(make_record(seed=1).model_dump_json())  # no trailing newline
    store = ResultsStore(path)
    store.append(make_record(seed=2))
    assert [r.seed for r in store.load()] == [1, 2]


def test_garbled_middle_line_names_file_and_line(tmp_path):
    path = tmp_path / "e.jsonl"
    good = make_record().model_dump_json()
    path.write_text(good + "\n" + good + "\n" + "{not json\n" + good + "\n")
    with pytest.raises(ResultsError, match=r"e\.jsonl:3: not a JSON record"):
        ResultsStore(path).load()


def test_unknown_schema_version_is_refused(tmp_path):
    path = tmp_path / "e.jsonl"
    data = json.loads(make_record().model_dump_json())
    data["schema_version"] = 3
    path.write_text(json.dumps(data) + "\n")
    with pytest.raises(ResultsError, match=r"e\.jsonl:1: unknown schema_version 3"):
        ResultsStore(path).load()
    with pytest.raises(ResultsError, match="unknown schema_version 3"):
        load_records([tmp_path])


def test_invalid_field_names_the_field(tmp_path):
    path = tmp_path / "e.jsonl"
    data = json.loads(make_record().model_dump_json())
    data["score"] = 1.5
    path.write_text(json.dumps(data) + "\n")
    with pytest.raises(ResultsError, match=r"e\.jsonl:1: field 'score'"):
        ResultsStore(path).load()


def test_episode_key_is_stable_and_sensitive():
    key = episode_key("random", "1", "ice/mfp", 1, 42, {"budget": 200, "horizon": 300})
    assert key == episode_key("random", "1", "ice/mfp", 1, 42, {"horizon": 300, "budget": 200})
    prefix, digest = key.rsplit("/", 1)
    assert prefix == "random@1/ice/mfp@v1/s42"
    assert len(digest) == 12 and all(c in "0123456789abcdef" for c in digest)
    others = {
        episode_key("random", "2", "ice/mfp", 1, 42, {"budget": 200, "horizon": 300}),
        episode_key("random", "1", "ice/mfp", 2, 42, {"budget": 200, "horizon": 300}),
        episode_key("random", "1", "ice/mfp", 1, 43, {"budget": 200, "horizon": 300}),
        episode_key("random", "1", "ice/mfp", 1, 42, {"budget": 100, "horizon": 300}),
        episode_key("oracle", "1", "ice/mfp", 1, 42, {"budget": 200, "horizon": 300}),
    }
    assert key not in others and len(others) == 5


def test_keys_for_resume_skip_failed_unless_asked(tmp_path):
    store = ResultsStore(tmp_path / "e.jsonl")
    ok = make_record(seed=1)
    failed = make_record(seed=2, score=0.0, status="failed", error="agent crashed")
    store.append(ok)
    store.append(failed)
    assert store.keys() == {ok.key}
    assert store.keys(include_failed=True) == {ok.key, failed.key}


def test_load_records_reads_files_and_directories(tmp_path):
    a, b = tmp_path / "runs" / "a.jsonl", tmp_path / "runs" / "b.jsonl"
    ResultsStore(a).append(make_record(seed=1))
    ResultsStore(b).append(make_record(seed=2))
    (tmp_path / "runs" / "notes.txt").write_text("not records")
    single = tmp_path / "single.jsonl"
    ResultsStore(single).append(make_record(seed=3))
    assert [r.seed for r in load_records([tmp_path / "runs", single])] == [1, 2, 3]
    with pytest.raises(ResultsError, match="no such results file or directory"):
        load_records([tmp_path / "missing"])


def test_record_rejects_unknown_fields_and_bad_family():
    with pytest.raises(ValueError):
        make_record(colour="red")
    with pytest.raises(ValueError):
        make_record(task="ice/reward")


def test_a_schema_1_record_is_still_read(tmp_path):
    # Version 1 (before ActionLog.reset_seed) is read as it was written; version 2 lines carry
    # reset_seed only on resets.
    store = ResultsStore(tmp_path / "new.jsonl")
    store.append(make_record())
    data = json.loads(store.path.read_text())
    assert data["schema_version"] == 2
    assert all("reset_seed" not in log for log in data["interaction"] + data["test"])
    data["schema_version"] = 1
    path = tmp_path / "old.jsonl"
    path.write_text(json.dumps(data) + "\n")
    (record,) = ResultsStore(path).load()
    assert record.schema_version == 1
    assert all(log.reset_seed is None for log in record.interaction)
