"""The interaction phase (protocol sections 1 and 2) as a state machine, beside the test phases.

:class:`InteractionPhase` holds every rule of the reward-free interaction phase once: the
budget (every action counts, invalid ones included), the actions offered
(:data:`~worldtest.env.INTERACTION_TEMPLATES`), ``ticks_per_action`` ticks per program action
(the action's tick, then no-input ticks), ``reset`` with the episode seed or a fresh one, and
``go-to-test``. Three drivers share it: :class:`worldtest.protocol.Episode` (every agent),
:func:`worldtest.replay.reconstruct` (through an ``Episode`` fed the recorded actions) and the
Gymnasium :class:`worldtest.gym.envs.InteractionEnv`::

    phase = InteractionPhase(program, seed, settings, rng=rng)
    while not phase.done:
        phase.frames, phase.frame, phase.offered, phase.remaining   # what the agent sees
        phase.apply("click 3 4")        # ActionError if invalid (it still costs one action)
    phase.outcome()                     # {"interaction_actions": n, "interaction_ended": why}

The test phase that follows (:mod:`worldtest.tasks.phase`) never starts from this phase's world:
it runs with the task's own seed from the task's hidden start (``docs/protocol.md`` section 2).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import numpy as np

from worldtest.env import INTERACTION_TEMPLATES, Action, AutumnEnv, Frame, parse_action
from worldtest.errors import ActionError, ConfigError
from worldtest.settings import Settings, episode_settings

if TYPE_CHECKING:  # pragma: no cover
    from worldtest.autumn.runtime import Program

__all__ = ["FRESH_SEED_HIGH", "InteractionPhase", "fresh_seed"]

FRESH_SEED_HIGH = 2**31
"""Fresh reset seeds are drawn uniformly from ``1 .. FRESH_SEED_HIGH - 1`` (a positive int32)."""


def fresh_seed(rng: np.random.Generator) -> int:
    """One fresh program seed from ``rng``: ``int(rng.integers(1, FRESH_SEED_HIGH))``."""
    return int(rng.integers(1, FRESH_SEED_HIGH))


class InteractionPhase:
    """The interaction phase of one episode (module docstring).

    Args:
        program: the environment's compiled program.
        seed: the episode seed: the program starts with it, and ``reset`` restarts with it
            under ``reset_seed = "same"``.
        settings: the protocol settings; resolved for ``program``
            (:func:`worldtest.settings.episode_settings`), kept in :attr:`settings`.
        rng: draws the fresh reset seeds (:func:`fresh_seed`) under ``reset_seed = "fresh"``.
        fresh_seeds: instead of drawing, the fresh seeds to use, in order (replay: the seeds
            a record names); running out is a :class:`~worldtest.errors.ConfigError`.

    Attributes:
        settings: the resolved settings; ``env``: the :class:`~worldtest.env.AutumnEnv`.
        n_actions: actions applied, invalid ones included; ``n_resets``: valid resets.
        frames: the frames the last action showed, oldest first (at the start: frame 0; after
            an invalid action or ``go-to-test``: none).
        last_action: the last valid action; ``last_ticks``: ticks it ran (0 for ``reset``,
            ``go-to-test``); ``last_reset_seed``: the seed of the last valid ``reset``, else None.

    Raises:
        ConfigError: ``reset_seed = "fresh"`` with neither ``rng`` nor ``fresh_seeds``.
        AutumnError: the program fails to load.
    """

    family = "interaction"

    def __init__(
        self,
        program: Program,
        seed: int,
        settings: Settings,
        *,
        rng: np.random.Generator | None = None,
        fresh_seeds: Iterator[int] | None = None,
    ) -> None:
        self.settings = episode_settings(settings, program)
        if self.settings.reset_seed == "fresh" and rng is None and fresh_seeds is None:
            raise ConfigError("reset_seed 'fresh' needs a generator (rng) to draw seeds from")
        self.seed = seed
        self.rng = rng
        self.fresh_seeds = fresh_seeds
        self.env = AutumnEnv(program, seed, ticks_per_action=self.settings.ticks_per_action)
        self.offered: list[str] = list(INTERACTION_TEMPLATES)
        self.n_actions = 0
        self.n_resets = 0
        self.frames: list[Frame] = [Frame(0, None, self.env.frame)]
        self.last_action: Action | None = None
        self.last_ticks = 0
        self.last_reset_seed: int | None = None
        self._ended: str | None = None

    # -- what the agent sees -----------------------------------------------------------------
    @property
    def frame(self) -> np.ndarray:
        """The frame shown now, ``uint8`` (H, W)."""
        return self.env.frame

    @property
    def tick(self) -> int:
        """The program tick (since load or the last reset)."""
        return self.env.tick

    @property
    def grid_size(self) -> int:
        """Cells per side."""
        return self.env.grid_size

    @property
    def remaining(self) -> int:
        """Actions left in the budget."""
        return self.settings.budget - self.n_actions

    @property
    def done(self) -> bool:
        """True once ``go-to-test`` was sent or the budget is spent."""
        return self._ended is not None or self.n_actions >= self.settings.budget

    @property
    def ended(self) -> str | None:
        """``"go-to-test"`` or ``"budget"`` once :attr:`done`, else None."""
        if self._ended is not None:
            return self._ended
        return "budget" if self.done else None

    # -- the rules ---------------------------------------------------------------------------
    def reset_seed_for_next_reset(self) -> int:
        """The seed the next valid ``reset`` restarts with: the episode seed (``"same"``), or a
        fresh one (``"fresh"``: the next of ``fresh_seeds``, else drawn from ``rng``)."""
        if self.settings.reset_seed == "same":
            return self.seed
        if self.fresh_seeds is not None:
            seed = next(self.fresh_seeds, None)
            if seed is None:
                raise ConfigError("no fresh reset seed left for this reset")
            return int(seed)
        assert self.rng is not None  # checked in __init__
        return fresh_seed(self.rng)

    def apply(self, text: object) -> list[Frame]:
        """Apply one interaction action (counted in :attr:`n_actions` even when invalid).

        Args:
            text: the agent's action text (anything that is not text is an invalid action).

        Returns:
            :attr:`frames`: the frames it showed (``ticks_per_action`` for a program action,
            frame 0 of the restarted world for ``reset``, none for ``go-to-test``).

        Raises:
            ActionError: not text, unparsable, an off-grid click, a test-phase action, or any
                action once the phase is over; :attr:`frames` is then empty.
            AutumnError: the program fails during a tick.
            ConfigError: replay ran out of ``fresh_seeds``.
        """
        self.n_actions += 1
        self.frames, self.last_reset_seed = [], None
        if self._ended is not None or self.n_actions > self.settings.budget:
            raise ActionError(f"the interaction phase is over ({self.ended})")
        action = parse_action(text, self.grid_size)  # type: ignore[arg-type]
        if action.template not in self.offered:
            raise ActionError(
                f"{action} is not offered in the interaction phase: "
                f"expected one of {', '.join(self.offered)}"
            )
        self.last_action, self.last_ticks = action, 0
        if action.kind == "go-to-test":
            self._ended = "go-to-test"
        elif action.kind == "reset":
            seed = self.reset_seed_for_next_reset()
            self.env.reset(seed)
            self.n_resets += 1
            self.last_reset_seed = seed
            self.frames = [Frame(0, "reset", self.env.frame)]
        else:
            grids = self.env.step(action)
            self.last_ticks, first = len(grids), self.env.tick - len(grids) + 1
            self.frames = [
                Frame(first + i, str(action) if i == 0 else None, g) for i, g in enumerate(grids)
            ]
        return self.frames

    def outcome(self) -> dict[str, int | str]:
        """``{"interaction_actions": n, "interaction_ended": "go-to-test" | "budget"}``."""
        return {"interaction_actions": self.n_actions, "interaction_ended": self.ended or "budget"}
