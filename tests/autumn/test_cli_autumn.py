"""The `worldtest autumn trace` and `worldtest autumn check` command-line contract."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from worldtest.cli import main

LAMP = """(program (= GRID_SIZE 3)
  (object Lamp (: lit Bool) (Cell 0 0 (if lit then "yellow" else "gray")))
  (: lamp Lamp)
  (= lamp (initnext (Lamp false (Position 1 1)) (prev lamp)))
  (on (clicked lamp) (= lamp (updateObj lamp "lit" (! (.. lamp lit)))))
  (on left (= lamp (moveLeft lamp))))
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_trace_prints_one_json_frame_per_line(tmp_path, capsys):
    prog = write(tmp_path, "lamp.sexp", LAMP)
    acts = write(tmp_path, "a.json", json.dumps(["noop", "click 1 1", "left", "click 0 1"]))
    assert main(["autumn", "trace", str(prog), "--seed", "42", "--actions", str(acts)]) == 0
    lines = capsys.readouterr().out.splitlines()
    frames = [json.loads(line) for line in lines]
    assert [f["t"] for f in frames] == [0, 1, 2, 3, 4]
    b, a, y = "black", "gray", "yellow"
    assert frames[0]["grid"] == [[b, b, b], [b, a, b], [b, b, b]]
    assert frames[2]["grid"][1] == [b, y, b]          # grid[y][x]: row 1, column 1
    assert frames[3]["grid"][1] == [y, b, b]
    assert frames[4]["grid"][1] == [a, b, b]


def test_trace_rejects_a_bad_action_naming_it(tmp_path, capsys):
    prog = write(tmp_path, "lamp.sexp", LAMP)
    acts = write(tmp_path, "a.json", json.dumps(["noop", "jump 3"]))
    assert main(["autumn", "trace", str(prog), "--seed", "1", "--actions", str(acts)]) == 1
    err = capsys.readouterr().err
    assert "action 1" in err and "jump 3" in err


def test_trace_runtime_error_keeps_earlier_frames(tmp_path, capsys):
    bad = LAMP.replace("(on left (= lamp (moveLeft lamp)))", "(on left (= lamp (/ 1 0)))")
    prog = write(tmp_path, "bad.sexp", bad)
    acts = write(tmp_path, "a.json", json.dumps(["noop", "left", "noop"]))
    assert main(["autumn", "trace", str(prog), "--seed", "1", "--actions", str(acts)]) == 1
    out = capsys.readouterr()
    assert len(out.out.splitlines()) == 2                 # frames 0 and 1
    assert "bad.sexp:6:" in out.err and "zero-division" in out.err


def test_check_ok_and_error_as_a_process(tmp_path):
    good = write(tmp_path, "good.sexp", LAMP)
    bad = write(tmp_path, "bad.sexp", LAMP.replace("(prev lamp)))", "(prev lamp))"))
    run = [sys.executable, "-m", "worldtest", "autumn", "check"]
    ok = subprocess.run(run + [str(good)], capture_output=True, text=True)
    assert ok.returncode == 0 and len(ok.stdout.strip().splitlines()) == 1
    assert "ok" in ok.stdout
    fail = subprocess.run(run + [str(bad)], capture_output=True, text=True)
    assert fail.returncode == 1
    first = fail.stdout.splitlines()[0]
    assert first.startswith(f"{bad}:1:1: error[parse]:")


def test_check_every_shipped_environment():
    for path in sorted((Path(__file__).resolve().parents[2] / "environments").glob("*.sexp")):
        assert main(["autumn", "check", str(path)]) == 0


def test_check_finds_an_undefined_name_and_a_bad_prev_that_no_tick_reached(tmp_path, capsys):
    # Both sit in rules that never fire at load: only the static check can see them.
    p = write(tmp_path, "names.sexp", "(program\n  (= GRID_SIZE 4)\n  (: n Number)\n"
              "  (= n (initnext 0 (prev n)))\n  (on clicked (= n (+ n missing))))")
    assert main(["autumn", "check", str(p)]) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"{p}:5:25: error[undefined-name]: 'missing'")
    p = write(tmp_path, "prev.sexp", "(program\n  (= GRID_SIZE 4)\n"
              "  (= f (fn (k) (prev k)))\n  (on clicked (= z (f 1))))")
    assert main(["autumn", "check", str(p)]) == 1
    assert capsys.readouterr().out.startswith(f"{p}:3:16: error[prev]: (prev k)")


def test_check_rejects_a_file_that_is_not_utf8(tmp_path, capsys):
    p = tmp_path / "bytes.sexp"
    p.write_bytes(b"(program\n  (= GRID_SIZE 4) \xff)")
    assert main(["autumn", "check", str(p)]) == 1
    assert capsys.readouterr().out.startswith(f"{p}:2:19: error[parse]: byte 0xff")
