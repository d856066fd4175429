"""Model-agent throughput: the harness against the local fake server with a fixed latency.

Run by hand: ``python benchmarks/llm_throughput.py [--latency S] [--concurrency N]
[--presets P] [--budget B] [--horizon H] [--ticks-per-action T]``.

The fake provider (``tests/fakeserver.py``, policy ``noop``) runs in its own process
and answers every call after ``latency`` seconds. Measured in this run:

1. **baselines**: bare posts of a small body, ``concurrency`` workers, as many calls as the
   harness makes, through (a) a default ``httpx.AsyncClient`` and (b) the harness's own client
   (``worldtest.agents.llm.transport.shared_client``: httpx on plain asyncio streams). They are
   the floor of talking HTTP to this server on this machine, now.
2. **harness**: ``worldtest.runner.run`` over ``presets`` OpenAI-compatible presets x the 18 tasks
   of the shipped suite (budget B, horizon H), every preset on the one endpoint, at most
   ``concurrency`` episodes in flight, the response cache on (a fresh directory: every call is a
   miss and is written), records appended and fsynced per episode. Ideal wall time = calls x
   latency / concurrency. Printed: achieved throughput as a fraction of it (target >= 0.8 at
   concurrency 32), and CPU per call: all of it, and beyond baseline (b) (rendering, messages,
   the cache, parsing, the protocol, the environment's ticks, records).
3. **sequential**: one preset on one environment's three tasks at concurrency 1. From the
   records, per call: the agent's work outside the HTTP call (rendering, messages, parsing:
   ``t_wall`` minus the call's time) and the protocol's and environment's (ticks, checks, logs,
   episode set-up: episode duration minus the agent's time); their sum is the harness overhead
   per call (target < 1 ms). Also the HTTP call's time beyond the server's latency, for the
   harness and for baseline (b) at concurrency 1 (the server and the machine's noise are in both).

These machines are shared and noisy (other processes compete for the two cores), so the ratios
against the same-run baselines are the figures to compare, not absolute times.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx

from worldtest.agents.llm.transport import close_clients, shared_client
from worldtest.runner import RunConfig, run


def start_server(latency: float) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "fakeserver.py"), "--port", "0",
         "--latency", str(latency), "--policy", "noop"],
        stdout=subprocess.PIPE, text=True, cwd=ROOT,
    )  # fmt: skip
    url = proc.stdout.readline().strip()
    if not url.startswith("http"):
        proc.kill()
        raise SystemExit("the fake server did not start")
    return proc, url


def write_presets(folder: Path, url: str, n: int, concurrency: int) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        path = folder / f"bench-{i}.toml"
        path.write_text(
            f'provider = "openai"\nmodel = "bench-{i}"\nbase_url = "{url}/v1"\n'
            f'api_key_env = ""\n[request]\nconcurrency = {concurrency}\ntimeout_s = 30\n'
            "[prices]\ninput_per_mtok = 1.0\noutput_per_mtok = 4.0\n"
        )
        paths.append(str(path))
    return paths


async def baseline(url: str, calls: int, concurrency: int, ours: bool) -> tuple[float, float]:
    """(wall s, CPU s) of ``calls`` bare posts over ``concurrency`` workers (module doc, 1)."""
    body = json.dumps({"model": "m", "messages": [{"role": "user", "content": "hi"}]}).encode()
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    client = (
        shared_client(f"{url}/v1", concurrency, 30.0)
        if ours
        else httpx.AsyncClient(limits=limits, timeout=30)
    )

    async def worker(n: int) -> None:
        for _ in range(n):
            r = await client.post(f"{url}/v1/chat/completions", content=body,
                                  headers={"content-type": "application/json"})  # fmt: skip
            r.json()

    await worker(1)  # connect, TLS context: not measured
    share = [calls // concurrency + (i < calls % concurrency) for i in range(concurrency)]
    t0, c0 = time.perf_counter(), time.process_time()
    await asyncio.gather(*(worker(n) for n in share))
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    await (close_clients() if ours else client.aclose())
    return wall, cpu


def harness(config: RunConfig) -> tuple[float, float, int, list]:
    """(wall, CPU, calls, records) of one run."""
    t0, c0 = time.perf_counter(), time.process_time()
    records = run(config, show_progress=False)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    failed = [r for r in records if r.status != "ok"]
    if failed:
        raise SystemExit(f"{len(failed)} episode(s) failed: {failed[0].error}")
    return wall, cpu, sum(r.usage["calls"] for r in records), records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.25, help="seconds per call")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--presets", type=int, default=16, help="presets x 18 tasks = episodes")
    parser.add_argument("--budget", type=int, default=10)
    parser.add_argument("--horizon", type=int, default=10)
    parser.add_argument("--ticks-per-action", type=int, default=1)
    args = parser.parse_args()
    lat, conc = args.latency, args.concurrency

    proc, url = start_server(lat)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            presets = write_presets(tmp / "agents", url, args.presets, conc)
            common = {"budget": args.budget, "horizon": args.horizon,
                      "ticks_per_action": args.ticks_per_action, "cache_dir": tmp / "cache"}
            h_wall, h_cpu, calls, records = harness(
                RunConfig(agents=presets, results_dir=tmp / "results", **common)
            )
            x_wall, x_cpu = asyncio.run(baseline(url, calls, conc, ours=False))
            b_wall, b_cpu = asyncio.run(baseline(url, calls, conc, ours=True))
            _, _, s_calls, seq = harness(
                RunConfig(agents=[presets[0]], envs=["ice"], results_dir=tmp / "seq",
                          concurrency=1, **{**common, "cache_dir": tmp / "cache-seq"})
            )  # fmt: skip
            q_wall, _ = asyncio.run(baseline(url, s_calls, 1, ours=True))
    finally:
        proc.terminate()
        proc.wait(10)

    ideal = calls * lat / conc
    ms = 1000 / calls
    print(f"latency {lat:g} s, concurrency {conc}, {len(records)} episodes, {calls} calls "
          f"(budget {args.budget}, horizon {args.horizon}, {args.ticks_per_action} tick(s)/action)")
    print(f"ideal wall time (calls x latency / concurrency): {ideal:.2f} s")
    for name, wall, cpu in (("bare default httpx client", x_wall, x_cpu),
                            ("bare harness client", b_wall, b_cpu),
                            ("harness (worldtest run)", h_wall, h_cpu)):
        print(f"  {name:27s} {wall:7.2f} s wall -> {ideal / wall:.3f} of ideal; "
              f"{cpu * ms:.3f} ms CPU per call")
    print(f"harness throughput / bare harness client: {b_wall / h_wall:.3f}")
    print(f"harness CPU per call beyond the bare client: {(h_cpu - b_cpu) * ms:.3f} ms")

    http = sum(c["latency_s"] for r in seq for c in r.transcript["calls"])
    agent = sum(a.t_wall for r in seq for a in r.interaction + r.test)
    episodes = sum(r.duration_s for r in seq)
    per = 1000 / s_calls
    print(f"sequential, concurrency 1, {s_calls} calls; per call:")
    print(f"  agent work outside the HTTP call:     {(agent - http) * per:.3f} ms")
    print(f"  protocol and environment:             {(episodes - agent) * per:.3f} ms")
    print(f"  harness overhead (the two above):     {(episodes - http) * per:.3f} ms")
    print(f"  HTTP call beyond the {lat:g} s latency: "
          f"harness {(http - s_calls * lat) * per:.3f} ms, "
          f"bare client {(q_wall - s_calls * lat) * per:.3f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
