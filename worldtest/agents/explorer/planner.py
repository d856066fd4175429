"""Planning with the learned model: best-first search, verified against what really happens.

From the frame it sees, the explorer searches the learned model (its most likely next frames)
best-first on the *goal mismatch* h (goal-mask cells whose colour differs from the goal,
protocol section 3.2), ties broken by depth, over noop, the arrows, a click on every object (on
every cell of objects of up to 4 cells) and on every goal cell that is still wrong. Children with the same (previous, current) frame pair
are merged. It executes the plan one action at a time, keeps learning from every observed tick,
and searches again whenever an observed frame differs from the predicted one. When no predicted
path reaches the goal it takes the path that reduces h most; when none reduces h it experiments
for ``cooldown`` actions (a random candidate action, goal cells and arrows twice as likely as the
rest) before searching again; the whole phase has a budget of node expansions.
"""

from __future__ import annotations

import heapq
import itertools

import numpy as np

from worldtest.agents.explorer.experiments import ARROWS, object_cells
from worldtest.agents.explorer.features import event_of
from worldtest.agents.explorer.model import History, LocalRuleModel

__all__ = ["Planner", "mismatch"]


def mismatch(frame: np.ndarray, goal: np.ndarray, mask: np.ndarray) -> int:
    """Goal-mask cells whose colour differs from the goal (0 = goal reached)."""
    sel = mask.astype(bool)
    return int(np.count_nonzero(frame[sel] != goal[sel]))


class Planner:
    """Plans and acts in the planning test phase (see the module docstring).

    Args:
        model: the explorer's model (learns from every observed tick).
        rng: the episode's generator.
        max_nodes: search nodes per (re)plan.
        total_nodes: node expansions for the whole test phase (then it only experiments).
        cooldown: test actions of experiments after a search that found nothing useful.
    """

    def __init__(self, model: LocalRuleModel, rng: np.random.Generator, max_nodes: int = 200,
                 total_nodes: int = 1200, cooldown: int = 3) -> None:
        self.model = model
        self.rng = rng
        self.max_nodes = max_nodes
        self.nodes_left = total_nodes
        self.cooldown = cooldown
        self.wait = 0
        self.history: History | None = None
        self.plan: list[str] = []
        self.expected: np.ndarray | None = None
        self.last: str | None = None
        self.searches = 0

    def act(self, obs) -> str:
        """The next planning action for ``obs``."""
        frame = obs.frame
        if self.history is None:
            self.history = History.start(frame)
        else:
            event = event_of(self.last)
            self.model.observe(self.history, event, frame)
            self.history = self.model.advance(self.history, event, frame)
        diverged = self.expected is None or not np.array_equal(self.expected, frame)
        if diverged or not self.plan:
            self.plan = []
            if self.wait > 0:
                self.wait -= 1
            elif self.nodes_left > 0:
                self.plan = self.search(obs.goal, obs.goal_mask)
                self.wait = 0 if self.plan else self.cooldown
        if not self.plan:
            self.plan = [self._experiment(frame, obs.goal, obs.goal_mask)]
        self.last = self.plan.pop(0)
        pred = self.model.predict([self.history], [event_of(self.last)])
        self.expected = pred.frame[0]
        return self.last

    def candidates(self, frame: np.ndarray, goal: np.ndarray, mask: np.ndarray) -> list[str]:
        """noop, the arrows, clicks on objects and on goal cells that are wrong."""
        wrong = np.argwhere(mask.astype(bool) & (frame != goal))
        cells = [(int(x), int(y)) for y, x in wrong[:8]] + object_cells(frame, limit=20, small=4)
        clicks = list(dict.fromkeys(cells))
        return ["noop", *ARROWS] + [f"click {x} {y}" for x, y in clicks]

    def search(self, goal: np.ndarray, mask: np.ndarray) -> list[str]:
        """Best-first search in the model from the current history; [] if nothing helps."""
        self.searches += 1
        root = self.history
        h0 = mismatch(root.cur, goal, mask)
        tie = itertools.count()
        frontier = [(h0, 0, next(tie), root, [])]
        seen = {(root.prev.tobytes(), root.cur.tobytes())}
        best = (h0, [])
        nodes = 0
        while frontier and nodes < self.max_nodes:
            _, depth, _, hist, path = heapq.heappop(frontier)
            texts = self.candidates(hist.cur, goal, mask)
            pred = self.model.predict([hist] * len(texts), [event_of(t) for t in texts])
            self.nodes_left -= 1
            for i, text in enumerate(texts):
                child = pred.frame[i]
                key = (hist.cur.tobytes(), child.tobytes())
                if key in seen:
                    continue
                seen.add(key)
                nodes += 1
                ch = mismatch(child, goal, mask)
                plan = path + [text]
                if ch == 0:
                    return plan
                if ch < best[0]:
                    best = (ch, plan)
                heapq.heappush(frontier, (ch, depth + 1, next(tie),
                                          self.model.advance(hist, event_of(text), child), plan))
        return best[1]

    def _experiment(self, frame: np.ndarray, goal: np.ndarray, mask: np.ndarray) -> str:
        texts = self.candidates(frame, goal, mask)
        n_wrong = min(8, int(np.count_nonzero(mask.astype(bool) & (frame != goal))))
        weights = np.ones(len(texts))
        weights[1:5] = 2.0
        weights[5:5 + n_wrong] = 2.0
        return texts[int(self.rng.choice(len(texts), p=weights / weights.sum()))]
