"""Agents from other packages: entry points, presets with options, and check-agent.

The first part builds a real distribution in a temporary folder (a pyproject with entry points
of the group ``worldtest.agents``), installs it into this interpreter with pip (no network, no
build isolation: setuptools and wheel of the running environment) and uninstalls it at the end;
then runs its agent by entry-point id and by TOML presets, and checks it. The second part feeds
:func:`worldtest.agent_check.check_agent` agents that break the rules and expects it to say so.
"""

from __future__ import annotations

import importlib
import json
import random
import re
import subprocess
import sys
import time
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest

from worldtest import cli
from worldtest.agent_check import check_agent
from worldtest.agents import make_agent
from worldtest.agents.catalog import list_agents
from worldtest.agents.llm.preset import load_preset
from worldtest.agents.random import RandomAgent
from worldtest.errors import ConfigError
from worldtest.results import ResultsStore
from worldtest.runner import RunConfig, run

DIST = "worldtest-test-plugin-agent"
MODULE = "wt_test_plugin_agent"

AGENT_PY = '''
"""A seeded agent with options, for tests: random arrows and clicks, MFP and CD answered."""
import numpy as np


class PluginAgent:
    id = "plugin-agent"
    version = "2"

    def __init__(self, p_click: float = 0.5, moves: int = 5) -> None:
        if not 0.0 <= p_click <= 1.0:
            raise ValueError(f"p_click must be in [0, 1], got {p_click}")
        self.p_click, self.moves = p_click, moves
        self.rng = np.random.default_rng(0)
        self.grid = 1
        self.chosen = False

    def reset(self, start) -> None:
        self.rng, self.grid, self.chosen = start.rng, start.grid_size, False

    def act(self, obs) -> str:
        if "choose N" in obs.offered:
            return f"choose {int(self.rng.integers(len(obs.options)))}"
        if obs.phase == "mfp":
            return "step"
        if "choose-frame K" in obs.offered:
            if not self.chosen:
                self.chosen = True
                return f"choose-frame {int(self.rng.integers(obs.n_frames))}"
            return "submit"
        if obs.phase == "cd" and obs.remaining < 6 and "found-change" in obs.offered:
            return "found-change"
        if self.rng.random() < self.p_click:
            x, y = self.rng.integers(self.grid, size=2)
            return f"click {int(x)} {int(y)}"
        return ["noop", "left", "right", "up", "down"][int(self.rng.integers(self.moves))]
'''

PYPROJECT = f'''
[build-system]
requires = ["setuptools"]
build-backend = "setuptools.build_meta"

[project]
name = "{DIST}"
version = "0.3.0"

[project.entry-points."worldtest.agents"]
tplug = "{MODULE}.agent:PluginAgent"
tplug-broken = "{MODULE}.missing:Nothing"

[tool.setuptools]
packages = ["{MODULE}"]
'''

SMALL = ["--env", "lamp", "--family", "mfp", "--budget", "8", "--horizon", "30", "--no-progress"]


def _can_build() -> bool:
    try:
        import setuptools
    except ImportError:
        return False
    if importlib.util.find_spec("wheel") is not None:
        return True
    major, minor = (int(p) for p in setuptools.__version__.split(".")[:2])
    return (major, minor) >= (70, 1)  # bdist_wheel moved into setuptools


@pytest.fixture(scope="module")
def plugin(tmp_path_factory: pytest.TempPathFactory):
    """The test distribution, installed for the module's tests; uninstalled after them."""
    if not _can_build():
        pytest.skip("building a package offline needs setuptools and wheel (the test extra)")
    root = tmp_path_factory.mktemp("plugin")
    (root / MODULE).mkdir()
    (root / MODULE / "__init__.py").write_text("")
    (root / MODULE / "agent.py").write_text(AGENT_PY)
    (root / "pyproject.toml").write_text(PYPROJECT)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    done = subprocess.run([*pip, "install", "--no-deps", "--no-build-isolation", "--no-index",
                           str(root)], capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, done.stderr
    importlib.invalidate_caches()
    try:
        yield root
    finally:
        subprocess.run([*pip, "uninstall", "-y", DIST], capture_output=True, check=False)
        for name in [m for m in sys.modules if m.split(".")[0] == MODULE]:
            del sys.modules[name]
        importlib.invalidate_caches()


def _records(results: Path) -> list:
    return ResultsStore.for_dir(results).load()


def test_installed_agent_runs_by_its_entry_point_id(plugin: Path, tmp_path: Path, capsys) -> None:
    status = cli.main(["run", "--agent", "tplug", "--results", str(tmp_path), *SMALL])
    assert status == 0, capsys.readouterr().err
    (record,) = _records(tmp_path)
    assert (record.agent, record.agent_version, record.status) == ("tplug", "2", "ok")
    assert record.agent_config == {"class": f"{MODULE}.agent:PluginAgent", "options": {},
                                   "entry_point": "tplug",
                                   "distribution": f"{DIST} 0.3.0"}  # fmt: skip


def test_presets_give_options_and_the_version_follows_them(plugin: Path, tmp_path: Path) -> None:
    agents = tmp_path / "presets"
    agents.mkdir()
    (agents / "clicky.toml").write_text('agent = "tplug"\n[options]\np_click = 0.9\n')
    (agents / "clicky-class.toml").write_text(
        f'class = "{MODULE}.agent:PluginAgent"\n[options]\np_click = 0.9\n')
    (agents / "still.toml").write_text('agent = "tplug"\n[options]\np_click = 0.0\nmoves = 1\n')
    config = RunConfig(agents=[str(agents / f"{n}.toml") for n in ("clicky", "clicky-class",
                                                                    "still")],
                       envs=["lamp"], families=["planning"], budget=8, horizon=10,
                       results_dir=tmp_path / "results")  # fmt: skip
    records = {r.agent: r for r in run(config, show_progress=False)}
    assert set(records) == {"clicky", "clicky-class", "still"}
    clicky, by_class, still = records["clicky"], records["clicky-class"], records["still"]
    assert clicky.agent_config["options"] == {"p_click": 0.9}
    assert clicky.agent_config["distribution"] == f"{DIST} 0.3.0"
    assert by_class.agent_config["class"] == clicky.agent_config["class"]
    # Same class and options: same version; other options: another version.
    assert clicky.agent_version == by_class.agent_version != still.agent_version
    assert clicky.agent_version.startswith("2+")
    assert {log.action for log in still.interaction} == {"noop"}  # p_click 0, moves 1
    assert any(log.action.startswith("click") for log in clicky.interaction)


def test_a_preset_option_the_class_does_not_take_is_refused(plugin: Path, tmp_path: Path) -> None:
    bad = tmp_path / "typo.toml"
    bad.write_text('agent = "tplug"\n[options]\np_clik = 0.9\n')
    with pytest.raises(ConfigError, match=r"typo\.toml: option 'p_clik'.*p_click, moves"):
        make_agent(str(bad))
    bad.write_text('agent = "tplug"\n[options]\np_click = 2.0\n')
    with pytest.raises(ConfigError, match=r"typo\.toml: .*p_click must be in \[0, 1\]"):
        make_agent(str(bad))


def test_the_installed_agent_passes_check_agent(plugin: Path, capsys) -> None:
    report = check_agent(lambda: make_agent("tplug"))
    assert report.ok, report.table()
    assert cli.main(["check-agent", "tplug", "--family", "mfp"]) == 0
    out = capsys.readouterr().out
    assert "PASS  legal actions" in out and out.rstrip().endswith("PASS")


def test_a_broken_entry_point_names_its_distribution_and_spares_the_others(plugin: Path,
                                                                            capsys) -> None:
    with pytest.raises(ConfigError, match=rf"tplug-broken.*{DIST} 0\.3\.0.*ModuleNotFoundError"):
        make_agent("tplug-broken")
    assert make_agent("tplug").id == "tplug"
    rows = {r.id: r for r in list_agents()}
    assert rows["tplug"].status == "ok" and rows["tplug"].source == f"{DIST} 0.3.0"
    assert "ModuleNotFoundError" in rows["tplug-broken"].status
    assert rows["random"].kind == "built-in"
    assert cli.main(["agents"]) == 0
    out = capsys.readouterr().out
    assert re.search(rf"^tplug +entry point +{MODULE}\.agent:PluginAgent +{DIST} 0\.3\.0$",
                     out, re.M)
    assert "ModuleNotFoundError" in out


# ----------------------------------------------------------------------------- without installing


def _fake_entry_points(monkeypatch: pytest.MonkeyPatch, *pairs: tuple[str, str]) -> None:
    eps = [EntryPoint(name, value, "worldtest.agents") for name, value in pairs]
    monkeypatch.setattr("worldtest.agents.plugins.entry_points", lambda group: eps)


def test_an_entry_point_taking_a_built_in_id_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_entry_points(monkeypatch, ("random", "somewhere:Else"))
    with pytest.raises(ConfigError, match=r"'random' is built into worldtest and also declared "
                       r"by the entry point 'somewhere:Else'"):  # fmt: skip
        make_agent("random")
    assert "clash" in {r.id: r for r in list_agents(load=False)
                       if r.kind == "entry point"}["random"].status


def test_an_id_declared_twice_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_entry_points(monkeypatch, ("twice", "a:A"), ("twice", "b:B"))
    with pytest.raises(ConfigError, match="declared by 2 entry points"):
        make_agent("twice")


def test_shipped_model_presets_keep_their_versions() -> None:
    """The model presets are one kind of preset now; their versions (and so episode keys) are
    those they had before."""
    expected = {
        "claude-haiku-4-5": "4-3c704467", "claude-opus-4-1": "4-606963ff",
        "claude-sonnet-4-5": "4-ff551a3f", "claude-sonnet-4": "4-b446fabb",
        "gemini-2.5-flash": "4-2049e0e5", "gemini-2.5-pro": "4-77008140",
        "gpt-4.1": "4-d309d29d", "gpt-5-mini": "4-49703b7a", "gpt-5": "4-4b38f7eb",
        "o3": "4-1f85031e", "ollama-qwen3": "4-8a1d8dd7", "vllm-qwen3": "4-584c51f1",
    }  # fmt: skip
    root = Path(__file__).resolve().parents[1] / "agents"
    assert {p.stem: load_preset(p).version for p in root.glob("*.toml")} == expected


def test_kind_llm_may_be_said(tmp_path: Path) -> None:
    plain = tmp_path / "m.toml"
    plain.write_text('provider = "openai"\nmodel = "x"\napi_key_env = ""\n')
    said = tmp_path / "said" / "m.toml"
    said.parent.mkdir()
    said.write_text('kind = "llm"\n' + plain.read_text())
    assert load_preset(said).version == load_preset(plain).version
    assert make_agent(str(said)).version == load_preset(plain).version


def test_a_preset_of_a_built_in_agent(tmp_path: Path) -> None:
    preset = tmp_path / "rnd.toml"
    preset.write_text('agent = "random"\n')
    agent = make_agent(str(preset))
    assert (agent.id, type(agent)) == ("rnd", RandomAgent)
    assert agent.version.startswith("1+")
    assert agent.agent_config["class"] == "worldtest.agents.random:RandomAgent"
    preset.write_text('agent = "random"\n[options]\nspeed = 2\n')
    with pytest.raises(ConfigError, match=r"rnd\.toml: option 'speed': .*takes no such option "
                       r"\(its options: none\)"):  # fmt: skip
        make_agent(str(preset))
    preset.write_text('agent = "nobody"\n')
    with pytest.raises(ConfigError, match=r"rnd\.toml: field 'agent': 'nobody'"):
        make_agent(str(preset))
    preset.write_text('class = "worldtest.agents.random:RandomAgent"\nagent = "random"\n')
    with pytest.raises(ConfigError, match="exactly one of 'class'"):
        make_agent(str(preset))


# ----------------------------------------------------------------------------- check-agent fails


class _Illegal(RandomAgent):
    """Random, but says ``jump`` as its fifth action."""

    def reset(self, start) -> None:
        super().reset(start)
        self.n = 0

    def act(self, obs) -> str:
        self.n += 1
        return "jump 3" if self.n == 5 else super().act(obs)


class _Unseeded(RandomAgent):
    """Random, but its clicks come from the module ``random`` (never seeded by the harness)."""

    def _program_action(self) -> str:
        return f"click {random.randrange(self.grid_size)} {random.randrange(self.grid_size)}"


class _Clock(RandomAgent):
    """Random, but the clock decides between two moves."""

    def _program_action(self) -> str:
        return "left" if time.perf_counter_ns() // 1000 % 2 else "right"


class _Stale(RandomAgent):
    """Random, but its generator is its own, made once: a second episode continues it."""

    def __init__(self) -> None:
        super().__init__()
        self.own = None

    def reset(self, start) -> None:
        super().reset(start)
        if self.own is None:
            self.own = start.rng
        self.rng = self.own


class _Crash(RandomAgent):
    def act(self, obs) -> str:
        if obs.phase == "cd":
            raise RuntimeError("no idea what a change is")
        return super().act(obs)


def _rows(report) -> dict[str, tuple[str, str]]:
    return {c.name: (c.status, c.detail) for c in report.checks}


def test_check_agent_reports_the_first_illegal_action_and_its_observation() -> None:
    report = check_agent(_Illegal, families=["planning"])
    status, detail = _rows(report)["legal actions"]
    assert not report.ok and status == "fail"
    assert "'jump 3'" in detail and "unknown action" in detail
    assert "phase interaction, remaining 20" in detail and "offered [" in detail


@pytest.mark.parametrize("cls", [_Unseeded, _Clock])
def test_check_agent_fails_an_agent_with_hidden_randomness(cls: type) -> None:
    report = check_agent(cls)
    rows = _rows(report)
    assert rows["legal actions"][0] == "pass"
    assert rows["seeded (same seeds, same records)"][0] == "fail"
    assert "start.rng" in rows["seeded (same seeds, same records)"][1]
    assert not report.ok and "FAIL" in report.table().splitlines()[-1]


def test_check_agent_fails_an_agent_that_keeps_state_across_reset() -> None:
    report = check_agent(_Stale)
    rows = _rows(report)
    assert rows["seeded (same seeds, same records)"][0] == "pass"
    assert rows["reset (one agent = fresh agents)"][0] == "fail"
    assert "reset(start) must forget" in rows["reset (one agent = fresh agents)"][1]


def test_check_agent_fails_a_family_it_crashes_on(capsys) -> None:
    report = check_agent(_Crash)
    rows = _rows(report)
    assert rows["runs: mfp"][0] == rows["runs: planning"][0] == "pass"
    assert rows["runs: cd"][0] == "fail" and "no idea what a change is" in rows["runs: cd"][1]
    assert cli.main(["check-agent", f"{__name__}:_Crash", "--family", "cd"]) == 1
    assert "FAIL  runs: cd" in capsys.readouterr().out


def test_check_agent_passes_the_built_in_agents() -> None:
    for agent_id in ("random", "oracle"):
        report = check_agent(lambda a=agent_id: make_agent(a))
        assert report.ok, report.table()
        assert json.dumps([c.status for c in report.checks]).count("pass") == 7


def test_the_template_package_agent_passes_check_agent(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """examples/agent-package stays a correct template (its class, without installing it)."""
    root = Path(__file__).resolve().parents[1] / "examples" / "agent-package"
    monkeypatch.syspath_prepend(str(root / "src"))
    from clicker_agent.agent import ClickerAgent

    report = check_agent(lambda: ClickerAgent(p_click=0.9, reset_every=5))
    assert report.ok, report.table()
    preset = (root / "agents" / "clicker-busy.toml").read_text()
    assert 'agent = "clicker"' in preset  # the entry point of its pyproject
    copy = tmp_path / "clicker-busy.toml"  # not installed here: name the class instead
    copy.write_text(preset.replace('agent = "clicker"',
                                   'class = "clicker_agent.agent:ClickerAgent"'))
    agent = make_agent(str(copy))
    assert (agent.id, agent.p_click, agent.reset_every) == ("clicker-busy", 0.9, 40)


def test_a_short_preset_id_in_the_agents_folder(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "agents").mkdir()
    (tmp_path / "agents" / "rr.toml").write_text('agent = "random"\ndescription = "r"\n')
    (tmp_path / "agents" / "random.toml").write_text('agent = "oracle"\n')
    monkeypatch.chdir(tmp_path)
    assert make_agent("rr").id == "rr"
    assert type(make_agent("random")) is RandomAgent  # the built-in id comes first
    rows = {r.id: r for r in list_agents()}
    assert (rows["rr"].kind, rows["rr"].target, rows["rr"].status) == ("preset", "random", "ok")
    assert rows["rr"].description == "r"
    assert "shadowed by the built-in 'random'" in [r for r in list_agents()
                                                   if r.kind == "preset"
                                                   and r.id == "random"][0].status
