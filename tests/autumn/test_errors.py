"""Bad programs give clear errors naming file, line and column; runaway programs stop."""

from __future__ import annotations

import pytest

from worldtest.autumn import compile_program, load_program
from worldtest.errors import AutumnError


def fail(src: str, steps: int = 2) -> AutumnError:
    with pytest.raises(AutumnError) as e:
        w = compile_program(src, "bad.sexp").start(42)
        for _ in range(steps):
            w.step(None)
    return e.value


@pytest.mark.parametrize("src,kind,line,col,words", [
    ("(program (= GRID_SIZE 4)\n  (object Dot (Cell 0 0 \"red\"))\n", "parse", 1, 1, "never closed"),
    ("(program (= GRID_SIZE 4)))", "parse", 1, 26, "unbalanced ')'"),
    ("(program\n  (= x (if true then 1)))", "parse", 2, 8, "'if' needs"),
    ("(program\n  (= x (+ 1 2 3)))", "parse", 2, 8, "exactly two operands"),
    ("(program\n  (= then 3))", "parse", 2, 6, "reserved word"),
    ("(program\n  (= x foo-bar))", "parse", 2, 8, "foo-bar"),
    ("(program\n  (= x 1.5))", "parse", 2, 8, "not a number"),
    ("(program\n  (= n ((--> x x) 1)))", "parse", 2, 9, "bind the lambda"),
    ("(program\n  (= n (-5)))", "parse", 2, 8, "(- 5)"),
    ("(program\n  (= s \"a\\qb\"))", "parse", 2, 10, "unknown escape"),
    ("(program\n  (= s \"ab\n\"))", "parse", 2, 11, "newline inside"),
    ("(program\n  (= s \"ab))", "parse", 2, 8, "unterminated string"),
    ("(program\n  (= x (.. a)))", "parse", 2, 8, "'..' needs"),
    ("(program\n  (= x (Cell 1 2)))", "parse", 2, 8, "exactly 3"),
])
def test_parse_errors_name_line_and_column(src, kind, line, col, words):
    e = fail(src)
    assert (e.kind, e.line, e.col, e.filename) == (kind, line, col, "bad.sexp")
    assert words in e.message
    text = str(e)
    assert text.startswith(f"bad.sexp:{line}:{col}: error[{kind}]:")
    assert "^" in text


@pytest.mark.parametrize("src,kind,line,words,context", [
    ("(program\n  (: n Number)\n  (= n (initnext 0 (+ (prev n) \"a\"))))", "type", 3,
     "needs two Numbers", "next-expression of n"),
    ("(program\n  (: n Number)\n  (= n (initnext 0 (/ 1 (prev n)))))", "zero-division", 3,
     "by zero", "next-expression of n"),
    ("(program\n  (= f (--> (a b) a))\n  (: n Number)\n  (= n (initnext 0 (f 1))))", "arity", 4,
     "takes 2 argument", "call of f"),
    ("(program\n  (: n Number)\n  (= n (initnext (prev n) 1)))", "prev", 3, "no tick", "init of n"),
    ("(program\n  (: n Foo)\n  (= n (initnext 0 1)))", "undefined-name", 2, "undefined type", "load"),
    ("(program\n  (: n Number)\n  (= n (initnext 0 (+ (prev n) 1)))\n  (on (prev n) (= n 0)))",
     "type", 4, "must be a Bool", "on-rule #1"),
    ("(program\n  (: n Number)\n  (= n (initnext 0 (head (list)))))", "index", 3,
     "empty list", "next-expression of n"),
    ("(program\n  (: n Number)\n  (= n (initnext 0 true)))", "type", 3, "cannot assign a Bool",
     "next-expression of n"),
    ("(program\n  (object D (: c String) (Cell 0 0 c))\n  (: d D)\n  (= d (initnext (D 3 (Position 0 0)) (prev d))))",
     "type", 4, "field 'c' of D must be a String", "init of d"),
    ("(program\n  (: n Number)\n  (= n (initnext 0 (+ (prev n) 1)))\n  (on (! clicked) (= n 0)))",
     "type", 4, "must be applied to a Bool", "on-rule #1"),
])
def test_runtime_errors_name_rule_and_position(src, kind, line, words, context):
    e = fail(src)
    assert e.kind == kind and e.line == line and e.filename == "bad.sexp"
    assert words in e.message
    assert any(context in c for c in e.context)
    assert f"while evaluating {context}" in str(e) or any(context in c for c in e.context)


def test_unbounded_recursion_stops_with_runaway_error():
    e = fail("(program\n  (= f (--> x (f x)))\n  (: n Number)\n  (= n (initnext 0 (f 1))))")
    assert e.kind == "runaway" and e.line == 4
    assert "next-expression of n" in str(e)


def test_a_tick_over_its_call_budget_stops():
    src = """(program
      (= spin (--> n (if (== n 0) then 0 else (spin (- n 1)))))
      (: n Number)
      (= n (initnext 0 (+ (prev n) (foldl (--> (a b) (+ a (spin 50))) 0 (range 0 100000))))))"""
    w = compile_program(src, "spin.sexp").start(1, max_calls=10_000)
    with pytest.raises(AutumnError) as e:
        w.step(None)
    assert e.value.kind == "runaway" and "units of work in one tick" in e.value.message


def test_huge_list_is_runaway_not_memory_exhaustion():
    e = fail("(program\n  (: n Number)\n  (= n (initnext 0 (length (range 0 2000000000)))))", 1)
    assert e.kind == "runaway"


def test_failed_world_refuses_further_steps():
    w = compile_program("(program\n  (: n Number)\n  (= n (initnext 0 (/ 1 (prev n)))))").start(1)
    with pytest.raises(AutumnError):
        w.step(None)
    with pytest.raises(AutumnError) as e:
        w.step(None)
    assert e.value.kind == "failed"


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(AutumnError) as e:
        load_program(str(tmp_path / "nope.sexp"))
    assert "nope.sexp" in str(e.value) and "cannot read" in str(e.value)


def test_unknown_event_is_rejected():
    w = compile_program("(program (= GRID_SIZE 2))").start(1)
    with pytest.raises(AutumnError) as e:
        w.step("jump")
    assert "unknown event" in str(e.value)


def test_forms_after_the_first_are_warned_about():
    p = compile_program("(program (= GRID_SIZE 2))\n(program (= GRID_SIZE 3))", "two.sexp")
    assert p.warnings and "two.sexp:2:1" in p.warnings[0]
    assert p.start(1).grid_size == 2


def test_a_program_may_redefine_a_library_function():
    src = """(program (= GRID_SIZE 3)
      (object Dot (Cell 0 0 "red"))
      (= moveRight (--> o (move o (Position 2 0))))
      (: d Dot)
      (= d (initnext (Dot (Position 0 0)) (moveRight (prev d)))))"""
    w = compile_program(src).start(1)
    w.step(None)
    assert w.grid()[0] == ["black", "black", "red"]


def test_assigning_another_type_to_a_global_is_a_type_error():
    e = fail("(program\n  (: n Number)\n  (= n (initnext 0 (prev n)))\n  (on true (= n \"x\")))", 1)
    assert e.kind == "type" and "cannot assign a String to 'n'" in e.message and e.line == 4
