"""The ``worldtest`` command line. Thin: it parses arguments, then calls the library.

Every import beyond the standard library happens inside the command that needs it, so
``worldtest --version`` and ``worldtest autumn check`` start fast. Errors from the library
(:class:`~worldtest.errors.WorldtestError`) are printed as ``str(err)`` to stderr with exit
status 1; Ctrl-C exits with status 130.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from worldtest import __version__
from worldtest.errors import AutumnError, ConfigError, WorldtestError

if TYPE_CHECKING:  # pragma: no cover
    import argparse

    from worldtest.report.aggregate import AgentSummary
    from worldtest.results import EpisodeRecord

__all__ = ["main", "build_parser"]

FAMILIES = ("mfp", "planning", "cd")
DEFAULT_AGENTS = ("random", "oracle")
EXIT_MAX_COST = 3
"""Exit status of ``worldtest run`` when ``--max-cost`` cut episodes short or left them
unstarted."""


def _usd(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an amount in USD, got {text!r}") from None
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a finite amount >= 0, got {text!r}")
    return value


def _non_negative(text: str) -> int:
    import argparse

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected an integer >= 0, got {value}")
    return value


def _positive(text: str) -> int:
    import argparse

    value = _non_negative(text)
    if value == 0:
        raise argparse.ArgumentTypeError("expected an integer >= 1, got 0")
    return value


MAX_SEEDS = 10_000
"""Most episode seeds one ``--seeds`` may name (a guard against a mistyped range)."""


def _seed_list(text: str) -> list[int]:
    """``--seeds``: comma-separated seeds and inclusive ranges, ``1-5``, ``1,3,7``, ``1-3,10``."""
    import argparse

    seeds: list[int] = []
    for part in text.split(","):
        low, dash, high = part.strip().partition("-")
        try:
            first = int(low)
            last = int(high) if dash else first
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected seeds and ranges such as 1-5 or 1,3,7 (integers >= 0), got {text!r}"
            ) from None
        if last < first:
            raise argparse.ArgumentTypeError(f"empty range {part.strip()!r}: {last} < {first}")
        if len(seeds) + last - first + 1 > MAX_SEEDS:
            raise argparse.ArgumentTypeError(f"more than {MAX_SEEDS} seeds in {text!r}")
        seeds += range(first, last + 1)
    return seeds


def _workers(args: argparse.Namespace) -> int:
    """``--workers``, else the machine's cores."""
    from worldtest.parallel import resolve_workers

    return resolve_workers(args.workers)


def _suite_root(args: argparse.Namespace) -> Path:
    """``--suite``, else the default suite folder (``worldtest.suite.default_suite_root``)."""
    if args.suite:
        return Path(args.suite)
    from worldtest.suite import default_suite_root

    return default_suite_root()


# ----------------------------------------------------------------------------- commands


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


def _cmd_run(args: argparse.Namespace) -> int:
    from pydantic import ValidationError
    from rich.console import Console

    from worldtest import runner
    from worldtest.report.aggregate import summarise
    from worldtest.report.terminal import print_leaderboard
    from worldtest.results import ResultsStore

    agents = args.agent or list(DEFAULT_AGENTS)
    seeds = list(dict.fromkeys([*(args.seed or []), *(args.seeds or [])]))
    try:
        config = runner.RunConfig(
            agents=agents,
            envs=args.env or None,
            families=args.family or None,
            seed=seeds[0] if seeds else None,
            seeds=seeds if len(seeds) > 1 else None,
            profile=args.profile,
            results_dir=Path(args.results),
            suite=Path(args.suite) if args.suite else None,
            budget=args.budget,
            horizon=args.horizon,
            ticks_per_action=args.ticks_per_action,
            reset_seed=args.reset_seed,
            provider=args.provider,
            model=args.model,
            base_url=args.base_url,
            api_key_env=args.api_key_env,
            cache_dir=Path(args.cache_dir) if args.cache_dir else None,
            cache=not args.no_cache,
            concurrency=args.concurrency,
            max_cost=args.max_cost,
            input_price=args.input_price,
            output_price=args.output_price,
            workers=_workers(args),
            ray=args.ray,
            wait_lock=args.wait_lock,
        )
    except ValidationError as err:
        raise ConfigError(f"invalid run settings: {err}") from None
    console = Console()
    if args.dry_run:
        _print_estimate(runner.estimate(config), console, args.max_cost)
        return 0
    spending = runner.Spending()
    done = runner.run(config, console=console, show_progress=not args.no_progress,
                      spending=spending)  # fmt: skip

    run_agents = set(agents) | {r.agent for r in done}
    run_tasks = {r.task_id for r in done}
    records = [
        r
        for r in ResultsStore.for_dir(config.results_dir).load()
        if r.agent in run_agents
        and (r.task_id in run_tasks if run_tasks else _in_selection(r, args.env, args.family))
    ]
    summaries = summarise(records)
    print_leaderboard(summaries, console)
    if args.summary_json:
        _write_summary_json(Path(args.summary_json), summaries)
    if spending.not_started or spending.cut:
        print(f"--max-cost {spending.max_cost:g} USD reached (spent {spending.spent_usd:.4f} "
              f"USD): {spending.cut} episode(s) cut short (recorded as failed), "
              f"{spending.not_started} not started; run again with a higher --max-cost to go "
              "on", file=sys.stderr)  # fmt: skip
        return EXIT_MAX_COST
    return _failed_status(done, config.results_dir)


def _failed_status(done: Sequence[EpisodeRecord], results_dir: Path) -> int:
    """Exit status 1 after naming the failed episodes (status "failed") of a run, else 0."""
    failed = [r for r in done if r.status == "failed"]
    if not failed:
        return 0
    from worldtest.results import ResultsStore

    shown = ", ".join(f"{r.agent} {r.task_id} seed {r.seed}" for r in failed[:5])
    more = f" and {len(failed) - 5} more" if len(failed) > 5 else ""
    print(
        f"{len(failed)} of {len(done)} episodes failed (status \"failed\", scored 0): "
        f"{shown}{more}.\nEach record's \"error\" says why: see "
        f"{ResultsStore.for_dir(results_dir).path} or `worldtest report {results_dir}`; "
        "run the same command again to retry them.",
        file=sys.stderr,
    )
    return 1


def _print_estimate(rows: Sequence[object], console: object, max_cost: float | None) -> None:
    """The ``--dry-run`` table: one row per agent, then the total (``runner.estimate``); with
    ``--max-cost``, what the cap does."""
    from rich.table import Table

    def money(v: float | None) -> str:
        return "-" if v is None else f"{v:,.2f}"

    def tok(n: int) -> str:
        for unit, size in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
            if n >= size:
                return f"{n / size:.{0 if n >= 99.95 * size else 1}f}{unit}"
        return str(n)

    table = Table(box=None, pad_edge=False, header_style="bold", title="estimate before any call "
                  "(calls at most; tokens and USD expected)", title_justify="left")  # fmt: skip
    for name in ("agent", "eps", "calls", "in tok", "out tok", "max in", "budget", "USD",
                 "worst"):  # fmt: skip
        table.add_column(name, justify="left" if name == "agent" else "right",
                         no_wrap=name != "agent", overflow="fold",
                         min_width=12 if name == "agent" else None)
    for r in rows:
        budget = "-" if r.max_input_tokens is None else tok(r.max_input_tokens) if \
            r.max_input_tokens else "none"  # fmt: skip
        table.add_row(r.agent, str(r.episodes), tok(r.calls), tok(r.input_tokens),
                      tok(r.output_tokens), tok(r.largest_input_tokens), budget,
                      money(r.cost_usd), money(r.worst_cost_usd))  # fmt: skip
    costs = [r.cost_usd for r in rows]
    worst = [r.worst_cost_usd for r in rows]
    table.add_row("total", str(sum(r.episodes for r in rows)), tok(sum(r.calls for r in rows)),
                  tok(sum(r.input_tokens for r in rows)),
                  tok(sum(r.output_tokens for r in rows)), "", "",
                  money(None if None in costs else sum(costs)),
                  money(None if None in worst else sum(worst)), style="bold")  # fmt: skip
    say = console.print  # type: ignore[attr-defined]
    say(table)
    stored = sum(r.stored for r in rows)
    say(f"eps: episodes to run ({stored} already in the results are skipped). in tok, out tok: "
        "all calls' tokens; max in: the largest call's input; budget: the context budget per "
        "call. worst: every reply max_output_tokens long. '-': no prices (--input-price, "
        "--output-price). Replies in the response cache cost nothing.")
    if max_cost is not None:
        total = None if None in costs else sum(costs)
        over = total is not None and total > max_cost
        say(f"--max-cost {max_cost:g} USD: no call is made whose worst case (its input "
            "estimate and max_output_tokens) would take the run's spending over it; the "
            "episodes it cuts short are recorded as failed and resumed by a re-run with a "
            "higher cap." + (f" The expected cost ({total:,.2f} USD) is above it." if over
                             else ""))  # fmt: skip


def _in_selection(
    record: EpisodeRecord, envs: list[str] | None, families: list[str] | None
) -> bool:
    return (not envs or record.env in envs) and (not families or record.family in families)


def _write_summary_json(path: Path, summaries: Sequence[AgentSummary]) -> None:
    import json

    from worldtest.report.aggregate import summary_json

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(summary_json(summaries), indent=2) + "\n", encoding="utf-8")
    except OSError as err:
        raise ConfigError(f"{path}: cannot write the summary JSON: {err.strerror or err}") from None


def _cmd_report(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.text import Text

    from worldtest.report.bootstrap import BOOTSTRAP_SEED, N_RESAMPLES
    from worldtest.report.build import build_report, write_report
    from worldtest.report.terminal import print_leaderboard
    from worldtest.results import load_records

    console = Console()
    if args.compare:
        return _compare(args, console)
    records = load_records([Path(p) for p in (args.results or ["results"])])
    if args.csv:
        from worldtest.report.export import write_csv

        console.print(f"wrote {write_csv(records, Path(args.csv))}")
    out = Path(args.out)
    suite = None
    if args.suite:
        from worldtest.suite import Suite

        suite = Suite(args.suite)
    report = build_report(
        records,
        seed=BOOTSTRAP_SEED if args.bootstrap_seed is None else args.bootstrap_seed,
        n_resamples=args.resamples or N_RESAMPLES,
        out_dir=out,
        suite=suite,
        episodes=args.episodes,
        echo=lambda line: console.print(Text.assemble(("not drawn: ", "yellow"), line)),
    )
    print_leaderboard(
        report.summaries,
        console,
        humans=report.humans if args.humans else (),
        seed=report.seed,
        n_resamples=report.n_resamples,
    )
    for path in write_report(report, out):
        console.print(f"wrote {path}")
    if args.summary_json:
        _write_summary_json(Path(args.summary_json), report.summaries)
    return 0


def _compare(args: argparse.Namespace, console: Any) -> int:
    """``worldtest report A B --compare``: two runs side by side (worldtest.report.compare)."""
    from worldtest.report.bootstrap import BOOTSTRAP_SEED, N_RESAMPLES
    from worldtest.report.compare import compare_runs, print_comparison
    from worldtest.results import load_records

    if len(args.results) != 2:
        raise ConfigError(
            f"--compare takes two runs (results files or directories), got {len(args.results)}"
        )
    runs = [load_records([Path(p)]) for p in args.results]
    if args.csv:
        from worldtest.report.export import write_csv

        console.print(f"wrote {write_csv(runs[0] + runs[1], Path(args.csv))}")
    seed = BOOTSTRAP_SEED if args.bootstrap_seed is None else args.bootstrap_seed
    n_resamples = args.resamples or N_RESAMPLES
    found, only_a, only_b = compare_runs(*runs, seed=seed, n_resamples=n_resamples)
    print_comparison(found, only_a, only_b, *args.results, console, seed=seed,
                     n_resamples=n_resamples)
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
    run.add_argument(
        "--agent",
        action="append",
        metavar="ID",
        help="agent id (built-in or an installed entry point: `worldtest agents`), llm, or a "
        "preset: agents/NAME.toml or NAME (repeatable; default: random and oracle)",
    )
    run.add_argument(
        "--env", action="append", metavar="NAME", help="environment (repeatable; default: all)"
    )
    run.add_argument(
        "--family", action="append", choices=FAMILIES, help="task family (repeatable; default: all)"
    )
    run.add_argument("--seed", type=int, action="append", metavar="N",
                     help="episode seed (repeatable; default 42; 0 under --profile paper)")
    run.add_argument("--seeds", type=_seed_list, metavar="LIST",
                     help="episode seeds: ranges and lists, e.g. 1-5 or 1,3,7 (with --seed: both)")
    run.add_argument("--profile", choices=("worldtest", "paper"), default="worldtest",
                     help="protocol settings: ours (default) or the reference harness's "
                          "(paper: seed 0, 300-action budget, 501 steps over both phases, "
                          "MFP rewind one frame back; README 'The paper profile')")
    run.add_argument(
        "--results", default="results", metavar="DIR", help="results directory (default: results)"
    )
    run.add_argument(
        "--budget",
        type=_non_negative,
        metavar="N",
        help="interaction-phase budget in agent actions",
    )
    run.add_argument(
        "--horizon", type=_positive, metavar="N", help="test-phase horizon in test actions"
    )
    run.add_argument(
        "--ticks-per-action", type=_positive, metavar="N", help="ticks run per interaction action"
    )
    run.add_argument(
        "--reset-seed", choices=("same", "fresh"), help="seed used after a reset (default: same)"
    )
    run.add_argument(
        "--suite",
        metavar="DIR",
        help="folder holding environments/ and tasks/ (default: the project root)",
    )
    run.add_argument("--summary-json", metavar="PATH", help="also write the summary as JSON")
    run.add_argument("--no-progress", action="store_true", help="no progress bar")
    run.add_argument("--max-cost", type=_usd, metavar="USD",
                     help="make no model call whose worst case would take this run's "
                     "spending over USD: episodes then in flight end as failed, no new one "
                     "starts; exit status 3 if any was cut or not started (a re-run with a "
                     "higher cap resumes them)")
    run.add_argument("--dry-run", action="store_true",
                     help="print the episodes, calls, tokens and cost each agent would take, "
                     "then exit without running (no call, no API key needed)")
    run.add_argument("--workers", type=_positive, metavar="N",
                     help="processes playing the episodes (default: the machine's cores)")
    run.add_argument("--ray", metavar="ADDRESS",
                     help="play the episodes as Ray tasks: 'local' (a Ray instance on this "
                     "machine), 'auto' or ray://HOST:PORT (a cluster); needs worldtest[ray]")
    run.add_argument("--wait-lock", action="store_true",
                     help="wait while another run writes the same results folder (default: stop)")
    llm = run.add_argument_group(
        "model agents", "--agent llm with these flags, or --agent agents/NAME.toml (or NAME)"
    )
    llm.add_argument("--provider", choices=("openai", "anthropic", "gemini"),
                     help="API of the agent llm (openai = any OpenAI-compatible server)")
    llm.add_argument("--model", metavar="NAME", help="model of the agent llm")
    llm.add_argument("--base-url", metavar="URL", help="endpoint of the agent llm "
                     "(default: the provider's public API)")
    llm.add_argument("--api-key-env", metavar="VAR", help="environment variable holding the "
                     "API key of the agent llm ('' for none; default: the provider's usual one)")
    llm.add_argument("--concurrency", type=_positive, metavar="N",
                     help="model-agent episodes in flight per endpoint (default: the preset's)")
    llm.add_argument("--cache-dir", metavar="DIR",
                     help="response cache of model agents (default: .worldtest-cache/llm)")
    llm.add_argument("--no-cache", action="store_true",
                     help="call the model even when the response cache has the reply")
    llm.add_argument("--input-price", type=_usd, metavar="USD_PER_MTOK",
                     help="input price of the model agents, USD per million tokens "
                     "(overrides the presets')")
    llm.add_argument("--output-price", type=_usd, metavar="USD_PER_MTOK",
                     help="output price of the model agents, USD per million tokens "
                     "(overrides the presets')")
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


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line.

    Args:
        argv: the arguments without the program name; ``sys.argv[1:]`` when ``None``.

    Returns:
        The exit status: 0 on success, 1 on a worldtest error (printed to stderr), failed
        validation or a run in which an episode failed, 2 on a usage error (or ``play``
        without a display), 3 when ``run --max-cost`` cut episodes short or left them
        unstarted (:data:`EXIT_MAX_COST`), 130 when interrupted with Ctrl-C.
    """
    if list(sys.argv[1:] if argv is None else argv) == ["--version"]:
        # Answered before argparse is imported and the parser (15 sub-commands) is built.
        print(f"worldtest {__version__}")
        return 0
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # --help, --version and usage errors
        return exit_.code if isinstance(exit_.code, int) else 0 if exit_.code is None else 2
    func = getattr(args, "func", None)
    if func is None:
        getattr(args, "help_parser", parser).print_help(sys.stderr)
        return 2
    try:
        return func(args)
    except WorldtestError as err:
        print(str(err), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(
            "\ninterrupted: finished episodes are saved; run the same command again to resume",
            file=sys.stderr,
        )
        return 130
