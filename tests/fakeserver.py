"""A local HTTP server that speaks the three provider APIs with scripted replies.

For tests, benchmarks and trying the harness without a model or a network. It answers

- ``POST .../chat/completions`` (OpenAI-compatible),
- ``POST .../v1/messages`` (Anthropic Messages),
- ``POST .../models/<model>:generateContent`` (Gemini),

each in that API's reply shape, after ``latency`` seconds. What it answers comes from a script
(a queue of behaviours, consumed one per request, shared by all routes), and once the script is
empty from a policy:

- ``{"reply": "<action>left</action>"}``: a 200 reply with that text;
- ``{"status": 429, "retry_after": "0.1", "body": "slow down"}``: an error status;
- ``{"hang": 5.0}``: say nothing for that long, then close the connection;
- ``{"malformed": true}``: a 200 whose body is not JSON;
- ``{"drop": true}``: close the connection without answering;
- ``{"echo_auth": true, "status": 401}``: an error whose body echoes the key headers (to
  test that keys are scrubbed).

Policies (no script left): ``first`` answers with the first action offered in the last user
message (``Actions you may take now: ...``; templates filled with 0), ``hash`` with an offered
action chosen by a hash of the request (deterministic), ``noop`` with ``<action>noop</action>``.
Token counts are made up but deterministic: a quarter of the request's and the reply's bytes.

Run it by hand: ``python tests/fakeserver.py --port 8765 --latency 0.2`` (from a checkout: it
is a test helper, not part of the installed package), then
``worldtest run --agent llm --provider openai --model fake --base-url http://127.0.0.1:8765/v1
--api-key-env ""``. ``--script FILE`` (a JSON list of the behaviours above) answers the first
requests; ``--pad N`` puts N characters of scratchpad before every policy reply (a model that
rambles: budgets and caps can be tried without a model); ``--log FILE`` appends every request
received as one JSON line ``{"route", "path", "body"}`` (``body``: the request's JSON exactly as
sent, ``null`` when it is not JSON), to see what a model agent is told.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import hashlib
import json
import re
import threading
from typing import Any, Self

__all__ = ["FakeServer", "main"]

_OFFERED = re.compile(r"Actions you may take now: (.*)")
_FILL = {"click X Y": "click 0 0", "choose N": "choose 0", "choose-frame K": "choose-frame 0"}


def _last_user_text(route: str, body: dict[str, Any]) -> str:
    try:
        if route == "gemini":
            turns = [c for c in body.get("contents", []) if c.get("role") == "user"]
            return "\n".join(p.get("text", "") for p in turns[-1]["parts"])
        turns = [m for m in body.get("messages", []) if m.get("role") == "user"]
        content = turns[-1]["content"]
        if isinstance(content, str):
            return content
        return "\n".join(p.get("text", "") for p in content if isinstance(p, dict))
    except (IndexError, KeyError, TypeError, AttributeError):
        return ""


def _offered(text: str) -> list[str]:
    found = _OFFERED.findall(text)
    if not found:
        return []
    items = re.sub(r"\([^)]*\)", "", found[-1]).split(",")
    return [_FILL.get(i.strip(), i.strip()) for i in items if i.strip()]


class FakeServer:
    """The server (see the module docstring); runs on its own thread and event loop.

    Args:
        latency: seconds before each answer; policy: ``first``, ``hash`` or ``noop``.
        script: behaviours answered first, in order.
        ssl: an ``ssl.SSLContext`` to serve HTTPS.
        pad: characters of scratchpad put before every policy reply.
        log: a file path: every request is appended to it as one JSON line (``route``,
            ``path``, ``body``), written before the answer is sent.
        keep_requests: keep every request (``requests``: dicts of ``route``, ``path``,
            ``headers``, ``body``) for tests to inspect; ``n_requests`` and
            ``max_in_flight`` (most requests answered at once) are always kept.

    Use as a context manager, or :meth:`start` / :meth:`stop`; :attr:`url` is
    ``http://127.0.0.1:<port>``.
    """

    def __init__(
        self,
        *,
        latency: float = 0.0,
        policy: str = "first",
        script: list[dict[str, Any]] | None = None,
        keep_requests: bool = True,
        host: str = "127.0.0.1",
        port: int = 0,
        ssl: Any = None,
        pad: int = 0,
        log: str | None = None,
    ) -> None:
        self.ssl = ssl
        self.log = log
        self.pad = pad
        self.latency = latency
        self.policy = policy
        self.script: collections.deque[dict[str, Any]] = collections.deque(script or [])
        self.keep_requests = keep_requests
        self.requests: list[dict[str, Any]] = []
        self.n_requests = 0
        self.in_flight = 0
        self.max_in_flight = 0  # most requests being answered at once
        self.host, self.port = host, port
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.base_events.Server | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        """``http://host:port`` (``https`` with ``ssl``) of the running server."""
        return f"{'https' if self.ssl else 'http'}://{self.host}:{self.port}"

    def add(self, *behaviours: dict[str, Any]) -> None:
        """Append behaviours to the script."""
        with self._lock:
            self.script.extend(behaviours)

    # -- lifecycle ----------------------------------------------------------------------------
    def start(self) -> FakeServer:
        """Start serving on a background thread; returns self once listening."""
        ready = threading.Event()

        def serve() -> None:
            self._loop = asyncio.new_event_loop()
            asyncio.set_event_loop(self._loop)
            self._server = self._loop.run_until_complete(
                asyncio.start_server(self._handle, self.host, self.port, backlog=1024,
                                     ssl=self.ssl)
            )
            self.port = self._server.sockets[0].getsockname()[1]
            ready.set()
            self._loop.run_forever()
            pending = asyncio.all_tasks(self._loop)
            for task in pending:
                task.cancel()
            if pending:
                self._loop.run_until_complete(asyncio.wait(pending, timeout=5))
            self._server.close()
            self._loop.run_until_complete(self._server.wait_closed())
            self._loop.close()

        self._thread = threading.Thread(target=serve, name="fake-llm-server", daemon=True)
        self._thread.start()
        ready.wait(10)
        return self

    def stop(self) -> None:
        """Stop serving and join the thread."""
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    async def serve_forever(self) -> None:
        """Serve on the running loop until cancelled (the command line's mode)."""
        self._server = await asyncio.start_server(self._handle, self.host, self.port, backlog=1024)
        self.port = self._server.sockets[0].getsockname()[1]
        print(self.url, flush=True)
        async with self._server:
            await self._server.serve_forever()

    # -- HTTP -----------------------------------------------------------------------------------
    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError):
                    return
                lines = head.decode("latin-1").split("\r\n")
                method, path, _ = (lines[0].split(" ", 2) + ["", ""])[:3]
                headers = {}
                for line in lines[1:]:
                    if ":" in line:
                        name, _, value = line.partition(":")
                        headers[name.strip().lower()] = value.strip()
                body = await reader.readexactly(int(headers.get("content-length", "0") or 0))
                keep = await self._answer(method, path, headers, body, writer)
                if not keep or headers.get("connection", "").lower() == "close":
                    return
        except (ConnectionError, asyncio.IncompleteReadError):
            return
        except asyncio.CancelledError:  # shutting down: end quietly
            return
        finally:
            writer.close()

    async def _answer(
        self, method: str, path: str, headers: dict[str, str], raw: bytes, writer: Any
    ) -> bool:
        route = (
            "openai" if path.endswith("/chat/completions")
            else "anthropic" if path.endswith("/v1/messages")
            else "gemini" if ":generateContent" in path
            else None
        )  # fmt: skip
        with self._lock:
            self.n_requests += 1
            behaviour = self.script.popleft() if self.script else None
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            return await self._respond(method, path, route, headers, raw, behaviour, writer)
        finally:
            self.in_flight -= 1

    async def _respond(
        self,
        method: str,
        path: str,
        route: str | None,
        headers: dict[str, str],
        raw: bytes,
        behaviour: dict[str, Any] | None,
        writer: Any,
    ) -> bool:
        parsed: Any = None
        try:
            body = parsed = json.loads(raw) if raw else {}
        except ValueError:
            body = {}
        if self.log is not None:
            line = json.dumps({"route": route, "path": path, "body": parsed}, ensure_ascii=False)
            with self._lock, open(self.log, "a", encoding="utf-8") as f:
                f.write(line + "\n")
        if self.keep_requests:
            self.requests.append({"route": route, "path": path, "headers": headers, "body": body})
        if self.latency:
            await asyncio.sleep(self.latency)
        if method != "POST" or route is None:
            return await _send(writer, 404, {"error": {"message": f"no route {method} {path}"}})
        behaviour = behaviour or {"reply": self._policy(route, body, raw)}
        if "hang" in behaviour:
            await asyncio.sleep(float(behaviour["hang"]))
            return False
        if behaviour.get("drop"):
            return False
        if behaviour.get("malformed"):
            return await _send(writer, 200, b'{"choices": [{"message": ')
        if "status" in behaviour:
            text = behaviour.get("body", "error")
            if behaviour.get("echo_auth"):
                text += " " + " ".join(
                    headers.get(h, "") for h in ("authorization", "x-api-key", "x-goog-api-key")
                )
            extra = {"retry-after": str(behaviour["retry_after"])} if "retry_after" in behaviour \
                else {}  # fmt: skip
            error = {"error": {"message": text}}
            return await _send(writer, int(behaviour["status"]), error, extra)
        text = behaviour["reply"]
        return await _send(writer, 200, _reply_body(route, text, len(raw), body))

    def _policy(self, route: str, body: dict[str, Any], raw: bytes) -> str:
        pad = f"<scratchpad>{'z' * self.pad}</scratchpad>" if self.pad else ""
        return pad + self._chosen(route, body, raw)

    def _chosen(self, route: str, body: dict[str, Any], raw: bytes) -> str:
        if self.policy == "noop":
            return "<action>noop</action>"
        offered = _offered(_last_user_text(route, body)) or ["noop"]
        if self.policy == "hash":
            index = int.from_bytes(hashlib.sha256(raw).digest()[:4], "big") % len(offered)
            return f"<scratchpad>trying something</scratchpad><action>{offered[index]}</action>"
        return f"<action>{offered[0]}</action>"


def _reply_body(route: str, text: str, n_in: int, body: dict[str, Any]) -> dict[str, Any]:
    tokens_in, tokens_out = max(1, n_in // 4), max(1, len(text.encode()) // 4)
    model = body.get("model", "fake")
    if route == "openai":
        return {
            "id": "fake", "object": "chat.completion", "model": model,
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": text}}],
            "usage": {"prompt_tokens": tokens_in, "completion_tokens": tokens_out,
                      "total_tokens": tokens_in + tokens_out},
        }  # fmt: skip
    if route == "anthropic":
        return {
            "id": "fake", "type": "message", "role": "assistant", "model": model,
            "content": [{"type": "text", "text": text}], "stop_reason": "end_turn",
            "usage": {"input_tokens": tokens_in, "output_tokens": tokens_out},
        }  # fmt: skip
    return {
        "candidates": [{"content": {"role": "model", "parts": [{"text": text}]},
                        "finishReason": "STOP"}],
        "usageMetadata": {"promptTokenCount": tokens_in, "candidatesTokenCount": tokens_out},
    }  # fmt: skip


_REASONS = {200: "OK", 401: "Unauthorized", 404: "Not Found", 429: "Too Many Requests",
            500: "Internal Server Error", 503: "Service Unavailable"}  # fmt: skip


async def _send(
    writer: Any, status: int, payload: Any, extra: dict[str, str] | None = None
) -> bool:
    data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    head = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Status')}",
            "content-type: application/json", f"content-length: {len(data)}"]  # fmt: skip
    head += [f"{k}: {v}" for k, v in (extra or {}).items()]
    writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + data)
    await writer.drain()
    return True


def main(argv: list[str] | None = None) -> None:
    """``python tests/fakeserver.py [--port N] [--latency S] [--policy P]
    [--script FILE] [--pad N] [--log FILE]``."""
    parser = argparse.ArgumentParser(description="a fake OpenAI/Anthropic/Gemini server")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds per reply")
    parser.add_argument("--policy", choices=("first", "hash", "noop"), default="first")
    parser.add_argument("--script", metavar="FILE",
                        help="a JSON list of behaviours answered first (module docstring)")
    parser.add_argument("--pad", type=int, default=0, metavar="N",
                        help="characters of scratchpad before every policy reply")
    parser.add_argument("--log", metavar="FILE",
                        help="append every request as a JSON line (route, path, body)")
    args = parser.parse_args(argv)
    script = None
    if args.script:
        with open(args.script, encoding="utf-8") as f:
            script = json.load(f)
        if not isinstance(script, list) or not all(isinstance(b, dict) for b in script):
            parser.error(f"{args.script}: expected a JSON list of objects")
    server = FakeServer(latency=args.latency, policy=args.policy, keep_requests=False,
                        port=args.port, script=script, pad=max(0, args.pad),
                        log=args.log)  # fmt: skip
    try:
        asyncio.run(server.serve_forever())
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
