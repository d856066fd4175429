"""Runs that use several processes: the same records, output and files as a serial run; one
writer per results folder; Ctrl-C keeps what finished; a start that imports little."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tiny_suite import make_suite

from worldtest.errors import ResultsError
from worldtest.parallel import imap_ordered
from worldtest.results import ResultsStore
from worldtest.runner import RunConfig, run
from worldtest.authoring.derive import derive
from worldtest.authoring.validate import validate

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "tests")])}
WALL_CLOCK = ("started_at", "duration_s")


def comparable(path: Path) -> list[dict]:
    """The records of a results file without their wall-clock fields, in file order."""
    out = []
    for line in path.read_text().splitlines():
        record = json.loads(line)
        for name in WALL_CLOCK:
            record.pop(name)
        for phase in ("interaction", "test"):
            for action in record[phase]:
                action.pop("t_wall", None)
        out.append(record)
    return out


def slow_square(x: int) -> int:
    time.sleep(0.02 * (4 - x % 4))  # later items often finish first
    if x == 5:
        raise ValueError("five")
    return x * x


def test_imap_ordered_yields_in_item_order_and_raises_in_turn():
    assert list(imap_ordered(slow_square, [0, 1, 2, 3, 4], 2)) == [0, 1, 4, 9, 16]
    assert list(imap_ordered(slow_square, [3, 2], 1)) == [9, 4]
    got, kept = [], []
    with pytest.raises(ValueError, match="five"):
        for value in imap_ordered(slow_square, [0, 1, 2, 3, 4, 5, 6, 7], 2, on_abandon=kept.extend):
            got.append(value)
    assert got == [0, 1, 4, 9, 16]  # every result before the failing item, none after
    assert set(kept) <= {36, 49}  # finished later items are handed back, not lost


@pytest.mark.parametrize("agents", [["random", "oracle"]])
def test_workers_give_the_records_of_a_serial_run(tmp_path, agents):
    envs = ["gravity", "lamp", "ice"]
    common = dict(agents=agents, envs=envs, budget=20, horizon=60)
    serial = run(RunConfig(results_dir=tmp_path / "serial", **common), show_progress=False)
    parallel = run(
        RunConfig(results_dir=tmp_path / "parallel", workers=2, **common), show_progress=False
    )
    assert len(serial) == len(parallel) == 2 * 3 * len(envs)
    assert [r.key for r in parallel] == [r.key for r in serial]
    # The file is written in plan order too: the files are equal but for wall-clock fields.
    assert comparable(tmp_path / "parallel" / "episodes.jsonl") == comparable(
        tmp_path / "serial" / "episodes.jsonl"
    )
    assert any(r.score > 0 for r in parallel if r.agent == "oracle")


def test_the_results_lock_stops_or_waits(tmp_path):
    store = ResultsStore.for_dir(tmp_path)
    notes = []
    with store.lock():
        with pytest.raises(ResultsError, match="another worldtest run is writing"):
            with store.lock():
                pass
    with store.lock(wait=True, note=notes.append):
        pass
    assert notes == []  # nobody held it: no waiting message


def _cli(results: Path, suite: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "worldtest", "run", "--suite", str(suite), "--results",
         str(results), "--agent", "random", "--agent", "tiny_suite:ScriptAgent", "--budget", "5",
         "--horizon", "20", "--no-progress", *extra],
        env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def test_two_runs_on_one_folder_record_each_episode_once(tmp_path):
    suite = make_suite(tmp_path / "suite")
    results = tmp_path / "results"
    store = ResultsStore.for_dir(results)
    # While another process holds the lock, a run stops with a clear message ...
    with store.lock():
        refused = _cli(results, suite)
        _, err = refused.communicate(timeout=120)
        assert refused.returncode == 1 and "--wait-lock" in err
        # ... or, with --wait-lock, says so and waits.
        waiting = _cli(results, suite, "--wait-lock", "--workers", "2")
        time.sleep(8)  # time to start and reach the lock (the message below proves it did)
        assert waiting.poll() is None
        assert not store.path.exists()
    # Two runs at once: one records every episode, the other finds them all recorded.
    other = _cli(results, suite, "--wait-lock")
    out, err = waiting.communicate(timeout=300)
    assert waiting.returncode == 0, err
    assert "waiting for another worldtest run" in out + err
    out, err = other.communicate(timeout=300)
    assert other.returncode == 0, err
    keys = [r.key for r in store.load()]
    assert len(keys) == 6 and len(set(keys)) == 6


def test_ctrl_c_keeps_the_finished_episodes_and_the_run_resumes(tmp_path):
    results = tmp_path / "results"
    argv = [sys.executable, "-m", "worldtest", "run", "--results", str(results), "--env",
            "lightbar", "--env", "counters", "--env", "gravity", "--budget", "40",
            "--workers", "2", "--no-progress"]  # fmt: skip
    proc = subprocess.Popen(argv, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, cwd=ROOT)  # fmt: skip
    store = ResultsStore.for_dir(results)
    deadline = time.monotonic() + 240
    while (not store.path.exists() or not store.path.read_text()) and proc.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.1)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "interrupted" in err
    first = [r.key for r in store.load()]
    assert 0 < len(first) < 18 and len(set(first)) == len(first)
    done = subprocess.run(argv, env=ENV, capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert done.returncode == 0, done.stderr
    keys = [r.key for r in store.load()]
    assert keys[: len(first)] == first
    assert len(keys) == 18 and len(set(keys)) == 18


def test_validate_and_derive_with_workers_print_and_write_the_same(tmp_path):
    envs = ["gravity", "lamp"]
    lines: dict[int, list[str]] = {1: [], 2: []}
    problems = {
        # The battery (its table carries its run time) is not what --workers changes.
        n: validate(ROOT, envs, oracle=True, echo=lines[n].append, workers=n, battery_seeds=0)
        for n in (1, 2)
    }
    assert problems[1] == problems[2] and lines[1] == lines[2]
    assert lines[1][:2] == ["gravity/mfp: ok", "gravity/planning: ok"]
    written: dict[int, list[str]] = {1: [], 2: []}
    for n in (1, 2):
        root = tmp_path / f"w{n}"
        shutil.copytree(ROOT / "environments", root / "environments")
        shutil.copytree(ROOT / "tasks", root / "tasks")
        derive(root, envs, echo=written[n].append, workers=n)
    assert [line.replace(str(tmp_path / "w2"), "") for line in written[2]] == [
        line.replace(str(tmp_path / "w1"), "") for line in written[1]
    ]
    for env in envs:
        for family in ("mfp", "planning"):
            relative = Path("tasks") / env / f"{family}.json"
            assert (tmp_path / "w2" / relative).read_bytes() == (ROOT / relative).read_bytes()


def test_the_command_line_imports_no_heavy_library():
    code = (
        "import sys, worldtest.cli; "
        "print(sorted(m for m in ('numpy', 'pydantic', 'rich', 'httpx', 'pygame', 'matplotlib',"
        " 'PIL', 'yaml') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], env=ENV, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
    version = subprocess.run([sys.executable, "-m", "worldtest", "--version"], env=ENV,
                             capture_output=True, text=True)  # fmt: skip
    assert version.returncode == 0 and version.stdout.startswith("worldtest ")
    # --version is answered before the parser's module (and argparse) is imported.
    code = ("import sys, worldtest.__main__ as m; m.main(['--version']); "
            "print('worldtest.cli' in sys.modules, 'argparse' in sys.modules)")  # fmt: skip
    out = subprocess.run([sys.executable, "-c", code], env=ENV, capture_output=True, text=True)
    assert out.stdout.split("\n")[1] == "False False", out.stdout + out.stderr


@pytest.mark.slow
def test_ray_local_gives_the_records_of_a_serial_run(tmp_path):
    pytest.importorskip("ray")
    common = dict(agents=["random", "oracle"], envs=["gravity", "lamp"], budget=20, horizon=60)
    run(RunConfig(results_dir=tmp_path / "serial", **common), show_progress=False)
    run(RunConfig(results_dir=tmp_path / "ray", ray="local", workers=2, **common),
        show_progress=False)  # fmt: skip
    assert comparable(tmp_path / "ray" / "episodes.jsonl") == comparable(
        tmp_path / "serial" / "episodes.jsonl"
    )


def test_ray_missing_is_a_clear_error(tmp_path, monkeypatch):
    from worldtest.errors import ConfigError

    monkeypatch.setitem(sys.modules, "ray", None)  # import ray raises ImportError
    suite = make_suite(tmp_path / "suite")
    config = RunConfig(agents=["random"], suite=suite, results_dir=tmp_path / "r", ray="local",
                       budget=5, horizon=20)  # fmt: skip
    with pytest.raises(ConfigError, match=r"pip install 'worldtest\[ray\]'"):
        run(config, show_progress=False)


def _hammer_cache(args: tuple[str, str, int]) -> int:
    from worldtest.agents.llm.cache import ResponseCache

    root, key, n = args
    cache = ResponseCache(root)
    bad = 0
    for i in range(n):
        cache.put(key, {"text": "x" * 5000, "i": i}, {"pid": os.getpid()})
        fresh = ResponseCache(root)  # a new reader lists the folder again
        reply = fresh.get(key)
        bad += reply is None or reply["text"] != "x" * 5000
    return bad


def test_the_response_cache_stays_whole_with_many_writer_processes(tmp_path):
    from worldtest.agents.llm.cache import ResponseCache

    key = "ab" + "0" * 62
    items = [(str(tmp_path), key, 40)] * 4
    assert sum(imap_ordered(_hammer_cache, items, 2)) == 0  # never a torn or missing entry
    assert ResponseCache(tmp_path).get(key)["text"] == "x" * 5000
    assert [p.name for p in (tmp_path / "ab").iterdir()] == [f"{key}.json"]  # no temp files left
