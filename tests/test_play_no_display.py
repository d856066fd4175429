"""`worldtest play` without a display: a clear error and exit status 2, never an SDL error and
a hang. Run in a subprocess, so this test's own SDL settings do not leak in."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def play(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items()
             if k not in ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER")}
    clean.update(env, PYTHONPATH=str(ROOT), XDG_RUNTIME_DIR=str(tmp_path))
    return subprocess.run(
        [sys.executable, "-m", "worldtest", "play", "lamp", "--results", str(tmp_path / "r")],
        env=clean, capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux display variables")
def test_no_display_variable_is_a_clear_error_with_status_2(tmp_path):
    done = play(tmp_path)
    assert done.returncode == 2
    assert "needs a display" in done.stderr and "DISPLAY" in done.stderr
    assert "SDL_VIDEODRIVER=dummy" in done.stderr
    assert not (tmp_path / "r").exists()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux display variables")
def test_a_display_sdl_cannot_reach_is_a_clear_error_with_status_2(tmp_path):
    done = play(tmp_path, DISPLAY=":97")  # no X server there
    assert done.returncode == 2
    assert "needs a display" in done.stderr and "fell back" in done.stderr


def test_an_explicit_dummy_driver_is_trusted(monkeypatch):
    from worldtest.human.window import check_display

    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    monkeypatch.delenv("DISPLAY", raising=False)
    check_display()  # does not raise
