"""Money: what a call costs, what it may cost at worst, and a run's ledger against its cap.

A call's cost is ``(input_tokens * input_price + output_tokens * output_price) / 1e6`` USD at
the preset's prices (USD per million tokens, the tier chosen by the call's input tokens:
:meth:`~worldtest.agents.llm.preset.Prices.per_mtok`). Its worst case, known before it is made,
prices the estimated input tokens and ``max_output_tokens`` of output.

The :class:`Ledger` is shared by every episode of a run (``--max-cost``). Before each call that
the response cache cannot answer, the endpoint reserves the call's worst case; when the call
returns the reservation is replaced by what it cost; a call that fails is charged nothing.
A reservation that would take ``spent + reserved`` over the cap waits for the calls in flight
to settle; once ``spent + worst`` alone is over the cap the call is not made:
:class:`CostCapReached` is raised and the episode ends as failed. So ``spent`` stays at or below
the cap, except by what calls cost beyond their worst case: input beyond the estimate, or an
endpoint that returns more than ``max_output_tokens`` (the fake server's scripted replies).

Scope: one ledger counts the calls of one process. It is safe with many episodes on one event
loop and with several threads or event loops in the process (a lock guards it; waiters are
woken on their own loop). Worker processes each hold their own ledger, so each keeps the cap
on its own spending: N processes with the same cap can spend up to N times it together.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING

from worldtest.errors import WorldtestError

if TYPE_CHECKING:
    from worldtest.agents.llm.preset import Prices

__all__ = ["CostCapReached", "Ledger", "cost_usd", "worst_usd"]


def cost_usd(prices: Prices, calls: Iterable[tuple[int, int]]) -> float:
    """USD of calls given as ``(input_tokens, output_tokens)`` pairs, exact per price tier,
    rounded to 1e-10 USD."""
    tiers: dict[tuple[float, float], list[int]] = {}
    for n_in, n_out in calls:
        tier = tiers.setdefault(prices.per_mtok(n_in), [0, 0])
        tier[0] += n_in
        tier[1] += n_out
    total = sum(i * p_in + o * p_out for (p_in, p_out), (i, o) in tiers.items())
    return round(total / 1_000_000, 10)


def worst_usd(prices: Prices, input_tokens: int, max_output_tokens: int) -> float:
    """The most a call of ``input_tokens`` (estimated) input can cost: every output token
    allowed used."""
    return cost_usd(prices, [(input_tokens, max_output_tokens)])


class CostCapReached(WorldtestError):
    """A model call not made: its worst case would take the run's spending over the cap.

    Attributes:
        max_cost: the cap (USD); spent_usd: spent when the call was refused; worst_usd: the
        call's worst case.
    """

    def __init__(self, max_cost: float, spent_usd: float, worst_usd: float) -> None:
        super().__init__(
            f"cost cap of {max_cost:g} USD reached after {spent_usd:.4f} USD (the next call "
            f"could cost up to {worst_usd:.4f} USD); run again with a higher --max-cost to go on"
        )
        self.max_cost, self.spent_usd, self.worst_usd = max_cost, spent_usd, worst_usd


class Ledger:
    """A run's spending on model calls against its cap (module docstring).

    Args:
        max_cost: the cap in USD, or None for none (calls are then only counted).

    Attributes:
        max_cost: as above (may be set before the first call); spent_usd: USD of the calls
        settled; reserved_usd: worst cases of the calls in flight; refused: calls not made
        because of the cap.
    """

    def __init__(self, max_cost: float | None = None) -> None:
        self.max_cost = max_cost
        self.spent_usd = 0.0
        self.reserved_usd = 0.0
        self.refused = 0
        self._holds = 0
        self._lock = threading.Lock()
        self._waiters: list[tuple[asyncio.AbstractEventLoop, asyncio.Future[None]]] = []

    @property
    def reached(self) -> bool:
        """True once the cap is spent or a call was refused (no new episode should start)."""
        return self.max_cost is not None and (self.refused > 0 or self.spent_usd >= self.max_cost)

    async def reserve(self, worst: float) -> float | None:
        """Hold ``worst`` USD for a call about to be made; waits while calls in flight hold
        what it needs.

        Returns:
            The amount held, to give back to :meth:`settle` (None without a cap: nothing held).

        Raises:
            CostCapReached: ``spent_usd + worst`` is over the cap.
        """
        loop = asyncio.get_running_loop()
        while True:
            with self._lock:
                if self.max_cost is None:
                    return None
                if self.spent_usd + worst > self.max_cost:
                    self.refused += 1
                    raise CostCapReached(self.max_cost, self.spent_usd, worst)
                if self.spent_usd + self.reserved_usd + worst <= self.max_cost:
                    self._holds += 1
                    self.reserved_usd += worst
                    return worst
                woken: asyncio.Future[None] = loop.create_future()
                self._waiters.append((loop, woken))
            await woken

    def settle(self, held: float | None, usd: float) -> None:
        """Replace a reservation (what :meth:`reserve` returned; None for none) by the call's
        cost ``usd`` (0.0 for a call that failed), and wake the calls waiting for room."""
        with self._lock:
            if held is not None and self._holds:
                self._holds -= 1
                # Back to exactly 0 when nothing is in flight: no rounding drift accumulates.
                self.reserved_usd = self.reserved_usd - held if self._holds else 0.0
            self.spent_usd += usd
            waiters, self._waiters = self._waiters, []
        for loop, woken in waiters:
            with contextlib.suppress(RuntimeError):  # a loop that has closed meanwhile
                loop.call_soon_threadsafe(_wake, woken)

    def charge(self, usd: float) -> None:
        """Count ``usd`` spent outside a reservation (an agent that reports its cost only at
        the end of its episode)."""
        self.settle(None, usd)


def _wake(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)
