"""Make task instances from an environment's program (``worldtest tasks derive``).

Deterministic: every random choice comes from a generator seeded by the task id, so deriving
twice writes the same bytes. The protocol's task data (section 3) is produced as follows.

MFP (3.1): a recording of a rule-exercising policy (noops, arrows, clicks on objects and on
random cells), ending with a *key* action (a click on an object, or an arrow) followed by noops
while its consequences unfold; the mask covers the bounding box of the cells that change after
the key action (where the dynamics decide the outcome), and the masked frames start with the key
action's frame, as in the reference example ("the last 6 of 73 frames, starting at the last
click"). The five distractors are mask regions of frames the program can produce: other ticks of
the recording, the same actions under other seeds, other key actions or continuations, small
rule perturbations (one integer literal of the program moved by one, :func:`perturbation_sites`)
and the CD wrong program (a one-rule change); each option records its source, so the validator
can re-derive it. The distractors are chosen so that the similarity-only baselines of
:mod:`worldtest.tasks.baselines` cannot single out the truth where the candidates allow it: at
least one distractor continues the unmasked border as well as the truth does, and at least one
is as close to the last unmasked frame.

Planning (3.2): the goal is a state at a drawn depth of the breadth-first layers from the start
(or, where the world branches too fast, the end of a short rule-exercising rollout), masked to
the cells the actions changed (at most an 8x8 window of them); ``optimal_actions`` is the
length of the shortest plan breadth-first search finds (``worldtest.search``), which is stored
as the witness.

CD (3.3): the wrong program and its trigger are written by hand (one rule changed), in
``tasks/<env>/cd_wrong.sexp`` and ``tasks/<env>/cd.json``; derive leaves them as they are.
"""

from __future__ import annotations

import re
import zlib
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from worldtest.autumn import Program, World
from worldtest.autumn.reader import Atom, SList, read_program
from worldtest.env import frame_of
from worldtest.errors import AutumnError, WorldtestError
from worldtest.search import (ARROWS, Event, bfs, bfs_layers, candidate_events, event_text,
                              goal_test)
from worldtest.tasks.baselines import border_similarity, persistence_similarity
from worldtest.tasks.models import MfpMask, MfpTask, PlanningTask, save_task

__all__ = ["derive", "derive_mfp", "derive_planning", "task_seed", "task_rng", "DERIVE_VERSION",
           "replay", "patch", "perturbation_sites", "perturbed_program"]

DERIVE_VERSION = 2
MAX_MASK = 5           # the largest side of an MFP mask, in cells
GOAL_WINDOW = 8        # the largest side of a planning goal's window of masked cells
MAX_PLAN_NODES = 30_000   # search budget of the validator's optimality proof
DERIVE_PLAN_NODES = 6_000  # budget of one derivation attempt (cheap failures)
DERIVE_PLAN_TICKS = 60_000  # ... in ticks, which bounds what the validator's proof costs
DERIVE_LAYER_NODES = 3_000  # states enumerated to draw planning goals at a spread of depths
DERIVE_LAYER_TICKS = 100_000  # ... and the ticks that enumeration may step
MAX_ROLLOUT = 8        # the longest rollout a fallback planning goal comes from


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


def _window(cells: np.ndarray, rng: np.random.Generator,
            side: int = MAX_MASK) -> tuple[int, int, int, int]:
    """A rectangle of at most ``side`` x ``side`` around some of the changed cells."""
    ys, xs = np.nonzero(cells)
    x0, x1, y0, y1 = xs.min(), xs.max(), ys.min(), ys.max()
    if x1 - x0 < side and y1 - y0 < side:
        return int(x0), int(y0), int(x1 - x0 + 1), int(y1 - y0 + 1)
    i = int(rng.integers(len(xs)))
    cx, cy = int(xs[i]), int(ys[i])
    n_h, n_w = cells.shape
    x = min(max(cx - side // 2, 0), max(n_w - side, 0))
    y = min(max(cy - side // 2, 0), max(n_h - side, 0))
    sub = cells[y:y + side, x:x + side]
    ys2, xs2 = np.nonzero(sub)
    return (x + int(xs2.min()), y + int(ys2.min()), int(xs2.max() - xs2.min() + 1),
            int(ys2.max() - ys2.min() + 1))


# -- rule perturbations ---------------------------------------------------------------------------
_CONFIG = ("GRID_SIZE", "FRAME_RATE")
_INT = re.compile(r"-?[0-9]+")


def perturbation_sites(program: Program) -> list[tuple[int, int, str]]:
    """The integer literals of ``program`` a rule perturbation may move by one.

    Returns:
        ``(line, column, text)`` of every integer atom (1-based, as in error messages), in
        reading order, except the values of ``GRID_SIZE`` and ``FRAME_RATE``.
    """
    form, _ = read_program(program.source)
    out: list[tuple[int, int, str]] = []

    def walk(node: object) -> None:
        if isinstance(node, SList):
            items = node.items
            if (len(items) == 3 and isinstance(items[0], Atom) and items[0].text == "="
                    and isinstance(items[1], Atom) and items[1].text in _CONFIG):
                return
            for item in items:
                walk(item)
        elif isinstance(node, Atom) and _INT.fullmatch(node.text):
            out.append((node.line, node.col, node.text))

    walk(form)
    return out


_PERTURBED: dict[tuple[str, str], Program] = {}


def perturbed_program(program: Program, line: int, col: int, was: str, now: str) -> Program:
    """``program`` with the integer literal ``was`` at ``line:col`` replaced by ``now``.

    Raises:
        WorldtestError: no such literal at that place (the program changed since derivation).
        AutumnError: the perturbed program does not compile.
    """
    lines = program.source.text.split("\n")
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    end = col - 1 + len(was)
    if text[col - 1:end] != was or (end < len(text) and text[end] not in " \t\r()"):
        raise WorldtestError(f"{program.source.filename}:{line}:{col}: expected the literal "
                             f"{was!r} for a rule perturbation")
    lines[line - 1] = text[:col - 1] + now + text[end:]
    key = ("\n".join(lines), program.order)
    if key in _PERTURBED:
        return _PERTURBED[key]
    made = Program(key[0], f"{program.source.filename} (perturbed at {line}:{col})",
                   order=program.order)
    if len(_PERTURBED) > 256:
        _PERTURBED.clear()
    _PERTURBED[key] = made
    return made


# -- MFP ----------------------------------------------------------------------------------------
def source_frame(program: Program, seed: int, events: list[Event], source: dict[str, Any],
                 frames: list[np.ndarray], wrong: Program | None) -> np.ndarray:
    """The full frame an MFP option is cut from, re-derived from its recorded source.

    Sources: ``{"kind": "truth"}``; ``{"kind": "tick", "t": T}`` (frame T of the recording);
    ``{"kind": "seed", "seed": S}`` (the same actions under seed S); ``{"kind": "actions",
    "from": K, "actions": [...]}`` (the recording's first K actions, then these);
    ``{"kind": "wrong-program"}`` (the same actions in the CD wrong program);
    ``{"kind": "perturbed", "line": L, "col": C, "was": "3", "now": "4"}`` (the same actions in
    the program with that one integer literal changed, :func:`perturbed_program`).

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
    if kind == "perturbed":
        changed = perturbed_program(program, int(source["line"]), int(source["col"]),
                                    str(source["was"]), str(source["now"]))
        return replay(changed, seed, events)[-1]
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
    sites = perturbation_sites(program)
    for i in rng.permutation(len(sites))[:10]:
        line, col, was = sites[int(i)]
        now = str(int(was) + (1 if rng.random() < 0.5 else -1))
        sources.append({"kind": "perturbed", "line": line, "col": col, "was": was, "now": now})
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
        before = frames[key_at]
        best = None
        for rect in _rects(changed):
            truth = patch(frames[-1], rect)
            tb = border_similarity(frames[-1], rect, truth)
            tp = persistence_similarity(before, rect, truth)
            by_kind: dict[str, list[_Candidate]] = {}
            seen = {truth.tobytes()}
            hard_b = hard_p = False
            for src, frame in sources:
                p = patch(frame, rect)
                if p.tobytes() not in seen:
                    seen.add(p.tobytes())
                    # Whether each similarity-only baseline finds it at least as likely.
                    b = border_similarity(frames[-1], rect, p) >= tb
                    q = persistence_similarity(before, rect, p) >= tp
                    hard_b, hard_p = hard_b or b, hard_p or q
                    by_kind.setdefault(src["kind"], []).append(
                        _Candidate(-(b + q), int((p != truth).sum()), repr(src), p, src, b, q))
            score = (min(len(seen) - 1, 5), hard_b + hard_p, len(by_kind),
                     int(changed[rect[1]:rect[1] + rect[3], rect[0]:rect[0] + rect[2]].sum()))
            if best is None or score > best[0]:
                best = (score, rect, truth, by_kind)
        if best is None or best[0][0] < 5:
            continue
        _, rect, truth, by_kind = best
        for lst in by_kind.values():
            lst.sort(key=_Candidate.order)
        options = _pick_distractors(by_kind)
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


_KINDS = ("tick", "perturbed", "actions", "seed", "wrong-program")


class _Candidate(NamedTuple):
    """A distinct distractor candidate for one mask rectangle."""

    hardness: int        # minus the number of similarity baselines it ties or beats the truth on
    distance: int        # cells that differ from the truth
    name: str            # repr of its source, the final tie-break
    patch: np.ndarray
    source: dict[str, Any]
    border: bool         # the border baseline finds it at least as similar as the truth
    persistence: bool    # the persistence baseline does

    def order(self) -> tuple[int, int, str]:
        """Hardest first, then closest to the truth, then by source."""
        return self.hardness, self.distance, self.name


def _pick_distractors(by_kind: dict[str, list[_Candidate]]
                      ) -> list[tuple[np.ndarray, dict[str, Any]]]:
    """Five distractors: first the ones that defeat the similarity-only baselines (one that ties
    or beats the truth under both, else one under each), then one of each kind in turn, each
    kind's candidates in :meth:`_Candidate.order`."""
    pool = sorted((c for lst in by_kind.values() for c in lst), key=_Candidate.order)
    chosen: list[_Candidate] = []

    def fits(c: _Candidate, border: bool, persistence: bool) -> bool:
        return (c.border or not border) and (c.persistence or not persistence)

    for want in ((True, True), (True, False), (False, True)):
        if any(fits(c, *want) for c in chosen):
            continue
        pick = next((c for c in pool if fits(c, *want) and
                     not any(c is d for d in chosen)), None)
        if pick is not None:
            chosen.append(pick)
    for c in chosen:
        lst = by_kind[c.source["kind"]]
        del lst[next(i for i, d in enumerate(lst) if d is c)]
    while len(chosen) < 5:
        for kind in _KINDS:
            if by_kind.get(kind) and len(chosen) < 5:
                chosen.append(by_kind[kind].pop(0))
    return [(c.patch, c.source) for c in chosen]


# -- planning -----------------------------------------------------------------------------------
def derive_planning(env: str, program: Program, *, attempts: int = 60,
                    min_actions: int = 3) -> PlanningTask:
    """Derive the planning task of ``env`` (see the module docstring).

    Difficulty is spread over the suite: breadth-first search enumerates the states reachable
    from the start within ``DERIVE_LAYER_NODES`` states and ``DERIVE_LAYER_TICKS`` ticks; a target depth is drawn uniformly from
    ``min_actions`` to the deepest complete layer, and the goal is a window of a state at that
    depth. A world whose reachable states branch too fast for that (fewer than ``min_actions``
    complete layers) gets a goal from a short rule-exercising rollout instead. Either way the
    stored plan is the shortest search finds for the masked goal.

    Raises:
        WorldtestError: no goal with a verified shortest plan was found.
    """
    seed, rng = task_seed(env, "planning"), task_rng(env, "planning")
    start = program.start(seed)
    f0 = frame_of(start)
    layers, complete = bfs_layers(start, max_nodes=DERIVE_LAYER_NODES,
                                  max_ticks=DERIVE_LAYER_TICKS)
    # Frames of waiting alone, as long as any goal's actions (a layer's depth, or a rollout's
    # at most MAX_ROLLOUT actions).
    passive = replay(program, seed, [None] * max(complete, MAX_ROLLOUT))
    for attempt in range(attempts):
        if complete >= min_actions and attempt < attempts // 2:
            # Early attempts insist on a plan near the drawn depth (so the suite spreads over
            # difficulty); later ones take any plan of at least min_actions.
            depth = int(rng.integers(min_actions, complete + 1))
            shortest = max(min_actions, depth * 2 // 3) if attempt < attempts // 4 \
                else min_actions
            world, events = layers[depth][int(rng.integers(len(layers[depth])))]
        else:
            shortest = min_actions
            world = start.copy()
            try:
                events = rollout(world, rng, int(rng.integers(3, MAX_ROLLOUT + 1)))
            except AutumnError:
                continue
        final = frame_of(world)
        # The goal window sits on what the actions changed: cells that differ both from frame
        # 0 and from the frame that waiting as long would give.
        changed = (final != f0) & (final != passive[len(events)])
        if not changed.any():
            continue
        x, y, w, h = _window(changed, rng, GOAL_WINDOW)
        mask = np.zeros_like(f0)
        mask[y:y + h, x:x + w] = changed[y:y + h, x:x + w]
        clicks = [(e[1], e[2]) for e in events if isinstance(e, tuple)]
        clicks += [(int(cx), int(cy)) for cy, cx in zip(*np.nonzero(mask))]
        result = bfs(start, goal_test(final, mask), max_depth=len(events),
                     max_nodes=DERIVE_PLAN_NODES, max_ticks=DERIVE_PLAN_TICKS,
                     extra_cells=clicks)
        if result.plan is None or not result.exhausted or len(result.plan) < shortest \
                or all(e is None for e in result.plan):
            continue  # unreachable in budget, trivial, or reached by waiting alone
        return PlanningTask(
            id=f"{env}/planning", env=env, family="planning", seed=seed,
            derived_by=f"worldtest tasks derive v{DERIVE_VERSION}",
            goal=final, mask=mask, optimal_actions=len(result.plan),
            plan=[event_text(e) for e in result.plan])
    raise WorldtestError(f"{env}: could not derive a planning task in {attempts} attempts")


def derive(root: Path, envs: list[str] | None = None, *, families: tuple[str, ...] = ("mfp",
           "planning"), echo: Any = print, workers: int = 1) -> list[Path]:
    """Derive and write the MFP and planning tasks of every environment (or ``envs``).

    Args:
        workers: processes deriving environments at once (``worldtest.parallel``); the files
            written and the echoed lines are the same, in the same order, for any number.

    Returns:
        The task files written.
    """
    from worldtest.parallel import imap_ordered
    from worldtest.suite import Suite
    suite = Suite(root)
    names = envs or sorted(suite.envs)
    written = []
    items = [(suite.root, env, families) for env in names]
    for paths, lines in imap_ordered(_derive_env, items, workers,
                                     preload=("worldtest.tasks.derive",)):
        written += paths
        for line in lines:
            echo(line)
    return written


def _derive_env(item: tuple[Path, str, tuple[str, ...]]) -> tuple[list[Path], list[str]]:
    """Derive and write the tasks of one environment: (files written, lines to echo)."""
    from worldtest.suite import Suite
    root, env, families = item
    suite = Suite(root)
    written, lines = [], []
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
        lines.append(f"{path}: derived ({_summary(task)})")
    if not wrong_path.exists():
        lines.append(f"{env}: no CD task yet: write tasks/{env}/cd_wrong.sexp (the program with "
                     "one rule changed) and tasks/{env}/cd.json (its trigger) by hand")
    return written, lines


def _summary(task: Any) -> str:
    if task.family == "mfp":
        m = task.mask
        return (f"{len(task.actions)} actions, mask {m.width}x{m.height} at ({m.x},{m.y}) from "
                f"frame {m.from_frame}, answer {task.answer}")
    return f"optimal_actions {task.optimal_actions}, {int(task.mask.sum())} goal cells"
