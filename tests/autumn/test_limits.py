"""Each class of malformed or hostile program ends in AutumnError, with its position, quickly.

One test per class found by the fuzzing of issue 13, plus the static checks of ``autumn check``.
"""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from worldtest.autumn import compile_program, load_program
from worldtest.autumn import limits
from worldtest.autumn.check import check_names
from worldtest.autumn.tools import check
from worldtest.errors import AutumnError

ROOT = Path(__file__).resolve().parents[2]
HEAD = "(program\n  (= GRID_SIZE 8)\n"


def _fails(src: str, ticks: int = 5, **start) -> AutumnError:
    """Compile, load and tick ``src`` until it fails; the error, checked to come with under
    200 MB of traced allocations."""
    tracemalloc.start()
    try:
        with pytest.raises(AutumnError) as e:
            w = compile_program(src, "hostile.sexp").start(1, **start)
            for _ in range(ticks):
                w.step(None)
                w.grid()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 200_000_000
    return e.value


# -- read time ----------------------------------------------------------------------------------
def test_a_file_that_is_not_utf8_is_a_parse_error_naming_file_line_and_column(tmp_path):
    p = tmp_path / "latin1.sexp"
    p.write_bytes(b'(program\n  (= GRID_SIZE 4)\n  (= s "caf\xe9"))\n')
    with pytest.raises(AutumnError) as e:
        load_program(str(p))
    err = e.value
    assert (err.kind, err.filename, err.line, err.col) == ("parse", str(p), 3, 12)
    assert "0xe9" in err.message and "UTF-8" in err.message


def test_an_integer_literal_of_5000_digits_is_a_parse_error():
    with pytest.raises(AutumnError) as e:
        compile_program(HEAD + "  (= n " + "7" * 5000 + "))", "big.sexp")
    assert (e.value.kind, e.value.line, e.value.col) == ("parse", 3, 8)
    assert "32 bits" in e.value.message


def test_an_integer_literal_just_over_32_bits_is_still_a_parse_error():
    with pytest.raises(AutumnError, match="32 bits"):
        compile_program(HEAD + "  (= n 2147483648))")


@pytest.mark.parametrize("depth", [limits.MAX_DEPTH + 1, 20_000])
def test_nesting_deeper_than_the_limit_is_a_parse_error_at_the_first_paren_too_deep(depth):
    src = HEAD + "  (= n " + "(+ 1 " * depth + "1" + ")" * depth + "))"
    with pytest.raises(AutumnError) as e:
        compile_program(src, "deep.sexp")
    assert e.value.kind == "parse" and "MAX_DEPTH" in e.value.message
    # the statement opens 2 lists, each "(+ 1 " is 5 characters
    assert (e.value.line, e.value.col) == (3, 8 + 5 * (limits.MAX_DEPTH - 2))


def test_nesting_at_the_limit_still_runs():
    depth = limits.MAX_DEPTH - 3
    src = HEAD + "  (= n " + "(+ 1 " * depth + "1" + ")" * depth + "))"
    w = compile_program(src).start(1)
    assert w.evaluate("n") == depth + 1


def test_a_string_literal_over_the_limit_is_a_parse_error():
    src = HEAD + '  (= s "' + "r" * (limits.MAX_STRING_CHARS + 1) + '"))'
    with pytest.raises(AutumnError) as e:
        compile_program(src, "s.sexp")
    assert (e.value.kind, e.value.line, e.value.col) == ("parse", 3, 8)


def test_a_10_mb_program_is_refused_before_reading_it_all(tmp_path):
    p = tmp_path / "huge.sexp"
    p.write_bytes(HEAD.encode() + b'  (= s "' + b"r" * 10_000_000 + b'"))')
    with pytest.raises(AutumnError) as e:
        load_program(str(p))
    assert e.value.kind == "config" and "MAX_SOURCE_BYTES" in e.value.message
    with pytest.raises(AutumnError, match="MAX_SOURCE_BYTES"):
        compile_program(p.read_text())


# -- load and run time --------------------------------------------------------------------------
def test_grid_size_over_the_limit_is_a_config_error_at_its_definition():
    err = _fails("(program\n  (= GRID_SIZE 1000000)\n  (object D (Cell 0 0 \"red\")))", 0)
    assert (err.kind, err.line, err.col) == ("config", 2, 3)
    assert "MAX_GRID_SIZE" in err.message


def test_grid_size_set_out_of_range_at_run_time_is_a_config_error_at_the_assignment():
    err = _fails(HEAD + "  (on true (= GRID_SIZE 100000)))")
    assert (err.kind, err.line, err.col) == ("config", 3, 12)


def test_grid_size_at_the_limit_is_accepted():
    w = compile_program(f"(program (= GRID_SIZE {limits.MAX_GRID_SIZE}))").start(1)
    assert len(w.grid()) == limits.MAX_GRID_SIZE


def test_a_list_doubled_every_tick_stops_at_the_list_limit():
    err = _fails(HEAD + "  (: xs (List Number))\n"
                 "  (= xs (initnext (list 1) (concat (list (prev xs) (prev xs))))))", ticks=40)
    assert (err.kind, err.line, err.col) == ("runaway", 4, 28)
    assert "MAX_LIST" in err.message


def test_a_list_doubled_60_times_at_load_stops_at_load():
    err = _fails(HEAD + "  (= twice (fn (l k) (if (== k 0) then l else "
                 "(twice (concat (list l l)) (- k 1)))))\n"
                 "  (= big (twice (list 1 2) 60)))", ticks=0)
    assert err.kind == "runaway" and err.line == 3 and "load" in err.context


def test_100000_addobj_in_one_tick_is_a_runaway():
    err = _fails(HEAD + "  (object B (Cell 0 0 \"red\"))\n  (: bs (List B))\n"
                 "  (= bs (initnext (list) (foldl (--> (acc i) (addObj acc (B (Position i 0))))"
                 " (prev bs) (range 0 100000)))))")
    assert err.kind == "runaway" and err.line == 5
    assert "MAX_WORK_PER_TICK" in err.message


def test_random_positions_with_a_huge_count_is_a_runaway():
    err = _fails(HEAD + "  (= ps (randomPositions 16 1000000)))", ticks=0)
    assert (err.kind, err.line, err.col) == ("runaway", 3, 9)
    assert "randomPositions" in err.message and "MAX_LIST" in err.message


@pytest.mark.parametrize("expr", ["(range 0 2000000000)", "(allPositions 100000)",
                                  "(rect (Position 0 0) (Position 100000 100000))",
                                  "(uniformChoice (list 1 2) 1000000)"])
def test_huge_lists_from_builtins_are_refused_before_they_are_built(expr):
    err = _fails(HEAD + f"  (= xs {expr}))", ticks=0)
    assert err.kind == "runaway" and err.line == 3


def test_comparing_shared_lists_nested_60_deep_is_a_runaway_not_2_to_the_60_steps():
    err = _fails(HEAD + "  (= nest (fn (l k) (if (== k 0) then l else "
                 "(nest (list l l) (- k 1)))))\n"
                 "  (= eq (== (nest (list 1) 60) (nest (list 1) 60))))", ticks=0)
    assert err.kind == "runaway" and err.line == 4


def test_rendering_shared_lists_nested_60_deep_is_a_runaway():
    err = _fails(HEAD + "  (object D (Cell 0 0 \"red\"))\n"
                 "  (= nest (fn (l k) (if (== k 0) then l else (nest (list l l) (- k 1)))))\n"
                 "  (= deep (nest (list (D (Position 0 0))) 60)))", ticks=0)
    assert err.kind == "runaway" and "render of deep" in err.context


def test_more_cells_than_the_limit_is_a_runaway_at_render(monkeypatch):
    # The real limit needs 200,000 objects; the mechanism is the same at 1,000.
    monkeypatch.setattr("worldtest.autumn.render.MAX_CELLS", 1000)
    src = HEAD + "  (object D (Cell 0 0 \"red\"))\n" \
        "  (= a (map (--> i (D (Position i 0))) (range 0 600)))\n" \
        "  (: b (List D))\n"  \
        "  (= b (initnext (list) (map (--> i (D (Position i 1))) (range 0 600)))))"
    w = compile_program(src, "cells.sexp").start(1)
    with pytest.raises(AutumnError) as e:
        w.step(None)
    assert e.value.kind == "runaway" and "MAX_CELLS" in e.value.message
    assert "render of a" in e.value.context[-1]


@pytest.mark.slow  # recursion to the interpreter's limit: a minute on a loaded machine
def test_endless_recursion_is_a_runaway():
    err = _fails(HEAD + "  (= loop (fn (k) (loop (+ k 1))))\n  (on true (= x (loop 0))))")
    assert err.kind == "runaway"


def test_work_of_natives_counts_toward_the_tick_budget():
    # foldl of a native function calls no user function, but walks the list each time
    err = _fails(HEAD + "  (= xs (range 0 1000))\n"
                 "  (= f (fn (i) (foldl max 0 xs)))\n"
                 "  (on true (= y (map f (range 0 10000)))))")
    assert err.kind == "runaway" and "MAX_WORK_PER_TICK" in err.message


def test_a_busy_but_honest_tick_is_far_under_the_budget():
    w = load_program(str(ROOT / "environments" / "life.sexp")).start(3)
    for ev in [("click", 5, 5), None, None, ("click", 2, 7), None]:
        w.step(ev)
        assert w.calls < limits.MAX_WORK_PER_TICK // 50


# -- static checks of `autumn check` -------------------------------------------------------------
def _check(src: str, tmp_path) -> str:
    p = tmp_path / "prog.sexp"
    p.write_text(src)
    return check(p)


def test_check_reports_an_undefined_name_without_running_it(tmp_path):
    src = HEAD + "  (: n Number)\n  (= n (initnext 0 (prev n)))\n  (on clicked (= n (+ n nope))))"
    with pytest.raises(AutumnError) as e:
        _check(src, tmp_path)
    assert (e.value.kind, e.value.line, e.value.col) == ("undefined-name", 5, 25)
    assert "'nope'" in e.value.message


def test_check_reports_an_unknown_field(tmp_path):
    src = HEAD + "  (object D (: lit Bool) (Cell 0 0 \"red\"))\n" \
        "  (: d D)\n  (= d (initnext (D false (Position 0 0)) (prev d)))\n" \
        "  (on clicked (= d (updateObj d \"lit\" (.. d lti)))))"
    with pytest.raises(AutumnError) as e:
        _check(src, tmp_path)
    assert (e.value.kind, e.value.line) == ("undefined-name", 6) and "'lti'" in e.value.message


def test_check_reports_prev_of_a_name_that_is_never_a_global(tmp_path):
    src = HEAD + "  (= f (fn (k) (+ (prev k) 1)))\n  (: n Number)\n" \
        "  (= n (initnext 0 (f (prev n)))))"
    with pytest.raises(AutumnError) as e:
        _check(src, tmp_path)
    assert (e.value.kind, e.value.line, e.value.col) == ("prev", 3, 19)
    assert "never a global" in e.value.message


def test_check_accepts_names_bound_only_by_a_caller_dynamic_scoping(tmp_path):
    # §8.13: `place` reads x, which a caller binds; `later` is created by an on-rule's `=`
    src = """(program (= GRID_SIZE 4)
  (object Dot (Cell 0 0 "red"))
  (= place (--> d (updateObj d "origin" (Position x (.. (.. d origin) y)))))
  (= placeWith (--> x (place (prev b))))
  (= useLocal (fn (q) (+ q shared)))
  (= caller (fn (shared) (useLocal 1)))
  (: b Dot) (= b (initnext (Dot (Position 0 2)) (placeWith 1)))
  (on clicked (= later (caller 2)))
  (on (defined "later") (= later (+ (prev later) click)))
  (on left (let (= tmp 1) (= x tmp) true)))"""
    assert ": ok:" in _check(src, tmp_path)


def test_check_accepts_every_shipped_program():
    paths = sorted([*ROOT.glob("environments/*.sexp"), *ROOT.glob("tasks/*/cd_wrong.sexp")])
    assert len(paths) >= 43
    for path in paths:
        check_names(load_program(str(path)))


def test_checking_a_list_field_at_every_construction_counts_as_work():
    err = _fails(HEAD + "  (object B (: xs (List Number)) (Cell 0 0 \"red\"))\n"
                 "  (= big (range 0 50000))\n"
                 "  (on true (= bs (map (--> i (B big (Position i 0))) (range 0 100)))))")
    assert err.kind == "runaway" and err.line == 5


def test_rendering_a_huge_object_over_and_over_counts_as_work():
    err = _fails(HEAD + "  (object Big (map (--> i (Cell i 0 \"red\")) (range 0 20000)))\n"
                 "  (= big (Big (Position 0 0)))\n"
                 "  (on true (= hits (map (--> i (isFree big)) (range 0 100)))))")
    assert err.kind == "runaway" and err.line == 5


# -- crashes found by benchmarks/fuzz_programs.py -----------------------------------------------
def test_is_free_pos_during_loading_sees_an_empty_grid():
    w = compile_program(HEAD + "  (object D (Cell 0 0 \"red\"))\n  (= d (D (Position 0 0)))\n"
                        "  (= free (isFreePos (Position 0 0))))").start(1)
    assert w.evaluate("free") is True  # no frame has been rendered yet (§3.6)
    w.step(None)
    assert w.evaluate("(isFreePos (Position 0 0))") is False


def test_a_next_expression_that_deletes_its_own_variable_recreates_it():
    w = compile_program(HEAD + "  (object D (Cell 0 0 \"red\"))\n  (: d D)\n"
                        "  (= d (initnext (D (Position 0 0)) (removeObj (prev d)))))").start(1)
    for _ in range(3):
        w.step(None)
        assert w.grid()[0][0] == "red"


def test_an_object_whose_shape_builds_itself_stops_on_work_not_after_quadratic_time():
    # Each nested construction makes a Cell, whose capture walks the whole (deep) frame chain:
    # that walk is charged, so the budget ends it long before the recursion limit would.
    # (not under tracemalloc, which makes deep recursion a hundred times slower)
    with pytest.raises(AutumnError) as e:
        compile_program(HEAD + "  (object P (: k Number)\n"
                        "    (map (--> q (Cell (if (isWithinBounds (P (+ k 1) (Position 0 0))) "
                        "then 0 "
                        "else 1) 0 \"red\")) (list 1)))\n"
                        "  (= p (P 0 (Position 0 0))))").start(1)
    err = e.value
    assert err.kind == "runaway" and "MAX_WORK_PER_TICK" in err.message


def test_lookups_through_a_deep_recursion_are_charged_not_quadratic():
    # `dy` lives at the bottom of a recursion thousands of frames deep: every level's lookup
    # walks the whole chain. The walk is charged, so the budget ends it (found by fuzzing:
    # 10 s of CPU before the recursion limit, now a fraction of a second).
    with pytest.raises(AutumnError) as e:
        w = compile_program(HEAD + "  (= clamp (--> n (clamp (+ n dy))))\n"
                            "  (= push (--> (dx dy) (clamp dx)))\n"
                            "  (on left (= z (push 1 2))))").start(1)
        w.step("left")
    assert e.value.kind == "runaway" and "MAX_WORK_PER_TICK" in e.value.message
    assert e.value.line == 3
