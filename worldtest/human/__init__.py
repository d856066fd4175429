"""People take the benchmark in a window, and any recorded episode can be watched again.

- ``worldtest play ENV`` (:func:`worldtest.human.play.play`): a person plays the episodes of one
  environment, one per task family, through the real protocol
  (:func:`worldtest.protocol.run_episode`) with the human agent
  (:class:`worldtest.human.agent.HumanAgent`, id ``human:NAME``) whose ``act`` blocks on the
  window. Records land in the same results file as the models', with every action's wall-clock
  time (``ActionLog.t_wall``, seconds), so the leaderboard shows human rows beside model rows.
- ``worldtest replay RECORD`` (:mod:`worldtest.human.replay_view`): rebuild a recorded episode
  by replaying its actions with its seeds and settings (:func:`worldtest.replay.reconstruct`
  checks every frame against the recorded digest) and play it back, or write an animated GIF.

**Real time and the budget.** On the web platform the world ticks FRAME_RATE times a second
whatever the player does. Here the interaction phase in real-time play (the default) runs the
protocol's actions back to back: one action is ``ticks_per_action`` ticks (FRAME_RATE by default,
so one second), shown one tick per ``1 / FRAME_RATE`` seconds; a key press or click becomes the
next action, and a second without input is a ``noop`` action. Those idle noops are ordinary
protocol actions, exactly an agent's noop: they run the same ticks and cost one action of the
budget (200 actions = 200 seconds of world time), and the record lists them in ``usage``
(``idle_interaction_actions``) so that analyses can tell them from chosen waits. With
``--turn-based`` nothing happens until the player acts. In the test phases (one tick per
action, each costing one action of the horizon) time waits for the player in both modes, unless
they switch it on with P.

Modules: ``window`` (the pygame window and its loop), ``widgets`` (grid, buttons, slider),
``cards`` (instruction and result cards), ``live`` (interaction, planning, CD acting),
``mfp_screen``, ``cd_screen`` (the CD slider), ``agent``, ``play``, ``replay`` (no pygame),
``replay_view``.
Nothing outside this package and ``worldtest.cli`` imports it; pygame is imported only here.
"""

import os as _os

_os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")  # before any module imports pygame
