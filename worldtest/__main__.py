"""``python -m worldtest`` and the ``worldtest`` console script: the command line.

``--version`` is answered here, before :mod:`worldtest.cli` (and argparse) is imported, so that
the most frequent probe of an installation costs little more than starting Python.
"""

import sys
from collections.abc import Sequence

from worldtest import __version__


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line (:func:`worldtest.cli.main`); returns the exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args == ["--version"]:
        print(f"worldtest {__version__}")
        return 0
    from worldtest.cli import main as cli_main

    return cli_main(args)


if __name__ == "__main__":
    sys.exit(main())
