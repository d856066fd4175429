"""The run's cost cap holds for the episodes in flight: the ledger (reserve the worst case,
settle the cost) alone, with many episodes on one loop and with threads; then runs against
the fake server on 127.0.0.1, a 5 MB reply among them, and their resumption."""

from __future__ import annotations

import asyncio
import random
import threading

import pytest
from llm_helpers import close_agents, write_preset
from tiny_suite import make_suite

from worldtest import cli
from worldtest.agents.llm.budget import CostCapReached, Ledger, cost_usd, worst_usd
from fakeserver import FakeServer
from worldtest.agents.llm.preset import Prices
from worldtest.results import ResultsStore
from worldtest.runner import RunConfig, Spending, run

SHORT = "[sampling]\nmax_output_tokens = 16\n"  # a call's worst case near its cost


@pytest.fixture(autouse=True)
def _close_agents():
    yield
    close_agents()


@pytest.fixture
def tiny(tmp_path):
    return make_suite(tmp_path / "suite")


# -- the ledger ----------------------------------------------------------------------------------


def test_cost_and_worst_case_at_tiered_prices():
    prices = Prices(input_per_mtok=3.0, output_per_mtok=15.0,
                    above={"threshold_tokens": 1000, "input_per_mtok": 6.0,
                           "output_per_mtok": 30.0})  # fmt: skip
    assert cost_usd(prices, [(1000, 10), (2000, 10)]) == pytest.approx(
        (1000 * 3 + 10 * 15 + 2000 * 6 + 10 * 30) / 1e6)  # fmt: skip
    assert worst_usd(prices, 500, 4096) == pytest.approx((500 * 3 + 4096 * 15) / 1e6)


def test_a_call_over_the_cap_is_refused_and_names_the_cap_and_the_spending():
    ledger = Ledger(1.0)

    async def go():
        held = await ledger.reserve(0.6)
        ledger.settle(held, 0.5)
        with pytest.raises(CostCapReached, match=r"cost cap of 1 USD reached after 0\.5000 USD"):
            await ledger.reserve(0.6)
        held = await ledger.reserve(0.5)  # exactly up to the cap is allowed
        ledger.settle(held, 0.25)

    asyncio.run(go())
    assert (ledger.spent_usd, ledger.refused, ledger.reserved_usd) == (0.75, 1, 0.0)
    assert ledger.reached
    free = Ledger()  # no cap: calls are only counted
    asyncio.run(free.reserve(1e9))
    free.settle(None, 2.0)
    assert free.spent_usd == 2.0 and not free.reached


def test_a_call_waits_for_room_held_by_calls_in_flight_then_goes():
    ledger = Ledger(1.0)
    order = []

    async def call(name, worst, cost, delay):
        held = await ledger.reserve(worst)
        order.append(f"{name} starts at {ledger.spent_usd:.1f}")
        await asyncio.sleep(delay)
        ledger.settle(held, cost)

    async def go():
        # a holds 0.7; b needs 0.6, which fits beside the spending but not beside a's hold:
        # it waits until a costs 0.1, then goes.
        await asyncio.gather(call("a", 0.7, 0.1, 0.05), call("b", 0.6, 0.2, 0.0))

    asyncio.run(go())
    assert order == ["a starts at 0.0", "b starts at 0.1"]
    assert ledger.spent_usd == pytest.approx(0.3) and ledger.refused == 0


def test_many_calls_on_one_loop_and_on_threads_never_cross_the_cap():
    ledger = Ledger(5.0)
    made, refused = [], []
    lock = threading.Lock()

    async def episode(rng):
        while True:
            worst = rng.uniform(0.01, 0.2)
            try:
                held = await ledger.reserve(worst)
            except CostCapReached:
                with lock:
                    refused.append(worst)
                return
            assert ledger.spent_usd + ledger.reserved_usd <= 5.0 + 1e-9
            await asyncio.sleep(rng.uniform(0, 0.002))
            cost = rng.uniform(0, worst)
            with lock:
                made.append(cost)
            ledger.settle(held, cost)

    def loop(seed):  # 8 episodes in flight on each of 3 threads' own event loops
        rng = random.Random(seed)

        async def go():
            await asyncio.gather(*(episode(random.Random(rng.random())) for _ in range(8)))

        asyncio.run(go())

    threads = [threading.Thread(target=loop, args=(s,)) for s in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not any(t.is_alive() for t in threads)  # nobody waits for ever
    assert len(refused) == 24 and ledger.refused == 24  # every episode ended at the cap
    assert ledger.spent_usd == pytest.approx(sum(made)) and ledger.spent_usd <= 5.0
    assert ledger.spent_usd > 5.0 - 0.2 - 0.2  # no room left for the last call's worst case
    assert ledger.reserved_usd == 0.0


# -- runs against the fake server --------------------------------------------------------------


def config(tmp_path, tiny, agents, **kw):
    return RunConfig(agents=agents, suite=tiny, results_dir=tmp_path / "results", budget=3,
                     horizon=4, ticks_per_action=1, cache_dir=tmp_path / "cache", **kw)  # fmt: skip


def test_episodes_in_flight_are_cut_at_the_cap_and_a_higher_cap_resumes_them(tmp_path, tiny):
    with FakeServer(latency=0.02) as srv:
        preset = str(write_preset(tmp_path / "agents", "m", srv,
                                  extra=SHORT + "[request]\nconcurrency = 2"))
        free = run(config(tmp_path, tiny, [preset], cache=False)
                   .model_copy(update={"results_dir": tmp_path / "free"}),
                   show_progress=False)  # fmt: skip
        total = sum(r.usage["spent_usd"] for r in free)
        cap = 0.5 * total
        n = srv.n_requests
        spending = Spending()
        capped = run(config(tmp_path, tiny, [preset], max_cost=cap), show_progress=False,
                     spending=spending)  # fmt: skip
        made = srv.n_requests - n
        assert srv.max_in_flight == 2
        cut = [r for r in capped if r.status == "failed"]
        # The episodes in flight were cut short (both, unless one ran far ahead and ended
        # first); the third never started.
        assert len(cut) == spending.cut >= 1 and spending.not_started == 1 and len(capped) == 2
        assert all(r.usage["cut_by_cost_cap"] and "cost cap of" in r.error for r in cut)
        assert spending.spent_usd <= cap and spending.reserved_usd == 0
        assert spending.spent_usd == pytest.approx(sum(r.usage["spent_usd"] for r in capped))
        assert made == sum(r.usage["calls"] for r in capped)  # no refused call was sent
        # The store does not count a failed record as done: a higher cap resumes the cut
        # episodes (their calls so far answered by the cache) and runs the third.
        assert ResultsStore.for_dir(tmp_path / "results").keys() == {
            r.key for r in capped if r.status == "ok"}  # fmt: skip
        n = srv.n_requests
        again = Spending()
        resumed = run(config(tmp_path, tiny, [preset], max_cost=10 * total),
                      show_progress=False, spending=again)  # fmt: skip
    assert [r.status for r in resumed] == ["ok"] * 3
    assert (again.cut, again.not_started) == (0, 0)
    by_key = {r.key: r for r in cut}
    for record in resumed:
        if record.key in by_key:
            assert record.usage["cache_hits"] == by_key[record.key].usage["calls"] > 0
    assert srv.n_requests - n == sum(r.usage["calls"] - r.usage["cache_hits"] for r in resumed)
    assert again.spent_usd + spending.spent_usd == pytest.approx(total)  # nothing paid twice
    # the capped run's records, then one more per episode it cut or did not start
    assert len(ResultsStore.for_dir(tmp_path / "results").load()) == 2 + len(cut) + 1


HUGE = 5_000_000  # characters of a runaway reply (the 5 MB)


def test_a_5_mb_reply_under_max_cost_stops_at_the_cap_and_a_rerun_resumes(tmp_path, tiny,
                                                                           capsys):  # fmt: skip
    runaway = "<scratchpad>" + "z" * HUGE + "</scratchpad><action>noop</action>"
    # The fake server counts a quarter of the reply's bytes: 1.25 M output tokens, 18.75 USD
    # at 15 USD per million, far beyond max_output_tokens = 4096 (it ignores the limit).
    big = len(runaway) // 4 * 15 / 1e6
    cap = big + 0.2  # room for a few calls after it (a call's worst case is about 0.07 USD)
    with FakeServer(latency=0.01) as srv:
        srv.add({"reply": runaway})

        def worldtest(max_cost):
            return cli.main(["run", "--agent", "llm", "--provider", "openai", "--model", "m",
                             "--base-url", srv.url + "/v1", "--api-key-env", "", "--suite",
                             str(tiny), "--results", str(tmp_path / "r"), "--budget", "6",
                             "--horizon", "6", "--cache-dir", str(tmp_path / "c"),
                             "--no-progress", "--concurrency", "2", "--input-price", "3",
                             "--output-price", "15", "--max-cost", str(max_cost)])  # fmt: skip

        code = worldtest(cap)
        out, err = capsys.readouterr()
        records = ResultsStore.for_dir(tmp_path / "r").load()
        calls = [c for r in records for c in r.transcript["calls"]]
        refused = [c for c in calls if "reply" not in c]
        spent = sum(r.usage["spent_usd"] for r in records)
        worst = max(c["worst_usd"] for c in refused)
        assert code == cli.EXIT_MAX_COST
        assert big < spent <= cap + worst and spent <= cap  # replies within max_output_tokens
        assert f"spent {spent:.4f} USD of --max-cost" in " ".join(out.split())
        assert "cut short (recorded as failed)" in err
        assert any(c["reply"] == runaway for c in calls if "reply" in c)
        cut = [r for r in records if r.status == "failed"]
        assert cut and all(r.usage["cut_by_cost_cap"] for r in cut)
        assert all("cost cap of" in c["error"] for c in refused) and len(refused) == len(cut)
        size = ResultsStore.for_dir(tmp_path / "r").path.stat().st_size
        assert HUGE < size < HUGE + 1_000_000
        # A higher cap resumes: the 5 MB reply now comes from the cache, free.
        code = worldtest(cap + 5)
    out, err = capsys.readouterr()
    stored = ResultsStore.for_dir(tmp_path / "r").load()
    latest, new = {r.key: r for r in stored}, stored[len(records):]
    assert code == 0 and all(r.status == "ok" for r in latest.values()) and len(latest) == 3
    assert {r.key for r in new} == {r.key for r in cut}  # only the cut episodes run again
    assert sum(r.usage["spent_usd"] for r in new) < 1.0  # the 5 MB reply is not paid twice
    assert all(r.usage["cache_hits"] > 0 for r in new)
