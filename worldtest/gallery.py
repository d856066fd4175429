"""Looking at worlds before playing them: ``worldtest ls``, ``worldtest show``, ``worldtest gallery``.

- :func:`print_envs` lists every environment of a suite, sorted by name, with its metadata and
  which of its three tasks exist (a rich table): one line each, or in full with ``long``.
- :func:`show` draws one environment: frame 0 as a PNG (each cell an ``scale`` x ``scale`` block
  with a darker edge, :func:`worldtest.render.upscale`) and a short seeded rollout of the
  rule-exercising policy (:func:`worldtest.authoring.derive.policy_event`) as an animated GIF.
- :func:`write_gallery` regenerates ``environments/README.md`` and ``environments/gallery/``.

Everything is deterministic: the same suite, seed and tick count give the same bytes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from worldtest import render
from worldtest.env import frame_of
from worldtest.errors import ConfigError
from worldtest.suite import FAMILIES, EnvSpec, Suite

__all__ = ["GALLERY_SEED", "GALLERY_TICKS", "SHOW_SCALE", "env_rows", "gallery_markdown",
           "print_envs", "rollout_frames", "show", "write_gallery"]

GALLERY_SEED = 42
"""Seed of the rollouts drawn by ``show`` and ``gallery`` (the default episode seed)."""

GALLERY_TICKS = 48
"""Ticks (policy actions) of a drawn rollout."""

SHOW_SCALE = 12
"""Pixels per cell side of the drawn frames."""

_LAST_MS = 1000  # the GIF's last frame is held this long (milliseconds)


def env_rows(suite: Suite) -> list[tuple[EnvSpec, dict[str, bool]]]:
    """Every environment's metadata and which task families have a file, in file order."""
    return [(spec, {f: suite.task_path(name, f).is_file() for f in FAMILIES})
            for name, spec in suite.envs.items()]


def print_envs(suite: Suite, console: object | None = None, *, long: bool = False) -> None:
    """Print the environments of ``suite``, sorted by name, as a rich table (``worldtest ls``).

    Args:
        suite: the suite to list.
        console: a ``rich.console.Console``; a new one when None.
        long: every field in full (the description and mechanics wrapped, a line between
            environments); else one line per environment, the description cut to the width.

    Raises:
        ConfigError: a missing or malformed ``environments/environments.toml``.
    """
    from rich import box
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = console or Console()
    rows = sorted(env_rows(suite), key=lambda row: row[0].name)
    if not long:
        table = Table(title=f"{len(rows)} environment{'' if len(rows) == 1 else 's'} in "
                            f"{suite.root} (--long for mechanics)",
                      title_justify="left", box=box.SIMPLE_HEAD, padding=(0, 1), expand=False)
        short = {"mfp": "mfp", "planning": "plan", "cd": "cd"}
        cells = [
            (spec.name, f"{spec.grid_size}x{spec.grid_size}", "yes" if spec.stochastic else "no",
             str(spec.frame_rate),
             " ".join(short[f] if ok else "-" for f, ok in tasks.items()))
            for spec, tasks in rows
        ]
        # What the other columns leave of the line: each takes its width plus 3 (padding and
        # the separator), the table 2 more at its edges.
        room = console.width - 2 - 3 * 6
        for i, column in enumerate(("name", "grid", "stoch", "fps", "tasks")):
            width = max([len(column), *(len(row[i]) for row in cells)])
            table.add_column(column, no_wrap=True, width=width)
            room -= width
        room = max(room, 10)
        table.add_column("description", no_wrap=True, width=room)
        for row, (spec, _) in zip(cells, rows):
            about = spec.description
            about = about if len(about) <= room else about[: room - 1].rstrip() + "…"
            table.add_row(*row, escape(about))
        console.print(table)
        return
    table = Table(title=f"environments in {suite.root}", show_lines=True)
    for column in ("name", "grid", "stoch.", "fps", "tasks"):  # fps: the program's FRAME_RATE
        table.add_column(column, no_wrap=True)
    table.add_column("description and mechanics", ratio=1, min_width=12)
    for spec, tasks in rows:
        have = " ".join(f if ok else f"[dim]no {f}[/dim]" for f, ok in tasks.items())
        about = escape(spec.description)
        if spec.mechanics:
            about += "\n[dim]mechanics: " + escape(", ".join(spec.mechanics)) + "[/dim]"
        table.add_row(spec.name, f"{spec.grid_size}x{spec.grid_size}",
                      "yes" if spec.stochastic else "no", str(spec.frame_rate), have, about)
    console.print(table)


def rollout_frames(suite: Suite, env: str, seed: int = GALLERY_SEED,
                   ticks: int = GALLERY_TICKS) -> list[np.ndarray]:
    """Frames 0..``ticks`` of ``env`` run from ``seed`` under the rule-exercising policy.

    The policy draws from ``numpy.random.default_rng(seed)``; a tick on which the program fails
    ends the rollout early (the frames so far are returned).

    Returns:
        ``uint8`` (H, W) palette-index frames, at least frame 0.

    Raises:
        ConfigError: unknown environment. AutumnError: the program does not load.
    """
    from worldtest.errors import AutumnError
    from worldtest.authoring.derive import policy_event

    world = suite.program(env).start(seed)
    rng = np.random.default_rng(seed)
    frames, last = [frame_of(world)], "none"
    for _ in range(ticks):
        last = policy_event(world, rng, last)
        try:
            world.step(last)
        except AutumnError:
            break
        frames.append(frame_of(world))
    return frames


def show(suite: Suite, env: str, out: Path | str, *, seed: int = GALLERY_SEED,
         ticks: int = GALLERY_TICKS, scale: int = SHOW_SCALE) -> tuple[Path, Path]:
    """Write ``<out>/<env>.png`` (frame 0) and ``<out>/<env>.gif`` (a policy rollout).

    The GIF shows one frame per tick at the environment's frame rate (ticks per second) and
    holds the last frame for a second; it loops forever.

    Args:
        suite: the suite holding ``env``.
        env: the environment id.
        out: the folder to write to (created).
        seed: the program's seed and the policy's.
        ticks: policy actions (one tick each) in the GIF.
        scale: pixels per cell side.

    Returns:
        ``(png path, gif path)``.

    Raises:
        ConfigError: unknown environment, or a file that cannot be written.
    """
    spec = suite.spec(env)
    frames = [render.upscale(f, scale) for f in rollout_frames(suite, env, seed, ticks)]
    out = Path(out)
    png, gif = out / f"{env}.png", out / f"{env}.gif"
    durations = [max(20, round(1000 / spec.frame_rate))] * len(frames)
    durations[-1] = _LAST_MS
    try:
        out.mkdir(parents=True, exist_ok=True)
        render.save_png(frames[0], png)
        render.write_gif(frames, gif, durations)
    except OSError as err:
        raise ConfigError(f"{out}: cannot write the pictures of {env}: {err}") from None
    return png, gif


def gallery_markdown(suite: Suite, pictures: str = "gallery", *, seed: int = GALLERY_SEED,
                     ticks: int = GALLERY_TICKS) -> str:
    """The text of ``environments/README.md``: one table per environment.

    Args:
        suite: the suite to describe.
        pictures: the pictures' folder, relative to the README.
        seed, ticks: the rollout the GIFs show (for the text).
    """
    lines = ["<!-- generated by worldtest gallery; do not edit -->", "",
             "# Environments", "",
             ("Generated by `worldtest gallery`; do not edit (edit `environments.toml` and run "
              "it again). Each picture is frame 0 of the world; click it for a "
              f"{ticks}-tick rollout of the rule-exercising policy (seed {seed})."),
             ""]
    for spec, tasks in env_rows(suite):
        png, gif = f"{pictures}/{spec.name}.png", f"{pictures}/{spec.name}.gif"
        have = ", ".join(f for f, ok in tasks.items() if ok) or "none"
        lines += [f"## {spec.name}", "", "| | |", "|---|---|",
                  f"| [![{spec.name}, frame 0]({png})]({gif}) | {_cell(spec.description)} |",
                  f"| rollout | [{spec.name}.gif]({gif}) |",
                  f"| mechanics | {_cell(', '.join(spec.mechanics)) or '-'} |",
                  f"| stochastic | {'yes' if spec.stochastic else 'no'} |",
                  f"| grid | {spec.grid_size}x{spec.grid_size}, {spec.frame_rate} ticks/s |",
                  f"| tasks | {have} |",
                  f"| program | [{spec.program.name}]({_rel(spec.program, suite)}) |", ""]
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _rel(path: Path, suite: Suite) -> str:
    try:
        return path.resolve().relative_to((suite.root / "environments").resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def write_gallery(suite: Suite, *, seed: int = GALLERY_SEED,
                  ticks: int = GALLERY_TICKS) -> list[Path]:
    """Regenerate ``environments/README.md`` and the pictures in ``environments/gallery/``.

    Returns:
        The files written: the README, then each environment's PNG and GIF.

    Raises:
        ConfigError: a malformed suite or a file that cannot be written.
    """
    folder = suite.root / "environments"
    written = []
    for name in suite.envs:
        written += show(suite, name, folder / "gallery", seed=seed, ticks=ticks)
    readme = folder / "README.md"
    try:
        readme.write_text(gallery_markdown(suite, seed=seed, ticks=ticks), encoding="utf-8")
    except OSError as err:
        raise ConfigError(f"{readme}: cannot write the gallery: {err.strerror}") from None
    return [readme, *written]
