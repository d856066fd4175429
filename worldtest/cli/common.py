"""Shared parts of the command line: constants, argument types, the suite and worker options."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import argparse

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
