"""Frame tests of the environments rotate, counters, lines, fireflies, prey and fire.

Every expected board was derived by hand from the rules in the program's header comment (and
``autumn-language.md``), not recorded from the interpreter. Letters as in
tests/test_environments.py (``.`` black, ``R`` red, ``G`` green, ``B`` blue, ``W`` white, ...).
"""

from __future__ import annotations

from test_environments import board, count, expect, play, start

# --- rotate ------------------------------------------------------------------------------

ROTATE_START = expect("""
    RGB
    RBG
    BRG
""")


def test_rotate_frame_zero():
    assert board(start("rotate")) == ROTATE_START


def test_rotate_click_turns_a_2x2_block_clockwise():
    world = play(start("rotate"), "click 0 0")
    assert board(world) == expect("""
        RRB
        BGG
        BRG
    """)
    play(world, "click 0 0", "click 0 0", "click 0 0")  # four quarter turns: back to start
    assert board(world) == ROTATE_START
    play(world, "click 1 1")  # the block with top-left (1,1)
    assert board(world) == expect("""
        RGB
        RRB
        BGG
    """)


def test_rotate_click_on_the_last_row_or_column_turns_the_block_ending_there():
    world = play(start("rotate"), "click 2 2")  # block with top-left (1,1)
    assert board(world) == expect("""
        RGB
        RRB
        BGG
    """)
    world = play(start("rotate"), "click 2 0")  # block with top-left (1,0)
    assert board(world) == expect("""
        RBG
        RGB
        BRG
    """)


def test_rotate_arrows_shift_the_selected_row_and_column_cyclically():
    world = play(start("rotate"), "left")  # middle row at first
    assert board(world) == expect("""
        RGB
        BGR
        BRG
    """)
    play(world, "up")  # middle column
    assert board(world) == expect("""
        RGB
        BRR
        BGG
    """)
    play(world, "click 0 2")  # turns block (0,1); selects row 2 and column 0
    assert board(world) == expect("""
        RGB
        BBR
        GRG
    """)
    play(world, "right")
    assert board(world, slice(2, 3)) == "GGR"
    play(world, "down")
    assert board(world) == expect("""
        GGB
        RBR
        BGR
    """)
    play(world, "up", "left", "left", "left")  # three shifts of a row: a full cycle
    assert board(world) == expect("""
        RGB
        BBR
        GGR
    """)


def test_rotate_solved_board_blinks_white_every_second_tick():
    world = play(start("rotate"), "right", "up", "click 1 0", "click 1 1")
    assert board(world) == expect("""
        RRR
        GGB
        BGB
    """)
    play(world, "click 1 1")
    assert board(world) == "WWW\nWWW\nWWW"
    solved = "RRR\nGGG\nBBB"
    play(world, "noop")
    assert board(world) == solved
    play(world, "noop")
    assert board(world) == "WWW\nWWW\nWWW"
    play(world, "left")  # the uniform middle row shifts: still solved, still blinking
    assert board(world) == solved
    play(world, "noop")
    assert board(world) == "WWW\nWWW\nWWW"
    play(world, "click 0 0")  # unsolved: the blinking stops
    assert board(world) == "GRR\nGRG\nBBB"
    play(world, "noop")
    assert board(world) == "GRR\nGRG\nBBB"


# --- counters ----------------------------------------------------------------------------

COUNTERS_START = expect("""
    ..........
    ..........
    G........A
    ..........
    ..........
    O........A
    ..........
    ..........
    R........A
    ..........
""")


def test_counters_frame_zero():
    assert board(start("counters")) == COUNTERS_START


def test_counters_buttons_add_the_hidden_step_that_left_and_right_change():
    world = play(start("counters"), "click 0 8")
    assert board(world, slice(8, 9)) == "R.R......A"
    play(world, "click 5 5", "click 4 8", "noop")  # clicks off the buttons do nothing
    assert board(world, slice(8, 9)) == "R.R......A"
    play(world, "right", "click 0 5")  # step 2
    assert board(world, slice(5, 6)) == "O.OO.....A"
    play(world, "right", "right", "click 0 2")  # step 3 (at most 3)
    assert board(world, slice(2, 3)) == "G.GGG....A"
    play(world, "left", "down")  # step 2; down steps the bottom counter: 1 + 2
    assert board(world) == expect("""
        ..........
        ..........
        G.GGG....A
        ..........
        ..........
        O.OO.....A
        ..........
        ..........
        R.RRR....A
        ..........
    """)
    play(world, "left", "left", "left", "down")  # step 1 (at least 1)
    assert board(world, slice(8, 9)) == "R.RRRR...A"


def test_counters_roll_over_and_carry_like_an_odometer():
    world = play(start("counters"), "right", "right", "down", "down", "click 0 5", "click 0 5")
    assert board(world, slice(5, 9)) == "O.OOOOOO.A\n..........\n..........\nR.RRRRRR.A"
    play(world, "down")  # 6 + 3 = 9: bottom 1, carry 1 into the middle (7)
    assert board(world, slice(5, 9)) == "O.OOOOOOOA\n..........\n..........\nR.R......W"
    play(world, "noop")  # the flash lasts one tick
    assert board(world, slice(8, 9)) == "R.R......A"
    play(world, "down", "down")
    assert board(world, slice(8, 9)) == "R.RRRRRRRA"
    play(world, "down")  # 7 + 3: bottom 2, middle 7 + 1 rolls to 0, top gets 1
    assert board(world) == expect("""
        ..........
        ..........
        G.G......A
        ..........
        ..........
        O........W
        ..........
        ..........
        R.RR.....W
        ..........
    """)


def test_counters_top_rolls_over_alone_and_up_clears_all():
    world = play(start("counters"), "right", "right", "click 0 8", "click 0 2", "click 0 2")
    assert board(world, slice(2, 3)) == "G.GGGGGG.A"
    play(world, "click 0 2")  # 9: drops to 1, nothing to carry into
    assert board(world) == expect("""
        ..........
        ..........
        G.G......W
        ..........
        ..........
        O........A
        ..........
        ..........
        R.RRR....A
        ..........
    """)
    play(world, "up")
    assert board(world) == COUNTERS_START
    play(world, "click 0 5")  # the step (3) survives the reset
    assert board(world, slice(5, 6)) == "O.OOO....A"


# --- lines -------------------------------------------------------------------------------

LINES_START = expect("""
    .........
    .......O.
    ..RRR....
    .....R...
    ......G..
    .....G...
    .B.......
    .B.......
    .........
""")


def balls(world) -> int:
    return sum(count(world, letter) for letter in "RBGOILgY")


def test_lines_frame_zero():
    assert board(start("lines")) == LINES_START


def test_lines_select_reselect_and_deselect_without_any_move():
    world = play(start("lines"), "click 5 3")  # selected: red drawn pink
    assert board(world, slice(2, 4)) == "..RRR....\n.....I..."
    play(world, "click 1 6")  # another ball: the selection moves (blue drawn lightblue)
    assert board(world, slice(3, 8)) == expect("""
        .....R...
        ......G..
        .....G...
        .L.......
        .B.......
    """)
    play(world, "down")  # blocked by the blue ball below: nothing happens
    assert board(world, slice(6, 8)) == ".L.......\n.B......."
    play(world, "click 1 6")  # the selected ball again: deselected
    assert board(world) == LINES_START
    play(world, "click 0 0", "left", "up", "noop")  # nothing selected: no move
    assert board(world) == LINES_START


def test_lines_a_move_making_four_in_a_row_clears_the_line_and_drops_nothing():
    world = play(start("lines"), "click 5 3", "up")  # the red steps up beside the three reds
    assert board(world) == expect("""
        .........
        .......O.
        .........
        .........
        ......G..
        .....G...
        .B.......
        .B.......
        .........
    """)
    play(world, "click 7 1", "click 4 4")  # an ordinary click move: three random balls
    assert board(world, slice(1, 2))[7] == "."
    assert board(world, slice(4, 5))[4] == "O"
    assert balls(world) == 5 + 3
    assert count(world, "Y") == 0  # the selection is cleared


def test_lines_other_moves_drop_three_random_balls_up_to_thirty():
    world = play(start("lines"), "click 1 7", "down")  # arrow move: the blue to (1, 8)
    assert board(world, slice(8, 9))[1] == "B"
    assert balls(world) == 9 + 3
    other = play(start("lines", seed=7), "click 1 7", "down")
    assert board(other) != board(world)  # new balls land at random cells, in random colours
    assert balls(other) == 12
    totals = []
    for _ in range(8):  # move some ball to some empty cell, eight times
        rows = board(world).split("\n")
        ball = next((x, y) for y, row in enumerate(rows) for x, c in enumerate(row) if c != ".")
        hole = next((x, y) for y, row in enumerate(rows) for x, c in enumerate(row) if c == ".")
        play(world, f"click {ball[0]} {ball[1]}", f"click {hole[0]} {hole[1]}")
        totals.append(balls(world))
    assert totals == [15, 18, 21, 24, 27, 30, 30, 30]


# --- fireflies ---------------------------------------------------------------------------

FIREFLIES_START = expect("""
    ................
    ................
    ................
    ................
    .........D......
    .....D..........
    ................
    ............D...
    ................
    ................
    ......D.........
    ..........D.....
    ................
    ................
    ................
    ................
""")


def flies(world):
    """(x, y, phase, lit) of every firefly, in list order."""
    return [tuple(f) for f in world.evaluate(
        "(map (--> f (list (.. (.. f origin) x) (.. (.. f origin) y) (.. f phase) (.. f lit)))"
        " flies)")]


def test_fireflies_frame_zero():
    world = start("fireflies")
    assert board(world) == FIREFLIES_START
    assert [f[2] for f in flies(world)] == [0, 1, 2, 3, 4]  # hidden phases


def test_fireflies_first_blinks_follow_the_phases():
    world = play(start("fireflies"), "noop")  # phases 1..5, nobody blinked yet
    assert (count(world, "Y"), count(world, "D")) == (0, 5)
    assert [f[2] for f in flies(world)] == [1, 2, 3, 4, 5]
    play(world, "noop")  # the fifth reaches 6: it blinks, and restarts at 0
    assert [f[3] for f in flies(world)] == [False, False, False, False, True]
    assert (count(world, "Y"), count(world, "D")) == (1, 4)
    assert [f[2] for f in flies(world)] == [2, 3, 4, 5, 0]
    near = max(abs(a - b) for a, b in zip(flies(world)[2][:2], flies(world)[4][:2])) <= 3
    play(world, "noop")  # the fourth blinks (5 + 1); the third (4 + 1) only if the fifth's
    # blink nudged it (+ 1 more), that is if the fifth was within 3 cells of it
    assert [f[3] for f in flies(world)] == [False, False, near, True, False]
    assert [f[2] for f in flies(world)][3] == 0


def test_fireflies_phases_nudges_and_steps_follow_the_rules():
    world = start("fireflies")
    for _ in range(60):
        before = flies(world)
        play(world, "noop")
        after = flies(world)
        assert len(after) == len(before)
        for i, (x, y, phase, lit) in enumerate(before):
            nudged = any(l2 and max(abs(x2 - x), abs(y2 - y)) <= 3 and (x2, y2) != (x, y)
                         for x2, y2, _, l2 in before)
            grown = phase + 1 + nudged
            nx, ny, nphase, nlit = after[i]
            assert (nphase, nlit) == ((0, True) if grown >= 6 else (grown, False))
            assert abs(nx - x) + abs(ny - y) <= 1 and 0 <= nx < 16 and 0 <= ny < 16
            if (nx, ny) != (x, y):  # only onto a cell that was free in the last frame
                assert all((nx, ny) != (x2, y2) for x2, y2, _, _ in before)
        # drawn: each firefly's cell in its colour, a later one on top where two meet
        cells = {(x, y): ("Y" if lit else "D") for x, y, _, lit in after}
        rows = board(world).split("\n")
        assert {(x, y): rows[y][x] for x, y in cells} == cells
        assert count(world, "Y") + count(world, "D") == len(cells)


def test_fireflies_click_resets_and_free_clicks_add_up_to_ten():
    world = play(start("fireflies"), "noop", "noop", "noop")
    x, y = flies(world)[2][:2]  # phase 5 or more by now
    play(world, f"click {x} {y}")
    assert flies(world)[2][2:] == (0, False)  # reset: dark, phase 0
    world = start("fireflies")
    play(world, "click 0 0")
    assert flies(world)[-1] == (0, 0, 0, False)
    assert board(world, slice(0, 1)) == "D..............."
    for corner in ("click 15 0", "click 0 15", "click 15 15", "click 2 0", "click 4 0",
                   "click 6 0", "click 8 0"):
        play(world, corner)
    assert len(flies(world)) == 10
    assert count(world, "D") + count(world, "Y") == 10


# --- prey --------------------------------------------------------------------------------

PREY_START = expect("""
    N...............
    ................
    ................
    ...GG...........
    ...G.......GG...
    .....W..........
    ..........W.....
    ................
    .......GG.......
    ........G.......
    ................
    ......W.........
    ...G........GG..
    ................
    ................
    ...............N
""")


def spots(world, name):
    return [tuple(p) for p in world.evaluate(
        f"(map (--> o (list (.. (.. o origin) x) (.. (.. o origin) y))) {name})")]


def test_prey_frame_zero():
    assert board(start("prey")) == PREY_START


def test_prey_foxes_step_toward_the_nearest_rabbit_every_second_tick():
    world = start("prey")
    for tick in range(1, 13):
        rabbits, foxes = spots(world, "rabbits"), spots(world, "foxes")
        play(world, "noop")
        for (fx, fy), (nx, ny) in zip(foxes, spots(world, "foxes")):
            if tick % 2 == 0 or not rabbits:
                assert (nx, ny) == (fx, fy)
                continue
            best = min(range(len(rabbits)), key=lambda i: ((rabbits[i][0] - fx) ** 2 +
                                                           (rabbits[i][1] - fy) ** 2, -i))
            dx, dy = rabbits[best][0] - fx, rabbits[best][1] - fy
            sx, sy = (dx > 0) - (dx < 0), (dy > 0) - (dy < 0)
            assert (nx, ny) == ((fx + sx, fy) if sx else (fx, fy + sy))
    assert board(world, slice(0, 1)) != "N..............."  # the top-left fox has left


def test_prey_rabbits_hop_one_cell_eat_grass_and_breed():
    world = start("prey")
    for _ in range(30):
        rabbits, grass = spots(world, "rabbits"), spots(world, "grass")
        foxes = spots(world, "foxes")
        play(world, "noop")
        after = spots(world, "rabbits")
        now_grass = spots(world, "grass")
        assert now_grass == [g for g in grass if g not in rabbits]  # grazed grass goes
        alive = [r for r in rabbits if r not in foxes]  # rabbits on a fox are eaten
        hopped, babies = after[:len(alive)], after[len(alive):]
        for (x, y), (nx, ny) in zip(alive, hopped):
            assert abs(nx - x) + abs(ny - y) <= 1
        fed = [old for old, new in zip(alive, hopped) if new != old and new in grass]
        assert babies == fed[:max(0, 12 - 2 - len(alive))]
        assert len(after) + 2 <= 12


def test_prey_clicks_plant_grass_and_turn_grass_into_rabbits():
    world = play(start("prey"), "click 1 14")  # empty: grass
    assert board(world, slice(14, 15)) == ".G.............."
    play(world, "click 1 14")  # grass: a rabbit takes its place
    assert board(world, slice(14, 15)) == ".W.............."  # the newcomer waits a tick
    assert (1, 14) not in spots(world, "grass")
    world = start("prey")
    cells = [(x, 15) for x in range(1, 15)] + [(x, 14) for x in range(1, 15)]
    for x, y in cells:
        play(world, f"click {x} {y}")
    grass = spots(world, "grass")
    assert len(grass) == 24  # at most 24: the last clicks plant nothing
    assert (14, 14) not in grass and board(world, slice(14, 15))[14] == "."


# --- fire --------------------------------------------------------------------------------


def window(world, x0, y0, x1, y1):
    """Rows y0..y1-1, columns x0..x1-1 of the board."""
    return "\n".join(row[x0:x1] for row in board(world).split("\n")[y0:y1])


def test_fire_frame_zero():
    rows = ["." * 20] * 20
    rows[4] = rows[5] = rows[6] = "....GGG............."
    rows[12] = rows[13] = "...........GGG......"
    assert board(start("fire")) == "\n".join(rows)


def test_fire_spreads_to_all_four_neighbours_when_calm():
    world = play(start("fire"), "click 5 5")
    assert window(world, 3, 3, 8, 8) == expect("""
        .....
        .GGG.
        .GNG.
        .GGG.
        .....
    """)
    play(world, "noop")
    assert window(world, 3, 3, 8, 8) == expect("""
        .....
        .GNG.
        .NAN.
        .GNG.
        .....
    """)
    play(world, "noop")  # corners catch from two sides; ash lasts one tick
    assert window(world, 3, 3, 8, 8) == expect("""
        .....
        .NAN.
        .A.A.
        .NAN.
        .....
    """)
    play(world, "noop", "noop")
    assert window(world, 4, 4, 7, 7) == "...\n...\n..."


def test_fire_never_spreads_upwind():
    world = play(start("fire"), "left", "click 4 5")  # wind blows left: upwind is the right
    play(world, "noop")
    assert window(world, 3, 3, 8, 8) == expect("""
        .....
        .NGG.
        .AGG.
        .NGG.
        .....
    """)
    play(world, "noop")  # (5,4) and (5,6) are right of fires: upwind, so they do not catch
    assert window(world, 3, 3, 8, 8) == expect("""
        .....
        .AGG.
        ..GG.
        .AGG.
        .....
    """)
    play(world, "down", "click 12 12", "noop")  # wind down: no spread up
    assert window(world, 10, 11, 15, 15) == expect("""
        .....
        .NAN.
        .GNG.
        .....
    """)


def test_fire_trees_regrow_on_bare_cells_up_to_twenty_four():
    world = start("fire")
    totals = []
    for _ in range(200):
        before = board(world).split("\n")
        n = len(world.evaluate("trees"))
        play(world, "noop")
        after = board(world).split("\n")
        new = [(x, y) for y in range(20) for x in range(20)
               if after[y][x] == "G" and before[y][x] != "G"]
        assert len(new) <= 1 and all(before[y][x] == "." for x, y in new)
        assert len(world.evaluate("trees")) == n + len(new)
        totals.append(count(world, "G"))
    assert totals[-1] == 24 and max(totals) == 24  # grows to the cap, never beyond
