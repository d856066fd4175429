"""worldtest.cli: argument wiring of `report` and `--version`, exit codes, lazy imports."""

import json
import subprocess
import sys

import pytest

from worldtest import __version__, cli
from worldtest.results import ActionLog, EpisodeRecord, ResultsStore, episode_key


def rec(agent, task, score):
    env, family = task.split("/")
    return EpisodeRecord(
        key=episode_key(agent, "1", task, 1, 42, {}),
        worldtest_version=__version__,
        agent=agent,
        agent_version="1",
        env=env,
        family=family,
        task_id=task,
        task_version=1,
        stochastic=False,
        seed=42,
        task_seed=0,
        settings={},
        interaction=[
            ActionLog(phase="interaction", action="noop", valid=True, tick=1, ticks=1, digest="d")
        ],
        test=[],
        n_resets=0,
        n_invalid=0,
        outcome={},
        score=score,
        started_at="2025-01-01T00:00:00Z",
        duration_s=0.1,
    )


@pytest.fixture
def results_dir(tmp_path):
    store = ResultsStore.for_dir(tmp_path / "results")
    for record in (
        rec("random", "ice/mfp", 0.0),
        rec("random", "ice/cd", 0.5),
        rec("oracle", "ice/mfp", 1.0),
    ):
        store.append(record)
    return tmp_path / "results"


def test_version(capsys):
    assert cli.main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"worldtest {__version__}"


def test_no_command_prints_usage_and_fails(capsys):
    assert cli.main([]) == 2
    assert "usage: worldtest" in capsys.readouterr().err
    assert cli.main(["tasks"]) == 2
    assert "derive" in capsys.readouterr().err
    assert cli.main(["frobnicate"]) == 2


def test_report_writes_markdown_and_prints_leaderboard(results_dir, tmp_path, capsys):
    out = tmp_path / "out"
    summary = tmp_path / "summary.json"
    code = cli.main(["report", str(results_dir), "--out", str(out), "--summary-json", str(summary)])
    assert code == 0
    printed = capsys.readouterr().out
    assert "oracle" in printed and "random" in printed and "not comparable" in printed
    markdown = (out / "leaderboard.md").read_text()
    assert "| oracle | — | 1.000 | — | **1.000** |" in markdown
    assert "| random | 0.500 | 0.000 | — | **0.250** |" in markdown
    assert json.loads(summary.read_text()) == [
        {"agent": "oracle", "families": {"mfp": 1.0}, "overall": 1.0, "n_tasks": 1},
        {"agent": "random", "families": {"mfp": 0.0, "cd": 0.5}, "overall": 0.25, "n_tasks": 2},
    ]


def test_report_defaults_to_results_in_cwd(results_dir, monkeypatch, capsys):
    monkeypatch.chdir(results_dir.parent)
    assert cli.main(["report"]) == 0
    assert (results_dir / "leaderboard.md").is_file()


def test_report_accepts_several_files(results_dir, tmp_path, capsys):
    other = tmp_path / "other.jsonl"
    ResultsStore(other).append(rec("explorer", "ice/mfp", 1.0))
    assert (
        cli.main(
            ["report", str(results_dir / "episodes.jsonl"), str(other), "--out", str(tmp_path)]
        )
        == 0
    )
    assert "| explorer |" in (tmp_path / "leaderboard.md").read_text()


def test_report_errors_go_to_stderr_with_exit_1(tmp_path, capsys):
    assert cli.main(["report", str(tmp_path / "missing"), "--out", str(tmp_path)]) == 1
    assert "missing: no such results file or directory" in capsys.readouterr().err

    bad = tmp_path / "bad.jsonl"
    bad.write_text("{oops\n" + rec("random", "ice/mfp", 0.0).model_dump_json() + "\n")
    assert cli.main(["report", str(bad), "--out", str(tmp_path)]) == 1
    assert "bad.jsonl:1: not a JSON record" in capsys.readouterr().err
    assert not (tmp_path / "leaderboard.md").exists()


def test_ctrl_c_exits_130(results_dir, tmp_path, monkeypatch, capsys):
    def interrupted(paths):
        raise KeyboardInterrupt

    monkeypatch.setattr("worldtest.results.load_records", interrupted)
    assert cli.main(["report", str(results_dir), "--out", str(tmp_path)]) == 130
    assert "interrupted" in capsys.readouterr().err


def test_run_options_parse_to_contract_names():
    args = cli.build_parser().parse_args(["run"])
    assert args.profile == "worldtest"  # the seed's default (42; 0 for paper) is the profile's
    assert (args.agent, args.env, args.family, args.seed, args.seeds, args.results) == (
        None,
        None,
        None,
        None,  # no --seed: the profile's default
        None,
        "results",
    )
    args = cli.build_parser().parse_args(
        ["run", "--agent", "random", "--agent", "llm", "--env", "ice", "--family", "cd",
         "--family", "mfp", "--seed", "7", "--results", "r", "--budget", "50", "--horizon", "100",
         "--ticks-per-action", "1", "--reset-seed", "fresh", "--suite", "s",
         "--summary-json", "x.json", "--no-progress"]
    )  # fmt: skip
    assert args.agent == ["random", "llm"] and args.family == ["cd", "mfp"]
    assert args.seed == [7]
    assert (args.budget, args.horizon, args.ticks_per_action, args.reset_seed) == (
        50,
        100,
        1,
        "fresh",
    )
    assert (args.suite, args.summary_json, args.no_progress) == ("s", "x.json", True)
    assert cli.main(["run", "--family", "reward"]) == 2
    assert cli.main(["run", "--horizon", "0"]) == 2


def test_cli_import_is_light():
    code = (
        "import sys, worldtest.cli\n"
        "heavy = ('numpy', 'pydantic', 'rich', 'pygame', 'httpx', 'matplotlib')\n"
        "print(','.join(m for m in heavy if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_run_options_cover_every_run_config_field():
    # `worldtest run` makes its RunConfig from the option table: a RunConfig field without an
    # option (or one the table names but RunConfig lacks) would be silently unreachable.
    from worldtest.cli.options import COMPUTED_FIELDS, MODEL_OPTIONS, RUN_OPTIONS
    from worldtest.runner import RunConfig

    table = [o.field for o in RUN_OPTIONS + MODEL_OPTIONS if o.field is not None]
    assert len(table) == len(set(table))
    assert set(table) | COMPUTED_FIELDS == set(RunConfig.model_fields)
    assert not set(table) & COMPUTED_FIELDS
