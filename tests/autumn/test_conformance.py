"""The conformance examples of autumn-language.md §8 (frames verified against the reference)."""

from __future__ import annotations

import pytest

from tests.autumn.conftest import run_frames
from worldtest.autumn import compile_program
from worldtest.autumn.rng import draw, seed_state
from worldtest.errors import AutumnError


def cols(*boards: str) -> list[list[str]]:
    """Side-by-side boards (as printed in the spec) -> list of frames of rows."""
    lines = [b.split() for b in boards]
    return [list(f) for f in zip(*lines)]


def test_8_1_on_rule_write_suppresses_next():
    src = """(program (= GRID_SIZE 4)
      (object Dot (Cell 0 0 "red"))
      (: dot Dot)
      (= dot (initnext (Dot (Position 0 0)) (moveRight (prev dot))))
      (on clicked (= dot (moveDown dot))))"""
    assert run_frames(src, [None, "click 3 3", None]) == cols(
        "R... .R.. .... ....",
        ".... .... .R.. ..R.",
        ".... .... .... ....",
        ".... .... .... ....")


def test_8_2_rules_see_partial_updates():
    src = """(program (= GRID_SIZE 4)
      (object Dot (: c String) (Cell 0 0 c))
      (: n Number)
      (= n (initnext 0 (+ (prev n) 1)))
      (: dot Dot)
      (= dot (initnext (Dot "red" (Position 0 0)) (prev dot)))
      (on (== n 1) (= dot (updateObj dot "c" "blue")))
      (on (== (.. dot c) "blue") (= dot (moveRight dot)))
      (on (== n 1) (= dot (moveDown dot))))"""
    assert run_frames(src, [None, None, None], rows=range(3)) == cols(
        "R... R... .... ....",
        ".... .... .B.. ..B.",
        ".... .... .... ....")


FOLLOWERS = """(program (= GRID_SIZE 4)
  (object Dot (Cell 0 0 "red"))
  (object Box (Cell 0 0 "blue"))
  (: follower Box)
  (= follower (initnext (Box (Position 0 1))
     (updateObj (prev follower) "origin" (Position (.. (.. leader origin) x) 1))))
  (: leader Dot)
  (= leader (initnext (Dot (Position 0 0)) (moveRight (prev leader))))
  (: follower2 Box)
  (= follower2 (initnext (Box (Position 0 2))
     (updateObj (prev follower2) "origin" (Position (.. (.. leader origin) x) 2)))))"""


def test_8_3_next_expressions_commit_in_order():
    src = FOLLOWERS
    assert run_frames(src, [None, None], rows=range(3)) == cols(
        "R... .R.. ..R.",
        "B... B... .B..",
        "B... .B.. ..B.")


def test_8_4_click_persists_and_up_before_click_fails():
    src = """(program (= GRID_SIZE 4)
      (object Dot (Cell 0 0 "red"))
      (: dots (List Dot))
      (= dots (initnext (list) (prev dots)))
      (on clicked (= dots (addObj dots (Dot click))))
      (on up (= dots (addObj dots (Dot (Position (.. click y) (.. click x)))))))"""
    assert run_frames(src, ["click 1 2", None, "up"]) == cols(
        ".... .... .... ....",
        ".... .... .... ..R.",
        ".... .R.. .R.. .R..",
        ".... .... .... ....")
    w = compile_program(src, "dots.sexp").start(42)
    with pytest.raises(AutumnError) as e:
        w.step("up")
    assert e.value.kind == "undefined-name"
    assert "click" in e.value.message and e.value.line == 6
    with pytest.raises(AutumnError) as e:
        w.step(None)
    assert e.value.kind == "failed"


def test_8_5_occupancy_is_previous_frame():
    src = """(program (= GRID_SIZE 4)
      (object Drop (Cell 0 0 "blue"))
      (object Floor (Cell 0 0 "gray"))
      (: floor Floor)
      (= floor (initnext (Floor (Position 0 3)) (prev floor)))
      (: drops (List Drop))
      (= drops (initnext (list (Drop (Position 0 0)) (Drop (Position 0 1)) (Drop (Position 2 0)) (Drop (Position 3 1)))
         (updateObj (prev drops) (--> d (if (isFreePos (.. (moveDown d) origin)) then (moveDown d) else d))))))"""
    assert run_frames(src, [None, None, None]) == cols(
        "B.B. B... .... ....",
        "B..B ..B. B... B...",
        ".... B..B B.B. B...",
        "A... A... A..B A.B.")


def test_8_6_fields_live_elems_fixed():
    src = """(program (= GRID_SIZE 4)
      (object Bar (: len Number) (: lit Bool)
        (map (--> i (Cell i 0 (if lit then "yellow" else "gray"))) (range 0 len)))
      (: bar Bar)
      (= bar (initnext (Bar 2 false (Position 0 1)) (prev bar)))
      (on clicked (= bar (updateObj bar "lit" (! (.. bar lit)))))
      (on right (= bar (updateObj bar "len" (+ (.. bar len) 1))))
      (on down (= bar (Bar (+ (.. bar len) 1) (.. bar lit) (.. bar origin)))))"""
    assert run_frames(src, [None, "right", "click 0 0", "down"], rows=[1]) == [
        ["AA.."], ["AA.."], ["AA.."], ["YY.."], ["YYYY"]]


def test_8_7_capture_rule():
    src = """(program (= GRID_SIZE 4)
      (object Lamp (Cell 0 0 tint))
      (object Tile (: color String) (Cell 0 0 color))
      (: early Lamp)
      (= early (initnext (Lamp (Position 0 0)) (prev early)))
      (: tint String)
      (= tint (initnext "red" (if (== (prev tint) "red") then "blue" else "red")))
      (: late Lamp)
      (= late (initnext (Lamp (Position 1 0)) (prev late)))
      (: color String)
      (= color (initnext "green" (prev color)))
      (: tile Tile)
      (= tile (initnext (Tile "gold" (Position 0 2)) (prev tile)))
      (on clicked (= tile (updateObj tile "color" "pink"))))"""
    assert run_frames(src, [None, None, "click 3 3"], rows=range(3)) == cols(
        "RR.. BR.. RR.. BR..",
        ".... .... .... ....",
        "G... G... G... G...")


def test_8_8_remove_obj_three_ways():
    src = """(program (= GRID_SIZE 3)
      (object Dot (Cell 0 0 "red"))
      (: a Dot) (= a (initnext (Dot (Position 0 0)) (prev a)))
      (: b Dot) (= b (initnext (Dot (Position 1 0)) (prev b)))
      (: c Dot) (= c (initnext (Dot (Position 2 0)) (prev c)))
      (on left (removeObj a))
      (on up (= b (removeObj b)))
      (on right (let (= c (removeObj c)) true)))"""
    assert run_frames(src, ["left", "up", "right"], rows=[0]) == [
        ["RRR"], [".RR"], [".RR"], [".R."]]
    w = compile_program(src).start(42)
    w.step("left")
    assert w.evaluate('(defined "a")') is False
    assert w.evaluate('(defined "b")') is True


def test_8_9_truncating_division():
    src = """(program (= GRID_SIZE 4)
      (object Dot (Cell 0 0 "red"))
      (: d1 Dot) (= d1 (initnext (Dot (Position (+ 2 (/ -3 2)) (+ 2 (% -3 2)))) (prev d1)))
      (: d2 Dot) (= d2 (initnext (Dot (Position (+ 4 (/ 7 -2)) (+ 1 (% 7 -2)))) (prev d2))))"""
    assert run_frames(src, []) == [["....", ".R..", ".R..", "...."]]


def test_8_10_equality_and_truthiness():
    src = """(program (= GRID_SIZE 4)
      (object Dot (: col String) (Cell 0 0 col))
      (: p1 Dot) (= p1 (initnext (Dot (if (== 1 true) then "green" else "red") (Position 0 0)) (prev p1)))
      (: p2 Dot) (= p2 (initnext (Dot (if (== true 1) then "green" else "red") (Position 1 0)) (prev p2)))
      (: p3 Dot) (= p3 (initnext (Dot (if 0 then "green" else "red") (Position 2 0)) (prev p3)))
      (: p4 Dot) (= p4 (initnext (Dot (if (list) then "green" else "red") (Position 3 0)) (prev p4)))
      (: p5 Dot) (= p5 (initnext (Dot (if (== (list 1 2) (list 1 2)) then "green" else "red") (Position 0 1)) (prev p5)))
      (: p6 Dot) (= p6 (initnext (Dot (if (== (Dot "x" (Position 0 0)) (Dot "x" (Position 0 0))) then "green" else "red") (Position 1 1)) (prev p6)))
      (: p7 Dot) (= p7 (initnext (Dot (if (== (Position 1 2) (Position 1 2)) then "green" else "red") (Position 2 1)) (prev p7)))
      (: p8 Dot) (= p8 (initnext (Dot (if clicked then "green" else "red") (Position 3 1)) (prev p8))))"""
    assert run_frames(src, [], rows=range(2)) == [["GRGR", "GRGG"]]


@pytest.mark.parametrize("seed,path", [
    (0, [(1, 1), (0, 1), (1, 1), (0, 1), (1, 1), (0, 1)]),
    (42, [(1, 1), (1, 0), (2, 0), (2, 1), (2, 2), (2, 1)]),
    (7, [(1, 1), (2, 1), (1, 1), (0, 1), (0, 0), (1, 0)]),
])
def test_8_11_generator_walk(seed, path):
    src = """(program (= GRID_SIZE 4)
      (object Dot (Cell 0 0 "blue"))
      (: dot Dot)
      (= dot (initnext (Dot (Position 1 1))
         (updateObj (prev dot) "origin" (uniformChoice (adjPositions (.. (prev dot) origin)))))))"""
    w = compile_program(src).start(seed)
    seen = []
    for t in range(6):
        if t:
            w.step(None)
        seen.append((w.evaluate("(.. (.. dot origin) x)"), w.evaluate("(.. (.. dot origin) y)")))
    assert seen == path


def test_6_generator_vectors():
    s = seed_state(42)
    states, d4 = [], []
    for _ in range(6):
        v, s = draw(s, 4)
        states.append(s)
        d4.append(v)
    assert states == [2027382, 1226992363, 549342533, 185324939, 1550736550, 766486715]
    assert d4 == [2, 3, 1, 3, 2, 3]
    s = seed_state(1)
    out = []
    for _ in range(4):
        _, s = draw(s, 1000)
        out.append(s)
    assert out == [48271, 182605794, 1291390782, 1716587427]
    assert draw(123, 0) == (0, 123)


def test_8_12_painter_order():
    src = """(program (= GRID_SIZE 3)
      (object Sq (: col String) (Cell 0 0 col))
      (= banner (Sq "gold" (Position 1 1)))
      (: under Sq)
      (= under (initnext (Sq "red" (Position 1 1)) (prev under)))
      (: pair (List Sq))
      (= pair (initnext (list (Sq "blue" (Position 0 0)) (Sq "green" (Position 0 0))) (prev pair)))
      (: over Sq)
      (= over (initnext (Sq "gray" (Position 0 0)) (prev over))))"""
    assert run_frames(src, []) == [["A..", ".O.", "..."]]


def test_8_13_dynamic_scoping():
    src = """(program (= GRID_SIZE 4)
      (object Dot (Cell 0 0 "red"))
      (: x Number)
      (= x (initnext 3 (prev x)))
      (= place (--> d (updateObj d "origin" (Position x (.. (.. d origin) y)))))
      (= placeWith (--> x (place (prev b))))
      (: a Dot) (= a (initnext (Dot (Position 0 1)) (place (prev a))))
      (: b Dot) (= b (initnext (Dot (Position 0 2)) (placeWith 1))))"""
    assert run_frames(src, [None], rows=range(3)) == cols(
        ".... ....",
        "R... ...R",
        "R... .R..")


def test_8_14_off_grid_cells_are_occupied():
    src = """(program (= GRID_SIZE 3)
      (object Ghost (Cell 0 0 "red"))
      (object Probe (: col String) (Cell 0 0 col))
      (: ghost Ghost) (= ghost (initnext (Ghost (Position 5 5)) (prev ghost)))
      (: probe Probe)
      (= probe (initnext (Probe "gray" (Position 1 1))
         (updateObj (prev probe) "col" (if (isFreePos (Position 5 5)) then "green" else "blue")))))"""
    assert run_frames(src, [None], rows=[1]) == [[".A."], [".B."]]


def test_8_15_extra_arguments_ignored():
    src = """(program (= GRID_SIZE 3)
      (object Dot (Cell 0 0 "red"))
      (= shift (--> (d dx) (updateObj d "origin" (Position (+ (.. (.. d origin) x) dx) 0))))
      (: dot Dot)
      (= dot (initnext (Dot (Position 0 0)) (shift (prev dot) 1 99 "ignored"))))"""
    assert run_frames(src, [None], rows=[0]) == [["R.."], [".R."]]


def test_8_16_remove_obj_in_list_function_keeps_element():
    src = """(program (= GRID_SIZE 3)
      (object Dot (Cell 0 0 "red"))
      (: dots (List Dot))
      (= dots (initnext (list (Dot (Position 0 0)) (Dot (Position 1 0)))
         (updateObj (prev dots) (--> d (if (== (.. (.. d origin) y) 1) then (removeObj d) else (moveDown d)))))))"""
    assert run_frames(src, [None, None], rows=range(2)) == cols(
        "RR. ... ...",
        "... RR. RR.")


def test_8_17_next_liquid_prefers_larger_x():
    src = """(program (= GRID_SIZE 5)
      (object Water (Cell 0 0 "blue"))
      (object Rock (Cell 0 0 "gray"))
      (: rocks (List Rock))
      (= rocks (initnext (list (Rock (Position 1 4)) (Rock (Position 2 4)) (Rock (Position 3 4))) (prev rocks)))
      (: water (List Water))
      (= water (initnext (list (Water (Position 2 3))) (updateObj (prev water) nextLiquid))))"""
    assert run_frames(src, [None] * 4, rows=[3, 4]) == cols(
        "..B.. ...B. ....B ..... .....",
        ".AAA. .AAA. .AAA. .AAAB .AAAB")


def test_8_18_closest_ties_and_unit_vector():
    src = """(program (= GRID_SIZE 5)
      (object Ant (Cell 0 0 "red"))
      (object Food (Cell 0 0 "green"))
      (: foods (List Food))
      (= foods (initnext (list (Food (Position 0 2)) (Food (Position 4 2)) (Food (Position 4 4))) (prev foods)))
      (: ant Ant)
      (= ant (initnext (Ant (Position 2 2)) (move (prev ant) (unitVector (prev ant) (closest (prev ant) foods))))))"""
    assert run_frames(src, [None] * 3, rows=[2]) == [["G.R.G"], ["G..RG"], ["G...R"], ["G...R"]]


def test_8_19_assignment_keeps_identity():
    src = """(program (= GRID_SIZE 4)
      (object Dot (Cell 0 0 "red"))
      (: e Dot)
      (= e (initnext (Dot (Position 0 0)) (prev e)))
      (on (defined "e") (= e (moveRight (prev e))))
      (on clicked (let (= e (removeObj (prev e))) true)))"""
    assert run_frames(src, [None, "click 3 3"], rows=[0]) == [["R..."], [".R.."], ["...."]]
    fresh = src.replace("(removeObj (prev e))", "(removeObj (moveRight (prev e)))")
    assert run_frames(fresh, [None, "click 3 3"], rows=[0]) == [["R..."], [".R.."], ["..R."]]


def test_8_20_rotate_in_place():
    src = """(program (= GRID_SIZE 7)
      (object L (list (Cell 0 0 "red") (Cell 1 0 "blue") (Cell 2 0 "green")))
      (: a L)
      (= a (initnext (L (Position 3 3)) (prev a)))
      (on left (= a (rotate a)))
      (on right (= a (rotateNoCollision a))))"""
    frames = run_frames(src, ["left", "right"])
    assert [[r[3:6] for r in f[3:6]] for f in frames] == cols(
        "RBG R.. RBG",
        "... B.. ...",
        "... G.. ...")



def test_a1_legacy_order_runs_next_expressions_in_reverse():
    # The §8.3 program: under the older build's reverse order, follower2 (declared last) runs
    # first and lags like follower; follower (declared first) now runs after leader's commit.
    src = FOLLOWERS
    w = compile_program(FOLLOWERS, order="legacy").start(42)
    w.step(None)
    w.step(None)
    from tests.autumn.conftest import board
    assert board(w, range(3)) == ["..R.", "..B.", ".B.."]
    with pytest.raises(AutumnError):
        compile_program(FOLLOWERS, order="sideways")
