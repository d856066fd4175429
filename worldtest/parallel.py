"""Worker processes for work split into independent items (episodes, tasks, environments).

:func:`imap_ordered` maps a picklable function over items in a pool of worker processes and
yields the results **in the items' order**, whatever order they finish in, so a caller that
prints or writes them produces the same output as a serial loop. With one worker (or one item)
it is that serial loop, lazily, in this process.

Workers are started with the ``forkserver`` method where the platform has it (else ``spawn``):
never a bare ``fork`` of a parent that may hold threads (a progress bar, an event loop). They
ignore SIGINT: Ctrl-C reaches the parent only, which stops handing out work, ends the workers
(the items in flight are lost) and re-raises ``KeyboardInterrupt``. Every result that finished
before that was already yielded or is handed to ``on_abandon`` (see :func:`imap_ordered`).
Nothing a worker computes may depend on which worker it is or on the order items finish: the
callers pass everything an item needs (seeds included) in the item itself.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, TypeVar

from worldtest.errors import ConfigError

__all__ = ["default_workers", "imap_ordered", "process_pool", "resolve_workers"]

T = TypeVar("T")
R = TypeVar("R")


def default_workers() -> int:
    """The machine's cores (``os.cpu_count()``, 1 when unknown)."""
    return os.cpu_count() or 1


def resolve_workers(workers: int | None) -> int:
    """``workers``, or :func:`default_workers` when None.

    Raises:
        ConfigError: ``workers`` < 1.
    """
    if workers is None:
        return default_workers()
    if workers < 1:
        raise ConfigError(f"workers must be >= 1, got {workers}")
    return workers


def _ignore_sigint(initializer: Callable[..., Any] | None, *args: Any) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if initializer is not None:
        initializer(*args)


def process_pool(
    workers: int,
    initializer: Callable[..., Any] | None = None,
    initargs: tuple[Any, ...] = (),
    preload: tuple[str, ...] = (),
) -> ProcessPoolExecutor:
    """A pool of ``workers`` processes (forkserver, else spawn) that ignore SIGINT.

    Args:
        workers: processes, >= 1.
        initializer, initargs: run once in each worker after it starts.
        preload: modules the fork server imports once before forking the workers, so that
            each worker starts with them imported (forkserver only).
    """
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        if preload:
            context.set_forkserver_preload(["__main__", *preload])
    else:
        context = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_ignore_sigint,
        initargs=(initializer, *initargs),
    )


def _abandon(pool: ProcessPoolExecutor, futures: Iterable[Future[Any]]) -> None:
    """Cancel queued items and end the workers now (the items they are running are lost)."""
    for future in futures:
        future.cancel()
    # The executor has no public way to stop running work; its worker processes are ended
    # directly (``_processes``: pid -> Process, CPython 3.8+), then the pool is shut down.
    for process in list(getattr(pool, "_processes", {}).values()):
        if process.is_alive():
            process.terminate()
    pool.shutdown(wait=True, cancel_futures=True)


def imap_ordered(
    fn: Callable[[T], R],
    items: Iterable[T],
    workers: int,
    *,
    initializer: Callable[..., Any] | None = None,
    initargs: tuple[Any, ...] = (),
    preload: tuple[str, ...] = (),
    on_abandon: Callable[[list[R]], None] | None = None,
) -> Iterator[R]:
    """Yield ``fn(item)`` for every item, in the items' order, using ``workers`` processes.

    Args:
        fn: a module-level (picklable) function; its results must be picklable.
        items: picklable items, each carrying everything ``fn`` needs.
        workers: processes; 1 (or a single item) runs ``fn`` in this process, lazily.
        initializer, initargs: run once in each worker process (not in the serial case).
        preload: modules imported once by the fork server (see :func:`process_pool`).
        on_abandon: when iteration stops early (an exception, Ctrl-C, the caller closing the
            generator), called once with the results that had finished but were not yet
            yielded, in item order, so that a caller can still save them.

    Raises:
        Whatever ``fn`` raised for the earliest failing item (in item order), after
        abandoning the rest; ``KeyboardInterrupt`` as the parent received it.
        concurrent.futures.process.BrokenProcessPool: a worker died (killed, out of memory).
    """
    todo = list(items)
    workers = min(workers, len(todo))
    if workers <= 1:
        for item in todo:
            yield fn(item)
        return
    pool = process_pool(workers, initializer, initargs, preload)
    pending: dict[int, Future[R]] = {}
    emitted = 0
    finished = False
    try:
        # Every item is queued at once (items are small), so no worker idles while an early,
        # long item holds back the results after it.
        for index, item in enumerate(todo):
            pending[index] = pool.submit(fn, item)
        while emitted < len(todo):
            # Waits for the next item in order (later ones keep running meanwhile); an item
            # that failed raises only when its turn comes, after the results before it.
            result = pending.pop(emitted).result()
            emitted += 1
            yield result
        finished = True
    finally:
        if not finished:
            kept = [
                pending[i].result()
                for i in sorted(pending)
                if pending[i].done() and not pending[i].cancelled()
                and pending[i].exception() is None
            ]  # fmt: skip
            _abandon(pool, pending.values())
            if on_abandon is not None and kept:
                on_abandon(kept)
        else:
            pool.shutdown(wait=True)
