"""Frame tests for the race environment (environments/race.sexp).

Same style as tests/test_environments.py: the expected boards are derived by hand from the rules
in the program's header (tick order, the generator of autumn-language.md section 6), not
recorded. Letters: ``.`` black, ``A`` gray, ``W`` white, ``B`` blue, ``R`` red, ``N`` orange,
``O`` gold.

Draws of 0..7 (state mod 8) for the seeds used here, from the generator's test vectors:
seed 42 gives 6, 3, 5, 3, 6, 3 (no car in the first six scrolls); seed 1 gives 7, 2 (a car in
the right lane on the second scroll).
"""

from __future__ import annotations

from test_environments import board, expect, play, start

RACE_START = expect("""
    ......A...W...W...A......
    .........................
    .........................
    .........................
    ........B................
    ......ABBBW...W...A......
    .........................
    .........................
    .........................
    ................B........
    ......A...W...WBBBA......
    .........................
    .........................
    ............B............
    ...........BBB...........
    ......A...W...W...A......
    .........................
    .........................
    .........................
    .........................
    ......A...W...W...A......
    ............R............
    ...........RRR...........
    .........................
    .........................
""")


def road(phase: int) -> list[list[str]]:
    """The empty road: gray posts (columns 6, 18) and white studs (10, 14) on every fifth row
    starting at row ``phase``."""
    rows = [["."] * 25 for _ in range(25)]
    for y in range(phase, 25, 5):
        rows[y][6] = rows[y][18] = "A"
        rows[y][10] = rows[y][14] = "W"
    return rows


def car(rows: list[list[str]], x: int, y: int, letter: str) -> list[list[str]]:
    """Paint a car with origin (x, y): the nose at (x + 1, y), the body on row y + 1."""
    for cx, cy in ((x + 1, y), (x, y + 1), (x + 1, y + 1), (x + 2, y + 1)):
        if 0 <= cy < 25:
            rows[cy][cx] = letter
    return rows


def text(rows: list[list[str]], lo: int = 0, hi: int = 25) -> str:
    return "\n".join("".join(r) for r in rows[lo:hi])


def test_race_frame_zero():
    assert board(start("race")) == RACE_START
    # The road() and car-cell helpers of this file draw the same start.
    rows = road(0)
    for x, y in ((7, 4), (15, 9), (11, 13)):
        car(rows, x, y, "B")
    assert text(car(rows, 11, 21, "R")) == RACE_START


def test_race_road_scrolls_every_third_tick_at_speed_one():
    world = play(start("race", seed=42), "noop", "noop")
    assert board(world) == RACE_START  # ticks 1-2: the road stands still
    play(world, "noop")  # tick 3: posts, studs and blue cars move down one row (draw 6: no car)
    rows = road(1)
    for x, y in ((7, 5), (15, 10), (11, 14)):
        car(rows, x, y, "B")
    assert board(world) == text(car(rows, 11, 21, "R"))


def test_race_up_raises_the_hidden_speed():
    # t1 up: speed 2, clock 0 < 1, no scroll. t2 up: speed 3, scrolls every tick from now on:
    # t2, t3, t4 -> three rows (draws 6, 3, 5: no car).
    world = play(start("race", seed=42), "up", "up", "noop", "noop")
    rows = road(3)
    for x, y in ((7, 7), (15, 12), (11, 16)):
        car(rows, x, y, "B")
    assert board(world) == text(car(rows, 11, 21, "R"))
    # down twice: speed 1 again, so the next scroll comes 3 ticks after the last one (t4):
    # t5, t6 still, t7 moves (draw 3: no car). Distance 4: the first gold bar cell.
    play(world, "down", "down")
    assert board(world) == text(car(rows, 11, 21, "R"))
    play(world, "noop")
    rows = road(4)
    for x, y in ((7, 8), (15, 13), (11, 17)):
        car(rows, x, y, "B")
    rows[24][22] = "O"
    assert board(world) == text(car(rows, 11, 21, "R"))


def test_race_arrows_change_lanes_inside_the_road():
    world = start("race", seed=42)
    play(world, "left")  # to the left lane (x 7)
    assert board(world, slice(21, 23)) == expect("""
        ........R................
        .......RRR...............
    """)
    play(world, "left")  # already at the left edge: stays
    assert board(world, slice(21, 23)) == expect("""
        ........R................
        .......RRR...............
    """)
    play(world, "right", "right", "right")  # middle, right, then the right edge
    # Tick 3 scrolled the road: posts and studs are on rows 1, 6, 11, 16, 21.
    assert board(world, slice(21, 23)) == expect("""
        ......A...W...W.R.A......
        ...............RRR.......
    """)


def test_race_a_draw_below_three_adds_a_car_at_the_top():
    # seed 1: the first scroll (t3) draws 7, the second (t6) draws 2: a car at the top of the
    # right lane, whose top rows are free (the right lane's car is at row 11 by then).
    world = play(start("race", seed=1), noops=5)
    assert board(world, slice(0, 3)) == text(road(1), 0, 3)
    play(world, "noop")
    assert board(world, slice(0, 3)) == expect("""
        ................B........
        ...............BBB.......
        ......A...W...W...A......
    """)


def test_race_crash_clears_the_road_and_the_bar():
    # Speed 3 from t2: the middle car (row 13) scrolls every tick and reaches row 20 on the
    # 7th scroll, at t8: it overlaps the red car, which is drawn as an orange wreck.
    # Distance 7: one gold bar cell at (22, 24).
    world = play(start("race", seed=42), "up", "up", noops=6)
    assert board(world, slice(19, 25)) == expect("""
        .........................
        ............B............
        ...........BNB...........
        ......A...WNNNW...A......
        .........................
        ......................O..
    """)
    # t9: every blue car is removed, the bar empties, the road stands still (phase 2).
    play(world, "noop")
    assert board(world) == text(car(road(2), 11, 21, "R"))
    # The speed is back to 1: t10 and t11 still, t12 scrolls (rows 2..24; row 0-1 may get a
    # new car).
    play(world, "noop", "noop")
    assert board(world) == text(car(road(2), 11, 21, "R"))
    play(world, "noop")
    assert board(world, slice(2, 25)) == text(car(road(3), 11, 21, "R"), 2, 25)
