"""The reference's random generator (``autumn-language.md`` §6).

A Lehmer-style generator with multiplier 48271 whose 32-bit product wraps *before* the reduction
modulo 2^31 - 1, so no library LCG matches it. Seed 0 is degenerate (every draw is 0).
"""

from __future__ import annotations

__all__ = ["seed_state", "draw"]

_MASK32 = 0xFFFFFFFF
_MOD = 2147483647


def seed_state(seed: int) -> int:
    """The generator state for ``seed``: ``seed mod 2**32`` (the API truncates a 64-bit seed)."""
    return seed & _MASK32


def draw(state: int, m: int) -> tuple[int, int]:
    """One draw in ``[0, m)``.

    Args:
        state: the current unsigned 32-bit state.
        m: the modulus; ``m == 0`` returns 0 without advancing the state.

    Returns:
        ``(value, new_state)``, with ``new_state = ((48271 * state) mod 2**32) mod (2**31 - 1)``
        and ``value = new_state mod m``.
    """
    if m == 0:
        return 0, state
    state = ((48271 * state) & _MASK32) % _MOD
    return state % m, state
