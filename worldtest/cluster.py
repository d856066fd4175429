"""Play items as Ray tasks: on this machine (``local``) or on a cluster (``auto``, ``ray://``).

Ray (https://docs.ray.io) is an optional dependency: ``pip install 'worldtest[ray]'``. This
module imports it only when called, and raises a :class:`~worldtest.errors.ConfigError` saying
how to install it when it is missing.

:func:`ray_imap_ordered` is :func:`worldtest.parallel.imap_ordered` with Ray tasks in place of
local worker processes: every item becomes one task (one CPU each), the results come back to
this process in the items' order. When this process joins a cluster (any address but
``local``), the suite folder it reads (only ``environments/`` and ``tasks/``) is shipped to the
nodes with the job (Ray's ``runtime_env`` ``working_dir``); the nodes need worldtest itself
installed, at this version (``pip install 'worldtest[ray]'``): records carry
``worldtest_version``, so a mismatch shows. (Shipping the package too, with ``py_modules``, was
tried: on a node where another worldtest is installed in editable mode, the two copies mix.)
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from worldtest.errors import ConfigError

__all__ = ["ray_imap_ordered", "runtime_env"]

T = TypeVar("T")
R = TypeVar("R")

SUITE_PARTS = ("environments", "tasks")
"""The folders of a suite that its tasks read; the rest of the folder is not shipped."""


def _import_ray() -> Any:
    try:
        import ray
    except ImportError:
        raise ConfigError(
            "--ray needs the optional dependency Ray: pip install 'worldtest[ray]' "
            "(or pip install ray)"
        ) from None
    return ray


def runtime_env(suite_root: Path) -> dict[str, Any]:
    """The Ray ``runtime_env`` that ships a suite to a cluster's nodes.

    The suite folder becomes each task's working directory with only ``environments/`` and
    ``tasks/`` uploaded, so the items must name the suite as ``"."``.

    Args:
        suite_root: the suite folder on this machine.
    """
    excludes = [f"/{p.name}" for p in suite_root.iterdir() if p.name not in SUITE_PARTS]
    return {"working_dir": str(suite_root), "excludes": excludes}


def ray_imap_ordered(
    fn: Callable[[T], R],
    items: Iterable[T],
    address: str,
    *,
    cpus: int | None = None,
    env: dict[str, Any] | None = None,
    on_abandon: Callable[[list[R]], None] | None = None,
) -> Iterator[R]:
    """Yield ``fn(item)`` for every item, in order, each computed as a Ray task.

    Args:
        fn: a module-level function of the ``worldtest`` package (Ray imports it by name).
        items: picklable items.
        address: ``"local"`` starts a Ray instance on this machine (stopped at the end);
            ``"auto"`` or ``"ray://host:port"`` joins a running cluster. When Ray is already
            initialised in this process, that instance is used as it is.
        cpus: CPUs of a ``local`` instance (None: all of the machine's).
        env: the ``runtime_env`` of a joined cluster (see :func:`runtime_env`); not used for
            ``local``, whose workers read this machine's files.
        on_abandon: as in :func:`worldtest.parallel.imap_ordered`: the finished results not
            yet yielded when iteration stops early.

    Raises:
        ConfigError: Ray is not installed, or the cluster cannot be reached.
        Whatever ``fn`` raised for the earliest failing item (Ray's error wrapping it).
    """
    ray = _import_ray()
    todo = list(items)
    started = False
    if not ray.is_initialized():
        options: dict[str, Any] = {"logging_level": logging.WARNING, "include_dashboard": False}
        try:
            if address == "local":
                ray.init(num_cpus=cpus, **options)
            else:
                ray.init(address=address, runtime_env=env, **options)
        except (ConnectionError, RuntimeError, ValueError) as err:
            raise ConfigError(f"--ray {address}: cannot start or join Ray: {err}") from None
        started = True
    remote = ray.remote(num_cpus=1, max_retries=0)(fn)
    refs = [remote.remote(item) for item in todo]
    emitted = 0
    finished = False
    try:
        for ref in refs:
            result = ray.get(ref)
            emitted += 1
            yield result
        finished = True
    finally:
        if not finished:
            rest = refs[emitted:]
            ready, running = ray.wait(rest, num_returns=len(rest), timeout=0) if rest else ([], [])
            for ref in running:
                ray.cancel(ref, force=True)
            kept = []
            finished_refs = set(ready)
            for ref in (r for r in rest if r in finished_refs):
                try:
                    kept.append(ray.get(ref, timeout=0))
                except Exception:  # noqa: BLE001 -- a failed item has nothing to save
                    continue
            if on_abandon is not None and kept:
                on_abandon(kept)
        if started:
            ray.shutdown()
