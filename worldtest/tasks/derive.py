"""Make task instances from an environment's program (``worldtest tasks derive``).

Deterministic: every random choice comes from a generator seeded by the task id, so deriving
twice writes the same bytes. The protocol's task data (section 3) is produced as follows.

MFP (3.1): a recording of a rule-exercising policy (noops, arrows, clicks on objects and on
random cells), ending with a *key* action (a click on an object, or an arrow) followed by noops
while its consequences unfold; the mask covers the bounding box of the cells that change after
the key action (where the dynamics decide the outcome), and the masked frames start with the key
action's frame, as in the reference example ("the last 6 of 73 frames, starting at the last
click"). The five distractors are mask regions of frames the program can produce: other ticks of
the recording, the same actions under other seeds, other key actions or continuations, and the
CD wrong program (a one-rule change); each option records its source, so the validator can
re-derive it.

Planning (3.2): the goal is the frame after a short rule-exercising rollout, masked to the cells
that the rollout changed (at most a 5x5 window of them); ``optimal_actions`` is the length of the
shortest plan breadth-first search finds (``worldtest.search``), which is stored as the witness.

CD (3.3): the wrong program and its trigger are written by hand (one rule changed), in
``tasks/<env>/cd_wrong.sexp`` and ``tasks/<env>/cd.json``; derive leaves them as they are.
"""

from __future__ import annotations

import zlib
from pathlib import Path
from typing import Any

import numpy as np

from worldtest.autumn import Program, World
from worldtest.env import frame_of
from worldtest.errors import AutumnError, WorldtestError
from worldtest.search import ARROWS, Event, bfs, candidate_events, event_text, goal_test
from worldtest.tasks.models import MfpMask, MfpTask, PlanningTask, save_task

__all__ = ["derive", "derive_mfp", "derive_planning", "task_seed", "task_rng", "DERIVE_VERSION",
           "replay", "patch"]

DERIVE_VERSION = 1
MAX_MASK = 5           # the largest side of an MFP mask or planning goal window, in cells
MAX_PLAN_NODES = 30_000   # search budget of the validator's optimality proof
DERIVE_PLAN_NODES = 6_000  # budget of one derivation attempt (cheap failures)


def task_seed(env: str, family: str) -> int:
    """The task seed: a stable function of the task id in [1, 9999] (never the degenerate 0)."""
    return 1 + zlib.crc32(f"{env}/{family}".encode()) % 9999


def task_rng(env: str, family: str) -> np.random.Generator:
    """The derivation's random generator, seeded by the task id."""
    return np.random.default_rng(zlib.crc32(f"derive/{env}/{family}".encode()))


def policy_event(world: World, rng: np.random.Generator, last: Event = "none") -> Event:
    """One action of the rule-exercising policy: 20% a repeat of ``last`` (to reach counters and
    thresholds), else 25% noop, 30% arrows, 30% clicks on a non-background cell, 15% clicks on a
    uniform cell."""
    if last != "none" and rng.random() < 0.2:
        return last
    r = rng.random()
    if r < 0.25:
        return None
    if r < 0.55:
        return ARROWS[int(rng.integers(4))]
    n = world.grid_size
    if r < 0.85:
        objs = [e for e in candidate_events(world) if isinstance(e, tuple)]
        if objs:
            return objs[int(rng.integers(len(objs)))]
    return ("click", int(rng.integers(n)), int(rng.integers(n)))


def rollout(world: World, rng: np.random.Generator, n: int) -> list[Event]:
    """Step ``world`` through ``n`` policy actions; return them.

    Raises:
        AutumnError: the program failed on one of them.
    """
    events: list[Event] = []
    last: Event = "none"
    for _ in range(n):
        last = policy_event(world, rng, last)
        world.step(last)
        events.append(last)
    return events


def replay(program: Program, seed: int, events: list[Event]) -> list[np.ndarray]:
    """Frames 0..len(events) of ``program`` run from ``seed`` with ``events`` (one tick each)."""
    world = program.start(seed)
    frames = [frame_of(world)]
    for ev in events:
        world.step(ev)
        frames.append(frame_of(world))
    return frames


def patch(frame: np.ndarray, rect: tuple[int, int, int, int]) -> np.ndarray:
    """The ``(x, y, width, height)`` rectangle of ``frame``, ``uint8`` (height, width)."""
    x, y, w, h = rect
    return np.ascontiguousarray(frame[y:y + h, x:x + w])


def _window(cells: np.ndarray, rng: np.random.Generator) -> tuple[int, int, int, int]:
    """A rectangle of at most MAX_MASK x MAX_MASK around some of the changed cells."""
    ys, xs = np.nonzero(cells)
    x0, x1, y0, y1 = xs.min(), xs.max(), ys.min(), ys.max()
    if x1 - x0 < MAX_MASK and y1 - y0 < MAX_MASK:
        return int(x0), int(y0), int(x1 - x0 + 1), int(y1 - y0 + 1)
    i = int(rng.integers(len(xs)))
    cx, cy = int(xs[i]), int(ys[i])
    n_h, n_w = cells.shape
    x = min(max(cx - MAX_MASK // 2, 0), n_w - MAX_MASK)
    y = min(max(cy - MAX_MASK // 2, 0), n_h - MAX_MASK)
    sub = cells[y:y + MAX_MASK, x:x + MAX_MASK]
    ys2, xs2 = np.nonzero(sub)
    return (x + int(xs2.min()), y + int(ys2.min()), int(xs2.max() - xs2.min() + 1),
            int(ys2.max() - ys2.min() + 1))


# -- MFP ----------------------------------------------------------------------------------------
def source_frame(program: Program, seed: int, events: list[Event], source: dict[str, Any],
                 frames: list[np.ndarray], wrong: Program | None) -> np.ndarray:
    """The full frame an MFP option is cut from, re-derived from its recorded source.

    Sources: ``{"kind": "truth"}``; ``{"kind": "tick", "t": T}`` (frame T of the recording);
    ``{"kind": "seed", "seed": S}`` (the same actions under seed S); ``{"kind": "actions",
    "from": K, "actions": [...]}`` (the recording's first K actions, then these);
    ``{"kind": "wrong-program"}`` (the same actions in the CD wrong program).

    Raises:
        WorldtestError: an unknown source, or a wrong-program source without the program.
        AutumnError: the program fails on the source's actions.
    """
    kind = source.get("kind")
    if kind == "truth":
        return frames[-1]
    if kind == "tick":
        return frames[int(source["t"])]
    if kind == "seed":
        return replay(program, int(source["seed"]), events)[-1]
    if kind == "actions":
        from worldtest.tasks.validate import parse_events
        k = int(source["from"])
        return replay(program, seed, events[:k] + parse_events(source["actions"]))[-1]
    if kind == "wrong-program":
        if wrong is None:
            raise WorldtestError("an option comes from the CD wrong program, which is missing")
        return replay(wrong, seed, events)[-1]
    raise WorldtestError(f"unknown option source {source!r}")


def source_patch(program: Program, seed: int, events: list[Event], source: dict[str, Any],
                 rect: tuple[int, int, int, int], frames: list[np.ndarray],
                 wrong: Program | None) -> np.ndarray:
    """An MFP option re-derived from its source: :func:`source_frame` cut to ``rect``."""
    return patch(source_frame(program, seed, events, source, frames, wrong), rect)


def _rects(changed: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Candidate masks: the changed cells' bounding box if it fits in MAX_MASK x MAX_MASK, and
    the tight box of the changed cells in every MAX_MASK window centred on a changed cell."""
    ys, xs = np.nonzero(changed)
    out = []
    if xs.max() - xs.min() < MAX_MASK and ys.max() - ys.min() < MAX_MASK:
        out.append((int(xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1),
                    int(ys.max() - ys.min() + 1)))
    n_h, n_w = changed.shape
    for cy, cx in zip(ys.tolist(), xs.tolist()):
        x = min(max(cx - MAX_MASK // 2, 0), max(n_w - MAX_MASK, 0))
        y = min(max(cy - MAX_MASK // 2, 0), max(n_h - MAX_MASK, 0))
        sub = changed[y:y + MAX_MASK, x:x + MAX_MASK]
        sy, sx = np.nonzero(sub)
        r = (x + int(sx.min()), y + int(sy.min()), int(sx.max() - sx.min() + 1),
             int(sy.max() - sy.min() + 1))
        if r not in out:
            out.append(r)
    return out


def _candidates(program: Program, seed: int, events: list[Event], key_at: int,
                frames: list[np.ndarray], wrong: Program | None,
                rng: np.random.Generator) -> list[dict[str, Any]]:
    tail = len(events) - key_at
    sources: list[dict[str, Any]] = [{"kind": "tick", "t": t}
                                     for t in range(max(key_at - 2, 0), len(frames) - 1)]
    sources += [{"kind": "seed", "seed": seed + i} for i in range(1, 5)]
    world = program.start(seed)
    for ev in events[:key_at]:
        world.step(ev)
    alts = [e for e in candidate_events(world) if e != events[key_at]]
    picks = [alts[int(i)] for i in rng.permutation(len(alts))[:10]]
    for ev in picks:
        sources.append({"kind": "actions", "from": key_at,
                        "actions": [event_text(ev)] + ["noop"] * (tail - 1)})
    for _ in range(6):
        w = world.copy()
        cont = []
        for _ in range(tail):
            ev = policy_event(w, rng)
            try:
                w.step(ev)
            except AutumnError:
                break
            cont.append(event_text(ev))
        if len(cont) == tail:
            sources.append({"kind": "actions", "from": key_at, "actions": cont})
    if wrong is not None:
        sources.append({"kind": "wrong-program"})
    return sources


def derive_mfp(env: str, program: Program, *, wrong: Program | None = None,
               attempts: int = 60) -> MfpTask:
    """Derive the MFP task of ``env`` (see the module docstring).

    Raises:
        WorldtestError: no recording with enough distinct, plausible distractors was found.
    """
    seed, rng = task_seed(env, "mfp"), task_rng(env, "mfp")
    for _ in range(attempts):
        world = program.start(seed)
        try:
            events = rollout(world, rng, int(rng.integers(16, 40)))
        except AutumnError:
            continue
        tail = int(rng.integers(4, 8))
        objs = [e for e in candidate_events(world) if isinstance(e, tuple)]
        # Key actions: one click on an object or one arrow, or a burst of repeated clicks on an
        # object (counters and thresholds); the mask starts at the frame of the last one.
        keys: list[list[Event]] = [[objs[int(i)]] for i in rng.permutation(len(objs))[:6]]
        keys += [[ARROWS[int(i)]] for i in rng.permutation(4)[:2]]
        keys += [[objs[int(i)]] * 3 for i in rng.permutation(len(objs))[:4]]
        frames = None
        for key in keys:
            try:
                trial = replay(program, seed, events + key + [None] * tail)
            except AutumnError:
                continue
            last_key = len(events) + len(key) - 1
            if any((f != trial[last_key]).any() for f in trial[last_key + 1:]):
                frames = trial
                events = events + key + [None] * tail
                break
        if frames is None:
            continue
        key_at = last_key
        # Where the dynamics play out after the key action: every cell that differs from the
        # pre-key frame at some masked tick (a moving object's whole path, not only its ends).
        changed = np.zeros(frames[0].shape, dtype=bool)
        for f in frames[key_at + 1:]:
            changed |= f != frames[key_at]
        sources = []
        for src in _candidates(program, seed, events, key_at, frames, wrong, rng):
            try:
                sources.append((src, source_frame(program, seed, events, src, frames, wrong)))
            except AutumnError:
                continue
        best = None
        for rect in _rects(changed):
            truth = patch(frames[-1], rect)
            by_kind: dict[str, list[tuple[int, str, np.ndarray, dict]]] = {}
            seen = {truth.tobytes()}
            for src, frame in sources:
                p = patch(frame, rect)
                if p.tobytes() not in seen:
                    seen.add(p.tobytes())
                    by_kind.setdefault(src["kind"], []).append(
                        (int((p != truth).sum()), repr(src), p, src))
            score = (min(len(seen) - 1, 5), len(by_kind), int(changed[rect[1]:rect[1] + rect[3],
                     rect[0]:rect[0] + rect[2]].sum()))
            if best is None or score > best[0]:
                best = (score, rect, truth, by_kind)
        if best is None or best[0][0] < 5:
            continue
        _, rect, truth, by_kind = best
        options: list[tuple[np.ndarray, dict[str, Any]]] = []
        for lst in by_kind.values():
            lst.sort(key=lambda item: item[:2])
        while len(options) < 5:
            for kind in ("tick", "actions", "seed", "wrong-program"):
                if by_kind.get(kind) and len(options) < 5:
                    _, _, p, src = by_kind[kind].pop(0)
                    options.append((p, src))
        answer = int(rng.integers(6))
        options.insert(answer, (truth, {"kind": "truth"}))
        x, y, w, h = rect
        mask = MfpMask(x=x, y=y, width=w, height=h, from_frame=key_at + 1)
        shown = [mask.apply(f) if i >= key_at + 1 else f for i, f in enumerate(frames)]
        return MfpTask(
            id=f"{env}/mfp", env=env, family="mfp", seed=seed,
            derived_by=f"worldtest tasks derive v{DERIVE_VERSION}",
            actions=[event_text(e) for e in events], frames=shown, mask=mask,
            options=[p for p, _ in options], answer=answer,
            option_sources=[s for _, s in options])
    raise WorldtestError(f"{env}: could not derive an MFP task in {attempts} attempts (no "
                         "recording gave 5 distinct distractors)")


# -- planning -----------------------------------------------------------------------------------
def derive_planning(env: str, program: Program, *, attempts: int = 60,
                    min_actions: int = 3) -> PlanningTask:
    """Derive the planning task of ``env`` (see the module docstring).

    Raises:
        WorldtestError: no goal with a verified shortest plan was found.
    """
    seed, rng = task_seed(env, "planning"), task_rng(env, "planning")
    start = program.start(seed)
    f0 = frame_of(start)
    for attempt in range(attempts):
        world = start.copy()
        try:
            events = rollout(world, rng, int(rng.integers(3, 9)))
        except AutumnError:
            continue
        final = frame_of(world)
        changed = final != f0
        if not changed.any():
            continue
        x, y, w, h = _window(changed, rng)
        mask = np.zeros_like(f0)
        mask[y:y + h, x:x + w] = changed[y:y + h, x:x + w]
        clicks = [(e[1], e[2]) for e in events if isinstance(e, tuple)]
        clicks += [(int(cx), int(cy)) for cy, cx in zip(*np.nonzero(mask))]
        result = bfs(start, goal_test(final, mask), max_depth=len(events),
                     max_nodes=DERIVE_PLAN_NODES, extra_cells=clicks)
        if result.plan is None or not result.exhausted or len(result.plan) < min_actions \
                or all(e is None for e in result.plan):
            continue  # unreachable in budget, trivial, or reached by waiting alone
        return PlanningTask(
            id=f"{env}/planning", env=env, family="planning", seed=seed,
            derived_by=f"worldtest tasks derive v{DERIVE_VERSION}",
            goal=final, mask=mask, optimal_actions=len(result.plan),
            plan=[event_text(e) for e in result.plan])
    raise WorldtestError(f"{env}: could not derive a planning task in {attempts} attempts")


def derive(root: Path, envs: list[str] | None = None, *, families: tuple[str, ...] = ("mfp",
           "planning"), echo: Any = print) -> list[Path]:
    """Derive and write the MFP and planning tasks of every environment (or ``envs``).

    Returns:
        The task files written.
    """
    from worldtest.suite import Suite
    suite = Suite(root)
    names = envs or sorted(suite.envs)
    written = []
    for env in names:
        program = suite.program(env)
        wrong_path = suite.task_path(env, "cd").parent / "cd_wrong.sexp"
        wrong = None
        if wrong_path.exists():
            from worldtest.autumn import load_program
            wrong = load_program(str(wrong_path))
        for family in families:
            task = derive_mfp(env, program, wrong=wrong) if family == "mfp" else \
                derive_planning(env, program)
            path = suite.task_path(env, family)
            save_task(task, path)
            written.append(path)
            echo(f"{path}: derived ({_summary(task)})")
        if not wrong_path.exists():
            echo(f"{env}: no CD task yet: write tasks/{env}/cd_wrong.sexp (the program with one "
                 "rule changed) and tasks/{env}/cd.json (its trigger) by hand")
    return written


def _summary(task: Any) -> str:
    if task.family == "mfp":
        m = task.mask
        return (f"{len(task.actions)} actions, mask {m.width}x{m.height} at ({m.x},{m.y}) from "
                f"frame {m.from_frame}, answer {task.answer}")
    return f"optimal_actions {task.optimal_actions}, {int(task.mask.sum())} goal cells"
