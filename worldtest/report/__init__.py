"""Reports generated from episode records: aggregation, intervals, renderings, episode pictures.

- ``rows``: which records form one leaderboard row (merged runs, rows shown apart, humans);
- ``aggregate``: protocol section 4 scores per row, with ``bootstrap`` intervals;
- ``behaviour``: actions, resets, before/after-reset similarity, invalid actions, usage;
- ``reference``: the paper's rows, always shown apart from measured agents;
- ``replay`` and ``media``: episodes re-created from their records (digest-checked), drawn as
  PNG thumbnails and GIF replays; ``plots``: heatmaps and bar charts;
- ``build``: the whole report, written by ``markdown`` (``leaderboard.md``) and ``html``
  (``report.html``); ``terminal``: the rich leaderboard; ``text``: shared wording.

Import the submodules directly (``from worldtest.report.aggregate import summarise``); this
package module imports nothing, so rich, matplotlib and Pillow load only when needed. Only
``replay`` runs programs (it needs the suite); every other module reads records only.
"""
