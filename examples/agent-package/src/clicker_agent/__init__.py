"""A seeded random clicker for the worldtest harness (see :mod:`clicker_agent.agent`)."""

from clicker_agent.agent import ClickerAgent

__all__ = ["ClickerAgent"]
