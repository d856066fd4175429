"""httpx on plain asyncio streams: HTTP and HTTPS through the shared clients, connection reuse,
and a keep-alive connection the server dropped."""

from __future__ import annotations

import asyncio
import json
import shutil
import ssl
import subprocess

import httpx
import pytest

from worldtest.agents.llm import transport
from fakeserver import FakeServer

BODY = json.dumps({"model": "m", "messages": [{"role": "user", "content":
                  "Actions you may take now: noop, left"}]}).encode()  # fmt: skip


async def post(client: httpx.AsyncClient, url: str) -> dict:
    response = await client.post(url + "/v1/chat/completions", content=BODY,
                                 headers={"content-type": "application/json"})  # fmt: skip
    response.raise_for_status()
    return response.json()


def test_shared_clients_use_asyncio_streams_shards_and_reuse_connections():
    async def main(url):
        clients = [transport.shared_client(url, 8, 5.0) for _ in range(4)]
        assert len({id(c) for c in clients}) == 2 and clients[0] is clients[2]  # 2 shards of 4
        assert all(isinstance(c._transport, transport.AsyncioTransport) for c in clients)
        replies = []
        for _ in range(3):  # three rounds of four requests at once
            replies += await asyncio.gather(*(post(c, url) for c in clients))
        assert {r["choices"][0]["message"]["content"] for r in replies} == {"<action>noop</action>"}
        opened = sum(c._transport.backend.connections for c in clients[:2])
        await transport.close_clients()
        assert all(c.is_closed for c in clients)
        return opened

    with FakeServer(latency=0.02) as srv:
        opened = asyncio.run(main(srv.url))
        assert srv.n_requests == 12 and 2 <= opened <= 4  # connections were reused


def test_a_keep_alive_connection_the_server_closed_is_not_reused():
    async def main(url, srv):
        client = transport.shared_client(url, 1, 5.0)
        await post(client, url)
        srv.stop()  # the server goes away, closing the idle connection
        await asyncio.sleep(0.05)
        with pytest.raises(httpx.ConnectError):
            await post(client, url)
        await transport.close_clients()

    srv = FakeServer().start()
    asyncio.run(main(srv.url, srv))


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
def test_https_with_a_certificate_from_ssl_cert_file(tmp_path, monkeypatch):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
         "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert, key)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    transport._ssl_context.cache_clear()
    try:
        with FakeServer(ssl=server_context) as srv:
            assert srv.url.startswith("https://")

            async def main():
                client = transport.shared_client(srv.url, 2, 5.0)
                reply = await post(client, srv.url)
                await transport.close_clients()
                return reply

            assert asyncio.run(main())["choices"][0]["message"]["content"]
        monkeypatch.delenv("SSL_CERT_FILE")
        transport._ssl_context.cache_clear()
        with FakeServer(ssl=server_context) as srv:  # an untrusted certificate is refused

            async def refused():
                client = transport.shared_client(srv.url, 2, 5.0)
                with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
                    await post(client, srv.url)
                await transport.close_clients()

            asyncio.run(refused())
    finally:
        transport._ssl_context.cache_clear()
