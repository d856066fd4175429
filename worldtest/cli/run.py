"""``worldtest run`` and ``worldtest report``: play episodes, print and write the leaderboard."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from worldtest.cli.common import DEFAULT_AGENTS, EXIT_MAX_COST, _workers
from worldtest.cli.options import MODEL_OPTIONS, RUN_OPTIONS, config_fields
from worldtest.errors import ConfigError

if TYPE_CHECKING:  # pragma: no cover
    import argparse

    from worldtest.report.aggregate import AgentSummary
    from worldtest.results import EpisodeRecord



def _cmd_run(args: argparse.Namespace) -> int:
    from pydantic import ValidationError
    from rich.console import Console

    from worldtest import dry_run, runner
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
            **config_fields(args, RUN_OPTIONS + MODEL_OPTIONS),
            workers=_workers(args),
        )
    except ValidationError as err:
        raise ConfigError(f"invalid run settings: {err}") from None
    console = Console()
    if args.dry_run:
        _print_estimate(dry_run.estimate(config), console, args.max_cost)
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
    """The ``--dry-run`` table: one row per agent, then the total
    (``worldtest.dry_run.estimate``); with ``--max-cost``, what the cap does."""
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
