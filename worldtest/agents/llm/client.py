"""One model endpoint over httpx: the call, its retries, its timeout, the response cache.

A call (:meth:`Endpoint.complete`) is tried at most ``request.max_attempts`` times. Retried:
HTTP 408, 409, 425, 429 and every 5xx, connection errors, timeouts (``request.timeout_s`` per
attempt, as a whole-attempt deadline), and 2xx bodies that are not a valid reply. The wait
before attempt n+1 honours the server's ``Retry-After`` (seconds or an HTTP date; OpenAI's
``retry-after-ms`` first), up to ``request.retry_after_max_s``; without one it is exponential
with jitter: a uniform draw in ``[d/2, d]`` with ``d = min(backoff_max_s, backoff_s *
2**(n-1))``. Other statuses (400, 401,
403, 404 ...) fail at once. A call that fails for good raises :class:`LlmCallError` naming every
attempt; the episode is then recorded as failed with that reason, and the run goes on.

The API key lives only in the request headers. Every error text that leaves this module
passes through :meth:`Endpoint.scrub`, which replaces the key by ``***``, so a server that
echoes it cannot put it into a record, a log line or an error message.

The jitter draws come from a ``random.Random`` of the endpoint: they change when a retry
happens, never what is sent or recorded (house style 5 is about results, and results do not
depend on them).
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import logging
import random
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from worldtest.agents.llm.budget import Ledger, cost_usd
from worldtest.agents.llm.cache import ResponseCache
from worldtest.agents.llm.preset import Preset
from worldtest.agents.llm.providers import (
    MalformedReply,
    Reply,
    build_request,
    parse_reply,
)
from worldtest.agents.llm.transport import close_clients, shared_client
from worldtest.errors import WorldtestError

__all__ = ["RETRY_STATUSES", "CallResult", "Endpoint", "LlmCallError"]

log = logging.getLogger("worldtest.llm")

RETRY_STATUSES = frozenset({408, 409, 425, 429})
"""Statuses below 500 that are retried; every 5xx is retried too."""

_SNIPPET = 300  # characters of an error body kept in a message


class LlmCallError(WorldtestError):
    """A model call that failed for good.

    Attributes:
        attempts: attempts made; errors: one line per failed attempt (key scrubbed).
    """

    def __init__(self, message: str, attempts: int, errors: list[str]) -> None:
        super().__init__(message)
        self.attempts = attempts
        self.errors = errors


@dataclass
class CallResult:
    """One successful call.

    Attributes:
        reply: the parsed reply; cached: served from the response cache (no request made).
        attempts: HTTP attempts made (0 when cached); errors: the failed attempts' lines.
        latency_s: wall seconds of the call, waits between attempts included.
    """

    reply: Reply
    cached: bool
    attempts: int
    errors: list[str] = field(default_factory=list)
    latency_s: float = 0.0


def retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def retry_after_ms(value: str | None) -> float | None:
    """Seconds from OpenAI's ``retry-after-ms`` header (milliseconds), or None."""
    try:
        return max(0.0, float(value) / 1000) if value else None
    except ValueError:
        return None


class Endpoint:
    """The HTTP side of one preset, shared by every episode (agent clone) of it.

    Args:
        preset: provider, model, endpoint, sampling, request limits.
        cache: the response cache, or None to always call.
        api_key: the key (from the environment), or None to send none.
        sleep: the wait between attempts (tests may record it instead of sleeping).
        rng: the jitter generator.
        connections: the pool's size (default: the preset's concurrency).

    HTTP goes through one ``httpx.AsyncClient`` per endpoint and event loop
    (:func:`~worldtest.agents.llm.transport.shared_client`), whose pool holds up to
    ``request.concurrency`` connections.
    """

    def __init__(
        self,
        preset: Preset,
        *,
        cache: ResponseCache | None,
        api_key: str | None,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        rng: random.Random | None = None,
        connections: int | None = None,
    ) -> None:
        self.preset = preset
        self.connections = connections or preset.request.concurrency
        self.cache = cache
        self._api_key = api_key
        self.sleep = sleep
        self.rng = rng or random.Random()
        self._sampling = preset.sampling.model_dump()
        self._writes: set[asyncio.Future[None]] = set()

    def __repr__(self) -> str:  # never the key
        return f"Endpoint({self.preset.endpoint!r}, model={self.preset.model!r})"

    def scrub(self, text: str) -> str:
        """``text`` with the API key replaced by ``***``."""
        key = self._api_key
        return text.replace(key, "***") if key and len(key) >= 4 else text

    def _http(self) -> httpx.AsyncClient:
        return shared_client(self.preset.base_url, self.connections, self.preset.request.timeout_s)

    def _store(self, key: str, data: Any, url: str) -> None:
        """Write a reply to the cache on a worker thread; the call does not wait for the disk
        (:meth:`flush` does)."""
        meta = {"provider": self.preset.provider, "model": self.preset.model, "url": url}
        entry = self.cache.entry(key, data, meta)
        write = asyncio.get_running_loop().run_in_executor(None, self.cache.write, key, entry)
        self._writes.add(write)
        write.add_done_callback(self._writes.discard)

    async def flush(self) -> None:
        """Wait until every cache write started on the running loop is on disk."""
        if self._writes:
            await asyncio.gather(*list(self._writes), return_exceptions=True)

    async def aclose(self) -> None:
        """Finish the cache writes, close the HTTP clients of the running loop (they are made
        again when needed)."""
        await self.flush()
        await close_clients()

    def key(self, digests: list[str], episode: int | None = None) -> str:
        """The cache key of a request made of messages with these digests, in an episode."""
        p = self.preset
        return ResponseCache.key(p.provider, p.base_url, p.model, self._sampling, digests, episode)

    async def complete(
        self,
        messages: Sequence[dict[str, Any]],
        digests: list[str],
        episode: int | None = None,
        *,
        ledger: Ledger | None = None,
        worst_usd: float = 0.0,
    ) -> CallResult:
        """Send one request (or answer it from the cache).

        Args:
            messages: neutral messages, the first one the system prompt.
            digests: their :func:`~worldtest.agents.llm.cache.message_digest` values.
            episode: the episode's cache salt (see :mod:`~worldtest.agents.llm.cache`).
            ledger: the run's spending: a request (not a cache hit) first reserves
                ``worst_usd`` there, and is charged its cost at the preset's prices when it
                returns (nothing when it fails) (:mod:`~worldtest.agents.llm.budget`).
            worst_usd: the call's worst case in USD.

        Raises:
            LlmCallError: every attempt failed, or a status that is not retried.
            CostCapReached: the ledger refused the call (no request made).
        """
        t0 = time.perf_counter()
        key = self.key(digests, episode) if self.cache is not None else None
        if key is not None:
            data = self.cache.get(key)
            if data is not None:
                try:
                    reply = parse_reply(self.preset.provider, data)
                except MalformedReply:
                    pass
                else:
                    return CallResult(reply, True, 0, [], time.perf_counter() - t0)
        held = await ledger.reserve(worst_usd) if ledger is not None else None
        result = None
        try:
            result = await self._request(messages, key, t0)
            return result
        finally:
            if ledger is not None:
                prices, reply = self.preset.prices, result.reply if result else None
                ledger.settle(held, cost_usd(prices, [(reply.input_tokens, reply.output_tokens)])
                              if prices is not None and reply is not None else 0.0)  # fmt: skip

    async def _request(
        self, messages: Sequence[dict[str, Any]], key: str | None, t0: float
    ) -> CallResult:
        """The HTTP attempts of :meth:`complete` (module docstring)."""
        url, headers, body = build_request(self.preset, messages, self._api_key)
        payload = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        req = self.preset.request
        errors: list[str] = []
        for attempt in range(1, req.max_attempts + 1):
            wait: float | None = None
            try:
                async with asyncio.timeout(req.timeout_s):
                    response = await self._http().post(url, content=payload, headers=headers)
            except (TimeoutError, httpx.TimeoutException):
                errors.append(f"attempt {attempt}: no reply within {req.timeout_s:g} s")
            except httpx.TransportError as err:
                errors.append(
                    f"attempt {attempt}: connection error: {type(err).__name__}: {err}"
                )
            else:
                status = response.status_code
                if 200 <= status < 300:
                    try:
                        data = response.json()
                        reply = parse_reply(self.preset.provider, data)
                    except (ValueError, MalformedReply) as err:
                        errors.append(f"attempt {attempt}: malformed reply: {_clip(str(err))}")
                    else:
                        if key is not None:
                            self._store(key, data, url)
                        return CallResult(reply, False, attempt, self._clean(errors),
                                          time.perf_counter() - t0)  # fmt: skip
                else:
                    text = f"attempt {attempt}: HTTP {status}: {_clip(response.text)}"
                    if status not in RETRY_STATUSES and status < 500:
                        errors.append(text)
                        raise self._failure(f"HTTP {status} from {url} (not retried)", errors)
                    errors.append(text)
                    wait = retry_after_ms(response.headers.get("retry-after-ms"))
                    if wait is None:
                        wait = retry_after(response.headers.get("retry-after"))
                    if wait is not None:
                        wait = min(wait, req.retry_after_max_s)
            if attempt == req.max_attempts:
                break
            if wait is None:
                span = min(req.backoff_max_s, req.backoff_s * 2 ** (attempt - 1))
                wait = self.rng.uniform(span / 2, span)
            log.warning("%s: %s; retrying in %.2f s", self.preset.id, self.scrub(errors[-1]), wait)
            await self.sleep(wait)
        raise self._failure(f"{req.max_attempts} attempt(s) failed on {url}", errors)

    def _clean(self, errors: list[str]) -> list[str]:
        return [self.scrub(e) for e in errors]

    def _failure(self, headline: str, errors: list[str]) -> LlmCallError:
        clean = self._clean(errors)
        message = self.scrub(headline) + ": " + "; ".join(clean)
        return LlmCallError(message, len(clean), clean)


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _SNIPPET else text[: _SNIPPET - 3] + "..."
