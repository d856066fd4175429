"""The on-disk response cache: a model call is made once per exact request.

The key of a request is the SHA-256 of the canonical JSON (sorted keys, no spaces) of::

    {"cache": CACHE_VERSION, "provider": ..., "url": ..., "model": ...,
     "sampling": <the preset's sampling table>, "messages": [<message digest>, ...],
     "episode": <the episode's salt>}

where a message digest is the SHA-256 of that message's canonical JSON
(:func:`message_digest`). Hashing each message once, when it is made, keeps the cost of a key
independent of the length of the conversation; the key still changes with any byte of any
message, the model, the endpoint or a sampling setting. The API key is never part of it.

The salt is a number the agent draws from its episode's generator (``EpisodeStart.rng``, seeded
by the runner from the run seed, the agent and the task). The three episodes of an environment
begin with identical requests (the interaction phase does not reveal the test), and the
protocol wants them to be independent samples: without the salt they would share one cached
exploration. Re-running the same episode draws the same salt, so it hits.

One file per response, ``<root>/<key[:2]>/<key>.json``, written atomically (a temporary file,
then ``os.replace``), holding the provider's JSON reply body as received. An unreadable entry
is a miss. Re-running a finished run therefore makes no calls and gives the same replies, so
the same actions and the same records; ``--no-cache`` bypasses the cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path
from typing import Any

__all__ = [
    "CACHE_VERSION",
    "DEFAULT_CACHE_DIR",
    "ResponseCache",
    "canonical",
    "message_digest",
    "sha256",
]

CACHE_VERSION = 1
"""Bumped when the request a key stands for changes meaning (e.g. the provider bodies)."""

DEFAULT_CACHE_DIR = Path(".worldtest-cache") / "llm"
"""The cache directory when none is given (relative to the working directory)."""


def canonical(obj: Any) -> bytes:
    """Canonical JSON: sorted keys, no spaces, UTF-8."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sha256(data: bytes) -> str:
    """SHA-256 (hex) of ``data``, fed in pieces below 2 KiB: hashlib lets go of the interpreter
    lock for larger ones, and winning it back from the cache's writer threads costs far more
    than the hashing."""
    h = hashlib.sha256()
    for start in range(0, len(data), 2047):
        h.update(data[start : start + 2047])
    return h.hexdigest()


def message_digest(message: dict[str, Any]) -> str:
    """SHA-256 (hex) of a neutral message's canonical JSON."""
    return sha256(canonical(message))


class ResponseCache:
    """Replies on disk, keyed by :meth:`key`.

    Args:
        root: the cache directory (created on the first :meth:`put`).
    """

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self._known: set[str] | None = None  # keys on disk, listed once (see get)

    def __repr__(self) -> str:
        return f"ResponseCache({str(self.root)!r})"

    @staticmethod
    def key(
        provider: str,
        url: str,
        model: str,
        sampling: dict[str, Any],
        digests: list[str],
        episode: int | None = None,
    ) -> str:
        """The key of one request in one episode (see the module docstring)."""
        request = {
            "cache": CACHE_VERSION,
            "provider": provider,
            "url": url,
            "model": model,
            "sampling": sampling,
            "messages": digests,
            "episode": episode,
        }
        return sha256(canonical(request))

    def path(self, key: str) -> Path:
        """The file of a key."""
        return self.root / key[:2] / f"{key}.json"

    def _keys(self) -> set[str]:
        if self._known is None:
            self._known = {
                f.name[:-5]
                for d in (os.scandir(self.root) if self.root.is_dir() else ())
                if d.is_dir() and len(d.name) == 2
                for f in os.scandir(d.path)
                if f.name.endswith(".json") and not f.name.startswith(".")
            }
        return self._known

    def get(self, key: str) -> Any | None:
        """The stored reply body, or None (a miss, or an unreadable entry).

        The directory is listed once, at the first lookup, so a miss costs no system call;
        entries other processes write later are not seen by this object.
        """
        if key not in self._keys():
            return None
        try:
            entry = json.loads(self.path(key).read_bytes())
        except (OSError, ValueError):
            return None
        if not isinstance(entry, dict) or entry.get("key") != key:
            return None
        return entry.get("response")

    def entry(self, key: str, response: Any, meta: dict[str, Any]) -> bytes:
        """The bytes :meth:`write` stores for a reply."""
        return canonical({"key": key, "meta": meta, "response": response})

    def put(self, key: str, response: Any, meta: dict[str, Any]) -> None:
        """Store a reply body atomically (:meth:`entry`, then :meth:`write`)."""
        self.write(key, self.entry(key, response, meta))

    def write(self, key: str, data: bytes) -> None:
        """Write an entry atomically: only file system calls, so a worker thread can run it
        without holding the interpreter lock for long. A write error is ignored (the cache is an
        optimisation)."""
        path = self.path(key)
        tmp = path.with_name(f".{key}.{os.getpid()}.tmp")  # one writer per process and key
        try:
            try:
                tmp.write_bytes(data)
            except FileNotFoundError:
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp.write_bytes(data)
            os.replace(tmp, path)
        except OSError:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
            return
        if self._known is not None:
            self._known.add(key)
