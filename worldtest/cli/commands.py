"""The other commands: ``autumn``, ``tasks``, ``play``, ``replay``, ``ls``, ``show``,
``gallery``, ``import-reference``, ``download``, ``agents`` and ``check-agent``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from worldtest.cli.common import FAMILIES, _suite_root, _workers
from worldtest.errors import AutumnError, ConfigError

if TYPE_CHECKING:  # pragma: no cover
    import argparse



def _cmd_autumn_trace(args: argparse.Namespace) -> int:
    import json

    from worldtest.autumn.tools import trace

    actions = _read_actions(Path(args.actions))
    try:
        for frame in trace(Path(args.program), args.seed, actions, order=args.order):
            print(json.dumps(frame, separators=(",", ":")), flush=True)
    except BrokenPipeError:  # e.g. piped into `head`
        sys.stderr.close()
    return 0


def _read_actions(path: Path) -> list[str]:
    import json

    try:
        actions = json.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise ConfigError(f"{path}: cannot read the actions file: {err.strerror or err}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ConfigError(f"{path}: the actions file is not valid JSON: {err}") from None
    if not isinstance(actions, list) or not all(isinstance(a, str) for a in actions):
        raise ConfigError(
            f'{path}: expected a JSON list of action strings (["left", "click 3 4"]), '
            f"got {type(actions).__name__}"
            + (" with non-string items" if isinstance(actions, list) else "")
        )
    return actions


def _cmd_autumn_check(args: argparse.Namespace) -> int:
    from worldtest.autumn.tools import check

    try:
        summary = check(Path(args.program))
    except AutumnError as err:
        headline = err.headline
        print(headline)
        rest = str(err)
        rest = rest[len(headline) :].lstrip("\n") if rest.startswith(headline) else rest
        if rest:
            print(rest)
        return 1
    print(summary)
    return 0


def _cmd_tasks_derive(args: argparse.Namespace) -> int:
    from worldtest.authoring.derive import derive

    derive(_suite_root(args), args.env or None, echo=print, workers=_workers(args))
    return 0


def _cmd_tasks_validate(args: argparse.Namespace) -> int:
    from worldtest.authoring.validate import validate

    problems = validate(_suite_root(args), args.env or None, oracle=not args.no_oracle,
                        echo=lambda line: print(line, flush=True),
                        battery_seeds=0 if args.no_battery else args.battery_seeds,
                        workers=_workers(args))
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s)", file=sys.stderr)
        return 1
    print("all tasks valid")
    return 0


def _cmd_play(args: argparse.Namespace) -> int:
    from worldtest.human.play import play
    from worldtest.human.window import NoDisplayError

    try:
        play(
            args.env,
            families=[args.family] if args.family else None,
            name=args.name,
            real_time=not args.turn_based,
            seed=args.seed,
            results_dir=Path(args.results),
            suite=_suite_root(args),
        )
    except NoDisplayError as err:  # an environment problem, not a bad file: status 2
        print(str(err), file=sys.stderr)
        return 2
    return 0


def _cmd_replay(args: argparse.Namespace) -> int:
    from worldtest.human.replay_view import replay_command

    gif = replay_command(
        Path(args.record),
        episode=args.episode,
        gif=Path(args.gif) if args.gif else None,
        speed=args.speed,
        suite=_suite_root(args),
    )
    if gif is not None:
        print(f"wrote {gif}")
    return 0


def _cmd_ls(args: argparse.Namespace) -> int:
    from worldtest.gallery import print_envs
    from worldtest.suite import Suite

    print_envs(Suite(_suite_root(args)), long=args.long)
    return 0


def _cmd_show(args: argparse.Namespace) -> int:
    from worldtest.gallery import show
    from worldtest.suite import Suite

    for path in show(Suite(_suite_root(args)), args.env, Path(args.out), seed=args.seed,
                     ticks=args.ticks):
        print(f"wrote {path}")
    return 0


def _cmd_gallery(args: argparse.Namespace) -> int:
    from worldtest.gallery import write_gallery
    from worldtest.suite import Suite

    for path in write_gallery(Suite(_suite_root(args))):
        print(f"wrote {path}")
    return 0


def _cmd_import_reference(args: argparse.Namespace) -> int:
    from worldtest.authoring.reference import import_reference

    report = import_reference(Path(args.folder), Path(args.out), seed=args.seed, echo=print)
    for task, reason in report.skipped:
        print(f"{task}: not imported: {reason}", file=sys.stderr)
    return 1 if report.skipped else 0


def _cmd_download(args: argparse.Namespace) -> int:
    from worldtest.download import DEFAULT_BASE_URL, download_autumnbench

    report = download_autumnbench(Path(args.out), base_url=args.base_url or DEFAULT_BASE_URL,
                                  show_progress=not args.no_progress)
    print(f"{args.out}: {len(report.fetched)} file(s) downloaded, {len(report.skipped)} already "
          f"present; {sum(p.name.endswith('.json') for p in report.imported)} task(s) imported")
    for task, reason in report.not_imported:
        print(f"{task}: not imported: {reason}", file=sys.stderr)
    print(f"run it with: worldtest run --suite {args.out} --profile paper")
    return 1 if report.not_imported else 0


def _cmd_agents(args: argparse.Namespace) -> int:
    from worldtest.agents.catalog import list_agents

    rows = list_agents(load=not args.no_load)

    def shown(source: str) -> str:  # a preset file relative to here when it is below
        try:
            return str(Path(source).resolve().relative_to(Path.cwd()))
        except ValueError:
            return source

    cells = [(r.id, r.kind, r.target, shown(r.source) if r.kind.endswith("preset") else r.source)
             for r in rows]  # fmt: skip
    widths = [max(len(c[i]) for c in [("id", "kind", "class / model", "source"), *cells])
              for i in range(3)]  # fmt: skip
    print(f"{'id':<{widths[0]}}  {'kind':<{widths[1]}}  {'class / model':<{widths[2]}}  source")
    for r, (id_, kind, target, source) in zip(rows, cells, strict=True):
        print(f"{id_:<{widths[0]}}  {kind:<{widths[1]}}  {target:<{widths[2]}}  {source}")
        if r.description:
            print(f"    {r.description}")
        if r.status not in ("ok", "not loaded"):
            print(f"    {r.status}")
    return 0


def _cmd_check_agent(args: argparse.Namespace) -> int:
    from worldtest.agent_check import check_agent
    from worldtest.agents import make_agent
    from worldtest.suite import Suite

    make_agent(args.agent)  # a bad id or preset is a usage error, before any episode
    report = check_agent(lambda: make_agent(args.agent),
                         suite=Suite(Path(args.suite) if args.suite else None), env=args.env,
                         families=args.family or FAMILIES, seeds=(args.seed, args.seed + 1),
                         budget=args.budget, horizon=args.horizon)  # fmt: skip
    print(report.table())
    return 0 if report.ok else 1


# ----------------------------------------------------------------------------- parser
