"""MFP task derivation (protocol 3.1): the key action, its mask, the option candidates and the
distractors that keep the similarity-only baselines from singling out the truth.

The method is described in :mod:`worldtest.authoring.derive`.
"""

from __future__ import annotations

import itertools
import math
import zlib
from typing import Any

import numpy as np

from worldtest.authoring.derive_common import (
    DERIVE_VERSION, MAX_MASK, TASK_VERSION, hidden_prefix, parse_events, patch,
    perturbation_sites, perturbed_program, policy_event, replay, rollout, task_rng, task_seed,
)
from worldtest.autumn import Program
from worldtest.env import start_world
from worldtest.errors import AutumnError, WorldtestError
from worldtest.search import ARROWS, Event, candidate_events, event_text
from worldtest.tasks.baselines import MFP_SCORERS, expected_score, option_scores
from worldtest.tasks.models import MfpMask, MfpTask


# -- MFP ----------------------------------------------------------------------------------------
def source_frame(program: Program, seed: int, events: list[Event], source: dict[str, Any],
                 frames: list[np.ndarray], wrong: Program | None,
                 prefix: list[Event] | tuple[Event, ...] = ()) -> np.ndarray:
    """The full frame an MFP option is cut from, re-derived from its recorded source.

    Sources: ``{"kind": "truth"}``; ``{"kind": "tick", "t": T}`` (frame T of the recording);
    ``{"kind": "seed", "seed": S}`` (the same actions under seed S); ``{"kind": "actions",
    "from": K, "actions": [...]}`` (the recording's first K actions, then these);
    ``{"kind": "wrong-program"}`` (the same actions in the CD wrong program);
    ``{"kind": "perturbed", "line": L, "col": C, "was": "3", "now": "4"}`` (the same actions in
    the program with that one integer literal changed, :func:`perturbed_program`). Every source
    runs the task's hidden ``prefix`` first, in its own program and with its own seed.

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
        return replay(program, int(source["seed"]), events, prefix)[-1]
    if kind == "actions":
        k = int(source["from"])
        return replay(program, seed, events[:k] + parse_events(source["actions"]), prefix)[-1]
    if kind == "wrong-program":
        if wrong is None:
            raise WorldtestError("an option comes from the CD wrong program, which is missing")
        return replay(wrong, seed, events, prefix)[-1]
    if kind == "perturbed":
        changed = perturbed_program(program, int(source["line"]), int(source["col"]),
                                    str(source["was"]), str(source["now"]))
        return replay(changed, seed, events, prefix)[-1]
    raise WorldtestError(f"unknown option source {source!r}")


def source_patch(program: Program, seed: int, events: list[Event], source: dict[str, Any],
                 rect: tuple[int, int, int, int], frames: list[np.ndarray],
                 wrong: Program | None,
                 prefix: list[Event] | tuple[Event, ...] = ()) -> np.ndarray:
    """An MFP option re-derived from its source: :func:`source_frame` cut to ``rect``."""
    return patch(source_frame(program, seed, events, source, frames, wrong, prefix), rect)


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
                rng: np.random.Generator, prefix: list[Event]) -> list[dict[str, Any]]:
    tail = len(events) - key_at
    sources: list[dict[str, Any]] = [{"kind": "tick", "t": t}
                                     for t in range(max(key_at - 2, 0), len(frames) - 1)]
    sources += [{"kind": "seed", "seed": int(rng.integers(1, 2**32))} for _ in range(4)]
    world = start_world(program, seed, prefix)
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
               attempts: int = 60, targets: dict[str, bool] | None = None) -> MfpTask:
    """Derive the MFP task of ``env`` (see the module docstring).

    Args:
        env: the environment id.
        program: its compiled program.
        wrong: the CD wrong program (a source of distractors), or None.
        attempts: recordings tried before giving up.
        targets: for each scorer of :data:`~worldtest.tasks.baselines.MFP_SCORERS`, whether it
            should pick the truth in this task (:func:`mfp_targets`); default: from the
            environment's name alone.

    Raises:
        WorldtestError: no recording with enough distinct, plausible distractors was found.
    """
    seed, rng = task_seed(env, "mfp"), task_rng(env, "mfp")
    targets = targets if targets is not None else mfp_targets(env, [env])
    for _ in range(attempts):
        try:
            prefix = hidden_prefix(program, seed, rng)
            world = start_world(program, seed, prefix)
            events = rollout(world, rng, int(rng.integers(16, 40)))
        except (AutumnError, WorldtestError):
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
                trial = replay(program, seed, events + key + [None] * tail, prefix)
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
        for src in _candidates(program, seed, events, key_at, frames, wrong, rng, prefix):
            try:
                sources.append((src, source_frame(program, seed, events, src, frames, wrong,
                                                  prefix)))
            except AutumnError:
                continue
        before, final = frames[key_at], frames[-1]
        best = None
        for rect in _rects(changed) + _random_rects(final.shape, rng):
            truth = patch(final, rect)
            pool: dict[bytes, tuple[np.ndarray, dict[str, Any]]] = {}
            for src, frame in sources:
                p = patch(frame, rect)
                if not np.array_equal(p, truth):
                    pool.setdefault(p.tobytes(), (p, src))
            if len(pool) < 5:
                continue
            cost, chosen = _choose_distractors(before, final, rect, truth, list(pool.values()),
                                               targets, rng)
            x, y, w, h = rect
            moving = int(changed[y:y + h, x:x + w].any())
            kinds = len({src["kind"] for _, src in chosen})
            score = (cost, -moving, -kinds)
            if best is None or score < best[0]:
                best = (score, rect, truth, chosen)
        if best is None:
            continue
        _, rect, truth, options = best
        answer = int(rng.integers(6))
        options.insert(answer, (truth, {"kind": "truth"}))
        x, y, w, h = rect
        mask = MfpMask(x=x, y=y, width=w, height=h, from_frame=key_at + 1)
        shown = [mask.apply(f) if i >= key_at + 1 else f for i, f in enumerate(frames)]
        return MfpTask(
            id=f"{env}/mfp", env=env, family="mfp", version=TASK_VERSION, seed=seed,
            derived_by=f"worldtest tasks derive v{DERIVE_VERSION}",
            prefix=[event_text(e) for e in prefix],
            actions=[event_text(e) for e in events], frames=shown, mask=mask,
            options=[p for p, _ in options], answer=answer,
            option_sources=[s for _, s in options])
    raise WorldtestError(f"{env}: could not derive an MFP task in {attempts} attempts (no "
                         "recording gave 5 distinct distractors)")


# The offset of each scorer in the suite-wide schedule of :func:`mfp_targets`: a scorer and its
# inverse never aim at the truth in the same task.
_TARGET_OFFSETS = {"border": 0, "anti-border": 3, "persistence": 1, "anti-persistence": 4,
                   "ring": 2, "anti-ring": 5, "consensus": 5, "anti-consensus": 2,
                   "anti-persistence+consensus": 0}


def mfp_targets(env: str, suite_envs: list[str]) -> dict[str, bool]:
    """Which option scorers should pick the truth in ``env``'s MFP task.

    Over a suite sorted by name, the environment of rank i aims scorer s at the truth iff
    ``(i + offset_s) % 6 == 0``: each scorer is aimed at the truth in one sixth of the tasks
    (7 or 8 of 43), its chance score, and away from it in the rest, so that neither a scorer nor
    its inverse, nor the elimination of options the scorers favour, beats chance (issue 15).
    An environment outside ``suite_envs`` is ranked by a hash of its name.
    """
    names = sorted(suite_envs)
    rank = names.index(env) if env in names else zlib.crc32(env.encode()) % 6
    return {name: (rank + _TARGET_OFFSETS[name]) % 6 == 0 for name in MFP_SCORERS}


MFP_SUBSETS = 200
"""Distractor sets tried per mask rectangle (all of them where there are fewer)."""


def _random_rects(shape: tuple[int, int], rng: np.random.Generator,
                  n: int = 6) -> list[tuple[int, int, int, int]]:
    """``n`` seeded rectangles anywhere in the grid, sides 1..MAX_MASK: masks are not only
    placed where something changed (issue 15)."""
    n_h, n_w = shape
    out = []
    for _ in range(n):
        w = int(rng.integers(1, min(MAX_MASK, n_w) + 1))
        h = int(rng.integers(1, min(MAX_MASK, n_h) + 1))
        out.append((int(rng.integers(n_w - w + 1)), int(rng.integers(n_h - h + 1)), w, h))
    return out


def _choose_distractors(before: np.ndarray, final: np.ndarray, rect: tuple[int, int, int, int],
                        truth: np.ndarray, pool: list[tuple[np.ndarray, dict[str, Any]]],
                        targets: dict[str, bool], rng: np.random.Generator
                        ) -> tuple[float, list[tuple[np.ndarray, dict[str, Any]]]]:
    """Five distractors from ``pool`` whose scorer picks best match ``targets``.

    Tries every 5-subset of the pool, or :data:`MFP_SUBSETS` seeded ones where there are more,
    and keeps the one with the least total |expected score - target| over the scorers of
    :data:`~worldtest.tasks.baselines.MFP_SCORERS` (the truth placed first; a scorer's expected
    score does not depend on where the truth stands).

    Returns:
        ``(cost, [(patch, source)] * 5)``.
    """
    n = len(pool)
    if math.comb(n, 5) <= MFP_SUBSETS:
        subsets = [list(c) for c in itertools.combinations(range(n), 5)]
    else:
        subsets = [sorted(rng.choice(n, 5, replace=False).tolist()) for _ in range(MFP_SUBSETS)]
    best: tuple[float, list[int]] | None = None
    for subset in subsets:
        options = [truth] + [pool[i][0] for i in subset]
        scores = option_scores([before, final], rect, 1, options)
        cost = sum(abs(expected_score(scores[name], 0) - float(targets[name]))
                   for name in MFP_SCORERS)
        if best is None or cost < best[0]:
            best = (cost, subset)
    assert best is not None
    return best[0], [pool[i] for i in best[1]]
