"""The protocol settings of an episode, and the one place they are resolved for a program.

Below both :mod:`worldtest.agents` (an agent is given the resolved settings) and
:mod:`worldtest.protocol` (which runs an episode with them), so neither imports the other for
them. :func:`episode_settings` is the one place an episode's settings are resolved: ticks per
action from the program's FRAME_RATE (:attr:`worldtest.autumn.runtime.Program.frame_rate`) and
the profile; the protocol, the runner, human play, replay and the Gymnasium env all call it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_serializer

if TYPE_CHECKING:  # pragma: no cover
    from worldtest.autumn.runtime import Program

__all__ = [
    "PAPER_SETTINGS",
    "PAPER_TRANSITION_STEPS",
    "Settings",
    "episode_settings",
]


class Settings(BaseModel):
    """The protocol settings of an episode (protocol section 2); frozen.

    Attributes:
        budget: agent actions in the interaction phase, every action counted (reset,
            go-to-test and invalid ones included). Default 200, the reference "full evaluation".
        horizon: test actions at most; running out scores 0. Default 300.
        ticks_per_action: ticks per interaction action (the action's tick, then no-input
            ticks); None means the program's FRAME_RATE, the reference default. Test phases
            always use one tick per action.
        reset_seed: ``"same"``: reset restarts with the episode seed (the reference harness);
            ``"fresh"``: with a new seed drawn from the episode's generator (as human
            participants got).
        profile: ``"worldtest"`` (ours, the default) or ``"paper"`` (the reference harness's
            settings, :data:`PAPER_SETTINGS`; README "The paper profile").
        step_cap: None, or agent actions over the whole episode (interaction actions, the
            reference's transition steps, test actions): the test phase gets what is left
            (:meth:`test_horizon`). Reference: 501.
        mfp_rewind: MFP ``rewind``: ``"start"`` (back to frame 0, offered from frame 1 on) or
            ``"previous"`` (one frame back, offered once the last frame was reached: the
            reference harness).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    budget: int = Field(default=200, ge=0)
    horizon: int = Field(default=300, ge=1)
    ticks_per_action: int | None = Field(default=None, ge=1)
    reset_seed: Literal["same", "fresh"] = "same"
    profile: Literal["worldtest", "paper"] = "worldtest"
    step_cap: int | None = Field(default=None, ge=1)
    mfp_rewind: Literal["start", "previous"] = "start"

    @model_serializer(mode="wrap")
    def _dump(self, handler: Any) -> dict[str, Any]:
        # The profile fields are left out at their defaults, so records (and resume keys) of
        # the worldtest profile stay as they were before the fields existed.
        data = handler(self)
        for name, default in _PROFILE_DEFAULTS.items():
            if data.get(name, default) == default:
                data.pop(name, None)
        return data

    @classmethod
    def paper(cls, **overrides: Any) -> Settings:
        """The reference harness's settings (:data:`PAPER_SETTINGS`), with ``overrides``."""
        return cls(**{**PAPER_SETTINGS, **overrides})

    def resolved(self, frame_rate: int) -> Settings:
        """These settings with ``ticks_per_action`` filled in from ``frame_rate`` if None:
        FRAME_RATE (profile ``worldtest``), or 1 + FRAME_RATE // 2 (profile ``paper``: the
        reference's action tick plus ``frame_rate // 2`` stacked no-input ticks)."""
        if self.ticks_per_action is not None:
            return self
        ticks = 1 + int(frame_rate) // 2 if self.profile == "paper" else int(frame_rate)
        return self.model_copy(update={"ticks_per_action": ticks})

    def test_horizon(self, interaction_actions: int, family: str) -> int:
        """Test actions allowed after ``interaction_actions`` in a ``family`` test phase:
        ``horizon``, and under a ``step_cap`` at most ``step_cap - interaction_actions -
        PAPER_TRANSITION_STEPS[family]`` (never below 0)."""
        if self.step_cap is None:
            return self.horizon
        left = self.step_cap - interaction_actions - PAPER_TRANSITION_STEPS.get(family, 0)
        return max(0, min(self.horizon, left))


_PROFILE_DEFAULTS = {"profile": "worldtest", "step_cap": None, "mfp_rewind": "start"}

PAPER_TRANSITION_STEPS = {"mfp": 0, "planning": 2, "cd": 2}
"""Steps the reference harness spends between the phases, counted against its step cap: its
planning and CD composite environments pass through ``Transition`` and ``*Reset`` states (one
step each, offered only ``noop``; ``environment_interfaces.py``); its MFP composite answers the
last interaction step with the first MFP observation (``environment_interfaces_mfp.py``)."""

PAPER_SETTINGS: dict[str, Any] = {
    "profile": "paper",
    "budget": 300,
    "horizon": 501,
    "step_cap": 501,
    "mfp_rewind": "previous",
    "reset_seed": "same",
}
"""The reference harness's settings (BasisResearch/MARAProtocol, python_examples/autumnbench):
``max_interaction_steps: 300`` and ``max_steps: 501`` in ``conf/config.yaml`` (commit 0833974)
and ``run_environment(max_steps=501)`` in ``evaluation_controller.py``: one cap of 501 steps over
the interaction phase, the transition steps (:data:`PAPER_TRANSITION_STEPS`) and the test
phase; MFP ``rewind`` one frame back, offered once the last frame was reached
(``concrete_envs.py``, ``MARAMFPEnvironment``); reset with the same seed. Its seed (0) is the
run's, set by ``worldtest run --profile paper``."""


def episode_settings(settings: Settings, program: Program) -> Settings:
    """The settings an episode of ``program`` runs with (and its record carries).

    Args:
        settings: the requested settings (``ticks_per_action`` None = from the program).
        program: the environment's compiled program; its static
            :attr:`~worldtest.autumn.runtime.Program.frame_rate` fills ``ticks_per_action``
            as :meth:`Settings.resolved` says.

    Returns:
        ``settings`` unchanged when ``ticks_per_action`` is set, else the resolved copy.

    Raises:
        AutumnError: the program fails to load while its FRAME_RATE is evaluated.
    """
    if settings.ticks_per_action is not None:
        return settings
    return settings.resolved(program.frame_rate)
