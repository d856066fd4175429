"""Fetch the published AutumnBench release and make it a suite (``worldtest download``).

The release is a public Firebase Storage bucket, read the way the reference harness's
``scripts/download_dataset.sh`` (BasisResearch/MARAProtocol) reads it:

1. ``manifest_public.json``: ``{"files": [{"id": TASK_ID, "program": PROGRAM_ID}, ...]}``;
2. per entry: ``answers/<id>.json``, ``prompts/<id>.json``, ``programs/<program>.sexp``, and
   for a prompt of type ``change_detection`` also ``programs/<wrong_program>.sexp`` (the
   prompt names it).

Each object is at ``<base><url-encoded path>?alt=media`` (the path's ``/`` encoded as ``%2F``);
the default base is :data:`DEFAULT_BASE_URL`. Files land under ``DIR`` in the same layout, so
``DIR`` stays a reference folder (``import-reference`` and the reference harness read it). The
colour table is not in the bucket: ours, in the reference layout, is written as
``DIR/color_dict.yaml`` (:func:`worldtest.authoring.reference.colour_table_text`). Finally the
folder is imported into itself (``DIR/environments``, ``DIR/tasks``), so ``worldtest run --suite
DIR`` runs it.

A download is resumable: a file already present is complete (every file is written to a
``.part`` file and renamed into place with :func:`os.replace`), so it is skipped. Network
errors and missing files raise :class:`~worldtest.errors.DownloadError` naming the URL.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable
from urllib.parse import quote

import httpx
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from worldtest.errors import DownloadError

__all__ = ["DEFAULT_BASE_URL", "MANIFEST", "DownloadReport", "Manifest", "download_autumnbench",
           "object_url"]

DEFAULT_BASE_URL = (
    "https://firebasestorage.googleapis.com/v0/b/prolific-server-123.firebasestorage.app/o/"
)
"""The public bucket of the AutumnBench release (the reference's ``download_dataset.sh``)."""

MANIFEST = "manifest_public.json"
"""The manifest's object name in the bucket."""

_TIMEOUT = httpx.Timeout(30.0, connect=10.0)


class ManifestEntry(BaseModel):
    """One task of the manifest: its id (file stem of its prompt and answer) and program."""

    model_config = ConfigDict(extra="allow")

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    program: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


class Manifest(BaseModel):
    """``manifest_public.json``: ``{"files": [{"id": ..., "program": ...}, ...]}``."""

    model_config = ConfigDict(extra="allow")

    files: list[ManifestEntry]


@dataclass
class DownloadReport:
    """What a download did.

    Attributes:
        fetched: paths (relative to DIR) downloaded now; skipped: already present.
        imported: the files the import wrote; not_imported: ``(task, reason)`` pairs.
    """

    fetched: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    imported: list[Path] = field(default_factory=list)
    not_imported: list[tuple[str, str]] = field(default_factory=list)


def object_url(base_url: str, path: str) -> str:
    """The URL of one bucket object: ``<base><path, url-encoded with '/' as %2F>?alt=media``."""
    return f"{base_url}{quote(path, safe='')}?alt=media"


def _fetch(client: httpx.Client, url: str, target: Path) -> None:
    """GET ``url`` into ``target`` atomically (``target.part``, then ``os.replace``)."""
    try:
        response = client.get(url)
    except httpx.TimeoutException:
        raise DownloadError(f"{url}: timed out (is the network up?)") from None
    except httpx.TransportError as err:
        raise DownloadError(f"{url}: cannot connect ({type(err).__name__}: {err}); are you "
                            "offline, or is the base URL wrong?") from None
    if response.status_code == 404:
        raise DownloadError(f"{url}: missing file (HTTP 404)")
    if response.status_code != 200:
        raise DownloadError(f"{url}: HTTP {response.status_code} {response.reason_phrase}")
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(target.name + ".part")
    part.write_bytes(response.content)
    os.replace(part, target)


def _read_json(path: Path, url: str) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise DownloadError(f"{url}: not a JSON file ({err}); delete {path} and retry") from None


def download_autumnbench(
    out: Path | str,
    *,
    base_url: str = DEFAULT_BASE_URL,
    client: httpx.Client | None = None,
    show_progress: bool = True,
    echo: Callable[[str], None] | None = None,
    import_suite: bool = True,
) -> DownloadReport:
    """Download the release into ``out`` and import it there as a suite (module docstring).

    Args:
        out: the folder (created); files already in it are kept and not fetched again.
        base_url: the bucket's object base, ending in ``/o/``.
        client: an ``httpx.Client`` to use (None: a new one, closed at the end).
        show_progress: draw a ``rich`` progress bar on stderr.
        echo: called with one line per imported file (None: silent).
        import_suite: import the folder into itself once downloaded (skipped when
            ``environments/environments.toml`` already exists: a finished earlier run).

    Returns:
        What was fetched, skipped and imported.

    Raises:
        DownloadError: the server cannot be reached, a file is missing (the message names its
            URL), or the manifest or a prompt is not what the reference writes.
        ConfigError, AutumnError: the import found a bad colour table or program; PyYAML
            is missing (the ``reference`` extra; checked before anything is fetched).
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from worldtest.authoring.reference import colour_table_text, import_reference, require_yaml

    require_yaml()
    root = Path(out)
    root.mkdir(parents=True, exist_ok=True)
    if not base_url.endswith("/"):
        base_url += "/"
    report = DownloadReport()
    own = client is None
    http = client or httpx.Client(timeout=_TIMEOUT, follow_redirects=True)
    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                        console=Console(stderr=True), disable=not show_progress)

    seen: set[str] = set()

    def get(path: str) -> Path:
        target = root / path
        if path in seen:  # a program shared by several tasks
            return target
        seen.add(path)
        if target.is_file():
            report.skipped.append(path)
        else:
            _fetch(http, object_url(base_url, path), target)
            report.fetched.append(path)
        return target

    try:
        with progress:
            manifest_url = object_url(base_url, MANIFEST)
            try:
                manifest = Manifest.model_validate(_read_json(get(MANIFEST), manifest_url))
            except ValidationError as err:
                raise DownloadError(f"{manifest_url}: not a manifest "
                                    f"{{'files': [{{'id', 'program'}}, ...]}}: "
                                    f"{err.errors()[0]['msg']}") from None
            bar = progress.add_task("AutumnBench", total=len(manifest.files))
            for entry in manifest.files:
                progress.update(bar, description=entry.id)
                get(f"answers/{entry.id}.json")
                prompt_path = f"prompts/{entry.id}.json"
                prompt = _read_json(get(prompt_path), object_url(base_url, prompt_path))
                get(f"programs/{entry.program}.sexp")
                if isinstance(prompt, dict) and prompt.get("type") == "change_detection":
                    wrong = prompt.get("wrong_program")
                    if isinstance(wrong, str) and wrong:
                        if "/" in wrong or wrong.startswith("."):
                            raise DownloadError(f"{object_url(base_url, prompt_path)}: "
                                                f"wrong_program {wrong!r} is not a program id")
                        get(f"programs/{wrong}.sexp")
                progress.advance(bar)
    finally:
        if own:
            http.close()
    colours = root / "color_dict.yaml"
    if not colours.is_file():
        part = colours.with_name(colours.name + ".part")
        part.write_text(colour_table_text(), encoding="utf-8")
        os.replace(part, colours)
    if import_suite and not (root / "environments" / "environments.toml").exists():
        # Import beside, then move into place: an import that fails leaves no half suite.
        staging = root / ".import.part"
        shutil.rmtree(staging, ignore_errors=True)
        imported = import_reference(root, staging, echo=echo)
        for sub in ("tasks", "environments"):  # environments last: its toml marks "done"
            if (staging / sub).exists():
                shutil.rmtree(root / sub, ignore_errors=True)
                os.replace(staging / sub, root / sub)
        shutil.rmtree(staging, ignore_errors=True)
        report.imported = [root / p.relative_to(staging) for p in imported.written]
        report.not_imported = imported.skipped
    return report
