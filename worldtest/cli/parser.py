"""The argument parser of the ``worldtest`` command line (imported only when a command runs)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from worldtest import __version__
from worldtest.cli.commands import (
    _cmd_agents, _cmd_autumn_check, _cmd_autumn_trace, _cmd_check_agent, _cmd_download,
    _cmd_gallery, _cmd_import_reference, _cmd_ls, _cmd_play, _cmd_replay, _cmd_show,
    _cmd_tasks_derive, _cmd_tasks_validate,
)
from worldtest.cli.common import FAMILIES, _non_negative, _positive
from worldtest.cli.options import MODEL_GROUP, MODEL_OPTIONS, RUN_OPTIONS, add_options
from worldtest.cli.run import _cmd_report, _cmd_run

if TYPE_CHECKING:  # pragma: no cover
    import argparse


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser; each leaf command sets ``func`` to its handler."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="worldtest",
        description="WorldTest / AutumnBench harness: run agents, report, check programs.",
    )
    parser.add_argument("--version", action="version", version=f"worldtest {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    autumn = sub.add_parser("autumn", help="tools for Autumn programs")
    autumn.set_defaults(help_parser=autumn)
    autumn_sub = autumn.add_subparsers(dest="autumn_command", metavar="COMMAND")
    trace = autumn_sub.add_parser("trace", help="run a program and print one JSON frame per line")
    trace.add_argument("program", metavar="PROGRAM", help="an Autumn .sexp file")
    trace.add_argument("--seed", type=int, required=True, help="the program's random seed")
    trace.add_argument("--actions", required=True, metavar="ACTIONS.json",
                       help="a JSON list of action strings")  # fmt: skip
    trace.add_argument(
        "--order",
        choices=("declaration", "legacy"),
        default="declaration",
        help="order of init and next-expressions: the reference's declaration order (default) "
        "or the older build's reverse order (autumn-language.md appendix A.1)",
    )
    trace.set_defaults(func=_cmd_autumn_trace)
    check = autumn_sub.add_parser("check", help="parse and check a program")
    check.add_argument("program", metavar="PROGRAM", help="an Autumn .sexp file")
    check.set_defaults(func=_cmd_autumn_check)

    run = sub.add_parser("run", help="run agents on the benchmark, then print the leaderboard")
    add_options(run, RUN_OPTIONS)
    add_options(run.add_argument_group(*MODEL_GROUP), MODEL_OPTIONS)
    run.set_defaults(func=_cmd_run)

    report = sub.add_parser(
        "report", help="print the leaderboard; write report.html, leaderboard.md and GIF replays"
    )
    report.add_argument(
        "results",
        nargs="*",
        metavar="RESULTS",
        help="results files or directories (default: results)",
    )
    report.add_argument(
        "--out",
        default="results",
        metavar="DIR",
        help="where to write report.html, leaderboard.md and replays/ (default: results)",
    )
    report.add_argument("--summary-json", metavar="PATH", help="also write the summary as JSON")
    report.add_argument(
        "--episodes",
        type=_non_negative,
        default=3,
        metavar="N",
        help="episodes drawn (thumbnails, GIF replay) per agent and family; 0: none (default 3)",
    )
    report.add_argument(
        "--suite",
        metavar="DIR",
        help="folder holding environments/ and tasks/, to replay episodes (default: the project)",
    )
    report.add_argument(
        "--bootstrap-seed",
        type=int,
        metavar="S",
        help="seed of the bootstrap intervals (default: a fixed seed, printed in the report)",
    )
    report.add_argument(
        "--resamples",
        type=_positive,
        metavar="N",
        help="bootstrap resamples per interval (default 2000)",
    )
    report.add_argument(
        "--humans", action="store_true", help="also list each human participant in the terminal"
    )
    report.add_argument("--csv", metavar="PATH",
                        help="also write one CSV row per episode (agent, env, family, seed, "
                        "score, status, actions, resets, duration, tokens, cost ...)")
    report.add_argument("--compare", action="store_true",
                        help="compare two runs A B (files or directories): each agent's scores "
                        "side by side with B - A and its paired bootstrap interval; "
                        "writes no report files")
    report.set_defaults(func=_cmd_report)

    play = sub.add_parser("play", help="take the benchmark yourself, in a window")
    play.add_argument("env", metavar="ENV", help="the environment to play (e.g. lamp)")
    play.add_argument("--family", choices=FAMILIES, help="one task family (default: all three)")
    play.add_argument("--name", metavar="NAME", help="player name; agent id human:NAME")
    play.add_argument("--turn-based", action="store_true",
                      help="time waits for you (default: real time at the program's FRAME_RATE)")
    play.add_argument("--seed", type=int, default=42, help="episode seed (default 42)")
    play.add_argument("--results", default="results", metavar="DIR",
                      help="results directory (default: results)")
    play.add_argument("--suite", metavar="DIR", help="folder holding environments/ and tasks/")
    play.set_defaults(func=_cmd_play)

    replay = sub.add_parser("replay", help="watch a recorded episode again, or write it as a GIF")
    replay.add_argument("record", metavar="RECORD", help="a results file (JSONL) or directory")
    replay.add_argument("--episode", type=int, default=-1, metavar="N",
                        help="which record (0-based; negative from the end; default: the last)")
    replay.add_argument("--gif", metavar="PATH", help="write an animated GIF instead of a window")
    replay.add_argument("--speed", type=float, default=1.0, help="speed factor (default 1)")
    replay.add_argument("--suite", metavar="DIR", help="folder holding environments/ and tasks/")
    replay.set_defaults(func=_cmd_replay)

    tasks = sub.add_parser("tasks", help="derive and validate task instances")
    tasks.set_defaults(help_parser=tasks)
    tasks_sub = tasks.add_subparsers(dest="tasks_command", metavar="COMMAND")
    for name, func, text in (
        ("derive", _cmd_tasks_derive, "derive task instances for environments"),
        ("validate", _cmd_tasks_validate, "prove task instances sound"),
    ):
        cmd = tasks_sub.add_parser(name, help=text)
        cmd.add_argument(
            "--env", action="append", metavar="NAME", help="environment (repeatable; default: all)"
        )
        cmd.add_argument(
            "--suite",
            metavar="DIR",
            help="folder holding environments/ and tasks/ (default: the project root)",
        )
        cmd.add_argument("--workers", type=_positive, metavar="N",
                         help="processes sharing the work (default: the machine's cores; "
                         "the output is the same as with 1)")
        if name == "validate":
            cmd.add_argument(
                "--no-oracle",
                action="store_true",
                help="skip playing each task with the oracle (faster; the other checks still run)",
            )
            cmd.add_argument(
                "--battery-seeds",
                type=int,
                default=3,
                metavar="N",
                help="seeds of the model-free adversary battery (default 3)",
            )
            cmd.add_argument(
                "--no-battery",
                action="store_true",
                help="skip the model-free adversary battery (faster)",
            )
        cmd.set_defaults(func=func)
    ls = sub.add_parser("ls", help="list the environments with their metadata and tasks")
    ls.add_argument("--suite", metavar="DIR", help="folder holding environments/ and tasks/")
    ls.add_argument("--long", action="store_true",
                    help="every field in full: the description wrapped, the mechanics")
    ls.set_defaults(func=_cmd_ls)

    show = sub.add_parser("show", help="draw an environment: frame 0 (PNG) and a rollout (GIF)")
    show.add_argument("env", metavar="ENV", help="the environment (e.g. lamp)")
    show.add_argument("--out", default=".", metavar="DIR",
                      help="where to write ENV.png and ENV.gif (default: .)")
    show.add_argument("--seed", type=int, default=42, help="program and policy seed (default 42)")
    show.add_argument("--ticks", type=_non_negative, default=48, metavar="N",
                      help="ticks of the rule-exercising policy in the GIF (default 48)")
    show.add_argument("--suite", metavar="DIR", help="folder holding environments/ and tasks/")
    show.set_defaults(func=_cmd_show)

    gallery = sub.add_parser("gallery", help="regenerate environments/README.md and its pictures")
    gallery.add_argument("--suite", metavar="DIR", help="folder holding environments/ and tasks/")
    gallery.set_defaults(func=_cmd_gallery)

    imp = sub.add_parser("import-reference",
                         help="import a folder in the reference harness's layout into a suite")
    imp.add_argument("folder", metavar="DIR", help="programs/, prompts/, answers/, color_dict.yaml")
    imp.add_argument("--out", default=".", metavar="SUITE_DIR",
                     help="the suite to write environments/ and tasks/ into (default: .)")
    imp.add_argument("--seed", type=int, default=0,
                     help="seed recorded in the tasks (default 0, the reference harness's)")
    imp.set_defaults(func=_cmd_import_reference)

    down = sub.add_parser("download", help="download a published benchmark and import it")
    down.add_argument("name", choices=("autumnbench",), help="what to download")
    down.add_argument("--out", default="autumnbench", metavar="DIR",
                      help="folder for the raw files and the suite (default: ./autumnbench); "
                           "files already there are not fetched again")
    down.add_argument("--base-url", metavar="URL",
                      help="the bucket's object base, ending in /o/ (default: the public "
                           "AutumnBench bucket)")
    down.add_argument("--no-progress", action="store_true", help="no progress bar")
    down.set_defaults(func=_cmd_download)

    agents = sub.add_parser("agents", help="list the agents: built-in, installed entry points "
                            "(group worldtest.agents) and presets, with their source")
    agents.add_argument("--no-load", action="store_true",
                        help="do not import entry points or read presets (no status)")
    agents.set_defaults(func=_cmd_agents)
    chk = sub.add_parser("check-agent", help="check that an agent sends legal actions, is seeded "
                         "and resets (a few short episodes; exit status 1 on a failure)")
    chk.add_argument("agent", metavar="ID", help="agent id, entry point, preset or module:Class")
    chk.add_argument("--env", metavar="NAME", help="environment (default: lamp)")
    chk.add_argument("--family", action="append", choices=FAMILIES,
                     help="task family (repeatable; default: all three)")
    chk.add_argument("--seed", type=int, default=0,
                     help="first episode seed; the next one is used too (default 0)")
    chk.add_argument("--budget", type=_non_negative, default=24, metavar="N",
                     help="interaction-phase budget in actions (default 24)")
    chk.add_argument("--horizon", type=_positive, default=40, metavar="N",
                     help="test-phase horizon in actions (default 40)")
    chk.add_argument("--suite", metavar="DIR", help="folder holding environments/ and tasks/")
    chk.set_defaults(func=_cmd_check_agent)
    return parser
