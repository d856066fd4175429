"""Task authoring, above the protocol: make task instances and prove them sound.

- :mod:`~worldtest.authoring.derive`: derive MFP, planning and CD tasks (deterministic).
- :mod:`~worldtest.authoring.validate`: prove all three families sound, play each with the
  oracle (through the protocol), check the suite-wide baselines and the adversary battery.
- :mod:`~worldtest.authoring.battery`: the model-free adversary battery (plays agents through
  the protocol with the runner's episode seeds).
- :mod:`~worldtest.authoring.reference`: import the reference harness's folder layout.
- :mod:`~worldtest.authoring.problem`: :class:`Problem`, one failed check.

The layers below (task files, test phases, the protocol, agents, the runner) never import this
package (``tests/test_imports.py``).
"""
