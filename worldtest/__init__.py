"""worldtest: a harness for the WorldTest protocol and the AutumnBench benchmark.

Agents explore Autumn grid worlds without reward (the interaction phase), then are tested on
masked-frame prediction, planning and change detection (the test phase). Source of the protocol:
Warrier et al. 2025, "Benchmarking World-Model Learning" (arXiv 2510.19788).

Importing the package is cheap on purpose: submodules (``worldtest.autumn``, ``worldtest.env``,
``worldtest.results`` ...) are imported by whoever needs them, never here.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
