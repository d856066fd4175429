"""The ``worldtest`` command line. Thin: it parses arguments, then calls the library.

Every import beyond the standard library happens inside the command that needs it, so
``worldtest --version`` and ``worldtest autumn check`` start fast. Errors from the library
(:class:`~worldtest.errors.WorldtestError`) are printed as ``str(err)`` to stderr with exit
status 1; Ctrl-C exits with status 130.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from worldtest import __version__
from worldtest.cli.common import DEFAULT_AGENTS, EXIT_MAX_COST, FAMILIES
from worldtest.errors import WorldtestError

if TYPE_CHECKING:  # pragma: no cover
    import argparse

__all__ = ["main", "build_parser"]
_REEXPORTED = (DEFAULT_AGENTS, EXIT_MAX_COST, FAMILIES)


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser; each leaf command sets ``func`` to its handler."""
    from worldtest.cli.parser import build_parser as build
    return build()


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
