"""The HTML report end to end: real episodes of the shipped suite -> ``worldtest report`` ->
a self-contained page, rendered in headless Chromium and saved as a screenshot.

Set ``WORLDTEST_REPORT_SCREENSHOT=PATH`` to keep a copy of the screenshot (the one in
``docs/report-screenshot.png`` was made this way).
"""

import base64
import io
import os
import re
import shutil
import subprocess
import tempfile

import numpy as np
import pytest
from PIL import Image

from worldtest import cli
from worldtest.agents.oracle import OracleAgent
from worldtest.agents.random import RandomAgent
from worldtest.protocol import Settings, run_episode
from worldtest.results import ResultsStore
from worldtest.suite import Suite

FAST = Settings(budget=24, horizon=60)  # MFP recordings need up to ~45 steps


class Scripted:
    """Scripted interaction phase (with resets), then random test actions.

    ``rerun=True`` repeats the same experiment after each reset, as the paper's humans did;
    otherwise each segment does something new, as its models did. Reports usage when priced.
    """

    version = "1"
    privileged = False

    def __init__(self, agent_id, rerun, priced=False):
        self.id, self.rerun, self.priced = agent_id, rerun, priced
        self.random = RandomAgent()

    def reset(self, start):
        self.random.reset(start)
        first = ["click 5 5", "right", "right", "click 8 3", "noop"]
        second = [*first[:4], "down"] if self.rerun else ["left", "up", "click 2 9", "noop"]
        self.queue = [*first, "reset", *second, "reset", *(first if self.rerun else ["down"])]

    def act(self, obs):
        if obs.phase == "interaction":
            return self.queue.pop(0) if self.queue else "go-to-test"
        return self.random.act(obs)

    def usage(self):
        return (
            {"input_tokens": 5200, "output_tokens": 410, "cost_usd": 0.031} if self.priced else {}
        )


def demo_records(suite):
    """About 100 real episodes: complete and incomplete agents, seeds, humans, settings.

    The oracle skips collector/cd, whose trigger search alone takes ~40 s: it shows up flagged
    as lacking one task, which is what a report must do with an incomplete agent.
    """
    envs = ["ice", "particles", "collector", "gravity", "ants", "lamp"]  # a six-world sample
    plan = [
        (OracleAgent, envs, FAST, [42]),
        (RandomAgent, envs, FAST, [42, 43]),
        (RandomAgent, envs, Settings(budget=8, horizon=60), [42]),
        (lambda: Scripted("human:ada", True), envs[:3], FAST, [42]),
        (lambda: Scripted("human:bob", True), envs[2:], FAST, [7]),
        (lambda: Scripted("mock-llm", False, priced=True), envs[:4], FAST, [42]),
    ]
    records = []
    for make, chosen, settings, seeds in plan:
        for env in chosen:
            for family in ("mfp", "planning", "cd"):
                if make is OracleAgent and f"{env}/{family}" == "collector/cd":
                    continue
                for seed in seeds:
                    records.append(
                        run_episode(
                            make(),
                            suite.spec(env),
                            suite.program(env),
                            suite.task(env, family),
                            settings,
                            seed,
                            rng=np.random.default_rng(seed),
                        )
                    )
    return records


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("report")
    store = ResultsStore.for_dir(root / "results")
    for record in demo_records(Suite()):
        store.append(record)
    out = root / "out"
    assert (
        cli.main(
            ["report", str(root / "results"), "--out", str(out), "--episodes", "1", "--humans"]
        )
        == 0
    )
    return out


def test_html_is_one_self_contained_file(report_dir):
    html = (report_dir / "report.html").read_text(encoding="utf-8")
    assert "<script" not in html and "<link" not in html and "@import" not in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)  # nothing from the network
    sources = re.findall(r'<img [^>]*src="([^"]+)"', html)
    assert len(sources) > 20 and all(s.startswith("data:image/png;base64,") for s in sources)
    for source in sources[:8]:  # figures and thumbnails decode as PNG
        Image.open(io.BytesIO(base64.b64decode(source.split(",", 1)[1]))).verify()
    gifs = re.findall(r'href="(replays/[^"]+\.gif)"', html)
    assert gifs and all((report_dir / g).is_file() for g in gifs)
    for text in (
        "Reference rows from the paper (not comparable)",
        "⚠ 6 missing",
        "⚠ 1 missing",
        "humans",
        "95% percentile bootstrap",
        "mock-llm",
        "$0.3720",
        "human:ada",
        "random [budget=24]",
        "random [budget=8]",
        "Per environment",
    ):
        assert text in html, text
    markdown = (report_dir / "leaderboard.md").read_text(encoding="utf-8")
    assert "## Reference rows (not comparable)" in markdown and "replays/" in markdown


def _chromium():
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(_chromium() is None, reason="chromium is not installed (.ci/run installs it)")
def test_html_renders_in_headless_chromium(report_dir):
    shot = report_dir / "screenshot.png"
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                _chromium(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={profile}",
                f"--screenshot={shot}",
                "--window-size=1400,2400",
                (report_dir / "report.html").as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
    image = np.asarray(Image.open(shot).convert("RGB"))
    assert image.shape == (2400, 1400, 3)
    assert image.std() > 20  # not a blank page
    top = image[:300]
    assert (top.sum(axis=2) < 150).mean() > 0.002  # dark text: the title and the leaderboard
    yellow = np.abs(image.astype(int) - (253, 231, 37)).sum(axis=2) < 40  # viridis maximum
    assert yellow.sum() > 500  # a heatmap was drawn
    if os.environ.get("WORLDTEST_REPORT_SCREENSHOT"):
        shutil.copy(shot, os.environ["WORLDTEST_REPORT_SCREENSHOT"])
