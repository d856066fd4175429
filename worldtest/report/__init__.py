"""Reports generated from episode records: aggregation, terminal table, Markdown.

``aggregate`` follows protocol section 4 (Warrier et al. 2025); ``reference`` holds the paper's
rows, always shown apart from measured agents; ``terminal`` and ``markdown`` render. Import the
submodules directly (``from worldtest.report.aggregate import summarise``); this package module
imports nothing, so ``rich`` is loaded only by whoever renders.
"""
