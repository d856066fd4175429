"""leaderboard.md escapes what it did not write: agent, environment and model names."""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt
from tiny_suite import make_suite

from worldtest.report.build import build_report
from worldtest.report.markdown import md_text, render_markdown
from worldtest.runner import RunConfig, run

EVIL = "<script>alert('x')</script> | *bold* [link](http://x) `code` a\\b ~~s~~"
EVIL_ENV = "dot<img src=x onerror=alert(1)>|x"


@pytest.fixture(scope="module")
def markdown(tmp_path_factory):
    root = tmp_path_factory.mktemp("md")
    config = RunConfig(agents=["random"], suite=make_suite(root / "suite"),
                       results_dir=root / "r", budget=3, horizon=5)
    records = run(config, show_progress=False)
    evil = [r.model_copy(update={"agent": EVIL, "env": EVIL_ENV, "key": r.key + "-evil",
                                 "error": "boom <b>|</b>", "status": "failed"})
            for r in records]
    report = build_report(records + evil, n_resamples=20)
    return render_markdown(report)


def test_no_html_survives(markdown):
    html = MarkdownIt("commonmark").enable("table").render(markdown)
    for made in ("<script", "<img", "<b>", "<a href", "<code>code", "<em>bold", "<s>", "<del>"):
        assert made not in html, made
    assert "&lt;script&gt;alert" in html and "&lt;img src=x" in html


def test_tables_keep_their_columns(markdown):
    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    rows, cells, widths = 0, 0, set()
    for token in tokens:
        if token.type == "tr_open":
            cells = 0
        elif token.type in ("th_open", "td_open"):
            cells += 1
        elif token.type == "tr_close":
            rows += 1
            widths.add(cells)
        elif token.type == "table_close":
            assert len(widths) == 1, widths  # every row as wide as the header
            widths = set()
    assert rows > 5
    leaderboard = markdown.split("## Leaderboard", 1)[1].split("\n\n")[1]
    shown = MarkdownIt("commonmark").enable("table").render(leaderboard)
    assert "&lt;script&gt;alert('x')&lt;/script&gt; | *bold* [link](http://x) `code` a\\b ~~s~~" \
        in shown.replace("&quot;", '"').replace("&#39;", "'")


@pytest.mark.parametrize("text, want", [
    ("plain-name_1", "plain-name\\_1"),
    ("<b>", "&lt;b&gt;"),
    ("two\nlines", "two lines"),
    ("a & b", "a &amp; b"),
])
def test_md_text(text, want):
    assert md_text(text) == want
