"""The standard library of autumn-language.md §5.2, in both implementations.

Every library function is checked twice, with the native Python library (``stdlib="native"``,
``worldtest/autumn/stdlib.py``) and with the library written in Autumn (``stdlib="autumn"``,
``worldtest/autumn/stdlib.sexp``). Expected values are worked out by hand from the prose of §5.2.
Then a differential test replays every environment and every §8 program with both libraries and
the same seeded random actions, frame by frame. Last, the name collisions of §5.3, which only the
Autumn library reproduces.

Known, deliberate differences between the two libraries (none is reachable by a well-typed
program, and the differential test shows none on the environments):
- §5.3 collisions: a program binding a library name runs on stdlib.sexp in both modes (tests at the end).
- Ill-typed arguments: where §5.2 says "cells of X" (``isFree``, ``isFreeExcept``,
  ``isFreePosExceptObj``, ``isFreeRangeExceptObj``) the native library renders as §3.5 does, so a
  Number or Position has no cells; Autumn has no type test, so the Autumn library goes through
  ``renderValue`` and raises a type error there. The native library also type-checks some
  arguments that the Autumn code never touches (``(adj 1 (list) 2)`` is an error natively and
  false in Autumn). Error messages (and sometimes kinds) differ.
"""

from __future__ import annotations

import ast
import random
from pathlib import Path

import pytest

from tests.autumn.conftest import board, event
from worldtest.autumn import compile_program
from worldtest.autumn.values import AList, Obj, Position, RElem
from worldtest.errors import AutumnError

ROOT = Path(__file__).resolve().parents[2]
MODES = ("native", "autumn")
both = pytest.mark.parametrize("stdlib", MODES)
INT_MIN, INT_MAX = -2147483648, 2147483647


def start(src: str, stdlib: str, seed: int = 42):
    return compile_program(src, "stdlib_test.sexp", stdlib=stdlib).start(seed)


def py(v):
    """An Autumn value as plain Python: Position -> (x, y), object -> (type, (x, y)), ..."""
    t = type(v)
    if t is AList:
        return [py(x) for x in v]
    if t is Position:
        return (v.x, v.y)
    if t is Obj:
        return (v.otype.name, py(v.f["origin"]))
    if t is RElem:
        return (py(v.position), v.color)
    return v


def frames(src: str, stdlib: str, actions: list, rows=None, seed: int = 42) -> list[list[str]]:
    w = start(src, stdlib, seed)
    out = [board(w, rows)]
    for a in actions:
        w.step(event(a))
        out.append(board(w, rows))
    return out


# --- the scene most unit tests query ----------------------------------------------------------
# R.....     corner (0,0)
# .RA...     dot (1,1), wall (2,1)
# ......
# ..BG..     duo (2,3) blue + (3,3) green: two colours
# .RR...     pair (1,4) red + (2,4) red: one colour
# ......
SCENE = """(program (= GRID_SIZE 6)
  (object Dot (Cell 0 0 "red"))
  (object Duo (list (Cell 0 0 "blue") (Cell 1 0 "green")))
  (object Pair (list (Cell 0 0 "red") (Cell 1 0 "red")))
  (object Wall (Cell 0 0 "gray"))
  (: dot Dot) (= dot (initnext (Dot (Position 1 1)) (prev dot)))
  (: duo Duo) (= duo (initnext (Duo (Position 2 3)) (prev duo)))
  (: pair Pair) (= pair (initnext (Pair (Position 1 4)) (prev pair)))
  (: wall Wall) (= wall (initnext (Wall (Position 2 1)) (prev wall)))
  (: corner Dot) (= corner (initnext (Dot (Position 0 0)) (prev corner))))"""

_scenes: dict[str, object] = {}


def scene(stdlib: str):
    """The SCENE world, loaded once per library (queries do not change it)."""
    if stdlib not in _scenes:
        _scenes[stdlib] = start(SCENE, stdlib)
    return _scenes[stdlib]


def check(stdlib: str, cases: list[tuple[str, object]]) -> None:
    w = scene(stdlib)
    got = [(expr, py(w.evaluate(expr))) for expr, _ in cases]
    assert got == [(expr, want) for expr, want in cases]


def test_scene_layout():
    assert board(start(SCENE, "native")) == [
        "R.....", ".RA...", "......", "..BG..", ".RR...", "......"]


# --- movement ----------------------------------------------------------------------------------
@both
def test_move_and_one_step_moves(stdlib):
    check(stdlib, [
        ("(move dot (Position 2 -1))", ("Dot", (3, 0))),
        ("(move dot (Position -5 9))", ("Dot", (-4, 10))),        # no bounds check
        ("(moveLeft dot)", ("Dot", (0, 1))),
        ("(moveRight dot)", ("Dot", (2, 1))),                     # no collision check
        ("(moveUp dot)", ("Dot", (1, 0))),                        # up is toward row 0
        ("(moveDown dot)", ("Dot", (1, 2))),
        ("(moveLeft corner)", ("Dot", (-1, 0))),
        # A copy: equal (shared elems, same origin) but with a fresh identity (§2.7).
        ("(== (move dot (Position 0 0)) dot)", True),
        ("(length (removeObj (list dot) (move dot (Position 0 0))))", 1),
        ("(length (removeObj (list dot) dot))", 0),
        ("(.. (move (Dot (Position 2147483647 0)) (Position 1 0)) origin)", (INT_MIN, 0)),
    ])


@both
def test_position_moves(stdlib):
    check(stdlib, [
        ("(movePos (Position 1 2) (Position -3 4))", (-2, 6)),
        ("(moveLeftPos (Position 0 0))", (-1, 0)),
        ("(moveRightPos (Position 5 5))", (6, 5)),
        ("(moveUpPos (Position 3 0))", (3, -1)),
        ("(moveDownPos (Position 3 5))", (3, 6)),
        ("(moveRightPos (Position 2147483647 0))", (INT_MIN, 0)),   # 32-bit wrap (§2.6)
    ])


@both
def test_move_no_collision_has_no_bounds_check(stdlib):
    check(stdlib, [
        ("(moveNoCollision dot 0 1)", ("Dot", (1, 2))),
        ("(moveNoCollision dot 1 0)", ("Dot", (1, 1))),            # the wall is there
        ("(length (removeObj (list dot) (moveNoCollision dot 1 0)))", 0),   # dot itself
        ("(moveNoCollision dot 1 3)", ("Dot", (1, 1))),            # pair at (2,4)
        ("(moveNoCollision corner -1 0)", ("Dot", (-1, 0))),       # off the grid: allowed
        ("(moveNoCollision corner 0 -3)", ("Dot", (0, -3))),
        ("(moveNoCollision dot 0 0)", ("Dot", (1, 1))),            # its own cell is excepted
        ("(length (removeObj (list dot) (moveNoCollision dot 0 0)))", 1),   # ... a copy
    ])


@both
def test_move_can_collision_ignores_both_objects(stdlib):
    check(stdlib, [
        ("(moveCanCollision dot 0 3 pair)", ("Dot", (1, 4))),     # red onto pair's red cell
        ("(moveCanCollision dot -1 -1 corner)", ("Dot", (0, 0))),
        # Ignored means isFreeExcept's rule, position AND colour: red onto the gray wall is
        # still tested, and blocked.
        ("(moveCanCollision dot 1 0 wall)", ("Dot", (1, 1))),
        ("(moveCanCollision dot 1 0 corner)", ("Dot", (1, 1))),
        ("(moveCanCollision dot 0 3 duo)", ("Dot", (1, 1))),
        ("(moveCanCollision (moveDown dot) 0 2 pair)", ("Dot", (1, 4))),
    ])


@both
def test_no_collision_moves_check_bounds_and_space(stdlib):
    check(stdlib, [
        ("(moveLeftNoCollision dot)", ("Dot", (0, 1))),
        ("(moveRightNoCollision dot)", ("Dot", (1, 1))),           # wall
        ("(moveUpNoCollision dot)", ("Dot", (1, 0))),
        ("(moveDownNoCollision dot)", ("Dot", (1, 2))),
        ("(moveLeftNoCollision corner)", ("Dot", (0, 0))),         # bounds
        ("(moveUpNoCollision corner)", ("Dot", (0, 0))),
        ("(length (removeObj (list corner) (moveUpNoCollision corner)))", 0),
        ("(moveDownNoCollision (move dot (Position 0 4)))", ("Dot", (1, 5))),
        ("(moveDownNoCollision pair)", ("Pair", (1, 5))),
        ("(moveRightNoCollision pair)", ("Pair", (2, 4))),
        ("(moveLeftNoCollision pair)", ("Pair", (0, 4))),
        # isFreeExcept's colour rule: a cell landing on a cell of ANOTHER colour of the same
        # object is still tested, and that cell was occupied in the last frame (§5.2).
        ("(moveRightNoCollision duo)", ("Duo", (2, 3))),
        ("(moveLeftNoCollision duo)", ("Duo", (2, 3))),
        ("(moveUpNoCollision duo)", ("Duo", (2, 2))),
        ("(moveDownNoCollision duo)", ("Duo", (2, 3))),           # pair's cell (2,4)
    ])


@both
def test_next_solid_is_move_down_no_collision(stdlib):
    check(stdlib, [
        ("(== nextSolid moveDownNoCollision)", True),
        ("(nextSolid dot)", ("Dot", (1, 2))),
        ("(nextSolid (move dot (Position 0 4)))", ("Dot", (1, 5))),
        ("(nextSolid (move dot (Position 1 1)))", ("Dot", (2, 2))),  # (2,3) holds duo
    ])


@both
def test_rotate_no_collision_within_bounds(stdlib):
    # §8.20: three in-place quarter turns in total, back to horizontal pointing right.
    src = """(program (= GRID_SIZE 7)
      (object L (list (Cell 0 0 "red") (Cell 1 0 "blue") (Cell 2 0 "green")))
      (: a L)
      (= a (initnext (L (Position 3 3)) (prev a)))
      (on left (= a (rotate a)))
      (on right (= a (rotateNoCollision a))))"""
    got = frames(src, stdlib, ["left", "right"])
    assert [[r[3:6] for r in f[3:6]] for f in got] == [
        ["RBG", "...", "..."], ["R..", "B..", "G.."], ["RBG", "...", "..."]]


@both
def test_rotate_no_collision_out_of_bounds(stdlib):
    # The turned bar would leave the grid: the result is the object itself, turned one quarter
    # clockwise in place (§5.2), so it hangs off the bottom edge.
    src = """(program (= GRID_SIZE 7)
      (object L (list (Cell 0 0 "red") (Cell 1 0 "blue") (Cell 2 0 "green")))
      (: a L)
      (= a (initnext (L (Position 3 5)) (prev a)))
      (on right (= a (rotateNoCollision a))))"""
    got = frames(src, stdlib, ["right"], rows=[5, 6])
    assert [[r[3:6] for r in f] for f in got] == [["RBG", "..."], ["R..", "B.."]]


# --- arithmetic --------------------------------------------------------------------------------
@both
def test_arithmetic(stdlib):
    check(stdlib, [
        ("(abs -3)", 3), ("(abs 4)", 4), ("(abs 0)", 0),
        ("(abs (- -2147483647 1))", INT_MIN),                   # wraps, like (- x) (§2.6)
        ("(sign -7)", -1), ("(sign 0)", 0), ("(sign 9)", 1),
        ("(max 2 5)", 5), ("(max 5 2)", 5), ("(max -1 -1)", -1),
        ("(min 2 5)", 2), ("(min 5 2)", 2), ("(min 3 3)", 3),
        ("(sum (list))", 0), ("(sum (list 1 2 -5))", -2), ("(sum (list 2147483647 1))", INT_MIN),
        ("(sqdist (Position 1 2) (Position 4 -2))", 25),
        ("(sqdist (Position 4 -2) (Position 1 2))", 25),
        ("(sqdist (Position 3 3) (Position 3 3))", 0),
        ("(sqdist (Position 0 0) (Position 65536 0))", 0),      # 2**32 wraps to 0
    ])


# --- positions and vectors ---------------------------------------------------------------------
@both
def test_deltas(stdlib):
    check(stdlib, [
        ("(deltaPos (Position 1 2) (Position 4 0))", (3, -2)),
        ("(displacement (Position 1 2) (Position 4 0))", (3, -2)),
        ("(== displacement deltaPos)", True),
        ("(deltaElem (head (renderValue dot)) (tail (renderValue duo)))", (2, 2)),
        ("(deltaObj dot duo)", (1, 2)),
        ("(deltaObj duo dot)", (-1, -2)),
    ])


@both
def test_rect_is_row_major(stdlib):
    check(stdlib, [
        ("(rect (Position 1 1) (Position 3 3))", [(1, 1), (2, 1), (1, 2), (2, 2)]),
        ("(rect (Position 0 0) (Position 3 1))", [(0, 0), (1, 0), (2, 0)]),
        ("(rect (Position 0 0) (Position 1 3))", [(0, 0), (0, 1), (0, 2)]),
        ("(rect (Position -1 4) (Position 1 6))", [(-1, 4), (0, 4), (-1, 5), (0, 5)]),
        ("(rect (Position 2 0) (Position 2 5))", []),
        ("(rect (Position 0 3) (Position 4 3))", []),
        ("(rect (Position 3 3) (Position 1 1))", []),
    ])


@both
def test_vcat_is_concat(stdlib):
    check(stdlib, [
        ("(vcat (list (list 1 2) (list) (list 3)))", [1, 2, 3]),
        ("(vcat (list))", []),
        ("(== vcat concat)", True),
    ])


# --- adjacency ---------------------------------------------------------------------------------
@both
def test_adjacency_of_positions_and_elems(stdlib):
    check(stdlib, [
        ("(adjacentElem (head (renderValue duo)) (tail (renderValue duo)))", True),
        ("(adjacentElem (head (renderValue dot)) (head (renderValue wall)))", True),
        ("(adjacentElem (head (renderValue dot)) (head (renderValue corner)))", False),  # diag
        ("(adjacentElem (head (renderValue dot)) (head (renderValue dot)))", False),     # 0
        ("(adjacentElem (head (renderValue dot)) (head (renderValue duo)))", False),
        ("(adjacentPoss (Position 1 1) (Position 1 1) 0)", True),
        ("(adjacentPoss (Position 1 1) (Position 2 2) 1)", False),
        ("(adjacentPoss (Position 1 1) (Position 2 2) 2)", True),
        ("(adjacentPoss (Position 0 0) (Position 3 -1) 3)", False),
        ("(adjacentPoss (Position 0 0) (Position 3 -1) 4)", True),
        ("(adjacentPossDiag (Position 1 1) (Position 2 2))", True),
        ("(adjacentPossDiag (Position 1 1) (Position 1 1))", True),
        ("(adjacentPossDiag (Position 1 1) (Position 0 2))", True),
        ("(adjacentPossDiag (Position 1 1) (Position 3 1))", False),
        ("(adjacentPossDiag (Position 1 1) (Position 1 -1))", False),
    ])


@both
def test_adjacency_of_objects(stdlib):
    check(stdlib, [
        ("(adjacentTwoObjs dot wall 1)", True),
        ("(adjacentTwoObjs dot duo 2)", False),
        ("(adjacentTwoObjs dot duo 3)", True),
        ("(adjacentTwoObjs dot dot 0)", True),
        ("(adjacentTwoObjsDiag dot corner)", True),
        ("(adjacentTwoObjsDiag dot duo)", False),
        ("(adj dot (list duo pair) 3)", True),
        ("(adj dot (list duo pair) 2)", False),
        ("(adj dot (list) 5)", False),
    ])


@both
def test_adjacent_objs_filters_all_objects_in_definition_order(stdlib):
    check(stdlib, [
        # x itself is included (distance 0); the order is that of allObjs.
        ("(adjacentObjs dot 1)", [("Dot", (1, 1)), ("Wall", (2, 1))]),
        ("(adjacentObjs dot 2)", [("Dot", (1, 1)), ("Wall", (2, 1)), ("Dot", (0, 0))]),
        ("(adjacentObjs dot 0)", [("Dot", (1, 1))]),
        ("(length (removeObj (adjacentObjs dot 0) dot))", 0),     # the object itself
        ("(adjacentObjs (list corner pair) 1)", [("Pair", (1, 4)), ("Dot", (0, 0))]),
        ("(adjacentObjs (list) 9)", []),
        ("(adjacentObjsDiag dot)", [("Dot", (1, 1)), ("Wall", (2, 1)), ("Dot", (0, 0))]),
        ("(adjacentObjsDiag (list duo))", [("Duo", (2, 3)), ("Pair", (1, 4))]),
    ])


# --- clicks and directions ---------------------------------------------------------------------
@both
def test_obj_clicked_keeps_the_clicked_objects_themselves(stdlib):
    src = """(program (= GRID_SIZE 4)
      (object Dot (Cell 0 0 "red"))
      (object Duo (list (Cell 0 0 "blue") (Cell 1 0 "green")))
      (: dots (List Dot))
      (= dots (initnext (list (Dot (Position 0 0)) (Dot (Position 1 0)) (Dot (Position 1 0)))
                        (prev dots)))
      (: duo Duo) (= duo (initnext (Duo (Position 1 2)) (prev duo)))
      (: sel (List Dot)) (= sel (initnext (list) (prev sel)))
      (: duos (List Duo)) (= duos (initnext (list) (prev duos)))
      (on clicked (let (= sel (objClicked dots)) (= duos (objClicked (list duo))) true)))"""
    w = start(src, stdlib)
    w.step(("click", 1, 0))
    assert py(w.evaluate("sel")) == [("Dot", (1, 0)), ("Dot", (1, 0))]
    assert w.evaluate("(length (removeObj dots sel))") == 1
    assert py(w.evaluate("duos")) == []
    w.step(("click", 2, 2))
    assert py(w.evaluate("sel")) == []
    assert py(w.evaluate("duos")) == [("Duo", (1, 2))]
    assert w.evaluate("(length (removeObj duos duo))") == 0


@both
def test_unit_vectors(stdlib):
    check(stdlib, [
        ("(unitVector dot duo)", (1, 0)),             # (1, 2): diagonal, horizontal wins
        ("(unitVector dot corner)", (-1, 0)),         # (-1, -1)
        ("(unitVector dot wall)", (1, 0)),
        ("(unitVector dot pair)", (0, 1)),
        ("(unitVector duo dot)", (-1, 0)),
        ("(unitVector dot dot)", (0, 0)),
        ("(unitVectorObjPos dot (Position 1 -5))", (0, -1)),
        ("(unitVectorObjPos dot (Position 9 9))", (1, 0)),
        ("(unitVectorObjPos dot (Position -9 9))", (-1, 0)),
        ("(unitVectorObjPos dot (Position 1 1))", (0, 0)),
        ("(unitVectorSinglePos (Position -3 5))", (-1, 1)),   # no diagonal rule
        ("(unitVectorSinglePos (Position 0 -2))", (0, -1)),
        ("(unitVectorSinglePos (Position 0 0))", (0, 0)),
    ])


# --- nearest -----------------------------------------------------------------------------------
@both
def test_closest_minimum_with_ties_to_the_last(stdlib):
    check(stdlib, [
        ("(closest dot (list duo pair wall corner))", ("Wall", (2, 1))),
        ("(closest dot (list wall corner))", ("Wall", (2, 1))),
        ("(closest dot (list corner wall))", ("Wall", (2, 1))),
        ("(closest dot (list (Dot (Position 0 1)) (Dot (Position 2 1))))", ("Dot", (2, 1))),
        ("(closest dot (list (Dot (Position 2 1)) (Dot (Position 0 1))))", ("Dot", (0, 1))),
        ("(closest dot (list (Dot (Position 0 1)) (Dot (Position 2 1)) (Dot (Position 5 5))))",
         ("Dot", (2, 1))),
        ("(closest dot (list duo))", ("Duo", (2, 3))),
        ("(length (removeObj (list wall) (closest dot (list duo wall))))", 0),   # the element
        ("(closest dot (list))", ("Dot", (1, 1))),
        ("(length (removeObj (list dot) (closest dot (list))))", 0),             # o itself
    ])


@both
def test_closest_pos(stdlib):
    check(stdlib, [
        ("(closestPos dot (list (Position 0 1) (Position 2 1) (Position 5 5)))", (2, 1)),
        ("(closestPos dot (list (Position 2 1) (Position 0 1)))", (0, 1)),
        ("(closestPos dot (list (Position 5 5) (Position 1 3) (Position 3 1)))", (3, 1)),
        ("(closestPos dot (list (Position 4 4)))", (4, 4)),
        ("(closestPos dot (list))", (1, 1)),
        ("(length (removeObj (list (.. dot origin)) (closestPos dot (list))))", 0),
    ])


# --- rendering and overlap ---------------------------------------------------------------------
@both
def test_render_value(stdlib):
    check(stdlib, [
        ("(renderValue duo)", [((2, 3), "blue"), ((3, 3), "green")]),
        ("(renderValue (list dot (list wall (list)) pair))",
         [((1, 1), "red"), ((2, 1), "gray"), ((1, 4), "red"), ((2, 4), "red")]),
        ("(renderValue (list))", []),
        ("(renderValue (move dot (Position 9 0)))", [((10, 1), "red")]),
    ])
    with pytest.raises(AutumnError) as e:
        scene(stdlib).evaluate("(renderValue 5)")
    assert e.value.kind == "type"
    with pytest.raises(AutumnError):
        scene(stdlib).evaluate("(renderValue (list dot (Position 1 1)))")


@both
def test_intersections(stdlib):
    check(stdlib, [
        ("(intersectsElems (renderValue duo) (list))", False),
        ("(intersectsElems (list) (renderValue duo))", False),
        ("(intersectsElems (renderValue dot) (renderValue (moveLeft wall)))", True),  # colours
        ("(intersectsElems (renderValue dot) (renderValue wall))", False),
        ("(intersectsPosElems (Position 3 3) (renderValue duo))", True),
        ("(intersectsPosElems (Position 4 3) (renderValue duo))", False),
        ("(intersectsPosElems (Position 4 3) (list))", False),
        ("(intersectsPosPoss (Position 1 2) (list (Position 0 0) (Position 1 2)))", True),
        ("(intersectsPosPoss (Position 2 1) (list (Position 1 2)))", False),
        ("(intersectsPosPoss true (list 1))", True),       # (== 1 true): element on the left
        ("(intersectsPosPoss 1 (list true))", False),      # (== true 1) is false
        ("(intersects dot (moveLeft wall))", True),
        ("(intersects dot wall)", False),
        ("(intersects (list dot duo) (list pair (move dot (Position 2 2))))", True),
        ("(intersects (list dot duo) (list pair wall))", False),
        ("(intersects dot (list))", False),
        ("(intersects (list) (list))", False),
    ])


@both
def test_in_puts_the_list_element_on_the_left(stdlib):
    check(stdlib, [
        ("(in 2 (list 1 2 3))", True),
        ("(in 4 (list 1 2 3))", False),
        ("(in 1 (list))", False),
        ("(in true (list 1))", True),
        ("(in 1 (list true))", False),
        ("(in (Position 1 2) (list (Position 0 0) (Position 1 2)))", True),
        ('(in "red" (list "blue"))', False),
        ("(in (moveLeft dot) (list (moveLeft dot)))", True),   # objects compare by fields
    ])


# --- free space --------------------------------------------------------------------------------
@both
def test_is_free(stdlib):
    check(stdlib, [
        ("(isFree dot)", False),                      # its own cell is occupied
        ("(isFree (moveDown dot))", True),
        ("(isFree (moveRight dot))", False),          # wall
        ("(isFree (move duo (Position -1 0)))", False),
        ("(isFree (move duo (Position 0 -1)))", True),
        ("(isFree (move dot (Position 20 20)))", True),
    ])


@both
def test_is_free_except_colour_rule(stdlib):
    check(stdlib, [
        ("(isFreeExcept (moveRight pair) pair)", True),
        ("(isFreeExcept (moveRight duo) duo)", False),      # blue onto duo's green cell
        ("(isFreeExcept (moveUp duo) duo)", True),
        ("(isFreeExcept (moveDown duo) duo)", False),       # pair at (2,4)
        ("(isFreeExcept (moveRight dot) wall)", False),     # red onto the gray wall cell
        ("(isFreeExcept (moveRight dot) (list pair dot))", False),
        ("(isFreeExcept (move dot (Position 0 3)) pair)", True),   # red onto a red cell
        ("(isFreeExcept (move dot (Position 0 3)) (list wall pair))", True),
        ("(isFreeExcept (move dot (Position 0 3)) (list))", False),
        ("(isFreeExcept dot dot)", True),
    ])


@both
def test_is_free_pos_except_obj(stdlib):
    check(stdlib, [
        ("(isFreePosExceptObj (Position 2 1) wall)", True),
        ("(isFreePosExceptObj (Position 2 1) dot)", False),
        ("(isFreePosExceptObj (Position 5 5) dot)", True),
        ("(isFreePosExceptObj (Position 2 4) pair)", True),
        ("(isFreePosExceptObj (Position 2 4) (list dot pair))", True),
    ])


@both
def test_is_free_range_except_obj_reads_row_0_only(stdlib):
    check(stdlib, [
        ("(isFreeRangeExceptObj 0 3 corner)", True),     # (0,0) is corner's own
        ("(isFreeRangeExceptObj 0 3 dot)", False),       # corner at (0,0)
        ("(isFreeRangeExceptObj 1 6 dot)", True),
        ("(isFreeRangeExceptObj 2 3 dot)", True),        # the wall at (2,1) is not row 0
        ("(isFreeRangeExceptObj 3 1 dot)", True),        # empty range
        ("(isFreeRangeExceptObj -2 1 corner)", True),
    ])


@both
def test_free_space_is_the_previous_frame(stdlib):
    # Two stacked blocks fall with moveDownNoCollision (the lower one is declared first): the
    # upper one still sees the lower one's old cell, so a gap opens (§3.6).
    src = """(program (= GRID_SIZE 4)
      (object Blk (Cell 0 0 "blue"))
      (: low Blk) (= low (initnext (Blk (Position 0 1)) (moveDownNoCollision (prev low))))
      (: up Blk) (= up (initnext (Blk (Position 0 0)) (moveDownNoCollision (prev up)))))"""
    assert [[r[0] for r in f] for f in frames(src, stdlib, [None] * 4)] == [
        ["B", "B", ".", "."], ["B", ".", "B", "."], [".", "B", ".", "B"],
        [".", ".", "B", "B"], [".", ".", "B", "B"]]


@both
def test_natives_the_library_leans_on(stdlib):
    check(stdlib, [
        ("(isWithinBounds (Position 99 99))", True),
        ("(isWithinBounds (move dot (Position 4 0)))", True),
        ("(isWithinBounds (move dot (Position 5 0)))", False),
        ("(isWithinBounds (list dot (moveUp corner)))", False),
        ("(adjPositions (Position 0 0))", [(1, 0), (0, 1)]),
        ("(adjPositions (Position 2 2))", [(1, 2), (3, 2), (2, 1), (2, 3)]),
        ("(adjPositions (Position 5 3))", [(4, 3), (5, 2), (5, 4)]),
    ])


# --- liquid physics ----------------------------------------------------------------------------
# ....B     w3 (4,0)
# .....
# .BB..     slab (1,2)-(2,2)
# A.B..     rock (0,3), w1 (2,3)
# BAAA.     w2 (0,4), rocks (1..3,4)
LIQUID = """(program (= GRID_SIZE 5)
  (object Water (Cell 0 0 "blue"))
  (object Rock (Cell 0 0 "gray"))
  (object Slab (list (Cell 0 0 "blue") (Cell 1 0 "blue")))
  (: rocks (List Rock))
  (= rocks (initnext (list (Rock (Position 1 4)) (Rock (Position 2 4)) (Rock (Position 3 4))
                           (Rock (Position 0 3))) (prev rocks)))
  (: w1 Water) (= w1 (initnext (Water (Position 2 3)) (prev w1)))
  (: w2 Water) (= w2 (initnext (Water (Position 0 4)) (prev w2)))
  (: w3 Water) (= w3 (initnext (Water (Position 4 0)) (prev w3)))
  (: slab Slab) (= slab (initnext (Slab (Position 1 2)) (prev slab))))"""


@both
def test_next_liquid(stdlib):
    w = start(LIQUID, stdlib)
    assert board(w) == ["....B", ".....", ".BB..", "A.B..", "BAAA."]
    cases = [
        ("(nextLiquid w3)", ("Water", (4, 1))),                  # falls
        ("(nextLiquid w1)", ("Water", (3, 3))),                  # only hole (4,4): step right
        ("(nextLiquid w2)", ("Water", (0, 4))),                  # bottom row: no candidates
        ("(length (removeObj (list w2) (nextLiquid w2)))", 0),   # ... w2 itself
        # The slab cannot fall (w1 below its right cell); its closest hole is (3,3), but the
        # step's new origin (2,2) is its own cell, occupied in the last frame: it stays.
        ("(nextLiquid slab)", ("Slab", (1, 2))),
        ("(length (removeObj (list slab) (nextLiquid slab)))", 0),
        # Equally distant holes: the later one wins.
        ("(nextLiquidClosestHole w1 (list (Position 0 4) (Position 4 4)))", ("Water", (3, 3))),
        # (0,4) wins here, but (0,3), beside w1 toward the hole, holds a rock: w1 stays.
        ("(nextLiquidClosestHole w1 (list (Position 4 4) (Position 0 4)))", ("Water", (2, 3))),
        ("(nextLiquidClosestHole w1 (list))", ("Water", (2, 3))),
        ("(length (removeObj (list w1) (nextLiquidClosestHole w1 (list))))", 0),
        ("(nextLiquidMoveClosestHole w1 (Position 4 0))", ("Water", (3, 3))),
        ("(nextLiquidMoveClosestHole w1 (Position 2 0))", ("Water", (2, 3))),   # dx = 0
        ("(nextLiquidMoveClosestHole w3 (Position 5 1))", ("Water", (4, 0))),   # off the grid
        ("(nextLiquidMoveClosestHole w3 (Position 0 1))", ("Water", (3, 0))),
    ]
    assert [(e, py(w.evaluate(e))) for e, _ in cases] == cases


@both
def test_next_liquid_prefers_larger_x_and_moves_one_cell_per_tick(stdlib):
    # §8.17, verified against the reference.
    src = """(program (= GRID_SIZE 5)
      (object Water (Cell 0 0 "blue"))
      (object Rock (Cell 0 0 "gray"))
      (: rocks (List Rock))
      (= rocks (initnext (list (Rock (Position 1 4)) (Rock (Position 2 4)) (Rock (Position 3 4)))
                         (prev rocks)))
      (: water (List Water))
      (= water (initnext (list (Water (Position 2 3))) (updateObj (prev water) nextLiquid))))"""
    assert frames(src, stdlib, [None] * 4, rows=[3, 4]) == [
        ["..B..", ".AAA."], ["...B.", ".AAA."], ["....B", ".AAA."], [".....", ".AAAB"],
        [".....", ".AAAB"]]


@both
def test_closest_and_unit_vector_frames(stdlib):
    # §8.18, verified against the reference.
    src = """(program (= GRID_SIZE 5)
      (object Ant (Cell 0 0 "red"))
      (object Food (Cell 0 0 "green"))
      (: foods (List Food))
      (= foods (initnext (list (Food (Position 0 2)) (Food (Position 4 2)) (Food (Position 4 4)))
                         (prev foods)))
      (: ant Ant)
      (= ant (initnext (Ant (Position 2 2))
                       (move (prev ant) (unitVector (prev ant) (closest (prev ant) foods))))))"""
    assert frames(src, stdlib, [None] * 3, rows=[2]) == [
        ["G.R.G"], ["G..RG"], ["G...R"], ["G...R"]]


# --- differential: native vs Autumn library on whole programs --------------------------------
def _conformance_programs() -> list[tuple[str, str]]:
    """Every ``(program ...)`` literal of test_conformance.py, named by its test function."""
    path = Path(__file__).with_name("test_conformance.py")
    out = []
    for fn in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(fn, ast.FunctionDef):
            for node in ast.walk(fn):
                if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                        and node.value.lstrip().startswith("(program"):
                    out.append((fn.name, node.value))
    return out


def _programs() -> list:
    envs = [pytest.param(p.read_text(encoding="utf-8"), id=f"env-{p.stem}")
            for p in sorted((ROOT / "environments").glob("*.sexp"))]
    conf = [pytest.param(src, id=f"conf-{name}") for name, src in _conformance_programs()]
    return envs + conf


def _outcome(fn):
    try:
        fn()
        return None
    except AutumnError as e:
        return e.kind


def differential(src: str, seed: int, ticks: int) -> None:
    """Replay seeded random actions with both libraries; every frame and error must agree.

    The actions mix no-ops, arrows, clicks on cells of the current frame's objects and clicks on
    uniform cells. Frames are compared as rendered cell lists (position and colour, paint order,
    off-grid cells included, so occupancy agrees too) and as grids.
    """
    programs = [compile_program(src, "diff.sexp", stdlib=m) for m in MODES]
    worlds: list = [None, None]

    def loader(i):
        def load():
            worlds[i] = programs[i].start(seed)
        return load
    errs = [_outcome(loader(i)) for i in range(2)]
    assert errs[0] == errs[1], f"load: native {errs[0]}, autumn {errs[1]}"
    if errs[0]:
        return
    wn, wa = worlds
    rng = random.Random(seed)
    arrows = ["left", "right", "up", "down"]
    for t in range(1, ticks + 1):
        size = wn.grid_size
        r = rng.random()
        if r < 0.3:
            ev = None
        elif r < 0.6:
            ev = rng.choice(arrows)
        elif r < 0.8 and wn.cells:
            x, y, _ = rng.choice(wn.cells)
            ev = ("click", x % size, y % size)
        else:
            ev = ("click", rng.randrange(size), rng.randrange(size))
        errs = [_outcome(lambda w=w, ev=ev: w.step(ev)) for w in (wn, wa)]
        assert errs[0] == errs[1], f"tick {t} ({ev}): native {errs[0]}, autumn {errs[1]}"
        if errs[0]:
            return
        assert wn.cells == wa.cells, f"tick {t} ({ev}): frames differ"
        assert wn.grid() == wa.grid(), f"tick {t} ({ev}): grids differ"


@pytest.mark.parametrize("seed", [0, 42, 7])
@pytest.mark.parametrize("src", _programs())
def test_native_and_autumn_library_agree(src, seed):
    differential(src, seed, 150)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [5, 99, 1234, 2024, 31337])
@pytest.mark.parametrize("src", _programs())
def test_native_and_autumn_library_agree_long(src, seed):
    differential(src, seed, 300)


def test_differential_covers_the_environments():
    names = {p.id for p in _programs()}
    assert {f"env-{p.stem}" for p in (ROOT / "environments").glob("*.sexp")} <= names
    assert sum(n.startswith("conf-") for n in names) >= 15


# --- §5.3: the Autumn library's internal names collide with program names ----------------------
# The native library cannot reproduce these collisions, so a program that binds one of these
# names (or redefines a library function) runs on the Autumn-source library even when the native
# one was asked for (Program.stdlib says which, with a warning): both modes behave as the
# reference. A program that binds none of them stays on the native library.
DELTA = """(program (= GRID_SIZE 5)
  (object Ant (Cell 0 0 "red"))
  (: delta Number) (= delta (initnext 0 (prev delta)))
  (: ant Ant) (= ant (initnext (Ant (Position 2 2)) (prev ant)))
  (on clicked (= ant (closest ant (list (Ant (Position 0 0)))))))"""


@pytest.mark.parametrize("stdlib", MODES)
def test_global_delta_breaks_closest(stdlib):
    # §5.3 (verified against the reference): sqdist's let assigns the Position delta to the
    # existing global delta, a Number: a type error (§2.3 rule 2).
    w = start(DELTA, stdlib)
    assert w.program.stdlib == "autumn"
    assert "delta" in " ".join(w.program.warnings) or stdlib == "autumn"
    with pytest.raises(AutumnError) as e:
        w.step(("click", 0, 0))
    assert e.value.kind == "type" and "delta" in e.value.message


def test_a_program_without_library_names_stays_native():
    safe = DELTA.replace("delta", "gap")
    w = start(safe, "native")
    assert w.program.stdlib == "native" and not w.program.warnings
    w.step(("click", 0, 0))
    assert py(w.evaluate("ant")) == ("Ant", (0, 0)) and w.evaluate("gap") == 0


DIR = """(program (= GRID_SIZE 5)
  (object Water (Cell 0 0 "blue"))
  (object Rock (Cell 0 0 "gray"))
  (: rocks (List Rock)) (= rocks (initnext (list (Rock (Position 2 4))) (prev rocks)))
  (: water Water) (= water (initnext (Water (Position 2 3)) (nextLiquid (prev water))))
  (: dir Position) (= dir (initnext (Position 7 7) (Position 9 9))))"""


@pytest.mark.parametrize("stdlib,dir_after", [("autumn", (1, 0)), ("native", (1, 0))])
def test_global_dir_is_overwritten_and_marked_by_next_liquid(stdlib, dir_after):
    # Tick 1: the water cannot fall; holes (1,4) and (3,4) tie and (3,4) wins, so the Autumn
    # library's nextLiquidMoveClosestHole assigns dir = (1, 0): the global, which is thereby
    # marked, so dir's own next-expression (9, 9) is skipped this tick (§5.3, §3.3).
    w = start(DIR, stdlib)
    w.step(None)
    assert py(w.evaluate("water")) == ("Water", (3, 3))
    assert py(w.evaluate("dir")) == dir_after
    w.step(None)          # the water falls: no assignment to dir, its next-expression runs
    assert py(w.evaluate("dir")) == (9, 9)


CALLER = """(program (= GRID_SIZE 5)
  (= xmin 100)
  (= prev_elems 3)
  (= probe (--> delta (let (sqdist (Position 0 0) (Position 3 4)) delta)))
  (object Dot (Cell 0 0 "red"))
  (: dot Dot) (= dot (initnext (Dot (Position 1 1)) (prev dot))))"""


@pytest.mark.parametrize("stdlib", MODES)
def test_library_lets_assign_callers_locals_and_globals(stdlib):
    # Both modes: CALLER binds delta, xmin and prev_elems, so it runs on stdlib.sexp.
    w = start(CALLER, stdlib)
    assert w.program.stdlib == "autumn"
    # A caller's local named delta receives sqdist's delta (dynamic scoping, §4.3).
    assert py(w.evaluate("(probe (Position 9 9))")) == (3, 4)
    # rect's xmin overwrites the global xmin.
    assert py(w.evaluate("(rect (Position 1 1) (Position 3 2))")) == [(1, 1), (2, 1)]
    assert w.evaluate("xmin") == 1
    # isFreeExcept's prev_elems overwrites the global (a list may replace a Number, §2.3).
    assert py(w.evaluate("(moveLeftNoCollision dot)")) == ("Dot", (0, 1))
    assert py(w.evaluate("prev_elems")) == [((1, 1), "red")]
