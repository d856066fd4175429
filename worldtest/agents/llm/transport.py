"""httpx's transport on plain asyncio streams, and shared clients per endpoint and loop.

httpx (through httpcore) talks to sockets through anyio by default, and its connection pool
does bookkeeping on every request that grows with the square of its connections, asking each
idle one whether its socket is readable (a dropped keep-alive connection); under anyio each
such question is a ``poll`` system call under several layers of attribute lookups. At 32
connections that is most of the client's CPU per call. Three changes keep it small, all below
httpx's public surface:

- the network backend here implements httpcore's public ``AsyncNetworkBackend`` with
  ``asyncio.open_connection``; readability is answered from the stream's buffer, which the
  event loop keeps current (an EOF the server sent is there), so it costs nothing;
- a request's head and body are written with one ``send`` (writes are held until the response
  is read, as HTTP/1.1 always reads after writing);
- an endpoint gets several small pools (shards of 4 connections' worth) handed out in turn.

Everything else (HTTP/1.1, TLS with httpx's certificate handling and ``SSL_CERT_FILE``,
timeouts, httpx's exceptions) is httpx's own. When an HTTP proxy is configured in the
environment the plain httpx client is used, so proxies keep working.
``benchmarks/llm_throughput.py`` measures the difference.
"""

from __future__ import annotations

import asyncio
import functools
import socket
import ssl
import urllib.request
import weakref
from typing import Any

import httpcore
import httpx

__all__ = ["AsyncioBackend", "AsyncioTransport", "close_clients", "shared_client"]


class _Stream(httpcore.AsyncNetworkStream):
    """An asyncio stream. Writes are held until the next read (or 64 KiB), so a request's
    head and body leave in one ``send``: HTTP/1.1 always reads the response after writing."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader, self._writer = reader, writer
        self._pending: list[bytes] = []
        self._pending_size = 0

    async def _flush(self, timeout: float | None) -> None:
        data, self._pending, self._pending_size = b"".join(self._pending), [], 0
        try:
            async with asyncio.timeout(timeout):
                self._writer.write(data)
                await self._writer.drain()
        except TimeoutError:
            raise httpcore.WriteTimeout(f"could not write within {timeout} s") from None
        except OSError as err:
            raise httpcore.WriteError(str(err)) from err

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        if self._pending:
            await self._flush(timeout)
        try:
            async with asyncio.timeout(timeout):
                return await self._reader.read(max_bytes)
        except TimeoutError:
            raise httpcore.ReadTimeout(f"no data within {timeout} s") from None
        except OSError as err:
            raise httpcore.ReadError(str(err)) from err

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if buffer:
            self._pending.append(buffer)
            self._pending_size += len(buffer)
            if self._pending_size >= 1 << 16:
                await self._flush(timeout)

    async def aclose(self) -> None:
        self._pending = []
        self._writer.close()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            async with asyncio.timeout(timeout):
                await self._writer.start_tls(ssl_context, server_hostname=server_hostname)
        except TimeoutError:
            self._writer.close()
            raise httpcore.ConnectTimeout(f"TLS handshake not done within {timeout} s") from None
        except (OSError, ssl.SSLError) as err:
            self._writer.close()
            raise httpcore.ConnectError(str(err)) from err
        return self

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":  # data or EOF waiting: the pool drops such idle connections
            return self._reader.at_eof() or bool(self._reader._buffer)
        name = {"client_addr": "sockname", "server_addr": "peername"}.get(info, info)
        if name in ("ssl_object", "socket", "sockname", "peername"):
            return self._writer.get_extra_info(name)
        return None

class AsyncioBackend(httpcore.AsyncNetworkBackend):
    """httpcore network backend on ``asyncio`` streams (TCP_NODELAY set, like httpcore's)."""

    def __init__(self) -> None:
        self.connections = 0  # connections opened (tests check that the backend is used)

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.AsyncNetworkStream:
        local = (local_address, 0) if local_address else None
        try:
            async with asyncio.timeout(timeout):
                reader, writer = await asyncio.open_connection(
                    host, port, local_addr=local, limit=1 << 20
                )
        except TimeoutError:
            raise httpcore.ConnectTimeout(f"no connection within {timeout} s") from None
        except OSError as err:
            raise httpcore.ConnectError(str(err)) from err
        sock = writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            for option in socket_options or ():
                sock.setsockopt(*option)
        self.connections += 1
        return _Stream(reader, writer)

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Any = None
    ) -> httpcore.AsyncNetworkStream:
        try:
            async with asyncio.timeout(timeout):
                reader, writer = await asyncio.open_unix_connection(path, limit=1 << 20)
        except TimeoutError:
            raise httpcore.ConnectTimeout(f"no connection within {timeout} s") from None
        except OSError as err:
            raise httpcore.ConnectError(str(err)) from err
        return _Stream(reader, writer)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


class AsyncioTransport(httpx.AsyncHTTPTransport):
    """``httpx.AsyncHTTPTransport`` whose httpcore pool uses :class:`AsyncioBackend`.

    Args:
        limits: the pool's connection limits.
    """

    def __init__(self, limits: httpx.Limits) -> None:
        context = _ssl_context()
        super().__init__(verify=context, limits=limits)
        self.backend = AsyncioBackend()
        # httpx keeps its httpcore pool in ``_pool``; should that ever change, the transport
        # silently stays httpx's default one (correct, only slower).
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=self.backend,
        )


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """httpx's default TLS context (its certificate store), made once per process."""
    return httpx.create_ssl_context()


def _proxied() -> bool:
    proxies = urllib.request.getproxies()
    return any(proxies.get(scheme) for scheme in ("http", "https", "all"))


_CLIENTS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[tuple, _Shards]] = (
    weakref.WeakKeyDictionary()
)


_PER_SHARD = 4  # connections per pool the pool's bookkeeping stays cheap for


def shared_client(base_url: str, connections: int, timeout: float) -> httpx.AsyncClient:
    """A client of ``base_url`` on the running loop (made on first use).

    Every preset on one endpoint shares them. httpcore's pool spends time quadratic in its
    connections on every request, so an endpoint gets ``ceil(connections / 4)`` clients
    (shards), handed out in turn, each allowed up to ``connections`` connections: the total
    in flight is bounded by the caller (the runner's limit per endpoint), and each pool stays
    small. A client never crosses event loops.
    """
    loop = asyncio.get_running_loop()
    clients = _CLIENTS.setdefault(loop, {})
    key = (base_url, connections, timeout)
    shards = clients.get(key)
    if shards is None:
        shards = clients[key] = _Shards(-(-connections // _PER_SHARD))
    index = shards.turn = (shards.turn + 1) % len(shards.clients)
    client = shards.clients[index]
    if client is None or client.is_closed:
        limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
        if _proxied():
            client = httpx.AsyncClient(timeout=httpx.Timeout(timeout), limits=limits)
        else:
            client = httpx.AsyncClient(
                timeout=httpx.Timeout(timeout), transport=AsyncioTransport(limits)
            )
        shards.clients[index] = client
    return client


class _Shards:
    def __init__(self, n: int) -> None:
        self.clients: list[httpx.AsyncClient | None] = [None] * max(1, n)
        self.turn = -1


async def close_clients() -> None:
    """Close every shared client of the running loop."""
    clients = _CLIENTS.pop(asyncio.get_running_loop(), {})
    for shards in clients.values():
        for client in shards.clients:
            if client is not None:
                await client.aclose()
