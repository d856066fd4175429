"""``python -m worldtest``: the same command line as the ``worldtest`` console script."""

import sys

from worldtest.cli import main

if __name__ == "__main__":
    sys.exit(main())
