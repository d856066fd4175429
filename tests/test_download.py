"""``worldtest download autumnbench`` against a real HTTP server on 127.0.0.1 that serves a
bucket in the Firebase Storage layout (``/v0/b/BUCKET/o/<url-encoded path>?alt=media``).

The bucket holds the three tasks of ``tests/fixtures/reference_example`` (a world of our own in
the reference layout) under the names ``scripts/download_dataset.sh`` fetches: the manifest,
``answers/<id>.json``, ``prompts/<id>.json``, ``programs/<program>.sexp`` and the CD prompt's
``programs/<wrong_program>.sexp``. No colour table: the bucket has none.
"""

from __future__ import annotations

import json
import socket
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from worldtest.cli import main
from worldtest.download import DEFAULT_BASE_URL, download_autumnbench, object_url
from worldtest.errors import ConfigError, DownloadError
from worldtest.authoring.reference import colour_map

EXAMPLE = Path(__file__).resolve().parent / "fixtures" / "reference_example"
BUCKET = "test-bucket.example"
TASKS = ("pebble_mfp", "pebble_planning", "pebble_cd")


def bucket_objects() -> dict[str, bytes]:
    """The bucket: object name -> bytes, in the layout the reference's script reads."""
    objects = {"manifest_public.json": json.dumps(
        {"files": [{"id": t, "program": "pebble"} for t in TASKS]}).encode()}
    for task in TASKS:
        objects[f"prompts/{task}.json"] = (EXAMPLE / "prompts" / f"{task}.json").read_bytes()
        answer = "pebble_condition" if task == "pebble_cd" else task
        objects[f"answers/{task}.json"] = (EXAMPLE / "answers" / f"{answer}.json").read_bytes()
    for program in ("pebble", "pebble_wrong"):
        objects[f"programs/{program}.sexp"] = (EXAMPLE / "programs" /
                                               f"{program}.sexp").read_bytes()
    return objects


class Bucket:
    """A served bucket: its objects, its base URL and the object names requested."""

    def __init__(self, objects: dict[str, bytes], base_url: str) -> None:
        self.objects, self.base_url, self.requests = objects, base_url, []


@pytest.fixture
def bucket() -> Iterator[Bucket]:
    prefix = f"/v0/b/{BUCKET}/o/"
    state = Bucket(bucket_objects(), "")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 -- the http.server name
            url = urlsplit(self.path)
            name = unquote(url.path[len(prefix):]) if url.path.startswith(prefix) else None
            encoded = url.path[len(prefix):]
            state.requests.append(name)
            ok = (name in state.objects and url.query == "alt=media" and "/" not in encoded)
            body = state.objects[name] if ok else b'{"error": {"code": 404}}'
            self.send_response(200 if ok else 404)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.base_url = f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def test_object_url_encodes_the_path_as_the_reference_script() -> None:
    assert object_url(DEFAULT_BASE_URL, "prompts/ice_mfp.json") == (
        "https://firebasestorage.googleapis.com/v0/b/prolific-server-123.firebasestorage.app/o/"
        "prompts%2Fice_mfp.json?alt=media")


def test_download_then_paper_run_scores_one(bucket: Bucket, tmp_path: Path) -> None:
    """The issue's check: download, then ``run --suite DIR --profile paper --agent oracle``."""
    out = tmp_path / "autumnbench"
    assert main(["download", "autumnbench", "--base-url", bucket.base_url, "--out", str(out),
                 "--no-progress"]) == 0
    for name in bucket.objects:  # the raw files, in the reference layout
        assert (out / name).read_bytes() == bucket.objects[name]
    assert (out / "color_dict.yaml").read_text().startswith("0: transparent\n1: black\n")
    assert not list(out.rglob("*.part"))
    assert sorted(p.name for p in (out / "tasks" / "pebble").iterdir()) == \
        ["cd.json", "cd_wrong.sexp", "mfp.json", "planning.json"]
    results = tmp_path / "results"
    assert main(["run", "--suite", str(out), "--profile", "paper", "--agent", "oracle",
                 "--results", str(results), "--no-progress"]) == 0
    records = [json.loads(line) for line in (results / "episodes.jsonl").read_text().splitlines()]
    assert sorted(r["task_id"] for r in records) == ["pebble/cd", "pebble/mfp", "pebble/planning"]
    assert all(r["status"] == "ok" and r["score"] == 1.0 for r in records)
    assert all(r["settings"]["profile"] == "paper" and r["seed"] == 0 for r in records)
    assert all(r["suite"] == "autumnbench" for r in records)


def test_download_resumes(bucket: Bucket, tmp_path: Path) -> None:
    out = tmp_path / "dl"
    first = download_autumnbench(out, base_url=bucket.base_url, show_progress=False)
    assert sorted(first.fetched) == sorted(bucket.objects) and first.skipped == []
    assert first.not_imported == []
    (out / "prompts" / "pebble_planning.json").unlink()
    bucket.requests.clear()
    again = download_autumnbench(out, base_url=bucket.base_url, show_progress=False)
    assert bucket.requests == ["prompts/pebble_planning.json"]
    assert again.fetched == ["prompts/pebble_planning.json"] and again.imported == []


def test_missing_file_names_its_url(bucket: Bucket, tmp_path: Path) -> None:
    del bucket.objects["programs/pebble_wrong.sexp"]
    with pytest.raises(DownloadError) as err:
        download_autumnbench(tmp_path / "dl", base_url=bucket.base_url, show_progress=False)
    assert str(err.value) == (f"{bucket.base_url}programs%2Fpebble_wrong.sexp?alt=media: "
                              "missing file (HTTP 404)")
    assert not (tmp_path / "dl" / "environments").exists()  # nothing imported from half a set


def test_offline_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    base = f"http://127.0.0.1:{port}/v0/b/{BUCKET}/o/"
    assert main(["download", "autumnbench", "--base-url", base, "--out", str(tmp_path / "dl"),
                 "--no-progress"]) == 1
    err = capsys.readouterr().err
    assert f"{base}manifest_public.json?alt=media: cannot connect" in err
    assert "offline" in err


def test_bad_manifest_is_named(bucket: Bucket, tmp_path: Path) -> None:
    bucket.objects["manifest_public.json"] = b'{"tasks": []}'
    with pytest.raises(DownloadError, match="manifest_public.json.alt=media: not a manifest"):
        download_autumnbench(tmp_path / "dl", base_url=bucket.base_url, show_progress=False)


def test_without_pyyaml_download_says_which_extra_before_fetching(
        bucket: Bucket, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "yaml", None)  # what an install without the extra has
    assert main(["download", "autumnbench", "--base-url", bucket.base_url, "--out",
                 str(tmp_path / "dl"), "--no-progress"]) == 1
    assert "pip install 'worldtest[reference]'" in capsys.readouterr().err
    assert bucket.requests == []  # nothing fetched, nothing half-written
    with pytest.raises(ConfigError, match=r"worldtest\[reference\]"):
        colour_map(EXAMPLE / "color_dict.yaml")
